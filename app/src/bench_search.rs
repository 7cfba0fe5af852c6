//! `lore bench search`: quality on the demo evaluation set, and speed on a generated library.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use lore_core::search::eval;
use lore_core::{Library, SearchRequest, Writer};

use crate::cli::output::say;

/// The evaluation set, built in so the benchmark runs from anywhere.
const EVAL: &str = include_str!("../../fixtures/search/eval.jsonl");

pub fn run(n: usize) -> Result<ExitCode> {
    let scratch = std::env::temp_dir().join(format!("lore-bench-search-{}", std::process::id()));
    let result = quality(&scratch.join("demo"));
    let _ = std::fs::remove_dir_all(&scratch);
    let _ = n;
    result
}

fn quality(dir: &std::path::Path) -> Result<ExitCode> {
    let mut library = Library::open(dir, Writer::new("bench", "bench"))?;
    lore_core::demo::load(&mut library, &mut |_, _| {})?;
    let cases = eval::parse(EVAL)?;
    let report = eval::evaluate(&cases, |case| {
        let hits = if case.is_message() {
            library.suggest(&case.query, 10)?
        } else {
            library.search(&SearchRequest {
                text: case.query.clone(),
                limit: 10,
                ..SearchRequest::default()
            })?
        };
        Ok(hits.into_iter().map(|h| h.id).collect())
    })
    .context("running the evaluation set")?;
    say!("Lore search on the demo evaluation set:\n{report}");
    if std::env::var_os("LORE_EVAL_MISSES").is_some() {
        for (case, got) in &report.misses {
            say!(
                "MISS [{}] {} → want {:?} got {:?}",
                case.class,
                case.query,
                case.expect,
                got
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
