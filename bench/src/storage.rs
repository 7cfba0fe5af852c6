//! `lore-bench storage`: import throughput, open to first list, add latency, size on disk.

use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use lore_core::exchange::{Record, read_source};
use lore_core::{Entry, Kind, Library, ListFilter, Writer};

use crate::measure::{Scratch, dir_size, figure, latency, percentile};

pub fn run(n: usize) -> Result<ExitCode> {
    let scratch = Scratch::new("storage")?;
    let dir = scratch.0.join("library");
    println!(
        "storage benchmark: {n} generated entries in {}",
        scratch.0.display()
    );

    let templates: Vec<Entry> = lore_core::demo::items()?
        .into_iter()
        .map(|i| i.entry)
        .collect();
    let entries = crate::corpus::generate(&templates, n, 42);
    let raw: usize = entries.iter().map(Entry::text_len).sum();
    let file = scratch.0.join("corpus.jsonl");
    let mut text = String::new();
    for e in &entries {
        text.push_str(&serde_json::to_string(&Record::from_entry(e))?);
        text.push('\n');
    }
    std::fs::write(&file, text)?;

    // Import: read, check and write the whole file in one transaction.
    let writer = Writer::generate("bench");
    let started = Instant::now();
    let items = read_source(&file)?;
    let mut library = Library::open(&dir, writer.clone())?;
    let report = library.import(items, &mut lore_app::cli::progress("importing"))?;
    library.compact()?;
    let import = started.elapsed();
    if report.created != n {
        bail!("import created {} entries, expected {n}", report.created);
    }
    drop(library);

    // Open to first list, as a user sees it: a fresh process running `lore list` (this
    // binary runs the lore command line itself, so no second binary has to be built).
    let exe = std::env::current_exe().context("locating the lore-bench binary")?;
    let mut opens = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let status = Command::new(&exe)
            .arg("lore")
            .arg("--data-dir")
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
    println!(
        "entries listed: {listed}; raw text {:.1} MB; data directory {:.1} MB on disk \
         ({:.1} MB apparent: redb preallocates file space it has not written yet)",
        raw as f64 / 1e6,
        size as f64 / 1e6,
        apparent as f64 / 1e6
    );
    let slowest_open = opens.iter().max().copied().unwrap_or_default();
    let results = [
        figure(
            "import of the whole JSONL file",
            import.as_secs_f64(),
            15.0 * n as f64 / 10_000.0,
            "s",
        ),
        figure(
            "open to first list, p50 (new process)",
            percentile(&mut opens, 50).as_secs_f64(),
            1.0,
            "s",
        ),
        figure(
            "open to first list, slowest of 7",
            slowest_open.as_secs_f64(),
            1.0,
            "s",
        ),
        latency("add (durable)", &mut adds, 20.0, 20.0),
        figure(
            "data directory on disk / raw text",
            size as f64 / raw as f64,
            3.0,
            "x",
        ),
    ];
    Ok(if results.iter().all(|ok| *ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
