//! Who wrote each operation of a document. Automerge names every operation by (counter,
//! actor); an actor names its member (see [`super::proof`]) and each change covers a run
//! of its actor's counters, so an operation's change — its time and its signature — is
//! found by a binary search. Read from the document alone: the same on every replica.

use std::cell::RefCell;
use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash, ObjId};

use crate::model::{MemberId, Millis};

/// One change's operations: first and last counter, its time and hash.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    end: u64,
    time: Millis,
    hash: ChangeHash,
}

/// Who wrote an operation, and whether that can be put to their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Op {
    /// The member credited (a folded answer's author for the characters its fold
    /// re-inserted); empty when the operation names no member.
    pub(crate) member: MemberId,
    /// The member whose change it is (who typed it).
    pub(crate) writer: MemberId,
    pub(crate) time: Millis,
    pub(crate) change: Option<ChangeHash>,
    /// Whether its change carries its writer's valid signature.
    pub(crate) verified: bool,
}

/// The authorship index of one document.
pub(crate) struct Authors<'a> {
    runs: HashMap<Vec<u8>, Vec<Run>>,
    /// Changes whose insertions are credited to another member.
    credited: HashMap<ChangeHash, MemberId>,
    /// Signature checks, once per change.
    checked: RefCell<HashMap<ChangeHash, bool>>,
    verify: &'a dyn Fn(&ChangeHash, &MemberId) -> bool,
}

impl<'a> Authors<'a> {
    /// The index of `doc`; `verify` says whether a change's signature checks out (asked
    /// once per change, when an operation of it is first looked up).
    pub(crate) fn new(
        doc: &mut AutoCommit,
        verify: &'a dyn Fn(&ChangeHash, &MemberId) -> bool,
    ) -> Authors<'a> {
        let mut runs: HashMap<Vec<u8>, Vec<Run>> = HashMap::new();
        for meta in doc.get_changes_meta(&[]) {
            runs.entry(meta.actor.to_bytes().to_vec())
                .or_default()
                .push(Run {
                    start: meta.start_op,
                    end: meta.max_op,
                    time: meta.timestamp * 1000,
                    hash: meta.hash,
                });
        }
        for list in runs.values_mut() {
            list.sort_by_key(|r| r.start);
        }
        Authors {
            runs,
            credited: HashMap::new(),
            checked: RefCell::new(HashMap::new()),
            verify,
        }
    }

    /// Credits what change `change` inserted to `member` instead of its writer.
    pub(crate) fn credit(&mut self, change: ChangeHash, member: MemberId) {
        self.credited.insert(change, member);
    }

    /// The change that made operation `id`, if the document has it.
    pub(crate) fn change_of(&self, id: &ObjId) -> Option<ChangeHash> {
        self.run_of(id).map(|(_, run)| run.hash)
    }

    /// Who wrote operation `id` (an element or value id from the document).
    pub(crate) fn of(&self, id: &ObjId) -> Op {
        let Some((writer, run)) = self.run_of(id) else {
            let writer = match id {
                ObjId::Id(_, actor, _) => super::member_of_actor(actor).unwrap_or_default(),
                ObjId::Root => String::new(),
            };
            return Op {
                member: writer.clone(),
                writer,
                time: 0,
                change: None,
                verified: false,
            };
        };
        let verified = *self
            .checked
            .borrow_mut()
            .entry(run.hash)
            .or_insert_with(|| (self.verify)(&run.hash, &writer));
        let member = self
            .credited
            .get(&run.hash)
            .cloned()
            .unwrap_or_else(|| writer.clone());
        Op {
            member,
            writer,
            time: run.time,
            change: Some(run.hash),
            verified,
        }
    }

    fn run_of(&self, id: &ObjId) -> Option<(MemberId, Run)> {
        let ObjId::Id(counter, actor, _) = id else {
            return None;
        };
        let runs = self.runs.get(actor.to_bytes())?;
        let i = runs
            .partition_point(|r| r.start <= *counter)
            .checked_sub(1)?;
        let run = runs[i];
        (*counter <= run.end).then(|| (super::member_of_actor(actor).unwrap_or_default(), run))
    }
}
