//! Entries and search: finding, showing, copying (a counted use), history, editing with
//! the version the editor holds, answers; and watching the entry being edited for
//! teammates' changes.

use anyhow::Result;
use lore_core::{CatalogRow, Entry, Hit, ListFilter, SearchRequest};

use super::worker::Worker;
use crate::gui::jobs::{Done, Query};

/// How many suggestions a customer message gets.
const SUGGESTIONS: usize = 8;

/// How many replies the quick picker lists.
const PICKED: usize = 8;

/// How many results a search shows.
const RESULTS: usize = 50;

impl Worker {
    /// The results for `query`; with nothing typed, the library by title.
    pub(super) fn search(&self, seq: u64, query: Query) -> Result<Done> {
        let mut library = self.library()?;
        let Query {
            text,
            kind,
            category,
            tag,
        } = query;
        let hits = if text.trim().is_empty() {
            let filter = ListFilter {
                kind,
                tag,
                category,
                ..ListFilter::default()
            };
            // This member's favourites, then the team's most used, then the rest by
            // title; drafts after everything published.
            let favourites = library.favourites()?;
            let uses = library.total_uses()?;
            let mut rows = library.list(&filter);
            rows.sort_by_key(|r| {
                let favourite = favourites.iter().position(|f| *f == r.id);
                (
                    r.status != lore_core::Status::Published,
                    favourite.unwrap_or(usize::MAX),
                    std::cmp::Reverse(uses.get(&r.id).copied().unwrap_or(0)),
                )
            });
            rows.into_iter().map(listed).collect()
        } else {
            library.search(&SearchRequest {
                text,
                kind,
                tag,
                category,
                status: None,
                limit: RESULTS,
            })?
        };
        Ok(Done::Hits { seq, hits })
    }

    /// The team's categories and tags, for the filters.
    pub(super) fn vocabulary(&self) -> Result<Done> {
        let lore_core::Vocabulary { categories, tags } = self.library()?.vocabulary();
        Ok(Done::Vocabulary { categories, tags })
    }

    /// The entry `id`.
    pub(super) fn show(&self, id: &str) -> Result<Done> {
        Ok(Done::Entry(Box::new(self.library()?.get(id)?)))
    }

    /// Pins or unpins a favourite reply; answers with the favourites now.
    pub(super) fn pin(&self, id: &str, pinned: bool) -> Result<Done> {
        let mut library = self.library()?;
        library.pin(id, pinned)?;
        let favourites = library.favourites()?;
        drop(library);
        self.changed();
        Ok(Done::Favourites(favourites))
    }

    /// Entries of any kind whose text matches `text`, to link from the editor.
    pub(super) fn find_links(&self, text: &str) -> Result<Done> {
        let hits = if text.trim().is_empty() {
            Vec::new()
        } else {
            self.library()?.search(&SearchRequest {
                text: text.to_string(),
                limit: 6,
                ..SearchRequest::default()
            })?
        };
        Ok(Done::LinkHits(hits))
    }

    /// The titles of the entries `ids` that exist.
    pub(super) fn titles(&self, ids: &[String]) -> Result<Done> {
        let library = self.library()?;
        let titles = ids
            .iter()
            .filter_map(|id| library.row(id))
            .map(|r| (r.id.clone(), r.title.clone()))
            .collect();
        Ok(Done::Titles(titles))
    }

    /// This member's favourite replies.
    pub(super) fn favourites(&self) -> Result<Done> {
        Ok(Done::Favourites(self.library()?.favourites()?))
    }

    /// The quick picker's list: published FAQs and scripts for `text`, or this member's
    /// favourites and the team's most used ones when nothing is typed (never a draft).
    pub(super) fn pick(&self, seq: u64, text: &str) -> Result<Done> {
        let mut library = self.library()?;
        let replies = |kind| lore_core::reply::is_reply_kind(kind);
        let hits = if text.trim().is_empty() {
            let favourites = library.favourites()?;
            let mut used: Vec<(String, u64)> = library.total_uses()?.into_iter().collect();
            used.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let rows = library.list(&ListFilter {
                status: Some(lore_core::Status::Published),
                ..Default::default()
            });
            // This member's favourites, the team's most used replies, then its scripts
            // by shortcode (the quick replies a new team has before anyone used one).
            let mut scripts: Vec<_> = rows
                .iter()
                .filter(|r| r.kind == lore_core::Kind::Script && !r.shortcode.is_empty())
                .collect();
            scripts.sort_by_key(|r| {
                let number = r.shortcode.trim_start_matches('#').parse::<u32>();
                (number.unwrap_or(u32::MAX), r.shortcode.clone())
            });
            let mut picked: Vec<Hit> = Vec::new();
            let most_used = favourites
                .iter()
                .chain(used.iter().map(|(id, _)| id))
                .filter_map(|id| library.row(id))
                .filter(|r| r.status == lore_core::Status::Published);
            for row in most_used.chain(scripts.into_iter().copied()) {
                if picked.len() == PICKED {
                    break;
                }
                if replies(row.kind) && !picked.iter().any(|h| h.id == row.id) {
                    picked.push(listed(row));
                }
            }
            picked
        } else {
            library
                .search(&SearchRequest {
                    text: text.to_string(),
                    status: Some(lore_core::Status::Published),
                    limit: PICKED * 2,
                    ..SearchRequest::default()
                })?
                .into_iter()
                .filter(|h| replies(h.kind))
                .take(PICKED)
                .collect()
        };
        Ok(Done::Picked { seq, hits })
    }

