//! The command line: argument definitions, the shared context, and error reporting.

pub(crate) mod args;
pub use args::Cli;
pub(crate) mod config;
pub use exchange::progress;
pub use net::init_logging;
mod credit;
mod entries;
pub(crate) mod exchange;
pub(crate) mod fresh;
mod insights;
pub(crate) mod lexicon_args;
pub(crate) mod local;
pub(crate) mod net;
pub(crate) mod output;
mod reply;
mod search;
pub(crate) mod site;
mod team;
pub(crate) mod token;
mod training;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, MutexGuard};

use anyhow::{Context as _, Result};
use clap::Parser as _;
use lore_core::Library;
use lore_sync::Identity;

use args::Command;

/// Parses `args` (the program name first) and runs the command, as [`run_parsed`] does.
pub fn main_from(args: impl IntoIterator<Item = String>) -> ExitCode {
    run_parsed(Cli::parse_from(args))
}

/// Runs the command, and turns errors into a message and exit code 1. While a node
/// (`lore serve`, the app) owns the data directory, the command is run by that node and
/// only its output is printed here.
pub fn run_parsed(cli: Cli) -> ExitCode {
    let outcome = match local::forward(&cli) {
        Some(forwarded) => forwarded,
        None => run(cli, None),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What every command needs: where the library is, how to print, who writes, and the
/// node that owns the library when the command runs inside one.
pub(crate) struct Context {
    pub data_dir: PathBuf,
    pub json: bool,
    pub name: Option<String>,
    pub served: Option<Arc<local::Served>>,
}

/// The library a command works on: opened for it, or the running node's.
pub(crate) enum Lib<'a> {
    Own(Box<Library>),
    Node(MutexGuard<'a, Library>),
}

impl std::ops::Deref for Lib<'_> {
    type Target = Library;
    fn deref(&self) -> &Library {
        match self {
            Lib::Own(l) => l,
            Lib::Node(l) => l,
        }
    }
}

impl std::ops::DerefMut for Lib<'_> {
    fn deref_mut(&mut self) -> &mut Library {
        match self {
            Lib::Own(l) => l,
            Lib::Node(l) => l,
        }
    }
}

impl Context {
    /// Opens the library of the data directory (creating it on first use), or takes the
    /// running node's.
    pub fn open(&self) -> Result<Lib<'_>> {
        if let Some(served) = &self.served {
            return Ok(Lib::Node(served.library.lock().map_err(|_| {
                anyhow::anyhow!("the library lock was poisoned; restart `lore serve`")
            })?));
        }
        let identity = self.identity()?;
        let library = Library::open(&self.data_dir, identity.writer())?;
        if let Some(report) = library.repaired() {
            entries::tell_repaired(report);
        }
        Ok(Lib::Own(Box::new(library)))
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

/// The data directory the arguments name.
pub fn data_dir(cli: &Cli) -> Result<PathBuf> {
    match &cli.data_dir {
        Some(dir) => Ok(dir.clone()),
        None => dirs::data_dir().map(|d| d.join("lore")).context(
            "no default data directory on this system; pass --data-dir DIR or set LORE_DIR",
        ),
    }
}

/// Runs a parsed command, in this process or (`served`) inside the node owning the library.
fn run(cli: Cli, served: Option<Arc<local::Served>>) -> Result<ExitCode> {
    let ctx = Context {
        data_dir: match &served {
            Some(s) => s.data_dir.clone(),
            None => data_dir(&cli)?,
        },
        json: cli.json,
        // In `token create`, `--name` names the token (clap fills the global `--name`
        // with it too), never the person running it.
        name: match &cli.command {
            Some(Command::Token(token::TokenCommand::Create(_))) => None,
            _ => cli.name,
        },
        served,
    };
    match cli.command {
        // The desktop app is the crate root's to open; here no command is a mistake.
        None => anyhow::bail!("no command given; `lore --help` lists them"),
        Some(Command::Add(a)) => entries::add(&ctx, a),
        Some(Command::Insights(a)) => insights::insights(&ctx, a),
        Some(Command::Edit(a)) => entries::edit(&ctx, a),
        Some(Command::Show(a)) => entries::show(&ctx, a),
        Some(Command::List(a)) => entries::list(&ctx, a),
        Some(Command::History(a)) => entries::history(&ctx, a),
        Some(Command::Blame(a)) => credit::blame(&ctx, a),
        Some(Command::Credits(a)) => credit::credits(&ctx, a),
        Some(Command::Review(a)) => credit::review(&ctx, a),
        Some(Command::Solved(a)) => credit::solved(&ctx, a),
        Some(Command::Practice(a)) => training::practice(&ctx, a),
        Some(Command::Training(c)) => training::training(&ctx, c),
        Some(Command::Verify(a)) => fresh::verify(&ctx, a),
        Some(Command::Delete(a)) => entries::delete(&ctx, a),
        Some(Command::Check(a)) => entries::check(&ctx, a),
        Some(Command::Import(a)) => exchange::import(&ctx, a),
        Some(Command::Export(a)) => exchange::export(&ctx, a),
        Some(Command::Template(a)) => exchange::template(a),
        Some(Command::Demo) => exchange::demo(&ctx),
        Some(Command::Search(a)) => search::search(&ctx, a),
        Some(Command::Suggest(a)) => search::suggest(&ctx, a),
        Some(Command::Copy(a)) => reply::copy(&ctx, a),
        Some(Command::Pin { id, off }) => reply::pin(&ctx, id.as_deref(), off),
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
        Some(Command::Token(c)) => token::token(&ctx, c),
    }
}
