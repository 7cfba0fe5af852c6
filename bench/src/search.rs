//! `lore-bench search`: quality on the demo evaluation set, and speed on a generated
//! library: query latency by class, change-to-searchable, full rebuild, index size,
//! search-side memory; with `--features fts5`, SQLite FTS5 (trigram) side by side.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use lore_core::search::eval::{self, Report};
use lore_core::{Entry, Library, SearchRequest, Writer};

use crate::measure::{Scratch, dir_size, figure, latency, ms, percentile};

/// The evaluation set, built in so the benchmark runs from anywhere.
const EVAL: &str = include_str!("../../fixtures/search/eval.jsonl");
/// The harder set, for six businesses unlike the demo's: entries, team, queries.
const HARD_ENTRIES: &str = include_str!("../../fixtures/search/hard/entries.jsonl");
const HARD_TEAM: &str = include_str!("../../fixtures/search/hard/team.json");
const HARD_EVAL: &str = include_str!("../../fixtures/search/hard/eval.jsonl");

/// Query classes of the latency budget, each a few queries cycled.
pub const CLASSES: [(&str, &[&str]); 6] = [
    (
        "single term",
        &["退款", "发票", "refund", "保温杯", "子账号", "shipping"],
    ),
    (
        "multi-term",
        &[
            "退款 多久 到账",
            "发票 抬头 修改",
            "cancel subscription refund",
            "快递 没有 更新",
        ],
    ),
    (
        "CJK phrase",
        &[
            "退货运费谁承担",
            "杯子收到就碎了",
            "验证码收不到",
            "打印面单打不出来",
        ],
    ),
    ("prefix", &["退款到", "发票抬", "subscr", "保温杯能放"]),
    (
        "fuzzy English",
        &["refnd", "subscripton", "shiping", "invocie"],
    ),
    (
        "suggest (60 chars)",
        &[
            "你好，我前天在你们店买的保温杯收到就发现杯盖坏了还漏水，能不能给我换一个新的或者直接退款呀？谢谢",
        ],
    ),
];

