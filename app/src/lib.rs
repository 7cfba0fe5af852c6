//! The code of the `lore` binary: the command line (`cli`), the desktop app (`gui`) and
//! the benchmarks. A library so that the one test binary can drive the app's state.

mod bench;
pub mod cli;
pub mod gui;
