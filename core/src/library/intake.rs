//! Taking in what a peer sent — sync messages or whole documents — through one gate: every
//! new change is checked (its author's signature, then the roster) and the document
//! against what its key says it is, before anything is stored; then a round is stored in
//! one durable transaction and indexed.

use std::collections::HashMap;

use automerge::sync::State;
use automerge::{AutoCommit, ChangeHash};

use super::Library;
use super::trust::{self, NewChange};
use crate::doc::{self, DocKey, Proofs};
use crate::model::{Entry, Team};
use crate::store::{Batch, CatalogRow, Sealer, StoredDoc};
use crate::{Error, Result};

/// What taking in a round from a peer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Received {
    /// Changes taken in (0 when the message only carried sync bookkeeping).
    pub changes: usize,
}

/// A document as a peer's changes would leave it, not yet checked.
pub(super) struct Found<'k> {
    pub(super) key: &'k str,
    pub(super) kind: DocKey,
    /// The heads of the document as stored here (none if it is new).
    pub(super) before: Vec<ChangeHash>,
    /// With the peer's changes applied.
    pub(super) after: AutoCommit,
    /// The heads it was last stored at (none if it is new).
    pub(super) saved: Vec<ChangeHash>,
    /// The signatures stored with it.
    pub(super) known: Proofs,
}

/// When what is taken in reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Durable {
    /// Before the call returns.
    Now,
    /// With the next flush ([`Library::flusher`]): news, whose senders still hold it.
    Soon,
}

/// A checked document, ready to store.
pub(super) struct Prepared {
    key: String,
    /// The sync state to keep with the peer (none for a whole document).
    state: Option<State>,
    /// The document with the peer's changes, when they brought any.
    stored: Option<StoredDoc>,
    entry: Option<Entry>,
    changes: usize,
    /// The signatures of the changes it brought.
    proofs: Proofs,
    /// The bytes the document was loaded from, when a peer sent it whole: stored as they
    /// are if it is new here.
    sent: Option<Vec<u8>>,
}

impl Prepared {
    /// The same, sent whole as `bytes`.
    pub(super) fn sent_as(self, bytes: Vec<u8>) -> Prepared {
        Prepared {
            sent: Some(bytes),
            ..self
        }
    }
}

/// A peer's document refused, and why.
pub(super) fn refusal(peer: &str, key: &str, reason: String) -> Error {
    Error::Refused {
        peer: peer.to_string(),
        doc: key.to_string(),
        reason,
    }
}

impl Library {
    /// Document `key` as stored, taken out of the cache to have a peer's changes applied
    /// (no copy: the cache never runs ahead of the disk, so a document refused is simply
    /// dropped and loads again as stored); an empty document if there is none.
    fn take_stored(&mut self, key: &str) -> Result<StoredDoc> {
        if self.has_document(key)? {
            self.doc_mut(key)?;
            if let Some(stored) = self.docs.remove(key) {
                return Ok(stored);
            }
        }
        Ok(StoredDoc {
            doc: AutoCommit::new_with_encoding(doc::TEXT_ENCODING),
            saved: Vec::new(),
            proofs: Proofs::new(),
        })
    }

