//! Salvage: what can still be read from the bytes of a damaged database file, without redb.
//!
//! Every document is stored as automerge chunks, and redb keeps a value's bytes together,
//! so the chunks lie whole in the file — current ones and older copies in freed pages.
//! An automerge chunk starts with the magic bytes `85 6f 4a 83`, then a 4-byte checksum
//! (the first bytes of the SHA-256 of what follows), a type byte and a LEB128 length; the
//! checksum tells a chunk from bytes that only look like one. [`scan`] finds every chunk:
//! document chunks (snapshots) are loaded and told apart by what can be read from them
//! (an entry, the team, a ledger); change chunks (increments) join the document that has
//! every change they depend on. Copies of one document are merged, so the newest state
//! wins. It also finds proof records (`LPf1` + change hash + signature) and the catalog
//! rows the damaged file held (to name entries that could not be recovered).
//!
//! Nothing here touches disk: bytes in, documents and a list of what was unreadable out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{AutoCommit, Change, ChangeHash, LoadOptions, OnPartialLoad};

use super::CatalogRow;
use super::catalog::ROW_MAGIC;
use crate::doc::{self, DocKey, proof};
use crate::model::{Entry, EntryId, MemberId, Millis, validate_entry_id};

/// The bytes every automerge chunk starts with.
pub const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// The bytes every proof record starts with; a record is this, a 32-byte change hash and
/// a 64-byte ed25519 signature.
pub const PROOF_MAGIC: [u8; 4] = *b"LPf1";

/// The length of one proof record.
pub const PROOF_LEN: usize = 100;

/// What a catalog row written as JSON (before rows were postcard) starts with.
const CATALOG_ROW_START: &[u8] = b"{\"id\":\"";

/// A document put back together from the chunks found.
pub(crate) struct Recovered {
    pub(crate) doc: AutoCommit,
    /// When its newest change was made (ms since the epoch; automerge keeps seconds).
    pub(crate) last_change: Millis,
}

/// A change that was found but that no recovered document can take: an increment whose
/// earlier changes were lost with the rest of its document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LostChange {
    /// The change hash, hex.
    pub hash: String,
    /// Who made it, when the change says (only an actor's first change in a document
    /// carries its author).
    pub member: Option<MemberId>,
    /// When it was made (ms since the epoch).
    pub time: Millis,
    /// Its one-line summary, e.g. “edited the title”.
    pub summary: String,
}

/// Something the scan found but could not put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Bytes `at..at + len` start like an automerge chunk but do not load: a wrong
    /// checksum, cut short, or overwritten (freed pages hold many such partial copies).
    Chunk { at: usize, len: usize },
    /// A document chunk at `at` that loads but holds no entry, team or ledger.
    Document { at: usize, detail: String },
    /// A change no recovered document can take.
    Change(LostChange),
    /// Proof records for one change (hash, hex) were found, but none whose signature
    /// checks out: the change's proof is lost with them.
    Proof { hash: String },
}

/// How many documents of each kind were recovered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub entries: usize,
    pub ledgers: usize,
    /// Whether the team document was recovered.
    pub team: bool,
}

/// Everything [`scan`] could read from a damaged file.
pub struct Salvaged {
    /// Document key → the document, every copy found merged.
    pub(crate) docs: BTreeMap<String, Recovered>,
    /// Change hash → its signature, for changes of recovered documents only.
    pub(crate) proofs: BTreeMap<ChangeHash, [u8; 64]>,
    /// The entries the damaged file's catalog named: id → title.
    pub catalog: BTreeMap<EntryId, String>,
    /// What could not be read or placed.
    pub unreadable: Vec<Unreadable>,
}

impl std::fmt::Debug for Salvaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Salvaged")
            .field("docs", &self.docs.keys().collect::<Vec<_>>())
            .field("proofs", &self.proofs.len())
            .field("catalog", &self.catalog.len())
            .field("unreadable", &self.unreadable)
            .finish()
    }
}

impl Salvaged {
    /// The keys of the recovered documents (`team`, `entry/<id>`, `ledger/<member>`).
    pub fn keys(&self) -> Vec<String> {
        self.docs.keys().cloned().collect()
    }

    /// A recovered entry as it reads now.
    pub fn entry(&self, id: &str) -> Option<Entry> {
        let recovered = self.docs.get(&DocKey::entry(id))?;
        doc::read_entry(&recovered.doc).ok()
    }

