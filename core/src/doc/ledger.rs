//! The layout of a member's ledger document (single writer: that member).

use std::collections::BTreeMap;

use automerge::{
    AutoCommit, ObjType, ROOT, ReadDoc, ScalarValueRef, Value, ValueRef, transaction::Transactable,
};
use autosurgeon::{Hydrate, Reconcile};

use super::days;
use crate::Result;
use crate::model::Ledger;

#[derive(Debug, Clone, Default, Reconcile, Hydrate)]
struct LedgerDoc {
    schema: u64,
    member: String,
    uses: BTreeMap<String, u64>,
    votes: BTreeMap<String, i64>,
    /// Ledgers written before favourites have none.
    #[autosurgeon(missing = "BTreeMap::new")]
    pinned: BTreeMap<String, i64>,
}

/// Reads a ledger out of its document. Its uses are those of the map `uses` (counted
/// before copies were kept by day) plus each day's count in `uses_by_day`.
pub(crate) fn read_ledger(doc: &AutoCommit) -> Result<Ledger> {
    let mut ledger = read_fields(doc)?;
    for (_, entry, n) in days::keyed(doc, USES_BY_DAY, days::count)? {
        *ledger.uses.entry(entry).or_insert(0) += n;
    }
    Ok(ledger)
}

/// How often the ledger says its member used entry `id` (a lookup a day; see
/// [`read_ledger`]).
pub(crate) fn uses_of(doc: &AutoCommit, id: &str) -> Result<u64> {
    let before = read_fields(doc)?.uses.get(id).copied().unwrap_or(0);
    Ok(before + days::sum_of(doc, USES_BY_DAY, id)?)
}

/// The ledger's own fields, its uses those of the map `uses` only: what checking a ledger
/// and writing one need, read without going through its copies.
pub(crate) fn read_fields(doc: &AutoCommit) -> Result<Ledger> {
    let d: LedgerDoc = autosurgeon::hydrate(doc)?;
    Ok(Ledger {
        member: d.member,
        uses: d.uses,
        votes: d.votes,
        pinned: d.pinned,
    })
}

/// Writes `ledger` into its document as minimal operations. Uses are not written: the map
/// `uses` keeps what it holds, and each copy counts itself on its day ([`append_copy`]).
pub(crate) fn write_ledger(doc: &mut AutoCommit, ledger: &Ledger) -> Result<()> {
    let uses = read_fields(doc).map(|l| l.uses).unwrap_or_default();
    let d = LedgerDoc {
        schema: 2,
        member: ledger.member.clone(),
        uses,
        votes: ledger.votes.clone(),
        pinned: ledger.pinned.clone(),
    };
    autosurgeon::reconcile(doc, &d)?;
    Ok(())
}

/// The query log before it was kept by day: one map, record key → tally.
const QUERIES: &str = "queries";
/// The query log by day (the asker's local day): a map per day, record key → tally.
const QUERIES_BY_DAY: &str = "queries_by_day";

/// Practice attempts by day: a list per day of one JSON record each.
const ATTEMPTS_BY_DAY: &str = "attempts_by_day";

/// Uses counted by day: a map per day, entry id → copies of it that day.
const USES_BY_DAY: &str = "uses_by_day";
/// Copies kept by day (see [`days`]): a list per day of one short string each.
const COPIES_BY_DAY: &str = "copies_by_day";
/// Solve marks by the day of their copy: a map per day, copy key → 1 or -1.
const MARKS_BY_DAY: &str = "marks_by_day";
/// The API token each copy made through one came by, by the day of the copy: a map per
/// day, copy key → token name.
const VIA_BY_DAY: &str = "via_by_day";

/// One copy of a reply, as its copier's ledger records it: appended to its day's list in
/// `copies_by_day` as one short string (`secs\tentry\tanswer`), so a year of copies stays
/// a few bytes each; a solve mark goes in its day's map in `marks_by_day` under the copy's
/// key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Copy {
    pub entry: String,
    /// When, in seconds since the epoch.
    pub at: i64,
    /// The answer copied; empty: the entry's body.
    pub answer: String,
    /// Whether it solved the customer's problem, when the agent said.
    pub solved: Option<bool>,
}

