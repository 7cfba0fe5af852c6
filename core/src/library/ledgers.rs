//! Ledgers: one document per member, written only by that member, so counters never
//! conflict; team totals are sums over every ledger.

use std::collections::BTreeMap;

use super::Library;
use crate::doc::Copy;
use crate::doc::{self, DocKey};
use crate::model::{EntryId, Ledger, MemberId, now_millis};

/// A copy recorded: the entry's use count in the writer's ledger, and the key a solve
/// mark for it goes under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub uses: u64,
    pub key: String,
}
use crate::store::StoredDoc;
use crate::{Error, Result};

impl Library {
    /// The ledger of `member` (empty if they have none yet).
    pub fn ledger(&mut self, member: &str) -> Result<Ledger> {
        match self.doc_mut(&DocKey::ledger(member)) {
            Ok(stored) => doc::read_ledger(&stored.doc),
            Err(Error::NotFound(_)) => Ok(Ledger {
                member: member.to_string(),
                ..Ledger::default()
            }),
            Err(e) => Err(e),
        }
    }

    /// The reply of entry `id` (an id or a shortcode such as `#2`): answer `answer` when
    /// given, else the adopted answer, else the body, as chat-ready text (see
    /// [`crate::reply`]).
    pub fn reply(&mut self, id: &str, answer: Option<&str>) -> Result<crate::Reply> {
        let id = self.resolve(id)?;
        crate::reply::reply_of(&self.get(&id)?, answer)
    }

    /// Counts one use of an entry's reply (its body) in this writer's ledger.
    pub fn record_use(&mut self, id: &str) -> Result<u64> {
        Ok(self.record_copy(id, None)?.uses)
    }

    /// Records a copy of entry `id`'s reply — answer `answer`, or the body — in this
    /// writer's ledger: its use count goes up, and the copy is kept (when, which text) so
    /// it credits the text's authors and can be marked solved or not.
    pub fn record_copy(&mut self, id: &str, answer: Option<&str>) -> Result<Recorded> {
        self.record_copy_via(id, answer, None)
    }

    /// As [`Library::record_copy`]; `via` names the API token the copy was made through
    /// (kept in the ledger's map `via` under the copy's key), so it is never taken for
    /// the member's own use.
    pub(super) fn record_copy_via(
        &mut self,
        id: &str,
        answer: Option<&str>,
        via: Option<&str>,
    ) -> Result<Recorded> {
        let id = self.resolve(id)?;
        let copy = Copy {
            entry: id.clone(),
            at: now_millis() / 1000,
            answer: answer.unwrap_or_default().to_string(),
            solved: None,
        };
        self.change_own_ledger_doc(
            &format!("used {id}"),
            |_| {},
            |doc| {
                doc::append_copy(doc, &copy)?;
                match via {
                    Some(name) => doc::put_via(doc, &copy.key(), name),
                    None => Ok(()),
                }
            },
        )?;
        self.usage_changed(&id, 1);
        let member = self.writer.member.clone();
        let uses = doc::uses_of(&self.doc_mut(&DocKey::ledger(&member))?.doc, &id)?;
        Ok(Recorded {
            uses,
            key: copy.key(),
        })
    }

    /// Records many copies at once in this writer's ledger — for bringing in usage history
    /// from another tool — each with its own time (`at`) and solve mark, as one change
    /// stored in one transaction. Use counts go up as [`Library::record_copy`] makes them;
    /// ids are taken as given (a copy of an entry this library does not hold credits
    /// nobody until the entry arrives).
    pub fn record_copies(&mut self, copies: &[Copy]) -> Result<()> {
        if let Some(bad) = copies.iter().find(|c| {
            c.entry.is_empty() || c.entry.contains(['\t', '\n']) || c.answer.contains(['\t', '\n'])
        }) {
            return Err(Error::invalid(format!(
                "copy of `{}` has no entry id or a tab or line break in an id",
                bad.entry
            )));
        }
        if copies.is_empty() {
            return Ok(());
        }
        self.change_own_ledger_doc(
            &format!("recorded {} copies", copies.len()),
            |_| {},
            |doc| {
                for c in copies {
                    doc::append_copy(doc, c)?;
                    if let Some(solved) = c.solved {
                        doc::mark_copy(doc, &c.key(), solved)?;
                    }
                }
                Ok(())
            },
        )?;
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        for c in copies {
            *counts.entry(&c.entry).or_insert(0) += 1;
        }
        for (id, n) in counts {
            self.usage_changed(id, n);
        }
        Ok(())
    }

    /// Marks this writer's copy `key` (from [`Recorded`]) as having solved the customer's
    /// problem or not; a later mark replaces an earlier one.
    pub fn mark_copy(&mut self, key: &str, solved: bool) -> Result<()> {
        let member = self.writer.member.clone();
        let known = match self.doc_mut(&DocKey::ledger(&member)) {
            Ok(stored) => doc::read_copies(&stored.doc)?
                .iter()
                .any(|c| c.key() == key),
            Err(Error::NotFound(_)) => false,
            Err(e) => return Err(e),
        };
        if !known {
            return Err(Error::invalid(format!(
                "you made no copy `{key}`; a solve mark goes on a copy of yours"
            )));
        }
        let verb = if solved { "solved" } else { "not solved" };
        self.change_own_ledger_doc(
            &format!("marked {verb}"),
            |_| {},
            |doc| doc::mark_copy(doc, key, solved),
        )
    }

