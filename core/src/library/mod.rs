//! The library facade: the one API the command line, the app and sync use. It owns the
//! store, the catalog and the open documents; callers never see automerge or redb.

mod answers;
mod aside;
mod cache;
mod entries;
mod import;
mod invite;
mod ledgers;
mod repair;
mod roster;
mod search;
mod sync;

pub use answers::Vocabulary;
pub use aside::{PREVIOUS_DIR, put_back, set_aside};
pub use entries::ListFilter;
pub use import::{ImportItem, ImportReport};
pub use invite::Invite;
pub use repair::RepairReport;
pub use search::INDEX_DIR;
pub use sync::{Digest, KnownPeer, Received, SyncSession};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::doc::{self, DocKey, Writer};
use crate::model::{EntryId, Member, Role, Team, new_token, now_millis};
use crate::private::create_private_dir;
use crate::store::{CatalogRow, LibraryLock, Store, StoredDoc};
use crate::{Error, Result};

/// The database file inside a data directory.
pub const DB_FILE: &str = "library.redb";

/// An open library. One process owns it at a time.
pub struct Library {
    dir: PathBuf,
    store: Store,
    writer: Writer,
    catalog: BTreeMap<EntryId, CatalogRow>,
    docs: HashMap<String, StoredDoc>,
    roster_checked: bool,
    search: Option<search::SearchState>,
    repaired: Option<RepairReport>,
    _lock: LibraryLock,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("dir", &self.dir).finish()
    }
}

impl Library {
    /// Opens the library in `dir`, creating the directory and an empty library if needed.
    /// Fails with [`Error::LibraryBusy`] if another process has it open.
    pub fn open(dir: &Path, writer: Writer) -> Result<Library> {
        Library::open_with(dir, writer, None, None)
    }

    /// Opens (creating if needed) a library that belongs to an existing team: its team
    /// document comes from a member of that team instead of being created here. Fails if
    /// the data directory already belongs to another team.
    pub fn join(dir: &Path, writer: Writer, team_document: &[u8]) -> Result<Library> {
        Library::open_with(dir, writer, Some(team_document), None)
    }

    /// Joins as [`Library::join`] does, and records `inviter` in the address cache in the
    /// same write that creates the library: a join cut off at any later point still knows
    /// whom to sync with.
    pub fn join_via(
        dir: &Path,
        writer: Writer,
        team_document: &[u8],
        inviter: KnownPeer,
    ) -> Result<Library> {
        Library::open_with(dir, writer, Some(team_document), Some(inviter))
    }

    /// Opens the library in `dir` as [`Library::open`] does, and rebuilds its database
    /// from everything still readable if any document in it cannot be read (the damaged
    /// file is kept aside; [`Library::repaired`] says what was recovered and lost). A
    /// library whose documents all read is left as it is.
    pub fn repair(dir: &Path, writer: Writer) -> Result<Library> {
        create_private_dir(dir)?;
        let lock = LibraryLock::acquire(dir)?;
        let opened = repair::open_store(dir, repair::Rebuild::IfAnythingUnreadable)?;
        Library::assemble(dir, writer, lock, opened, None, None)
    }

    fn open_with(
        dir: &Path,
        writer: Writer,
        team_document: Option<&[u8]>,
        inviter: Option<KnownPeer>,
    ) -> Result<Library> {
        create_private_dir(dir)?;
        let lock = LibraryLock::acquire(dir)?;
        let opened = repair::open_store(dir, repair::Rebuild::IfDamaged)?;
        Library::assemble(dir, writer, lock, opened, team_document, inviter)
    }

    fn assemble(
        dir: &Path,
        writer: Writer,
        lock: LibraryLock,
        opened: repair::Opened,
        team_document: Option<&[u8]>,
        inviter: Option<KnownPeer>,
    ) -> Result<Library> {
        let mut library = Library {
            dir: dir.to_path_buf(),
            store: opened.store,
            writer,
            catalog: BTreeMap::new(),
            docs: HashMap::new(),
            roster_checked: false,
            search: None,
            repaired: opened.repaired,
            _lock: lock,
        };
        library.load_catalog(opened.rows);
        match (team_document, library.store.contains(DocKey::TEAM)?) {
            (None, false) if library.is_new()? => library.create_team()?,
            // A team document lost to damage is never replaced by a new team's: joining
            // the team again fetches it (`Error::MissingTeam` says how).
            (None, false) => {}
            (None, true) => {}
            (Some(bytes), exists) => library.adopt_team(bytes, exists, inviter)?,
        }
        Ok(library)
    }

    /// What rebuilding a damaged database recovered and lost when this library was
    /// opened; `None` when it opened as it was.
    pub fn repaired(&self) -> Option<&RepairReport> {
        self.repaired.as_ref()
    }

    /// Whether this is a brand-new library: nothing stored, nothing salvaged.
    fn is_new(&self) -> Result<bool> {
        Ok(self.repaired.is_none() && self.store.doc_keys()?.is_empty())
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Who this library writes as.
    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    fn load_catalog(&mut self, rows: Vec<(String, Vec<u8>)>) {
        for (id, bytes) in rows {
            match serde_json::from_slice::<CatalogRow>(&bytes) {
                Ok(row) => {
                    self.catalog.insert(id, row);
                }
                // A damaged row is rebuilt from its document when that can be read.
                Err(_) => {
                    if let Ok(entry) = self.get(&id) {
                        self.catalog
                            .insert(id, CatalogRow::of(&entry, entry.created_at));
                    }
                }
            }
        }
    }

    /// Takes the team document of the team being joined.
    fn adopt_team(&mut self, bytes: &[u8], exists: bool, inviter: Option<KnownPeer>) -> Result<()> {
        let mut theirs = doc::load(&[bytes.to_vec()], DocKey::TEAM)?;
        let team = doc::read_team(&theirs)?;
        if exists {
            let ours = self.team()?;
            if ours.id != team.id {
                return Err(Error::invalid(format!(
                    "this data directory already holds the library of team “{}” ({}); \
                     join with an empty data directory",
                    ours.name, ours.id
                )));
            }
            if let Some(peer) = inviter {
                self.learn_peer(&peer.member, peer.addrs)?;
            }
            return Ok(());
        }
        self.writer.attach(&mut theirs);
        let mut stored = StoredDoc::new(theirs);
        let peers = inviter.map(|peer| sync::peers_bytes(&[peer])).transpose()?;
        self.store.write(|b| {
            b.save_doc(DocKey::TEAM, &mut stored)?;
            match &peers {
                Some(bytes) => b.put_meta(sync::PEERS_KEY, bytes),
                None => Ok(()),
            }
        })?;
        Ok(())
    }

    fn create_team(&mut self) -> Result<()> {
        let now = now_millis();
        let mut team = Team {
            id: new_token(16),
            ..Team::default()
        };
        team.members.insert(
            self.writer.member.clone(),
            Member {
                id: self.writer.member.clone(),
                name: self.writer.name.clone(),
                role: Role::Admin,
                added_by: String::new(),
                added_at: now,
                removed: false,
            },
        );
        let mut stored = StoredDoc::new(self.writer.new_doc());
        doc::write_team(&mut stored.doc, &team)?;
        doc::commit(&mut stored.doc, "created the library", now);
        self.store
            .write(|b| b.save_doc(DocKey::TEAM, &mut stored))?;
        self.roster_checked = true;
        Ok(())
    }
}