impl Copy {
    /// The key its solve mark is kept under.
    pub fn key(&self) -> String {
        format!("{}\t{}", self.at, self.entry)
    }
}

/// Appends a copy to its day's list in the ledger document, and counts it among that
/// day's uses of its entry.
pub(crate) fn append_copy(doc: &mut AutoCommit, copy: &Copy) -> Result<()> {
    let day = days::day_of(copy.at);
    let record = format!("{}\t{}\t{}", copy.at, copy.entry, copy.answer);
    days::append_on(doc, COPIES_BY_DAY, day, record)?;
    let n = days::count_on(doc, USES_BY_DAY, day, &copy.entry)?;
    days::put_on(doc, USES_BY_DAY, day, &copy.entry, Some((n + 1).into()))
}

/// Records that the copy under `key` was made through the API token `name`.
pub(crate) fn put_via(doc: &mut AutoCommit, key: &str, name: &str) -> Result<()> {
    let day = day_of_key(key)?;
    days::put_on(doc, VIA_BY_DAY, day, key, Some(name.into()))
}

/// The API token each copy made through one came by: copy key → token name.
pub(crate) fn read_via(doc: &AutoCommit) -> Result<BTreeMap<String, String>> {
    let mut via: BTreeMap<String, String> = keyed_records(doc, "via")?.into_iter().collect();
    for (_, key, name) in days::keyed(doc, VIA_BY_DAY, string)? {
        via.insert(key, name);
    }
    Ok(via)
}

/// The day of the copy whose key is `key` (it starts with the copy's time).
fn day_of_key(key: &str) -> Result<i64> {
    key.split('\t')
        .next()
        .and_then(|t| t.parse::<i64>().ok())
        .map(days::day_of)
        .ok_or_else(|| crate::Error::invalid(format!("`{key}` is not the key of a copy")))
}

