//! The search index: tantivy, beside the library, derived from its documents.
//!
//! Every entry write gets a sequence number (stored with its catalog row). The index
//! records in its commit payload the highest sequence number it holds and a fingerprint of
//! the dictionary it was built with; on open it indexes whatever is newer (catching up after
//! a crash or after other processes' writes) and rebuilds when the dictionary changed.

pub(crate) mod analysis;
mod committer;
pub mod eval;
mod expand;
mod incidental;
mod judge;
pub mod lexicon;
pub(crate) mod query;
mod questions;
mod rank;
mod schema;
mod snippet;
mod sound;
mod topics;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::model::{Entry, Kind, Status};
use crate::{Error, Result};

use analysis::{BigramTokenizer, ChineseTokenizer, english_analyzer, pinyin_keys};
pub use committer::Committer;
use expand::{Clauses, expand_fuzzy, expand_prefix};
pub use judge::{PointMatch, SAID};
pub use query::Mode;
pub use questions::split_questions;
use schema::{BIGRAM, EN, Fields, ZH};
pub use topics::is_cjk_char;

/// Bumped whenever analysis or schema change, so old indexes are rebuilt.
const INDEX_VERSION: u32 = 6;
/// How often pending changes are committed and made searchable.
const COMMIT_EVERY: Duration = Duration::from_millis(50);

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    pub kind: Option<Kind>,
    pub tag: Option<String>,
    pub category: Option<String>,
    /// Only this status; when unset, archived entries are hidden.
    pub status: Option<Status>,
    pub limit: usize,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub score: f32,
    /// A passage of the body with matches marked `**like this**`; never splits a character.
    pub snippet: String,
    /// The entry's status, shortcode and whether it is internal, as the catalog has them
    /// (for the badges a result shows).
    pub status: Status,
    pub shortcode: String,
    pub internal: bool,
    pub category: String,
    /// A customer message's suggestions: the best of them covers too little of what the
    /// message asks, so nothing matches well (every hit of the answer carries it).
    pub weak: bool,
    /// A customer message's suggestion: how sure an answer it is, 0 to 1 — the share of
    /// what the message asks that this entry covers (its question words counting double),
    /// words no entry uses counting as not covered; 0 for a search.
    pub confidence: f32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    version: u32,
    seq: u64,
    dictionary: String,
}

struct Pending {
    dirty: bool,
    seq: u64,
    committed: u64,
    /// The lowest sequence number whose write did not reach the index: commits record no
    /// more than the number before it, so the next open catches that write up.
    missed: Option<u64>,
    /// Writes since the index opened: a commit leaves the index dirty when more arrived
    /// while it ran.
    writes: u64,
    /// A rebuild is under way: the background committer leaves it alone.
    rebuilding: bool,
}

/// The index of one library.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    zh: ChineseTokenizer,
    synonyms: RwLock<query::Synonyms>,
    dictionary: String,
    writer: Mutex<Option<IndexWriter>>,
    pending: Mutex<Pending>,
    /// See [`SearchIndex::generation`].
    generation: AtomicU64,
    /// Forces the library's writes to disk before a commit records their sequence numbers
    /// (see [`SearchIndex::after_store`]).
    store: std::sync::OnceLock<crate::store::Flusher>,
}

/// Generations handed out in this process, so no two indexes ever share one.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Search(e.to_string())
}

