//! The library's side of sync, independent of any transport: a digest of what it holds,
//! automerge sync messages per document with the sync state kept per (peer, document),
//! and remote changes checked against the roster, then stored and indexed through the
//! same path as local writes. lore-sync carries these messages between machines.

use std::collections::{BTreeMap, HashMap};

use automerge::AutoCommit;
use automerge::sync::{Message, State, SyncDoc};

use super::Library;
use super::intake::{Durable, Prepared, Received, refusal};
use crate::doc::{DocKey, Proofs, proof};
use crate::model::{Team, validate_entry_id};
use crate::{Error, Result};

/// What a library holds: document key → heads (32-byte hashes, sorted, concatenated).
pub type Digest = BTreeMap<String, Vec<u8>>;

/// One sync session with a peer: the automerge sync states of the documents it touches.
#[derive(Debug)]
pub struct SyncSession {
    pub(super) peer: String,
    pub(super) states: HashMap<String, State>,
    /// Signatures the peer sent in this session, for changes that arrive in a later
    /// message than their signature (automerge holds back a change until its dependencies
    /// are there).
    seals: Proofs,
}

/// The documents a peer may send: a team document, an entry with a valid id, a ledger of
/// a plausible member id.
pub(super) fn kind_of(key: &str) -> Option<DocKey> {
    match DocKey::parse(key)? {
        DocKey::Entry(id) if validate_entry_id(&id).is_err() => None,
        DocKey::Ledger(m) if m.is_empty() || m.len() > 128 => None,
        other => Some(other),
    }
}

impl Library {
    /// The digest of every document: peers compare digests and sync only what differs.
    pub fn digest(&self) -> Result<Digest> {
        Ok(self.store.all_heads()?.into_iter().collect())
    }