/// A string value.
fn string(v: &ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Scalar(ScalarValueRef::Str(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// Puts (or with `None` removes) record `key` of the map `map` of the ledger document.
pub(crate) fn put_record(
    doc: &mut AutoCommit,
    map: &str,
    key: &str,
    record: Option<String>,
) -> Result<()> {
    let map = object(doc, map, ObjType::Map)?;
    match record {
        Some(r) => doc.put(&map, key, r)?,
        None => doc.delete(&map, key)?,
    }
    Ok(())
}

/// Every record of the map `map` of the ledger document, by key.
pub(crate) fn keyed_records(doc: &AutoCommit, map: &str) -> Result<Vec<(String, String)>> {
    let mut all = Vec::new();
    if let Some((Value::Object(ObjType::Map), obj)) = doc.get(ROOT, map)? {
        for item in doc.map_range(&obj, ..) {
            if let Some(s) = string(&item.value) {
                all.push((item.key.to_string(), s));
            }
        }
    }
    Ok(all)
}

/// The records of the list `list` of the ledger document, oldest first.
fn records(doc: &AutoCommit, list: &str) -> Result<Vec<String>> {
    let mut all = Vec::new();
    for obj in days::every(doc, &ROOT, list, ObjType::List)? {
        all.extend(
            doc.list_range(&obj, ..)
                .filter_map(|item| string(&item.value)),
        );
    }
    Ok(all)
}

/// Marks the copy under `key` as having solved the problem or not.
pub(crate) fn mark_copy(doc: &mut AutoCommit, key: &str, solved: bool) -> Result<()> {
    let day = day_of_key(key)?;
    let mark = if solved { 1_i64 } else { -1_i64 };
    days::put_on(doc, MARKS_BY_DAY, day, key, Some(mark.into()))
}

/// Every copy the ledger records with its mark: those of the single list `copies` (before
/// copies were kept by day) first, then day by day, oldest first.
pub(crate) fn read_copies(doc: &AutoCommit) -> Result<Vec<Copy>> {
    let mark = |v: &ValueRef<'_>| match v {
        ValueRef::Scalar(ScalarValueRef::Int(n)) => Some(*n > 0),
        _ => None,
    };
    let mut marks: BTreeMap<String, bool> = BTreeMap::new();
    for map in days::every(doc, &ROOT, "marks", ObjType::Map)? {
        for item in doc.map_range(&map, ..) {
            if let Some(solved) = mark(&item.value) {
                marks.insert(item.key.to_string(), solved);
            }
        }
    }
    for (_, key, solved) in days::keyed(doc, MARKS_BY_DAY, mark)? {
        marks.insert(key, solved);
    }
    let mut copies = Vec::new();
    for record in records(doc, "copies")?
        .into_iter()
        .chain(days::listed(doc, COPIES_BY_DAY)?)
    {
        if let Some(mut copy) = parse_copy(&record) {
            copy.solved = marks.get(&copy.key()).copied();
            copies.push(copy);
        }
    }
    Ok(copies)
}

/// A copy out of its record (`secs\tentry\tanswer`), unmarked; `None` if it is not one.
fn parse_copy(record: &str) -> Option<Copy> {
    let mut parts = record.splitn(3, '\t');
    let (Some(at), Some(entry), answer) = (
        parts.next().and_then(|t| t.parse::<i64>().ok()),
        parts.next(),
        parts.next().unwrap_or(""),
    ) else {
        return None;
    };
    Some(Copy {
        entry: entry.to_string(),
        at,
        answer: answer.to_string(),
        solved: None,
    })
}

/// The object at `field` of the root, made when it is not there yet.
fn object(doc: &mut AutoCommit, field: &str, kind: ObjType) -> Result<automerge::ObjId> {
    match doc.get(ROOT, field)? {
        Some((Value::Object(k), id)) if k == kind => Ok(id),
        _ => Ok(doc.put_object(ROOT, field, kind)?),
    }
}

/// Every record of the query log, by key (see `insights::log`): those of the single map
/// `queries` first, then day by day.
pub(crate) fn query_records(doc: &AutoCommit) -> Result<Vec<(String, String)>> {
    let mut all = keyed_records(doc, QUERIES)?;
    for (_, key, tally) in days::keyed(doc, QUERIES_BY_DAY, string)? {
        all.push((key, tally));
    }
    Ok(all)
}

/// Rewrites the query log as `keep` says: records of the single map `queries` all leave
/// it (a record kept goes to its day), a day `keep` turns down goes whole, and `put` is
/// written record by record into its day.
pub(crate) fn write_queries(
    doc: &mut AutoCommit,
    keep: impl Fn(i64) -> bool,
    day_of_record: impl Fn(&str) -> Option<i64>,
    put: &[(String, String)],
) -> Result<()> {
    for (key, tally) in keyed_records(doc, QUERIES)? {
        put_record(doc, QUERIES, &key, None)?;
        if let Some(day) = day_of_record(&key).filter(|d| keep(*d)) {
            days::put_on(doc, QUERIES_BY_DAY, day, &key, Some(tally.into()))?;
        }
    }
    for day in days::days(doc, QUERIES_BY_DAY)? {
        if !keep(day) {
            days::drop_day(doc, QUERIES_BY_DAY, day)?;
        }
    }
    for (key, tally) in put {
        if let Some(day) = day_of_record(key).filter(|d| keep(*d)) {
            days::put_on(doc, QUERIES_BY_DAY, day, key, Some(tally.as_str().into()))?;
        }
    }
    Ok(())
}

/// Appends a practice attempt's record, made at `at` (seconds since the epoch), to its
/// day's list.
pub(crate) fn append_attempt(doc: &mut AutoCommit, at: i64, record: String) -> Result<()> {
    days::append_on(doc, ATTEMPTS_BY_DAY, days::day_of(at), record)
}

/// Every practice attempt's record: those of the single list `attempts` first, then day
/// by day.
pub(crate) fn attempt_records(doc: &AutoCommit) -> Result<Vec<String>> {
    let mut all = records(doc, "attempts")?;
    all.extend(days::listed(doc, ATTEMPTS_BY_DAY)?);
    Ok(all)
}
