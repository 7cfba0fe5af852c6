//! lore-sync: who this device is (identity), and team sync over iroh: a node that
//! authenticates peers by their device keys, admits only members of the team's roster,
//! and runs the library's sync engine over one connection per peer pair.
//! Knows nothing of pixels.
//!
//! Modules depend on each other one way only (see ARCHITECTURE.md); this file declares
//! them and names the public surface.

#![warn(missing_docs)]

mod addr;
mod busy;
pub mod digest;
pub mod discovery;
mod endpoint;
mod error;
mod frame;
mod gate;
pub mod identity;
mod join;
mod known_peers;
mod library;
mod link;
mod news;
mod node;
pub mod pace;
mod peers;
pub mod roll;
mod session;
mod ticket;
mod welcome;

pub use addr::{endpoint_addr, member_of, peer_addr};
pub use endpoint::{Options, certificates_of_pem};
pub use error::{BoxError, Refusal, SyncError, TicketError};
pub use frame::{ALPN, Frame, JOIN_ALPN, MAX_FRAME, NEWS_ALPN};
pub use identity::{Identity, IdentityError};
pub use iroh::RelayUrl;
pub use join::join;
pub use link::Connected;
pub use news::{NewsStats, topic_of};
pub use node::{Node, OnChange};
pub use session::SyncReport;
pub use ticket::Ticket;
