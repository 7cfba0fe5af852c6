//! Export of the whole library (archived entries included), written atomically: to a
//! temporary name, then renamed into place.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::record::Record;
use crate::library::Library;
use crate::{Error, Result};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line, in a file. Keeps everything.
    Jsonl,
    /// A spreadsheet for Excel: Chinese headers and values, every field but contributed
    /// answers, in the encoding given.
    Csv(CsvEncoding),
    /// A folder with one Markdown file per entry, named by its title.
    Markdown,
}

/// An owner as an export writes it: their roster name, or their id when the name is not
/// theirs alone (an import reads either).
fn owner_name(team: &crate::model::Team, id: String) -> String {
    match team.members.get(&id) {
        Some(m) if team.members.values().filter(|o| o.name == m.name).count() == 1 => {
            m.name.clone()
        }
        _ => id,
    }
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 starting with a byte order mark, by which Excel knows it is UTF-8.
    Utf8,
    /// GBK, for older Excel on Chinese Windows; text GBK cannot hold is refused.
    Gbk,
}

/// What an export wrote, the entries it could not read, and what the format could not
/// carry (contributed answers in CSV, say).
#[derive(Debug, Default)]
pub struct ExportReport {
    pub written: usize,
    pub damaged: Vec<Error>,
    pub left_out: Vec<String>,
}

/// Exports every entry to `out` (a file for JSON Lines and CSV, a new or empty folder for
/// Markdown).
pub fn export(library: &mut Library, format: ExportFormat, out: &Path) -> Result<ExportReport> {
    let mut report = ExportReport::default();
    let mut records = Vec::new();
    let team = library.team()?;
    for id in library.ids() {
        match library.get(&id) {
            Ok(entry) => {
                let mut record = Record::from_entry(&entry);
                record.owner = record.owner.map(|o| owner_name(&team, o));
                records.push(record);
            }
            Err(e) => report.damaged.push(e),
        }
    }
    match format {
        ExportFormat::Jsonl => {
            let mut text = String::new();
            for record in &records {
                let line =
                    serde_json::to_string(record).map_err(|e| Error::Document(e.to_string()))?;
                text.push_str(&line);
                text.push('\n');
            }
            write_file(out, text.as_bytes())?;
        }
        ExportFormat::Csv(encoding) => {
            let (text, mut notes) = super::csv::write(&records)?;
            let bytes = encode(&text, encoding, &records)?;
            write_file(out, &bytes)?;
            let with_answers: Vec<&Record> =
                records.iter().filter(|r| !r.answers.is_empty()).collect();
            if !with_answers.is_empty() {
                notes.insert(
                    0,
                    format!(
                        "{} entries have contributed answers ({} in all), which a CSV file cannot hold; \
                         export JSON Lines to keep them",
                        with_answers.len(),
                        with_answers.iter().map(|r| r.answers.len()).sum::<usize>()
                    ),
                );
            }
            report.left_out = notes;
        }
        ExportFormat::Markdown => write_markdown(out, &records)?,
    }
    report.written = records.len();
    Ok(report)
}

/// CSV text in `encoding`; for GBK, the first entry holding a character GBK lacks is named.
pub(crate) fn encode(text: &str, encoding: CsvEncoding, records: &[Record]) -> Result<Vec<u8>> {
    match encoding {
        CsvEncoding::Utf8 => {
            let mut bytes = b"\xEF\xBB\xBF".to_vec();
            bytes.extend_from_slice(text.as_bytes());
            Ok(bytes)
        }
        CsvEncoding::Gbk => {
            let (bytes, _, unencodable) = encoding_rs::GBK.encode(text);
            if !unencodable {
                return Ok(bytes.into_owned());
            }
            let mut offending = records.iter().filter_map(|r| {
                let (row, _) = super::csv::write(std::slice::from_ref(r)).ok()?;
                not_in_gbk(&row).map(|c| (r, c))
            });
            let first = offending.next();
            let others = offending.count();
            Err(match first {
                Some((r, character)) => Error::NotInGbk {
                    id: r.id.clone().unwrap_or_default(),
                    title: r.title.clone().unwrap_or_default(),
                    character,
                    others,
                },
                None => Error::NotInGbk {
                    id: String::new(),
                    title: String::new(),
                    character: not_in_gbk(text).unwrap_or('\u{FFFD}'),
                    others: 0,
                },
            })
        }
    }
}

/// The first character of `text` that GBK cannot encode.
fn not_in_gbk(text: &str) -> Option<char> {
    if !encoding_rs::GBK.encode(text).2 {
        return None;
    }
    let mut buf = [0u8; 4];
    text.chars()
        .find(|c| encoding_rs::GBK.encode(c.encode_utf8(&mut buf)).2)
}

/// Writes a file whole or not at all: to `OUT.partial`, synced, then renamed.
fn write_file(out: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = partial(out);
    let mut file = std::fs::File::create(&tmp).map_err(write_err(&tmp))?;
    file.write_all(bytes).map_err(write_err(&tmp))?;
    file.sync_all().map_err(write_err(&tmp))?;
    std::fs::rename(&tmp, out).map_err(write_err(out))
}

/// Writes one file per entry, named by its title, into a folder that must be new or
/// empty: a file left from an earlier export (an entry since renamed) would otherwise be
/// imported beside the new one. The files are written to `OUT.partial`, then renamed.
fn write_markdown(out: &Path, records: &[Record]) -> Result<()> {
    if out.is_dir() {
        let mut files = std::fs::read_dir(out).map_err(|source| Error::Read {
            path: out.to_path_buf(),
            source,
        })?;
        if files.next().is_some() {
            return Err(Error::ExportFolderNotEmpty(out.to_path_buf()));
        }
    }
    let tmp = partial(out);
    if tmp.is_dir() {
        std::fs::remove_dir_all(&tmp).map_err(write_err(&tmp))?;
    }
    std::fs::create_dir_all(&tmp).map_err(write_err(&tmp))?;
    let mut taken = HashSet::new();
    for record in records {
        let title = record.title.as_deref().unwrap_or("");
        let id = record.id.as_deref().unwrap_or("");
        let path = tmp.join(super::markdown::file_name(title, id, &mut taken));
        let text = super::markdown::write_file(record)?;
        std::fs::write(&path, text).map_err(write_err(&path))?;
    }
    if out.is_dir() {
        std::fs::remove_dir(out).map_err(write_err(out))?;
    }
    std::fs::rename(&tmp, out).map_err(write_err(out))
}

/// `OUT.partial`, beside `OUT`.
fn partial(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}
