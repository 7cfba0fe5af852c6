//! Freshness in the worker: an entry's state and whether this member may verify it, a
//! verification, and every entry's state with this member's queue.

use anyhow::Result;
use lore_core::freshness::may_verify;

use super::worker::Worker;
use crate::gui::jobs::Done;

impl Worker {
    /// Entry `id`'s freshness, and whether this member (its owner or a lead) may verify it.
    pub(super) fn freshness(&self, id: &str, verified: bool) -> Result<Done> {
        let mut library = self.library()?;
        let entry = library.get(id)?;
        let team = library.team()?;
        let me = library.writer().member.clone();
        let freshness = library.entry_freshness(id)?;
        Ok(Done::Fresh {
            id: id.to_string(),
            freshness: freshness.map(Box::new),
            may_verify: may_verify(&team, &entry, &me),
            verified,
        })
    }

    /// Records that this member checked entry `id`; answers with its freshness now.
    pub(super) fn verify(&self, id: &str) -> Result<Done> {
        self.library()?.verify(id)?;
        self.changed();
        self.freshness(id, true)
    }

    /// Every entry that needs checking and this member's queue.
    pub(super) fn fresh_list(&self) -> Result<Done> {
        let mut library = self.library()?;
        let me = library.writer().member.clone();
        let all = library.freshness()?;
        let states = all
            .iter()
            .filter(|f| f.state.needs_check())
            .map(|f| (f.id.clone(), f.state, f.owner.is_some()))
            .collect();
        let queue = all
            .into_iter()
            .filter(|f| f.state.needs_check() && f.owner.as_deref() == Some(me.as_str()))
            .collect();
        Ok(Done::FreshList { states, queue })
    }
}
