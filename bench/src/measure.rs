//! What every benchmark shares: scratch directories, generated libraries, and figures
//! printed beside their budgets.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

/// A scratch directory under the system's temporary folder, removed when dropped
/// (kept with LORE_BENCH_KEEP=1, for profiling).
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new scratch directory named after the benchmark.
    pub fn new(name: &str) -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("lore-bench-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("LORE_BENCH_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// `n` generated entries (the demo's as templates), ready to import.
pub fn generated_items(n: usize, seed: u64) -> Result<Vec<lore_core::ImportItem>> {
    let templates: Vec<lore_core::Entry> = lore_core::demo::items()?
        .into_iter()
        .map(|i| i.entry)
        .collect();
    Ok(crate::corpus::generate(&templates, n, seed)
        .into_iter()
        .enumerate()
        .map(|(i, entry)| lore_core::ImportItem {
            location: format!("generated:{i}"),
            entry,
        })
        .collect())
}

/// Prints a figure beside its budget; returns whether it is within.
pub fn figure(name: &str, value: f64, budget: f64, unit: &str) -> bool {
    let ok = value <= budget;
    // A budget worked out from another figure (3× a p50) shows to the hundredth, as the
    // figures do; a set one (0.3, 1000) as it was set.
    let shown = (budget * 100.0).round() / 100.0;
    println!(
        "{name:<44} {value:>9.2} {unit:<3} (budget ≤ {shown} {unit})  {}",
        if ok { "ok" } else { "OVER BUDGET" }
    );
    ok
}

/// Prints the p50 and p99 of `samples` in milliseconds beside their budgets; returns
/// whether both hold.
pub fn latency(name: &str, samples: &mut [Duration], p50_budget: f64, p99_budget: f64) -> bool {
    let p50 = figure(
        &format!("{name}, p50"),
        ms(percentile(samples, 50)),
        p50_budget,
        "ms",
    );
    let p99 = figure(
        &format!("{name}, p99"),
        ms(percentile(samples, 99)),
        p99_budget,
        "ms",
    );
    p50 && p99
}

/// The `p`th percentile (nearest rank) of `samples`.
pub fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let rank = (samples.len() * p).div_ceil(100).clamp(1, samples.len());
    samples[rank - 1]
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Bytes allocated on disk (what `du` reports) and apparent file lengths, recursively.
pub fn dir_size(dir: &Path) -> Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let (mut allocated, mut apparent) = (0, 0);
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let (a, b) = dir_size(&entry.path())?;
            allocated += a;
            apparent += b;
        } else {
            allocated += meta.blocks() * 512;
            apparent += meta.len();
        }
    }
    Ok((allocated, apparent))
}

/// Anonymous resident memory of this process (heap; excludes mapped index files, i.e.
/// page cache).
pub fn rss_anon_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// Looks whether `done` holds every 0.1 ms, from a blocking section so that looking takes
/// next to nothing from the runtime's threads: the time since `started` when it does, or
/// `None` once `within` has passed.
pub fn watch(
    started: Instant,
    within: Duration,
    mut done: impl FnMut() -> bool,
) -> Option<Duration> {
    tokio::task::block_in_place(|| {
        loop {
            if done() {
                return Some(started.elapsed());
            }
            if started.elapsed() > within {
                return None;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
    })
}

/// Waits until every count `counts` gives (peers' neighbours on a gossip topic) is at
/// least `least` and none changed for a second, as a team's overlay has long before anyone
/// edits; `what` did not connect and settle within 60 s is an error.
pub async fn settled(counts: impl Fn() -> Vec<usize>, least: usize, what: &str) -> Result<()> {
    let started = Instant::now();
    let (mut last, mut since) = (counts(), Instant::now());
    loop {
        let now = counts();
        if now != last {
            (last, since) = (now, Instant::now());
        } else if last.iter().all(|n| *n >= least) && since.elapsed() >= Duration::from_secs(1) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("{what} did not connect and settle within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
