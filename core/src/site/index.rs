//! The prebuilt search index the site's script searches: every public entry's title,
//! customer questions and body cut the way the library's search cuts them (normalised —
//! Traditional folded to Simplified, full-width to half-width, lowercase — then jieba's
//! words in search mode with the team's dictionary, and pairs of Chinese characters),
//! each term's postings weighted by field, the synonym groups that touch the site's
//! words, and a Traditional → Simplified table for the characters they use. Written as a
//! script assigning `window.LORE_INDEX`, so a page opened from disk can load it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::SiteTeam;
use super::assets::Words;
use super::pages::entry_path;
use super::render;
use crate::model::Entry;
use crate::search::analysis::{self, ChineseTokenizer};
use crate::search::query::{STOP_EN, STOP_ZH};

/// How much a term counts in each field.
const TITLE: u32 = 3;
const QUESTIONS: u32 = 2;
const BODY: u32 = 1;

/// Entries ranked as like another, at most.
const LIKE: usize = 30;

/// The longest word, in characters, the script tries to match.
const MAX_WORD: usize = 8;

#[derive(Serialize)]
struct Index<'a> {
    n: usize,
    avgdl: f64,
    /// Each entry: page, title, category, snippet, length (weighted terms).
    docs: Vec<(String, &'a str, &'a str, String, u32)>,
    /// Term → flat pairs of (entry number, weighted count).
    terms: BTreeMap<String, Vec<u32>>,
    syn: Vec<Vec<String>>,
    t2s: BTreeMap<char, char>,
    /// Words that say nothing in a query (particles, pronouns, filler), the library's.
    stop: Vec<&'static str>,
    maxw: usize,
    ui: Ui<'a>,
}

#[derive(Serialize)]
struct Ui<'a> {
    results: &'a str,
    nothing: &'a str,
}

/// The terms of `text`: jieba's words and the CJK pairs (and lone characters).
fn terms(zh: &ChineseTokenizer, text: &str) -> Vec<String> {
    let mut all = zh.words(text);
    all.extend(
        analysis::bigrams(&analysis::normalise(text))
            .into_iter()
            .map(|(t, _, _)| t),
    );
    all
}

/// `search-index.js` for `entries` (all public), and for each entry the others most like
/// it (by number in `entries`, `LIKE` at most, the most alike first).
pub(super) fn build(
    entries: &[&Entry],
    team: &SiteTeam,
    words: &Words,
) -> (String, Vec<Vec<usize>>) {
    let dictionary = analysis::dictionary_words(&team.dictionary);
    let zh = ChineseTokenizer::new(Arc::new(analysis::jieba_with(&dictionary)));
    let mut terms_of: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut docs = Vec::with_capacity(entries.len());
    let mut own: Vec<Vec<(String, u32)>> = Vec::with_capacity(entries.len());
    let mut total = 0u64;
    for (n, entry) in entries.iter().enumerate() {
        let body = render::plain(&entry.body);
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        let questions = entry.questions.join("\n");
        let fields = [
            (entry.title.as_str(), TITLE),
            (questions.as_str(), QUESTIONS),
            (body.as_str(), BODY),
        ];
        for (text, weight) in fields {
            for term in terms(&zh, text) {
                *counts.entry(term).or_default() += weight;
            }
        }
        let length: u32 = counts.values().sum();
        total += u64::from(length);
        own.push(
            counts
                .iter()
                .filter(|(t, _)| t.chars().count() >= 2)
                .map(|(t, c)| (t.clone(), *c))
                .collect(),
        );
        for (term, count) in counts {
            let postings = terms_of.entry(term).or_default();
            postings.push(n as u32);
            postings.push(count);
        }
        docs.push((
            entry_path(&entry.id),
            entry.title.as_str(),
            entry.category.as_str(),
            render::cut(&body, 70),
            length,
        ));
    }
    // Only the groups that touch the site's words: the others cannot find anything.
    let syn: Vec<Vec<String>> = team
        .synonyms
        .iter()
        .filter(|g| {
            g.iter()
                .any(|w| terms_of.contains_key(&analysis::normalise(w.trim())))
        })
        .cloned()
        .collect();
    let used: BTreeSet<char> = terms_of
        .keys()
        .flat_map(|t| t.chars())
        .chain(syn.iter().flatten().flat_map(|w| w.chars()))
        .collect();
    let index = Index {
        n: entries.len(),
        avgdl: if entries.is_empty() {
            1.0
        } else {
            (total as f64 / entries.len() as f64).max(1.0)
        },
        docs,
        terms: terms_of,
        syn,
        t2s: traditional(&used),
        stop: STOP_ZH.iter().chain(STOP_EN).copied().collect(),
        maxw: MAX_WORD,
        ui: Ui {
            results: words.results,
            nothing: words.nothing,
        },
    };
    let similar = similar(&own, &index.terms);
    let json = serde_json::to_string(&index).unwrap_or_else(|_| "null".to_string());
    (format!("window.LORE_INDEX={json};\n"), similar)
}

/// For each entry, the entries sharing most of its telling words: its dozen words that
/// weigh most (count × idf, words in at most a tenth of the entries), each shared word
/// counting its idf times the smaller of the two counts.
fn similar(own: &[Vec<(String, u32)>], terms: &BTreeMap<String, Vec<u32>>) -> Vec<Vec<usize>> {
    let n = own.len() as f64;
    let common = (own.len() / 10).max(2);
    let idf = |df: usize| (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
    own.iter()
        .enumerate()
        .map(|(d, words)| {
            let mut telling: Vec<(f64, &String, u32)> = words
                .iter()
                .filter_map(|(t, c)| {
                    let df = terms.get(t)?.len() / 2;
                    (df <= common).then(|| (f64::from(*c) * idf(df), t, *c))
                })
                .collect();
            telling.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let mut score: BTreeMap<usize, f64> = BTreeMap::new();
            for (_, term, count) in telling.into_iter().take(12) {
                let postings = &terms[term];
                let weight = idf(postings.len() / 2);
                for pair in postings.chunks(2) {
                    let other = pair[0] as usize;
                    if other != d {
                        *score.entry(other).or_default() += weight * f64::from(count.min(pair[1]));
                    }
                }
            }
            let mut ranked: Vec<(usize, f64)> = score.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(LIKE).map(|(o, _)| o).collect()
        })
        .collect()
}

/// Traditional characters whose Simplified form is one of `used`, mapped to it, so a
/// query in Traditional characters finds the same words.
fn traditional(used: &BTreeSet<char>) -> BTreeMap<char, char> {
    let mut map = BTreeMap::new();
    for code in (0x3400..=0x4DBF)
        .chain(0x4E00..=0x9FFF)
        .chain(0xF900..=0xFAFF)
    {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        let simplified = analysis::normalise(c.encode_utf8(&mut [0; 4]));
        let mut chars = simplified.chars();
        if let (Some(s), None) = (chars.next(), chars.next())
            && s != c
            && used.contains(&s)
        {
            map.insert(c, s);
        }
    }
    map
}
