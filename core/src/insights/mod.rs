//! Insights for a lead: what customers ask and what the library fails to answer, computed
//! from the documents only — each member's query log and copies (their own ledger, which
//! only they write), the entries, the roster — so every machine shows the same figures for
//! the same documents and the same day.
//!
//! - top searches, with the same-length period before for their trend;
//! - content gaps: questions that found nothing, or after which nothing was copied or
//!   opened, grouped by [`gaps::alike`];
//! - hot words (热词) of pasted customer messages, with their trend;
//! - the replies used most and least, those never used, those whose solve rate is under
//!   the threshold;
//! - candidate phrasings: what agents searched for before copying an entry, when the entry
//!   does not say it that way yet.

pub mod gaps;
pub mod log;
mod report;
pub mod sample;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{EntryId, Kind, MemberId, Status};
use crate::store::CatalogRow;
pub use log::{After, Asked, Log, Question, Tally};
pub use report::{ReportFormat, date, render, trend};

/// Solve rates under this are listed (the playbooks' 80%).
pub const DEFAULT_SOLVE_THRESHOLD: f64 = 0.8;
/// Uses with a solve mark an entry needs before its solve rate is judged.
pub const MIN_MARKED: u32 = 3;
/// How many rows each list keeps.
const TOP: usize = 20;

/// What insights are computed from.
pub struct Inputs<'a> {
    /// Today's day number in local time (see [`log::local_day`]).
    pub today: i64,
    /// The period's length in days; 0: everything on record.
    pub days: u32,
    /// Each member's query log.
    pub logs: &'a [(MemberId, Log)],
    /// Each member's copies: entry, the local day it was made on, solve mark (1 solved,
    /// -1 not, 0 none).
    pub copies: &'a [crate::credit::MemberCopies],
    pub catalog: &'a BTreeMap<EntryId, CatalogRow>,
    /// The topic words of a text (for hot words).
    pub words: &'a dyn Fn(&str) -> Vec<String>,
    /// An entry's phrasings already written (title and questions, normalised as the log
    /// normalises), for candidates.
    pub phrasings: &'a dyn Fn(&str) -> Vec<String>,
    /// Candidates a lead or the entry's owner turned down: (entry, text).
    pub dismissed: &'a BTreeSet<(EntryId, String)>,
    pub solve_threshold: f64,
}

/// One question's figures over the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QueryFigures {
    pub text: String,
    pub asked: Option<Asked>,
    pub count: u64,
    /// The same question in the period before.
    pub previous: u64,
    pub empty: u64,
    pub opened: u64,
    pub copied: u64,
    /// How many members asked it.
    pub askers: usize,
}

/// Questions the library did not answer, grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The most asked phrasing.
    pub text: String,
    pub asked: Asked,
    /// All phrasings, most asked first (the first is `text`).
    pub phrasings: Vec<String>,
    pub count: u64,
    /// How often it found nothing at all (the rest: nothing was copied or opened after).
    pub found_nothing: u64,
    pub askers: usize,
}

/// A word of customers' messages and how often it came up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotWord {
    pub word: String,
    pub count: u64,
    pub previous: u64,
}

/// One entry's use over the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryUse {
    pub id: EntryId,
    pub title: String,
    pub kind: Kind,
    pub uses: u64,
    pub marked: u32,
    pub solved: u32,
}

impl EntryUse {
    /// The entry of `row`, with no uses counted yet.
    fn unused(row: &CatalogRow) -> EntryUse {
        EntryUse {
            id: row.id.clone(),
            title: row.title.clone(),
            kind: row.kind,
            uses: 0,
            marked: 0,
            solved: 0,
        }
    }

    pub fn solve_rate(&self) -> Option<f64> {
        (self.marked > 0).then(|| f64::from(self.solved) / f64::from(self.marked))
    }
}

/// A phrasing agents searched for before copying an entry that does not say it so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub entry: EntryId,
    pub title: String,
    pub text: String,
    /// How often it was followed by a copy of the entry (days × members).
    pub count: u64,
    pub askers: usize,
}

/// Searches and messages per day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub day: i64,
    pub searches: u64,
    pub messages: u64,
    pub empty: u64,
}

/// Everything the Insights view and `lore insights` show.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Insights {
    /// First and last day covered (local day numbers); `since` 0 for everything.
    pub since: i64,
    pub today: i64,
    pub days: u32,
    pub searches: u64,
    pub messages: u64,
    pub searches_before: u64,
    pub messages_before: u64,
    /// Questions that found nothing.
    pub empty: u64,
    pub per_day: Vec<DayCount>,
    pub top: Vec<QueryFigures>,
    pub gaps: Vec<Gap>,
    pub hot_words: Vec<HotWord>,
    pub most_used: Vec<EntryUse>,
    pub least_used: Vec<EntryUse>,
    pub never_used: Vec<EntryUse>,
    pub low_solve: Vec<EntryUse>,
    pub solve_threshold: f64,
    pub candidates: Vec<Candidate>,
    /// How many published entries are in each state of freshness.
    pub freshness: FreshCounts,
    /// Entries to check: overdue, due soon, and unverified ones that have an owner.
    pub to_check: Vec<crate::Freshness>,
}

