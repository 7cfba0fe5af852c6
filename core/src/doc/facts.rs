//! What an entry document says about who contributed to it, read from its operations and
//! signatures alone (never from the names its fields claim): who created it, who wrote
//! each sentence and character of its body, who added each answer and who decided on it.
//! The same on every replica; kept beside the document's heads so it is read again only
//! when the document changes.

use automerge::{AutoCommit, ChangeHash, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use super::blame::{answers, chars_by, entry_authors, sentences, text_at};
use crate::Result;
use crate::model::{AnswerState, MemberId, Millis};

/// Who contributed what to one entry. A member is named only where their signed change
/// did it; otherwise the name is empty and nobody is credited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFacts {
    /// The member whose change created the entry.
    pub created_by: MemberId,
    pub created_at: Millis,
    /// Characters of the body each member wrote (white space not counted).
    pub body: Vec<(MemberId, u32)>,
    /// Each sentence of the body: the member who wrote most of it, and when.
    pub sentences: Vec<(MemberId, Millis)>,
    pub answers: Vec<AnswerFacts>,
}

/// One answer: who added it, where it stands, and who decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerFacts {
    pub id: String,
    pub author: MemberId,
    pub time: Millis,
    pub state: AnswerState,
    /// The member whose change made the decision; empty while the answer waits.
    pub decided_by: MemberId,
    pub decided_at: Millis,
}

impl EntryFacts {
    /// The members credited for the body, each with their share of its characters.
    /// None when no character of the body can be put to a name.
    pub fn shares(&self) -> impl Iterator<Item = (&str, f64)> {
        let total: u32 = self.body.iter().map(|(_, n)| n).sum();
        self.body
            .iter()
            .filter(move |_| total > 0)
            .map(move |(m, n)| (m.as_str(), f64::from(*n) / f64::from(total)))
    }
}

/// The facts of an entry document; `verify` says whether a change's signature checks out.
pub(crate) fn entry_facts(
    doc: &mut AutoCommit,
    verify: &dyn Fn(&ChangeHash, &MemberId) -> bool,
) -> Result<EntryFacts> {
    let authors = entry_authors(doc, verify)?;
    let mut facts = EntryFacts::default();
    if let Some(first) = doc
        .get_changes_meta(&[])
        .into_iter()
        .find(|c| c.deps.is_empty())
    {
        let member = super::member_of_actor(&first.actor).unwrap_or_default();
        if verify(&first.hash, &member) {
            facts.created_by = member;
        }
        facts.created_at = first.timestamp * 1000;
    }
    let doc = &*doc;
    let body = text_at(doc, &ROOT, "body")?;
    facts.body = chars_by(doc, &body, &authors).into_iter().collect();
    facts.sentences = sentences(doc, &body, &authors)
        .into_iter()
        .map(|s| (if s.verified { s.author } else { String::new() }, s.time))
        .collect();
    for (answer, id) in answers(doc)? {
        let added = authors.of(&answer);
        let author = if added.verified {
            added.writer
        } else {
            String::new()
        };
        let mut state = AnswerState::Open;
        let (mut decided_by, mut decided_at) = (String::new(), 0);
        for (field, meaning) in [
            ("adopted", AnswerState::Adopted),
            ("folded", AnswerState::Folded),
            ("dismissed", AnswerState::Dismissed),
        ] {
            if let Some((value, op)) = doc.get(&answer, field)?
                && value.as_bool() == Some(true)
            {
                state = meaning;
                let by = authors.of(&op);
                if by.verified {
                    decided_by = by.writer;
                }
                decided_at = by.time;
                break;
            }
        }
        facts.answers.push(AnswerFacts {
            id,
            author,
            time: added.time,
            state,
            decided_by,
            decided_at,
        });
    }
    Ok(facts)
}
