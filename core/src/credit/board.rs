//! The board, a member's detail and an entry's record, computed from entries' facts and
//! members' copies. Sums run in the order of sorted keys, so every machine adds the same
//! numbers in the same order and prints the same board.

use std::collections::{BTreeMap, HashMap};

use super::{
    Board, Copies, CreditedUse, EntryCredit, EntryFacts, MemberCredit, MemberDetail, Period,
    REPEAT_WINDOW_SECS,
};
use crate::model::{AnswerState, MemberId, Role, Team};

/// What a board is computed from.
pub struct Inputs<'a> {
    pub team: &'a Team,
    /// Every entry: whether it is archived, and its facts.
    pub entries: BTreeMap<&'a str, (bool, &'a EntryFacts)>,
    /// Every member's copies.
    pub copies: BTreeMap<&'a str, &'a Copies>,
}

/// A use as counted: the first copy of a run of repeats, with the run's last mark.
#[derive(Debug, Clone, Copy)]
struct Use {
    entry: u32,
    answer: u32,
    at: i64,
    mark: i8,
}

/// The uses of one member's copies: repeats of an entry within the window count once.
fn uses(copies: &Copies) -> Vec<Use> {
    let mut counted: Vec<Use> = Vec::with_capacity(copies.events.len());
    // The latest use of each interned entry, by index into `counted`.
    let mut open: Vec<usize> = vec![usize::MAX; copies.names.len()];
    for &(entry, answer, at, mark) in &copies.events {
        let last = open.get(entry as usize).copied().unwrap_or(usize::MAX);
        match counted.get_mut(last) {
            Some(u) if at - u.at < REPEAT_WINDOW_SECS => {
                if mark != 0 {
                    u.mark = mark;
                }
            }
            _ => {
                if let Some(o) = open.get_mut(entry as usize) {
                    *o = counted.len();
                }
                counted.push(Use {
                    entry,
                    answer,
                    at,
                    mark,
                });
            }
        }
    }
    counted
}

/// Who a use of `entry`'s text (`answer`, or the body when empty) credits, with shares.
fn credited(facts: &EntryFacts, answer: &str) -> Vec<(MemberId, f64)> {
    let mut all = Vec::new();
    each_credited(facts, answer, |m, share| all.push((m.to_string(), share)));
    all
}

/// As [`credited`], handing each member and share to `credit` without copying names (the
/// board calls it for every text every member used).
fn each_credited<'f>(facts: &'f EntryFacts, answer: &str, mut credit: impl FnMut(&'f str, f64)) {
    if answer.is_empty() {
        for (m, share) in facts.shares() {
            credit(m, share);
        }
    } else if let Some(a) = facts
        .answers
        .iter()
        .find(|a| a.id == answer && !a.author.is_empty())
    {
        credit(&a.author, 1.0);
    }
}

/// Whether `member` decides on answers: an admin or a trainer on the roster.
fn is_lead(team: &Team, member: &str) -> bool {
    team.members
        .get(member)
        .is_some_and(|m| matches!(m.role, Role::Admin | Role::Trainer))
}

/// `member`'s row, added when it is not there yet.
fn row<'r>(rows: &'r mut BTreeMap<MemberId, MemberCredit>, member: &str) -> &'r mut MemberCredit {
    rows.entry(member.to_string())
        .or_insert_with(|| MemberCredit {
            member: member.to_string(),
            ..MemberCredit::default()
        })
}

/// One member's uses of each text in a period: (entry, answer) as indices into their
/// [`Copies`], with uses, solved and not solved, in key order.
struct Tally {
    rows: Vec<(u32, u32, [u32; 3])>,
}

