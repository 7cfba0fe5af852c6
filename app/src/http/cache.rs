//! Answers kept for questions asked again. A bot or a widget sees the same top questions
//! all day; searching each again costs the node a few milliseconds of CPU, which is what
//! limits it under load. An answer is kept under the search index's generation, which
//! changes with every entry written, every commit made visible and every change of the
//! team's synonyms or lexicon switches, so a kept answer is exactly what a search would
//! give now. Only the search is saved: every question is still logged, and every reply
//! filled and recorded, by its handler.

use std::collections::HashMap;
use std::sync::Mutex;

use lore_core::reply::Reply;
use lore_core::search::Mode;
use lore_core::{Hit, Scope, SearchRequest, Status};

/// A reply ready to fill, with whether its entry is internal and the entry's status.
pub type Sendable = (Reply, bool, Status);

/// At most this many answers are kept; when full, all are let go (a busy bot's questions
/// are back within seconds).
const CAPACITY: usize = 4096;

/// What an answer depends on besides the index: the question and everything that shapes
/// or filters its hits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    mode: Mode,
    scope: Scope,
    text: String,
    limit: usize,
    filters: [Option<String>; 4],
}

impl Key {
    pub fn new(request: &SearchRequest, mode: Mode, scope: Scope) -> Key {
        Key {
            mode,
            scope,
            text: request.text.clone(),
            limit: request.limit,
            filters: [
                request.kind.map(|k| k.to_string()),
                request.tag.clone(),
                request.category.clone(),
                request.status.map(|s| s.to_string()),
            ],
        }
    }
}

/// The kept answers of one generation of the index.
#[derive(Default)]
pub struct Answers {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    hits: HashMap<Key, Vec<Hit>>,
    /// The bot's replies by entry id, with whether the entry is internal and its status.
    replies: HashMap<String, Sendable>,
}

impl Kept {
    /// The answers kept at `generation`: let go when a later generation asks (the index
    /// moved on); none for a request admitted before the last change, which is answered
    /// without the kept answers.
    fn at(&mut self, generation: u64) -> Option<&mut Kept> {
        if generation > self.generation {
            self.generation = generation;
            self.hits.clear();
            self.replies.clear();
        }
        (generation == self.generation).then_some(self)
    }
}

impl Answers {
    /// The answer kept for `key` at `generation`.
    pub fn get(&self, key: &Key, generation: u64) -> Option<Vec<Hit>> {
        let mut kept = self.kept.lock().ok()?;
        kept.at(generation)?.hits.get(key).cloned()
    }

    /// Keeps the answer a search gave for a request admitted at `generation` (the search
    /// ran after, so it is at least as new).
    pub fn put(&self, key: Key, generation: u64, hits: &[Hit]) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if let Some(kept) = kept.at(generation) {
            keep(&mut kept.hits, key, hits.to_vec());
        }
    }

    /// Entry `id`'s reply as kept at `generation`, or as `read` gives it (then kept).
    pub fn reply(
        &self,
        id: &str,
        generation: u64,
        read: impl FnOnce() -> lore_core::Result<Sendable>,
    ) -> lore_core::Result<Sendable> {
        if let Some(reply) = self
            .kept
            .lock()
            .ok()
            .and_then(|mut k| k.at(generation)?.replies.get(id).cloned())
        {
            return Ok(reply);
        }
        let reply = read()?;
        if let Ok(mut kept) = self.kept.lock()
            && let Some(kept) = kept.at(generation)
        {
            keep(&mut kept.replies, id.to_string(), reply.clone());
        }
        Ok(reply)
    }
}

/// Keeps `value` under `key`, letting all go first when [`CAPACITY`] is reached.
fn keep<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, value);
}

/// The search index's generation when a request was admitted (read with its token):
/// the request is answered as of then or later.
#[derive(Clone, Copy)]
pub struct Admitted(pub u64);
