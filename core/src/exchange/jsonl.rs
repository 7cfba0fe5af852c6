//! JSON Lines: one record per line; blank lines are skipped.

use super::record::{Record, Row};
use crate::Error;

/// Reads every line, each a record or its problem.
pub(crate) fn read(name: &str, text: &str) -> Vec<Row> {
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let location = format!("{name}:{}", n + 1);
        let record = serde_json::from_str::<Record>(line).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Data => "invalid entry",
                _ => "invalid JSON",
            };
            Error::import(
                &location,
                format!("{what}: {}", strip_position(&e.to_string())),
            )
        });
        records.push(record.map(|record| (location, record)));
    }
    records
}

/// serde_json appends "at line 1 column 9"; the location already says where.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map(|i| &message[..i])
        .unwrap_or(message)
}
