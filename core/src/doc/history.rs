//! Who changed a document, when, and what: read from the changes themselves, so the
//! history is the same on every replica.

use automerge::AutoCommit;
use serde::Serialize;

use crate::model::{MemberId, Millis};

/// One change to a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The member its actor id names (empty if it names none).
    pub member: MemberId,
    /// Whether the member's signature of this change is on record here and checks out:
    /// only then is `member` its proven author.
    pub verified: bool,
    pub time: Millis,
    /// A one-line summary of what changed.
    pub summary: String,
    /// The automerge change hash, hex.
    pub hash: String,
    #[serde(skip)]
    pub(crate) change: automerge::ChangeHash,
}

/// Every change of `doc`, oldest first.
pub(crate) fn changes_of(doc: &mut AutoCommit) -> Vec<Change> {
    let mut changes: Vec<Change> = doc
        .get_changes_meta(&[])
        .into_iter()
        .map(|meta| Change {
            member: super::member_of_actor(&meta.actor).unwrap_or_default(),
            verified: false,
            time: meta.timestamp * 1000,
            summary: meta.message.map(|m| m.into_owned()).unwrap_or_default(),
            hash: meta.hash.to_string(),
            change: meta.hash,
        })
        .collect();
    // Changes come in causal order; a stable sort by time keeps causal order among equals.
    changes.sort_by_key(|c| c.time);
    changes
}
