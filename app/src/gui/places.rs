//! Where the app's windows were left, kept across restarts in `DATA_DIR/places.json`
//! (owner-only): for now the quick picker's position. The app reads it once before its
//! window opens; the worker writes it when the agent has moved the picker. A missing or
//! unreadable file is simply no remembered place.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

/// The file's name in the data directory.
pub const PLACES_FILE: &str = "places.json";

/// Where the windows were left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Places {
    /// The quick picker's outer top-left corner, in points.
    #[serde(default)]
    pub picker: Option<[f32; 2]>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(PLACES_FILE)
}

impl Places {
    /// What `dir` remembers (nothing when the file is missing or unreadable).
    pub fn load(dir: &Path) -> Places {
        std::fs::read(path(dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Keeps these places in `dir`: written beside the file and renamed over it.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let target = path(dir);
        let partial = target.with_extension("json.partial");
        std::fs::write(&partial, serde_json::to_vec(self)?)
            .with_context(|| format!("writing {}", partial.display()))?;
        lore_core::restrict_to_owner(&partial)?;
        std::fs::rename(&partial, &target)
            .with_context(|| format!("writing {}", target.display()))?;
        Ok(())
    }
}
