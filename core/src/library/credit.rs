//! The library's side of credit: the facts of every entry and the copies in every ledger,
//! derived from the documents and kept (in memory and in the store's `derived` table)
//! beside the heads they were derived at, so a board reads again only the documents that
//! changed; leads' decisions on answers, and the review queue.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::Library;
use crate::credit::{
    self, Board, Contribution, Copies, EntryCredit, EntryFacts, Inputs, MemberDetail, Period,
};
use crate::doc::{self, DocKey};
use crate::model::{Answer, AnswerState, Entry, EntryId, MemberId, Millis, Status};
use crate::{Error, Result};

/// What a derived row starts with (a later layout gets a new one and is derived again).
const MAGIC: &[u8] = b"LDv1";

/// The derived facts in memory.
#[derive(Default)]
pub(super) struct Derived {
    /// Whether the stored rows have been read.
    loaded: bool,
    entries: BTreeMap<EntryId, (Vec<u8>, EntryFacts)>,
    ledgers: BTreeMap<MemberId, (Vec<u8>, Copies)>,
    /// Bumped whenever an entry's facts change: every contribution depends on them.
    generation: u64,
    /// Per period start, each ledger's contribution with the heads and facts generation
    /// it was made at.
    contributions: HashMap<Millis, HashMap<MemberId, Kept>>,
    /// Changes whose signature checked out (a change's check never changes its answer).
    checked: RefCell<HashSet<automerge::ChangeHash>>,
}

impl Derived {
    /// Whether change `hash` of document `key` carries `member`'s valid signature among
    /// `proofs`; each change is checked once.
    pub(super) fn verified(
        &self,
        key: &str,
        proofs: &doc::Proofs,
        hash: &automerge::ChangeHash,
        member: &str,
    ) -> bool {
        if self.checked.borrow().contains(hash) {
            return true;
        }
        let ok = proofs
            .get(hash)
            .is_some_and(|seal| doc::proof::verify(member, key, hash, seal).is_ok());
        if ok {
            self.checked.borrow_mut().insert(*hash);
        }
        ok
    }
}

/// A ledger's contribution, with the heads and facts generation it was made at.
type Kept = (Vec<u8>, u64, Contribution);

/// Periods whose contributions are kept (a board asks for 7 days, 30 days and all time).
const PERIODS_KEPT: usize = 4;

#[derive(Serialize, Deserialize)]
enum Row {
    Entry(EntryFacts),
    Ledger(Copies),
}

/// An answer awaiting a lead's decision, or one of the writer's own answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerItem {
    pub entry: EntryId,
    pub title: String,
    pub answer: Answer,
    /// Its state as the signed changes show it.
    pub state: AnswerState,
}

impl Library {
    /// The board (贡献榜) for `period`.
    pub fn credits(&mut self, period: Period) -> Result<Board> {
        self.refresh_derived()?;
        let team = self.team()?;
        // Each ledger's contribution for the period, made again only for a ledger that
        // changed, or for all when any entry's facts did.
        let made = {
            let derived = &self.derived;
            let kept = derived.contributions.get(&period.since);
            let stale: Vec<&str> = derived
                .ledgers
                .iter()
                .filter(|(m, (heads, _))| {
                    kept.and_then(|k| k.get(*m))
                        .is_none_or(|(h, g, _)| h != heads || *g != derived.generation)
                })
                .map(|(m, _)| m.as_str())
                .collect();
            let all = inputs(&team, &self.catalog, derived);
            let facts_of = credit::facts_index(&all);
            stale
                .into_iter()
                .map(|m| {
                    let (heads, copies) = &derived.ledgers[m];
                    let made = credit::contribution(m, copies, period, &facts_of);
                    (m.to_string(), (heads.clone(), derived.generation, made))
                })
                .collect::<Vec<_>>()
        };
        let derived = &mut self.derived;
        if !derived.contributions.contains_key(&period.since)
            && derived.contributions.len() >= PERIODS_KEPT
        {
            derived.contributions.clear();
        }
        let kept = derived.contributions.entry(period.since).or_default();
        kept.retain(|m, _| derived.ledgers.contains_key(m));
        kept.extend(made);
        let derived = &self.derived;
        let contributions = derived.contributions[&period.since]
            .iter()
            .map(|(m, (_, _, c))| (m.as_str(), c))
            .collect();
        Ok(credit::board_with(
            &inputs(&team, &self.catalog, derived),
            period,
            &contributions,
        ))
    }

