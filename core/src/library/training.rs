//! The library's side of practice: an attempt scored with the search index's analysis
//! and kept in the trainee's own ledger (list `attempts`, one JSON record each) with the
//! versions of the item and its linked entries; which of those changed since.

use super::Library;
use crate::doc::{self, DocKey};
use crate::model::{Entry, Kind, now_millis};
use crate::training::{self, Attempt, Changed, PointResult, key_point};
use crate::{Error, Result};

impl Library {
    /// Scores `replies` (the trainee's reply to each customer turn, in order) against
    /// the key points of training item `id`, and keeps the attempt in this writer's
    /// ledger, so it syncs to the trainer like everything else. `seconds`: how long it
    /// took.
    pub fn practice(&mut self, id: &str, replies: &[String], seconds: u32) -> Result<Attempt> {
        let id = self.resolve(id)?;
        let entry = self.get(&id)?;
        if entry.kind != Kind::Training {
            return Err(Error::invalid(format!(
                "{id} “{}” is not a training item; practise a role-play (`lore list --kind training`)",
                entry.title
            )));
        }
        if !entry.options.is_empty() {
            return self.answer_choice(&entry, replies, seconds);
        }
        if entry.key_points.is_empty() {
            return Err(Error::invalid(format!(
                "{id} “{}” has no key points to score against; a trainer adds them with \
                 `lore edit {id} --add-key-point TEXT`",
                entry.title
            )));
        }
        let said = replies.join("\n");
        let index = self.search_index()?;
        let points: Vec<PointResult> = entry
            .key_points
            .iter()
            .map(|raw| {
                let (kind, text) = key_point(raw);
                PointResult::new(text, kind, index.judge(text, &said))
            })
            .collect();
        let (score, passed) = training::score(&points);
        let versions = self.versions_of(&entry)?;
        self.keep_attempt(Attempt {
            item: id.clone(),
            member: String::new(),
            at: now_millis() / 1000,
            seconds,
            replies: replies.to_vec(),
            score,
            passed,
            points,
            versions,
        })
    }

    /// The heads (hex) of training item `entry` and of every entry it links, now: what an
    /// attempt at it is bound to.
    pub(super) fn versions_of(&mut self, entry: &Entry) -> Result<Vec<(String, Vec<String>)>> {
        let mut versions = vec![(entry.id.clone(), self.entry_heads(&entry.id)?)];
        for link in &entry.links {
            // A link to an entry this library lacks (yet) binds nothing.
            if let Ok(heads) = self.entry_heads(link) {
                versions.push((link.clone(), heads));
            }
        }
        Ok(versions)
    }

    /// Appends `attempt` to this writer's ledger.
    pub(super) fn keep_attempt(&mut self, mut attempt: Attempt) -> Result<Attempt> {
        let record = serde_json::to_string(&attempt)
            .map_err(|e| Error::Document(format!("an attempt cannot be written: {e}")))?;
        self.change_own_ledger_doc(
            &format!("practised {}: {}", attempt.item, attempt.score),
            |_| {},
            |d| doc::append_attempt(d, attempt.at, record),
        )?;
        attempt.member = self.writer().member.clone();
        Ok(attempt)
    }

    /// Every attempt `member` made, oldest first (records that do not read are skipped).
    pub fn attempts(&mut self, member: &str) -> Result<Vec<Attempt>> {
        let records = match self.doc_mut(&DocKey::ledger(member)) {
            Ok(stored) => doc::attempt_records(&stored.doc)?,
            Err(Error::NotFound(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(records
            .iter()
            .filter_map(|r| serde_json::from_str::<Attempt>(r).ok())
            .map(|mut a| {
                a.member = member.to_string();
                a
            })
            .collect())
    }

    /// The entries `attempt` was made on that changed since: its result is out of date.
    pub fn changed_since(&mut self, attempt: &Attempt) -> Result<Vec<Changed>> {
        let mut changed = Vec::new();
        for (id, heads) in &attempt.versions {
            let Ok(now) = self.entry_heads(id) else {
                continue;
            };
            let mut now = now;
            let mut then = heads.clone();
            now.sort();
            then.sort();
            if now != then {
                let at = self
                    .history(id)?
                    .iter()
                    .map(|c| c.time)
                    .max()
                    .unwrap_or_default();
                let title = self.row(id).map(|r| r.title.clone()).unwrap_or_default();
                changed.push(Changed {
                    entry: id.clone(),
                    title,
                    at,
                });
            }
        }
        Ok(changed)
    }
}
