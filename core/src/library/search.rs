//! The library's search index: opened on first use, caught up from the catalog's sequence
//! numbers, fed every write after it is durable, committed in the background.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Library;
use crate::Result;
use crate::doc::{self, DocKey};
use crate::model::{Entry, EntryId};
use crate::search::eval::{Case, Report, evaluate};
use crate::search::{Committer, Hit, Mode, SearchIndex, SearchRequest};

/// The open index with its background committer.
pub(crate) struct SearchState {
    index: Arc<SearchIndex>,
    uses: BTreeMap<EntryId, u64>,
    // Dropped after `index` is no longer written: the last commit happens here.
    _committer: Committer,
}

/// The index folder inside the data directory.
pub const INDEX_DIR: &str = "index";

impl Library {
    /// The search index, opened and caught up on first use.
    pub fn search_index(&mut self) -> Result<Arc<SearchIndex>> {
        self.open_index(true)
    }

    fn open_index(&mut self, catch_up: bool) -> Result<Arc<SearchIndex>> {
        if let Some(state) = &self.search {
            return Ok(state.index.clone());
        }
        let team = self.team()?;
        // The team's groups with the customer-service lexicon Lore ships.
        let synonyms = crate::search::lexicon::with_lexicon(&team);
        let words = crate::search::lexicon::dictionary_words(&team);
        let (index, indexed) = SearchIndex::open(&self.dir.join(INDEX_DIR), &words, &synonyms)?;
        let index = Arc::new(index);
        index.after_store(self.store.flusher());
        let uses = self.total_uses()?;
        let behind: Vec<(EntryId, u64)> = self
            .catalog
            .values()
            .filter(|row| catch_up && (row.seq > indexed || indexed == 0))
            .map(|row| (row.id.clone(), row.seq))
            .collect();
        for (id, seq) in behind {
            // A damaged entry is reported by `check`; it simply stays out of the index.
            if let Ok(entry) = self.get(&id) {
                index.upsert(&entry, seq, uses.get(&id).copied().unwrap_or(0))?;
            }
        }
        index.commit()?;
        self.search = Some(SearchState {
            index: index.clone(),
            uses,
            _committer: Committer::start(index.clone()),
        });
        Ok(index)
    }

    /// Feeds a stored entry to the index if it is open (otherwise the next open catches up).
    pub(crate) fn index_entry(&mut self, entry: &Entry, seq: u64) {
        if let Some(state) = &self.search {
            let uses = state.uses.get(&entry.id).copied().unwrap_or(0);
            // The entry is durable either way; a write the index missed is caught up on
            // the next open, however many later writes reach it.
            if state.index.upsert(entry, seq, uses).is_err() {
                state.index.missed(seq);
            }
        }
    }

    /// Searches as the user types: the last word may be unfinished.
    pub fn search(&mut self, request: &SearchRequest) -> Result<Vec<Hit>> {
        let hits = self.search_index()?.search(request, Mode::Search)?;
        Ok(self.with_badges(hits))
    }

    /// Hits with the status, shortcode and internal mark their catalog rows hold (for
    /// hits of [`SearchIndex::search`] run outside the library, as the HTTP API does).
    pub fn with_badges(&self, mut hits: Vec<Hit>) -> Vec<Hit> {
        for hit in &mut hits {
            if let Some(row) = self.catalog.get(&hit.id) {
                hit.status = row.status;
                hit.shortcode = row.shortcode.clone();
                hit.internal = row.internal;
                hit.category = row.category.clone();
            }
        }
        hits
    }

    /// The entries that answer a whole customer message, best first.
    pub fn suggest(&mut self, message: &str, limit: usize) -> Result<Vec<Hit>> {
        let request = SearchRequest {
            text: message.to_string(),
            status: Some(crate::model::Status::Published),
            limit,
            ..SearchRequest::default()
        };
        let hits = self.search_index()?.search(&request, Mode::Suggest)?;
        Ok(self.with_badges(hits))
    }

    /// Suggestions for each question of a customer message that asks several things at
    /// once: (the question with its context, its suggestions); one item for a message
    /// with one question.
    pub fn suggest_each(&mut self, message: &str, limit: usize) -> Result<Vec<(String, Vec<Hit>)>> {
        crate::search::split_questions(message)
            .into_iter()
            .map(|q| {
                let hits = self.suggest(&q, limit)?;
                Ok((q, hits))
            })
            .collect()
    }

    /// Scores search on an evaluation set: whole messages go to suggest, everything else
    /// to search, ten results each.
    pub fn evaluate(&mut self, cases: &[Case]) -> Result<Report> {
        evaluate(cases, |case| {
            let hits = if case.is_message() {
                self.suggest(&case.query, 10)?
            } else {
                self.search(&SearchRequest {
                    text: case.query.clone(),
                    limit: 10,
                    ..SearchRequest::default()
                })?
            };
            Ok(hits.into_iter().map(|h| h.id).collect())
        })
    }

    /// Rebuilds the index from every document; returns how many entries it holds. The
    /// old index is never read: unless this process has it open, it is deleted first, so
    /// a damaged one cannot stand in the way of its own rebuild.
    pub fn reindex(&mut self) -> Result<usize> {
        if self.search.is_none() {
            super::aside::remove_if_present(&self.dir.join(INDEX_DIR))?;
        }
        let index = self.open_index(false)?;
        index.begin_rebuild()?;
        let uses = self.total_uses()?;
        let mut count = 0;
        let mut failed = None;
        let catalog = &self.catalog;
        self.store.each_doc(DocKey::ENTRY_PREFIX, |key, chunks| {
            let Some(DocKey::Entry(id)) = DocKey::parse(key) else {
                return;
            };
            let id = id.as_str();
            // A damaged entry is reported by `check`; it simply stays out of the index.
            let Ok(entry) = doc::load(chunks, key).and_then(|d| doc::read_entry(&d)) else {
                return;
            };
            let seq = catalog.get(id).map(|r| r.seq).unwrap_or(0);
            match index.upsert(&entry, seq, uses.get(id).copied().unwrap_or(0)) {
                Ok(()) => count += 1,
                Err(e) => failed = failed.take().or(Some(e)),
            }
        })?;
        let finished = index.finish_rebuild();
        if let Some(e) = failed {
            return Err(e);
        }
        finished?;
        Ok(count)
    }

    /// Counts `n` more uses in the open index's ranking signals.
    pub(crate) fn usage_changed(&mut self, id: &str, n: u64) {
        let Some(state) = &mut self.search else {
            return;
        };
        *state.uses.entry(id.to_string()).or_insert(0) += n;
        let seq = self.catalog.get(id).map(|r| r.seq).unwrap_or(0);
        if let Ok(entry) = self.get(id) {
            self.index_entry(&entry, seq);
        }
    }

    /// Refreshes query-time synonyms after the team's groups or lexicon switches changed.
    pub(crate) fn synonyms_changed(&mut self, team: &crate::model::Team) {
        if let Some(state) = &self.search {
            state
                .index
                .set_synonyms(&crate::search::lexicon::with_lexicon(team));
        }
    }
}
