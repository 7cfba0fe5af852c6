//! The catalog: what lists need to know of every entry, without loading its document.

use serde::{Deserialize, Serialize};

use crate::model::{Entry, EntryId, Kind, Millis, Status};

/// One entry as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRow {
    pub id: EntryId,
    pub kind: Kind,
    pub title: String,
    pub status: Status,
    pub tags: Vec<String>,
    pub category: String,
    pub shortcode: String,
    pub internal: bool,
    pub updated_at: Millis,
    /// The library-wide write sequence number of the entry's last change; the search
    /// index records the highest one it holds and catches up from there.
    #[serde(default)]
    pub seq: u64,
}

impl CatalogRow {
    /// The row for `entry`, last changed at `updated_at`.
    pub fn of(entry: &Entry, updated_at: Millis) -> CatalogRow {
        CatalogRow {
            id: entry.id.clone(),
            kind: entry.kind,
            title: entry.title.clone(),
            status: entry.status,
            tags: entry.tags.clone(),
            category: entry.category.clone(),
            shortcode: entry.shortcode.clone(),
            internal: entry.internal,
            updated_at,
            seq: 0,
        }
    }
}
