//! Import and export: JSON Lines, CSV (UTF-8 or GBK/GB18030) and folders of Markdown files
//! with front matter. All three share one record shape ([`Record`]) and its field names.

mod csv;
mod decode;
mod export;
mod jsonl;
mod markdown;
mod record;

pub use csv::split_list;
pub use export::{ExportFormat, ExportReport, export};
pub(crate) use jsonl::read as read_jsonl;
pub use record::{Record, RecordAnswer, format_time};

use std::path::Path;

use crate::library::ImportItem;
use crate::{Error, Result};

/// Reads an import source (a `.jsonl`, `.json`, `.csv` file or a folder of `.md` files)
/// into entries, each with its `FILE:LINE`. Nothing is written here.
pub fn read_source(path: &Path) -> Result<Vec<ImportItem>> {
    let records = if path.is_dir() {
        markdown::read_folder(path)?
    } else {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "json" | "ndjson" => jsonl::read(&name, &decode::decode(&name, &bytes)?)?,
            "csv" => csv::read(&name, &decode::decode(&name, &bytes)?)?,
            "md" | "markdown" => vec![markdown::read_file(&name, &decode::decode(&name, &bytes)?)?],
            _ => {
                return Err(Error::import(
                    name,
                    "unknown file type: import reads .jsonl, .csv, .md files or a folder of .md files",
                ));
            }
        }
    };
    records
        .into_iter()
        .map(|(location, record)| {
            let entry = record
                .into_entry()
                .map_err(|message| Error::import(&location, message))?;
            Ok(ImportItem { location, entry })
        })
        .collect()
}
