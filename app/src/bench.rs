//! `lore bench`: measures against the budgets the README states and prints both.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use lore_core::exchange::{Record, read_source};
use lore_core::{Entry, Kind, Library, ListFilter, Writer};

use crate::cli::output::say;
use crate::cli::{BenchArgs, BenchSuite};

/// One measured figure and its budget.
struct Figure {
    name: &'static str,
    value: f64,
    budget: f64,
    unit: &'static str,
}

impl Figure {
    fn print(&self) {
        let verdict = if self.value <= self.budget {
            "ok"
        } else {
            "OVER BUDGET"
        };
        say!(
            "{:<38} {:>10.2} {:<3} (budget ≤ {} {})  {verdict}",
            self.name,
            self.value,
            self.unit,
            self.budget,
            self.unit
        );
    }
}

pub fn run(a: BenchArgs) -> Result<ExitCode> {
    match a.suite {
        BenchSuite::Storage => storage(a.entries.unwrap_or(10_000)),
        BenchSuite::Search => crate::bench_search::run(a.entries.unwrap_or(100_000)),
        BenchSuite::SearchQueries => match a.dir {
            Some(dir) => crate::bench_search::queries(&dir),
            None => anyhow::bail!("search-queries needs --dir"),
        },
    }
}

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn storage(n: usize) -> Result<ExitCode> {
    let scratch = Scratch(std::env::temp_dir().join(format!("lore-bench-{}", std::process::id())));
    let dir = scratch.0.join("library");
    std::fs::create_dir_all(&scratch.0)?;
    say!(
        "storage benchmark: {n} generated entries in {}",
        scratch.0.display()
    );

    let templates: Vec<Entry> = lore_core::demo::items()?
        .into_iter()
        .map(|i| i.entry)
        .collect();
    let entries = lore_core::corpus::generate(&templates, n, 42);
    let raw: usize = entries.iter().map(lore_core::corpus::raw_text_len).sum();
    let file = scratch.0.join("corpus.jsonl");
    let mut text = String::new();
    for e in &entries {
        text.push_str(&serde_json::to_string(&Record::from_entry(e))?);
        text.push('\n');
    }
    std::fs::write(&file, text)?;

    // Import: read, check and write the whole file in one transaction.
    let writer = Writer::new("bench", "bench");
    let started = Instant::now();
    let items = read_source(&file)?;
    let mut library = Library::open(&dir, writer.clone())?;
    let report = library.import(items, &mut crate::cli::progress("importing"))?;
    library.compact()?;
    let import = started.elapsed();
    if report.created != n {
        bail!("import created {} entries, expected {n}", report.created);
    }
    drop(library);
    say!(
        "data directory after import: {:.1} MB",
        dir_size(&dir)?.0 as f64 / 1e6
    );

    // Open to first list, as a user sees it: a fresh `lore list` process.
    let exe = std::env::current_exe().context("locating the lore binary")?;
    let mut opens = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let status = Command::new(&exe)
            .args(["--data-dir"])
            .arg(&dir)
            .args(["list", "--json"])
            .env_remove("LORE_DIR")
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("`lore list` failed during the benchmark");
        }
        opens.push(started.elapsed());
    }

    // Add latency, each add durable before it returns.
    let mut library = Library::open(&dir, writer)?;
    let mut adds = Vec::new();
    for i in 0..300 {
        let mut e = Entry::new(Kind::Faq, format!("基准测试条目 {i} benchmark entry"));
        e.body = "亲，您好～退款会在1-3个工作日内原路退回，请留意账户变动。".into();
        e.tags = vec!["退款".into()];
        let started = Instant::now();
        library.add(e)?;
        adds.push(started.elapsed());
    }
    let listed = library.list(&ListFilter::default()).len();
    drop(library);
    let (size, apparent) = dir_size(&dir)?;
    let writer = Writer::new("bench", "bench");
    let mut doc_bytes = 0;
    for e in &entries {
        doc_bytes += lore_core::EntryReplica::create(&writer, e)?.save().len();
    }
    say!(
        "automerge documents alone: {:.1} MB ({:.2} x raw text)",
        doc_bytes as f64 / 1e6,
        doc_bytes as f64 / raw as f64
    );

    let figures = [
        Figure {
            name: "import 10k-style JSONL (whole file)",
            value: import.as_secs_f64(),
            budget: 15.0 * n as f64 / 10_000.0,
            unit: "s",
        },
        Figure {
            name: "open to first list, p50 (new process)",
            value: percentile(&mut opens, 50).as_secs_f64(),
            budget: 1.0,
            unit: "s",
        },
        Figure {
            name: "open to first list, max of 7",
            value: opens
                .iter()
                .max()
                .copied()
                .unwrap_or_default()
                .as_secs_f64(),
            budget: 1.0,
            unit: "s",
        },
        Figure {
            name: "add, p50 (durable)",
            value: ms(percentile(&mut adds, 50)),
            budget: 20.0,
            unit: "ms",
        },
        Figure {
            name: "add, p99 (durable)",
            value: ms(percentile(&mut adds, 99)),
            budget: 20.0,
            unit: "ms",
        },
        Figure {
            name: "data directory / raw text",
            value: size as f64 / raw as f64,
            budget: 3.0,
            unit: "x",
        },
    ];
    say!(
        "entries listed: {listed}; raw text {:.1} MB; data directory {:.1} MB on disk \
         ({:.1} MB apparent: redb preallocates file space it has not written yet)",
        raw as f64 / 1e6,
        size as f64 / 1e6,
        apparent as f64 / 1e6
    );
    for f in &figures {
        f.print();
    }
    Ok(if figures.iter().all(|f| f.value <= f.budget) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let rank = (samples.len() * p).div_ceil(100).clamp(1, samples.len());
    samples[rank - 1]
}

/// Bytes allocated on disk (what `du` reports) and apparent file lengths, recursively.
fn dir_size(dir: &Path) -> Result<(u64, u64)> {
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