    /// Marks this writer's latest copy of entry `id` as solved or not; returns it.
    pub fn mark_last_copy(&mut self, id: &str, solved: bool) -> Result<Copy> {
        let id = self.resolve(id)?;
        let member = self.writer.member.clone();
        let last = match self.doc_mut(&DocKey::ledger(&member)) {
            Ok(stored) => doc::read_copies(&stored.doc)?
                .into_iter()
                .filter(|c| c.entry == id)
                .max_by_key(|c| c.at),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let Some(mut copy) = last else {
            return Err(Error::invalid(format!(
                "you have not copied {id}; copy it first (`lore copy {id}`)"
            )));
        };
        self.mark_copy(&copy.key(), solved)?;
        copy.solved = Some(solved);
        Ok(copy)
    }

    /// Pins (or with `pinned` false unpins) entry `id` among this writer's favourite
    /// replies, kept in their ledger so it follows them to every machine. Only replies
    /// (FAQs and scripts) are pinned.
    pub fn pin(&mut self, id: &str, pinned: bool) -> Result<()> {
        let id = self.resolve(id)?;
        let kind = self.catalog.get(&id).map(|r| r.kind);
        if pinned && !kind.is_some_and(crate::reply::is_reply_kind) {
            return Err(Error::invalid(format!(
                "{id} is not a reply (only FAQs and scripts are pinned as favourites)"
            )));
        }
        let (verb, now) = if pinned {
            ("pinned", now_millis())
        } else {
            ("unpinned", 0)
        };
        self.change_own_ledger(&format!("{verb} {id}"), |ledger| {
            if pinned {
                ledger.pinned.entry(id.clone()).or_insert(now);
            } else {
                ledger.pinned.remove(&id);
            }
        })
    }

    /// This writer's favourite replies, the most recently pinned first.
    pub fn favourites(&mut self) -> Result<Vec<EntryId>> {
        let mut pinned: Vec<(EntryId, i64)> = self.own_fields()?.pinned.into_iter().collect();
        pinned.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(pinned
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| self.catalog.contains_key(id))
            .collect())
    }

    /// Changes this writer's own ledger and stores it durably, as one change summarised
    /// by `summary`.
    fn change_own_ledger(&mut self, summary: &str, change: impl FnOnce(&mut Ledger)) -> Result<()> {
        self.change_own_ledger_doc(summary, change, |_| Ok(()))
    }

    /// As [`Library::change_own_ledger`], with `raw` writing to the document itself (for
    /// what is appended rather than reconciled: the copies).
    pub(super) fn change_own_ledger_doc(
        &mut self,
        summary: &str,
        change: impl FnOnce(&mut Ledger),
        raw: impl FnOnce(&mut automerge::AutoCommit) -> Result<()>,
    ) -> Result<()> {
        let member = self.writer.member.clone();
        let key = DocKey::ledger(&member);
        let mut ledger = self.own_fields()?;
        change(&mut ledger);
        // `ledger` caches the document when it exists; otherwise this is the first change.
        if !self.docs.contains_key(&key) {
            self.docs
                .insert(key.clone(), StoredDoc::new(self.writer.new_doc()));
        }
        // The questions asked since the last write go with this change.
        let (queries, setting) = self.take_queries()?;
        let stored = self.doc_mut(&key)?;
        let written = doc::write_ledger(&mut stored.doc, &ledger)
            .and_then(|()| raw(&mut stored.doc))
            .and_then(|()| super::insights::write_log(&mut stored.doc, &queries, setting));
        if let Err(e) = written {
            // Nothing of a failed change may linger for the next one to commit.
            stored.doc.rollback();
            self.restore_queries(queries);
            return Err(e);
        }
        doc::commit(&mut stored.doc, summary, now_millis());
        let persisted = self.persist(&key, None);
        if persisted.is_err() {
            self.restore_queries(queries);
        }
        persisted
    }

    /// This writer's ledger without going through its copies (its uses those before copies
    /// were kept by day): see [`doc::read_fields`].
    fn own_fields(&mut self) -> Result<Ledger> {
        let member = self.writer.member.clone();
        match self.doc_mut(&DocKey::ledger(&member)) {
            Ok(stored) => doc::read_fields(&stored.doc),
            Err(Error::NotFound(_)) => Ok(Ledger {
                member,
                ..Ledger::default()
            }),
            Err(e) => Err(e),
        }
    }

    /// Usage of every entry summed over all members' ledgers.
    pub fn total_uses(&mut self) -> Result<BTreeMap<EntryId, u64>> {
        let members: Vec<MemberId> = self.team()?.members.into_keys().collect();
        let mut ledgers = Vec::new();
        for m in members {
            ledgers.push(self.ledger(&m)?);
        }
        Ok(Ledger::total_uses(&ledgers))
    }
}