/// How many entries are in each state of freshness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FreshCounts {
    pub overdue: usize,
    pub due_soon: usize,
    pub unverified: usize,
    pub fresh: usize,
}

impl FreshCounts {
    /// Counts `all` and keeps what needs checking: overdue and due soon, and unverified
    /// entries with an owner (without one, a new team would list its whole library).
    pub fn split(all: Vec<crate::Freshness>) -> (FreshCounts, Vec<crate::Freshness>) {
        use crate::FreshState as S;
        let mut counts = FreshCounts::default();
        let mut check = Vec::new();
        for f in all {
            match f.state {
                S::Overdue => counts.overdue += 1,
                S::DueSoon => counts.due_soon += 1,
                S::Unverified => counts.unverified += 1,
                S::Fresh => counts.fresh += 1,
            }
            if f.state != S::Fresh && (f.state != S::Unverified || f.owner.is_some()) {
                check.push(f);
            }
        }
        (counts, check)
    }
}

/// Which period a day falls in.
#[derive(PartialEq)]
enum When {
    Now,
    Before,
    Outside,
}

fn when(day: i64, today: i64, days: u32) -> When {
    if days == 0 {
        return if day <= today {
            When::Now
        } else {
            When::Outside
        };
    }
    let since = today - i64::from(days) + 1;
    if (since..=today).contains(&day) {
        When::Now
    } else if (since - i64::from(days)..since).contains(&day) {
        When::Before
    } else {
        When::Outside
    }
}

/// Whether an entry is a reply agents send (published FAQ or script).
fn is_reply(row: &CatalogRow) -> bool {
    row.status == Status::Published && crate::reply::is_reply_kind(row.kind)
}

/// Computes the insights.
pub fn compute(i: &Inputs) -> Insights {
    let mut out = Insights {
        since: if i.days == 0 {
            0
        } else {
            i.today - i64::from(i.days) + 1
        },
        today: i.today,
        days: i.days,
        solve_threshold: i.solve_threshold,
        ..Insights::default()
    };
    // Per question (kind, text): figures now and before, and who asked.
    let mut questions: BTreeMap<(Asked, &str), (QueryFigures, BTreeSet<&str>)> = BTreeMap::new();
    let mut per_day: BTreeMap<i64, DayCount> = BTreeMap::new();
    let mut words: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut candidates: BTreeMap<(&str, &str), (u64, BTreeSet<&str>)> = BTreeMap::new();
    for (member, log) in i.logs {
        for (q, t) in log {
            let period = when(q.day, i.today, i.days);
            if period == When::Outside {
                continue;
            }
            let (figures, askers) = questions.entry((q.asked, &q.text)).or_default();
            if period == When::Before {
                figures.previous += t.asked;
                match q.asked {
                    Asked::Search => out.searches_before += t.asked,
                    Asked::Message => out.messages_before += t.asked,
                }
                if q.asked == Asked::Message {
                    for w in (i.words)(&q.text) {
                        words.entry(w).or_default().1 += t.asked;
                    }
                }
                continue;
            }
            figures.count += t.asked;
            figures.empty += t.empty;
            figures.opened += t.opened;
            figures.copied += t.copied;
            askers.insert(member);
            let day = per_day.entry(q.day).or_insert(DayCount {
                day: q.day,
                ..DayCount::default()
            });
            day.empty += t.empty;
            out.empty += t.empty;
            match q.asked {
                Asked::Search => {
                    day.searches += t.asked;
                    out.searches += t.asked;
                }
                Asked::Message => {
                    day.messages += t.asked;
                    out.messages += t.asked;
                    for w in (i.words)(&q.text) {
                        words.entry(w).or_default().0 += t.asked;
                    }
                }
            }
            if q.asked == Asked::Search {
                for id in &t.ids {
                    let (n, who) = candidates.entry((id, &q.text)).or_default();
                    *n += 1;
                    who.insert(member);
                }
            }
        }
    }
    out.per_day = per_day.into_values().collect();
    let mut asked: Vec<QueryFigures> = questions
        .into_iter()
        .map(|((kind, text), (mut f, askers))| {
            f.text = text.to_string();
            f.asked = Some(kind);
            f.askers = askers.len();
            f
        })
        .filter(|f| f.count > 0)
        .collect();
    asked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
    out.gaps = content_gaps(&asked);
    out.top = asked
        .into_iter()
        .filter(|f| f.asked == Some(Asked::Search))
        .take(TOP)
        .collect();
    let mut hot: Vec<HotWord> = words
        .into_iter()
        .filter(|(_, (n, _))| *n > 0)
        .map(|(word, (count, previous))| HotWord {
            word,
            count,
            previous,
        })
        .collect();
    hot.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.word.cmp(&b.word)));
    hot.truncate(TOP);
    out.hot_words = hot;
    usage(i, &mut out);
    out.candidates = candidate_list(i, candidates);
    out
}

