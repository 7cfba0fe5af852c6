//! The layout of an entry document.
//!
//! Text people co-edit (title, body, persona, opening, answer text) is automerge text,
//! updated by diffing so only the difference becomes operations. Tags are a map used as a
//! set, so concurrent additions and removals of different tags all survive.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ROOT, ReadDoc};
use autosurgeon::{Hydrate, Reconcile, Text};

use crate::model::{Answer, Entry, Status};
use crate::{Error, Result};

const SCHEMA: u64 = 1;

#[derive(Debug, Clone, Reconcile, Hydrate)]
pub(crate) struct EntryDoc {
    schema: u64,
    id: String,
    kind: String,
    title: Text,
    body: Text,
    questions: Vec<String>,
    tags: BTreeMap<String, bool>,
    category: String,
    shortcode: String,
    status: String,
    internal: bool,
    answers: Vec<AnswerDoc>,
    persona: Text,
    opening: Text,
    turns: Vec<String>,
    key_points: Vec<String>,
    /// Entries written before quizzes have none.
    #[autosurgeon(missing = "Vec::new")]
    options: Vec<String>,
    links: Vec<String>,
    created_at: i64,
    created_by: String,
    /// Entries written before owners have none: empty is no owner.
    #[autosurgeon(missing = "Default::default")]
    owner: String,
    /// Days between verifications; 0 (and entries written before intervals): none.
    #[autosurgeon(missing = "Default::default")]
    verify_every_days: u64,
}

#[derive(Debug, Clone, Reconcile, Hydrate)]
struct AnswerDoc {
    #[key]
    id: String,
    author: String,
    text: Text,
    time: i64,
    adopted: bool,
    /// Answers written before leads' decisions have none of these.
    #[autosurgeon(missing = "Default::default")]
    folded: bool,
    #[autosurgeon(missing = "Default::default")]
    dismissed: bool,
    #[autosurgeon(missing = "Default::default")]
    decided_by: String,
    #[autosurgeon(missing = "Default::default")]
    decided_at: i64,
}

impl EntryDoc {
    /// The document for a brand-new entry.
    pub(crate) fn create(doc: &mut AutoCommit, entry: &Entry) -> Result<()> {
        let fresh = EntryDoc {
            schema: SCHEMA,
            id: entry.id.clone(),
            kind: entry.kind.as_str().to_string(),
            title: Text::with_value(&entry.title),
            body: Text::with_value(&entry.body),
            questions: entry.questions.clone(),
            tags: entry.tags.iter().map(|t| (t.clone(), true)).collect(),
            category: entry.category.clone(),
            shortcode: entry.shortcode.clone(),
            status: entry.status.as_str().to_string(),
            internal: entry.internal,
            answers: entry.answers.iter().map(AnswerDoc::fresh).collect(),
            persona: Text::with_value(&entry.persona),
            opening: Text::with_value(&entry.opening),
            turns: entry.turns.clone(),
            key_points: entry.key_points.clone(),
            options: entry.options.clone(),
            links: entry.links.clone(),
            created_at: entry.created_at,
            created_by: entry.created_by.clone(),
            owner: entry.owner.clone().unwrap_or_default(),
            verify_every_days: entry.verify_every_days.map_or(0, u64::from),
        };
        autosurgeon::reconcile(doc, &fresh)?;
        Ok(())
    }

    /// Applies the fields of `new` to the document as minimal operations.
    pub(crate) fn update(doc: &mut AutoCommit, new: &Entry) -> Result<()> {
        let mut current: EntryDoc = autosurgeon::hydrate(doc)?;
        current.title.update(&new.title);
        current.body.update(&new.body);
        current.persona.update(&new.persona);
        current.opening.update(&new.opening);
        current.kind = new.kind.as_str().to_string();
        current.questions = new.questions.clone();
        current.tags = new.tags.iter().map(|t| (t.clone(), true)).collect();
        current.category = new.category.clone();
        current.shortcode = new.shortcode.clone();
        if resolve_status(doc, &current.status)? != new.status {
            current.status = new.status.as_str().to_string();
        }
        current.internal = new.internal;
        let mut old_answers: BTreeMap<String, AnswerDoc> = std::mem::take(&mut current.answers)
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        current.answers = new
            .answers
            .iter()
            .map(|a| match old_answers.remove(&a.id) {
                Some(mut old) => {
                    old.text.update(&a.text);
                    old.author = a.author.clone();
                    old.time = a.time;
                    old.adopted = a.adopted;
                    old.folded = a.folded;
                    old.dismissed = a.dismissed;
                    old.decided_by = a.decided_by.clone();
                    old.decided_at = a.decided_at;
                    old
                }
                None => AnswerDoc::fresh(a),
            })
            .collect();
        current.turns = new.turns.clone();
        current.key_points = new.key_points.clone();
        current.options = new.options.clone();
        current.links = new.links.clone();
        current.owner = new.owner.clone().unwrap_or_default();
        current.verify_every_days = new.verify_every_days.map_or(0, u64::from);
        autosurgeon::reconcile(doc, &current)?;
        Ok(())
    }
}

impl AnswerDoc {
    fn fresh(a: &Answer) -> AnswerDoc {
        AnswerDoc {
            id: a.id.clone(),
            author: a.author.clone(),
            text: Text::with_value(&a.text),
            time: a.time,
            adopted: a.adopted,
            folded: a.folded,
            dismissed: a.dismissed,
            decided_by: a.decided_by.clone(),
            decided_at: a.decided_at,
        }
    }
}

/// Reads an entry out of its document.
pub(crate) fn read_entry(doc: &AutoCommit) -> Result<Entry> {
    let d: EntryDoc = autosurgeon::hydrate(doc)?;
    if d.schema > SCHEMA {
        return Err(Error::Document(format!(
            "entry {} was written by a newer version of Lore (schema {}); update Lore",
            d.id, d.schema
        )));
    }
    let status = resolve_status(doc, &d.status)?;
    Ok(Entry {
        id: d.id,
        kind: d.kind.parse()?,
        title: d.title.as_str().to_string(),
        body: d.body.as_str().to_string(),
        questions: d.questions,
        tags: d.tags.into_keys().collect(),
        category: d.category,
        shortcode: d.shortcode,
        status,
        internal: d.internal,
        answers: d
            .answers
            .into_iter()
            .map(|a| Answer {
                id: a.id,
                author: a.author,
                text: a.text.as_str().to_string(),
                time: a.time,
                adopted: a.adopted,
                folded: a.folded,
                dismissed: a.dismissed,
                decided_by: a.decided_by,
                decided_at: a.decided_at,
            })
            .collect(),
        persona: d.persona.as_str().to_string(),
        opening: d.opening.as_str().to_string(),
        turns: d.turns,
        key_points: d.key_points,
        options: d.options,
        links: d.links,
        created_at: d.created_at,
        created_by: d.created_by,
        owner: (!d.owner.is_empty()).then_some(d.owner),
        verify_every_days: u32::try_from(d.verify_every_days)
            .ok()
            .filter(|&days| days > 0),
    })
}

/// Concurrent status changes resolve with archive winning: if any replica archived the entry
/// while another edited it, the entry stays archived (with every edit kept) until someone
/// sets a status again. Otherwise automerge's deterministic winner stands.
fn resolve_status(doc: &AutoCommit, winner: &str) -> Result<Status> {
    let archived = doc.get_all(ROOT, "status")?.iter().any(|(value, _)| {
        value
            .as_str()
            .is_some_and(|s| s == Status::Archived.as_str())
    });
    if archived {
        Ok(Status::Archived)
    } else {
        winner.parse()
    }
}
