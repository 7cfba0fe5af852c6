//! Search quality: recall@1, recall@3 and MRR over an evaluation set of queries written
//! the way customers and agents type, each with the entries that should come back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// One evaluation query.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub query: String,
    /// Ids that answer it, best first.
    pub expect: Vec<String>,
    /// colloquial, message, partial, typo, traditional, english, shortcode, pinyin, synonym.
    pub class: String,
}

impl Case {
    /// Whether the query is a whole customer message (answered by suggest).
    pub fn is_message(&self) -> bool {
        self.class == "message"
    }
}

/// Parses an evaluation file (JSON Lines).
pub fn parse(text: &str) -> Result<Vec<Case>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .map_err(|e| Error::import(format!("eval:{}", n + 1), e.to_string()))
        })
        .collect()
}

/// Recall and MRR over a set of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    pub queries: usize,
    pub recall_at_1: f64,
    pub recall_at_3: f64,
    pub mrr: f64,
}

/// Scores for every class and overall, plus the queries missed at 3.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub overall: Scores,
    pub by_class: BTreeMap<String, Scores>,
    pub misses: Vec<(Case, Vec<String>)>,
}

#[derive(Default)]
struct Sums {
    n: usize,
    at1: usize,
    at3: usize,
    rr: f64,
}

impl Sums {
    fn add(&mut self, rank: Option<usize>) {
        self.n += 1;
        if let Some(r) = rank {
            self.at1 += usize::from(r == 0);
            self.at3 += usize::from(r < 3);
            self.rr += 1.0 / (r as f64 + 1.0);
        }
    }
    fn scores(&self) -> Scores {
        let n = self.n.max(1) as f64;
        Scores {
            queries: self.n,
            recall_at_1: self.at1 as f64 / n,
            recall_at_3: self.at3 as f64 / n,
            mrr: self.rr / n,
        }
    }
}

/// Runs every case through `search` (which returns ranked ids) and scores the results.
/// A query counts as found at rank r when any expected id is at position r.
pub fn evaluate(
    cases: &[Case],
    mut search: impl FnMut(&Case) -> Result<Vec<String>>,
) -> Result<Report> {
    let mut overall = Sums::default();
    let mut classes: BTreeMap<String, Sums> = BTreeMap::new();
    let mut misses = Vec::new();
    for case in cases {
        let ids = search(case)?;
        let rank = ids.iter().position(|id| case.expect.contains(id));
        overall.add(rank);
        classes.entry(case.class.clone()).or_default().add(rank);
        if rank.is_none_or(|r| r >= 3) {
            misses.push((case.clone(), ids.into_iter().take(3).collect()));
        }
    }
    Ok(Report {
        overall: overall.scores(),
        by_class: classes.into_iter().map(|(k, v)| (k, v.scores())).collect(),
        misses,
    })
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = |f: &mut std::fmt::Formatter<'_>, name: &str, s: &Scores| {
            writeln!(
                f,
                "{name:<12} {:>4} queries  recall@1 {:.3}  recall@3 {:.3}  MRR {:.3}",
                s.queries, s.recall_at_1, s.recall_at_3, s.mrr
            )
        };
        line(f, "overall", &self.overall)?;
        for (class, s) in &self.by_class {
            line(f, class, s)?;
        }
        Ok(())
    }
}
