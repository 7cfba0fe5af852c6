//! A knowledge entry: FAQ, reply script, SOP or training item.

use serde::{Deserialize, Serialize};

use super::{EntryId, MemberId, Millis};
use crate::{Error, Result};

/// Most text one entry may hold, all fields together (UTF-8 bytes): a long SOP is tens of
/// KB; this bound keeps every document far below a sync frame and an import in memory.
pub const MAX_ENTRY_BYTES: usize = 512 * 1024;

/// Most text one contributed answer may hold (UTF-8 bytes).
pub const MAX_ANSWER_BYTES: usize = 32 * 1024;

/// The longest verification interval an entry may have: ten years, in days.
pub const MAX_VERIFY_EVERY_DAYS: u32 = 3650;

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Faq,
    Script,
    Sop,
    Training,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Faq, Kind::Script, Kind::Sop, Kind::Training];

    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Faq => "faq",
            Kind::Script => "script",
            Kind::Sop => "sop",
            Kind::Training => "training",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown kind `{s}`: use faq, script, sop or training"
                ))
            })
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where an entry is in its life. Deletion is `Archived`, so it replicates like any edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Published,
    Archived,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Draft, Status::Published, Status::Archived];

    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Status::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown status `{s}`: use draft, published or archived"
                ))
            })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// An answer a member contributed to an entry; a lead decides what becomes of it: adopted
/// as the team's reply, folded into the body, or dismissed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub id: String,
    pub author: MemberId,
    pub text: String,
    pub time: Millis,
    pub adopted: bool,
    /// Its text was moved into the entry's body (it keeps its author's credit there).
    #[serde(default)]
    pub folded: bool,
    /// A lead decided not to use it.
    #[serde(default)]
    pub dismissed: bool,
    /// Who decided (adopted, folded, dismissed) and when; empty and 0 while it waits.
    #[serde(default)]
    pub decided_by: MemberId,
    #[serde(default)]
    pub decided_at: Millis,
}

/// Where an answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerState {
    /// Awaiting a lead's decision.
    Open,
    Adopted,
    Folded,
    Dismissed,
}

impl Answer {
    pub fn state(&self) -> AnswerState {
        if self.adopted {
            AnswerState::Adopted
        } else if self.folded {
            AnswerState::Folded
        } else if self.dismissed {
            AnswerState::Dismissed
        } else {
            AnswerState::Open
        }
    }
}

/// One knowledge entry with every field of every kind; fields a kind does not use stay empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub kind: Kind,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Alternative questions: how customers phrase it.
    pub questions: Vec<String>,
    /// Sorted, without duplicates.
    pub tags: Vec<String>,
    pub category: String,
    /// Scripts only, unique within a library (e.g. `#2`).
    pub shortcode: String,
    pub status: Status,
    /// Internal entries are not to be sent to customers.
    pub internal: bool,
    pub answers: Vec<Answer>,
    /// Training: who the customer is in the role-play.
    pub persona: String,
    /// Training: the customer's first message.
    pub opening: String,
    /// Training: the customer's further turns, in order.
    pub turns: Vec<String>,
    /// Training: what the agent must hit.
    pub key_points: Vec<String>,
    /// Training, a multiple-choice quiz: the choices, the right ones starting with `*`;
    /// the opening is the question and the body the explanation.
    #[serde(default)]
    pub options: Vec<String>,
    /// Ids of related entries (training items link what they teach).
    pub links: Vec<EntryId>,
    pub created_at: Millis,
    pub created_by: MemberId,
    /// The member who keeps the entry right (shown by roster name); with the leads, the
    /// only one whose verification counts (`crate::freshness`).
    #[serde(default)]
    pub owner: Option<MemberId>,
    /// How often, in days, the entry is to be checked; `None`: the team's default for
    /// published FAQs, scripts and SOPs, none for training items.
    #[serde(default)]
    pub verify_every_days: Option<u32>,
}

impl Entry {
    /// A new, empty published entry of `kind`; the library fills id and creation fields.
    pub fn new(kind: Kind, title: impl Into<String>) -> Entry {
        Entry {
            id: String::new(),
            kind,
            title: title.into(),
            body: String::new(),
            questions: Vec::new(),
            tags: Vec::new(),
            category: String::new(),
            shortcode: String::new(),
            status: Status::Published,
            internal: false,
            answers: Vec::new(),
            persona: String::new(),
            opening: String::new(),
            turns: Vec::new(),
            key_points: Vec::new(),
            options: Vec::new(),
            links: Vec::new(),
            created_at: 0,
            created_by: String::new(),
            owner: None,
            verify_every_days: None,
        }
    }

    /// Puts fields in canonical form: trimmed title, sorted unique tags, no empty list items.
    pub fn normalise(&mut self) {
        self.title = self.title.trim().to_string();
        self.category = self.category.trim().to_string();
        self.shortcode = self.shortcode.trim().to_string();
        for list in [
            &mut self.questions,
            &mut self.turns,
            &mut self.key_points,
            &mut self.options,
            &mut self.links,
        ] {
            list.iter_mut().for_each(|s| *s = s.trim().to_string());
            list.retain(|s| !s.is_empty());
        }
        self.tags.iter_mut().for_each(|t| *t = t.trim().to_string());
        self.tags.retain(|t| !t.is_empty());
        self.tags.sort();
        self.tags.dedup();
        if self.owner.as_ref().is_some_and(|o| o.trim().is_empty()) {
            self.owner = None;
        }
    }