    /// Document `key` as stored with `apply` done to it (a peer's message or document
    /// merged in): what [`check`] takes. A failure to apply refuses it.
    pub(super) fn found<'k>(
        &mut self,
        peer: &str,
        key: &'k str,
        kind: DocKey,
        apply: impl FnOnce(&mut AutoCommit) -> std::result::Result<(), String>,
    ) -> Result<Found<'k>> {
        let StoredDoc {
            doc: mut after,
            saved,
            proofs: known,
        } = self.take_stored(key)?;
        let before = after.get_heads();
        apply(&mut after)
            .map_err(|e| refusal(peer, key, format!("its changes cannot be applied: {e}")))?;
        Ok(Found {
            key,
            kind,
            before,
            after,
            saved,
            known,
        })
    }

    /// Checks `found` (see [`check`]) and makes it ready to store, with `state` to keep.
    pub(super) fn vet(
        &mut self,
        peer: &str,
        found: Found<'_>,
        state: Option<State>,
        seals: &Proofs,
        team: &Team,
    ) -> Result<Prepared> {
        let key = found.key.to_string();
        let checked = check(peer, found, seals, team)?;
        self.prepared(key, checked, state)
    }

    /// A checked document ready to store, with the signatures already stored; one that
    /// gained nothing goes back to the cache as it was.
    pub(super) fn prepared(
        &mut self,
        key: String,
        checked: Checked,
        state: Option<State>,
    ) -> Result<Prepared> {
        let Checked {
            mut after,
            saved,
            known,
            entry,
            changes,
            proofs,
        } = checked;
        if changes == 0 {
            if !saved.is_empty() {
                let stored = StoredDoc {
                    doc: after,
                    saved,
                    proofs: known,
                };
                self.docs.insert(key.clone(), stored);
            }
            return Ok(Prepared {
                key,
                state,
                stored: None,
                entry: None,
                changes: 0,
                proofs: Proofs::new(),
                sent: None,
            });
        }
        self.writer.attach(&mut after);
        Ok(Prepared {
            key,
            state,
            stored: Some(StoredDoc {
                doc: after,
                saved,
                proofs: known,
            }),
            entry,
            changes,
            proofs,
            sent: None,
        })
    }

    /// Stores checked documents from `peer` in one transaction, durable `when` says, with
    /// their sync states (kept in `states` too, a session's, when there is one), catalog
    /// rows and index entries.
    pub(super) fn store_prepared(
        &mut self,
        peer: &str,
        mut prepared: Vec<Prepared>,
        mut states: Option<&mut HashMap<String, State>>,
        when: Durable,
    ) -> Result<Received> {
        let now = crate::model::now_millis();
        let mut rows: Vec<Option<CatalogRow>> = prepared
            .iter()
            .map(|p| p.entry.as_ref().map(|e| CatalogRow::of(e, now)))
            .collect();
        let writer = &self.writer;
        let write = |b: &mut Batch<'_>| {
            for (p, row) in prepared.iter_mut().zip(rows.iter_mut()) {
                if let Some(stored) = &mut p.stored {
                    let sealer = Sealer {
                        writer,
                        received: Some(&p.proofs),
                    };
                    b.save_doc_as(&p.key, stored, &sealer, p.sent.as_deref())?;
                }
                if let Some(state) = &p.state {
                    b.put_sync_state(peer, &p.key, &state.encode())?;
                }
                if let Some(row) = row {
                    b.put_catalog(row)?;
                }
            }
            Ok(())
        };
        match when {
            Durable::Now => self.store.write(write)?,
            Durable::Soon => self.store.write_soon(write)?,
        }
        let mut received = Received::default();
        let mut team_changed = false;
        for (p, row) in prepared.into_iter().zip(rows) {
            received.changes += p.changes;
            team_changed |= p.key == DocKey::TEAM && p.changes > 0;
            if let (Some(states), Some(state)) = (states.as_deref_mut(), p.state) {
                states.insert(p.key.clone(), state);
            }
            if let Some(stored) = p.stored {
                self.docs.insert(p.key.clone(), stored);
            }
            if let (Some(entry), Some(row)) = (p.entry, row) {
                self.index_entry(&entry, row.seq);
                self.catalog.insert(row.id.clone(), row);
            }
        }
        if team_changed {
            let team = self.team()?;
            self.synonyms_changed(&team);
        }
        Ok(received)
    }
}

/// A document whose new changes passed the checks (or that gained none).
pub(super) struct Checked {
    after: AutoCommit,
    saved: Vec<ChangeHash>,
    /// The signatures stored with it.
    known: Proofs,
    entry: Option<Entry>,
    /// Changes new here (none: the document is as stored).
    changes: usize,
    /// The signatures of those.
    proofs: Proofs,
}

/// Checks every change `found` adds — signed by the member its actor names (`seals`
/// holds the signatures the peer sent), who may change the document — and the result
/// against what its key says it is. Touches no library, so documents can be checked on
/// several threads.
pub(super) fn check(peer: &str, found: Found<'_>, seals: &Proofs, team: &Team) -> Result<Checked> {
    let Found {
        key,
        kind,
        before,
        mut after,
        saved,
        known,
    } = found;
    let refuse = |reason: String| refusal(peer, key, reason);
    // `after` is `before` and more: what it has beyond `before`'s heads is new. Read as
    // metadata: the changes themselves are not re-encoded.
    let added: Vec<NewChange> = after
        .get_changes_meta(&before)
        .iter()
        .map(NewChange::from)
        .collect();
    if added.is_empty() {
        return Ok(Checked {
            after,
            saved,
            known,
            entry: None,
            changes: 0,
            proofs: Proofs::new(),
        });
    }
    let fresh = saved.is_empty() && kind == DocKey::Team;
    let proofs = trust::check(key, &added, seals, team, &mut after, fresh).map_err(refuse)?;
    let entry = match &kind {
        DocKey::Entry(id) => {
            let entry = doc::read_entry(&after)
                .map_err(|e| refuse(format!("not a readable entry: {e}")))?;
            if &entry.id != id {
                return Err(refuse(format!("it holds entry {} instead", entry.id)));
            }
            entry.check_size().map_err(|e| refuse(e.to_string()))?;
            Some(entry)
        }
        DocKey::Team => {
            doc::read_team(&after).map_err(|e| refuse(format!("not a readable team: {e}")))?;
            None
        }
        DocKey::Ledger(_) => {
            doc::read_fields(&after).map_err(|e| refuse(format!("not a readable ledger: {e}")))?;
            None
        }
    };
    Ok(Checked {
        after,
        saved,
        known,
        entry,
        changes: added.len(),
        proofs,
    })
}
