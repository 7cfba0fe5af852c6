//! Practice: a trainee's replies to a role-play, scored against the team's key points,
//! and the attempt kept with the versions of what it was practised on.
//!
//! A key point is judged by its words (see [`crate::search::PointMatch`]): it is hit when
//! the trainee's replies say enough of them, synonyms and Traditional characters
//! included. A trainer marks a point with a prefix:
//! - `必须：` (or `required:`) — the attempt fails if it is missed;
//! - `禁止：` (or `forbidden:`, `never:`) — the attempt fails if it is said (for example
//!   `禁止：先承诺退款`);
//! - no prefix — an ordinary point: the score is the share of ordinary and required points
//!   hit.

use serde::{Deserialize, Serialize};

use crate::model::{EntryId, MemberId};
use crate::search::PointMatch;

/// How a key point counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PointKind {
    Normal,
    Required,
    Forbidden,
}

/// Prefixes that mark a key point, and what they mark.
const PREFIXES: [(&str, PointKind); 8] = [
    ("必须：", PointKind::Required),
    ("必须:", PointKind::Required),
    ("required:", PointKind::Required),
    ("禁止：", PointKind::Forbidden),
    ("禁止:", PointKind::Forbidden),
    ("forbidden:", PointKind::Forbidden),
    ("never:", PointKind::Forbidden),
    ("不得：", PointKind::Forbidden),
];

/// A key point as the trainer wrote it: its kind and the words to judge.
pub fn key_point(raw: &str) -> (PointKind, &str) {
    let raw = raw.trim();
    for (prefix, kind) in PREFIXES {
        if let Some(rest) = raw
            .get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| &raw[prefix.len()..])
        {
            return (kind, rest.trim());
        }
    }
    (PointKind::Normal, raw)
}

/// One key point's result in an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointResult {
    /// The point as the trainer wrote it (prefix dropped).
    pub point: String,
    pub kind: PointKind,
    /// Whether the replies said it.
    pub hit: bool,
    /// The trainee's words that said it.
    pub matched: Vec<String>,
    /// Its words the replies did not say.
    pub missing: Vec<String>,
}

impl PointResult {
    pub fn new(point: &str, kind: PointKind, judged: PointMatch) -> PointResult {
        PointResult {
            point: point.to_string(),
            kind,
            hit: judged.hit,
            matched: judged.matched,
            missing: judged.missing,
        }
    }

    /// Whether this point fails the attempt: a required point missed, a forbidden said.
    pub fn fails(&self) -> bool {
        match self.kind {
            PointKind::Required => !self.hit,
            PointKind::Forbidden => self.hit,
            PointKind::Normal => false,
        }
    }
}

/// One attempt at a training item, as the trainee's ledger keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub item: EntryId,
    /// Who made it (the ledger's member; not stored in the record itself).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub member: MemberId,
    /// When it ended, seconds since the epoch.
    pub at: i64,
    /// How long it took, in seconds.
    pub seconds: u32,
    /// The trainee's reply to each customer turn, in order.
    pub replies: Vec<String>,
    /// The share of ordinary and required points hit, 0–100.
    pub score: u32,
    /// No required point missed, no forbidden one said.
    pub passed: bool,
    pub points: Vec<PointResult>,
    /// The heads (hex) of the item and of every entry it links, when it was made: a later
    /// change to any of them makes the result out of date.
    pub versions: Vec<(EntryId, Vec<String>)>,
}

/// The score and pass of an attempt from its points' results.
pub fn score(points: &[PointResult]) -> (u32, bool) {
    let counted: Vec<&PointResult> = points
        .iter()
        .filter(|p| p.kind != PointKind::Forbidden)
        .collect();
    let hit = counted.iter().filter(|p| p.hit).count();
    let score = if counted.is_empty() {
        100
    } else {
        (hit * 100 / counted.len()) as u32
    };
    (score, !points.iter().any(PointResult::fails))
}