    /// Checks the rules every stored entry keeps (an empty id is allowed: one is assigned).
    pub fn validate(&self) -> Result<()> {
        self.check_size()?;
        if self.title.trim().is_empty() {
            return Err(Error::invalid(
                "the title is empty; every entry needs a title",
            ));
        }
        if !self.shortcode.is_empty() {
            if self.kind != Kind::Script {
                return Err(Error::invalid(format!(
                    "only scripts have shortcodes, but this entry is a {}",
                    self.kind
                )));
            }
            if self.shortcode.chars().any(char::is_whitespace) {
                return Err(Error::invalid(format!(
                    "shortcode `{}` contains spaces; use one word such as #2",
                    self.shortcode
                )));
            }
        }
        if let Some(days) = self.verify_every_days
            && !(1..=MAX_VERIFY_EVERY_DAYS).contains(&days)
        {
            return Err(Error::invalid(format!(
                "a verification interval is 1 to {MAX_VERIFY_EVERY_DAYS} days, not {days}"
            )));
        }
        if self.answers.iter().filter(|a| a.adopted).count() > 1 {
            return Err(Error::invalid(
                "more than one answer is adopted; adopt at most one answer per entry",
            ));
        }
        if self.id.is_empty() {
            Ok(())
        } else {
            super::id::validate_entry_id(&self.id)
        }
    }

    /// Refuses an entry past the size limits ([`MAX_ENTRY_BYTES`] of text in all,
    /// [`MAX_ANSWER_BYTES`] per answer): on add, edit, import and on receipt from a peer.
    pub fn check_size(&self) -> Result<()> {
        if let Some(answer) = self
            .answers
            .iter()
            .find(|a| a.text.len() > MAX_ANSWER_BYTES)
        {
            return Err(Error::invalid(format!(
                "answer {} is {} KB; an answer may be at most {} KB — shorten it or put the \
                 detail in the entry's body",
                answer.id,
                answer.text.len() / 1024,
                MAX_ANSWER_BYTES / 1024
            )));
        }
        let total = self.text_len();
        if total > MAX_ENTRY_BYTES {
            return Err(Error::invalid(format!(
                "the entry is {} KB of text; an entry may be at most {} KB — split it into \
                 several entries and link them",
                total / 1024,
                MAX_ENTRY_BYTES / 1024
            )));
        }
        Ok(())
    }

    /// The UTF-8 size of all the entry's text, answers included: what size limits and
    /// "raw text" in storage budgets measure.
    pub fn text_len(&self) -> usize {
        let texts = [
            &self.title,
            &self.body,
            &self.category,
            &self.shortcode,
            &self.persona,
            &self.opening,
        ];
        let lists = [
            &self.questions,
            &self.tags,
            &self.turns,
            &self.key_points,
            &self.options,
            &self.links,
        ];
        texts.iter().map(|s| s.len()).sum::<usize>()
            + lists
                .iter()
                .flat_map(|l| l.iter())
                .map(String::len)
                .sum::<usize>()
            + self.answers.iter().map(|a| a.text.len()).sum::<usize>()
    }

    /// The adopted answer, if the team chose one.
    pub fn adopted_answer(&self) -> Option<&Answer> {
        self.answers.iter().find(|a| a.adopted)
    }

    /// Adds `author`'s answer (trimmed; an empty one is refused) and returns its id.
    pub fn contribute(&mut self, author: &str, text: &str) -> Result<String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid(
                "the answer is empty; write what you would reply",
            ));
        }
        let id = super::new_token(8);
        self.answers.push(Answer {
            id: id.clone(),
            author: author.to_string(),
            text: text.to_string(),
            time: super::now_millis(),
            ..Answer::default()
        });
        Ok(id)
    }

    /// Makes answer `answer` the team's best practice (the others lose the mark); an id
    /// this entry has no answer for is refused.
    pub fn adopt(&mut self, answer: &str) -> Result<()> {
        self.answer_index(answer)?;
        for a in &mut self.answers {
            a.adopted = a.id == answer;
        }
        Ok(())
    }

    /// A lead's decision on answer `answer`, recorded with who made it and when.
    pub fn decide(&mut self, answer: &str, decision: AnswerState, by: &str) -> Result<()> {
        let i = self.answer_index(answer)?;
        match decision {
            AnswerState::Adopted => self.adopt(answer)?,
            AnswerState::Folded => {
                let text = self.answers[i].text.trim().to_string();
                let body = self.body.trim_end();
                self.body = if body.is_empty() {
                    text
                } else {
                    format!("{body}\n\n{text}")
                };
                let a = &mut self.answers[i];
                (a.adopted, a.folded, a.dismissed) = (false, true, false);
            }
            AnswerState::Dismissed => {
                let a = &mut self.answers[i];
                (a.adopted, a.folded, a.dismissed) = (false, false, true);
            }
            AnswerState::Open => {
                let a = &mut self.answers[i];
                (a.adopted, a.folded, a.dismissed) = (false, false, false);
            }
        }
        let a = &mut self.answers[i];
        a.decided_by = by.to_string();
        a.decided_at = super::now_millis();
        Ok(())
    }

    fn answer_index(&self, answer: &str) -> Result<usize> {
        self.answers
            .iter()
            .position(|a| a.id == answer)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "entry {} has no answer {answer}; `lore show {}` lists its answers",
                    self.id, self.id
                ))
            })
    }
}
