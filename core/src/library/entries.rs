//! Entries: finding, reading, adding, editing (also of an older version), archiving,
//! listing and checking them.

use super::Library;
use super::cache::rename_corrupt;
use crate::doc::{self, Change, DocKey, EntryDoc, summary};
use crate::model::{Entry, EntryId, Kind, Status, new_entry_id, now_millis};
use crate::store::{CatalogRow, StoredDoc};
use crate::{Error, Result};

/// An edit keeps the entry's identity (id, creation) and must leave a valid entry.
fn keep_identity(old: &Entry, new: &mut Entry) -> Result<()> {
    new.id = old.id.clone();
    new.created_at = old.created_at;
    new.created_by = old.created_by.clone();
    new.normalise();
    new.validate()
}

/// Which entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<Kind>,
    pub tag: Option<String>,
    pub category: Option<String>,
    /// Only entries with this status; when unset, archived entries are hidden.
    pub status: Option<Status>,
}

impl Library {
    /// Finds an entry by id, unique id prefix, or shortcode (`#2`).
    pub fn resolve(&self, query: &str) -> Result<EntryId> {
        let query = query.trim();
        if self.catalog.contains_key(query) {
            return Ok(query.to_string());
        }
        if query.starts_with('#')
            && let Some(row) = self
                .catalog
                .values()
                .find(|r| r.shortcode == query && r.status != Status::Archived)
        {
            return Ok(row.id.clone());
        }
        let matches: Vec<&EntryId> = if query.is_empty() {
            Vec::new()
        } else {
            self.catalog
                .range(query.to_string()..)
                .take_while(|(id, _)| id.starts_with(query))
                .map(|(id, _)| id)
                .collect()
        };
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound(query.to_string())),
            many => Err(Error::AmbiguousId {
                prefix: query.to_string(),
                candidates: many
                    .iter()
                    .take(5)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Reads an entry.
    pub fn get(&mut self, id: &str) -> Result<Entry> {
        let stored = self.doc_mut(&DocKey::entry(id))?;
        doc::read_entry(&stored.doc).map_err(|e| rename_corrupt(e, &DocKey::entry(id)))
    }

    /// Adds a new entry and returns its id once it is durable. An empty `entry.id` gets
    /// a fresh id; creation time and author are filled in.
    pub fn add(&mut self, mut entry: Entry) -> Result<EntryId> {
        self.check_can_write()?;
        if entry.id.is_empty() {
            entry.id = self.fresh_id();
        } else if self.catalog.contains_key(&entry.id) {
            return Err(Error::invalid(format!(
                "an entry with id {} already exists; use `lore edit {}`",
                entry.id, entry.id
            )));
        }
        entry.created_at = now_millis();
        entry.created_by = self.writer.member.clone();
        entry.normalise();
        entry.validate()?;
        self.check_shortcode(&entry)?;
        let key = DocKey::entry(&entry.id);
        let mut stored = StoredDoc::new(self.writer.new_doc());
        EntryDoc::create(&mut stored.doc, &entry)?;
        doc::commit(
            &mut stored.doc,
            &summary::describe(None, &entry),
            entry.created_at,
        );
        let mut row = CatalogRow::of(&entry, entry.created_at);
        let own = self.own_sealer();
        self.store.write(|b| {
            b.save_doc(&key, &mut stored, &own)?;
            b.put_catalog(&mut row)
        })?;
        self.index_entry(&entry, row.seq);
        self.catalog.insert(entry.id.clone(), row);
        self.docs.insert(key, stored);
        Ok(entry.id)
    }

    /// Edits an entry: `change` receives the current entry and alters it; only what
    /// differs is written. Returns the entry as stored.
    pub fn edit(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut Entry) -> Result<()>,
    ) -> Result<Entry> {
        self.check_can_write()?;
        let old = self.get(id)?;
        let mut new = old.clone();
        change(&mut new)?;
        keep_identity(&old, &mut new)?;
        if new == old {
            return Ok(old);
        }
        self.check_shortcode(&new)?;
        let key = DocKey::entry(id);
        let now = now_millis();
        let stored = self.doc_mut(&key)?;
        if let Err(e) = EntryDoc::update(&mut stored.doc, &new) {
            self.docs.remove(&key);
            return Err(e);
        }
        doc::commit(&mut stored.doc, &summary::describe(Some(&old), &new), now);
        self.persist(&key, Some(CatalogRow::of(&new, now)))?;
        let seq = self.catalog.get(id).map(|r| r.seq).unwrap_or(0);
        self.index_entry(&new, seq);
        Ok(new)
    }

    /// An entry with the heads of the version read (hex), for an editor that saves with
    /// [`Library::edit_since`].
    pub fn get_versioned(&mut self, id: &str) -> Result<(Entry, Vec<String>)> {
        let entry = self.get(id)?;
        Ok((entry, self.entry_heads(id)?))
    }

    /// The heads (hex) of entry `id`, without reading the entry: to notice a change.
    pub fn entry_heads(&mut self, id: &str) -> Result<Vec<String>> {
        let stored = self.doc_mut(&DocKey::entry(id))?;
        Ok(stored
            .doc
            .get_heads()
            .iter()
            .map(ToString::to_string)
            .collect())
    }

    /// Saves `new` as an edit of the version of entry `id` at `base` (heads, hex): what
    /// differs from that version is written there and merged with everything that reached
    /// the entry since — a teammate's edit made meanwhile stays, and so does this one.
    /// Returns the merged entry with its heads, and the heads of this edit alone (the
    /// version whose content is `new`).
    pub fn edit_since(
        &mut self,
        id: &str,
        base: &[String],
        mut new: Entry,
    ) -> Result<(Entry, Vec<String>, Vec<String>)> {
        self.check_can_write()?;
        let base: Vec<automerge::ChangeHash> = base
            .iter()
            .map(|h| h.parse())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                Error::invalid("the version being edited is not a list of change hashes")
            })?;
        let key = DocKey::entry(id);
        let stored = self.doc_mut(&key)?;
        let mut fork = stored.doc.fork_at(&base).map_err(|e| {
            Error::invalid(format!("the version being edited is unknown here: {e}"))
        })?;
        let old = doc::read_entry(&fork)?;
        keep_identity(&old, &mut new)?;
        if new == old {
            let (merged, heads) = self.get_versioned(id)?;
            return Ok((
                merged,
                heads,
                base.iter().map(ToString::to_string).collect(),
            ));
        }
        self.check_shortcode(&new)?;
        // An edit of an older version gets an actor of its own: the writer's actor may have
        // changes after `base`, and one actor's changes must form one line.
        self.writer.fresh().attach(&mut fork);
        EntryDoc::update(&mut fork, &new)?;
        let now = now_millis();
        doc::commit(&mut fork, &summary::describe(Some(&old), &new), now);
        let own: Vec<String> = fork.get_heads().iter().map(ToString::to_string).collect();
        let stored = self.doc_mut(&key)?;
        if let Err(e) = stored.doc.merge(&mut fork) {
            self.docs.remove(&key);
            return Err(Error::Document(format!("merging the edit: {e}")));
        }
        let merged = doc::read_entry(&stored.doc)?;
        self.persist(&key, Some(CatalogRow::of(&merged, now)))?;
        let seq = self.catalog.get(id).map(|r| r.seq).unwrap_or(0);
        self.index_entry(&merged, seq);
        let (merged, heads) = self.get_versioned(id)?;
        Ok((merged, heads, own))
    }

    /// Archives an entry (deletion is a status, so it replicates like any edit).
    pub fn archive(&mut self, id: &str) -> Result<Entry> {
        self.edit(id, |e| {
            e.status = Status::Archived;
            Ok(())
        })
    }

    /// The catalog row of entry `id` (archived ones included), without loading it.
    pub fn row(&self, id: &str) -> Option<&CatalogRow> {
        self.catalog.get(id)
    }

    /// The entries matching `filter`, by title.
    pub fn list(&self, filter: &ListFilter) -> Vec<&CatalogRow> {
        let mut rows: Vec<&CatalogRow> = self
            .catalog
            .values()
            .filter(|r| match filter.status {
                Some(s) => r.status == s,
                None => r.status != Status::Archived,
            })
            .filter(|r| filter.kind.is_none_or(|k| r.kind == k))
            .filter(|r| filter.tag.as_ref().is_none_or(|t| r.tags.contains(t)))
            .filter(|r| filter.category.as_ref().is_none_or(|c| &r.category == c))
            .collect();
        rows.sort_by(|a, b| (a.kind, &a.title).cmp(&(b.kind, &b.title)));
        rows
    }

    /// The ids of every entry, archived ones included.
    pub fn ids(&self) -> Vec<EntryId> {
        self.catalog.keys().cloned().collect()
    }

    /// How many entries the library holds, archived ones included.
    pub fn len(&self) -> usize {
        self.catalog.len()
    }

    /// Whether the library holds no entries at all.
    pub fn is_empty(&self) -> bool {
        self.catalog.is_empty()
    }

    /// Every change to an entry, oldest first. A change counts as its member's only when
    /// their signature of it is on record and checks out (`verified`).
    pub fn history(&mut self, id: &str) -> Result<Vec<Change>> {
        let key = DocKey::entry(id);
        self.doc_mut(&key)?;
        let Some(stored) = self.docs.get_mut(&key) else {
            return Err(Error::NotFound(id.to_string()));
        };
        let mut changes = doc::changes_of(&mut stored.doc);
        // Each change's signature is checked once per library (see `Derived::verified`).
        for c in &mut changes {
            c.verified = self
                .derived
                .verified(&key, &stored.proofs, &c.change, &c.member);
        }
        Ok(changes)
    }

    /// Who wrote each sentence of entry `id`'s body: the member who inserted most of its
    /// characters, the others who inserted some, when, and whether every change that
    /// wrote it carries its author's valid signature. The same on every replica.
    pub fn blame(&mut self, id: &str) -> Result<doc::EntryBlame> {
        let id = self.resolve(id)?;
        let key = DocKey::entry(&id);
        self.doc_mut(&key)?;
        let Some(stored) = self.docs.get_mut(&key) else {
            return Err(Error::NotFound(id));
        };
        let (text, proofs) = (&mut stored.doc, &stored.proofs);
        // Each change's signature is checked once per library (see `Derived::verified`).
        let derived = &self.derived;
        let verified = |hash: &automerge::ChangeHash, member: &String| {
            derived.verified(&key, proofs, hash, member)
        };
        doc::blame_entry(text, &verified)
    }

    /// Reads every document and reports those that cannot be read (and damage to the
    /// database itself, when its list of documents cannot be read).
    pub fn check(&mut self) -> Result<Vec<Error>> {
        super::repair::unreadable_documents(&self.store)
    }

    pub(super) fn fresh_id(&self) -> EntryId {
        loop {
            let id = new_entry_id();
            if !self.catalog.contains_key(&id) {
                return id;
            }
        }
    }

    /// Shortcodes are unique among entries that are not archived.
    fn check_shortcode(&self, entry: &Entry) -> Result<()> {
        if entry.shortcode.is_empty() || entry.status == Status::Archived {
            return Ok(());
        }
        match self.catalog.values().find(|r| {
            r.shortcode == entry.shortcode && r.id != entry.id && r.status != Status::Archived
        }) {
            Some(other) => Err(Error::ShortcodeTaken {
                shortcode: entry.shortcode.clone(),
                id: other.id.clone(),
            }),
            None => Ok(()),
        }
    }
}
