//! The team's answers to an entry, and the words the team files entries under.

use super::{Library, ListFilter};
use crate::Result;
use crate::model::Entry;

/// The categories and tags in use, each sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    pub categories: Vec<String>,
    pub tags: Vec<String>,
}

impl Library {
    /// Adds this writer's answer to entry `id`; returns the entry as it now is.
    pub fn contribute_answer(&mut self, id: &str, text: &str) -> Result<Entry> {
        let me = self.writer().member.clone();
        self.edit(id, |e| e.contribute(&me, text).map(drop))
    }

    /// Makes one of entry `id`'s answers the team's best practice: the reply agents copy
    /// (admins and trainers; see [`Library::decide_answer`]).
    pub fn adopt_answer(&mut self, id: &str, answer: &str) -> Result<Entry> {
        self.decide_answer(id, answer, crate::AnswerState::Adopted)
    }

    /// The categories and tags the library's entries use, for filters and the editor.
    pub fn vocabulary(&self) -> Vocabulary {
        let rows = self.list(&ListFilter::default());
        let mut categories: Vec<String> = rows
            .iter()
            .map(|r| r.category.clone())
            .filter(|c| !c.is_empty())
            .collect();
        let tags: Vec<String> = rows.iter().flat_map(|r| r.tags.clone()).collect();
        // The most used first, as an editor offers them; ties alphabetical.
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for tag in tags {
            *counts.entry(tag).or_default() += 1;
        }
        let mut tags: Vec<(String, usize)> = counts.into_iter().collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        categories.sort();
        categories.dedup();
        Vocabulary {
            categories,
            tags: tags.into_iter().map(|(tag, _)| tag).collect(),
        }
    }
}