    /// How many documents of each kind were recovered.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for key in self.docs.keys() {
            match DocKey::parse(key) {
                Some(DocKey::Entry(_)) => counts.entries += 1,
                Some(DocKey::Ledger(_)) => counts.ledgers += 1,
                Some(DocKey::Team) => counts.team = true,
                None => {}
            }
        }
        counts
    }

    /// The proofs found for recovered changes: (change hash as hex, signature).
    pub fn proofs(&self) -> Vec<(String, [u8; 64])> {
        self.proofs
            .iter()
            .map(|(hash, sig)| (hash.to_string(), *sig))
            .collect()
    }

    /// The entries the damaged catalog named that were not recovered: (id, title).
    pub fn lost_entries(&self) -> Vec<(EntryId, String)> {
        self.catalog
            .iter()
            .filter(|(id, _)| !self.docs.contains_key(&DocKey::entry(id)))
            .map(|(id, title)| (id.clone(), title.clone()))
            .collect()
    }
}

/// Reads every document, proof and catalog row that can still be read from `bytes`, the
/// contents of a database file.
pub fn scan(bytes: &[u8]) -> Salvaged {
    let mut unreadable = Vec::new();
    let mut snapshots = Vec::new();
    let mut changes: BTreeMap<ChangeHash, Change> = BTreeMap::new();
    let mut at = 0;
    while let Some(start) = find(bytes, &CHUNK_MAGIC, at) {
        match read_chunk(bytes, start) {
            Some((end, Chunk::Snapshot(doc))) => {
                snapshots.push((start, doc));
                at = end;
            }
            Some((end, Chunk::Changes(found))) => {
                for change in found {
                    changes.insert(change.hash(), change);
                }
                at = end;
            }
            None => {
                let len = declared_len(bytes, start).unwrap_or(CHUNK_MAGIC.len());
                unreadable.push(Unreadable::Chunk { at: start, len });
                at = start + 1;
            }
        }
    }
    let mut docs: BTreeMap<String, Recovered> = BTreeMap::new();
    for (at, doc) in snapshots {
        let mut doc = *doc;
        let Some(key) = key_of(&mut doc) else {
            let detail = doc::read_entry(&doc)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            unreadable.push(Unreadable::Document { at, detail });
            continue;
        };
        match docs.get_mut(&key) {
            // Copies of one document: merging is idempotent, so the newest state wins.
            Some(existing) => {
                if existing.doc.merge(&mut doc).is_err() {
                    unreadable.push(Unreadable::Document {
                        at,
                        detail: format!("a copy of {key} that does not merge"),
                    });
                }
            }
            None => {
                docs.insert(
                    key,
                    Recovered {
                        doc,
                        last_change: 0,
                    },
                );
            }
        }
    }
    let (lost, owner) = attach(&mut docs, changes);
    unreadable.extend(lost.into_iter().map(|change| {
        Unreadable::Change(LostChange {
            hash: change.hash().to_string(),
            // The actor id names its member.
            member: doc::member_of_actor(change.actor_id()),
            time: change.timestamp() * 1000,
            summary: change.message().unwrap_or_default().to_string(),
        })
    }));
    // Who wrote each recovered change, to check its signature against.
    let authors: HashMap<ChangeHash, String> = docs
        .values_mut()
        .flat_map(|r| r.doc.get_changes_meta(&[]))
        .filter_map(|m| Some((m.hash, doc::member_of_actor(&m.actor)?)))
        .collect();
    let (proofs, conflicts) = scan_proofs(bytes, &owner, &authors);
    unreadable.extend(conflicts.into_iter().map(|hash| Unreadable::Proof {
        hash: hash.to_string(),
    }));
    Salvaged {
        docs,
        proofs,
        catalog: scan_catalog(bytes),
        unreadable,
    }
}

/// What one chunk holds.
enum Chunk {
    Snapshot(Box<AutoCommit>),
    Changes(Vec<Change>),
}