/// `copies`' uses in `period`, repeats within the window counted once.
fn tally(copies: &Copies, period: Period) -> Tally {
    let mut counts: HashMap<(u32, u32), [u32; 3]> = HashMap::new();
    for u in uses(copies) {
        if period.contains(u.at * 1000) {
            let t = counts.entry((u.entry, u.answer)).or_default();
            t[0] += 1;
            match u.mark {
                1 => t[1] += 1,
                -1 => t[2] += 1,
                _ => {}
            }
        }
    }
    let mut rows: Vec<(u32, u32, [u32; 3])> =
        counts.into_iter().map(|((e, a), t)| (e, a, t)).collect();
    rows.sort_unstable_by_key(|r| (r.0, r.1));
    Tally { rows }
}

/// What one member's copies in a period credit each author — uses, marked, solved —
/// authors in key order. What a board needs of a ledger; kept per ledger version, period
/// and version of the entries' facts, so a new use shares out one ledger again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contribution {
    by: Vec<(MemberId, [f64; 3])>,
}

/// Every entry's facts by id, hashed for the lookups of [`contribution`].
pub fn facts_index<'a>(inputs: &Inputs<'a>) -> HashMap<&'a str, &'a EntryFacts> {
    inputs
        .entries
        .iter()
        .map(|(id, (_, f))| (*id, *f))
        .collect()
}

/// What `copier`'s copies in `period` credit each author (never `copier`).
pub fn contribution(
    copier: &str,
    copies: &Copies,
    period: Period,
    facts_of: &HashMap<&str, &EntryFacts>,
) -> Contribution {
    let mut credit: BTreeMap<&str, [f64; 3]> = BTreeMap::new();
    for (entry, answer, [n, solved, unsolved]) in tally(copies, period).rows {
        let Some(facts) = facts_of.get(copies.names[entry as usize].as_str()) else {
            continue;
        };
        each_credited(facts, &copies.names[answer as usize], |author, share| {
            if author != copier {
                let c = credit.entry(author).or_default();
                c[0] += f64::from(n) * share;
                c[1] += f64::from(solved + unsolved) * share;
                c[2] += f64::from(solved) * share;
            }
        });
    }
    Contribution {
        by: credit
            .into_iter()
            .map(|(m, c)| (m.to_string(), c))
            .collect(),
    }
}

/// The board for `period`, with each member's [`Contribution`] for it given.
pub fn board_with(
    inputs: &Inputs,
    period: Period,
    contributions: &BTreeMap<&str, &Contribution>,
) -> Board {
    // Counted by name first, without a copy of a name per sentence.
    let mut counts: HashMap<&str, [u32; 3]> = HashMap::new();
    for (archived, facts) in inputs.entries.values() {
        if !facts.created_by.is_empty() && period.contains(facts.created_at) {
            counts.entry(&facts.created_by).or_default()[0] += 1;
        }
        if !archived {
            for (author, time) in &facts.sentences {
                if !author.is_empty() && period.contains(*time) {
                    counts.entry(author).or_default()[1] += 1;
                }
            }
        }
        for a in &facts.answers {
            if matches!(a.state, AnswerState::Adopted | AnswerState::Folded)
                && !a.author.is_empty()
                && is_lead(inputs.team, &a.decided_by)
                && period.contains(a.decided_at)
            {
                counts.entry(&a.author).or_default()[2] += 1;
            }
        }
    }
    let mut rows: BTreeMap<MemberId, MemberCredit> = BTreeMap::new();
    for (member, [created, sentences, adopted]) in counts {
        let r = row(&mut rows, member);
        (r.entries_created, r.sentences, r.answers_adopted) = (created, sentences, adopted);
    }
    // Each author's uses, marked and solved: copiers' contributions added in key order, so
    // every machine adds the same numbers in the same order.
    for contribution in contributions.values() {
        for (author, [uses, marked, solved]) in &contribution.by {
            let r = row(&mut rows, author);
            r.uses += uses;
            r.marked += marked;
            r.solved += solved;
        }
    }
    let mut members: Vec<MemberCredit> = rows
        .into_values()
        .filter(|r| {
            inputs
                .team
                .members
                .get(&r.member)
                .is_some_and(|m| !m.removed)
                || !r.is_empty()
        })
        .map(|mut r| {
            r.name = inputs
                .team
                .members
                .get(&r.member)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            r
        })
        .collect();
    for (id, m) in &inputs.team.members {
        if !m.removed && !members.iter().any(|r| r.member == *id) {
            members.push(MemberCredit {
                member: id.clone(),
                name: m.name.clone(),
                ..MemberCredit::default()
            });
        }
    }
    members.sort_by(|a, b| {
        b.uses
            .total_cmp(&a.uses)
            .then(b.answers_adopted.cmp(&a.answers_adopted))
            .then(b.sentences.cmp(&a.sentences))
            .then(b.entries_created.cmp(&a.entries_created))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.member.cmp(&b.member))
    });
    let stars = members
        .iter()
        .filter(|r| r.uses > 0.0)
        .take(3)
        .map(|r| r.member.clone())
        .collect();
    Board {
        period: period.since,
        members,
        stars,
    }
}

