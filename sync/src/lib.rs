//! lore-sync: who this device is (identity), and team sync over iroh: a node that
//! authenticates peers by their device keys, admits only members of the team's roster,
//! and runs the library's sync engine over one connection per peer pair.
//! Knows nothing of pixels.

mod frame;
pub mod identity;
mod node;
mod ticket;

pub use frame::{Frame, MAX_FRAME};
pub use identity::{Identity, IdentityError};
pub use node::{ALPN, JOIN_ALPN, Node, SyncReport, endpoint_addr, join, member_of};
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
