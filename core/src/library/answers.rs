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

    /// Makes one of entry `id`'s answers the team's best practice.
    pub fn adopt_answer(&mut self, id: &str, answer: &str) -> Result<Entry> {
        self.edit(id, |e| e.adopt(answer))
    }

    /// The categories and tags the library's entries use, for filters and the editor.
    pub fn vocabulary(&self) -> Vocabulary {
        let rows = self.list(&ListFilter::default());
        let mut categories: Vec<String> = rows
            .iter()
            .map(|r| r.category.clone())
            .filter(|c| !c.is_empty())
            .collect();
        let mut tags: Vec<String> = rows.iter().flat_map(|r| r.tags.clone()).collect();
        for list in [&mut categories, &mut tags] {
            list.sort();
            list.dedup();
        }
        Vocabulary { categories, tags }
    }
}
