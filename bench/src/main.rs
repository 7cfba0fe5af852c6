//! `lore-bench`: Lore's benchmarks, one command each, printing every figure beside its
//! budget. A binary of its own so that what users install (`lore`) carries none of it.

mod app;
mod automerge_repo;
mod corpus;
mod credit;
mod credit_team;
mod gossip;
mod http;
mod measure;
mod search;
mod storage;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Lore's benchmarks: each prints its figures beside their budgets.
#[derive(Debug, Parser)]
#[command(name = "lore-bench", version)]
struct Cli {
    #[command(subcommand)]
    suite: Suite,
}

#[derive(Debug, Subcommand)]
enum Suite {
    /// Open-to-list, add latency, import throughput, size on disk
    Storage(Size),
    /// Search quality, query latency by class, change-to-searchable, rebuild, index size, memory
    Search(Size),
    /// Team sync on loopback: a new member, reconnecting, one edit's bytes, 10- and 50-peer meshes
    Sync(Size),
    /// The desktop app's frame time while typing, on a generated library
    App(Size),
    /// The credit board (cold, after one new use) and blame, on a generated team
    Credit(CreditSize),
    /// The HTTP API on loopback: a real node answering many concurrent bot and search
    /// requests (p50, p99, errors)
    Http {
        /// Requests in all, each phase
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Requests in flight at once
        #[arg(long, default_value_t = 200)]
        concurrency: usize,
    },
    /// The cold board of the credit benchmark, in its own process (internal)
    #[command(hide = true)]
    CreditCold {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        since: String,
    },
    /// The query phase of the search benchmark, in its own process (internal)
    #[command(hide = true)]
    SearchQueries {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Runs a `lore` command in this process (internal: phases measured as a fresh
    /// process, like opening a library to its first list)
    #[command(hide = true)]
    Lore {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
struct Size {
    /// Entries in the generated library [default: 10000; 100000 for search]
    #[arg(long)]
    entries: Option<usize>,
}

#[derive(Debug, clap::Args)]
struct CreditSize {
    /// Entries in the generated library
    #[arg(long, default_value_t = 10_000)]
    entries: usize,
    /// Members on the roster, each with a ledger
    #[arg(long, default_value_t = 50)]
    members: usize,
    /// Copies over all ledgers (spread over a year)
    #[arg(long, default_value_t = 1_000_000)]
    copies: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome: Result<ExitCode> = match cli.suite {
        Suite::Storage(s) => storage::run(s.entries.unwrap_or(10_000)),
        Suite::Search(s) => search::run(s.entries.unwrap_or(100_000)),
        Suite::Sync(s) => sync::run(s.entries.unwrap_or(10_000)),
        Suite::App(s) => app::run(s.entries.unwrap_or(10_000)),
        Suite::Credit(s) => credit::run(credit_team::Sizes {
            entries: s.entries,
            members: s.members,
            copies: s.copies,
        }),
        Suite::Http {
            requests,
            concurrency,
        } => http::run(requests, concurrency),
        Suite::CreditCold { dir, since } => credit::cold(&dir, &since),
        Suite::SearchQueries { dir } => search::queries(&dir),
        Suite::Lore { args } => {
            let argv = std::iter::once("lore".to_string()).chain(args);
            return lore_app::cli::main_from(argv);
        }
    };
    outcome.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
