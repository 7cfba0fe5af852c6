//! Where a member's history ends: when an admin removes a member, the roster records their
//! last changes known then, document by document, and every peer refuses their changes
//! beyond those, whoever relays them (see `trust`).

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::ChangeHash;

use super::Library;
use crate::Result;
use crate::doc::{self, member_of_actor};

impl Library {
    /// The last changes by `member` in every document (document key → hex hashes of their
    /// changes that no other change of theirs builds on). Reads every document once.
    pub(super) fn history_ends(&self, member: &str) -> Result<BTreeMap<String, Vec<String>>> {
        let mut ends = BTreeMap::new();
        let mut unreadable = None;
        self.store
            .each_doc("", |key, chunks| match doc::load(chunks, key) {
                Ok(mut d) => {
                    let last = last_changes(&mut d, member);
                    if !last.is_empty() {
                        ends.insert(key.to_string(), last);
                    }
                }
                Err(e) => unreadable = Some(e),
            })?;
        // A document that cannot be read here cannot record where the member's history in
        // it ends; removing them anyway would refuse their old changes there for good.
        match unreadable {
            Some(e) => Err(e),
            None => Ok(ends),
        }
    }
}

/// The hex hashes of `member`'s changes in `doc` that no other change of theirs depends on.
fn last_changes(doc: &mut automerge::AutoCommit, member: &str) -> Vec<String> {
    let metas = doc.get_changes_meta(&[]);
    let deps: HashMap<ChangeHash, Vec<ChangeHash>> =
        metas.iter().map(|m| (m.hash, m.deps.clone())).collect();
    let theirs: Vec<ChangeHash> = metas
        .iter()
        .filter(|m| member_of_actor(&m.actor).as_deref() == Some(member))
        .map(|m| m.hash)
        .collect();
    // Everything below one of their changes is not their last.
    let mut below = HashSet::new();
    let mut stack: Vec<ChangeHash> = theirs
        .iter()
        .flat_map(|h| deps.get(h).into_iter().flatten().copied())
        .collect();
    while let Some(hash) = stack.pop() {
        if below.insert(hash) {
            stack.extend(deps.get(&hash).into_iter().flatten().copied());
        }
    }
    theirs
        .into_iter()
        .filter(|h| !below.contains(h))
        .map(|h| h.to_string())
        .collect()
}
