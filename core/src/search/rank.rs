//! Re-ranking the candidates BM25 retrieved, and how well the best of them answers a
//! customer message.
//!
//! Signals: status (published above draft), the query's language, usage, an adopted
//! answer and, for a customer message, the kind of entry: FAQs and scripts answer the
//! customer; SOPs and training items are for the team, so they rank below unless the
//! message asks for a process or training (or a kind filter asks for them).
//!
//! A message's suggestions carry `weak` when the best of them covers too little of what the
//! message asks (its question words count double): the front ends then say that nothing
//! matches well instead of showing confident-looking rows.

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::analysis::{self, normalise};
use super::query::{Mode, Plan};
use super::schema::Fields;
use super::{Hit, SearchRequest, snippet};
use crate::model::{Kind, Status};
use crate::{Error, Result};

/// Score factor for entries in the language of the query.
const SAME_LANGUAGE: f32 = 1.6;
/// Below this share of the message's weight covered by the best suggestion, nothing
/// matches well.
const WEAK_BELOW: f32 = 0.35;
/// A message's suggestions are scored `BM25 × (COVERAGE_BASE + coverage)`.
const COVERAGE_BASE: f32 = 0.15;
/// How many of a message's best candidates are scored by coverage.
const COVERED: usize = 12;

/// Words that ask for a process or for training rather than an answer to the customer.
const ASKS_PROCESS: &[&str] = &[
    "流程",
    "步骤",
    "培训",
    "演练",
    "练习",
    "角色扮演",
    "规范",
    "sop",
    "procedure",
    "process",
    "training",
    "role-play",
];

/// The fast-field value of each kind (`kind_rank`).
pub(crate) fn kind_rank(kind: Kind) -> u64 {
    match kind {
        Kind::Faq => 0,
        Kind::Script => 1,
        Kind::Sop => 2,
        Kind::Training => 3,
    }
}

/// Whether a message asks for a process or training.
fn asks_process(text: &str) -> bool {
    let text = normalise(text);
    ASKS_PROCESS.iter().any(|w| text.contains(w))
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Search(e.to_string())
}

/// Re-ranks `candidates` (BM25 score, address), keeps the best `request.limit` and makes
/// them hits; a message's hits carry `weak` when the best covers too little of it.
pub(crate) fn rank(
    searcher: &Searcher,
    fields: &Fields,
    request: &SearchRequest,
    mode: Mode,
    plan: Plan,
    candidates: Vec<(f32, DocAddress)>,
) -> Result<Vec<Hit>> {
    let f = fields;
    let english_query = !request.text.chars().any(analysis::is_cjk);
    let demote_team_only =
        mode == Mode::Suggest && request.kind.is_none() && !asks_process(&request.text);
    let mut ranked = Vec::with_capacity(candidates.len());
    for (score, address) in candidates {
        let fast = searcher.segment_reader(address.segment_ord).fast_fields();
        let value = |name: &str, default: u64| {
            fast.u64(name)
                .ok()
                .and_then(|c| c.first(address.doc_id))
                .unwrap_or(default)
        };
        let rank = value("status_rank", 2);
        // Archived entries only when asked for by status.
        if rank == 0 && request.status != Some(Status::Archived) {
            continue;
        }
        let used = value("uses", 0) as f32;
        let adopted = value("adopted", 0) as f32;
        let same_language = (value("english", 0) == 1) == english_query;
        // Published above draft; usage and an adopted answer break near-ties.
        let status_factor = if rank == 1 { 0.6 } else { 1.0 };
        let language = if same_language { SAME_LANGUAGE } else { 1.0 };
        let team_only = demote_team_only && value("kind_rank", 0) >= kind_rank(Kind::Sop);
        let tweaked =
            score * status_factor * language * (1.0 + 0.02 * (1.0 + used).ln() + 0.02 * adopted);
        ranked.push((team_only, tweaked, address, None));
    }
    if (mode == Mode::Suggest && !plan.concepts.is_empty()) || plan.concepts.len() >= 2 {
        // A message asks several things at once (what, which fee, refunded how): an entry
        // that speaks of more of them answers it better than one that repeats a single
        // word in its title. Only the best candidates are read (each a document load).
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(COVERED.max(request.limit));
        for (_, tweaked, address, doc) in &mut ranked {
            let loaded: TantivyDocument = searcher.doc(*address).map_err(err)?;
            *tweaked *= COVERAGE_BASE + coverage(&plan, &entry_text(&loaded, f));
            *doc = Some(loaded);
        }
    }
    // FAQs and scripts first, then (unless asked for) SOPs and training items.
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    ranked.truncate(request.limit.max(1));
    // Longest first, so a word is marked whole rather than by a part of it.
    let mut highlight: Vec<String> = plan.highlight.iter().cloned().collect();
    highlight.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut hits = Vec::with_capacity(ranked.len());
    let mut weak = false;
    for (n, (_, score, address, doc)) in ranked.into_iter().enumerate() {
        let doc: TantivyDocument = match doc {
            Some(doc) => doc,
            None => searcher.doc(address).map_err(err)?,
        };
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let title = text(f.title.zh);
        let body = text(f.body.zh);
        let (covered, confidence) = if mode == Mode::Suggest {
            let text = entry_text(&doc, f);
            (coverage(&plan, &text), confidence(&plan, &text))
        } else {
            (0.0, 0.0)
        };
        if n == 0 && mode == Mode::Suggest {
            weak = covered < WEAK_BELOW;
        }
        hits.push(Hit {
            id: text(f.id),
            kind: text(f.kind).parse().unwrap_or(Kind::Faq),
            title,
            score,
            snippet: snippet::make(&body, &highlight),
            // The library fills these from its catalog.
            status: Status::Published,
            shortcode: String::new(),
            internal: false,
            category: String::new(),
            weak: false,
            confidence,
        });
    }
    for hit in &mut hits {
        hit.weak = weak;
    }
    Ok(hits)
}

/// An entry's title, questions and body, normalised, for [`coverage`].
fn entry_text(doc: &TantivyDocument, f: &Fields) -> String {
    let mut text = String::new();
    for field in [f.title.zh, f.questions.zh, f.body.zh] {
        for value in doc.get_all(field).filter_map(|v| v.as_str()) {
            text.push_str(value);
            text.push('\n');
        }
    }
    normalise(&text)
}

/// How sure an answer an entry's text (normalised) is to a message, 0 to 1: the share of
/// the message's weight it covers, the words no entry uses counted as not covered.
fn confidence(plan: &Plan, text: &str) -> f32 {
    let known: f32 = plan.concepts.iter().map(|c| c.weight).sum();
    if known <= 0.0 {
        return 0.0;
    }
    coverage(plan, text) * known / (known + plan.unknown)
}

/// The share of a message's weight that an entry's text (normalised) covers: each of the
/// message's concepts (a word and its synonyms) counts by its weight when any of its forms
/// occurs in the text, or a word no entry uses sounds like a word of the text.
fn coverage(plan: &Plan, text: &str) -> f32 {
    let total: f32 = plan.concepts.iter().map(|c| c.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let lower = text.to_lowercase();
    // Spelled out only when a word may have been typed by its sound.
    let spelled = plan
        .concepts
        .iter()
        .any(|c| c.sound.is_some())
        .then(|| super::sound::spell(&lower));
    let covered: f32 = plan
        .concepts
        .iter()
        .filter(|c| {
            c.forms.iter().any(|w| lower.contains(w.as_str()))
                || matches!((&c.sound, &spelled), (Some(s), Some(t)) if t.contains(s.as_str()))
        })
        .map(|c| c.weight)
        .sum();
    covered / total
}
