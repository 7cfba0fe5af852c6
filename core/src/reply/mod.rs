//! What an agent sends a customer: an entry's reply as chat-ready text, the blanks it
//! leaves to fill, and what to ask before it goes out. The app's copy button, the quick
//! picker and `lore copy` all take their text from here, so they paste the same thing.

mod chat;
mod fields;

pub use chat::{chat_text, table_at, table_cells};
pub use fields::{Filled, Placeholder, field_names, fill, placeholders};

use std::collections::BTreeMap;

use crate::model::{Entry, EntryId, Kind, MemberId, Status};
use crate::{Error, Result};

/// Where a reply's text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplySource {
    /// The entry's body (no answer is adopted).
    Body,
    /// The answer the team adopted (its id).
    Adopted(String),
    /// A contributed answer picked on its own (its id).
    Answer(String),
}

/// Why copying a reply asks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caution {
    /// The entry is for the team only (请勿对外发送).
    Internal,
    /// The entry is a draft: not yet approved to send.
    Draft,
    /// The entry is archived: no longer current.
    Archived,
}

impl Caution {
    /// Why, in a sentence (the command line's words; the app has its own).
    pub fn describe(self) -> &'static str {
        match self {
            Caution::Internal => "it is internal, for the team only",
            Caution::Draft => "it is a draft, not yet approved to send",
            Caution::Archived => "it is archived and may be out of date",
        }
    }
}

/// An entry's reply, ready for a chat window once its blanks are filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub entry: EntryId,
    pub title: String,
    pub source: ReplySource,
    /// Who wrote the answer, when the reply is one.
    pub author: Option<MemberId>,
    /// Chat-ready text (no Markdown); placeholders still in braces.
    pub text: String,
    /// The placeholders to fill, each once, in order.
    pub fields: Vec<String>,
    /// What to ask before sending; empty: nothing.
    pub cautions: Vec<Caution>,
}

impl Reply {
    /// The answer this reply is (adopted or chosen); none when it is the body.
    pub fn answer_id(&self) -> Option<&str> {
        match &self.source {
            ReplySource::Answer(id) | ReplySource::Adopted(id) => Some(id),
            ReplySource::Body => None,
        }
    }

    /// The reply with `values` filled in (name → value), and the names left unfilled.
    pub fn fill(&self, values: &BTreeMap<String, String>) -> Filled {
        fill(&self.text, values)
    }
}

/// Whether entries of `kind` are replies to customers: FAQs and scripts are; SOPs and
/// training items are for agents.
pub fn is_reply_kind(kind: Kind) -> bool {
    matches!(kind, Kind::Faq | Kind::Script)
}

/// The reply of `entry`: the answer `answer` when given, else the adopted answer, else
/// the body. SOPs and training items are refused: they are not sent to customers.
pub fn reply_of(entry: &Entry, answer: Option<&str>) -> Result<Reply> {
    if !is_reply_kind(entry.kind) {
        return Err(Error::invalid(format!(
            "{} “{}” is {}, which is for the team, not a reply to send a customer",
            entry.id,
            entry.title,
            match entry.kind {
                Kind::Sop => "an SOP",
                _ => "a training item",
            }
        )));
    }
    let (source, author, markdown) = match answer {
        Some(wanted) => {
            let a = entry
                .answers
                .iter()
                .find(|a| a.id == wanted)
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "entry {} has no answer {wanted}; `lore show {}` lists its answers",
                        entry.id, entry.id
                    ))
                })?;
            (
                ReplySource::Answer(a.id.clone()),
                Some(a.author.clone()),
                a.text.as_str(),
            )
        }
        None => match entry.adopted_answer() {
            Some(a) => (
                ReplySource::Adopted(a.id.clone()),
                Some(a.author.clone()),
                a.text.as_str(),
            ),
            None => (ReplySource::Body, None, entry.body.as_str()),
        },
    };
    let text = chat_text(markdown);
    let mut cautions = Vec::new();
    if entry.internal {
        cautions.push(Caution::Internal);
    }
    match entry.status {
        Status::Draft => cautions.push(Caution::Draft),
        Status::Archived => cautions.push(Caution::Archived),
        Status::Published => {}
    }
    Ok(Reply {
        entry: entry.id.clone(),
        title: entry.title.clone(),
        source,
        author,
        fields: field_names(&text),
        text,
        cautions,
    })
}
