//! Who may take part in the team's news (gossip, see `news`): the endpoint's hooks let a
//! news connection through only to and from the active members of the roster as this node
//! last read it, dialled or dialling. A stranger who knows the topic, and a member since
//! removed, are turned away before a byte of news reaches them, whoever told the gossip
//! layer about them; a member's news connections close when the roster read next no longer
//! has them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use iroh::endpoint::{
    AfterHandshakeOutcome, BeforeConnectOutcome, Connection, EndpointHooks, WeakConnectionHandle,
};
use iroh::{EndpointAddr, EndpointId};
use lore_core::Team;

use crate::addr::endpoint_addr;
use crate::frame::{CLOSE_REFUSED, NEWS_ALPN};

/// The members a news connection may join, shared by the endpoint's hooks and the node.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gate {
    members: Arc<RwLock<HashSet<EndpointId>>>,
    /// The news connections let through, by peer: closed if the peer leaves the roster.
    open: Arc<Mutex<Vec<(EndpointId, WeakConnectionHandle)>>>,
}

impl Gate {
    /// Admits the active members of `team` (and only them) from now on.
    pub(crate) fn admit(&self, team: &Team) {
        let members: HashSet<EndpointId> = team
            .members
            .iter()
            .filter(|(_, m)| !m.removed)
            .filter_map(|(id, _)| endpoint_addr(id, &[]).ok().map(|a| a.id))
            .collect();
        // The new roster first, so no connection is let through on the old one while
        // those of members no longer on it close.
        let mut admitted = self.members.write().unwrap_or_else(PoisonError::into_inner);
        *admitted = members;
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|(id, conn)| {
            let Some(conn) = conn.upgrade() else {
                return false;
            };
            let member = admitted.contains(id);
            if !member {
                conn.close(CLOSE_REFUSED.into(), b"no longer a member of this team");
            }
            member
        });
    }

    /// Whether `id` is an active member.
    pub(crate) fn admits(&self, id: &EndpointId) -> bool {
        self.members
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(id)
    }
}

impl EndpointHooks for Gate {
    async fn before_connect<'a>(
        &'a self,
        remote: &'a EndpointAddr,
        alpn: &'a [u8],
    ) -> BeforeConnectOutcome {
        if alpn == NEWS_ALPN && !self.admits(&remote.id) {
            BeforeConnectOutcome::Reject
        } else {
            BeforeConnectOutcome::Accept
        }
    }

    async fn after_handshake<'a>(&'a self, conn: &'a Connection) -> AfterHandshakeOutcome {
        if conn.alpn() != NEWS_ALPN {
            return AfterHandshakeOutcome::accept();
        }
        let peer = conn.remote_id();
        if !self.admits(&peer) {
            return AfterHandshakeOutcome::Reject {
                error_code: CLOSE_REFUSED.into(),
                reason: b"not a member of this team".to_vec(),
            };
        }
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|(_, c)| c.upgrade().is_some());
        open.push((peer, conn.weak_handle()));
        AfterHandshakeOutcome::accept()
    }
}