    /// The entry's reply (or one of its answers), chat-ready, for the copy dialog.
    pub(super) fn reply(&self, id: &str, answer: Option<&str>) -> Result<Done> {
        let mut library = self.library()?;
        Ok(Done::Reply {
            reply: Box::new(library.reply(id, answer)?),
            agent: library.writer().name.clone(),
        })
    }

    /// The entries that answer a whole customer message.
    pub(super) fn suggest(&self, seq: u64, text: &str) -> Result<Done> {
        Ok(Done::Suggestions {
            seq,
            groups: self.library()?.suggest_each(text, SUGGESTIONS)?,
        })
    }

    /// Who changed the entry, when and what, newest first, by member name.
    pub(super) fn history(&self, id: String) -> Result<Done> {
        let mut library = self.library()?;
        let team = library.team()?;
        let changes = library
            .history(&id)?
            .into_iter()
            .rev()
            .map(|c| {
                let who = if c.verified {
                    team.member_name(&c.member)
                } else {
                    "?".to_string()
                };
                (who, c.time, c.summary)
            })
            .collect();
        Ok(Done::History { id, changes })
    }

    /// The entry and the version it is at, to edit; from now on its changes are reported.
    pub(super) fn edit(&mut self, id: String) -> Result<Done> {
        let (entry, heads, tags) = {
            let mut library = self.library()?;
            let (entry, heads) = library.get_versioned(&id)?;
            (entry, heads, library.vocabulary().tags)
        };
        self.watching = Some((id, heads.clone()));
        Ok(Done::Editing {
            entry: Box::new(entry),
            heads,
            tags,
        })
    }

    /// Saves `entry` as an edit of the version `base` of `id` (a teammate's change since
    /// is merged), or as a new entry.
    pub(super) fn save(
        &mut self,
        id: Option<String>,
        base: &[String],
        entry: Entry,
    ) -> Result<Done> {
        let (entry, heads, own) = {
            let mut library = self.library()?;
            match id {
                Some(id) => library.edit_since(&id, base, entry)?,
                None => {
                    let id = library.add(entry)?;
                    let (entry, heads) = library.get_versioned(&id)?;
                    (entry, heads.clone(), heads)
                }
            }
        };
        self.watching = Some((entry.id.clone(), heads.clone()));
        self.changed();
        Ok(Done::Saved {
            entry: Box::new(entry),
            heads,
            own,
        })
    }

    /// The editor closed: its entry's changes are no longer reported.
    pub(super) fn stop_editing(&mut self) -> Result<Done> {
        self.watching = None;
        Ok(Done::Status(self.status.clone()))
    }

    /// Adds this member's answer to the entry.
    pub(super) fn contribute(&self, id: &str, text: &str) -> Result<Done> {
        let entry = self.library()?.contribute_answer(id, text)?;
        self.changed();
        Ok(Done::Entry(Box::new(entry)))
    }

    /// Marks one of the entry's answers as the team's best.
    pub(super) fn adopt(&self, id: &str, answer: &str) -> Result<Done> {
        let entry = self.library()?.adopt_answer(id, answer)?;
        self.changed();
        Ok(Done::Entry(Box::new(entry)))
    }

    /// The entry being edited, if it changed since the editor last heard of it.
    pub(super) fn watch(&mut self) -> Option<Done> {
        let (id, heads) = self.watching.clone()?;
        let (entry, now) = {
            let mut library = self.library().ok()?;
            // Heads first: the entry is read only when they moved.
            if library.entry_heads(&id).ok()? == heads {
                return None;
            }
            library.get_versioned(&id).ok()?
        };
        self.watching = Some((id, now.clone()));
        Some(Done::Changed {
            entry: Box::new(entry),
            heads: now,
        })
    }
}

/// A catalog row as a result without a score or snippet.
fn listed(row: &CatalogRow) -> Hit {
    Hit {
        id: row.id.clone(),
        kind: row.kind,
        title: row.title.clone(),
        score: 0.0,
        snippet: String::new(),
        status: row.status,
        shortcode: row.shortcode.clone(),
        internal: row.internal,
        category: row.category.clone(),
        weak: false,
        confidence: 0.0,
    }
}
