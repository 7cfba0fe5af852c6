//! One session per peer at a time. A node starts a session with a peer only if none is
//! running with it. When both start one at once, the smaller device id's session goes on
//! and the other is answered `Busy`; it runs again once the session under way ends, so a
//! change made meanwhile is not left behind.
//!
//! This module keeps the table of running sessions; it runs none itself.

use std::collections::HashMap;

use iroh::EndpointAddr;

/// The sessions running with each peer.
#[derive(Default)]
pub(crate) struct Busy {
    peers: HashMap<String, Running>,
}

/// Sessions running with one peer.
#[derive(Default)]
struct Running {
    /// One this node opened.
    dialled: bool,
    /// One the peer opened.
    accepted: bool,
    /// A session was wanted while this one ran: run one with this address when it ends.
    again: Option<EndpointAddr>,
}

impl Busy {
    /// Takes the session slot for `peer`; `me`: this node's member id. A session we start
    /// (`dialled`) waits for any running one; one the peer starts while ours runs goes on
    /// only if the peer's id is the smaller (then ours is answered `Busy`). Returns whether
    /// the slot was free.
    pub(crate) fn claim(&mut self, me: &str, peer: &str, dialled: bool) -> bool {
        let running = self.peers.entry(peer.to_string()).or_default();
        let free = if dialled {
            !running.dialled && !running.accepted
        } else {
            // Ours wins a tie if our id is the smaller.
            let ours_wins = running.dialled && me < peer;
            !running.accepted && !ours_wins
        };
        if free {
            if dialled {
                running.dialled = true;
            } else {
                running.accepted = true;
            }
        }
        free
    }

    /// Gives the slot back. Returns the address of a session wanted meanwhile, once no
    /// session runs with `peer` any more.
    pub(crate) fn release(&mut self, peer: &str, dialled: bool) -> Option<EndpointAddr> {
        let running = self.peers.get_mut(peer)?;
        if dialled {
            running.dialled = false;
        } else {
            running.accepted = false;
        }
        if running.dialled || running.accepted {
            return None;
        }
        self.peers.remove(peer).and_then(|r| r.again)
    }

    /// A session with the peer at `addr` could not run now: it runs when the one under way
    /// ends. Hands `addr` back if no session runs here (the peer's is still on its way).
    pub(crate) fn later(&mut self, peer: &str, addr: EndpointAddr) -> Option<EndpointAddr> {
        match self.peers.get_mut(peer) {
            Some(running) => {
                running.again = Some(addr);
                None
            }
            None => Some(addr),
        }
    }

    /// Whether a session with `peer` is running.
    pub(crate) fn syncing(&self, peer: &str) -> bool {
        self.peers
            .get(peer)
            .is_some_and(|r| r.dialled || r.accepted)
    }
}