/// The chunk at `start` and where it ends, if its bytes are whole.
fn read_chunk(bytes: &[u8], start: usize) -> Option<(usize, Chunk)> {
    let (header_len, chunk_type, data_len) = header(bytes, start)?;
    let end = start.checked_add(header_len)?.checked_add(data_len)?;
    let slice = bytes.get(start..end)?;
    match chunk_type {
        // A document: loading checks the checksum.
        0 => {
            let options = LoadOptions::new()
                .on_partial_load(OnPartialLoad::Error)
                .text_encoding(doc::TEXT_ENCODING);
            let doc = AutoCommit::load_with_options(slice, options).ok()?;
            Some((end, Chunk::Snapshot(Box::new(doc))))
        }
        // A change, plain or deflated: its hash is computed from its bytes, and the
        // checksum is that hash's first four bytes.
        1 | 2 => {
            let change = Change::try_from(slice).ok()?;
            (change.hash().0[..4] == slice[4..8]).then_some((end, Chunk::Changes(vec![change])))
        }
        // A bundle of changes (Lore never writes them; read them all the same).
        3 => {
            let mut doc = AutoCommit::load(slice).ok()?;
            Some((end, Chunk::Changes(doc.get_changes(&[]))))
        }
        _ => None,
    }
}

/// A chunk header at `start`: (its length, the chunk type, the length of the data after it).
fn header(bytes: &[u8], start: usize) -> Option<(usize, u8, usize)> {
    let chunk_type = *bytes.get(start + 8)?;
    let (data_len, leb_len) = leb128(bytes.get(start + 9..)?)?;
    Some((9 + leb_len, chunk_type, usize::try_from(data_len).ok()?))
}

/// How many bytes the chunk at `start` says it spans, clipped to the file.
fn declared_len(bytes: &[u8], start: usize) -> Option<usize> {
    let (header_len, _, data_len) = header(bytes, start)?;
    let end = start
        .saturating_add(header_len)
        .saturating_add(data_len)
        .min(bytes.len());
    Some(end - start)
}

