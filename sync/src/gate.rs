//! Who may take part in the team's news (gossip, see `news`): the endpoint's hooks let a
//! news connection through only to and from the active members of the roster as this node
//! last read it, dialled or dialling. A stranger who knows the topic, and a member since
//! removed, are turned away before a byte of news reaches them, whoever told the gossip
//! layer about them.

use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

use iroh::endpoint::{AfterHandshakeOutcome, BeforeConnectOutcome, Connection, EndpointHooks};
use iroh::{EndpointAddr, EndpointId};
use lore_core::Team;

use crate::addr::endpoint_addr;
use crate::frame::{CLOSE_REFUSED, NEWS_ALPN};

/// The members a news connection may join, shared by the endpoint's hooks and the node.
#[derive(Debug, Clone, Default)]
pub(crate) struct Gate {
    members: Arc<RwLock<HashSet<EndpointId>>>,
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
        *self.members.write().unwrap_or_else(PoisonError::into_inner) = members;
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
        if conn.alpn() == NEWS_ALPN && !self.admits(&conn.remote_id()) {
            AfterHandshakeOutcome::Reject {
                error_code: CLOSE_REFUSED.into(),
                reason: b"not a member of this team".to_vec(),
            }
        } else {
            AfterHandshakeOutcome::accept()
        }
    }
}
