//! News of changes, for announcing them to the whole team at once (lore-sync carries it
//! over iroh-gossip): the changes a document gained since given heads, with the signature
//! of each, and taking such news in through the same gate as sync messages (`intake`).
//! News that needs changes this library lacks is left for a sync session to bring whole.

use automerge::ChangeHash;

use super::Library;
use super::intake::{Durable, Found, refusal};
use super::sync::kind_of;
use crate::Result;
use crate::doc::{Proofs, proof};

/// What taking in news did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taken {
    /// Changes new here, checked and stored.
    pub changes: usize,
    /// Documents whose news builds on changes this library does not have yet: nothing of
    /// them was stored, and a sync session with a peer brings them.
    pub lacking: Vec<String>,
}

impl Library {
    /// News of this writer's own changes since the last call: by document key, the
    /// changes each document gained since the heads it had before the first of them
    /// (changes of others merged meanwhile included), encoded as automerge does
    /// incrementally and sealed with the signature of each.
    pub fn own_news(&mut self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut news = Vec::new();
        for (key, before) in self.store.take_own_writes() {
            if let Some(bytes) = self.changes_since(&key, &before)? {
                news.push((key, bytes));
            }
        }
        Ok(news)
    }

    /// What forces news taken in to disk, usable without holding the library (a forced
    /// write takes a while, and reading the library need not wait for it).
    pub fn flusher(&self) -> crate::Flusher {
        self.store.flusher()
    }

    /// Forgets the changes [`Library::own_news`] would announce: they go another way (a
    /// sync session with every peer).
    pub fn forget_own_news(&mut self) {
        self.store.take_own_writes();
    }

    /// The changes document `key` gained since `since`, sealed with their signatures;
    /// `None` when it gained none or does not exist here.
    fn changes_since(&mut self, key: &str, since: &[ChangeHash]) -> Result<Option<Vec<u8>>> {
        if !self.has_document(key)? {
            return Ok(None);
        }
        let stored = self.doc_mut(key)?;
        let new: Vec<ChangeHash> = stored
            .doc
            .get_changes_meta(since)
            .iter()
            .map(|c| c.hash)
            .collect();
        if new.is_empty() {
            return Ok(None);
        }
        // A change without a signature on record goes without one; peers refuse it with
        // that reason, as they would in a sync message.
        let seals: Vec<_> = new
            .iter()
            .filter_map(|h| stored.proofs.get(h).map(|s| (*h, *s)))
            .collect();
        let bytes = stored.doc.save_after(since);
        Ok(Some(proof::seal_message(&seals, &bytes)))
    }

    /// Takes in news from `peer` (document key → bytes as [`Library::own_news`] makes them):
    /// every new change is checked as a sync message's are (its author's signature, then
    /// the roster) and the document against its key. A refused one refuses all of it and
    /// stores nothing; otherwise what can be applied is stored in one transaction, and
    /// documents whose news needs changes not here are listed. The transaction reaches the
    /// disk with the next flush ([`Library::flusher`]), so news arriving together costs
    /// one forced write, made once it is all in; until then the senders hold it.
    pub fn receive_changes(&mut self, peer: &str, items: &[(String, Vec<u8>)]) -> Result<Taken> {
        let team = self.team_as_read()?;
        let mut prepared = Vec::with_capacity(items.len());
        let mut lacking = Vec::new();
        for (key, bytes) in items {
            let refuse = |reason: String| refusal(peer, key, reason);
            let kind = kind_of(key).ok_or_else(|| refuse("not a document of a library".into()))?;
            let (seals, changes) =
                proof::open_message(bytes).map_err(|e| refuse(format!("malformed news: {e}")))?;
            let seals: Proofs = seals.into_iter().collect();
            let mut found: Found<'_> = self.found(peer, key, kind, |after| {
                after
                    .load_incremental(changes)
                    .map(drop)
                    .map_err(|e| e.to_string())
            })?;
            // Automerge holds back a change whose dependencies are missing: such news is
            // left whole for a sync session, not stored in part.
            if !found.after.get_missing_deps(&[]).is_empty() {
                lacking.push(key.clone());
                continue;
            }
            prepared.push(self.vet(peer, found, None, &seals, &team)?);
        }
        let received = self.store_prepared(peer, prepared, None, Durable::Soon)?;
        Ok(Taken {
            changes: received.changes,
            lacking,
        })
    }
}
