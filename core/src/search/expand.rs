//! Expanding an unfinished word or a misspelling into the index's own terms, so the whole
//! query stays one union of term queries that block-max WAND can prune.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use tantivy::schema::Field;

use super::err;
use crate::Result;

/// How many of the best terms a prefix or a misspelling expands to (by document frequency).
const EXPANSIONS: usize = 8;

/// The terms of `field` that start with `prefix`, the most frequent first.
pub(super) fn expand_prefix(
    searcher: &tantivy::Searcher,
    field: Field,
    prefix: &str,
) -> Result<Vec<String>> {
    let mut found: BTreeMap<String, u32> = BTreeMap::new();
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xFF);
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field).map_err(err)?;
        let mut stream = index
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()
            .map_err(err)?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *found.entry(term.to_string()).or_default() += stream.value().doc_freq;
            }
        }
    }
    Ok(most_frequent(found))
}

/// The terms of `field` within `distance` edits of `word`, the most frequent first.
pub(super) fn expand_fuzzy(
    searcher: &tantivy::Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> Result<Vec<String>> {
    let builder = levenshtein_automata::LevenshteinAutomatonBuilder::new(distance, true);
    let mut found: BTreeMap<String, u32> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field).map_err(err)?;
        let dfa = Levenshtein(builder.build_dfa(word));
        let mut stream = index.terms().search(dfa).into_stream().map_err(err)?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *found.entry(term.to_string()).or_default() += stream.value().doc_freq;
            }
        }
    }
    Ok(most_frequent(found))
}

fn most_frequent(found: BTreeMap<String, u32>) -> Vec<String> {
    let mut terms: Vec<(String, u32)> = found.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms.truncate(EXPANSIONS);
    terms.into_iter().map(|(t, _)| t).collect()
}

/// A Levenshtein DFA as an automaton over the term dictionary.
struct Levenshtein(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Levenshtein {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The term clauses of one query, each term of a field once: a term asked for twice (a
/// word and its synonym's part, a prefix expanding to a word already there) gets the sum
/// of its weights, which scores exactly as two clauses would (a union adds its clauses'
/// scores) at the cost of one posting list. Terms no entry has are left out.
#[derive(Default)]
pub(super) struct Clauses {
    terms: Vec<(Field, String, f32)>,
    at: HashMap<(Field, String), usize>,
}

impl Clauses {
    pub(super) fn add(&mut self, field: Field, text: &str, boost: f32) {
        match self.at.entry((field, text.to_string())) {
            Entry::Occupied(at) => self.terms[*at.get()].2 += boost,
            Entry::Vacant(at) => {
                at.insert(self.terms.len());
                self.terms.push((field, text.to_string(), boost));
            }
        }
    }

    /// The clauses whose term some entry has, in the order first asked for.
    pub(super) fn found(
        self,
        doc_freq: impl Fn(Field, &str) -> u64,
    ) -> impl Iterator<Item = (Field, String, f32)> {
        self.terms
            .into_iter()
            .filter(move |(field, text, _)| doc_freq(*field, text) > 0)
    }
}