/// What is behind each number of `member`'s row for `period`.
pub fn member_detail(inputs: &Inputs, member: &str, period: Period) -> MemberDetail {
    let mut detail = MemberDetail {
        member: member.to_string(),
        ..MemberDetail::default()
    };
    for (&id, &(archived, facts)) in &inputs.entries {
        if facts.created_by == member && period.contains(facts.created_at) {
            detail.created.push(id.to_string());
        }
        let mine = facts
            .sentences
            .iter()
            .filter(|(a, t)| a == member && period.contains(*t))
            .count() as u32;
        if !archived && mine > 0 {
            detail.sentences.push((id.to_string(), mine));
        }
        for a in &facts.answers {
            if matches!(a.state, AnswerState::Adopted | AnswerState::Folded)
                && a.author == member
                && is_lead(inputs.team, &a.decided_by)
                && period.contains(a.decided_at)
            {
                detail.adopted.push((id.to_string(), a.id.clone()));
            }
        }
    }
    for (&copier, &copies) in &inputs.copies {
        if copier == member {
            continue;
        }
        for u in uses(copies) {
            let entry = &copies.names[u.entry as usize];
            let Some((_, facts)) = inputs.entries.get(entry.as_str()) else {
                continue;
            };
            if !period.contains(u.at * 1000) {
                continue;
            }
            let share: f64 = credited(facts, &copies.names[u.answer as usize])
                .into_iter()
                .filter(|(m, _)| m == member)
                .map(|(_, s)| s)
                .sum();
            if share > 0.0 {
                detail.uses.push(CreditedUse {
                    entry: entry.clone(),
                    copier: copier.to_string(),
                    at: u.at,
                    share,
                    solved: match u.mark {
                        1 => Some(true),
                        -1 => Some(false),
                        _ => None,
                    },
                });
            }
        }
    }
    detail.uses.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| a.entry.cmp(&b.entry))
            .then_with(|| a.copier.cmp(&b.copier))
    });
    detail
}

/// Entry `id`'s uses over time, solve rate and contributors, for `period`.
pub fn entry_credit(inputs: &Inputs, id: &str, period: Period) -> EntryCredit {
    let mut credit = EntryCredit {
        entry: id.to_string(),
        ..EntryCredit::default()
    };
    if let Some((_, facts)) = inputs.entries.get(id) {
        let mut shares: Vec<(MemberId, f64)> =
            facts.shares().map(|(m, s)| (m.to_string(), s)).collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        credit.contributors = shares;
    }
    let mut days: BTreeMap<i64, u32> = BTreeMap::new();
    for copies in inputs.copies.values() {
        for u in uses(copies) {
            if copies.names[u.entry as usize] != id || !period.contains(u.at * 1000) {
                continue;
            }
            credit.uses += 1;
            *days.entry(u.at.div_euclid(86_400)).or_default() += 1;
            if u.mark != 0 {
                credit.marked += 1;
            }
            if u.mark == 1 {
                credit.solved += 1;
            }
        }
    }
    credit.by_day = days.into_iter().collect();
    credit
}
