//! The command line: argument definitions, the shared context, and error reporting.

mod args;
pub(crate) use args::{BenchArgs, BenchSuite};
pub(crate) use exchange::progress;
mod entries;
pub(crate) mod exchange;
mod net;
pub(crate) mod output;
mod search;
mod team;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Parser;
use lore_core::Library;
use lore_sync::Identity;

use args::{Cli, Command};

/// Parses the arguments, runs the command, and turns errors into a message and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What every command needs: where the library is, how to print, who writes.
pub(crate) struct Context {
    pub data_dir: PathBuf,
    pub json: bool,
    pub name: Option<String>,
}

impl Context {
    /// Opens the library of the data directory (creating it on first use).
    pub fn open(&self) -> Result<Library> {
        let identity = self.identity()?;
        Ok(Library::open(&self.data_dir, identity.writer())?)
    }

    /// This device's identity (the data directory is created on first use).
    pub fn identity(&self) -> Result<Identity> {
        lore_core::create_data_dir(&self.data_dir)?;
        Ok(Identity::load_or_create(
            &self.data_dir,
            self.name.as_deref(),
        )?)
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => dirs::data_dir().map(|d| d.join("lore")).context(
            "no default data directory on this system; pass --data-dir DIR or set LORE_DIR",
        )?,
    };
    let ctx = Context {
        data_dir,
        json: cli.json,
        name: cli.name,
    };
    match cli.command {
        None => {
            use clap::CommandFactory;
            output::say!("{}", Cli::command().render_help());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Add(a)) => entries::add(&ctx, a),
        Some(Command::Edit(a)) => entries::edit(&ctx, a),
        Some(Command::Show(a)) => entries::show(&ctx, a),
        Some(Command::List(a)) => entries::list(&ctx, a),
        Some(Command::History(a)) => entries::history(&ctx, a),
        Some(Command::Delete(a)) => entries::delete(&ctx, a),
        Some(Command::Check) => entries::check(&ctx),
        Some(Command::Import(a)) => exchange::import(&ctx, a),
        Some(Command::Export(a)) => exchange::export(&ctx, a),
        Some(Command::Demo) => exchange::demo(&ctx),
        Some(Command::Search(a)) => search::search(&ctx, a),
        Some(Command::Suggest(a)) => search::suggest(&ctx, a),
        Some(Command::Synonyms(c)) => search::synonyms(&ctx, c),
        Some(Command::Reindex) => search::reindex(&ctx),
        Some(Command::Invite(a)) => net::invite(&ctx, a),
        Some(Command::Join(a)) => net::join(&ctx, a),
        Some(Command::Serve(a)) => net::serve(&ctx, a),
        Some(Command::Status) => net::status(&ctx),
        Some(Command::Team(c)) => team::team(&ctx, c),
        Some(Command::Members) => team::members(&ctx),
        Some(Command::Role { member, role }) => team::role(&ctx, &member, role.into()),
        Some(Command::Remove { member }) => team::remove(&ctx, &member),
        Some(Command::Bench(a)) => crate::bench::run(a),
    }
}
