//! What the agent asked, for the team's query log: the search box's text once the agent
//! stopped typing for [`SETTLED`] and its results are in (search-as-you-type must not log
//! every keystroke), a pasted customer message likewise, and what followed — an entry
//! opened from the results, a reply copied. The worker writes them to the agent's ledger.

use std::time::{Duration, Instant};

use lore_core::insights::{After, Asked};

use crate::gui::jobs::{Done, Job};

/// How long a question must stay unchanged before it counts as asked.
pub const SETTLED: Duration = Duration::from_millis(1500);

/// The question on screen: its kind, text, and whether anything was found for it (none
/// while its answer is not in).
pub type OnScreen<'a> = Option<(Asked, &'a str, Option<bool>)>;

#[derive(Debug)]
struct Current {
    asked: Asked,
    text: String,
    since: Instant,
    logged: bool,
}

/// Follows the question on screen from frame to frame.
#[derive(Debug, Default)]
pub struct Questions {
    current: Option<Current>,
    /// The entry whose reply was just copied.
    copied: Option<String>,
}

impl Questions {
    /// Notes a copy the worker confirmed.
    pub fn absorb(&mut self, done: &Done) {
        if let Done::Copied { id, .. } = done {
            self.copied = Some(id.clone());
        }
    }

    /// Compares the question on screen with the last frame's, and looks at the jobs this
    /// frame sends; returns the questions to log.
    pub fn frame(&mut self, ctx: &egui::Context, shown: OnScreen, jobs: &[Job]) -> Vec<Job> {
        let mut out = Vec::new();
        let shown = shown.filter(|(_, text, _)| !text.trim().is_empty());
        let same = match (&self.current, &shown) {
            (Some(c), Some((asked, text, _))) => c.asked == *asked && c.text == *text,
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.current = shown.map(|(asked, text, _)| Current {
                asked,
                text: text.to_string(),
                since: Instant::now(),
                logged: false,
            });
        }
        let found = shown.and_then(|(_, _, found)| found);
        let Some(current) = &mut self.current else {
            self.copied = None;
            return out;
        };
        let log = |current: &mut Current, after: After, out: &mut Vec<Job>| {
            if !current.logged {
                current.logged = true;
                out.push(job(
                    current,
                    After::Asked {
                        found: found.unwrap_or(true),
                    },
                ));
            }
            if !matches!(after, After::Asked { .. }) {
                out.push(job(current, after));
            }
        };
        for j in jobs {
            if let Job::Show(_) = j {
                log(current, After::Opened, &mut out);
            }
        }
        if let Some(id) = self.copied.take() {
            log(current, After::Copied(id), &mut out);
        }
        if !current.logged && found.is_some() {
            let waited = current.since.elapsed();
            if waited >= SETTLED {
                log(current, After::Asked { found: true }, &mut out);
            } else {
                ctx.request_repaint_after(SETTLED - waited);
            }
        }
        out
    }
}

/// A copy made from the quick picker: the picker's text as a search, and the copy after
/// it (nothing when nothing was typed: a favourite picked).
pub fn picked(query: &str, done: &Done) -> Vec<Job> {
    let Done::Copied { id, .. } = done else {
        return Vec::new();
    };
    if query.trim().is_empty() {
        return Vec::new();
    }
    let current = Current {
        asked: Asked::Search,
        text: query.to_string(),
        since: Instant::now(),
        logged: true,
    };
    vec![
        job(&current, After::Asked { found: true }),
        job(&current, After::Copied(id.clone())),
    ]
}

fn job(current: &Current, after: After) -> Job {
    Job::LogQuery {
        asked: current.asked,
        text: current.text.clone(),
        after,
    }
}
