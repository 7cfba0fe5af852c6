//! Links: one connection per peer pair. Either side may dial; the first connection to a
//! peer becomes the link both sides use for every later session, each session on a stream
//! of its own, so a live push costs no handshake.
//!
//! The crossing rule: if both dial at the same moment, both keep the connection the smaller
//! device id dialled and close the other; a connection dialled long after an existing one
//! means the peer lost the old one (it restarted, say), so the new one replaces it.
//!
//! This module keeps the table of links; it opens nothing and runs no session.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use iroh::endpoint::{Connection, ConnectionError};
use lore_core::model::{Millis, now_millis};

use crate::addr::{member_of, remote_addr};
use crate::frame::CLOSE_DUPLICATE;

/// Two connections opened within this of each other crossed: both sides dialled at once.
const CROSSING: Duration = Duration::from_secs(2);

/// A peer this node is connected to now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Connected {
    /// The peer's member id.
    pub member: String,
    /// The address the connection runs over (a socket address or a relay URL).
    pub addr: Option<String>,
    /// Since when (ms since the epoch).
    pub since: Millis,
    /// Whether this node dialled the connection (else the peer did).
    pub dialled: bool,
    /// Whether a sync session with it is running.
    pub syncing: bool,
}

/// The link with each peer.
#[derive(Default)]
pub(crate) struct Links {
    links: HashMap<String, Link>,
}

struct Link {
    conn: Connection,
    dialled: bool,
    opened: Instant,
    since: Millis,
}

impl Link {
    fn is_live(&self) -> bool {
        self.conn.close_reason().is_none()
    }
}

/// The crossing rule: whether a new connection replaces the live link with its peer.
/// `young`: the link was opened within `CROSSING`; `me_smaller`: this node's id is the
/// smaller of the two.
fn new_one_wins(link_dialled: bool, young: bool, new_dialled: bool, me_smaller: bool) -> bool {
    if young && link_dialled != new_dialled {
        // Both dialled at once: both sides keep the one the smaller id dialled.
        new_dialled == me_smaller
    } else {
        // The peer dialled again long after: it lost the old one.
        !new_dialled && !young
    }
}

impl Links {
    /// Makes `conn` the link with its peer unless the live link already there should stay
    /// (the crossing rule); the connection that loses is closed. `me`: this node's member
    /// id. Returns whether `conn` won.
    pub(crate) fn adopt(&mut self, me: &str, conn: &Connection, dialled: bool) -> bool {
        let peer = member_of(&conn.remote_id());
        if let Some(old) = self.links.get(&peer)
            && old.is_live()
        {
            let young = old.opened.elapsed() <= CROSSING;
            if !new_one_wins(old.dialled, young, dialled, me < peer.as_str()) {
                conn.close(CLOSE_DUPLICATE.into(), b"duplicate connection");
                return false;
            }
            old.conn
                .close(CLOSE_DUPLICATE.into(), b"replaced by a newer connection");
        }
        self.links.insert(
            peer,
            Link {
                conn: conn.clone(),
                dialled,
                opened: Instant::now(),
                since: now_millis(),
            },
        );
        true
    }

    /// The live connection with `peer`, if there is one.
    pub(crate) fn live(&self, peer: &str) -> Option<Connection> {
        self.links
            .get(peer)
            .filter(|l| l.is_live())
            .map(|l| l.conn.clone())
    }

    /// `conn` closed: it is no longer the link with `peer` (a newer one may be).
    pub(crate) fn closed(&mut self, peer: &str, conn: &Connection) {
        if self
            .links
            .get(peer)
            .is_some_and(|l| l.conn.stable_id() == conn.stable_id())
        {
            self.links.remove(peer);
        }
    }

    /// The peers with a live link, by member id; `syncing` says whether a session runs
    /// with one.
    pub(crate) fn connected(&self, syncing: impl Fn(&str) -> bool) -> Vec<Connected> {
        let mut connected: Vec<Connected> = self
            .links
            .iter()
            .filter(|(_, l)| l.is_live())
            .map(|(member, l)| Connected {
                member: member.clone(),
                addr: remote_addr(&l.conn),
                since: l.since,
                dialled: l.dialled,
                syncing: syncing(member),
            })
            .collect();
        connected.sort_by(|a, b| a.member.cmp(&b.member));
        connected
    }

    /// Closes every link with `code` and `reason`.
    pub(crate) fn close_all(&self, code: u32, reason: &[u8]) {
        for link in self.links.values() {
            link.conn.close(code.into(), reason);
        }
    }
}

/// Whether `conn` was closed because another connection with the peer replaced it.
pub(crate) fn replaced(conn: &Connection) -> bool {
    match conn.close_reason() {
        Some(ConnectionError::LocallyClosed) => true,
        Some(ConnectionError::ApplicationClosed(close)) => {
            close.error_code == CLOSE_DUPLICATE.into()
        }
        _ => false,
    }
}
