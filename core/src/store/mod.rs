//! Durable storage: one redb database per library.
//!
//! Tables:
//! - `chunks`  (doc key, seq) → automerge bytes: a snapshot followed by incremental changes;
//!   after [`COMPACT_AFTER`] incrementals the document is rewritten as one snapshot, in the
//!   same transaction that deletes exactly the chunks it supersedes. Each value also holds
//!   the signatures of the changes it first stored (`chunk.rs`); a snapshot takes over
//!   those of the chunks it supersedes.
//! - `docs`    doc key → (next seq, incrementals since the snapshot, its heads when last
//!   stored: 32 bytes each, the sync digest).
//! - `catalog` entry id → [`CatalogRow`] (JSON), so lists never load documents.
//! - `meta`    small named values (schema version, write sequence number, ...).
//! - `sync_states` (peer, doc key) → automerge sync state, so a reconnect sends only
//!   what changed since.
//!
//! Every write is one redb transaction committed with immediate durability: when a write
//! returns, it survives a crash or power loss. Changes received as news are the one
//! exception ([`Store::write_soon`]): committed at once and forced to disk together once
//! the news that came with them is in ([`Flusher`]); a crash meanwhile loses only changes
//! the peers who sent them still hold, and the store stays as it last was on disk.

mod catalog;
mod chunk;
mod lock;
pub mod salvage;

pub use catalog::CatalogRow;
pub(crate) use lock::LibraryLock;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use automerge::{AutoCommit, ChangeHash};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use crate::doc::proof::{self, Proofs};
use crate::doc::{Writer, member_of_actor};
use crate::{Error, Result};

/// Where the signatures of a document's new changes come from when it is stored: those
/// received with them, or this writer's own for the changes it made.
pub(crate) struct Sealer<'a> {
    pub(crate) writer: &'a Writer,
    pub(crate) received: Option<&'a Proofs>,
}

const CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("chunks");
/// doc key → (next chunk seq, incrementals since the snapshot, heads when last stored).
const DOCS: TableDefinition<&str, (u64, u64, &[u8])> = TableDefinition::new("docs");
const CATALOG: TableDefinition<&str, &[u8]> = TableDefinition::new("catalog");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const SYNC: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("sync_states");
/// doc key → what is derived from the document (who contributed what, for credit) with
/// the heads it was derived at; read only while those are still the document's heads.
const DERIVED: TableDefinition<&str, &[u8]> = TableDefinition::new("derived");

/// Incremental chunks a document may collect before it is compacted into one snapshot.
pub const COMPACT_AFTER: u64 = 8;

/// Version 2: signed changes, and actor ids that name their member.
const SCHEMA_VERSION: &[u8] = b"2";

/// A document as loaded from disk, with the heads it had when last stored and the
/// signatures of its stored changes (read with it, so sending or showing them reads
/// nothing again).
pub(crate) struct StoredDoc {
    pub(crate) doc: AutoCommit,
    pub(crate) saved: Vec<ChangeHash>,
    pub(crate) proofs: Proofs,
}

impl StoredDoc {
    pub(crate) fn new(mut doc: AutoCommit) -> StoredDoc {
        // An unsaved document has nothing stored yet: its first save is a snapshot.
        let _ = doc.get_heads();
        StoredDoc {
            doc,
            saved: Vec::new(),
            proofs: Proofs::new(),
        }
    }
}

