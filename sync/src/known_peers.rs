//! The address cache: where teammates were last seen, so a node finds its team again
//! without anyone typing an address. The library stores it (`Library::known_peers`); this
//! module says what goes in, and when.

use std::net::IpAddr;
use std::sync::Mutex;

use iroh::EndpointAddr;
use lore_core::Library;

use crate::addr::{addr_text, announced, peer_addr};
use crate::error::SyncError;
use crate::library::lock;

/// After a session this node dialled: the peer is where it was reached.
pub(crate) fn reached(
    library: &Mutex<Library>,
    peer: &str,
    addr: &EndpointAddr,
) -> Result<(), SyncError> {
    lock(library)?.remember_peer(peer, addr_text(addr))?;
    Ok(())
}

/// After a session the peer dialled: it is where its Hello says it listens (`addrs`), an
/// unspecified IP read as the one it was `seen` at. Nothing is recorded if none of that
/// is an address.
pub(crate) fn heard(
    library: &Mutex<Library>,
    peer: &str,
    addrs: &[String],
    seen: Option<IpAddr>,
) -> Result<(), SyncError> {
    let addrs = announced(peer, addrs, seen);
    if !addrs.is_empty() {
        lock(library)?.remember_peer(peer, addrs)?;
    }
    Ok(())
}

/// A machine of `member` found on the local network at `addrs`: recorded (without claiming
/// a sync happened) if `member` is an active member of the team. Returns whether it is.
pub(crate) fn discovered(
    library: &Mutex<Library>,
    member: &str,
    addrs: Vec<String>,
) -> Result<bool, SyncError> {
    let mut library = lock(library)?;
    let team = library.team()?;
    let active = team.members.get(member).is_some_and(|m| !m.removed);
    if active {
        library.learn_peer(member, addrs)?;
    }
    Ok(active)
}

/// A known peer and the address to reach it at, or why its cached address is unusable.
pub(crate) struct Known {
    /// The peer's member id.
    pub(crate) member: String,
    /// Where it was last seen.
    pub(crate) addr: Result<EndpointAddr, SyncError>,
}

/// Every known peer, most recently synced first.
pub(crate) fn all(library: &Mutex<Library>) -> Result<Vec<Known>, SyncError> {
    let peers = lock(library)?.known_peers()?;
    Ok(peers
        .into_iter()
        .map(|p| Known {
            addr: peer_addr(&p.member, &p.addrs),
            member: p.member,
        })
        .collect())
}
