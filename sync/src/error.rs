//! What can go wrong in lore-sync. Each kind is a variant of its own, so code matches on
//! variants, never on message text; errors from iroh and lore-core are kept as they came.

use std::fmt;

/// Any error from below (iroh's endpoint, streams or mDNS), kept whole as a source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What can go wrong in a sync session, joining, or starting a node.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The iroh endpoint could not be bound.
    #[error("cannot start the network endpoint")]
    Endpoint(#[source] BoxError),
    /// mDNS could not be started on the endpoint.
    #[error("cannot start mDNS discovery")]
    Discovery(#[source] BoxError),
    /// Dialling a peer failed; `who` names it for people (a short id, "the inviter").
    #[error("cannot reach {who}")]
    Unreachable {
        /// Whom we dialled.
        who: String,
        /// Why iroh could not connect.
        #[source]
        source: iroh::endpoint::ConnectError,
    },
    /// The connection or a stream with the peer broke.
    #[error("connection failed")]
    Connection(#[source] BoxError),
    /// An explicit sync waited too long for the peer's own session with us to end.
    #[error("{peer} stayed busy with another session")]
    StayedBusy {
        /// The peer's short id.
        peer: String,
    },
    /// The peer broke the protocol: an oversized or undecodable frame, or one out of turn.
    #[error("malformed message from the peer: {0}; the connection was closed")]
    Malformed(String),
    /// This node refused the peer.
    #[error("refused: {0}")]
    Refused(Refusal),
    /// The peer refused this node, and said why.
    #[error("refused: the peer refused: {reason}")]
    RefusedByPeer {
        /// The peer's words.
        reason: String,
    },
    /// The inviter refused the ticket this node presented, and said why.
    #[error("refused: the inviter refused: {reason}")]
    RefusedByInviter {
        /// The inviter's words.
        reason: String,
    },
    /// A session with the peer is already under way; it runs again when that ends.
    #[error("the peer is busy with another session")]
    Busy,
    /// The library failed (its messages name the problem and the fix).
    #[error(transparent)]
    Library(lore_core::Error),
    /// A task panicked while holding the named lock.
    #[error("the {0} lock was poisoned")]
    Poisoned(&'static str),
    /// A member id that is not a hex device key.
    #[error("`{0}` is not a device key")]
    NotADeviceKey(String),
    /// An invite ticket that cannot be used.
    #[error(transparent)]
    Ticket(#[from] TicketError),
}

/// Why this node refused a peer; the peer is told in these words.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The peer's Hello names another team.
    #[error("the peer belongs to another team")]
    OtherTeam,
    /// The peer is not on our roster.
    #[error("{0} is not a member of the team")]
    NotAMember(String),
    /// The peer was removed from our roster.
    #[error("{0} was removed from the team")]
    Removed(String),
    /// The peer sent a change our roster does not allow (`lore_core::Error::Refused`).
    #[error(transparent)]
    Change(lore_core::Error),
    /// A presented ticket names another team.
    #[error("the ticket is for another team")]
    TicketForAnotherTeam,
    /// A presented ticket's role is not a role.
    #[error("the ticket names no valid role")]
    NoValidRole,
}

/// Why an invite ticket cannot be used (the inviter's own checks are refusals).
#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    /// The text does not start like a ticket.
    #[error("this is not a Lore invite ticket (they start with `lore1`)")]
    NotATicket,
    /// The text is a ticket whose checksum or content does not hold.
    #[error("this ticket is damaged (a character was changed or lost); copy it again")]
    Damaged,
    /// The ticket's content is not what its inviter signed.
    #[error(
        "this ticket was altered after it was made (its inviter's signature does not match); \
         ask an admin for a new one"
    )]
    Altered,
    /// The ticket's expiry has passed.
    #[error("this ticket has expired; ask an admin for a new one")]
    Expired,
    /// The data directory already holds another team's library.
    #[error(
        "this ticket is for team “{ticket_team}”, but this data directory holds the library of \
         team “{library_team}”; join with an empty data directory"
    )]
    OtherTeam {
        /// The ticket's team name.
        ticket_team: String,
        /// The name of the team whose library is in the directory.
        library_team: String,
    },
    /// The ticket's relay is not a URL.
    #[error("the ticket's relay `{0}` is not a URL")]
    BadRelay(String),
}

impl From<lore_core::Error> for SyncError {
    fn from(e: lore_core::Error) -> Self {
        match e {
            // A change the roster does not allow is the peer's fault: a refusal, which
            // closes its connection, not a failure of this library.
            e @ lore_core::Error::Refused { .. } => SyncError::Refused(Refusal::Change(e)),
            e => SyncError::Library(e),
        }
    }
}

impl SyncError {
    /// Whether either side refused the other (the connection then closes as refused).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            SyncError::Refused(_)
                | SyncError::RefusedByPeer { .. }
                | SyncError::RefusedByInviter { .. }
        )
    }

    /// The error and its sources as one line ("a: b: c"), for logs and for telling a peer
    /// why: a bare `Display` would leave out the iroh error underneath.
    pub(crate) fn chain(&self) -> Chain<'_> {
        Chain(self)
    }
}

/// An error followed by each of its sources, `: `-separated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chain<'a>(&'a SyncError);

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(e) = source {
            write!(f, ": {e}")?;
            source = e.source();
        }
        Ok(())
    }
}
