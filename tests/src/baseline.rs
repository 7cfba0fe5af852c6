//! The baseline the evaluation compares against: a plain tantivy index with the default
//! tokenizer and QueryParser over the raw input — what a team gets without Lore's analysis.

use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, TantivyDocument};

use lore_core::{Entry, Error, Result, Status};

/// A default-tokenizer index of a set of entries.
pub struct Baseline {
    index: Index,
    reader: IndexReader,
    parser: QueryParser,
}

impl std::fmt::Debug for Baseline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Baseline").finish_non_exhaustive()
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Search(e.to_string())
}

impl Baseline {
    /// Indexes the entries that are not archived into a new index in `dir`.
    pub fn build(dir: &Path, entries: &[Entry]) -> Result<Baseline> {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING | STORED);
        let title = b.add_text_field("title", TEXT);
        let questions = b.add_text_field("questions", TEXT);
        let body = b.add_text_field("body", TEXT);
        let index = Index::create_in_dir(dir, b.build()).map_err(err)?;
        let mut writer = index.writer_with_num_threads(1, 50_000_000).map_err(err)?;
        for e in entries.iter().filter(|e| e.status != Status::Archived) {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, &e.id);
            doc.add_text(title, &e.title);
            for q in &e.questions {
                doc.add_text(questions, q);
            }
            doc.add_text(body, &e.body);
            writer.add_document(doc).map_err(err)?;
        }
        writer.commit().map_err(err)?;
        let reader = index.reader().map_err(err)?;
        let parser = QueryParser::for_index(&index, vec![title, questions, body]);
        Ok(Baseline {
            index,
            reader,
            parser,
        })
    }

    /// The ids of the best `limit` entries for `text`, parsed leniently by QueryParser.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<String>> {
        let (query, _) = self.parser.parse_query_lenient(text);
        let searcher = self.reader.searcher();
        let id = self.index.schema().get_field("id").map_err(err)?;
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())
            .map_err(err)?;
        let mut ids = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(err)?;
            if let Some(v) = doc.get_first(id).and_then(|v| v.as_str()) {
                ids.push(v.to_string());
            }
        }
        Ok(ids)
    }
}
