//! Applying a batch of imported entries: all of it in one transaction, or none of it.

use std::collections::HashMap;

use super::Library;
use crate::doc::{self, DocKey, EntryDoc, summary};
use crate::model::{Entry, EntryId, Kind, Status, now_millis};
use crate::store::{CatalogRow, Sealer, StoredDoc};
use crate::{Error, Result};

/// One entry read from an import file, with where it came from (`FILE:LINE`).
#[derive(Debug, Clone)]
pub struct ImportItem {
    pub location: String,
    pub entry: Entry,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

enum Target {
    New(EntryId),
    Existing(EntryId),
}

impl Library {
    /// Imports entries. An entry matches an existing one by id, else by kind and title;
    /// matches are updated in place, so importing the same file twice changes nothing.
    /// Every entry is checked before anything is written; a bad one aborts the whole batch
    /// with its location, and the library is unchanged.
    pub fn import(
        &mut self,
        items: Vec<ImportItem>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        self.check_can_write()?;
        let targets = self.plan(&items)?;
        let total = items.len();
        let now = now_millis();
        let writer = self.writer.clone();
        let mut rows: Vec<(CatalogRow, Entry)> = Vec::with_capacity(total);
        let mut report = ImportReport::default();
        let store = &self.store;
        let own = Sealer {
            writer: &writer,
            received: None,
        };
        let cache = &mut self.docs;
        store.write(|batch| {
            for (n, (item, target)) in items.into_iter().zip(targets).enumerate() {
                let mut entry = item.entry;
                let at = |e: Error| Error::import(&item.location, e.to_string());
                match target {
                    Target::New(id) => {
                        entry.id = id;
                        if entry.created_at == 0 {
                            entry.created_at = now;
                        }
                        if entry.created_by.is_empty() {
                            entry.created_by = writer.member.clone();
                        }
                        let mut stored = StoredDoc::new(writer.new_doc());
                        EntryDoc::create(&mut stored.doc, &entry).map_err(at)?;
                        doc::commit(&mut stored.doc, &summary::describe(None, &entry), now);
                        batch.save_doc(&DocKey::entry(&entry.id), &mut stored, &own)?;
                        rows.push((CatalogRow::of(&entry, now), entry));
                        report.created += 1;
                    }
                    Target::Existing(id) => {
                        let key = DocKey::entry(&id);
                        cache.remove(&key);
                        let mut stored = store
                            .load(&key, &key)
                            .map_err(at)?
                            .ok_or_else(|| at(Error::NotFound(id.clone())))?;
                        writer.attach(&mut stored.doc);
                        let old = doc::read_entry(&stored.doc).map_err(at)?;
                        entry.id = id;
                        entry.created_at = old.created_at;
                        entry.created_by = old.created_by.clone();
                        if entry == old {
                            report.unchanged += 1;
                        } else {
                            EntryDoc::update(&mut stored.doc, &entry).map_err(at)?;
                            doc::commit(
                                &mut stored.doc,
                                &summary::describe(Some(&old), &entry),
                                now,
                            );
                            batch.save_doc(&key, &mut stored, &own)?;
                            rows.push((CatalogRow::of(&entry, now), entry));
                            report.updated += 1;
                        }
                    }
                }
                progress(n + 1, total);
            }
            for (row, _) in &mut rows {
                batch.put_catalog(row)?;
            }
            Ok(())
        })?;
        for (row, entry) in rows {
            self.index_entry(&entry, row.seq);
            self.catalog.insert(row.id.clone(), row);
        }
        Ok(report)
    }

    /// Decides for every item whether it creates or updates, and checks ids, titles and
    /// shortcodes against the library and the rest of the batch.
    fn plan(&self, items: &[ImportItem]) -> Result<Vec<Target>> {
        let mut by_title: HashMap<(Kind, &str), &EntryId> = HashMap::new();
        for row in self.catalog.values() {
            by_title
                .entry((row.kind, row.title.as_str()))
                .or_insert(&row.id);
        }
        // shortcode → (entry id, where it was claimed)
        let mut shortcodes: HashMap<String, (EntryId, String)> = self
            .catalog
            .values()
            .filter(|r| !r.shortcode.is_empty() && r.status != Status::Archived)
            .map(|r| {
                (
                    r.shortcode.clone(),
                    (r.id.clone(), format!("entry {}", r.id)),
                )
            })
            .collect();
        let mut seen_ids: HashMap<EntryId, &str> = HashMap::new();
        let mut seen_titles: HashMap<(Kind, &str), &str> = HashMap::new();
        let mut targets = Vec::with_capacity(items.len());
        for item in items {
            let e = &item.entry;
            let fail = |message: String| Err(Error::import(&item.location, message));
            if let Err(err) = e.validate() {
                return fail(err.to_string());
            }
            if let Some(first) = seen_titles.insert((e.kind, e.title.as_str()), &item.location)
                && e.id.is_empty()
            {
                return fail(format!(
                    "a {} titled “{}” already appears at {first}",
                    e.kind, e.title
                ));
            }
            let target = if !e.id.is_empty() && self.catalog.contains_key(&e.id) {
                Target::Existing(e.id.clone())
            } else if let Some(id) = by_title
                .get(&(e.kind, e.title.as_str()))
                .filter(|_| e.id.is_empty())
            {
                Target::Existing((*id).clone())
            } else if e.id.is_empty() {
                let mut id = self.fresh_id();
                while seen_ids.contains_key(&id) {
                    id = self.fresh_id();
                }
                Target::New(id)
            } else {
                Target::New(e.id.clone())
            };
            let id = match &target {
                Target::New(id) | Target::Existing(id) => id.clone(),
            };
            if let Some(first) = seen_ids.insert(id.clone(), &item.location) {
                return fail(format!("entry {id} appears twice (first at {first})"));
            }
            if !e.shortcode.is_empty() && e.status != Status::Archived {
                match shortcodes.get(&e.shortcode) {
                    Some((owner, place)) if *owner != id => {
                        return fail(format!(
                            "shortcode {} is already used by {place}; shortcodes must be unique",
                            e.shortcode
                        ));
                    }
                    _ => {
                        shortcodes.insert(e.shortcode.clone(), (id.clone(), item.location.clone()));
                    }
                }
            }
            targets.push(target);
        }
        Ok(targets)
    }
}