pub fn run(n: usize) -> Result<ExitCode> {
    let scratch = Scratch::new("search")?;
    let mut ok = true;

    // Quality on the demo library.
    let mut demo = Library::open(&scratch.0.join("demo"), Writer::generate("bench"))?;
    lore_core::demo::load(&mut demo, &mut |_, _| {})?;
    let cases = eval::parse(EVAL)?;
    let lore_quality = demo
        .evaluate(&cases)
        .context("running the evaluation set")?;
    println!(
        "Search quality on the demo evaluation set ({} queries):\n{lore_quality}",
        cases.len()
    );
    if std::env::var_os("LORE_EVAL_MISSES").is_some() {
        for (case, got) in &lore_quality.misses {
            println!(
                "MISS [{}] {} → want {:?} got {:?}",
                case.class, case.query, case.expect, got
            );
        }
    }
    let demo_entries: Vec<Entry> = demo
        .ids()
        .iter()
        .filter_map(|id| demo.get(id).ok())
        .collect();
    drop(demo);

    // Quality on the harder set.
    let mut hard = Library::open(&scratch.0.join("hard"), Writer::generate("bench"))?;
    lore_core::evalset::load(&mut hard, "search/hard", HARD_ENTRIES, HARD_TEAM)?;
    let hard_cases = eval::parse(HARD_EVAL)?;
    let hard_quality = hard
        .evaluate(&hard_cases)
        .context("running the harder evaluation set")?;
    println!(
        "Search quality on the harder evaluation set ({} queries):\n{hard_quality}",
        hard_cases.len()
    );
    if std::env::var_os("LORE_EVAL_MISSES").is_some() {
        for (case, got) in &hard_quality.misses {
            println!(
                "MISS [{}] {} → want {:?} got {:?}",
                case.class, case.query, case.expect, got
            );
        }
    }
    let hard_entries: Vec<Entry> = hard
        .ids()
        .iter()
        .filter_map(|id| hard.get(id).ok())
        .collect();
    drop(hard);

    // Speed on a generated library.
    println!("\nGenerating a {n}-entry bilingual library…");
    let entries = crate::corpus::generate(&demo_entries, n, 7);
    let raw: usize = entries.iter().map(Entry::text_len).sum();
    let dir = scratch.0.join("large");
    {
        let mut library = Library::open(&dir, Writer::generate("bench"))?;
        let items = entries
            .iter()
            .enumerate()
            .map(|(i, e)| lore_core::ImportItem {
                location: format!("generated:{i}"),
                entry: e.clone(),
            })
            .collect();
        library.import(items, &mut lore_app::cli::progress("importing"))?;
        let started = Instant::now();
        let indexed = library.reindex()?;
        let rebuild = started.elapsed();
        println!("full rebuild indexed {indexed} entries");
        ok &= figure("full rebuild", rebuild.as_secs_f64(), 60.0, "s");
        let (index_size, _) = dir_size(&dir.join(lore_core::INDEX_DIR))?;
        ok &= figure(
            "index size / raw text",
            index_size as f64 / raw as f64,
            3.0,
            "x",
        );

        // Change to searchable: edit, then poll until the search sees it.
        let ids = library.ids();
        let mut delays = Vec::new();
        for i in 0..40 {
            let id = &ids[(i * 997) % ids.len()];
            let token = format!("qz{i}marker");
            library.edit(id, |e| {
                e.title = format!("{} {token}", e.title);
                Ok(())
            })?;
            let changed = Instant::now();
            loop {
                let hits = library.search(&request(&token))?;
                if hits.first().is_some_and(|h| &h.id == id) {
                    break;
                }
                if changed.elapsed() > Duration::from_secs(10) {
                    bail!("an edit was not searchable after 10 s");
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            delays.push(changed.elapsed());
        }
        ok &= latency("change to searchable", &mut delays, 300.0, 300.0);
    }

    // Query latency and memory in a fresh process that only searches.
    let exe = std::env::current_exe().context("locating the lore-bench binary")?;
    let out = Command::new(exe)
        .args(["search-queries", "--dir"])
        .arg(&dir)
        .output()?;
    if !out.status.success() {
        bail!(
            "the query process failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{}", report.trim_end());
    ok &= !report.contains("OVER BUDGET");

    fts5::compare(
        &scratch.0,
        &entries,
        &[
            ("demo", &demo_entries, &cases, &lore_quality),
            ("harder", &hard_entries, &hard_cases, &hard_quality),
        ],
        &report,
    )?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An evaluation set for the FTS5 comparison: name, entries, queries, Lore's scores.
type Set<'a> = (&'a str, &'a [Entry], &'a [eval::Case], &'a Report);

fn request(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.to_string(),
        limit: 10,
        ..SearchRequest::default()
    }
}

/// How many times the query phase measures every class.
const PASSES: usize = 3;

/// The query phase, run in its own process: latency by class and memory.
pub fn queries(dir: &Path) -> Result<ExitCode> {
    let mut library = Library::open(dir, Writer::generate("bench"))?;
    let before = crate::measure::rss_anon_mb();
    library.search_index()?;
    // Three passes over every class; each class's figures are its median pass. A burst of
    // the machine's other work (tens of milliseconds, seen on shared 2-core machines) lands
    // in one pass and would otherwise decide a p99 of 240 samples; the worst pass is
    // printed beside it, so nothing is hidden.
    let mut passes: Vec<Vec<(f64, f64)>> = vec![Vec::new(); CLASSES.len()];
    for pass in 0..PASSES {
        for (figures, (class, queries)) in passes.iter_mut().zip(CLASSES) {
            let mut samples = Vec::new();
            for round in 0..60 {
                for q in queries {
                    let started = Instant::now();
                    let hits = if class.starts_with("suggest") {
                        library.suggest(q, 10)?
                    } else {
                        library.search(&request(q))?
                    };
                    samples.push(started.elapsed());
                    if pass == 0 && round == 0 && hits.is_empty() {
                        bail!("`{q}` found nothing in the generated library");
                    }
                }
            }
            figures.push((
                ms(percentile(&mut samples, 50)),
                ms(percentile(&mut samples, 99)),
            ));
        }
    }
    for (mut figures, (class, _)) in passes.into_iter().zip(CLASSES) {
        let worst = figures.iter().map(|f| f.1).fold(0.0, f64::max);
        figures.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (p50, p99) = figures[figures.len() / 2];
        figure(&format!("query p50, {class}"), p50, 1.0, "ms");
        figure(&format!("query p99, {class}"), p99, 10.0, "ms");
        println!(
            "latency {class}: p50 {p50:.3} ms p99 {p99:.3} ms (median of {PASSES} passes; worst pass p99 {worst:.3} ms)"
        );
    }
    if std::env::var_os("LORE_BENCH_EACH").is_some() {
        for (_, queries) in CLASSES {
            for q in queries {
                let mut samples = Vec::new();
                for _ in 0..30 {
                    let started = Instant::now();
                    library.search(&request(q))?;
                    samples.push(started.elapsed());
                }
                println!("{q}: p50 {:.3} ms", ms(percentile(&mut samples, 50)));
            }
        }
    }
    let after = crate::measure::rss_anon_mb();
    figure(
        "search-side memory (anonymous RSS added)",
        after - before,
        150.0,
        "MB",
    );
    println!(
        "process memory: {after:.0} MB anonymous RSS in all (catalog of every entry included)"
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "fts5"))]
mod fts5 {
    use super::*;

    pub fn compare(_: &Path, _: &[Entry], _: &[Set<'_>], _: &str) -> Result<()> {
        println!(
            "\nSQLite FTS5 comparison: run `cargo run --release -p lore-bench --features fts5 -- search`"
        );
        Ok(())
    }
}

#[cfg(feature = "fts5")]
mod fts5 {
    use super::*;
    use rusqlite::Connection;

    /// Lore's p50 for each class, read back from the query process's report.
    fn lore_latencies(report: &str) -> Vec<(String, f64)> {
        report
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix("latency ")?;
                let (class, figures) = rest.split_once(": p50 ")?;
                let p50 = figures.split_whitespace().next()?.parse().ok()?;
                Some((class.to_string(), p50))
            })
            .collect()
    }

    /// An FTS5 table with the trigram tokenizer over title, questions and body.
    fn build(path: &Path, entries: &[Entry]) -> Result<Connection> {
        let mut db = Connection::open(path)?;
        db.execute_batch(
            "CREATE VIRTUAL TABLE entries USING fts5(id UNINDEXED, title, questions, body, tokenize='trigram');",
        )?;
        let tx = db.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO entries VALUES (?1, ?2, ?3, ?4)")?;
            for e in entries
                .iter()
                .filter(|e| e.status != lore_core::Status::Archived)
            {
                insert.execute((&e.id, &e.title, e.questions.join("\n"), &e.body))?;
            }
        }
        tx.commit()?;
        Ok(db)
    }

    /// The input as an FTS5 query: every word of three or more characters, OR-ed, ranked
    /// by bm25 with title and questions above body (what a team would write by hand).
    fn search(db: &Connection, text: &str, limit: usize) -> Result<Vec<String>> {
        let words: Vec<String> = text
            .split(|c: char| {
                c.is_whitespace() || c.is_ascii_punctuation() || "，。？！、：；（）".contains(c)
            })
            .filter(|w| w.chars().count() >= 3)
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect();
        if words.is_empty() {
            let mut stmt =
                db.prepare("SELECT id FROM entries WHERE title LIKE ?1 OR body LIKE ?1 LIMIT ?2")?;
            let rows =
                stmt.query_map((format!("%{}%", text.trim()), limit as i64), |r| r.get(0))?;
            return Ok(rows.collect::<std::result::Result<_, _>>()?);
        }
        let mut stmt = db.prepare(
            "SELECT id FROM entries WHERE entries MATCH ?1 ORDER BY bm25(entries, 0, 4.0, 3.0, 1.0) LIMIT ?2",
        )?;
        let rows = stmt.query_map((words.join(" OR "), limit as i64), |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn compare(
        scratch: &Path,
        entries: &[Entry],
        sets: &[Set<'_>],
        lore_report: &str,
    ) -> Result<()> {
        let mut qualities = Vec::new();
        for (name, set_entries, cases, lore) in sets {
            let small = build(&scratch.join(format!("{name}-fts5.db")), set_entries)?;
            let quality = eval::evaluate(cases, |case| {
                search(&small, &case.query, 10).map_err(|e| lore_core::Error::Search(e.to_string()))
            })?;
            println!("\nSQLite FTS5 (trigram) on the {name} evaluation set:\n{quality}");
            println!(
                "{name} set, per class, Lore beside FTS5:\n{}",
                side_by_side(lore, &quality)
            );
            qualities.push((*name, *lore, quality));
        }
        let large = build(&scratch.join("large-fts5.db"), entries)?;
        let lore_p50 = lore_latencies(lore_report);
        println!(
            "{:<20} {:>12} {:>12} {:>10}",
            "class", "Lore p50", "FTS5 p50", "FTS5/Lore"
        );
        for (class, queries) in CLASSES {
            let mut samples = Vec::new();
            for _ in 0..20 {
                for q in queries {
                    let started = Instant::now();
                    search(&large, q, 10)?;
                    samples.push(started.elapsed());
                }
            }
            let fts = ms(percentile(&mut samples, 50));
            let ours = lore_p50
                .iter()
                .find(|(c, _)| c == class)
                .map(|(_, v)| *v)
                .unwrap_or(f64::NAN);
            println!(
                "{class:<20} {ours:>9.3} ms {fts:>9.3} ms {:>9.1}x",
                fts / ours
            );
        }
        for (name, lore, quality) in &qualities {
            println!(
                "{name} set recall@3: Lore {:.3}, FTS5 {:.3} (ratio {:.2}x); MRR: Lore {:.3}, FTS5 {:.3}",
                lore.overall.recall_at_3,
                quality.overall.recall_at_3,
                lore.overall.recall_at_3 / quality.overall.recall_at_3.max(1e-9),
                lore.overall.mrr,
                quality.overall.mrr
            );
        }
        Ok(())
    }

    /// A Markdown table: per class, Lore's recall@1 / recall@3 / MRR beside FTS5's.
    fn side_by_side(lore: &Report, fts: &Report) -> String {
        let mut out = String::from(
            "| class | queries | Lore r@1 / r@3 / MRR | FTS5 r@1 / r@3 / MRR |\n|---|---|---|---|\n",
        );
        let row = |name: &str, l: &eval::Scores, f: Option<&eval::Scores>| {
            let f = f.copied().unwrap_or_default();
            format!(
                "| {name} | {} | {:.3} / {:.3} / {:.3} | {:.3} / {:.3} / {:.3} |\n",
                l.queries, l.recall_at_1, l.recall_at_3, l.mrr, f.recall_at_1, f.recall_at_3, f.mrr
            )
        };
        for (class, l) in &lore.by_class {
            out.push_str(&row(class, l, fts.by_class.get(class)));
        }
        out.push_str(&row("**overall**", &lore.overall, Some(&fts.overall)));
        out
    }
}
