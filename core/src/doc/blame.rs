//! Who wrote each sentence of a text: automerge keeps, for every character, the operation
//! that inserted it, and an operation's id names its actor, which names its member (see
//! [`super::proof`]). A sentence is credited to the member who inserted most of its
//! characters; the others who inserted some are named too. Read from the document alone,
//! so it comes out the same on every replica. Text a lead folded in from an answer is its
//! author's (see [`entry_authors`]).

use std::collections::BTreeMap;

use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use serde::Serialize;

use super::authors::Authors;
use crate::model::{MemberId, Millis};
use crate::{Error, Result};

/// Where a sentence ends (the mark stays with it).
const ENDS: [char; 8] = ['。', '！', '？', '!', '?', '；', ';', '\n'];

/// One sentence of a text and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub text: String,
    /// The member who inserted most of its characters (empty: none Lore can name).
    pub author: MemberId,
    /// Others who inserted some of it, most first.
    pub others: Vec<MemberId>,
    /// When its newest character was written (ms since the epoch).
    pub time: Millis,
    /// Whether every change that wrote it carries its author's valid signature.
    pub verified: bool,
}

/// A character's author and change, as the text holds it.
struct Written {
    member: MemberId,
    time: Millis,
    verified: bool,
}

/// Who wrote an entry's body and each of its answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EntryBlame {
    pub body: Vec<Sentence>,
    pub answers: Vec<AnswerBlame>,
}

/// The sentences of one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerBlame {
    pub id: String,
    pub sentences: Vec<Sentence>,
}

/// The authorship index of an entry document with its folds credited: the characters a
/// lead's fold re-inserted into the body are the folded answer's author's. Only the fold's
/// own change is re-credited, so a fold can give away its writer's characters but never
/// take anyone else's.
pub(crate) fn entry_authors<'a>(
    doc: &mut AutoCommit,
    verify: &'a dyn Fn(&ChangeHash, &MemberId) -> bool,
) -> Result<Authors<'a>> {
    let mut authors = Authors::new(doc, verify);
    let mut credits = Vec::new();
    let doc = &*doc;
    for (answer, _) in answers(doc)? {
        let element = authors.of(&answer);
        if !element.verified || element.writer.is_empty() {
            continue;
        }
        for (value, op) in doc.get_all(&answer, "folded")? {
            if value.as_bool() == Some(true)
                && let Some(change) = authors.change_of(&op)
            {
                credits.push((change, element.writer.clone()));
            }
        }
    }
    for (change, member) in credits {
        authors.credit(change, member);
    }
    Ok(authors)
}

/// The answers of an entry document: each answer's object and its id.
pub(crate) fn answers(doc: &AutoCommit) -> Result<Vec<(ObjId, String)>> {
    let Some((Value::Object(ObjType::List), list)) = doc.get(ROOT, "answers")? else {
        return Ok(Vec::new());
    };
    let mut all = Vec::new();
    for item in doc.list_range(&list, ..) {
        let obj = item.id();
        let id = match doc.get(&obj, "id")? {
            Some((Value::Scalar(s), _)) => s.as_str().unwrap_or_default().to_string(),
            _ => String::new(),
        };
        all.push((obj, id));
    }
    Ok(all)
}

/// Who wrote the body and each answer of an entry document.
pub(crate) fn blame_entry(
    doc: &mut AutoCommit,
    verify: &dyn Fn(&ChangeHash, &MemberId) -> bool,
) -> Result<EntryBlame> {
    let authors = entry_authors(doc, verify)?;
    let doc = &*doc;
    let body = text_at(doc, &ROOT, "body")?;
    let mut blamed = EntryBlame {
        body: sentences(doc, &body, &authors),
        answers: Vec::new(),
    };
    for (answer, id) in answers(doc)? {
        if let Ok(text) = text_at(doc, &answer, "text") {
            blamed.answers.push(AnswerBlame {
                id,
                sentences: sentences(doc, &text, &authors),
            });
        }
    }
    Ok(blamed)
}

/// The text object at `field` of `obj`.
pub(crate) fn text_at(doc: &AutoCommit, obj: &ObjId, field: &str) -> Result<ObjId> {
    match doc.get(obj, field)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(id),
        _ => Err(Error::Document(format!(
            "the document has no text `{field}`"
        ))),
    }
}

/// Each character of text `text` with who wrote it.
fn written(doc: &AutoCommit, text: &ObjId, authors: &Authors) -> Vec<(String, Written)> {
    doc.list_range(text, ..)
        .map(|item| {
            let ch = match &item.value {
                automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            let op = authors.of(&item.id());
            (
                ch,
                Written {
                    member: op.member,
                    time: op.time,
                    verified: op.verified,
                },
            )
        })
        .collect()
}

/// How many characters (not counting white space) of text `text` each member wrote; only
/// signed characters count.
pub(crate) fn chars_by(
    doc: &AutoCommit,
    text: &ObjId,
    authors: &Authors,
) -> BTreeMap<MemberId, u32> {
    let mut counts = BTreeMap::new();
    for (c, w) in written(doc, text, authors) {
        if w.verified && !w.member.is_empty() && !c.trim().is_empty() {
            *counts.entry(w.member).or_default() += 1;
        }
    }
    counts
}

/// The sentences of text `text`, with their authors.
pub(crate) fn sentences(doc: &AutoCommit, text: &ObjId, authors: &Authors) -> Vec<Sentence> {
    let written = written(doc, text, authors);
    let mut sentences = Vec::new();
    let mut current: Vec<&(String, Written)> = Vec::new();
    for item in &written {
        current.push(item);
        if item.0.chars().last().is_some_and(|c| ENDS.contains(&c)) {
            sentences.extend(sentence(&current));
            current.clear();
        }
    }
    sentences.extend(sentence(&current));
    sentences
}

/// A sentence from its characters; none when it is only white space.
fn sentence(chars: &[&(String, Written)]) -> Option<Sentence> {
    let text: String = chars.iter().map(|(c, _)| c.as_str()).collect();
    if text.trim().is_empty() {
        return None;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (c, w) in chars {
        if !c.trim().is_empty() {
            *counts.entry(w.member.as_str()).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let author = ranked
        .first()
        .map(|(m, _)| m.to_string())
        .unwrap_or_default();
    let others = ranked.iter().skip(1).map(|(m, _)| m.to_string()).collect();
    let time = chars.iter().map(|(_, w)| w.time).max().unwrap_or(0);
    let verified = chars.iter().all(|(_, w)| w.verified);
    Some(Sentence {
        text: text.trim_end_matches('\n').to_string(),
        author,
        others,
        time,
        verified,
    })
}
