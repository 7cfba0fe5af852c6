//! The search index: tantivy, beside the library, derived from its documents.
//!
//! Every entry write gets a sequence number (stored with its catalog row). The index
//! records in its commit payload the highest sequence number it holds and a fingerprint of
//! the dictionary it was built with; on open it indexes whatever is newer (catching up after
//! a crash or after other processes' writes) and rebuilds when the dictionary changed.

mod analysis;
pub mod baseline;
pub mod eval;
mod query;
mod schema;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument,
    Term,
};

use crate::model::{Entry, Kind, Status};
use crate::{Error, Result};

use analysis::{BigramTokenizer, ChineseTokenizer, english_analyzer, pinyin_keys};
pub use query::Mode;
use schema::{BIGRAM, EN, Fields, ZH};

/// Bumped whenever analysis or schema change, so old indexes are rebuilt.
const INDEX_VERSION: u32 = 2;
/// Snippet length in bytes (tantivy counts bytes): about 60 Chinese characters.
const SNIPPET_BYTES: usize = 180;
/// Score added to entries in the language of the query.
const LANGUAGE_BONUS: f32 = 3.0;
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
}

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
        std::fs::create_dir_all(dir).map_err(|source| Error::DataDir {
            dir: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = schema::build();
        let open = || -> Result<Index> {
            let directory = tantivy::directory::MmapDirectory::open(dir).map_err(err)?;
            Index::open_or_create(directory, schema.clone()).map_err(err)
        };
        // The index is derived: one that cannot be opened (older schema, damaged files)
        // is discarded and rebuilt from the library.
        let index = match open() {
            Ok(index) => index,
            Err(_) => {
                std::fs::remove_dir_all(dir).map_err(|source| Error::DataDir {
                    dir: dir.to_path_buf(),
                    source,
                })?;
                std::fs::create_dir_all(dir).map_err(|source| Error::DataDir {
                    dir: dir.to_path_buf(),
                    source,
                })?;
                open()?
            }
        };
        let mut jieba = Jieba::new();
        let mut sorted: Vec<String> = words
            .iter()
            .map(|w| analysis::normalise(w.trim()))
            .filter(|w| w.chars().count() >= 2 && w.chars().any(analysis::is_cjk))
            .collect();
        sorted.sort();
        sorted.dedup();
        for w in &sorted {
            jieba.add_word(w, None, None);
        }
        let dictionary = fingerprint(&sorted);
        let zh = ChineseTokenizer::new(Arc::new(jieba));
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
            }),
        };
        if !current && payload.version != 0 {
            search.with_writer(|w| w.delete_all_documents().map(|_| ()).map_err(err))?;
            search.mark_dirty(0);
        }
        Ok((search, seq))
    }

    /// Replaces the synonym groups used to expand queries.
    pub fn set_synonyms(&self, groups: &[Vec<String>]) {
        if let Ok(mut s) = self.synonyms.write() {
            *s = query::Synonyms::new(groups);
        }
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
            p.seq = p.seq.max(seq);
        }
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

    /// Empties the index (before a rebuild).
    pub fn clear(&self) -> Result<()> {
        self.with_writer(|w| w.delete_all_documents().map(|_| ()).map_err(err))?;
        if let Ok(mut p) = self.pending.lock() {
            p.dirty = true;
            p.seq = 0;
        }
        Ok(())
    }

    /// Commits pending changes and reloads the reader; returns whether there were any.
    pub fn commit(&self) -> Result<bool> {
        let seq = {
            let p = self.pending.lock().map_err(err)?;
            if !p.dirty {
                return Ok(false);
            }
            p.seq
        };
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
        let mut p = self.pending.lock().map_err(err)?;
        p.committed = seq;
        if p.seq == seq {
            p.dirty = false;
        }
        Ok(true)
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
        doc.add_text(f.status, e.status.as_str());
        doc.add_text(f.category, &e.category);
        doc.add_text(
            f.lang,
            if e.title.chars().any(analysis::is_cjk) {
                "zh"
            } else {
                "en"
            },
        );
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
    pub fn search(&self, request: &SearchRequest, mode: Mode) -> Result<Vec<Hit>> {
        let f = &self.fields;
        let plan = {
            let synonyms = self.synonyms.read().map_err(err)?;
            query::build(&request.text, mode, f, &self.zh, &synonyms)
        };
        let Some(plan) = plan else {
            return Ok(Vec::new());
        };
        let exact = |field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::Basic,
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, plan.query)];
        // Entries in the query's language come first among comparable matches.
        let lang = if request.text.chars().any(analysis::is_cjk) {
            "zh"
        } else {
            "en"
        };
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(exact(f.lang, lang), LANGUAGE_BONUS)),
        ));
        if let Some(kind) = request.kind {
            clauses.push((Occur::Must, exact(f.kind, kind.as_str())));
        }
        if let Some(tag) = &request.tag {
            clauses.push((Occur::Must, exact(f.tags, tag)));
        }
        if let Some(category) = &request.category {
            clauses.push((Occur::Must, exact(f.category, category)));
        }
        match request.status {
            Some(s) => clauses.push((Occur::Must, exact(f.status, s.as_str()))),
            None => clauses.push((Occur::MustNot, exact(f.status, Status::Archived.as_str()))),
        }
        let query = BooleanQuery::new(clauses);
        let limit = request.limit.max(1);
        let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
            let fast = segment.fast_fields();
            let status = fast.u64("status_rank").ok();
            let uses = fast.u64("uses").ok();
            let adopted = fast.u64("adopted").ok();
            move |doc: DocId, score: Score| {
                let rank = status.as_ref().and_then(|c| c.first(doc)).unwrap_or(2);
                let used = uses.as_ref().and_then(|c| c.first(doc)).unwrap_or(0) as f32;
                let best = adopted.as_ref().and_then(|c| c.first(doc)).unwrap_or(0) as f32;
                // Published above draft; usage and an adopted answer break near-ties.
                let status_factor = if rank >= 2 { 1.0 } else { 0.6 };
                score * status_factor * (1.0 + 0.02 * (1.0 + used).ln() + 0.02 * best)
            }
        });
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &collector).map_err(err)?;
        let terms: BTreeMap<String, Score> = plan.highlight.into_iter().map(|t| (t, 1.0)).collect();
        let snippets = SnippetGenerator::new(
            terms,
            TextAnalyzer::builder(self.zh.monotonic()).build(),
            f.body.zh,
            SNIPPET_BYTES,
        );
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let body = plain_text(&text(f.body.zh));
            hits.push(Hit {
                id: text(f.id),
                kind: text(f.kind).parse().unwrap_or(Kind::Faq),
                title: text(f.title.zh),
                score,
                snippet: snippet(&snippets.snippet(&body), &body),
            });
        }
        Ok(hits)
    }
}

