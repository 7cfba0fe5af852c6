//! The code of the `lore` binary: the command line (`cli`) and the desktop app (`gui`). A
//! library so that the one test binary can drive the app's state.
//!
//! `cli` never imports `gui`: the app is one front end over the same library, and it is
//! this root that chooses between them. What both need and neither owns — how a stop
//! signal is taken (`signals`) — lives beside them.

pub mod cli;
pub mod gui;
pub mod http;
pub mod signals;

use std::process::ExitCode;

use clap::Parser as _;

/// `lore`: the desktop app when no command is given, else the command line.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if cli.command.is_some() {
        return cli::run_parsed(cli);
    }
    match cli::data_dir(&cli).and_then(gui::run) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
