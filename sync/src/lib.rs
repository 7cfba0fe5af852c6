//! lore-sync: who this device is (identity), and — as sync lands — the team roster's
//! enforcement, the iroh endpoint, the sync protocol and discovery. Knows nothing of pixels.

pub mod identity;

pub use identity::{Identity, IdentityError};