/// An unsigned LEB128 number at the start of `bytes`, and how many bytes it took.
fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Where `needle` next occurs in `bytes` at or after `from`.
fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while at + needle.len() <= bytes.len() {
        let offset = bytes.get(at..)?.iter().position(|b| *b == first)?;
        at += offset;
        if bytes.get(at..at + needle.len())? == needle {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The key a recovered document belongs under, from what can be read from it.
fn key_of(doc: &mut AutoCommit) -> Option<String> {
    if let Ok(entry) = doc::read_entry(doc) {
        return validate_entry_id(&entry.id)
            .is_ok()
            .then(|| DocKey::entry(&entry.id));
    }
    if doc::read_team(doc).is_ok() {
        return Some(DocKey::TEAM.to_string());
    }
    let ledger = doc::read_ledger(doc).ok()?;
    // A ledger is written by its member alone: its changes' author names it.
    let mut authors = BTreeSet::new();
    for change in doc.get_changes(&[]) {
        if let Some(member) = doc::member_of_actor(change.actor_id()) {
            authors.insert(member);
        }
    }
    let member = match authors.len() {
        1 => authors.pop_first()?,
        _ if !ledger.member.is_empty() => ledger.member,
        _ => return None,
    };
    Some(DocKey::ledger(&member))
}

/// Applies every change whose dependencies one recovered document holds, until none is
/// left that fits; returns the changes that fit nowhere, and which document holds each
/// change. Also records each document's newest change time.
fn attach(
    docs: &mut BTreeMap<String, Recovered>,
    changes: BTreeMap<ChangeHash, Change>,
) -> (Vec<Change>, HashMap<ChangeHash, String>) {
    let mut owner: HashMap<ChangeHash, String> = HashMap::new();
    for (key, recovered) in docs.iter_mut() {
        for change in recovered.doc.get_changes(&[]) {
            owner.insert(change.hash(), key.clone());
        }
    }
    let mut pending: Vec<Change> = changes
        .into_values()
        .filter(|c| !owner.contains_key(&c.hash()))
        .collect();
    // Oldest first, so that a line of increments mostly fits in one pass.
    pending.sort_by_key(|c| (c.timestamp(), c.seq()));
    loop {
        let before = pending.len();
        let mut left = Vec::new();
        for change in pending {
            let keys: BTreeSet<&String> =
                change.deps().iter().filter_map(|d| owner.get(d)).collect();
            let fits = keys.len() == 1 && change.deps().iter().all(|d| owner.contains_key(d));
            let target = keys.into_iter().next().filter(|_| fits).cloned();
            let applied = target.and_then(|key| {
                let recovered = docs.get_mut(&key)?;
                recovered
                    .doc
                    .apply_changes([change.clone()])
                    .ok()
                    .map(|()| key)
            });
            match applied {
                Some(key) => {
                    owner.insert(change.hash(), key);
                }
                None => left.push(change),
            }
        }
        pending = left;
        if pending.len() == before {
            break;
        }
    }
    for recovered in docs.values_mut() {
        let newest = recovered
            .doc
            .get_changes(&[])
            .iter()
            .map(Change::timestamp)
            .max()
            .unwrap_or(0);
        recovered.last_change = newest * 1000;
    }
    (pending, owner)
}

/// Proof records for changes of the recovered documents (hash → signature, only copies
/// whose signature checks out against the change's author), and the hashes for which only
/// damaged copies were found.
fn scan_proofs(
    bytes: &[u8],
    owner: &HashMap<ChangeHash, String>,
    authors: &HashMap<ChangeHash, String>,
) -> (BTreeMap<ChangeHash, [u8; 64]>, BTreeSet<ChangeHash>) {
    let mut proofs: BTreeMap<ChangeHash, [u8; 64]> = BTreeMap::new();
    let mut conflicts = BTreeSet::new();
    let mut at = 0;
    while let Some(start) = find(bytes, &PROOF_MAGIC, at) {
        at = start + 1;
        let Some(record) = bytes.get(start..start + PROOF_LEN) else {
            break;
        };
        let (Ok(hash), Ok(sig)) = (
            <[u8; 32]>::try_from(&record[4..36]),
            <[u8; 64]>::try_from(&record[36..]),
        ) else {
            continue;
        };
        let hash = ChangeHash(hash);
        // A hash no recovered document knows is either a lost change or damage; the proof
        // of a lost change comes back with the change.
        if !owner.contains_key(&hash) {
            continue;
        }
        // A copy whose signature checks out is the proof (ed25519 signatures are
        // deterministic, so every good copy is the same); a damaged copy is only reported
        // when no good one turns up.
        let good = match (owner.get(&hash), authors.get(&hash)) {
            (Some(key), Some(member)) => proof::verify(member, key, &hash, &sig).is_ok(),
            _ => false,
        };
        if good {
            proofs.insert(hash, sig);
        } else {
            conflicts.insert(hash);
        }
        at = start + PROOF_LEN;
    }
    conflicts.retain(|hash| !proofs.contains_key(hash));
    (proofs, conflicts)
}

/// The entries the damaged catalog named (id → title), from every catalog row still
/// whole (in postcard after its magic, or JSON as rows were first written); of several
/// copies, the one changed last gives the title.
fn scan_catalog(bytes: &[u8]) -> BTreeMap<EntryId, String> {
    let mut rows: BTreeMap<EntryId, CatalogRow> = BTreeMap::new();
    let mut found = json_values::<CatalogRow>(bytes, CATALOG_ROW_START);
    let mut at = 0;
    while let Some(start) = find(bytes, ROW_MAGIC, at) {
        at = start + ROW_MAGIC.len();
        if let Some((row, len)) = bytes.get(at..).and_then(CatalogRow::take) {
            found.push(row);
            at += len;
        }
    }
    for row in found {
        if validate_entry_id(&row.id).is_err() {
            continue;
        }
        match rows.get(&row.id) {
            Some(seen) if seen.updated_at >= row.updated_at => {}
            _ => {
                rows.insert(row.id.clone(), row);
            }
        }
    }
    rows.into_iter().map(|(id, row)| (id, row.title)).collect()
}

/// Every whole JSON value of type `T` that starts with `start` in `bytes` (small values
/// redb stored as JSON: catalog rows, the peer address cache), in file order.
pub(crate) fn json_values<T: serde::de::DeserializeOwned>(bytes: &[u8], start: &[u8]) -> Vec<T> {
    let mut values = Vec::new();
    let mut at = 0;
    while let Some(found) = find(bytes, start, at) {
        at = found + 1;
        let Some(rest) = bytes.get(found..) else {
            break;
        };
        let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
        if let Some(Ok(value)) = stream.next() {
            at = found + stream.byte_offset().max(1);
            values.push(value);
        }
    }
    values
}
