//! Repair: a database file that redb cannot read (or whose documents cannot be read) is
//! kept aside, and a fresh one is built from every document its bytes still hold
//! (`store/salvage.rs`). The library then opens as usual.
//!
//! What the rebuilt database holds: the recovered documents, a catalog row for every
//! recovered entry, the peer address cache (and, when the old file still opened, the
//! invites) — and no sync states, so nothing claims that a peer and this library share a
//! document that was lost: the next sync compares digests and fetches it back. The search
//! index is deleted (its sequence numbers belong to the old catalog) and rebuilt on open.

use std::fmt;
use std::path::{Path, PathBuf};

use super::cache::rename_corrupt;
use super::known::{PEERS_KEY, peers_bytes};
use super::{DB_FILE, INDEX_DIR, KnownPeer};
use crate::doc::{self, DocKey, Proofs, Writer, member_of_actor};
use crate::error::contained;
use crate::model::{EntryId, now_millis};
use crate::store::salvage::{self, LostChange, Salvaged, Unreadable};
use crate::store::{CatalogRow, Sealer, Store, StoredDoc};
use crate::{Error, Result};

/// What a repair did: where the damaged file went, what was recovered, what was lost.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RepairReport {
    /// Why the database was rebuilt.
    pub cause: String,
    /// Where the damaged file is kept (owner-only, beside the library).
    pub moved_to: PathBuf,
    /// Entry documents recovered.
    pub entries: usize,
    /// Ledgers recovered.
    pub ledgers: usize,
    /// Whether the team document was recovered.
    pub team: bool,
    /// Peers in the recovered address cache.
    pub peers: usize,
    /// Entries the damaged catalog named that could not be read: (id, title).
    pub lost_entries: Vec<(EntryId, String)>,
    /// Changes found whose document could not be recovered up to them.
    pub lost_changes: Vec<LostChange>,
    /// Chunks that could not be read: damaged bytes, or partial old copies in freed pages.
    pub unreadable_chunks: usize,
    /// Documents that loaded but are no entry, team or ledger.
    pub unknown_documents: usize,
    /// Proof records found for recovered changes.
    pub proofs: usize,
}

impl RepairReport {
    /// The report in one line, for a status bar.
    pub fn summary(&self) -> String {
        let mut lost = self.lost_entries.len().to_string() + " entries";
        if !self.lost_changes.is_empty() {
            lost += &format!(" and {} later changes", self.lost_changes.len());
        }
        if !self.team {
            lost += " and the team document";
        }
        format!(
            "the damaged library was rebuilt ({} entries recovered, {lost} lost; the damaged \
             file is kept as {}); teammates send back what was lost on the next sync",
            self.entries,
            self.moved_to.display()
        )
    }

    /// Whether anything the library held is known to be lost.
    pub fn lost_anything(&self) -> bool {
        !self.team || !self.lost_entries.is_empty() || !self.lost_changes.is_empty()
    }
}

/// Lost changes a report names one by one; the rest are counted.
const SHOWN_CHANGES: usize = 10;

impl fmt::Display for RepairReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the library database was damaged ({}); it is kept as {} and the library was \
             rebuilt from what it still held",
            self.cause,
            self.moved_to.display()
        )?;
        let team = if self.team {
            "the team document"
        } else {
            "NOT the team document"
        };
        writeln!(
            f,
            "recovered: {} entries, {} ledgers, {team}",
            self.entries, self.ledgers
        )?;
        for (id, title) in &self.lost_entries {
            writeln!(f, "lost: entry {id} “{title}”")?;
        }
        for change in self.lost_changes.iter().take(SHOWN_CHANGES) {
            let who = change.member.as_deref().unwrap_or("an unknown member");
            let when = chrono::DateTime::from_timestamp_millis(change.time)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            writeln!(
                f,
                "lost: a change “{}” by {who} at {when} ({})",
                change.summary, change.hash
            )?;
        }
        if let Some(more) = self.lost_changes.len().checked_sub(SHOWN_CHANGES)
            && more > 0
        {
            writeln!(f, "lost: {more} more change(s)")?;
        }
        if self.unreadable_chunks + self.unknown_documents > 0 {
            writeln!(
                f,
                "skipped {} unreadable chunk(s) (damaged bytes, or partial old copies)",
                self.unreadable_chunks + self.unknown_documents
            )?;
        }
        if self.team {
            write!(
                f,
                "teammates' machines send back what was lost on the next sync (`lore serve` or the app)"
            )
        } else {
            write!(f, "{}", Error::MissingTeam)
        }
    }
}

/// When to rebuild the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rebuild {
    /// Only when redb cannot open or read it (every open).
    IfDamaged,
    /// Also when it opens but some document cannot be read (`lore check --repair`).
    IfAnythingUnreadable,
}