/// An entry an attempt was made on that has changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub entry: EntryId,
    pub title: String,
    /// When its latest change was made (ms since the epoch).
    pub at: i64,
}

/// The pass mark of an item practised without an assignment.
pub const DEFAULT_PASS: u32 = 80;

/// Whom an assignment is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Assignee {
    /// One member (their id).
    Member(MemberId),
    /// Every member with this role.
    Role(crate::model::Role),
    /// The whole team.
    Everyone,
}

/// A training item a trainer set for members, kept in the trainer's own ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub item: EntryId,
    pub to: Assignee,
    /// By when (ms since the epoch); 0: no date.
    pub due: i64,
    /// The score that passes, 0–100.
    pub pass: u32,
    /// The trainer (the ledger's member; not stored in the record itself).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub by: MemberId,
    /// When it was set, ms since the epoch.
    pub at: i64,
}

impl Assignment {
    /// The key it is kept under in the trainer's ledger: one per item and assignee.
    pub fn key(&self) -> String {
        let to = match &self.to {
            Assignee::Member(m) => format!("member:{m}"),
            Assignee::Role(r) => format!("role:{r}"),
            Assignee::Everyone => "all".to_string(),
        };
        format!("{}\t{to}", self.item)
    }

    /// Whether it is for `member`, who has `role`.
    pub fn is_for(&self, member: &str, role: crate::model::Role) -> bool {
        match &self.to {
            Assignee::Member(m) => m == member,
            Assignee::Role(r) => *r == role,
            Assignee::Everyone => true,
        }
    }
}

/// One member's standing on one item in the trainer's grid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub item: EntryId,
    /// The assignment's due date and pass mark, when the item is assigned to them.
    pub due: Option<i64>,
    pub pass: Option<u32>,
    /// Their best score, attempts and last attempt (seconds since the epoch).
    pub best: Option<u32>,
    pub attempts: u32,
    pub last: Option<i64>,
    /// Whether the best attempt reached the pass mark with no required point missed and
    /// no forbidden one said.
    pub passed: bool,
    /// Whether what they practised on changed since their last attempt.
    pub out_of_date: bool,
}

/// The trainer's grid: members × items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Grid {
    /// Items (id, title), in the grid's column order.
    pub items: Vec<(EntryId, String)>,
    /// Per member (id, name), a cell per item in column order.
    pub rows: Vec<(MemberId, String, Vec<Cell>)>,
}

/// A generated quiz question: a customer's phrasing, and the FAQ that answers it among
/// close ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    /// The FAQ the phrasing is one of.
    pub faq: EntryId,
    pub phrasing: String,
    /// (entry id, title) of each option, the answer among them.
    pub options: Vec<(EntryId, String)>,
    /// The answer's index in `options`.
    pub answer: usize,
}

/// A multiple-choice quiz's choices as written (`*` marks the right ones): each choice's
/// text and whether it is right.
pub fn choices(options: &[String]) -> Vec<(String, bool)> {
    options
        .iter()
        .map(|o| match o.trim().strip_prefix('*') {
            Some(right) => (right.trim().to_string(), true),
            None => (o.trim().to_string(), false),
        })
        .collect()
}

/// The choice numbers (from 1) a reply names: "2", "1,3", "1 3", "１、３".
pub fn chosen(reply: &str) -> Vec<usize> {
    let mut picked: Vec<usize> = reply
        .split(|c: char| !c.is_ascii_digit() && !('０'..='９').contains(&c))
        .filter_map(|n| {
            let ascii: String = n
                .chars()
                .map(|c| {
                    char::from_u32(c as u32 - if c.is_ascii() { 0 } else { 0xFEE0 }).unwrap_or(c)
                })
                .collect();
            ascii.parse::<usize>().ok()
        })
        .filter(|n| *n > 0)
        .map(|n| n - 1)
        .collect();
    picked.sort_unstable();
    picked.dedup();
    picked
}
