//! CSV with a header row of column names, in English or Chinese (`names.rs`). A list cell
//! holds one item per line, or (typed by hand) items split on `;` `,` `，` `、` `；`.

use serde_json::{Map, Value};

use super::names;
use super::record::{Record, Row};
use crate::{Error, Result};

/// Columns holding lists.
const LIST_COLUMNS: [&str; 7] = [
    "questions",
    "tags",
    "turns",
    "key_points",
    "options",
    "links",
    "answers",
];

/// What a CSV export writes, in this order. Contributed answers have no column: a cell
/// cannot hold their authors, times and adoption.
const EXPORT_COLUMNS: [&str; 20] = [
    "id",
    "kind",
    "title",
    "category",
    "shortcode",
    "tags",
    "questions",
    "status",
    "internal",
    "body",
    "persona",
    "opening",
    "turns",
    "key_points",
    "options",
    "links",
    "created_at",
    "created_by",
    "owner",
    "verify_every_days",
];

/// What separates the items of a list typed into one line of a cell.
const SEPARATORS: [char; 5] = [';', ',', '，', '、', '；'];

/// Reads every row, each a record or its problem. A bad header row is the file's only
/// problem: its rows cannot be read without it.
pub(crate) fn read(name: &str, text: &str) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header_at = format!("{name}:1");
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_string()).collect::<Vec<_>>(),
        Err(e) => {
            return vec![Err(Error::import(
                header_at,
                format!("invalid CSV header: {e}"),
            ))];
        }
    };
    let fields = match header_fields(&headers) {
        Ok(fields) => fields,
        Err(message) => return vec![Err(Error::import(header_at, message))],
    };
    let mut rows = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map(|p| line_at(text, p)).unwrap_or(0);
                rows.push(Err(Error::import(
                    format!("{name}:{line}"),
                    format!("invalid CSV row: {e}"),
                )));
                continue;
            }
        };
        let line = row.position().map(|p| line_at(text, p)).unwrap_or(0);
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let location = format!("{name}:{line}");
        rows.push(
            read_row(&fields, &row)
                .map(|record| (location.clone(), record))
                .map_err(|message| Error::import(location, message)),
        );
    }
    rows
}

/// The line a record starts on. csv counts lines (and places a record) from the `\r` of a
/// `\r\n` line end, which Excel writes: one line too early. So the line is counted from
/// the record's first byte after any line-end bytes.
fn line_at(text: &str, position: &csv::Position) -> u64 {
    let bytes = text.as_bytes();
    let mut start = usize::try_from(position.byte())
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
        start += 1;
    }
    bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The record field of every column (`None` for a column without a header), or what is
/// wrong with the header row.
fn header_fields(headers: &[String]) -> Result<Vec<Option<&'static str>>, String> {
    let mut fields: Vec<Option<&'static str>> = Vec::with_capacity(headers.len());
    for h in headers {
        if h.is_empty() {
            fields.push(None);
            continue;
        }
        let Some(field) = names::field(h) else {
            return Err(format!(
                "unknown column `{h}`; the columns are {}",
                names::csv_columns()
            ));
        };
        if field == "answers" {
            return Err(
                "contributed answers cannot be imported from CSV; use JSON Lines".to_string(),
            );
        }
        if let Some(first) = fields.iter().position(|f| *f == Some(field)) {
            return Err(format!(
                "the columns `{}` and `{h}` are both {field}; keep one of them",
                headers[first]
            ));
        }
        fields.push(Some(field));
    }
    Ok(fields)
}

