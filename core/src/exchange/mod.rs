//! Import and export: JSON Lines, CSV (UTF-8 or GBK/GB18030; English or Chinese columns)
//! and folders of Markdown files with front matter. All three share one record shape
//! ([`Record`]) and its field names.
//!
//! Reading is a pipeline: sources (`sources.rs`: file → rows → entries, every problem
//! kept) → a check against the library (`preview.rs`: created, updated or unchanged, and
//! the problems only the library shows) → the import, which writes only when nothing is
//! wrong.

mod csv;
mod decode;
mod export;
mod jsonl;
mod markdown;
mod names;
mod preview;
mod record;
mod sources;
mod template;

pub use csv::split_list;
pub use export::{CsvEncoding, ExportFormat, ExportReport, export};
pub(crate) use jsonl::read as read_jsonl;
pub use preview::{ImportPreview, PreviewAction, PreviewEntry, import, preview};
pub use record::{Record, RecordAnswer, format_time};
pub use sources::{Sources, read_source, read_sources};
pub use template::{template, template_extension};