    /// What is behind each number of `member`'s row on the board for `period`.
    pub fn credit_detail(&mut self, member: &str, period: Period) -> Result<MemberDetail> {
        self.with_credit_inputs(|inputs| credit::member_detail(inputs, member, period))
    }

    /// Entry `id`'s uses over time, solve rate and contributors, for `period`.
    pub fn entry_credit(&mut self, id: &str, period: Period) -> Result<EntryCredit> {
        let id = self.resolve(id)?;
        self.with_credit_inputs(|inputs| credit::entry_credit(inputs, &id, period))
    }

    /// A lead's decision on answer `answer` of entry `id`: adopt it (it becomes the reply
    /// agents copy), fold it into the body (its text keeps its author's credit), dismiss
    /// it, or reopen it. Only admins and trainers decide.
    pub fn decide_answer(
        &mut self,
        id: &str,
        answer: &str,
        decision: AnswerState,
    ) -> Result<Entry> {
        self.require_lead()?;
        let me = self.writer().member.clone();
        self.edit(id, |e| e.decide(answer, decision, &me))
    }

    /// Answers awaiting a lead's decision, oldest first (entries archived left out).
    pub fn review_queue(&mut self) -> Result<Vec<AnswerItem>> {
        self.answers_where(|a, _| a.state == AnswerState::Open)
    }

    /// The writer's own answers and what became of them, newest first.
    pub fn my_answers(&mut self) -> Result<Vec<AnswerItem>> {
        let me = self.writer().member.clone();
        let mut mine = self.answers_where(|a, _| a.author == me)?;
        mine.reverse();
        Ok(mine)
    }

    fn answers_where(
        &mut self,
        wanted: impl Fn(&doc::AnswerFacts, &EntryId) -> bool,
    ) -> Result<Vec<AnswerItem>> {
        self.refresh_derived()?;
        let mut found: Vec<(EntryId, doc::AnswerFacts)> = Vec::new();
        for (id, (_, facts)) in &self.derived.entries {
            let live = self
                .catalog
                .get(id)
                .is_some_and(|r| r.status != Status::Archived);
            for a in &facts.answers {
                if live && wanted(a, id) {
                    found.push((id.clone(), a.clone()));
                }
            }
        }
        found.sort_by(|a, b| a.1.time.cmp(&b.1.time).then_with(|| a.0.cmp(&b.0)));
        let mut items = Vec::new();
        for (id, facts) in found {
            let entry = self.get(&id)?;
            if let Some(answer) = entry.answers.iter().find(|a| a.id == facts.id) {
                items.push(AnswerItem {
                    entry: id,
                    title: entry.title.clone(),
                    answer: answer.clone(),
                    state: facts.state,
                });
            }
        }
        Ok(items)
    }

    /// Every member's copies (entry, seconds since the epoch, solve mark: 1 solved, -1 not,
    /// 0 none), from the derived rows brought up to date first.
    pub(super) fn all_copies(&mut self) -> Result<Vec<credit::MemberCopies>> {
        self.refresh_derived()?;
        Ok(self
            .derived
            .ledgers
            .iter()
            .map(|(m, (_, copies))| (m.clone(), copies.events().collect()))
            .collect())
    }

    /// Runs `f` on the facts of every entry and the copies of every member, brought up to
    /// date first.
    fn with_credit_inputs<T>(&mut self, f: impl FnOnce(&Inputs) -> T) -> Result<T> {
        self.refresh_derived()?;
        let team = self.team()?;
        Ok(f(&inputs(&team, &self.catalog, &self.derived)))
    }

