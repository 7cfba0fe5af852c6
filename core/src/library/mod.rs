//! The library facade: the one API the command line, the app and sync use. It owns the
//! store, the catalog and the open documents; callers never see automerge or redb.

mod answers;
mod aside;
mod assign;
mod bulk;
mod cache;
mod credit;
mod ends;
mod entries;
mod freshness;
mod import;
mod insights;
mod intake;
mod invite;
mod known;
mod ledgers;
mod news;
mod quiz;
mod repair;
mod roster;
mod search;
mod sync;
mod tokens;
mod training;
mod trust;

pub use answers::Vocabulary;
use aside::remove_if_present;
pub use aside::{PREVIOUS_DIR, put_back, set_aside};
pub use credit::AnswerItem;
pub use entries::ListFilter;
pub use import::{ImportItem, ImportReport, ImportTarget};
pub use insights::{FLUSH_AFTER, QueryLogSetting};
pub use intake::Received;
pub use invite::Invite;
pub use known::KnownPeer;
pub use ledgers::Recorded;
pub use news::Taken;
pub use quiz::QUIZ_ITEM;
pub use repair::RepairReport;
pub use search::INDEX_DIR;
pub use sync::{Digest, SyncSession};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::doc::{self, DocKey, Writer};
use crate::model::{EntryId, Member, Role, Team, new_token, now_millis};
use crate::private::create_private_dir;
use crate::store::{CatalogRow, LibraryLock, Sealer, Store, StoredDoc};
use crate::{Error, Result};

/// The database file inside a data directory.
pub const DB_FILE: &str = "library.redb";

/// The database of a library being created by a join, until it holds the team document.
const JOINING_FILE: &str = "library.redb.joining";

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
    derived: credit::Derived,
    queries: insights::QueryBuffer,
    /// The team as last read to check an API token, with the heads of the team document
    /// it was read at (`tokens.rs`).
    team_read: Option<(Vec<automerge::ChangeHash>, std::sync::Arc<Team>)>,
    _lock: LibraryLock,
}

impl Drop for Library {
    /// Questions asked and not yet written go to the ledger as the library closes.
    fn drop(&mut self) {
        if let Err(e) = self.flush_queries() {
            tracing::warn!("the questions asked last were not logged: {e}");
        }
    }
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
        let opened = repair::open_store(dir, repair::Rebuild::IfAnythingUnreadable, &writer)?;
        Library::assemble(dir, writer, lock, opened, None, None, false)
    }

    fn open_with(
        dir: &Path,
        writer: Writer,
        team_document: Option<&[u8]>,
        inviter: Option<KnownPeer>,
    ) -> Result<Library> {
        create_private_dir(dir)?;
        let lock = LibraryLock::acquire(dir)?;
        let path = dir.join(DB_FILE);
        // A library that a join creates is built under another name and renamed into
        // place once it holds the team document: a join cut off before that leaves no
        // library (and no solo team made up by the next open), only a leftover to remove.
        let joining = dir.join(JOINING_FILE);
        remove_if_present(&joining)?;
        let fresh_join = team_document.is_some() && !path.exists();
        let opened = if fresh_join {
            repair::open_new(&joining)?
        } else {
            repair::open_store(dir, repair::Rebuild::IfDamaged, &writer)?
        };
        Library::assemble(
            dir,
            writer,
            lock,
            opened,
            team_document,
            inviter,
            fresh_join,
        )
    }

    /// The library around an opened database; `fresh_join`: the database is a join's,
    /// still under its temporary name until it holds the team document.
    fn assemble(
        dir: &Path,
        writer: Writer,
        lock: LibraryLock,
        opened: repair::Opened,
        team_document: Option<&[u8]>,
        inviter: Option<KnownPeer>,
        fresh_join: bool,
    ) -> Result<Library> {
        let (path, joining) = (dir.join(DB_FILE), dir.join(JOINING_FILE));
        let mut library = Library {
            dir: dir.to_path_buf(),
            store: opened.store,
            writer,
            catalog: BTreeMap::new(),
            docs: HashMap::new(),
            roster_checked: false,
            search: None,
            repaired: opened.repaired,
            derived: credit::Derived::default(),
            queries: insights::QueryBuffer::default(),
            team_read: None,
            _lock: lock,
        };
        library.load_catalog(opened.rows);
        match (team_document, library.store.contains(DocKey::TEAM)?) {
            (None, false) if library.is_new()? => library.create_team()?,
            // A team document lost to damage is never replaced by a new team's: joining
            // the team again fetches it (`Error::MissingTeam` says how).
            (None, false) => {}
            (None, true) => {}
            (Some(bytes), exists) => {
                if let Err(e) = library.adopt_team(bytes, exists, inviter) {
                    drop(library);
                    if fresh_join {
                        remove_if_present(&joining)?;
                    }
                    return Err(e);
                }
            }
        }
        if fresh_join {
            std::fs::rename(&joining, &path).map_err(|e| {
                Error::Database(format!("renaming {} into place: {e}", joining.display()))
            })?;
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
            match CatalogRow::decode(&bytes) {
                Some(row) => {
                    self.catalog.insert(id, row);
                }
                // A damaged row is rebuilt from its document when that can be read.
                None => {
                    if let Ok(entry) = self.get(&id) {
                        self.catalog
                            .insert(id, CatalogRow::of(&entry, entry.created_at));
                    }
                }
            }
        }
    }

    /// Takes the team document of the team being joined.
    /// Every change of it must be signed by its author, who was an admin on the roster it
    /// was made on.
    fn adopt_team(&mut self, bytes: &[u8], exists: bool, inviter: Option<KnownPeer>) -> Result<()> {
        let refuse = |reason: String| Error::Refused {
            peer: inviter
                .as_ref()
                .map(|p| p.member.clone())
                .unwrap_or_default(),
            doc: DocKey::TEAM.to_string(),
            reason,
        };
        let (seals, bytes) = doc::proof::open_message(bytes).map_err(&refuse)?;
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
        let seals: doc::Proofs = seals.into_iter().collect();
        let changes: Vec<trust::NewChange> = theirs
            .get_changes_meta(&[])
            .into_iter()
            .map(|m| trust::NewChange {
                hash: m.hash,
                actor: m.actor.into_owned(),
                deps: m.deps,
            })
            .collect();
        let proofs = trust::check(DocKey::TEAM, &changes, &seals, &team, &mut theirs, true)
            .map_err(&refuse)?;
        self.writer.attach(&mut theirs);
        let mut stored = StoredDoc::new(theirs);
        let peers = inviter
            .map(|peer| known::peers_bytes(&[peer]))
            .transpose()?;
        let sealer = Sealer {
            writer: &self.writer,
            received: Some(&proofs),
        };
        self.store.write(|b| {
            b.save_doc(DocKey::TEAM, &mut stored, &sealer)?;
            match &peers {
                Some(bytes) => b.put_meta(known::PEERS_KEY, bytes),
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
                history_ends: Default::default(),
            },
        );
        let mut stored = StoredDoc::new(self.writer.new_doc());
        doc::write_team(&mut stored.doc, &team)?;
        doc::commit(&mut stored.doc, "created the library", now);
        self.store
            .write(|b| b.save_doc(DocKey::TEAM, &mut stored, &self.own_sealer()))?;
        self.roster_checked = true;
        Ok(())
    }
}
