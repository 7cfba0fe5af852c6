//! Who wrote each sentence of a text: automerge keeps, for every character, the operation
//! that inserted it, and an operation's id names its actor, which names its member (see
//! [`super::proof`]). A sentence is credited to the member who inserted most of its
//! characters; the others who inserted some are named too. Read from the document alone,
//! so it comes out the same on every replica.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use serde::Serialize;

use crate::model::{MemberId, Millis};
use crate::{Error, Result};

/// Where a sentence ends (the mark stays with it).
const ENDS: [char; 8] = ['。', '！', '？', '!', '?', '；', ';', '\n'];

/// One sentence of a text and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub text: String,
    /// The member who inserted most of its characters (empty: none Lore can name).
    pub author: MemberId,
    /// Others who inserted some of it, most first.
    pub others: Vec<MemberId>,
    /// When its newest character was written (ms since the epoch).
    pub time: Millis,
    /// Whether every change that wrote it carries its author's valid signature.
    pub verified: bool,
}

/// The operations one change wrote (first and last counter), when, and its hash.
type ChangeOps = (u64, u64, Millis, ChangeHash);

/// A character's author and change, as the text holds it.
struct Written {
    member: MemberId,
    time: Millis,
    change: Option<ChangeHash>,
}

/// The sentences of the text at `field` of the document's root, with their authors.
/// `verified` says whether a change's signature checks out.
pub(crate) fn blame(
    doc: &mut AutoCommit,
    field: &str,
    verified: &dyn Fn(&ChangeHash, &MemberId) -> bool,
) -> Result<Vec<Sentence>> {
    let text = match doc.get(ROOT, field)? {
        Some((Value::Object(ObjType::Text), id)) => id,
        _ => {
            return Err(Error::Document(format!(
                "the document has no text `{field}`"
            )));
        }
    };
    // For every actor, its changes' operation ranges: which change wrote an operation.
    let mut ranges: BTreeMap<Vec<u8>, Vec<ChangeOps>> = BTreeMap::new();
    for meta in doc.get_changes_meta(&[]) {
        ranges
            .entry(meta.actor.to_bytes().to_vec())
            .or_default()
            .push((meta.start_op, meta.max_op, meta.timestamp * 1000, meta.hash));
    }
    let written: Vec<(String, Written)> = doc
        .list_range(&text, ..)
        .map(|item| {
            let ch = match &item.value {
                automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            let (member, time, change) = match item.id() {
                ObjId::Id(counter, actor, _) => {
                    let change = ranges.get(actor.to_bytes()).and_then(|r| {
                        r.iter()
                            .find(|(start, max, _, _)| (*start..=*max).contains(&counter))
                    });
                    (
                        super::member_of_actor(&actor).unwrap_or_default(),
                        change.map_or(0, |c| c.2),
                        change.map(|c| c.3),
                    )
                }
                ObjId::Root => (String::new(), 0, None),
            };
            (
                ch,
                Written {
                    member,
                    time,
                    change,
                },
            )
        })
        .collect();
    let mut sentences = Vec::new();
    let mut current: Vec<&(String, Written)> = Vec::new();
    for item in &written {
        current.push(item);
        if item.0.chars().last().is_some_and(|c| ENDS.contains(&c)) {
            sentences.extend(sentence(&current, verified));
            current.clear();
        }
    }
    sentences.extend(sentence(&current, verified));
    Ok(sentences)
}

/// A sentence from its characters; none when it is only white space.
fn sentence(
    chars: &[&(String, Written)],
    verified: &dyn Fn(&ChangeHash, &MemberId) -> bool,
) -> Option<Sentence> {
    let text: String = chars.iter().map(|(c, _)| c.as_str()).collect();
    if text.trim().is_empty() {
        return None;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (c, w) in chars {
        if !c.trim().is_empty() {
            *counts.entry(w.member.as_str()).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let author = ranked
        .first()
        .map(|(m, _)| m.to_string())
        .unwrap_or_default();
    let others = ranked.iter().skip(1).map(|(m, _)| m.to_string()).collect();
    let time = chars.iter().map(|(_, w)| w.time).max().unwrap_or(0);
    let verified = chars.iter().all(|(_, w)| {
        w.change
            .as_ref()
            .is_some_and(|hash| verified(hash, &w.member))
    });
    Some(Sentence {
        text: text.trim_end_matches('\n').to_string(),
        author,
        others,
        time,
        verified,
    })
}
