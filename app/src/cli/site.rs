//! The public help center from the command line: `export --format site OUT/ [--lang]`,
//! and `serve --site OUT/`, which rebuilds it whenever the library's entries or team
//! change (looked at every 2 seconds, so a burst of edits is one rebuild). Its own clap
//! structs, flattened into `ExportArgs` and `ServeArgs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use lore_core::Library;
use lore_core::site::{self, Lang};

use super::Context;
use super::output::{json_line, note, say};

/// How often a serving node looks for changes to publish.
const EVERY: Duration = Duration::from_secs(2);

/// The language of the help center's own words.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum SiteLang {
    /// 中文 (the default)
    #[default]
    Zh,
    /// English
    En,
}

impl From<SiteLang> for Lang {
    fn from(l: SiteLang) -> Lang {
        match l {
            SiteLang::Zh => Lang::Zh,
            SiteLang::En => Lang::En,
        }
    }
}

/// `export`'s help-center flags.
#[derive(Debug, Args)]
pub struct SiteExportArgs {
    /// Site format only: the language of the help center's own words [default: zh]
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<SiteLang>,
}

/// `serve`'s help-center flags.
#[derive(Debug, Args)]
pub struct SiteServeArgs {
    /// Keep a public help center in this folder, rebuilt whenever the library changes
    #[arg(long, value_name = "DIR")]
    pub site: Option<PathBuf>,
    /// The language of the help center's own words
    #[arg(
        long,
        value_enum,
        value_name = "LANG",
        default_value = "zh",
        requires = "site"
    )]
    pub site_lang: SiteLang,
}

/// `lore export --format site OUT`.
pub fn export(ctx: &Context, out: &Path, lang: Option<SiteLang>) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let report = site::export_site(&mut library, out, lang.unwrap_or_default().into())?;
    for damaged in &report.damaged {
        note!("skipped: {damaged}");
    }
    if ctx.json {
        json_line(&serde_json::json!({
            "written": report.entries,
            "skipped": report.damaged.len(),
            "changed": report.written,
            "out": out.display().to_string(),
        }))?;
    } else if report.written {
        say!(
            "help center with {} public entries written to {}",
            report.entries,
            out.display()
        );
    } else {
        say!(
            "the help center in {} is already current ({} public entries)",
            out.display(),
            report.entries
        );
    }
    Ok(if report.damaged.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The `--lang` of an export in another format is a mistake worth naming.
pub fn refuse_lang(lang: Option<SiteLang>) -> Result<()> {
    if lang.is_some() {
        bail!("--lang is for the help center only; add --format site");
    }
    Ok(())
}

/// Refuses `--site` pointing at a folder that is not a help center, before a node starts.
pub fn check(a: &SiteServeArgs) -> Result<()> {
    if let Some(out) = &a.site {
        site::check(out)?;
    }
    Ok(())
}

/// A running node's help center, kept current by a thread of its own until dropped.
#[derive(Debug)]
pub struct Keeper {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Keeper {
    /// Builds the site into `a.site` now (refusing a folder that is not a help center) and
    /// starts rebuilding it on changes; `None` without `--site`.
    pub fn start(library: Arc<Mutex<Library>>, a: &SiteServeArgs) -> Result<Option<Keeper>> {
        let Some(out) = a.site.clone() else {
            return Ok(None);
        };
        let out = std::path::absolute(&out)?;
        let lang: Lang = a.site_lang.into();
        let stamp = publish(&library, &out, lang)?;
        tracing::info!(out = %out.display(), "help center written");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("help-center".into())
            .spawn(move || keep(&library, &out, lang, stamp, &stopped))?;
        Ok(Some(Keeper {
            stop,
            thread: Some(thread),
        }))
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Builds and writes the site; the library is locked only while it is read.
fn publish(library: &Mutex<Library>, out: &Path, lang: Lang) -> Result<u64> {
    let (stamp, built) = {
        let mut library = library
            .lock()
            .map_err(|_| anyhow::anyhow!("the library lock was poisoned"))?;
        let stamp = site::stamp(&library)?;
        let team = site::SiteTeam::of(&library.team()?);
        let mut entries = Vec::new();
        for id in library.ids() {
            if let Ok(entry) = library.get(&id) {
                entries.push(entry);
            }
        }
        (stamp, (entries, team))
    };
    let (entries, team) = built;
    site::write(&site::build(&entries, &team, lang), out)?;
    Ok(stamp)
}

fn keep(library: &Mutex<Library>, out: &Path, lang: Lang, mut last: u64, stop: &AtomicBool) {
    let step = Duration::from_millis(100);
    loop {
        let mut waited = Duration::ZERO;
        while waited < EVERY {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(step);
            waited += step;
        }
        let now = match library.lock() {
            Ok(library) => site::stamp(&library),
            Err(_) => return,
        };
        match now {
            Ok(stamp) if stamp == last => {}
            Ok(stamp) => {
                // Tried once per change: a failure is said once, not every 2 seconds.
                last = stamp;
                match publish(library, out, lang) {
                    Ok(stamp) => {
                        last = stamp;
                        tracing::info!(out = %out.display(), "help center rebuilt");
                    }
                    Err(e) => tracing::warn!("the help center was not rebuilt: {e:#}"),
                }
            }
            Err(e) => tracing::warn!("cannot tell whether the library changed: {e}"),
        }
    }
}
