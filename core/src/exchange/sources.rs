//! Reading import sources (files and folders) into entries, keeping every problem found
//! rather than stopping at the first, so a preview can list them all.

use std::path::Path;

use super::record::Row;
use super::{csv, decode, jsonl, markdown};
use crate::library::ImportItem;
use crate::{Error, ImportProblem, Result};

/// What a set of import sources holds, in file and line order: an entry read from each
/// record, or what is wrong with it. Reading writes nothing.
#[derive(Debug, Default)]
pub struct Sources {
    pub(crate) read: Vec<Result<ImportItem, ImportProblem>>,
}

impl Sources {
    /// The entries read without a problem.
    pub fn items(&self) -> impl Iterator<Item = &ImportItem> {
        self.read.iter().filter_map(|r| r.as_ref().ok())
    }

    /// Every problem found while reading (not yet those checked against a library).
    pub fn problems(&self) -> impl Iterator<Item = &ImportProblem> {
        self.read.iter().filter_map(|r| r.as_ref().err())
    }

    /// Whether the sources held no record at all (good or bad).
    pub fn is_empty(&self) -> bool {
        self.read.is_empty()
    }
}

/// Reads import sources: `.jsonl`, `.json`, `.csv` and `.md` files and folders of `.md`
/// files, each record with its `FILE:LINE`.
pub fn read_sources<P: AsRef<Path>>(paths: &[P]) -> Sources {
    let mut sources = Sources::default();
    for path in paths {
        for row in rows(path.as_ref()) {
            sources.read.push(
                row.and_then(|(location, record)| {
                    record
                        .into_entry()
                        .map(|entry| ImportItem {
                            location: location.clone(),
                            entry,
                        })
                        .map_err(|message| Error::import(location, message))
                })
                .map_err(ImportProblem::from),
            );
        }
    }
    sources
}

/// Reads one import source into entries; any problem fails it, naming them all.
pub fn read_source(path: &Path) -> Result<Vec<ImportItem>> {
    let sources = read_sources(&[path]);
    let problems: Vec<ImportProblem> = sources.problems().cloned().collect();
    if !problems.is_empty() {
        return Err(Error::ImportRejected(problems));
    }
    Ok(sources.read.into_iter().filter_map(Result::ok).collect())
}

/// The records of one source, by its type.
fn rows(path: &Path) -> Vec<Row> {
    if path.is_dir() {
        return markdown::read_folder(path);
    }
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(source) => {
            return vec![Err(Error::Read {
                path: path.to_path_buf(),
                source,
            })];
        }
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let read: fn(&str, &str) -> Vec<Row> = match ext.as_str() {
        "jsonl" | "json" | "ndjson" => jsonl::read,
        "csv" => csv::read,
        "md" | "markdown" => |name, text| vec![markdown::read_file(name, text)],
        _ => {
            return vec![Err(Error::import(
                name,
                "unknown file type: import reads .jsonl, .csv, .md files or a folder of .md files",
            ))];
        }
    };
    match decode::decode(&name, &bytes) {
        Ok(text) => read(&name, &text),
        Err(e) => vec![Err(e)],
    }
}
