//! A library in bulk, for a member who holds next to nothing yet: documents travel whole
//! as they are stored (compacted automerge chunks with the signatures of every change),
//! many to a frame, instead of one sync conversation each. Each is checked on arrival
//! exactly as a sync message's changes are (`intake`): a forged one refuses its bundle.

use automerge::AutoCommit;

use super::Library;
use super::intake::{Durable, Found, Received, check, refusal};
use super::sync::kind_of;
use crate::doc::{self, DocKey, Proofs, proof};
use crate::{Error, Result};

impl Library {
    /// The keys of every document a new member receives whole: all but the team
    /// document (which travels first, by sync, so the roster is there to check the rest).
    pub fn whole_keys(&self) -> Result<Vec<String>> {
        let mut keys = self.store.doc_keys()?;
        keys.retain(|k| k != DocKey::TEAM);
        Ok(keys)
    }

    /// Documents `keys` as stored: each its automerge chunks, concatenated, sealed with
    /// the signatures of all its changes. A key with no document is left out.
    pub fn whole_documents(&self, keys: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
        let mut whole = Vec::with_capacity(keys.len());
        for key in keys {
            let (chunks, proofs) = self.store.chunks(key)?;
            if chunks.is_empty() {
                continue;
            }
            let seals: Vec<_> = proofs.into_iter().collect();
            whole.push((key.clone(), proof::seal_message(&seals, &chunks.concat())));
        }
        Ok(whole)
    }

    /// Takes in whole documents from `peer`: each is loaded, merged with this library's
    /// copy if there is one, and every change new here checked (its author's signature,
    /// then the roster) and the document against its key. If any is refused, nothing of
    /// the bundle is stored; otherwise all of it is, in one durable transaction.
    pub fn receive_whole(&mut self, peer: &str, items: &[(String, Vec<u8>)]) -> Result<Received> {
        let team = self.team()?;
        let mut held = Vec::with_capacity(items.len());
        for (key, _) in items {
            held.push(self.has_document(key)?);
        }
        // Documents new here (all of them, for a new member) are loaded and checked on
        // several threads; those held here are merged with their copy one by one.
        let new: Vec<&(String, Vec<u8>)> = items
            .iter()
            .zip(&held)
            .filter(|(_, held)| !**held)
            .map(|(item, _)| item)
            .collect();
        let mut checked_new = on_threads(&new, |(key, bytes)| -> Result<_> {
            let (kind, seals, theirs, sent) = opened(peer, key, bytes)?;
            let found = Found {
                key,
                kind,
                before: Vec::new(),
                after: theirs,
                saved: Vec::new(),
                known: Proofs::new(),
            };
            Ok((check(peer, found, &seals, &team)?, sent))
        })
        .into_iter();
        let mut prepared = Vec::with_capacity(items.len());
        for ((key, bytes), held) in items.iter().zip(held) {
            let checked = if held {
                let (kind, seals, mut theirs, _) = opened(peer, key, bytes)?;
                let found = self.found(peer, key, kind, |after| {
                    after
                        .merge(&mut theirs)
                        .map(drop)
                        .map_err(|e| e.to_string())
                })?;
                self.prepared(key.clone(), check(peer, found, &seals, &team)?, None)?
            } else {
                let (checked, sent) = checked_new
                    .next()
                    .ok_or_else(|| Error::Document("a checked document went missing".into()))??;
                self.prepared(key.clone(), checked, None)?.sent_as(sent)
            };
            prepared.push(checked);
        }
        self.store_prepared(peer, prepared, None, Durable::Now)
    }
}

/// A whole document from `peer` opened: its kind, the signatures sent with it, the
/// document loaded (which computes every change's hash from its content) and the bytes it
/// was loaded from.
fn opened(peer: &str, key: &str, bytes: &[u8]) -> Result<(DocKey, Proofs, AutoCommit, Vec<u8>)> {
    let refuse = |reason: String| refusal(peer, key, reason);
    let kind = match kind_of(key) {
        Some(DocKey::Team) => return Err(refuse("the team document never comes whole".into())),
        Some(kind) => kind,
        None => return Err(refuse("not a document of a library".into())),
    };
    let (seals, automerge) =
        proof::open_message(bytes).map_err(|e| refuse(format!("malformed document: {e}")))?;
    let chunks = [automerge.to_vec()];
    let doc = doc::load(&chunks, key).map_err(|e| refuse(format!("malformed document: {e}")))?;
    let [bytes] = chunks;
    Ok((kind, seals.into_iter().collect(), doc, bytes))
}

/// `f` of each of `items`, in order, spread over the machine's cores (up to four).
fn on_threads<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    if threads == 1 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
