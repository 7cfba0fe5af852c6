//! The address cache: where the peers this library has synced with were reached, so a
//! node finds its team again without anyone typing an address.

use super::Library;
use crate::model::MemberId;
use crate::{Error, Result};

/// A peer this library has synced with: where it was reached, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KnownPeer {
    pub member: MemberId,
    /// Socket addresses, as text.
    pub addrs: Vec<String>,
    /// When the last sync with it finished (ms since the epoch).
    pub last_sync: crate::model::Millis,
}

pub(super) const PEERS_KEY: &str = "peers";

/// The address cache as stored under [`PEERS_KEY`].
pub(super) fn peers_bytes(peers: &[KnownPeer]) -> Result<Vec<u8>> {
    serde_json::to_vec(peers).map_err(|e| Error::Database(e.to_string()))
}

impl Library {
    /// The peers this library has synced with, most recent first: the address cache that
    /// lets a node find its team again without typing anything.
    pub fn known_peers(&self) -> Result<Vec<KnownPeer>> {
        let mut peers = self.stored_peers()?.map_err(|e| Error::CorruptDocument {
            what: "peer address cache".into(),
            detail: format!("{e}; the next sync with a teammate rewrites it"),
        })?;
        peers.sort_by_key(|p| std::cmp::Reverse(p.last_sync));
        Ok(peers)
    }

    /// The stored address cache, or why it cannot be read.
    fn stored_peers(&self) -> Result<std::result::Result<Vec<KnownPeer>, serde_json::Error>> {
        Ok(match self.store.meta(PEERS_KEY)? {
            Some(bytes) => serde_json::from_slice(&bytes),
            None => Ok(Vec::new()),
        })
    }

    /// The cache to update: a damaged one is replaced (it only ever holds addresses that
    /// sessions and tickets give again), so reading reports the damage and writing ends it.
    fn peers_to_update(&self) -> Result<Vec<KnownPeer>> {
        Ok(self.stored_peers()?.unwrap_or_default())
    }

    /// Records where `member` can be reached (found on the local network, say) without
    /// claiming a sync happened.
    pub fn learn_peer(&mut self, member: &str, addrs: Vec<String>) -> Result<()> {
        let mut peers = self.peers_to_update()?;
        let last_sync = peers
            .iter()
            .find(|p| p.member == member)
            .map_or(0, |p| p.last_sync);
        peers.retain(|p| p.member != member);
        peers.push(KnownPeer {
            member: member.to_string(),
            addrs,
            last_sync,
        });
        self.put_peers(&peers)
    }

    fn put_peers(&mut self, peers: &[KnownPeer]) -> Result<()> {
        let bytes = peers_bytes(peers)?;
        self.store.write(|b| b.put_meta(PEERS_KEY, &bytes))
    }

    /// Records a successful sync with `member` at `addrs`.
    pub fn remember_peer(&mut self, member: &str, addrs: Vec<String>) -> Result<()> {
        let mut peers = self.peers_to_update()?;
        peers.retain(|p| p.member != member);
        peers.push(KnownPeer {
            member: member.to_string(),
            addrs,
            last_sync: crate::model::now_millis(),
        });
        self.put_peers(&peers)
    }
}
