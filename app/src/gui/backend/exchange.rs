//! Import and export from the app: the preview of what importing some files would do (each
//! entry and every problem with its `FILE:LINE`, nothing written), the import itself (all
//! or nothing), the CSV template, and exports of the whole library.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use lore_core::exchange::{self, CsvEncoding, ExportFormat};

use super::worker::Worker;
use crate::gui::jobs::Done;

impl Worker {
    /// What importing `paths` would do to the library; nothing is written.
    pub(super) fn preview_import(&self, paths: Vec<PathBuf>) -> Result<Done> {
        let sources = exchange::read_sources(&paths);
        let preview = exchange::preview(&mut *self.library()?, &sources);
        Ok(Done::ImportPreview {
            paths,
            preview: Box::new(preview),
        })
    }

    /// Imports `paths`: the files are read again (they may have changed since the preview)
    /// and nothing is written if any problem is found.
    pub(super) fn import(&self, paths: &[PathBuf]) -> Result<Done> {
        let sources = exchange::read_sources(paths);
        let mut library = self.library()?;
        let report = exchange::import(&mut library, sources, &mut |_, _| {})?;
        let entries = library.len();
        drop(library);
        self.changed();
        Ok(Done::Imported {
            entries,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
        })
    }

    /// Writes the CSV import template (UTF-8 with a BOM, Chinese headers) to `path`.
    pub(super) fn save_template(&self, path: PathBuf) -> Result<Done> {
        let bytes = exchange::template(ExportFormat::Csv(CsvEncoding::Utf8))?;
        write_whole(&path, &bytes)?;
        Ok(Done::Wrote {
            path,
            entries: None,
        })
    }

    /// Exports every entry in `format` to `path` (a file, or a folder for Markdown).
    pub(super) fn export(&self, format: ExportFormat, path: PathBuf) -> Result<Done> {
        let report = exchange::export(&mut *self.library()?, format, &path)?;
        Ok(Done::Wrote {
            path,
            entries: Some(report.written),
        })
    }
}

/// Writes `bytes` to a temporary name beside `path`, then renames it into place: a file
/// there is either the old one or the whole new one.
pub(super) fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, bytes).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
}
