//! Markdown files with YAML front matter carrying the record fields; the text after the
//! front matter is the body. Without a `title`, the first `# ` heading is the title.
//! An export names each file by its entry's title; the id is in the front matter.

use std::collections::HashSet;
use std::path::Path;

use super::record::{Record, Row};
use crate::{Error, Result};

/// Reads every `.md` file of a folder, in name order, each a record or its problem.
pub(crate) fn read_folder(dir: &Path) -> Vec<Row> {
    let read_dir = match std::fs::read_dir(dir) {
        Ok(read_dir) => read_dir,
        Err(source) => {
            return vec![Err(Error::Read {
                path: dir.to_path_buf(),
                source,
            })];
        }
    };
    let mut paths: Vec<_> = read_dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
                })
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        return vec![Err(Error::import(
            dir.display().to_string(),
            "the folder holds no .md files",
        ))];
    }
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            let bytes = std::fs::read(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            read_file(&name, &super::decode::decode(&name, &bytes)?)
        })
        .collect()
}

/// Reads one Markdown file.
pub(crate) fn read_file(name: &str, text: &str) -> Row {
    let location = format!("{name}:1");
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let (mut record, body) = if first.trim_end() == "---" {
        let mut front = String::new();
        let mut closed = false;
        let mut consumed = first.len();
        for line in lines.by_ref() {
            consumed += line.len();
            if line.trim_end() == "---" {
                closed = true;
                break;
            }
            front.push_str(line);
        }
        if !closed {
            return Err(Error::import(
                location,
                "the front matter starts with `---` but is never closed by a second `---` line",
            ));
        }
        let record: Record = if front.trim().is_empty() {
            Record::default()
        } else {
            serde_yaml::from_str(&front).map_err(|e| {
                let line = e.location().map(|l| l.line() + 1).unwrap_or(1);
                Error::import(
                    format!("{name}:{line}"),
                    format!("invalid front matter: {e}"),
                )
            })?
        };
        (record, &text[consumed..])
    } else {
        (Record::default(), text)
    };
    let mut body = body.trim_start_matches(['\n', '\r']).trim_end().to_string();
    if record.title.as_deref().is_none_or(|t| t.trim().is_empty())
        && let Some((title, rest)) = take_heading(&body)
    {
        record.title = Some(title);
        body = rest;
    }
    record.body = body;
    Ok((location, record))
}

/// Takes the first `# ` heading out of a body.
fn take_heading(body: &str) -> Option<(String, String)> {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if let Some(title) = line.trim_end().strip_prefix("# ") {
            let rest = format!("{}{}", &body[..offset], &body[offset + line.len()..]);
            return Some((title.trim().to_string(), rest.trim().to_string()));
        }
        offset += line.len();
    }
    None
}

/// Writes a record as a Markdown file's text.
pub(crate) fn write_file(record: &Record) -> Result<String> {
    let mut front = record.clone();
    let body = std::mem::take(&mut front.body);
    let yaml = serde_yaml::to_string(&front).map_err(|e| Error::Document(e.to_string()))?;
    Ok(format!("---\n{yaml}---\n{body}\n"))
}

/// The longest file name an export writes, in bytes, before ` (N).md`: well under the
/// 255 bytes most file systems allow, and readable in a file manager.
const NAME_BYTES: usize = 120;

/// A file name for an entry, from its title: without the characters some file system
/// refuses (`/ \ : * ? " < > |`, control characters), trimmed, at most [`NAME_BYTES`],
/// never a name Windows reserves, and unique in `taken` (compared ignoring case, as
/// Windows and macOS do) by a suffix: `标题 (2).md`. `fallback` (the id) names an entry
/// whose title has nothing usable.
pub(crate) fn file_name(title: &str, fallback: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut stem = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if stem.len() > NAME_BYTES {
        let mut end = NAME_BYTES;
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem.truncate(end);
    }
    let mut stem = stem.trim_matches([' ', '.']).to_string();
    if stem.is_empty() {
        stem = if fallback.is_empty() {
            "entry"
        } else {
            fallback
        }
        .to_string();
    }
    if is_reserved(&stem) {
        stem.push('_');
    }
    let mut name = format!("{stem}.md");
    let mut n = 1;
    while !taken.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{stem} ({n}).md");
    }
    name
}

/// Device names Windows refuses as file names, with any extension.
fn is_reserved(stem: &str) -> bool {
    let base = stem
        .split('.')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (base.len() == 4
            && (base.starts_with("COM") || base.starts_with("LPT"))
            && base.as_bytes()[3].is_ascii_digit())
}
