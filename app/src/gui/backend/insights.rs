//! Insights in the worker: questions logged as the agent works, the Insights tab's view,
//! leads' decisions on candidate phrasings, the query log setting, the weekly report.

use std::path::PathBuf;

use anyhow::Result;
use lore_core::Role;
use lore_core::insights::{After, Asked, ReportFormat, render};

use super::exchange::write_whole;
use super::worker::Worker;
use crate::gui::jobs::{Done, InsightsView};

impl Worker {
    /// Logs a question or what followed it; when that wrote the ledger, teammates get it.
    pub(super) fn log_query(&self, asked: Asked, text: &str, after: After) -> Result<Done> {
        if self.library()?.log_query(asked, text, after)? {
            self.changed();
        }
        Ok(Done::Logged)
    }

    /// Writes questions that have waited long enough (between jobs); a failure is only
    /// logged, the questions wait for the next chance.
    pub(super) fn flush_questions(&self) {
        let Ok(mut library) = self.library() else {
            return;
        };
        match library.flush_due() {
            Ok(true) => {
                drop(library);
                self.changed();
            }
            Ok(false) => {}
            Err(e) => tracing::warn!("the questions asked were not logged yet: {e:#}"),
        }
    }

    /// The Insights tab's view for the last `days` days.
    pub(super) fn insights(&self, days: u32) -> Result<Done> {
        let mut library = self.library()?;
        let wrote = library.flush_queries()?;
        let insights = library.insights(days)?;
        let role = library.my_role().ok();
        let setting = library.query_log_setting()?;
        let team = library.team()?;
        let me = library.writer().member.clone();
        let mut decides = std::collections::BTreeSet::new();
        for c in &insights.candidates {
            if let Ok(entry) = library.get(&c.entry)
                && lore_core::freshness::may_verify(&team, &entry, &me)
            {
                decides.insert(c.entry.clone());
            }
        }
        drop(library);
        if wrote {
            self.changed();
        }
        Ok(Done::Insights(Box::new(InsightsView {
            days,
            insights,
            admin: role == Some(Role::Admin),
            decides,
            me,
            setting,
        })))
    }

    /// A lead's decision on a candidate phrasing; the tab's view again.
    pub(super) fn phrasing(&self, id: &str, text: &str, accept: bool, days: u32) -> Result<Done> {
        {
            let mut library = self.library()?;
            if accept {
                library.accept_phrasing(id, text)?;
            } else {
                library.dismiss_phrasing(id, text)?;
            }
        }
        self.changed();
        self.insights(days)
    }

    /// An admin's query log setting; the tab's view again.
    pub(super) fn query_log(&self, on: bool, keep: u32, days: u32) -> Result<Done> {
        self.library()?.set_query_log(Some(on), Some(keep))?;
        self.changed();
        self.insights(days)
    }

    /// Writes the report of the last `days` days to `path`.
    pub(super) fn report(&self, days: u32, path: PathBuf) -> Result<Done> {
        let insights = self.library()?.insights(days)?;
        let text = render(&insights, ReportFormat::of_path(&path));
        write_whole(&path, text.as_bytes())?;
        Ok(Done::Wrote {
            path,
            entries: None,
        })
    }
}
