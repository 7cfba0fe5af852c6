//! The catalog: what lists need to know of every entry, without loading its document.

use serde::{Deserialize, Serialize};

use crate::model::{Entry, EntryId, Kind, Millis, Status};

/// What a stored row starts with: the row is this, then the row in postcard. Rows
/// written before it are JSON (they start with `{`) and are still read.
pub const ROW_MAGIC: &[u8; 4] = b"LCr1";

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

impl CatalogRow {
    /// The row as stored: [`ROW_MAGIC`], then postcard (a third the size of JSON, which
    /// repeated every field name in every row).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut bytes = ROW_MAGIC.to_vec();
        // Serialising a plain struct into a Vec cannot fail.
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    /// A stored row, in either form; `None` when it is damaged.
    pub(crate) fn decode(bytes: &[u8]) -> Option<CatalogRow> {
        match bytes.strip_prefix(ROW_MAGIC.as_slice()) {
            Some(rest) => postcard::from_bytes(rest).ok(),
            None => serde_json::from_slice(bytes).ok(),
        }
    }

    /// A row in postcard at the start of `bytes` (after its magic), and the bytes it
    /// took: for finding rows in a damaged file.
    pub(crate) fn take(bytes: &[u8]) -> Option<(CatalogRow, usize)> {
        let (row, rest) = postcard::take_from_bytes::<CatalogRow>(bytes).ok()?;
        Some((row, bytes.len() - rest.len()))
    }
}
