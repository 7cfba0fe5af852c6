//! lore-sync: who this device is (identity), and team sync over iroh: a node that
//! authenticates peers by their device keys, admits only members of the team's roster,
//! and runs the library's sync engine over one connection per peer pair.
//! Knows nothing of pixels.

pub mod discovery;
mod frame;
pub mod identity;
mod node;
mod session;
mod ticket;

pub use frame::{Frame, MAX_FRAME};
pub use identity::{Identity, IdentityError};
pub use iroh::RelayUrl;
pub use node::{
    ALPN, Connected, JOIN_ALPN, Node, Options, SyncReport, endpoint_addr, join, member_of,
    peer_addr,
};
pub use ticket::Ticket;

/// What can go wrong in a sync session.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot start the network endpoint: {0}")]
    Endpoint(String),
    #[error("connection failed: {0}")]
    Connection(String),
    #[error("malformed message from the peer: {0}; the connection was closed")]
    Malformed(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("the peer is busy with another session")]
    Busy,
    #[error("{0}")]
    Library(String),
    #[error("{0}")]
    Ticket(String),
}

impl From<lore_core::Error> for SyncError {
    fn from(e: lore_core::Error) -> Self {
        match e {
            e @ lore_core::Error::Refused { .. } => SyncError::Refused(e.to_string()),
            e => SyncError::Library(e.to_string()),
        }
    }
}
