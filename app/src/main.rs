//! `lore`: the desktop app (no arguments) and the command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    lore_app::main()
}
