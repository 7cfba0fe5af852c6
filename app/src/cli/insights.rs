//! Insights on the command line: `lore insights` (the report on standard output, or
//! written to a Markdown/HTML file), candidate phrasings accepted or turned down, and the
//! team's query log setting.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use lore_core::insights::{ReportFormat, render};

use super::Context;
use super::output::{json_line, note, say};

/// `lore insights`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InsightsArgs {
    /// The period: 7d, 30d, 4w or all
    #[arg(long, default_value = "7d")]
    pub since: String,
    /// Write the report to FILE (.html for a web page, anything else Markdown)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<InsightsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum InsightsCommand {
    /// Add a candidate phrasing to an entry's customer questions (leads)
    Accept {
        /// The entry (id or shortcode)
        id: String,
        /// The phrasing, as `lore insights` lists it
        text: String,
    },
    /// Turn a candidate phrasing down, so it is offered no more (leads)
    Dismiss { id: String, text: String },
    /// Show or change whether the team logs what members search for (admins change it)
    Log {
        /// Log searches and pasted messages
        #[arg(long, conflicts_with = "off")]
        on: bool,
        /// Log nothing, and delete each member's log as they next write their ledger
        #[arg(long)]
        off: bool,
        /// Keep records this many days
        #[arg(long, value_name = "DAYS")]
        keep: Option<u32>,
    },
}

/// Days in a period such as `7d`, `4w` or `all` (0).
pub(crate) fn period_days(text: &str) -> Result<u32> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("all") {
        return Ok(0);
    }
    let (n, unit) = t.split_at(t.len().saturating_sub(1));
    let n: u32 = n.parse().ok().filter(|n| *n > 0).with_context(|| {
        format!(
            "`{text}` is not a period: use a number of days or weeks such as 7d, 30d, 4w, or all"
        )
    })?;
    match unit {
        "d" | "D" => Ok(n),
        "w" | "W" => Ok(n * 7),
        _ => bail!(
            "`{text}` is not a period: use a number of days or weeks such as 7d, 30d, 4w, or all"
        ),
    }
}

pub fn insights(ctx: &Context, a: InsightsArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    match a.command {
        Some(InsightsCommand::Accept { id, text }) => {
            let entry = library.accept_phrasing(&id, &text)?;
            say!("{}: customers' question added: {text}", entry.id);
        }
        Some(InsightsCommand::Dismiss { id, text }) => {
            library.dismiss_phrasing(&id, &text)?;
            say!("turned down: {text}");
        }
        Some(InsightsCommand::Log { on, off, keep }) => {
            let setting = if on || off || keep.is_some() {
                library.set_query_log((on || off).then_some(on), keep)?
            } else {
                library.query_log_setting()?
            };
            if ctx.json {
                json_line(&setting)?;
            } else {
                let state = if setting.on { "on" } else { "off" };
                say!(
                    "query log {state}; records kept {} days",
                    setting.retention_days
                );
            }
        }
        None => {
            let days = period_days(&a.since)?;
            let insights = library.insights(days)?;
            if let Some(path) = a.report {
                let text = render(&insights, ReportFormat::of_path(&path));
                write_report(&path, &text)?;
                note!("report written to {}", path.display());
            } else if ctx.json {
                json_line(&insights)?;
            } else {
                say!("{}", render(&insights, ReportFormat::Markdown).trim_end());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the report beside its destination and renames it there, so a reader never sees
/// half a report.
fn write_report(path: &std::path::Path, text: &str) -> Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)
        .with_context(|| format!("writing the report to {}", partial.display()))?;
    std::fs::rename(&partial, path)
        .with_context(|| format!("moving the report to {}", path.display()))
}
