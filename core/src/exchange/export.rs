//! Export of the whole library (archived entries included), written atomically.

use std::io::Write;
use std::path::Path;

use super::record::Record;
use crate::library::Library;
use crate::{Error, Result};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line, in a file.
    Jsonl,
    /// A folder with one Markdown file per entry.
    Markdown,
}

/// What an export wrote, and the entries it could not read.
#[derive(Debug, Default)]
pub struct ExportReport {
    pub written: usize,
    pub damaged: Vec<Error>,
}

/// Exports every entry to `out` (a file for JSON Lines, a folder for Markdown).
pub fn export(library: &mut Library, format: ExportFormat, out: &Path) -> Result<ExportReport> {
    let mut report = ExportReport::default();
    let mut records = Vec::new();
    for id in library.ids() {
        match library.get(&id) {
            Ok(entry) => records.push(Record::from_entry(&entry)),
            Err(e) => report.damaged.push(e),
        }
    }
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    match format {
        ExportFormat::Jsonl => {
            let tmp = out.with_extension("partial");
            let mut file =
                std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(write_err(&tmp))?);
            for record in &records {
                let line =
                    serde_json::to_string(record).map_err(|e| Error::Document(e.to_string()))?;
                writeln!(file, "{line}").map_err(write_err(&tmp))?;
            }
            let file = file.into_inner().map_err(|e| Error::Write {
                path: tmp.clone(),
                source: e.into_error(),
            })?;
            file.sync_all().map_err(write_err(&tmp))?;
            std::fs::rename(&tmp, out).map_err(write_err(out))?;
        }
        ExportFormat::Markdown => {
            std::fs::create_dir_all(out).map_err(write_err(out))?;
            for record in &records {
                let id = record.id.as_deref().unwrap_or("entry");
                let path = out.join(format!("{id}.md"));
                let text = super::markdown::write_file(record)?;
                std::fs::write(&path, text).map_err(write_err(&path))?;
            }
        }
    }
    report.written = records.len();
    Ok(report)
}