/// Catalog rows as stored: entry id → undecoded row.
type Rows = Vec<(String, Vec<u8>)>;

/// An open store with its catalog rows, and what a repair did to get there.
pub(super) struct Opened {
    pub(super) store: Store,
    pub(super) rows: Rows,
    pub(super) repaired: Option<RepairReport>,
}

/// Opens the database of `dir` (whose lock the caller holds) and reads its catalog; a
/// damaged file is rebuilt first (see the module docs).
pub(super) fn open_store(dir: &Path, when: Rebuild, writer: &Writer) -> Result<Opened> {
    let path = dir.join(DB_FILE);
    let (cause, carried) = match open_and_read(&path) {
        Ok((store, rows)) if when == Rebuild::IfDamaged => {
            return Ok(Opened {
                store,
                rows,
                repaired: None,
            });
        }
        Ok((store, rows)) => {
            let damaged = unreadable_documents(&store)?;
            if damaged.is_empty() {
                return Ok(Opened {
                    store,
                    rows,
                    repaired: None,
                });
            }
            (cause_of(&damaged), carried_meta(&store))
        }
        Err(Error::DamagedDatabase(detail)) => (detail, Vec::new()),
        Err(e) => return Err(e),
    };
    let report = rebuild(dir, cause, carried, writer)?;
    tracing::warn!("{report}");
    let (store, rows) = open_and_read(&path)?;
    Ok(Opened {
        store,
        rows,
        repaired: Some(report),
    })
}

/// Opens the database and reads its catalog: the first reads any open makes.
/// Opens a database that is being created (a join's, under its temporary name).
pub(super) fn open_new(path: &Path) -> Result<Opened> {
    let (store, rows) = open_and_read(path)?;
    Ok(Opened {
        store,
        rows,
        repaired: None,
    })
}

fn open_and_read(path: &Path) -> Result<(Store, Rows)> {
    contained(&path.display().to_string(), || {
        let store = Store::open(path)?;
        let rows = store.catalog_rows()?;
        Ok((store, rows))
    })
}

/// Every stored document that cannot be read, as the error reading it gives; damage to the
/// database that hides the list of documents is reported as itself.
pub(super) fn unreadable_documents(store: &Store) -> Result<Vec<Error>> {
    let keys = match contained("the list of documents", || store.doc_keys()) {
        Ok(keys) => keys,
        Err(e) if e.is_damaged_database() => return Ok(vec![e]),
        Err(e) => return Err(e),
    };
    let mut damaged = Vec::new();
    for key in keys {
        let outcome = contained(&key, || {
            let Some(stored) = store.load(&key, &key)? else {
                return Ok(());
            };
            match DocKey::parse(&key) {
                Some(DocKey::Entry(_)) => doc::read_entry(&stored.doc).map(|_| ()),
                Some(DocKey::Team) => doc::read_team(&stored.doc).map(|_| ()),
                Some(DocKey::Ledger(_)) | None => doc::read_fields(&stored.doc).map(|_| ()),
            }
        });
        if let Err(e) = outcome {
            damaged.push(rename_corrupt(e, &key));
        }
    }
    Ok(damaged)
}

