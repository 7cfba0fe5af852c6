//! The app's panels. Each keeps its own state, draws itself (`ui`), returns the jobs it
//! wants done, and takes in the worker's answers (`absorb`). The search and message
//! panels show the entry pane beside their lists.

pub mod api;
pub mod assign;
pub mod copy;
pub mod credits;
pub mod entry;
pub mod exchange;
pub mod insights;
pub mod message;
pub mod picker;
pub mod practice;
pub mod quiz;
pub mod search;
pub mod status;
pub mod team;
pub mod welcome;
