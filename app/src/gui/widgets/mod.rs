//! Small pieces the panels draw with. They know egui and nothing of the panels.

pub mod authors;
pub mod badge;
pub mod charts;
pub mod field;
pub mod highlight;
pub mod markdown;
pub mod qr;

/// Times as the command line prints them (local time, to the minute). The UI's one tie
/// to the command line's modules.
pub use crate::cli::output::local_time;
