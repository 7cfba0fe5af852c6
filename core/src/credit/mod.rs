//! Credit: who wrote what the team uses. Everything here is computed from the documents —
//! each entry's [`EntryFacts`] (who created it, wrote its sentences, added and decided its
//! answers, all from signed changes) and each member's copies (from their own ledger,
//! which only they can write) — so every machine computes the same board from the same
//! documents, and nothing is stored that could disagree with the history.
//!
//! The rules:
//! - a copy of an entry's reply credits the authors of the text copied: the answer's
//!   author when an answer was copied, else the body's authors in proportion to the
//!   characters each wrote;
//! - copies of one's own text credit nobody; repeated copies of one entry by one agent
//!   within [`REPEAT_WINDOW_SECS`] count once (the last solve mark among them stands);
//! - an answer counts as adopted when a lead (an admin or trainer on the roster) adopted
//!   or folded it;
//! - the solve rate is the solved share of the marked uses.

mod board;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use crate::doc::{Copy, EntryFacts};
use crate::model::{EntryId, MemberId, Millis};
pub use board::{
    Contribution, Inputs, board_with, contribution, entry_credit, facts_index, member_detail,
};

/// Copies of one entry by one agent closer together than this count once.
pub const REPEAT_WINDOW_SECS: i64 = 10 * 60;

/// The period a board covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// Its start (ms since the epoch); 0: all time.
    pub since: Millis,
}

impl Period {
    pub const ALL: Period = Period { since: 0 };

    /// The last `days` days before `now` (0: all time), from the start of a minute: a
    /// board asked again within the minute covers the same period.
    pub fn last_days(days: u32, now: Millis) -> Period {
        if days == 0 {
            return Period::ALL;
        }
        Period::back(i64::from(days) * 86_400_000, now)
    }

    /// The `ms` before `now`, from the start of that minute.
    fn back(ms: i64, now: Millis) -> Period {
        let since = (now - ms).max(0);
        Period {
            since: since - since % 60_000,
        }
    }

    /// `7d`, `30d`, `12h`, `all` before `now`; none when `text` is none of those.
    pub fn parse(text: &str, now: Millis) -> Option<Period> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Some(Period::ALL);
        }
        let (n, unit) = text.split_at(text.len().checked_sub(1)?);
        let n: i64 = n.parse().ok().filter(|n| *n > 0)?;
        let ms = match unit {
            "d" => n * 86_400_000,
            "h" => n * 3_600_000,
            "w" => n * 7 * 86_400_000,
            _ => return None,
        };
        Some(Period::back(ms, now))
    }

    pub fn contains(&self, at: Millis) -> bool {
        at >= self.since
    }
}

/// One member's credit for a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberCredit {
    pub member: MemberId,
    pub name: String,
    /// Entries they created.
    pub entries_created: u32,
    /// Sentences of theirs in the library now (written in the period), archived entries
    /// not counted.
    pub sentences: u32,
    /// Their answers a lead adopted or folded into a body.
    pub answers_adopted: u32,
    /// Teammates' uses of their text (a use of a text several wrote is shared out).
    pub uses: f64,
    /// Of those uses, the marked ones and the solved ones (shares likewise).
    pub marked: f64,
    pub solved: f64,
}

impl MemberCredit {
    /// The solved share of their text's marked uses; none when nothing was marked.
    pub fn solve_rate(&self) -> Option<f64> {
        (self.marked > 0.0).then(|| self.solved / self.marked)
    }

    /// Whether the member has nothing to show for the period.
    pub fn is_empty(&self) -> bool {
        self.entries_created == 0
            && self.sentences == 0
            && self.answers_adopted == 0
            && self.uses == 0.0
    }
}

/// The board (贡献榜) for a period: members ranked, the period's stars first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Board {
    pub period: Millis,
    /// Ranked: teammates' uses, then adopted answers, sentences, entries created.
    pub members: Vec<MemberCredit>,
    /// The period's top contributors (月度之星): up to three whose text teammates used.
    pub stars: Vec<MemberId>,
}

/// One use behind a member's credit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreditedUse {
    pub entry: EntryId,
    pub copier: MemberId,
    /// Seconds since the epoch.
    pub at: i64,
    /// The member's share of it (1 for an answer of theirs).
    pub share: f64,
    pub solved: Option<bool>,
}

/// What is behind each number of a member's row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberDetail {
    pub member: MemberId,
    pub created: Vec<EntryId>,
    /// Entries holding sentences of theirs, with how many.
    pub sentences: Vec<(EntryId, u32)>,
    /// (entry, answer) adopted or folded.
    pub adopted: Vec<(EntryId, String)>,
    /// Teammates' uses of their text, newest first.
    pub uses: Vec<CreditedUse>,
}

/// One entry's record: its uses over time, solve rate, and contributors.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EntryCredit {
    pub entry: EntryId,
    /// Uses (repeats within the window counted once), all copiers.
    pub uses: u32,
    /// Uses per day (days since the epoch, count), oldest first.
    pub by_day: Vec<(i64, u32)>,
    pub marked: u32,
    pub solved: u32,
    /// Who wrote its body, with their share of its characters, largest first.
    pub contributors: Vec<(MemberId, f64)>,
}

impl EntryCredit {
    pub fn solve_rate(&self) -> Option<f64> {
        (self.marked > 0).then(|| f64::from(self.solved) / f64::from(self.marked))
    }
}

/// A copy as read for figures: entry, seconds since the epoch (or a day, once placed in
/// one), solve mark (1 solved, -1 not, 0 none).
pub type CopyEvent = (EntryId, i64, i8);

/// A member's copies.
pub type MemberCopies = (MemberId, Vec<CopyEvent>);

/// One member's copies in compact form: entry and answer ids interned, so a million
/// copies take a few bytes each in memory and in the stored cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Copies {
    /// Interned ids; index 0 is the empty string (the body).
    names: Vec<String>,
    /// (entry, answer, seconds, mark: 1 solved, -1 not, 0 none), oldest first.
    events: Vec<(u32, u32, i64, i8)>,
}

impl Copies {
    pub fn new(copies: &[Copy]) -> Copies {
        let mut names = vec![String::new()];
        let mut index: HashMap<&str, u32> = HashMap::from([("", 0)]);
        fn intern<'c>(
            s: &'c str,
            index: &mut HashMap<&'c str, u32>,
            names: &mut Vec<String>,
        ) -> u32 {
            *index.entry(s).or_insert_with(|| {
                names.push(s.to_string());
                (names.len() - 1) as u32
            })
        }
        let mut events = Vec::with_capacity(copies.len());
        for c in copies {
            let entry = intern(&c.entry, &mut index, &mut names);
            let answer = intern(&c.answer, &mut index, &mut names);
            let mark = match c.solved {
                Some(true) => 1,
                Some(false) => -1,
                None => 0,
            };
            events.push((entry, answer, c.at, mark));
        }
        events.sort_by_key(|e| e.2);
        Copies { names, events }
    }

    /// Each copy: entry, seconds since the epoch, solve mark (1 solved, -1 not, 0 none).
    pub fn events(&self) -> impl Iterator<Item = CopyEvent> + '_ {
        self.events
            .iter()
            .map(|(entry, _, at, mark)| (self.names[*entry as usize].clone(), *at, *mark))
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}
