//! The query log: what members asked, kept in each member's own ledger as daily
//! aggregates. One record per (day, kind of question, normalised text) in the ledger's map
//! `queries`, so a year of searching stays a few thousand short strings however often the
//! same question comes back; records older than the team's retention period are deleted
//! when the member next writes the log.
//!
//! Key: `DAY\tKIND\tTEXT` (DAY: days since the epoch in the asker's local time; KIND `s`
//! for a search, `m` for a pasted customer message). Value: `ASKED\tEMPTY\tOPENED\tCOPIED\tIDS`
//! (how often it was asked, found nothing, was followed by opening or by copying an
//! entry, and the entries copied after it, comma-separated, at most [`MAX_IDS`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::EntryId;

/// Longest text kept, in characters (a pasted message is cut there).
pub const MAX_QUERY_CHARS: usize = 160;
/// Most entries remembered as copied after one question on one day.
pub const MAX_IDS: usize = 6;
/// Days a record is kept unless the team says otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;
/// The team setting that turns the query log off (`off`).
pub const SETTING_LOG: &str = "insights.query_log";
/// The team setting naming how many days records are kept.
pub const SETTING_RETENTION: &str = "insights.retention_days";

/// What kind of question it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Asked {
    /// Typed into the search box.
    Search,
    /// A customer's message pasted in for suggestions.
    Message,
}

impl Asked {
    fn code(self) -> &'static str {
        match self {
            Asked::Search => "s",
            Asked::Message => "m",
        }
    }

    fn from_code(code: &str) -> Option<Asked> {
        match code {
            "s" => Some(Asked::Search),
            "m" => Some(Asked::Message),
            _ => None,
        }
    }
}

/// What followed a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// It was asked; `found` whether anything (that matched well) came back.
    Asked { found: bool },
    /// An entry was opened from its results.
    Opened,
    /// An entry's reply was copied from its results.
    Copied(EntryId),
}

/// One day's tally of one question by one member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub asked: u64,
    /// How often it found nothing (or nothing that matched well).
    pub empty: u64,
    pub opened: u64,
    pub copied: u64,
    /// The entries copied after it, first copied first.
    pub ids: Vec<EntryId>,
}

impl Tally {
    /// Counts what followed the question.
    pub fn add(&mut self, after: &After) {
        match after {
            After::Asked { found } => {
                self.asked += 1;
                if !found {
                    self.empty += 1;
                }
            }
            After::Opened => self.opened += 1,
            After::Copied(id) => {
                self.copied += 1;
                if !self.ids.contains(id) && self.ids.len() < MAX_IDS {
                    self.ids.push(id.clone());
                }
            }
        }
    }

    /// Adds another tally of the same question.
    pub fn merge(&mut self, other: &Tally) {
        self.asked += other.asked;
        self.empty += other.empty;
        self.opened += other.opened;
        self.copied += other.copied;
        for id in &other.ids {
            if !self.ids.contains(id) && self.ids.len() < MAX_IDS {
                self.ids.push(id.clone());
            }
        }
    }

    /// The record's value.
    pub fn encode(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}",
            self.asked,
            self.empty,
            self.opened,
            self.copied,
            self.ids.join(",")
        )
    }

    /// Reads a record's value; none when it is not one (a newer or damaged format).
    pub fn decode(value: &str) -> Option<Tally> {
        let mut parts = value.split('\t');
        let mut number = || parts.next().and_then(|p| p.parse::<u64>().ok());
        let (asked, empty, opened, copied) = (number()?, number()?, number()?, number()?);
        let ids = parts
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .take(MAX_IDS)
            .map(str::to_string)
            .collect();
        Some(Tally {
            asked,
            empty,
            opened,
            copied,
            ids,
        })
    }
}

/// Which question a record counts: its day, kind and normalised text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Question {
    /// Days since the epoch, in the asker's local time.
    pub day: i64,
    pub asked: Asked,
    pub text: String,
}

impl Question {
    /// The record's key.
    pub fn key(&self) -> String {
        format!("{}\t{}\t{}", self.day, self.asked.code(), self.text)
    }

    /// Reads a record's key.
    pub fn parse(key: &str) -> Option<Question> {
        let mut parts = key.splitn(3, '\t');
        let day = parts.next()?.parse().ok()?;
        let asked = Asked::from_code(parts.next()?)?;
        let text = parts.next()?.to_string();
        (!text.is_empty()).then_some(Question { day, asked, text })
    }
}

/// A member's query log as read from their ledger.
pub type Log = BTreeMap<Question, Tally>;

/// Reads the records of a ledger's map `queries`; records that do not read are skipped.
pub fn read(records: &[(String, String)]) -> Log {
    records
        .iter()
        .filter_map(|(k, v)| Some((Question::parse(k)?, Tally::decode(v)?)))
        .collect()
}

/// The text as it is logged: trimmed, lowercase, whitespace runs as one space, runs of
/// five or more digits (order and phone numbers) as `#`, at most [`MAX_QUERY_CHARS`]
/// characters; none when nothing is left.
pub fn normalise(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |out: &mut String, digits: &mut String| {
        if digits.chars().count() >= 5 {
            out.push('#');
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            if space {
                out.push(' ');
                space = false;
            }
            digits.push(c);
            continue;
        }
        flush(&mut out, &mut digits);
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    flush(&mut out, &mut digits);
    let out: String = out.chars().take(MAX_QUERY_CHARS).collect();
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// Today's day number in local time, for `now` in ms since the epoch.
pub fn local_day(now: crate::model::Millis) -> i64 {
    use chrono::{Local, Offset, TimeZone};
    let offset = Local
        .timestamp_millis_opt(now)
        .single()
        .map(|t| i64::from(t.offset().fix().local_minus_utc()))
        .unwrap_or(0);
    (now / 1000 + offset).div_euclid(86_400)
}
