//! `lore`: the command line (and, later, the desktop app) of Lore.

mod bench;
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