    /// The documents whose heads differ between this library and a peer's digest.
    pub fn differing(&self, theirs: &Digest) -> Result<Vec<String>> {
        let ours = self.digest()?;
        let mut keys: Vec<String> = ours
            .iter()
            .filter(|(k, h)| theirs.get(*k) != Some(*h))
            .map(|(k, _)| k.clone())
            .collect();
        keys.extend(theirs.keys().filter(|k| !ours.contains_key(*k)).cloned());
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    /// Starts a sync session with `peer`. Its sync states start from what the last
    /// session with that peer stored, and belong to this session alone: two sessions with
    /// the same peer at once never disturb each other.
    pub fn begin_sync(&self, peer: &str) -> SyncSession {
        SyncSession {
            peer: peer.to_string(),
            states: HashMap::new(),
            seals: Proofs::new(),
        }
    }

    fn session_state<'s>(&self, session: &'s mut SyncSession, key: &str) -> Result<&'s mut State> {
        if !session.states.contains_key(key) {
            let state = match self.store.sync_state(&session.peer, key)? {
                Some(bytes) => State::decode(&bytes).map_or_else(|_| State::new(), primed),
                None => State::new(),
            };
            session.states.insert(key.to_string(), state);
        }
        session
            .states
            .get_mut(key)
            .ok_or_else(|| Error::Document("sync state vanished".into()))
    }

    /// The next sync message for document `key` to `peer`, if there is anything to say:
    /// automerge's message with the signatures of the changes it carries.
    pub fn sync_message(
        &mut self,
        session: &mut SyncSession,
        key: &str,
    ) -> Result<Option<Vec<u8>>> {
        if kind_of(key).is_none() {
            return Err(Error::invalid(format!(
                "`{key}` is not a document of a library"
            )));
        }
        let exists = self.has_document(key)?;
        let mut state = std::mem::take(self.session_state(session, key)?);
        let sent_before = state.sent_hashes.clone();
        keep_whole_documents_for_newcomers(&mut state);
        let message = if exists {
            let stored = self.doc_mut(key)?;
            stored.doc.sync().generate_sync_message(&mut state)
        } else {
            // A document we do not have: ask for it.
            AutoCommit::new().sync().generate_sync_message(&mut state)
        };
        let sending: Vec<automerge::ChangeHash> = state
            .sent_hashes
            .difference(&sent_before)
            .copied()
            .collect();
        *self.session_state(session, key)? = state;
        let Some(message) = message else {
            return Ok(None);
        };
        let mut seals = Vec::with_capacity(sending.len());
        if !sending.is_empty() {
            let proofs = &self.doc_mut(key)?.proofs;
            // A change without a signature on record goes without one, and the peer
            // refuses it with that reason.
            seals.extend(
                sending
                    .into_iter()
                    .filter_map(|hash| proofs.get(&hash).map(|seal| (hash, *seal))),
            );
        }
        Ok(Some(proof::seal_message(&seals, &message.encode())))
    }

    /// Takes in a sync message from `peer` for document `key`. Every change it carries must
    /// be authored by someone the roster allows to change that document; otherwise the
    /// message is refused and nothing is stored. Accepted changes are durable, in the
    /// catalog and in the search index when this returns.
    pub fn receive_sync(
        &mut self,
        session: &mut SyncSession,
        key: &str,
        message: &[u8],
    ) -> Result<Received> {
        self.receive_batch(session, &[(key.to_string(), message.to_vec())])
    }

    /// Takes in one round of sync messages (document key → message) from `peer`: every
    /// message is checked first, then everything is stored in one durable transaction. If
    /// any message is refused, nothing of the round is stored.
    pub fn receive_batch(
        &mut self,
        session: &mut SyncSession,
        items: &[(String, Vec<u8>)],
    ) -> Result<Received> {
        let team = self.team_as_read()?;
        let peer = session.peer.clone();
        let mut prepared: Vec<Prepared> = Vec::with_capacity(items.len());
        for (key, message) in items {
            prepared.push(self.prepare(session, key, message, &team)?);
        }
        self.store_prepared(&peer, prepared, Some(&mut session.states), Durable::Now)
    }

    /// Applies a message to a copy of the document and checks every new change (its
    /// author's signature, then the roster) and the result against what the document
    /// claims to be. Stores nothing.
    fn prepare(
        &mut self,
        session: &mut SyncSession,
        key: &str,
        message: &[u8],
        team: &Team,
    ) -> Result<Prepared> {
        let peer = session.peer.clone();
        let refuse = |reason: String| refusal(&peer, key, reason);
        let kind = kind_of(key).ok_or_else(|| refuse("not a document of a library".into()))?;
        let (seals, message) = proof::open_message(message)
            .map_err(|e| refuse(format!("malformed sync message: {e}")))?;
        let message =
            Message::decode(message).map_err(|e| refuse(format!("malformed sync message: {e}")))?;
        session.seals.extend(seals);
        let mut state = self.session_state(session, key)?.clone();
        let found = self.found(&peer, key, kind, |after| {
            after
                .sync()
                .receive_sync_message(&mut state, message)
                .map_err(|e| e.to_string())
        })?;
        self.vet(&peer, found, Some(state), &session.seals, team)
    }

    /// The whole team document with the signatures of its changes, for a member joining
    /// the team.
    pub fn team_document(&mut self) -> Result<Vec<u8>> {
        let stored = self.doc_mut(DocKey::TEAM)?;
        let bytes = stored.doc.save();
        let seals: Vec<_> = stored.proofs.iter().map(|(h, s)| (*h, *s)).collect();
        Ok(proof::seal_message(&seals, &bytes))
    }

    /// The heads each document had when the last session with `peer` ended in agreement
    /// (sorted, concatenated), by document key.
    fn shared_with(&self, peer: &str) -> Result<HashMap<String, Vec<u8>>> {
        Ok(self
            .store
            .sync_states_of(peer)?
            .into_iter()
            .filter_map(|(key, bytes)| {
                let mut heads = State::decode(&bytes).ok()?.shared_heads;
                heads.sort();
                Some((key, heads.iter().flat_map(|h| h.0).collect()))
            })
            .collect())
    }

    /// How many documents `peer` does not have yet as far as this library knows: those
    /// whose heads here differ from the heads the last session with it agreed on (every
    /// document, for a peer never synced with).
    pub fn pending_for(&self, peer: &str) -> Result<usize> {
        let shared = self.shared_with(peer)?;
        Ok(self.not_shared(&shared)?.len())
    }

    /// The documents whose heads here differ from `shared` (what a peer last agreed on).
    fn not_shared(&self, shared: &HashMap<String, Vec<u8>>) -> Result<Vec<String>> {
        Ok(self
            .store
            .all_heads()?
            .into_iter()
            .filter(|(key, heads)| shared.get(key) != Some(&sorted_heads(heads)))
            .map(|(key, _)| key)
            .collect())
    }

    /// The documents whose heads here differ from what the last session with `peer`
    /// agreed on — what a live edit has to send it — when a session with it ever agreed
    /// on any and there are at most `max`; none otherwise (the digest tree finds them).
    pub fn changed_for(&self, peer: &str, max: usize) -> Result<Option<Vec<String>>> {
        let shared = self.shared_with(peer)?;
        if shared.is_empty() {
            return Ok(None);
        }
        let keys = self.not_shared(&shared)?;
        Ok((keys.len() <= max).then_some(keys))
    }

    /// After a session with `peer` succeeded: the documents of `digest` (taken when it
    /// began) that were found equal without syncing are recorded as shared with it, so
    /// [`Library::pending_for`] knows the peer has them. `synced` were synced and have
    /// their states already. Only states that changed are written.
    pub fn mark_in_sync(&mut self, peer: &str, digest: &Digest, synced: &[String]) -> Result<()> {
        let shared = self.shared_with(peer)?;
        let stale: Vec<(&String, Vec<u8>)> = digest
            .iter()
            .filter(|(key, _)| !synced.contains(key))
            .map(|(key, heads)| (key, sorted_heads(heads)))
            .filter(|(key, heads)| shared.get(*key) != Some(heads))
            .collect();
        if stale.is_empty() {
            return Ok(());
        }
        self.store.write(|b| {
            for (key, heads) in &stale {
                let mut state = State::new();
                state.shared_heads = heads
                    .chunks_exact(32)
                    .filter_map(|c| <[u8; 32]>::try_from(c).ok())
                    .map(automerge::ChangeHash)
                    .collect();
                b.put_sync_state(peer, key, &state.encode())?;
            }
            Ok(())
        })
    }

    /// Whether a document (by key) exists here, in the cache or stored.
    pub fn has_document(&self, key: &str) -> Result<bool> {
        Ok(self.docs.contains_key(key) || self.store.contains(key)?)
    }
}