/// Marks the highlighted ranges of a snippet; without matches in the body, its opening.
fn snippet(s: &tantivy::snippet::Snippet, body: &str) -> String {
    let fragment = s.fragment();
    if fragment.trim().is_empty() || s.highlighted().is_empty() {
        let opening: String = body.chars().take(60).collect();
        let cut = opening.len() < body.len();
        return format!(
            "{}{}",
            opening.split_whitespace().collect::<Vec<_>>().join(" "),
            if cut { "…" } else { "" }
        );
    }
    let mut out = String::with_capacity(fragment.len() + 16);
    let mut at = 0;
    for range in s.highlighted() {
        if range.start < at
            || !fragment.is_char_boundary(range.start)
            || !fragment.is_char_boundary(range.end)
        {
            continue;
        }
        if range.start == at && out.ends_with("**") {
            // Adjacent matches read as one: reopen nothing, extend the last one.
            out.truncate(out.len() - 2);
        } else {
            out.push_str(&fragment[at..range.start]);
            out.push_str("**");
        }
        out.push_str(&fragment[range.clone()]);
        out.push_str("**");
        at = range.end;
    }
    out.push_str(&fragment[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown without its markup, for snippets: emphasis, code ticks, headings, quotes,
/// table pipes and list bullets go; the words stay.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start();
        let line = line.trim_start_matches(['#', '>']).trim_start();
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .unwrap_or(line);
        if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue;
        }
        let cleaned = line
            .replace("**", "")
            .replace("__", "")
            .replace(['`', '|'], " ");
        out.push_str(cleaned.trim());
        out.push(' ');
    }
    out.trim_end().to_string()
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

/// Commits pending index changes in the background, so a change is searchable within
/// [`COMMIT_EVERY`] plus a commit; the last commit happens when it is dropped.
pub struct Committer {
    index: Arc<SearchIndex>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    /// Starts committing `index` in the background.
    pub fn start(index: Arc<SearchIndex>) -> Committer {
        let (stop, stopped) = mpsc::channel::<()>();
        let background = index.clone();
        let thread = std::thread::Builder::new()
            .name("lore-index-commit".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(COMMIT_EVERY)
                {
                    // A failed commit is retried on the next tick and on drop.
                    let _ = background.commit();
                }
            })
            .ok();
        Committer {
            index,
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = self.index.commit();
    }
}
