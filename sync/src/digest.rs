//! The digest tree: how two peers find the documents whose heads differ without sending
//! every document's heads. Both sides lay their (document id → heads) out in the same tree
//! and walk it down together, level by level, comparing hashes: the bytes grow with how
//! much differs, not with the library.
//!
//! Pure functions: this module knows nothing of streams, frames or the library. The session
//! carries what they compute to the peer and back.

use lore_core::Digest;

use crate::error::SyncError;

/// Children per node of the digest tree (4 bits of a key's hash per level).
pub const FANOUT: u64 = 16;
/// The most levels of the digest tree (16^4 = 65,536 leaves: a handful of documents each
/// in a library of 100,000).
pub const MAX_LEVELS: u32 = 4;

/// Levels enough for about four documents per leaf in the larger of the two libraries.
/// Both sides compute the same from the counts in their Hellos, so their trees match.
pub fn levels_for(documents: u64) -> u32 {
    (1..MAX_LEVELS)
        .find(|&l| FANOUT.pow(l) * 4 >= documents)
        .unwrap_or(MAX_LEVELS)
}

/// FNV-1a: stable across machines and versions, unlike std's hasher, which both sides of
/// a walk must agree on.
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv64(bytes: impl IntoIterator<Item = u8>, mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// One hash of a whole digest (every document's id and heads, in id order): equal on
/// both sides when they hold the same documents at the same heads.
pub fn total(digest: &Digest) -> u64 {
    digest.iter().fold(FNV_START, |hash, (key, heads)| {
        let hash = fnv64(key.bytes(), hash);
        let hash = fnv64([0xff], hash);
        fnv64(heads.iter().copied(), hash)
    })
}

/// The leaf of a digest tree of `levels` a document falls in (leaves are numbered
/// 0..FANOUT^levels).
pub fn leaf(key: &str, levels: u32) -> u64 {
    fnv64(key.bytes(), FNV_START) % FANOUT.pow(levels)
}

/// One level's nodes still being compared, and this side's hash of each: the hashes are
/// what is sent to the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    nodes: Vec<u64>,
    /// One hash per node, in the order both sides agree on.
    pub hashes: Vec<u64>,
}

/// One side's walk down the digest tree, in step with the peer's: at each level both send
/// the hashes of the children of the nodes that still differ; when the leaves are reached,
/// the heads of the documents in the leaves that differ.
#[derive(Debug)]
pub struct Walk<'a> {
    levels: u32,
    /// Every document's leaf, id and heads, in id order.
    leaves: Vec<(u64, &'a String, &'a Vec<u8>)>,
    /// The level whose hashes are compared next (the root is level 0).
    level: u32,
    /// Nodes of the level above that still differ: the root, to begin with.
    differing: Vec<u64>,
}

impl<'a> Walk<'a> {
    /// A walk over `digest`, in a tree sized for `documents` (the larger library's count).
    pub fn new(digest: &'a Digest, documents: u64) -> Walk<'a> {
        let levels = levels_for(documents);
        Walk {
            levels,
            leaves: digest
                .iter()
                .map(|(k, v)| (leaf(k, levels), k, v))
                .collect(),
            level: 1,
            differing: vec![0],
        }
    }

    /// How many levels the tree has.
    pub fn levels(&self) -> u32 {
        self.levels
    }

    /// The next level to compare, or `None` when the walk is over: nothing differs any
    /// more, or the leaves are reached.
    pub fn next_level(&self) -> Option<Level> {
        if self.differing.is_empty() || self.level > self.levels {
            return None;
        }
        let nodes: Vec<u64> = self
            .differing
            .iter()
            .flat_map(|&parent| (0..FANOUT).map(move |c| parent * FANOUT + c))
            .collect();
        let mut hashes = vec![FNV_START; nodes.len()];
        let below = FANOUT.pow(self.levels - self.level);
        for (l, k, v) in &self.leaves {
            if let Ok(i) = nodes.binary_search(&(l / below)) {
                hashes[i] = fnv64(k.bytes().chain([0]).chain(v.iter().copied()), hashes[i]);
            }
        }
        Some(Level { nodes, hashes })
    }

    /// Keeps the nodes of `level` whose hash differs from the peer's, `theirs`, and moves
    /// one level down. A peer that sent another number of hashes broke the protocol.
    pub fn compare(&mut self, level: Level, theirs: &[u64]) -> Result<(), SyncError> {
        if theirs.len() != level.hashes.len() {
            return Err(SyncError::Malformed(format!(
                "expected {} digest hashes, got {}",
                level.hashes.len(),
                theirs.len()
            )));
        }
        self.differing = level
            .nodes
            .iter()
            .zip(level.hashes.iter().zip(theirs))
            .filter(|(_, (a, b))| a != b)
            .map(|(node, _)| *node)
            .collect();
        self.level += 1;
        Ok(())
    }

    /// Whether the walk found the two libraries equal.
    pub fn is_equal(&self) -> bool {
        self.differing.is_empty()
    }

    /// This side's documents in the leaves that differ, with their heads: sent to the peer
    /// once the leaves are reached.
    pub fn leaf_digest(&self) -> Digest {
        self.leaves
            .iter()
            .filter(|(l, _, _)| self.differing.binary_search(l).is_ok())
            .map(|(_, k, v)| ((*k).clone(), (*v).clone()))
            .collect()
    }

    /// The documents whose heads differ, sorted: in `ours` (our `leaf_digest`) or in
    /// `theirs` (the peer's) with other heads or none on the other side. A peer's entry
    /// outside the leaves that differ broke the protocol.
    pub fn differing_documents(
        &self,
        ours: &Digest,
        theirs: &Digest,
    ) -> Result<Vec<String>, SyncError> {
        if theirs
            .keys()
            .any(|k| self.differing.binary_search(&leaf(k, self.levels)).is_err())
        {
            return Err(SyncError::Malformed(
                "a digest entry outside the leaves asked for".into(),
            ));
        }
        let mut keys: Vec<String> = ours
            .iter()
            .filter(|(k, h)| theirs.get(*k) != Some(*h))
            .map(|(k, _)| k.clone())
            .chain(theirs.keys().filter(|k| !ours.contains_key(*k)).cloned())
            .collect();
        keys.sort();
        keys.dedup();
        Ok(keys)
    }
}
