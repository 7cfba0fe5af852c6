//! Files only their owner can read: the data directory holds the device key, the library
//! and the team's members, so everything Lore creates in it is owner-only, whatever the
//! directory's own mode or the process's umask.

use std::path::Path;

use crate::{Error, Result};

/// Creates `dir` (and its parents) readable by the owner only. A folder that already
/// exists keeps its mode: it may be the user's own (`--data-dir ~/shared`), and what Lore
/// creates inside it is owner-only anyway.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| Error::DataDir {
        dir: dir.to_path_buf(),
        source,
    })
}

/// Makes an existing file (mode 0600) or folder (0700) owner-only.
pub fn restrict_to_owner(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(
            |source| Error::Write {
                path: path.to_path_buf(),
                source,
            },
        )?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
