//! The layout of a member's ledger document (single writer: that member).

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, Value, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};

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

/// Reads a ledger out of its document.
pub(crate) fn read_ledger(doc: &AutoCommit) -> Result<Ledger> {
    let d: LedgerDoc = autosurgeon::hydrate(doc)?;
    Ok(Ledger {
        member: d.member,
        uses: d.uses,
        votes: d.votes,
        pinned: d.pinned,
    })
}

/// Writes `ledger` into its document as minimal operations.
pub(crate) fn write_ledger(doc: &mut AutoCommit, ledger: &Ledger) -> Result<()> {
    let d = LedgerDoc {
        schema: 1,
        member: ledger.member.clone(),
        uses: ledger.uses.clone(),
        votes: ledger.votes.clone(),
        pinned: ledger.pinned.clone(),
    };
    autosurgeon::reconcile(doc, &d)?;
    Ok(())
}

/// One copy of a reply, as its copier's ledger records it: appended to the list `copies`
/// as one short string (`secs\tentry\tanswer`), so a year of copies stays a few bytes
/// each; a solve mark goes in the map `marks` under the copy's key.
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

/// Appends a copy to the ledger document.
pub(crate) fn append_copy(doc: &mut AutoCommit, copy: &Copy) -> Result<()> {
    append(
        doc,
        "copies",
        format!("{}\t{}\t{}", copy.at, copy.entry, copy.answer),
    )
}

/// Appends one record (a short string) to the list `list` of the ledger document.
pub(crate) fn append(doc: &mut AutoCommit, list: &str, record: String) -> Result<()> {
    let list = object(doc, list, ObjType::List)?;
    let at = doc.length(&list);
    doc.insert(&list, at, record)?;
    Ok(())
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
            if let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) = &item.value {
                all.push((item.key.to_string(), s.to_string()));
            }
        }
    }
    Ok(all)
}

/// The records of the list `list` of the ledger document, oldest first.
pub(crate) fn records(doc: &AutoCommit, list: &str) -> Result<Vec<String>> {
    let mut all = Vec::new();
    if let Some((Value::Object(ObjType::List), obj)) = doc.get(ROOT, list)? {
        for item in doc.list_range(&obj, ..) {
            if let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) = &item.value {
                all.push(s.to_string());
            }
        }
    }
    Ok(all)
}

/// Marks the copy under `key` as having solved the problem or not.
pub(crate) fn mark_copy(doc: &mut AutoCommit, key: &str, solved: bool) -> Result<()> {
    let marks = object(doc, "marks", ObjType::Map)?;
    doc.put(&marks, key, if solved { 1_i64 } else { -1_i64 })?;
    Ok(())
}

/// Every copy the ledger records, oldest first, with its mark.
pub(crate) fn read_copies(doc: &AutoCommit) -> Result<Vec<Copy>> {
    let mut marks: BTreeMap<String, bool> = BTreeMap::new();
    if let Some((Value::Object(ObjType::Map), obj)) = doc.get(ROOT, "marks")? {
        for item in doc.map_range(&obj, ..) {
            if let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Int(n)) = item.value {
                marks.insert(item.key.to_string(), n > 0);
            }
        }
    }
    let mut copies = Vec::new();
    if let Some((Value::Object(ObjType::List), list)) = doc.get(ROOT, "copies")? {
        for item in doc.list_range(&list, ..) {
            let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) = &item.value else {
                continue;
            };
            let mut parts = s.splitn(3, '\t');
            let (Some(at), Some(entry), answer) = (
                parts.next().and_then(|t| t.parse::<i64>().ok()),
                parts.next(),
                parts.next().unwrap_or(""),
            ) else {
                continue;
            };
            let mut copy = Copy {
                entry: entry.to_string(),
                at,
                answer: answer.to_string(),
                solved: None,
            };
            copy.solved = marks.get(&copy.key()).copied();
            copies.push(copy);
        }
    }
    Ok(copies)
}

/// The object at `field` of the root, made when it is not there yet.
fn object(doc: &mut AutoCommit, field: &str, kind: ObjType) -> Result<automerge::ObjId> {
    match doc.get(ROOT, field)? {
        Some((Value::Object(k), id)) if k == kind => Ok(id),
        _ => Ok(doc.put_object(ROOT, field, kind)?),
    }
}
