//! Credit in the worker: copies with their solve marks, the board, what is behind a
//! member's numbers, and leads' decisions on answers.

use anyhow::Result;
use lore_core::AnswerState;
use lore_core::credit::Period;
use lore_core::model::now_millis;

use super::worker::Worker;
use crate::gui::jobs::{CreditsView, Done};

/// The period of the last `days` days (0: all time).
fn period(days: u32) -> Period {
    Period::last_days(days, now_millis())
}

impl Worker {
    /// Counts a copy of the entry's reply (answer `answer`, or the body) as a use.
    pub(super) fn copy(&self, id: String, text: String, answer: Option<&str>) -> Result<Done> {
        let recorded = self.library()?.record_copy(&id, answer)?;
        self.changed();
        Ok(Done::Copied {
            id,
            text,
            uses: recorded.uses,
            key: recorded.key,
        })
    }

    /// Who wrote entry `id`, and its record over all time.
    pub(super) fn authors(&self, id: &str) -> Result<Done> {
        let mut library = self.library()?;
        Ok(Done::Authors {
            id: id.to_string(),
            blame: Box::new(library.blame(id)?),
            credit: Box::new(library.entry_credit(id, Period::ALL)?),
        })
    }

    /// Marks a copy as having solved the customer's problem or not.
    pub(super) fn mark_solved(&self, key: &str, solved: bool) -> Result<Done> {
        self.library()?.mark_copy(key, solved)?;
        self.changed();
        Ok(Done::Marked { solved })
    }

    /// The Credits tab's view for the last `days` days.
    pub(super) fn credits(&self, days: u32) -> Result<Done> {
        let mut library = self.library()?;
        let board = library.credits(period(days))?;
        let lead = matches!(
            library.my_role(),
            Ok(lore_core::Role::Admin | lore_core::Role::Trainer)
        );
        let queue = if lead {
            library.review_queue()?
        } else {
            Vec::new()
        };
        let mine = library.my_answers()?;
        let names = library
            .team()?
            .members
            .into_iter()
            .map(|(id, m)| (id, m.name))
            .collect();
        Ok(Done::Credits(Box::new(CreditsView {
            days,
            board,
            lead,
            queue,
            mine,
            names,
        })))
    }

    /// What is behind `member`'s numbers for the last `days` days.
    pub(super) fn credit_detail(&self, member: &str, days: u32) -> Result<Done> {
        let mut library = self.library()?;
        let detail = library.credit_detail(member, period(days))?;
        let mut ids: Vec<&String> = detail.created.iter().collect();
        ids.extend(detail.sentences.iter().map(|(id, _)| id));
        ids.extend(detail.adopted.iter().map(|(id, _)| id));
        ids.extend(detail.uses.iter().map(|u| &u.entry));
        ids.sort();
        ids.dedup();
        let titles = ids
            .into_iter()
            .filter_map(|id| Some((id.clone(), library.row(id)?.title.clone())))
            .collect();
        Ok(Done::CreditDetail {
            detail: Box::new(detail),
            titles,
        })
    }

    /// A lead's decision on an answer; the tab's view again.
    pub(super) fn decide(
        &self,
        id: &str,
        answer: &str,
        decision: AnswerState,
        days: u32,
    ) -> Result<Done> {
        self.library()?.decide_answer(id, answer, decision)?;
        self.changed();
        self.credits(days)
    }
}
