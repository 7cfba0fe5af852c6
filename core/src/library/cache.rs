//! The document cache: documents load from the store on first use and stay in memory
//! (up to a bound); a changed document is written back before anyone is answered.

use super::Library;
use crate::doc::DocKey;
use crate::store::{CatalogRow, Sealer, StoredDoc};
use crate::{Error, Result};

/// Open documents kept in memory at most; beyond this the cache is emptied. More than a
/// sync window (500 documents), so a window loads each of its documents once.
const DOC_CACHE: usize = 1024;

impl Library {
    /// The document stored under `key`, loaded into the cache if it is not there yet.
    pub(super) fn doc_mut(&mut self, key: &str) -> Result<&mut StoredDoc> {
        if !self.docs.contains_key(key) {
            if self.docs.len() >= DOC_CACHE {
                self.docs.clear();
            }
            let store = &self.store;
            let mut stored = crate::error::contained(key, || store.load(key, key))
                .map_err(|e| rename_corrupt(e, key))?
                .ok_or_else(|| match DocKey::parse(key) {
                    Some(DocKey::Entry(id)) => Error::NotFound(id),
                    Some(DocKey::Team) => Error::MissingTeam,
                    _ => Error::NotFound(key.to_string()),
                })?;
            self.writer.attach(&mut stored.doc);
            self.docs.insert(key.to_string(), stored);
        }
        self.docs
            .get_mut(key)
            .ok_or_else(|| Error::NotFound(key.to_string()))
    }

    /// Stores a changed cached document; on failure the cached copy is dropped so that
    /// memory never runs ahead of disk.
    pub(super) fn persist(&mut self, key: &str, mut row: Option<CatalogRow>) -> Result<()> {
        let Some(mut stored) = self.docs.remove(key) else {
            return Ok(());
        };
        let own = Sealer {
            writer: &self.writer,
            received: None,
        };
        self.store.write(|b| {
            b.save_doc(key, &mut stored, &own)?;
            if let Some(row) = &mut row {
                b.put_catalog(row)?;
            }
            Ok(())
        })?;
        self.docs.insert(key.to_string(), stored);
        if let Some(row) = row {
            self.catalog.insert(row.id.clone(), row);
        }
        Ok(())
    }

    /// Stores this library's own changes: signed by its writer.
    pub(super) fn own_sealer(&self) -> Sealer<'_> {
        Sealer {
            writer: &self.writer,
            received: None,
        }
    }

    /// Returns unused space in the database file to the file system.
    pub fn compact(&mut self) -> Result<()> {
        self.docs.clear();
        self.store.compact_file()
    }
}

/// Names the entry when a document cannot be read.
pub(super) fn rename_corrupt(e: Error, key: &str) -> Error {
    let entry = match DocKey::parse(key) {
        Some(DocKey::Entry(id)) => Some(id),
        _ => None,
    };
    match (e, entry) {
        (Error::CorruptDocument { detail, .. } | Error::Document(detail), Some(id)) => {
            Error::CorruptEntry { id, detail }
        }
        (Error::CorruptDocument { detail, .. }, None) => Error::CorruptDocument {
            what: key.to_string(),
            detail,
        },
        (other, _) => other,
    }
}
