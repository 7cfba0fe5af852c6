//! Applying a batch of imported entries: all of it in one transaction, or none of it.

use std::collections::HashMap;

use super::Library;
use crate::doc::{self, DocKey, EntryDoc, summary};
use crate::model::{Entry, EntryId, Kind, Status, now_millis};
use crate::store::{CatalogRow, Sealer, StoredDoc};
use crate::{Error, ImportProblem, Result};

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

/// What importing one item does: create an entry, or update the one it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    New(EntryId),
    Existing(EntryId),
}

impl Library {
    /// Imports entries. An entry matches an existing one by id, else by kind and title;
    /// matches are updated in place, so importing the same file twice changes nothing.
    /// Every entry is checked before anything is written; bad ones abort the whole batch
    /// with every location and what is wrong there, and the library is unchanged.
    pub fn import(
        &mut self,
        items: Vec<ImportItem>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        self.check_can_write()?;
        let (targets, problems): (Vec<_>, Vec<_>) = self
            .plan_import(&items)
            .into_iter()
            .partition(Result::is_ok);
        if !problems.is_empty() {
            return Err(Error::ImportRejected(
                problems.into_iter().filter_map(Result::err).collect(),
            ));
        }
        let targets = targets.into_iter().filter_map(Result::ok);
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
                    ImportTarget::New(id) => {
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
                    ImportTarget::Existing(id) => {
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
    /// shortcodes against the library and the rest of the batch. Nothing is written: each
    /// item gets its target or what is wrong with it, so a preview can show every problem.
    pub fn plan_import<'a>(
        &self,
        items: impl IntoIterator<Item = &'a ImportItem>,
    ) -> Vec<Result<ImportTarget, ImportProblem>> {
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
        let mut targets = Vec::new();
        for item in items {
            let e = &item.entry;
            let fail = |message: String| {
                Err(ImportProblem {
                    location: item.location.clone(),
                    message,
                })
            };
            if let Err(err) = e.validate() {
                targets.push(fail(err.to_string()));
                continue;
            }
            if let Some(first) = seen_titles.insert((e.kind, e.title.as_str()), &item.location)
                && e.id.is_empty()
            {
                targets.push(fail(format!(
                    "a {} titled “{}” already appears at {first}",
                    e.kind, e.title
                )));
                continue;
            }
            let target = if !e.id.is_empty() && self.catalog.contains_key(&e.id) {
                ImportTarget::Existing(e.id.clone())
            } else if let Some(id) = by_title
                .get(&(e.kind, e.title.as_str()))
                .filter(|_| e.id.is_empty())
            {
                ImportTarget::Existing((*id).clone())
            } else if e.id.is_empty() {
                let mut id = self.fresh_id();
                while seen_ids.contains_key(&id) {
                    id = self.fresh_id();
                }
                ImportTarget::New(id)
            } else {
                ImportTarget::New(e.id.clone())
            };
            let id = match &target {
                ImportTarget::New(id) | ImportTarget::Existing(id) => id.clone(),
            };
            if let Some(first) = seen_ids.insert(id.clone(), &item.location) {
                targets.push(fail(format!("entry {id} appears twice (first at {first})")));
                continue;
            }
            if !e.shortcode.is_empty() && e.status != Status::Archived {
                match shortcodes.get(&e.shortcode) {
                    Some((owner, place)) if *owner != id => {
                        targets.push(fail(format!(
                            "shortcode {} is already used by {place}; shortcodes must be unique",
                            e.shortcode
                        )));
                        continue;
                    }
                    _ => {
                        shortcodes.insert(e.shortcode.clone(), (id.clone(), item.location.clone()));
                    }
                }
            }
            targets.push(Ok(target));
        }
        targets
    }
}