    /// Derives again what is derived from each document whose heads moved since, and
    /// stores it; a document that cannot be read is left out (and logged), the rest stand.
    fn refresh_derived(&mut self) -> Result<()> {
        if !self.derived.loaded {
            for (key, bytes) in self.store.derived_rows()? {
                match decode(&bytes) {
                    Some((heads, Row::Entry(facts))) => {
                        if let Some(DocKey::Entry(id)) = DocKey::parse(&key) {
                            self.derived.entries.insert(id, (heads, facts));
                        }
                    }
                    Some((heads, Row::Ledger(copies))) => {
                        if let Some(DocKey::Ledger(m)) = DocKey::parse(&key) {
                            self.derived.ledgers.insert(m, (heads, copies));
                        }
                    }
                    None => {}
                }
            }
            self.derived.loaded = true;
        }
        let mut fresh: Vec<(String, Vec<u8>)> = Vec::new();
        for (key, heads) in self.store.all_heads()? {
            let current = match DocKey::parse(&key) {
                Some(DocKey::Entry(id)) => self.derived.entries.get(&id).map(|d| &d.0),
                Some(DocKey::Ledger(m)) => self.derived.ledgers.get(&m).map(|d| &d.0),
                _ => continue,
            };
            if current == Some(&heads) {
                continue;
            }
            match self.derive(&key) {
                Ok(row) => {
                    fresh.push((key.clone(), encode(&heads, &row)));
                    match (DocKey::parse(&key), row) {
                        (Some(DocKey::Entry(id)), Row::Entry(facts)) => {
                            self.derived.generation += 1;
                            self.derived.entries.insert(id, (heads, facts));
                        }
                        (Some(DocKey::Ledger(m)), Row::Ledger(copies)) => {
                            self.derived.ledgers.insert(m, (heads, copies));
                        }
                        _ => {}
                    }
                }
                Err(e) => tracing::warn!("{key} is left out of credit: {e}"),
            }
        }
        if !fresh.is_empty() {
            self.store.write_derived(|b| {
                for (key, bytes) in &fresh {
                    b.put_derived(key, bytes)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// What document `key` says about credit.
    fn derive(&mut self, key: &str) -> Result<Row> {
        let kind = DocKey::parse(key);
        self.doc_mut(key)?;
        let Some(stored) = self.docs.get_mut(key) else {
            return Err(Error::NotFound(key.to_string()));
        };
        let (document, proofs) = (&mut stored.doc, &stored.proofs);
        let derived = &self.derived;
        let verify = |hash: &automerge::ChangeHash, member: &String| {
            derived.verified(key, proofs, hash, member)
        };
        match kind {
            Some(DocKey::Ledger(owner)) => {
                // Only the ledger's own member writes it: every peer checks each change's
                // signature and author before storing it. A ledger showing another
                // author, or a change without its signature on record, is not counted.
                let copies = if doc::written_only_by(document, proofs, &owner) {
                    doc::read_copies(document)?
                } else {
                    Vec::new()
                };
                Ok(Row::Ledger(Copies::new(&copies)))
            }
            _ => Ok(Row::Entry(doc::entry_facts(document, &verify)?)),
        }
    }
}

/// What a board is computed from: every entry in the catalog with its facts, every ledger's
/// copies.
fn inputs<'a>(
    team: &'a crate::model::Team,
    catalog: &'a BTreeMap<EntryId, crate::store::CatalogRow>,
    derived: &'a Derived,
) -> Inputs<'a> {
    Inputs {
        team,
        entries: derived
            .entries
            .iter()
            .filter_map(|(id, (_, facts))| {
                let row = catalog.get(id)?;
                Some((id.as_str(), (row.status == Status::Archived, facts)))
            })
            .collect(),
        copies: derived
            .ledgers
            .iter()
            .map(|(m, (_, c))| (m.as_str(), c))
            .collect(),
    }
}

fn encode(heads: &[u8], row: &Row) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend(postcard::to_allocvec(&(heads, row)).unwrap_or_default());
    bytes
}

fn decode(bytes: &[u8]) -> Option<(Vec<u8>, Row)> {
    postcard::from_bytes(bytes.strip_prefix(MAGIC)?).ok()
}
