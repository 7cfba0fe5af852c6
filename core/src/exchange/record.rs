//! The exchange record: one entry as it appears in JSON Lines, CSV and front matter.

use serde::{Deserialize, Serialize};

use crate::model::{Answer, Entry, Kind};

/// One record read from a file with its `FILE:LINE`, or what is wrong there.
pub(crate) type Row = crate::Result<(String, Record)>;

/// One entry in Lore's exchange format. Field names are the same in every format; kind
/// and status may be given in Chinese too (话术, 已发布: see `names.rs`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<RecordAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_points: Vec<String>,
    /// A quiz's choices, the right ones starting with `*`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// RFC 3339; kept on export so a round trip preserves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// The entry's owner: a member's name (what an export writes) or id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Days between verifications; 0 or none: the team's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_every_days: Option<u32>,
}

/// A contributed answer in the exchange format.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub author: String,
    pub text: String,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default)]
    pub adopted: bool,
}

impl Record {
    /// Checks the record and turns it into an entry; the error says what is wrong.
    pub fn into_entry(self) -> Result<Entry, String> {
        let kind: Kind = match self.kind.as_deref() {
            None | Some("") => return Err("missing kind (faq, script, sop or training)".into()),
            Some(k) => super::names::kind(k)?,
        };
        let title = match self.title {
            Some(t) if !t.trim().is_empty() => t,
            _ => return Err("missing title: every entry needs a non-empty title".into()),
        };
        let mut entry = Entry::new(kind, title);
        if let Some(id) = self.id.filter(|id| !id.trim().is_empty()) {
            crate::model::validate_entry_id(id.trim()).map_err(|e| e.to_string())?;
            entry.id = id.trim().to_string();
        }
        entry.body = self.body;
        entry.questions = self.questions;
        entry.tags = self.tags;
        entry.category = self.category.unwrap_or_default();
        entry.shortcode = self.shortcode.unwrap_or_default();
        if let Some(status) = self.status.filter(|s| !s.trim().is_empty()) {
            entry.status = super::names::status(&status)?;
        }
        entry.internal = self.internal.unwrap_or(false);
        entry.persona = self.persona.unwrap_or_default();
        entry.opening = self.opening.unwrap_or_default();
        entry.turns = self.turns;
        entry.key_points = self.key_points;
        entry.options = self.options;
        entry.links = self.links;
        if let Some(at) = self.created_at {
            entry.created_at = parse_time(&at, "created_at")?;
        }
        entry.created_by = self.created_by.unwrap_or_default();
        entry.owner = self
            .owner
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty());
        entry.verify_every_days = self.verify_every_days.filter(|&d| d > 0);
        for (n, a) in self.answers.into_iter().enumerate() {
            if a.text.trim().is_empty() {
                return Err(format!("answer {} has no text", n + 1));
            }
            entry.answers.push(Answer {
                id: a.id.unwrap_or_else(|| answer_id(&a.author, &a.text)),
                author: a.author,
                text: a.text,
                time: match a.time {
                    Some(t) => parse_time(&t, "answer time")?,
                    None => 0,
                },
                adopted: a.adopted,
                ..Answer::default()
            });
        }
        entry.normalise();
        entry.validate().map_err(|e| e.to_string())?;
        Ok(entry)
    }

    /// The record of a stored entry, with every field.
    pub fn from_entry(e: &Entry) -> Record {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Record {
            id: Some(e.id.clone()),
            kind: Some(e.kind.as_str().to_string()),
            title: Some(e.title.clone()),
            body: e.body.clone(),
            questions: e.questions.clone(),
            tags: e.tags.clone(),
            category: some(&e.category),
            shortcode: some(&e.shortcode),
            status: Some(e.status.as_str().to_string()),
            internal: Some(e.internal),
            answers: e
                .answers
                .iter()
                .map(|a| RecordAnswer {
                    id: Some(a.id.clone()),
                    author: a.author.clone(),
                    text: a.text.clone(),
                    time: (a.time != 0).then(|| format_time(a.time)),
                    adopted: a.adopted,
                })
                .collect(),
            persona: some(&e.persona),
            opening: some(&e.opening),
            turns: e.turns.clone(),
            key_points: e.key_points.clone(),
            options: e.options.clone(),
            links: e.links.clone(),
            created_at: (e.created_at != 0).then(|| format_time(e.created_at)),
            created_by: some(&e.created_by),
            owner: e.owner.clone(),
            verify_every_days: e.verify_every_days,
        }
    }
}

/// A stable id for an answer that came without one, so that importing the same file
/// again matches the same answer instead of adding a copy.
fn answer_id(author: &str, text: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    // FNV-1a, 64 bit: stable across versions and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in author.bytes().chain([0]).chain(text.trim().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..8)
        .map(|i| ALPHABET[((hash >> (i * 5)) & 31) as usize] as char)
        .collect()
}

fn parse_time(s: &str, field: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|_| format!("{field} `{s}` is not a date like 2026-09-12T10:20:00+08:00"))
}

/// Milliseconds as RFC 3339 in UTC, to the millisecond.
pub fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
