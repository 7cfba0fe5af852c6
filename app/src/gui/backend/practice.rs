//! Practice in the worker: the items to practise (assigned first) with this member's
//! standing, the trainer's grid, a scenario to play, and an attempt scored and kept.

use anyhow::Result;
use lore_core::Kind;

use super::worker::Worker;
use crate::gui::jobs::{Done, PracticeView};

impl Worker {
    /// The Practice tab's view: every training item (assigned to this member first), this
    /// member's cell for each, what changed under their results, and for trainers the grid.
    pub(super) fn practice_view(&self) -> Result<Done> {
        let mut library = self.library()?;
        let me = library.writer().member.clone();
        let grid = library.training_grid()?;
        let mine = grid
            .rows
            .iter()
            .find(|(m, _, _)| *m == me)
            .map(|(_, _, cells)| cells.clone())
            .unwrap_or_default();
        let rows: Vec<(String, String, String)> = library
            .list(&lore_core::ListFilter {
                kind: Some(Kind::Training),
                ..Default::default()
            })
            .iter()
            .map(|r| (r.id.clone(), r.title.clone(), r.category.clone()))
            .collect();
        let mut items: Vec<(String, String)> = rows
            .iter()
            .map(|(id, title, _)| (id.clone(), title.clone()))
            .collect();
        // Assigned items first, the soonest due first.
        let due = |id: &str| mine.iter().find(|c| c.item == id).and_then(|c| c.due);
        items.sort_by_key(|(id, _)| due(id).map_or((1, 0), |d| (0, d)));
        let mut stale = Vec::new();
        if let Some(last) = library.attempts(&me)?.last().cloned() {
            for changed in library.changed_since(&last)? {
                stale.push((last.item.clone(), changed));
            }
        }
        let trainer = matches!(
            library.my_role(),
            Ok(lore_core::Role::Admin | lore_core::Role::Trainer)
        );
        let mut categories: Vec<String> = rows
            .into_iter()
            .map(|(_, _, category)| category)
            .filter(|c| !c.is_empty())
            .collect();
        categories.sort();
        categories.dedup();
        let sets = categories
            .into_iter()
            .filter_map(|c| Some((c.clone(), library.training_set(&c).ok()?)))
            .collect();
        Ok(Done::Practice(Box::new(PracticeView {
            items,
            sets,
            mine,
            stale,
            grid: trainer.then_some(grid),
        })))
    }

    /// A trainer's assignment; the tab's view again.
    pub(super) fn assign(
        &self,
        items: &[String],
        to: lore_core::training::Assignee,
        due: i64,
        pass: u32,
    ) -> Result<Done> {
        self.library()?.assign_set(items, &to, due, pass)?;
        self.changed();
        self.practice_view()
    }

    /// A scenario to play, with the team's model replies (its linked scripts' and FAQs').
    pub(super) fn scenario(&self, id: &str) -> Result<Done> {
        let mut library = self.library()?;
        let entry = library.get(id)?;
        let mut models: Vec<(String, String)> = entry
            .links
            .iter()
            .filter_map(|l| library.reply(l, None).ok())
            .map(|r| (r.title, r.text))
            .collect();
        // A quiz's body explains its answer: shown first with the result.
        if !entry.options.is_empty() && !entry.body.trim().is_empty() {
            let explained = lore_core::reply::chat_text(&entry.body);
            models.insert(0, ("解析".to_string(), explained));
        }
        Ok(Done::Scenario {
            entry: Box::new(entry),
            models,
        })
    }

    /// A quiz of `count` questions from the team's FAQs, drawn afresh each time.
    pub(super) fn quiz(&self, count: usize) -> Result<Done> {
        let seed = lore_core::model::now_millis().unsigned_abs();
        Ok(Done::Quiz(self.library()?.generate_quiz(count, seed)?))
    }

    /// Scores a quiz and keeps the attempt in this member's ledger.
    pub(super) fn answer_quiz(
        &self,
        questions: &[lore_core::training::QuizQuestion],
        chosen: &[Option<usize>],
        seconds: u32,
    ) -> Result<Done> {
        let attempt = self.library()?.answer_quiz(questions, chosen, seconds)?;
        self.changed();
        Ok(Done::Attempted(Box::new(attempt)))
    }

    /// Scores an attempt and keeps it in this member's ledger.
    pub(super) fn attempt(&self, id: &str, replies: &[String], seconds: u32) -> Result<Done> {
        let attempt = self.library()?.practice(id, replies, seconds)?;
        self.changed();
        Ok(Done::Attempted(Box::new(attempt)))
    }
}