impl SearchIndex {
    /// Opens (or creates) the index in `dir`. `words` are the library's own terms (tags,
    /// categories, synonyms) added to the Chinese dictionary. Returns the index and the
    /// sequence number it holds (0 when it must be rebuilt).
    pub fn open(
        dir: &Path,
        words: &[String],
        synonyms: &[Vec<String>],
    ) -> Result<(SearchIndex, u64)> {
        crate::private::create_private_dir(dir)?;
        let (schema, fields) = schema::build();
        let open = || -> Result<Index> {
            let directory = tantivy::directory::MmapDirectory::open(dir).map_err(err)?;
            Index::open_or_create(directory, schema.clone()).map_err(err)
        };
        // The index is derived: one that cannot be opened (older schema) or that has a file
        // whose checksum fails (flipped bytes: tantivy may panic reading them later) is
        // discarded and rebuilt from the library.
        let index = match open().and_then(intact) {
            Ok(index) => index,
            Err(_) => {
                std::fs::remove_dir_all(dir).map_err(|source| Error::DataDir {
                    dir: dir.to_path_buf(),
                    source,
                })?;
                crate::private::create_private_dir(dir)?;
                open()?
            }
        };
        let sorted = analysis::dictionary_words(words);
        let dictionary = fingerprint(&sorted);
        let zh = ChineseTokenizer::new(Arc::new(analysis::jieba_with(&sorted)));
        index
            .tokenizers()
            .register(ZH, TextAnalyzer::builder(zh.clone()).build());
        index
            .tokenizers()
            .register(BIGRAM, TextAnalyzer::builder(BigramTokenizer).build());
        index.tokenizers().register(EN, english_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        let payload: Payload = index
            .load_metas()
            .map_err(err)?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        let current = payload.version == INDEX_VERSION && payload.dictionary == dictionary;
        let seq = if current { payload.seq } else { 0 };
        let search = SearchIndex {
            index,
            reader,
            fields,
            zh,
            synonyms: RwLock::new(query::Synonyms::new(synonyms)),
            dictionary,
            writer: Mutex::new(None),
            pending: Mutex::new(Pending {
                dirty: false,
                seq,
                committed: seq,
                missed: None,
                writes: 0,
                rebuilding: false,
            }),
            generation: AtomicU64::new(GENERATIONS.fetch_add(1, Ordering::SeqCst)),
            store: std::sync::OnceLock::new(),
        };
        if !current && payload.version != 0 {
            search.with_writer(|w| w.delete_all_documents().map(|_| ()).map_err(err))?;
            search.mark_dirty(0);
        }
        Ok((search, seq))
    }

    /// Whether `reply` says what key point `point` asks (see [`judge`](self::judge)), with
    /// the team's synonyms.
    pub fn judge(&self, point: &str, reply: &str) -> PointMatch {
        let synonyms = self
            .synonyms
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        judge::judge(&self.zh, &synonyms, point, reply)
    }

    /// Replaces the synonym groups used to expand queries.
    pub fn set_synonyms(&self, groups: &[Vec<String>]) {
        if let Ok(mut s) = self.synonyms.write() {
            *s = query::Synonyms::new(groups);
        }
        self.changed();
    }

    /// A number that changes whenever what a search answers may change — an entry written,
    /// the synonyms replaced, a commit made visible — and is never the same for two
    /// indexes of the process: answers kept under one generation stay right while it lasts.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn changed(&self) {
        self.generation
            .store(GENERATIONS.fetch_add(1, Ordering::SeqCst), Ordering::SeqCst);
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut guard = self.writer.lock().map_err(err)?;
        if guard.is_none() {
            *guard = Some(
                self.index
                    .writer_with_num_threads(1, 40_000_000)
                    .map_err(err)?,
            );
        }
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(Error::Search("no index writer".into())),
        }
    }

    fn mark_dirty(&self, seq: u64) {
        if let Ok(mut p) = self.pending.lock() {
            p.dirty = true;
            p.writes += 1;
            p.seq = p.seq.max(seq);
        }
        self.changed();
    }

    /// Records that the write with sequence number `seq` did not reach the index (it is
    /// durable in the library): the index never claims to hold it, so the next open
    /// indexes it again, whatever later writes succeed meanwhile.
    pub fn missed(&self, seq: u64) {
        if let Ok(mut p) = self.pending.lock() {
            p.missed = Some(p.missed.map_or(seq, |m| m.min(seq)));
            p.dirty = true;
            p.writes += 1;
        }
        self.changed();
    }

    /// Indexes (or re-indexes) an entry written with sequence number `seq`; `uses` is how
    /// often the team used it. Searchable after the next commit.
    pub fn upsert(&self, entry: &Entry, seq: u64, uses: u64) -> Result<()> {
        let doc = self.document(entry, uses);
        let id = Term::from_field_text(self.fields.id, &entry.id);
        self.with_writer(|w| {
            w.delete_term(id);
            w.add_document(doc).map(|_| ()).map_err(err)
        })?;
        self.mark_dirty(seq);
        Ok(())
    }

    /// Empties the index and starts a rebuild: a writer with two indexing threads, a
    /// larger budget and no background merging, and no background commits until
    /// [`SearchIndex::finish_rebuild`].
    pub fn begin_rebuild(&self) -> Result<()> {
        if let Ok(mut p) = self.pending.lock() {
            p.rebuilding = true;
        }
        {
            let mut guard = self.writer.lock().map_err(err)?;
            drop(guard.take());
            let writer: IndexWriter = self
                .index
                .writer_with_num_threads(2, 200_000_000)
                .map_err(err)?;
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            *guard = Some(writer);
        }
        self.with_writer(|w| w.delete_all_documents().map(|_| ()).map_err(err))?;
        if let Ok(mut p) = self.pending.lock() {
            p.dirty = true;
            p.seq = 0;
            p.missed = None;
        }
        Ok(())
    }

    /// Commits a rebuild, merges it into one segment and returns to the everyday writer.
    pub fn finish_rebuild(&self) -> Result<()> {
        let outcome = self.commit().and_then(|_| self.optimise());
        if let Ok(mut p) = self.pending.lock() {
            p.rebuilding = false;
        }
        outcome
    }

    /// Commits what is pending and lets background merges finish (before the process
    /// ends, so segments do not pile up across short-lived processes).
    pub fn close(&self) -> Result<()> {
        self.commit()?;
        let mut guard = self.writer.lock().map_err(err)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads().map_err(err)?;
        }
        Ok(())
    }

    /// Makes every commit force `store`'s writes to disk first, so the index never holds a
    /// write the library could lose in a crash (news is stored before it is forced to
    /// disk; a lost write's sequence number would be handed out again).
    pub(crate) fn after_store(&self, store: crate::store::Flusher) {
        let _ = self.store.set(store);
    }

    /// Commits pending changes and reloads the reader; returns whether there were any.
    pub fn commit(&self) -> Result<bool> {
        let (seq, writes) = {
            let p = self.pending.lock().map_err(err)?;
            if !p.dirty {
                return Ok(false);
            }
            let seq = match p.missed {
                Some(missed) => p.seq.min(missed.saturating_sub(1)),
                None => p.seq,
            };
            (seq, p.writes)
        };
        if let Some(store) = self.store.get() {
            store.flush()?;
        }
        let payload = serde_json::to_string(&Payload {
            version: INDEX_VERSION,
            seq,
            dictionary: self.dictionary.clone(),
        })
        .map_err(err)?;
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit().map_err(err)?;
            prepared.set_payload(&payload);
            prepared.commit().map(|_| ()).map_err(err)
        })?;
        // Reload right after the commit: a Manual reader never sees it otherwise.
        self.reader.reload().map_err(err)?;
        self.changed();
        let mut p = self.pending.lock().map_err(err)?;
        p.committed = seq;
        if p.writes == writes {
            p.dirty = false;
        }
        Ok(true)
    }

    /// Merges every segment into one (fewer segments, faster queries) and returns to the
    /// everyday writer.
    fn optimise(&self) -> Result<()> {
        let ids = self.index.searchable_segment_ids().map_err(err)?;
        if ids.len() > 1 {
            self.with_writer(|w| w.merge(&ids).wait().map(|_| ()).map_err(err))?;
        }
        let mut guard = self.writer.lock().map_err(err)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads().map_err(err)?;
        }
        drop(guard);
        self.reader.reload().map_err(err)?;
        self.changed();
        Ok(())
    }

    /// The highest sequence number committed.
    pub fn committed_seq(&self) -> u64 {
        self.pending.lock().map(|p| p.committed).unwrap_or(0)
    }

    fn document(&self, e: &Entry, uses: u64) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &e.id);
        doc.add_text(f.kind, e.kind.as_str());
        doc.add_u64(f.kind_rank, rank::kind_rank(e.kind));
        doc.add_text(f.status, e.status.as_str());
        doc.add_text(f.category, &e.category);
        doc.add_u64(f.english, u64::from(!e.title.chars().any(analysis::is_cjk)));
        for tag in &e.tags {
            doc.add_text(f.tags, tag);
        }
        if !e.shortcode.is_empty() {
            let code = analysis::normalise(&e.shortcode);
            doc.add_text(f.pinyin, code.trim_start_matches('#'));
            doc.add_text(f.shortcode, &code);
        }
        if e.kind == Kind::Script {
            for key in pinyin_keys(&self.zh.cut(&e.title)) {
                doc.add_text(f.pinyin, &key);
            }
        }
        let mut add = |triple: &schema::Triple, text: &str| {
            doc.add_text(triple.zh, text);
            doc.add_text(triple.bi, text);
            doc.add_text(triple.en, text);
        };
        add(&f.title, &e.title);
        for q in &e.questions {
            add(&f.questions, q);
        }
        add(&f.body, &e.body);
        let extra: Vec<&str> = [e.persona.as_str(), e.opening.as_str()]
            .into_iter()
            .chain(e.turns.iter().map(String::as_str))
            .chain(e.key_points.iter().map(String::as_str))
            .chain(e.tags.iter().map(String::as_str))
            .chain(e.answers.iter().map(|a| a.text.as_str()))
            .filter(|s| !s.is_empty())
            .collect();
        if !extra.is_empty() {
            add(&f.extra, &extra.join("\n"));
        }
        doc.add_u64(
            f.status_rank,
            match e.status {
                Status::Published => 2,
                Status::Draft => 1,
                Status::Archived => 0,
            },
        );
        doc.add_u64(f.uses, uses);
        doc.add_u64(f.adopted, u64::from(e.adopted_answer().is_some()));
        doc
    }

    /// Searches, best first. `mode` says whether the input is typed (the last word may be
    /// unfinished) or a whole customer message.
    ///
    /// Retrieval is a flat union of term queries (prefixes and misspellings expanded into
    /// terms first), so tantivy prunes with block-max WAND; the best candidates by BM25 are
    /// then re-ranked with the signals: status, the query's language, usage, adopted answer.
    pub fn search(&self, request: &SearchRequest, mode: Mode) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let doc_freq = |field, text: &str| {
            searcher
                .doc_freq(&Term::from_field_text(field, text))
                .unwrap_or(0)
        };
        let plan = {
            let synonyms = self.synonyms.read().map_err(err)?;
            query::build(
                &request.text,
                mode,
                f,
                &self.zh,
                &synonyms,
                &doc_freq,
                searcher.num_docs(),
            )
        };
        let Some(plan) = plan else {
            return Ok(Vec::new());
        };
        let mut clauses = Clauses::default();
        for (field, text, boost) in &plan.terms {
            clauses.add(*field, text, *boost);
        }
        for (field, prefix, boost) in &plan.prefixes {
            for term in expand_prefix(&searcher, *field, prefix)? {
                clauses.add(*field, &term, *boost);
            }
        }
        for (field, word, distance, boost) in &plan.fuzzy {
            for term in expand_fuzzy(&searcher, *field, word, *distance)? {
                clauses.add(*field, &term, *boost);
            }
        }
        let should: Vec<(Occur, Box<dyn Query>)> = clauses
            .found(doc_freq)
            .map(|(field, text, boost)| {
                let term = TermQuery::new(
                    Term::from_field_text(field, &text),
                    IndexRecordOption::WithFreqs,
                );
                let clause: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), boost));
                (Occur::Should, clause)
            })
            .collect();
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let union: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        let exact = |field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ))
        };
        let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(kind) = request.kind {
            filters.push((Occur::Must, exact(f.kind, kind.as_str())));
        }
        if let Some(tag) = &request.tag {
            filters.push((Occur::Must, exact(f.tags, tag)));
        }
        if let Some(category) = &request.category {
            filters.push((Occur::Must, exact(f.category, category)));
        }
        if let Some(s) = request.status {
            filters.push((Occur::Must, exact(f.status, s.as_str())));
        }
        let query: Box<dyn Query> = if filters.is_empty() {
            union
        } else {
            filters.push((Occur::Must, union));
            Box::new(BooleanQuery::new(filters))
        };
        let limit = request.limit.max(1);
        let candidates = searcher
            .search(
                &query,
                &TopDocs::with_limit(CANDIDATES.max(limit * 3)).order_by_score(),
            )
            .map_err(err)?;
        rank::rank(&searcher, f, request, mode, plan, candidates)
    }
}

/// Candidates retrieved by BM25 before re-ranking with the signals, at least (three times
/// the limit when that is more). Fewer candidates let block-max WAND prune sooner.
const CANDIDATES: usize = 20;

/// The index if every one of its files passes its checksum.
fn intact(index: Index) -> Result<Index> {
    let damaged = index.validate_checksum().map_err(err)?;
    if damaged.is_empty() {
        Ok(index)
    } else {
        Err(Error::Search(format!("damaged index files: {damaged:?}")))
    }
}

/// A stable fingerprint of the dictionary words (FNV-1a).
fn fingerprint(words: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in words.iter().flat_map(|w| w.bytes().chain([0])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