/// A stored sync state primed with what the peer had when the last session agreed, so
/// the first message carries the changes made since instead of first asking what the
/// peer has (a round each way). Were the record wrong — a peer restored from a backup —
/// the peer's answer carries its real heads and automerge sends what it lacks.
fn primed(mut state: State) -> State {
    if !state.shared_heads.is_empty() {
        state.their_heads = Some(state.shared_heads.clone());
        state.their_need = Some(Vec::new());
        state.their_have = Some(vec![automerge::sync::Have {
            last_sync: state.shared_heads.clone(),
            bloom: automerge::sync::BloomFilter::default(),
        }]);
    }
    state
}

/// Heads as stored (32-byte hashes, concatenated), in sorted order.
fn sorted_heads(heads: &[u8]) -> Vec<u8> {
    let mut hashes: Vec<&[u8]> = heads.chunks(32).collect();
    hashes.sort_unstable();
    hashes.concat()
}

/// Automerge sends a whole compressed document instead of changes when the peer has none
/// of it (good: one compact chunk for a new member) but also whenever the changes due are
/// more than a third of the document's, which for the few-change documents of a library
/// means any edit: one edit of a two-change entry would travel as the whole entry, with
/// every change's signature. So whole documents go only to a peer that holds none of the
/// document; everyone else receives exactly the changes it lacks.
fn keep_whole_documents_for_newcomers(state: &mut automerge::sync::State) {
    let has_some = state.their_heads.as_ref().is_some_and(|h| !h.is_empty());
    if let (true, Some(caps)) = (has_some, state.their_capabilities.as_mut()) {
        caps.retain(|c| *c != automerge::sync::Capability::MessageV2);
    }
}