/// The library database.
pub(crate) struct Store {
    db: Arc<Database>,
    /// Writes committed by [`Store::write_soon`] not yet forced to disk.
    unflushed: Arc<AtomicBool>,
    /// Documents this writer changed since [`Store::take_own_writes`] was last called,
    /// each with the heads it had before the first of those changes.
    own_writes: Mutex<BTreeMap<String, Vec<ChangeHash>>>,
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub(crate) fn open(path: &Path) -> Result<Store> {
        let db = Database::create(path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => Error::LibraryBusy {
                dir: path.parent().unwrap_or(path).to_path_buf(),
                pid: None,
            },
            other => Error::from(other).at(path),
        })?;
        crate::private::restrict_to_owner(path)?;
        let store = Store {
            db: Arc::new(db),
            unflushed: Arc::default(),
            own_writes: Mutex::default(),
        };
        store.write(|batch| {
            // The format first: an older library's tables may not open as this version's.
            let mut meta = batch.txn.open_table(META)?;
            let schema = meta.get("schema")?.map(|v| v.value().to_vec());
            match schema.as_deref() {
                None => {
                    meta.insert("schema", SCHEMA_VERSION)?;
                }
                Some(SCHEMA_VERSION) => {}
                Some(other) => {
                    return Err(Error::Database(format!(
                        "{} is a library of format {}, made by an older Lore whose changes \
                         are not signed; export it with that version (`lore export`) and \
                         import the file into a new data directory",
                        path.display(),
                        String::from_utf8_lossy(other)
                    )));
                }
            }
            drop(meta);
            batch.txn.open_table(CHUNKS)?;
            batch.txn.open_table(DOCS)?;
            batch.txn.open_table(CATALOG)?;
            batch.txn.open_table(SYNC)?;
            batch.txn.open_table(DERIVED)?;
            Ok(())
        })?;
        Ok(store)
    }

    /// The stored chunks of a document, in order (empty if the document does not exist),
    /// and the signatures they keep.
    pub(crate) fn chunks(&self, key: &str) -> Result<(Vec<Vec<u8>>, Proofs)> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(CHUNKS)?;
        let mut chunks = Vec::new();
        let mut proofs = Proofs::new();
        for item in table.range((key, 0)..=(key, u64::MAX))? {
            let (_, value) = item?;
            let (bytes, records) = chunk::split(value.value()).ok_or_else(|| damaged(key))?;
            chunks.push(bytes.to_vec());
            proofs.extend(proof::decode_records(records).ok_or_else(|| damaged(key))?);
        }
        Ok((chunks, proofs))
    }

    /// Whether a document is stored under `key`.
    pub(crate) fn contains(&self, key: &str) -> Result<bool> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(DOCS)?.get(key)?.is_some())
    }

    /// The stored heads of every document (doc key → 32-byte hashes, concatenated).
    pub(crate) fn all_heads(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(DOCS)?;
        let mut all = Vec::new();
        for item in table.iter()? {
            let (k, v) = item?;
            all.push((k.value().to_string(), v.value().2.to_vec()));
        }
        Ok(all)
    }

    /// A small named value from the metadata table.
    pub(crate) fn meta(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(META)?;
        Ok(table.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Every small named value of the metadata table (for carrying them into a rebuilt
    /// database).
    pub(crate) fn meta_rows(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.read_all(META)
    }

    /// The stored sync state of `doc` with `peer`.
    pub(crate) fn sync_state(&self, peer: &str, doc: &str) -> Result<Option<Vec<u8>>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(SYNC)?;
        Ok(table.get((peer, doc))?.map(|v| v.value().to_vec()))
    }

    /// Every stored sync state with `peer`: (doc key, encoded state).
    pub(crate) fn sync_states_of(&self, peer: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(SYNC)?;
        let mut states = Vec::new();
        for item in table.range((peer, "")..)? {
            let (k, v) = item?;
            let (p, doc) = k.value();
            if p != peer {
                break;
            }
            states.push((doc.to_string(), v.value().to_vec()));
        }
        Ok(states)
    }

    /// Calls `f` with the key and chunks of every document whose key starts with `prefix`,
    /// in key order, all in one read transaction (for rebuilding derived data).
    pub(crate) fn each_doc(&self, prefix: &str, mut f: impl FnMut(&str, &[Vec<u8>])) -> Result<()> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(CHUNKS)?;
        let mut current = String::new();
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        for item in table.range((prefix, 0)..)? {
            let (key, value) = item?;
            let (doc, _) = key.value();
            if !doc.starts_with(prefix) {
                break;
            }
            if doc != current {
                if !chunks.is_empty() {
                    f(&current, &chunks);
                    chunks.clear();
                }
                current = doc.to_string();
            }
            match chunk::split(value.value()) {
                Some((bytes, _)) => chunks.push(bytes.to_vec()),
                // A chunk whose framing is damaged: the document reads as damaged.
                None => chunks.push(value.value().to_vec()),
            }
        }
        if !chunks.is_empty() {
            f(&current, &chunks);
        }
        Ok(())
    }

    /// Loads a document; `None` if it does not exist.
    pub(crate) fn load(&self, key: &str, what: &str) -> Result<Option<StoredDoc>> {
        let (chunks, proofs) = self.chunks(key)?;
        if chunks.is_empty() {
            return Ok(None);
        }
        let mut doc = crate::doc::load(&chunks, what)?;
        let saved = doc.get_heads();
        Ok(Some(StoredDoc { doc, saved, proofs }))
    }

    /// Every catalog row, undecoded.
    pub(crate) fn catalog_rows(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.read_all(CATALOG)
    }

    /// Every derived row (doc key → heads and facts, encoded by the library).
    pub(crate) fn derived_rows(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.read_all(DERIVED)
    }

    /// Every key and value of a table keyed by text.
    fn read_all(&self, table: TableDefinition<&str, &[u8]>) -> Result<Vec<(String, Vec<u8>)>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(table)?;
        let mut all = Vec::new();
        for item in table.iter()? {
            let (k, v) = item?;
            all.push((k.value().to_string(), v.value().to_vec()));
        }
        Ok(all)
    }

    /// The keys of every stored document.
    pub(crate) fn doc_keys(&self) -> Result<Vec<String>> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(DOCS)?;
        let mut keys = Vec::new();
        for item in table.iter()? {
            keys.push(item?.0.value().to_string());
        }
        Ok(keys)
    }

    /// Runs `f` in one write transaction and commits it durably. If `f` fails, nothing
    /// is written.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Batch<'_>) -> Result<T>) -> Result<T> {
        let (value, own) = run(self.db.begin_write()?, f)?;
        // A durable commit makes every commit before it durable too.
        self.unflushed.store(false, Ordering::SeqCst);
        if !own.is_empty() {
            let mut writes = self
                .own_writes
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for (key, before) in own {
                writes.entry(key).or_insert(before);
            }
        }
        Ok(value)
    }

    /// Runs `f` in one write transaction committed at once but forced to disk only by the
    /// next [`Flusher::flush`] (or durable write): for changes received from peers, who
    /// still hold them should a crash come first. If `f` fails, nothing is written.
    pub(crate) fn write_soon<T>(&self, f: impl FnOnce(&mut Batch<'_>) -> Result<T>) -> Result<T> {
        let value = self.write_derived(f)?;
        self.unflushed.store(true, Ordering::SeqCst);
        Ok(value)
    }

    /// What forces this store's writes to disk, usable without the library.
    pub(crate) fn flusher(&self) -> Flusher {
        Flusher {
            db: self.db.clone(),
            unflushed: self.unflushed.clone(),
        }
    }

    /// The documents this writer changed since the last call (committed), each with the
    /// heads it had before: what this node has to announce.
    pub(crate) fn take_own_writes(&self) -> BTreeMap<String, Vec<ChangeHash>> {
        std::mem::take(
            &mut *self
                .own_writes
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Runs `f` in one write transaction that is not forced to disk: for what is derived
    /// from the documents and can be derived again (a crash at most loses it, and the next
    /// durable write persists it).
    pub(crate) fn write_derived<T>(
        &self,
        f: impl FnOnce(&mut Batch<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(redb::Durability::None)
            .map_err(|e| Error::Database(e.to_string()))?;
        run(txn, f).map(|(value, _)| value)
    }

    /// Returns free pages to the file system (after a bulk import).
    pub(crate) fn compact_file(&mut self) -> Result<()> {
        // Only the library's own handle may compact: a flusher held elsewhere (a node
        // taking in news) could write meanwhile.
        let db = Arc::get_mut(&mut self.db).ok_or_else(|| {
            Error::Database("the library is syncing; compact it when the node stops".into())
        })?;
        db.compact()?;
        Ok(())
    }
}

/// Forces the writes [`Store::write_soon`] committed to disk; shared between threads and
/// used without holding the library.
#[derive(Clone)]
pub struct Flusher {
    db: Arc<Database>,
    unflushed: Arc<AtomicBool>,
}

impl Flusher {
    /// Forces every write committed so far to disk (nothing to do if all are there). On
    /// failure they stay pending, for the next flush.
    pub fn flush(&self) -> Result<()> {
        if !self.unflushed.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        // An empty durable commit makes every commit before it durable too.
        let outcome = self
            .db
            .begin_write()
            .map_err(Error::from)
            .and_then(|txn| txn.commit().map_err(Error::from));
        if outcome.is_err() {
            self.unflushed.store(true, Ordering::SeqCst);
        }
        outcome
    }
}

impl std::fmt::Debug for Flusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flusher")
            .field("unflushed", &self.unflushed.load(Ordering::Relaxed))
            .finish()
    }
}

/// Documents given changes of this writer's, each with the heads it was stored at before.
type OwnWrites = Vec<(String, Vec<ChangeHash>)>;

/// Runs `f` in `txn` and commits it; if `f` fails, nothing is written. With the value:
/// the documents given changes of this writer's (see [`Batch::own`]).
fn run<T>(
    txn: WriteTransaction,
    f: impl FnOnce(&mut Batch<'_>) -> Result<T>,
) -> Result<(T, OwnWrites)> {
    let mut batch = Batch {
        txn: &txn,
        own: Vec::new(),
    };
    match f(&mut batch) {
        Ok(value) => {
            let own = batch.own;
            txn.commit()?;
            Ok((value, own))
        }
        Err(e) => {
            txn.abort()?;
            Err(e)
        }
    }
}

/// The writes of one transaction.
pub(crate) struct Batch<'t> {
    txn: &'t WriteTransaction,
    /// Documents stored with changes this writer made (signed now), each with the heads
    /// it was stored at before.
    own: OwnWrites,
}

impl Batch<'_> {
    /// Stores what changed in `stored.doc` since it was last stored, compacting when due.
    /// Every new change must have a signature: received with it, or made here by the
    /// sealer's writer (then signed now); the signatures are stored beside the chunk.
    pub(crate) fn save_doc(
        &mut self,
        key: &str,
        stored: &mut StoredDoc,
        sealer: &Sealer<'_>,
    ) -> Result<()> {
        self.save_doc_as(key, stored, sealer, None)
    }

    /// [`Batch::save_doc`]; a document new here is stored as `sent` when given (the bytes
    /// it was loaded from, as a peer sent it whole) instead of being saved anew.
    pub(crate) fn save_doc_as(
        &mut self,
        key: &str,
        stored: &mut StoredDoc,
        sealer: &Sealer<'_>,
        sent: Option<&[u8]>,
    ) -> Result<()> {
        let heads = stored.doc.get_heads();
        if !stored.saved.is_empty() && heads == stored.saved {
            return Ok(());
        }
        let mut sealed = Vec::new();
        for meta in stored.doc.get_changes_meta(&stored.saved) {
            let seal = match sealer.received.and_then(|r| r.get(&meta.hash)) {
                Some(seal) => *seal,
                None if member_of_actor(&meta.actor).as_ref() == Some(&sealer.writer.member) => {
                    if self.own.last().is_none_or(|(k, _)| k != key) {
                        self.own.push((key.to_string(), stored.saved.clone()));
                    }
                    sealer.writer.sign(key, &meta.hash)
                }
                None => {
                    return Err(Error::Document(format!(
                        "change {} of {key} carries no signature of its author",
                        meta.hash
                    )));
                }
            };
            sealed.push((meta.hash, seal));
        }
        let mut records = proof::encode_records(sealed.iter().map(|(h, s)| (h, s)));
        let mut docs = self.txn.open_table(DOCS)?;
        let mut chunks = self.txn.open_table(CHUNKS)?;
        let state = docs.get(key)?.map(|v| {
            let (next, incrementals, _) = v.value();
            (next, incrementals)
        });
        let (next, incrementals) = match state {
            None => {
                let value = match sent {
                    Some(bytes) => chunk::join(bytes, &records),
                    None => chunk::join(&stored.doc.save(), &records),
                };
                chunks.insert((key, 0), value.as_slice())?;
                (1, 0)
            }
            Some((next, incrementals)) if incrementals + 1 >= COMPACT_AFTER => {
                // The snapshot covers everything loaded so far; the superseded chunks are
                // exactly those below `next`, and go in this same transaction.
                // The signatures of every superseded chunk move to the snapshot.
                let mut superseded = Vec::new();
                let mut all = Vec::new();
                for item in chunks.range((key, 0)..(key, next))? {
                    let (k, value) = item?;
                    superseded.push(k.value().1);
                    let (_, kept) = chunk::split(value.value()).ok_or_else(|| damaged(key))?;
                    all.extend_from_slice(kept);
                }
                for seq in superseded {
                    chunks.remove((key, seq))?;
                }
                all.append(&mut records);
                let value = chunk::join(&stored.doc.save(), &all);
                chunks.insert((key, next), value.as_slice())?;
                (next + 1, 0)
            }
            Some((next, incrementals)) => {
                let value = chunk::join(&stored.doc.save_after(&stored.saved), &records);
                chunks.insert((key, next), value.as_slice())?;
                (next + 1, incrementals + 1)
            }
        };
        let bytes: Vec<u8> = heads.iter().flat_map(|h| h.0).collect();
        docs.insert(key, (next, incrementals, bytes.as_slice()))?;
        stored.saved = heads;
        stored.proofs.extend(sealed);
        Ok(())
    }

    /// Writes a small named value to the metadata table.
    pub(crate) fn put_meta(&mut self, key: &str, value: &[u8]) -> Result<()> {
        self.txn.open_table(META)?.insert(key, value)?;
        Ok(())
    }

    /// Stores what is derived from document `key`.
    pub(crate) fn put_derived(&mut self, key: &str, value: &[u8]) -> Result<()> {
        self.txn.open_table(DERIVED)?.insert(key, value)?;
        Ok(())
    }

    /// Stores the sync state of `doc` with `peer`.
    pub(crate) fn put_sync_state(&mut self, peer: &str, doc: &str, state: &[u8]) -> Result<()> {
        self.txn.open_table(SYNC)?.insert((peer, doc), state)?;
        Ok(())
    }

    /// Writes a catalog row, giving it the next write sequence number.
    pub(crate) fn put_catalog(&mut self, row: &mut CatalogRow) -> Result<()> {
        let mut meta = self.txn.open_table(META)?;
        let seq = meta
            .get("seq")?
            .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes))
            .unwrap_or(0)
            + 1;
        meta.insert("seq", seq.to_le_bytes().as_slice())?;
        row.seq = seq;
        let mut table = self.txn.open_table(CATALOG)?;
        table.insert(row.id.as_str(), row.encode().as_slice())?;
        Ok(())
    }
}

/// The error for a chunk whose framing is damaged.
fn damaged(key: &str) -> Error {
    Error::CorruptDocument {
        what: key.to_string(),
        detail: "a stored chunk is damaged".into(),
    }
}
