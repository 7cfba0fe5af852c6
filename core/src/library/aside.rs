//! Setting a library aside: when a device joins another team, the library it had is kept
//! whole in `DATA_DIR/previous/<team id>-<time>/`, and put back if joining fails.

use std::path::{Path, PathBuf};

use super::{DB_FILE, INDEX_DIR};
use crate::{Error, Result};

/// The folder of the data directory that keeps libraries set aside.
pub const PREVIOUS_DIR: &str = "previous";

/// Moves the library of `data_dir` (database and search index) into a new folder under
/// `previous/`, named after `team_id` and the local time; returns that folder.
pub fn set_aside(data_dir: &Path, team_id: &str) -> Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let aside = data_dir
        .join(PREVIOUS_DIR)
        .join(format!("{team_id}-{stamp}"));
    crate::private::create_private_dir(&aside)?;
    move_library(data_dir, &aside)?;
    Ok(aside)
}

/// Puts a library set aside back into `data_dir`, replacing whatever library a failed
/// join left there, and removes the emptied folder.
pub fn put_back(aside: &Path, data_dir: &Path) -> Result<()> {
    remove_if_present(&data_dir.join(DB_FILE))?;
    remove_if_present(&data_dir.join(INDEX_DIR))?;
    move_library(aside, data_dir)?;
    // Only an empty folder is removed; anything else left in it stays for the user.
    let _ = std::fs::remove_dir(aside);
    Ok(())
}

/// Moves a library (its database and search index) from one directory to another.
fn move_library(from: &Path, to: &Path) -> Result<()> {
    for name in [DB_FILE, INDEX_DIR] {
        let source = from.join(name);
        if source.exists() {
            std::fs::rename(&source, to.join(name)).map_err(|source_err| Error::Write {
                path: to.join(name),
                source: source_err,
            })?;
        }
    }
    Ok(())
}

/// Removes a file or folder; one that is not there is fine.
pub(super) fn remove_if_present(path: &Path) -> Result<()> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Write {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}