/// The questions that went unanswered, grouped: those that found nothing first.
fn content_gaps(asked: &[QueryFigures]) -> Vec<Gap> {
    let unanswered: Vec<&QueryFigures> = asked
        .iter()
        .filter(|f| f.empty > 0 || (f.copied == 0 && f.opened == 0))
        .collect();
    let mut gaps: Vec<Gap> = gaps::group(&unanswered, |f| f.text.as_str())
        .into_iter()
        .map(|members| {
            let lead = unanswered[members[0]];
            let mut gap = Gap {
                text: lead.text.clone(),
                asked: lead.asked.unwrap_or(Asked::Search),
                phrasings: Vec::new(),
                count: 0,
                found_nothing: 0,
                askers: 0,
            };
            for m in members {
                let f = unanswered[m];
                gap.phrasings.push(f.text.clone());
                gap.count += f.count;
                gap.found_nothing += f.empty;
                gap.askers = gap.askers.max(f.askers);
            }
            gap
        })
        .collect();
    gaps.sort_by(|a, b| {
        (b.found_nothing > 0)
            .cmp(&(a.found_nothing > 0))
            .then(b.count.cmp(&a.count))
            .then_with(|| a.text.cmp(&b.text))
    });
    gaps.truncate(TOP);
    gaps
}

/// Most and least used replies, never used, low solve rates.
fn usage(i: &Inputs, out: &mut Insights) {
    let mut uses: BTreeMap<&str, EntryUse> = BTreeMap::new();
    let mut ever: BTreeSet<&str> = BTreeSet::new();
    for (_, copies) in i.copies {
        for (entry, day, mark) in copies {
            ever.insert(entry);
            if when(*day, i.today, i.days) != When::Now {
                continue;
            }
            let Some(row) = i.catalog.get(entry) else {
                continue;
            };
            if row.status == Status::Archived {
                continue;
            }
            let u = uses.entry(entry).or_insert_with(|| EntryUse::unused(row));
            u.uses += 1;
            if *mark != 0 {
                u.marked += 1;
                u.solved += u32::from(*mark > 0);
            }
        }
    }
    let mut used: Vec<EntryUse> = uses.into_values().collect();
    used.sort_by(|a, b| b.uses.cmp(&a.uses).then_with(|| a.id.cmp(&b.id)));
    out.low_solve = used
        .iter()
        .filter(|u| u.marked >= MIN_MARKED && u.solve_rate().unwrap_or(1.0) < i.solve_threshold)
        .cloned()
        .collect();
    out.low_solve.sort_by(|a, b| {
        let (ra, rb) = (a.solve_rate().unwrap_or(1.0), b.solve_rate().unwrap_or(1.0));
        ra.total_cmp(&rb).then_with(|| a.id.cmp(&b.id))
    });
    // Least used: published replies, the unused of the period first (never used at all
    // are their own list).
    let mut least: Vec<EntryUse> = i
        .catalog
        .values()
        .filter(|r| is_reply(r) && ever.contains(r.id.as_str()))
        .map(|r| {
            used.iter()
                .find(|u| u.id == r.id)
                .cloned()
                .unwrap_or_else(|| EntryUse::unused(r))
        })
        .collect();
    least.sort_by(|a, b| a.uses.cmp(&b.uses).then_with(|| a.id.cmp(&b.id)));
    least.truncate(TOP);
    out.least_used = least;
    out.never_used = i
        .catalog
        .values()
        .filter(|r| is_reply(r) && !ever.contains(r.id.as_str()))
        .map(EntryUse::unused)
        .collect();
    used.truncate(TOP);
    out.most_used = used;
}

/// Whether a search is worth offering as a way customers ask: not a shortcode, and two
/// Chinese characters or two words at least.
fn phrasing_worth_keeping(text: &str) -> bool {
    if text.starts_with('#') {
        return false;
    }
    let cjk = text
        .chars()
        .filter(|c| crate::search::is_cjk_char(*c))
        .count();
    cjk >= 2 || (cjk == 0 && text.split_whitespace().count() >= 2)
}

fn candidate_list(
    i: &Inputs,
    found: BTreeMap<(&str, &str), (u64, BTreeSet<&str>)>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut known: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ((entry, text), (count, who)) in found {
        let Some(row) = i.catalog.get(entry) else {
            continue;
        };
        if row.status == Status::Archived || !phrasing_worth_keeping(text) {
            continue;
        }
        if i.dismissed.contains(&(entry.to_string(), text.to_string())) {
            continue;
        }
        let said = known.entry(entry).or_insert_with(|| (i.phrasings)(entry));
        if said.iter().any(|p| p == text) {
            continue;
        }
        out.push(Candidate {
            entry: entry.to_string(),
            title: row.title.clone(),
            text: text.to_string(),
            count,
            askers: who.len(),
        });
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.askers.cmp(&a.askers))
            .then_with(|| a.entry.cmp(&b.entry))
            .then_with(|| a.text.cmp(&b.text))
    });
    out.truncate(TOP);
    out
}