fn read_row(fields: &[Option<&'static str>], row: &csv::StringRecord) -> Result<Record, String> {
    let mut object = Map::new();
    for (field, cell) in fields.iter().zip(row.iter()) {
        let Some(field) = *field else {
            if cell.trim().is_empty() {
                continue;
            }
            return Err(format!(
                "the value `{cell}` is in a column without a header; name the column or clear it"
            ));
        };
        let value = if LIST_COLUMNS.contains(&field) {
            Value::Array(split_cell(cell).map(Value::from).collect())
        } else if field == "internal" {
            match names::yes_no(cell) {
                Some(b) => Value::Bool(b),
                None if cell.trim().is_empty() => continue,
                None => {
                    return Err(format!(
                        "internal must be 是 or 否 (true or false), not `{cell}`"
                    ));
                }
            }
        } else if field == "verify_every_days" {
            match cell.trim() {
                "" => continue,
                days => match days.parse::<u32>() {
                    Ok(days) => Value::from(days),
                    Err(_) => {
                        return Err(format!(
                            "核实周期（天） (verify_every_days) must be a number of days, not `{cell}`"
                        ));
                    }
                },
            }
        } else if cell.is_empty() && field != "body" {
            continue;
        } else {
            Value::from(cell)
        };
        object.insert(field.to_string(), value);
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| format!("invalid entry: {e}"))
}

/// The items of a list cell: one per line when it has line breaks (what an export writes,
/// so an item may hold a comma), else split as [`split_list`] does.
fn split_cell(cell: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    if cell.contains('\n') {
        Box::new(cell.lines().map(str::trim).filter(|s| !s.is_empty()))
    } else {
        Box::new(split_list(cell))
    }
}

/// Splits a list cell on any of `;` `,` `，` `、` `；`, trimming items and dropping empty ones.
pub fn split_list(field: &str) -> impl Iterator<Item = &str> {
    field
        .split(SEPARATORS)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Writes records as CSV text with Chinese headers and values, which [`read`] reads back
/// to the same records (contributed answers aside). Returns the text and, per record,
/// what it could not hold.
pub(crate) fn write(records: &[Record]) -> Result<(String, Vec<String>)> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let failed = |e: csv::Error| Error::Document(format!("writing CSV: {e}"));
    writer
        .write_record(EXPORT_COLUMNS.iter().map(|f| names::chinese(f)))
        .map_err(failed)?;
    let mut notes = Vec::new();
    for r in records {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut list = |items: &[String], field: &str| {
            if items.iter().any(|i| i.contains('\n')) {
                notes.push(format!(
                    "entry {}: line breaks inside its {field} became spaces (a CSV cell holds one item per line)",
                    r.id.as_deref().unwrap_or("")
                ));
            }
            list_cell(items)
        };
        let kind = r.kind.as_deref().and_then(|k| names::kind(k).ok());
        let status = r.status.as_deref().and_then(|s| names::status(s).ok());
        let cells = [
            text(&r.id),
            kind.map(names::kind_chinese)
                .map(str::to_string)
                .unwrap_or_else(|| text(&r.kind)),
            text(&r.title),
            text(&r.category),
            text(&r.shortcode),
            list(&r.tags, "tags"),
            list(&r.questions, "questions"),
            status
                .map(names::status_chinese)
                .map(str::to_string)
                .unwrap_or_else(|| text(&r.status)),
            match r.internal {
                Some(true) => "是".to_string(),
                Some(false) => "否".to_string(),
                None => String::new(),
            },
            r.body.clone(),
            text(&r.persona),
            text(&r.opening),
            list(&r.turns, "turns"),
            list(&r.key_points, "key points"),
            list(&r.options, "options"),
            list(&r.links, "links"),
            text(&r.created_at),
            text(&r.created_by),
            text(&r.owner),
            r.verify_every_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ];
        writer.write_record(&cells).map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Document(format!("writing CSV: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Document(e.to_string()))?;
    Ok((text, notes))
}

/// A list as one cell: an item per line. A lone item holding a separator gets a line
/// break after it, so it is not split when read back.
fn list_cell(items: &[String]) -> String {
    let mut cell = items
        .iter()
        .map(|i| i.replace(['\r', '\n'], " "))
        .collect::<Vec<_>>()
        .join("\n");
    if items.len() == 1 && cell.contains(SEPARATORS) {
        cell.push('\n');
    }
    cell
}
