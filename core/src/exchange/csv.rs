//! CSV with a header row of record field names. List columns split on `;` `,` `，` `、`.

use serde_json::{Map, Value};

use super::record::Record;
use crate::{Error, Result};

const LIST_COLUMNS: [&str; 6] = [
    "questions",
    "tags",
    "turns",
    "key_points",
    "links",
    "answers",
];
const TEXT_COLUMNS: [&str; 12] = [
    "id",
    "kind",
    "title",
    "body",
    "category",
    "shortcode",
    "status",
    "persona",
    "opening",
    "created_at",
    "created_by",
    "internal",
];

pub(crate) fn read(name: &str, text: &str) -> Result<Vec<(String, Record)>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::import(format!("{name}:1"), format!("invalid CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for h in &headers {
        if h == "answers" {
            return Err(Error::import(
                format!("{name}:1"),
                "contributed answers cannot be imported from CSV; use JSON Lines",
            ));
        }
        if !LIST_COLUMNS.contains(&h.as_str()) && !TEXT_COLUMNS.contains(&h.as_str()) {
            return Err(Error::import(
                format!("{name}:1"),
                format!(
                    "unknown column `{h}`; columns are {}",
                    [&TEXT_COLUMNS[..], &LIST_COLUMNS[..5]].concat().join(", ")
                ),
            ));
        }
    }
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::import(format!("{name}:{line}"), format!("invalid CSV row: {e}"))
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let location = format!("{name}:{line}");
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut object = Map::new();
        for (header, field) in headers.iter().zip(row.iter()) {
            let value = if LIST_COLUMNS.contains(&header.as_str()) {
                Value::Array(split_list(field).map(Value::from).collect())
            } else if header == "internal" {
                match parse_bool(field) {
                    Some(b) => Value::Bool(b),
                    None if field.trim().is_empty() => continue,
                    None => {
                        return Err(Error::import(
                            location,
                            format!("internal must be true or false, not `{field}`"),
                        ));
                    }
                }
            } else if field.is_empty() && header != "body" {
                continue;
            } else {
                Value::from(field)
            };
            object.insert(header.clone(), value);
        }
        let record: Record = serde_json::from_value(Value::Object(object))
            .map_err(|e| Error::import(&location, format!("invalid entry: {e}")))?;
        records.push((location, record));
    }
    Ok(records)
}

/// Splits a list cell on any of `;` `,` `，` `、`, trimming items and dropping empty ones.
pub fn split_list(field: &str) -> impl Iterator<Item = &str> {
    field
        .split([';', ',', '，', '、', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn parse_bool(field: &str) -> Option<bool> {
    match field.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" => Some(true),
        "false" | "no" | "n" | "0" | "否" => Some(false),
        _ => None,
    }
}