/// Why a database that opens is rebuilt: the first few documents that cannot be read.
fn cause_of(damaged: &[Error]) -> String {
    const NAMED: usize = 3;
    let mut cause = damaged
        .iter()
        .take(NAMED)
        .map(|e| match e {
            Error::DamagedDatabase(detail) => detail.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    if damaged.len() > NAMED {
        cause += &format!("; and {} more damaged documents", damaged.len() - NAMED);
    }
    cause
}

/// What of the old database's small values a rebuilt one keeps: the peer address cache
/// and invites (an invite's record exists nowhere else). Only read when it still opens.
fn carried_meta(store: &Store) -> Vec<(String, Vec<u8>)> {
    contained("the settings", || store.meta_rows())
        .unwrap_or_default()
        .into_iter()
        .filter(|(key, _)| key == PEERS_KEY || key.starts_with("invite/"))
        .collect()
}

/// Builds a fresh database from the bytes of the one at `dir/DB_FILE`, keeps the damaged
/// file aside and puts the fresh one in its place.
fn rebuild(
    dir: &Path,
    cause: String,
    mut meta: Vec<(String, Vec<u8>)>,
    writer: &Writer,
) -> Result<RepairReport> {
    let path = dir.join(DB_FILE);
    let bytes = std::fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let mut salvaged = salvage::scan(&bytes);
    if !meta.iter().any(|(key, _)| key == PEERS_KEY) {
        let peers = scan_peers(&bytes);
        if !peers.is_empty() {
            meta.push((PEERS_KEY.to_string(), peers_bytes(&peers)?));
        }
    }
    drop(bytes);
    let peers = meta
        .iter()
        .find(|(key, _)| key == PEERS_KEY)
        .and_then(|(_, v)| serde_json::from_slice::<Vec<KnownPeer>>(v).ok())
        .map_or(0, |p| p.len());
    // The fresh database is built beside the damaged one and then put in its place, so
    // the library file is always one or the other: a crash meanwhile salvages again.
    let fresh = dir.join(format!("{DB_FILE}.salvaging"));
    super::aside::remove_if_present(&fresh)?;
    fill(&fresh, &mut salvaged, &meta, writer)?;
    let moved_to = dir.join(format!("{DB_FILE}.damaged-{}", now_millis()));
    keep_aside(&path, &moved_to)?;
    std::fs::rename(&fresh, &path).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    sync_dir(dir);
    // The index's sequence numbers belong to the old catalog: it is rebuilt on open.
    super::aside::remove_if_present(&dir.join(INDEX_DIR))?;
    Ok(report(cause, moved_to, &salvaged, peers))
}

/// Writes every recovered document, a catalog row per entry and `meta` into a new
/// database at `path`, in one transaction. A document is kept only with a signature for
/// every change (found in the damaged file, or made here by `writer`, who signs its own
/// again); one whose signatures were lost is reported lost, and a teammate sends it again.
fn fill(
    path: &Path,
    salvaged: &mut Salvaged,
    meta: &[(String, Vec<u8>)],
    writer: &Writer,
) -> Result<()> {
    let received: Proofs = salvaged.proofs.iter().map(|(h, s)| (*h, *s)).collect();
    let mut unproven = Vec::new();
    for (key, recovered) in &mut salvaged.docs {
        let missing = recovered.doc.get_changes_meta(&[]).iter().any(|m| {
            !received.contains_key(&m.hash)
                && member_of_actor(&m.actor).as_deref() != Some(writer.member.as_str())
        });
        if missing {
            unproven.push(key.clone());
        }
    }
    for key in unproven {
        salvaged.docs.remove(&key);
        salvaged.unreadable.push(Unreadable::Document {
            at: 0,
            detail: format!("{key}: the signatures of its changes were lost"),
        });
    }
    let sealer = Sealer {
        writer,
        received: Some(&received),
    };
    let store = Store::open(path)?;
    store.write(|b| {
        for (key, recovered) in &salvaged.docs {
            let mut stored = StoredDoc::new(recovered.doc.clone());
            b.save_doc(key, &mut stored, &sealer)?;
            if let Some(DocKey::Entry(_)) = DocKey::parse(key)
                && let Ok(entry) = doc::read_entry(&stored.doc)
            {
                let changed = recovered.last_change.max(entry.created_at);
                b.put_catalog(&mut CatalogRow::of(&entry, changed))?;
            }
        }
        for (key, value) in meta {
            b.put_meta(key, value)?;
        }
        Ok(())
    })
}

/// Keeps the damaged file at `aside`: a second name for it (so `path` is never missing),
/// else a copy.
fn keep_aside(path: &Path, aside: &Path) -> Result<()> {
    let kept = std::fs::hard_link(path, aside).or_else(|_| std::fs::copy(path, aside).map(|_| ()));
    kept.map_err(|source| Error::Write {
        path: aside.to_path_buf(),
        source,
    })?;
    crate::private::restrict_to_owner(aside)
}

/// Makes the renames in `dir` durable (best effort: not every platform can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// The peer address cache, from every copy of it in the damaged file: per peer, the copy
/// of its latest sync.
fn scan_peers(bytes: &[u8]) -> Vec<KnownPeer> {
    let mut peers: Vec<KnownPeer> = Vec::new();
    for copy in salvage::json_values::<Vec<KnownPeer>>(bytes, b"[{\"member\":\"") {
        for peer in copy {
            match peers.iter_mut().find(|p| p.member == peer.member) {
                Some(known) if known.last_sync >= peer.last_sync => {}
                Some(known) => *known = peer,
                None => peers.push(peer),
            }
        }
    }
    peers
}

fn report(cause: String, moved_to: PathBuf, salvaged: &Salvaged, peers: usize) -> RepairReport {
    let counts = salvaged.counts();
    let mut report = RepairReport {
        cause,
        moved_to,
        entries: counts.entries,
        ledgers: counts.ledgers,
        team: counts.team,
        peers,
        lost_entries: salvaged.lost_entries(),
        lost_changes: Vec::new(),
        unreadable_chunks: 0,
        unknown_documents: 0,
        proofs: salvaged.proofs.len(),
    };
    for item in &salvaged.unreadable {
        match item {
            Unreadable::Chunk { .. } | Unreadable::Proof { .. } => report.unreadable_chunks += 1,
            Unreadable::Document { .. } => report.unknown_documents += 1,
            Unreadable::Change(change) => report.lost_changes.push(change.clone()),
        }
    }
    report
}
