//! The library facade: the one API the command line, the app and sync use. It owns the
//! store, the catalog and the open documents; callers never see automerge or redb.

mod answers;
mod aside;
mod import;
mod invite;
mod roster;
mod search;
mod summary;
mod sync;

pub use answers::Vocabulary;
pub use aside::{PREVIOUS_DIR, put_back, set_aside};
pub use import::{ImportItem, ImportReport};
pub use invite::Invite;
pub use search::INDEX_DIR;
pub(crate) use summary::describe as describe_change;
pub use sync::{Digest, KnownPeer, Received, SyncSession};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::doc::{self, Change, EntryDoc, Writer};
use crate::model::{
    Entry, EntryId, Kind, Ledger, Member, MemberId, Role, Status, Team, new_entry_id, new_token,
    now_millis,
};
use crate::store::{CatalogRow, LibraryLock, Store, StoredDoc};
use crate::{Error, Result};

/// The database file inside a data directory.
pub const DB_FILE: &str = "library.redb";
const TEAM_KEY: &str = "team";
/// An edit keeps the entry's identity (id, creation) and must leave a valid entry.
fn keep_identity(old: &Entry, new: &mut Entry) -> Result<()> {
    new.id = old.id.clone();
    new.created_at = old.created_at;
    new.created_by = old.created_by.clone();
    new.normalise();
    new.validate()
}

/// Open documents kept in memory at most; beyond this the cache is emptied. More than a
/// sync window (500 documents), so a window loads each of its documents once.
const DOC_CACHE: usize = 1024;

fn entry_key(id: &str) -> String {
    format!("entry/{id}")
}

fn ledger_key(member: &str) -> String {
    format!("ledger/{member}")
}

/// Which entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<Kind>,
    pub tag: Option<String>,
    pub category: Option<String>,
    /// Only entries with this status; when unset, archived entries are hidden.
    pub status: Option<Status>,
}

/// An open library. One process owns it at a time.
pub struct Library {
    dir: PathBuf,
    store: Store,
    writer: Writer,
    catalog: BTreeMap<EntryId, CatalogRow>,
    docs: HashMap<String, StoredDoc>,
    roster_checked: bool,
    search: Option<search::SearchState>,
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
        Library::open_with(dir, writer, None)
    }

    /// Opens (creating if needed) a library that belongs to an existing team: its team
    /// document comes from a member of that team instead of being created here. Fails if
    /// the data directory already belongs to another team.
    pub fn join(dir: &Path, writer: Writer, team_document: &[u8]) -> Result<Library> {
        Library::open_with(dir, writer, Some(team_document))
    }

    fn open_with(dir: &Path, writer: Writer, team_document: Option<&[u8]>) -> Result<Library> {
        create_private_dir(dir)?;
        let lock = LibraryLock::acquire(dir)?;
        let store = Store::open(&dir.join(DB_FILE))?;
        let mut library = Library {
            dir: dir.to_path_buf(),
            store,
            writer,
            catalog: BTreeMap::new(),
            docs: HashMap::new(),
            roster_checked: false,
            search: None,
            _lock: lock,
        };
        library.load_catalog()?;
        match (team_document, library.store.contains(TEAM_KEY)?) {
            (None, false) => library.create_team()?,
            (None, true) => {}
            (Some(bytes), exists) => library.adopt_team(bytes, exists)?,
        }
        Ok(library)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Who this library writes as.
    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    fn load_catalog(&mut self) -> Result<()> {
        for (id, bytes) in self.store.catalog_rows()? {
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
        Ok(())
    }

    /// Takes the team document of the team being joined.
    fn adopt_team(&mut self, bytes: &[u8], exists: bool) -> Result<()> {
        let mut theirs = doc::load(&[bytes.to_vec()], "team")?;
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
            return Ok(());
        }
        self.writer.attach(&mut theirs);
        let mut stored = StoredDoc::new(theirs);
        self.store.write(|b| b.save_doc(TEAM_KEY, &mut stored))?;
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
        self.store.write(|b| b.save_doc(TEAM_KEY, &mut stored))?;
        self.roster_checked = true;
        Ok(())
    }

    // ---- documents -------------------------------------------------------------------

    fn doc_mut(&mut self, key: &str) -> Result<&mut StoredDoc> {
        if !self.docs.contains_key(key) {
            if self.docs.len() >= DOC_CACHE {
                self.docs.clear();
            }
            let mut stored = self
                .store
                .load(key, key)
                .map_err(|e| rename_corrupt(e, key))?
                .ok_or_else(|| Error::NotFound(key.trim_start_matches("entry/").to_string()))?;
            self.writer.attach(&mut stored.doc);
            self.docs.insert(key.to_string(), stored);
        }
        self.docs
            .get_mut(key)
            .ok_or_else(|| Error::NotFound(key.to_string()))
    }

    /// Stores a changed cached document; on failure the cached copy is dropped so that
    /// memory never runs ahead of disk.
    fn persist(&mut self, key: &str, mut row: Option<CatalogRow>) -> Result<()> {
        let Some(mut stored) = self.docs.remove(key) else {
            return Ok(());
        };
        self.store.write(|b| {
            b.save_doc(key, &mut stored)?;
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

    // ---- entries ---------------------------------------------------------------------

    /// Finds an entry by id, unique id prefix, or shortcode (`#2`).
    pub fn resolve(&self, query: &str) -> Result<EntryId> {
        let query = query.trim();
        if self.catalog.contains_key(query) {
            return Ok(query.to_string());
        }
        if query.starts_with('#')
            && let Some(row) = self
                .catalog
                .values()
                .find(|r| r.shortcode == query && r.status != Status::Archived)
        {
            return Ok(row.id.clone());
        }
        let matches: Vec<&EntryId> = if query.is_empty() {
            Vec::new()
        } else {
            self.catalog
                .range(query.to_string()..)
                .take_while(|(id, _)| id.starts_with(query))
                .map(|(id, _)| id)
                .collect()
        };
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound(query.to_string())),
            many => Err(Error::AmbiguousId {
                prefix: query.to_string(),
                candidates: many
                    .iter()
                    .take(5)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Reads an entry.
    pub fn get(&mut self, id: &str) -> Result<Entry> {
        let stored = self.doc_mut(&entry_key(id))?;
        doc::read_entry(&stored.doc).map_err(|e| rename_corrupt(e, &entry_key(id)))
    }

    /// Adds a new entry and returns its id once it is durable. An empty `entry.id` gets
    /// a fresh id; creation time and author are filled in.
    pub fn add(&mut self, mut entry: Entry) -> Result<EntryId> {
        self.check_can_write()?;
        if entry.id.is_empty() {
            entry.id = self.fresh_id();
        } else if self.catalog.contains_key(&entry.id) {
            return Err(Error::invalid(format!(
                "an entry with id {} already exists; use `lore edit {}`",
                entry.id, entry.id
            )));
        }
        entry.created_at = now_millis();
        entry.created_by = self.writer.member.clone();
        entry.normalise();
        entry.validate()?;
        self.check_shortcode(&entry)?;
        let key = entry_key(&entry.id);
        let mut stored = StoredDoc::new(self.writer.new_doc());
        EntryDoc::create(&mut stored.doc, &entry)?;
        doc::commit(
            &mut stored.doc,
            &summary::describe(None, &entry),
            entry.created_at,
        );
        let mut row = CatalogRow::of(&entry, entry.created_at);
        self.store.write(|b| {
            b.save_doc(&key, &mut stored)?;
            b.put_catalog(&mut row)
        })?;
        self.index_entry(&entry, row.seq);
        self.catalog.insert(entry.id.clone(), row);
        self.docs.insert(key, stored);
        Ok(entry.id)
    }

    /// Edits an entry: `change` receives the current entry and alters it; only what
    /// differs is written. Returns the entry as stored.
    pub fn edit(
        &mut self,
        id: &str,
        change: impl FnOnce(&mut Entry) -> Result<()>,
    ) -> Result<Entry> {
        self.check_can_write()?;
        let old = self.get(id)?;
        let mut new = old.clone();
        change(&mut new)?;
        keep_identity(&old, &mut new)?;
        if new == old {
            return Ok(old);
        }
        self.check_shortcode(&new)?;
        let key = entry_key(id);
        let now = now_millis();
        let stored = self.doc_mut(&key)?;
        if let Err(e) = EntryDoc::update(&mut stored.doc, &new) {
            self.docs.remove(&key);
            return Err(e);
        }
        doc::commit(&mut stored.doc, &summary::describe(Some(&old), &new), now);
        self.persist(&key, Some(CatalogRow::of(&new, now)))?;
        let seq = self.catalog.get(id).map(|r| r.seq).unwrap_or(0);
        self.index_entry(&new, seq);
        Ok(new)
    }

    /// An entry with the heads of the version read (hex), for an editor that saves with
    /// [`Library::edit_since`].
    pub fn get_versioned(&mut self, id: &str) -> Result<(Entry, Vec<String>)> {
        let entry = self.get(id)?;
        Ok((entry, self.entry_heads(id)?))
    }

    /// The heads (hex) of entry `id`, without reading the entry: to notice a change.
    pub fn entry_heads(&mut self, id: &str) -> Result<Vec<String>> {
        let stored = self.doc_mut(&entry_key(id))?;
        Ok(stored
            .doc
            .get_heads()
            .iter()
            .map(ToString::to_string)
            .collect())
    }

    /// Saves `new` as an edit of the version of entry `id` at `base` (heads, hex): what
    /// differs from that version is written there and merged with everything that reached
    /// the entry since — a teammate's edit made meanwhile stays, and so does this one.
    /// Returns the merged entry with its heads, and the heads of this edit alone (the
    /// version whose content is `new`).
    pub fn edit_since(
        &mut self,
        id: &str,
        base: &[String],
        mut new: Entry,
    ) -> Result<(Entry, Vec<String>, Vec<String>)> {
        self.check_can_write()?;
        let base: Vec<automerge::ChangeHash> = base
            .iter()
            .map(|h| h.parse())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| {
                Error::invalid("the version being edited is not a list of change hashes")
            })?;
        let key = entry_key(id);
        let member = self.writer.member.clone();
        let stored = self.doc_mut(&key)?;
        let mut fork = stored.doc.fork_at(&base).map_err(|e| {
            Error::invalid(format!("the version being edited is unknown here: {e}"))
        })?;
        let old = doc::read_entry(&fork)?;
        keep_identity(&old, &mut new)?;
        if new == old {
            let (merged, heads) = self.get_versioned(id)?;
            return Ok((
                merged,
                heads,
                base.iter().map(ToString::to_string).collect(),
            ));
        }
        self.check_shortcode(&new)?;
        // An edit of an older version gets an actor of its own: the writer's actor may have
        // changes after `base`, and one actor's changes must form one line.
        doc::Writer::new(member, "").attach(&mut fork);
        EntryDoc::update(&mut fork, &new)?;
        let now = now_millis();
        doc::commit(&mut fork, &summary::describe(Some(&old), &new), now);
        let own: Vec<String> = fork.get_heads().iter().map(ToString::to_string).collect();
        let stored = self.doc_mut(&key)?;
        if let Err(e) = stored.doc.merge(&mut fork) {
            self.docs.remove(&key);
            return Err(Error::Document(format!("merging the edit: {e}")));
        }
        let merged = doc::read_entry(&stored.doc)?;
        self.persist(&key, Some(CatalogRow::of(&merged, now)))?;
        let seq = self.catalog.get(id).map(|r| r.seq).unwrap_or(0);
        self.index_entry(&merged, seq);
        let (merged, heads) = self.get_versioned(id)?;
        Ok((merged, heads, own))
    }

    /// Archives an entry (deletion is a status, so it replicates like any edit).
    pub fn archive(&mut self, id: &str) -> Result<Entry> {
        self.edit(id, |e| {
            e.status = Status::Archived;
            Ok(())
        })
    }

    /// The entries matching `filter`, by title.
    pub fn list(&self, filter: &ListFilter) -> Vec<&CatalogRow> {
        let mut rows: Vec<&CatalogRow> = self
            .catalog
            .values()
            .filter(|r| match filter.status {
                Some(s) => r.status == s,
                None => r.status != Status::Archived,
            })
            .filter(|r| filter.kind.is_none_or(|k| r.kind == k))
            .filter(|r| filter.tag.as_ref().is_none_or(|t| r.tags.contains(t)))
            .filter(|r| filter.category.as_ref().is_none_or(|c| &r.category == c))
            .collect();
        rows.sort_by(|a, b| (a.kind, &a.title).cmp(&(b.kind, &b.title)));
        rows
    }

    /// The ids of every entry, archived ones included.
    pub fn ids(&self) -> Vec<EntryId> {
        self.catalog.keys().cloned().collect()
    }

    /// How many entries the library holds, archived ones included.
    pub fn len(&self) -> usize {
        self.catalog.len()
    }

    /// Whether the library holds no entries at all.
    pub fn is_empty(&self) -> bool {
        self.catalog.is_empty()
    }

    /// Every change to an entry, oldest first.
    pub fn history(&mut self, id: &str) -> Result<Vec<Change>> {
        let stored = self.doc_mut(&entry_key(id))?;
        Ok(doc::changes_of(&mut stored.doc))
    }

    /// Reads every document and reports those that cannot be read.
    pub fn check(&mut self) -> Result<Vec<Error>> {
        let mut damaged = Vec::new();
        for key in self.store.doc_keys()? {
            let outcome = self.store.load(&key, &key).and_then(|stored| {
                let Some(stored) = stored else { return Ok(()) };
                if key.starts_with("entry/") {
                    doc::read_entry(&stored.doc).map(|_| ())
                } else if key == TEAM_KEY {
                    doc::read_team(&stored.doc).map(|_| ())
                } else {
                    doc::read_ledger(&stored.doc).map(|_| ())
                }
            });
            if let Err(e) = outcome {
                damaged.push(rename_corrupt(e, &key));
            }
        }
        Ok(damaged)
    }

    fn fresh_id(&self) -> EntryId {
        loop {
            let id = new_entry_id();
            if !self.catalog.contains_key(&id) {
                return id;
            }
        }
    }

    /// Shortcodes are unique among entries that are not archived.
    fn check_shortcode(&self, entry: &Entry) -> Result<()> {
        if entry.shortcode.is_empty() || entry.status == Status::Archived {
            return Ok(());
        }
        match self.catalog.values().find(|r| {
            r.shortcode == entry.shortcode && r.id != entry.id && r.status != Status::Archived
        }) {
            Some(other) => Err(Error::ShortcodeTaken {
                shortcode: entry.shortcode.clone(),
                id: other.id.clone(),
            }),
            None => Ok(()),
        }
    }

    // ---- team ------------------------------------------------------------------------

    /// The team document.
    pub fn team(&mut self) -> Result<Team> {
        let stored = self.doc_mut(TEAM_KEY)?;
        doc::read_team(&stored.doc)
    }

    /// Changes the team document; `summary` becomes the change's message.
    pub fn update_team(
        &mut self,
        summary: &str,
        change: impl FnOnce(&mut Team) -> Result<()>,
    ) -> Result<Team> {
        let old = self.team()?;
        let mut new = old.clone();
        change(&mut new)?;
        if new == old {
            return Ok(old);
        }
        let stored = self.doc_mut(TEAM_KEY)?;
        if let Err(e) = doc::write_team(&mut stored.doc, &new) {
            self.docs.remove(TEAM_KEY);
            return Err(e);
        }
        doc::commit(&mut stored.doc, summary, now_millis());
        self.persist(TEAM_KEY, None)?;
        if new.synonyms != old.synonyms {
            self.synonyms_changed(&new.synonyms);
        }
        Ok(new)
    }

    /// This writer's role. Only admins change the team document, so: an admin's new
    /// display name is written to the roster; a writer missing from the roster joins it
    /// only in a library without an admin (a solo library whose device key was replaced);
    /// in a team, members are added by an admin's invite.
    pub fn my_role(&mut self) -> Result<Role> {
        let team = self.team()?;
        let me = &self.writer;
        match team.members.get(&me.member) {
            Some(m) if m.removed => Err(Error::forbidden(
                "you were removed from this team; ask an admin to invite you again",
            )),
            Some(m) if m.role != Role::Admin || m.name == me.name || me.name.is_empty() => {
                Ok(m.role)
            }
            Some(m) => {
                let role = m.role;
                let name = me.name.clone();
                let member = me.member.clone();
                self.update_team(&format!("renamed member to {name}"), |t| {
                    if let Some(m) = t.members.get_mut(&member) {
                        m.name = name;
                    }
                    Ok(())
                })?;
                Ok(role)
            }
            None if team.active_members().iter().any(|m| m.role == Role::Admin) => {
                Err(Error::forbidden(format!(
                    "you are not on the roster of team “{}”; ask an admin for an invite",
                    team.name
                )))
            }
            None => {
                let member = Member {
                    id: me.member.clone(),
                    name: me.name.clone(),
                    role: Role::Admin,
                    added_by: me.member.clone(),
                    added_at: now_millis(),
                    removed: false,
                };
                self.update_team(&format!("{} joined as admin", member.name), |t| {
                    t.members.insert(member.id.clone(), member);
                    Ok(())
                })?;
                Ok(Role::Admin)
            }
        }
    }

    /// Fails unless this writer may change content (viewers may not).
    pub fn check_can_edit(&mut self) -> Result<()> {
        self.check_can_write()
    }

    fn check_can_write(&mut self) -> Result<()> {
        if self.roster_checked {
            return Ok(());
        }
        let role = self.my_role()?;
        if !role.can_edit() {
            return Err(Error::forbidden(
                "you are a viewer in this team and cannot change entries; ask an admin for the agent role",
            ));
        }
        self.roster_checked = true;
        Ok(())
    }

    // ---- ledgers ---------------------------------------------------------------------

    /// The ledger of `member` (empty if they have none yet).
    pub fn ledger(&mut self, member: &str) -> Result<Ledger> {
        match self.doc_mut(&ledger_key(member)) {
            Ok(stored) => doc::read_ledger(&stored.doc),
            Err(Error::NotFound(_)) => Ok(Ledger {
                member: member.to_string(),
                ..Ledger::default()
            }),
            Err(e) => Err(e),
        }
    }

    /// Counts one use of an entry's reply in this writer's ledger.
    pub fn record_use(&mut self, id: &str) -> Result<u64> {
        let id = self.resolve(id)?;
        let member = self.writer.member.clone();
        let key = ledger_key(&member);
        let mut ledger = self.ledger(&member)?;
        let count = {
            let n = ledger.uses.entry(id.clone()).or_insert(0);
            *n += 1;
            *n
        };
        // `ledger` caches the document when it exists; otherwise this is the first use.
        if !self.docs.contains_key(&key) {
            self.docs
                .insert(key.clone(), StoredDoc::new(self.writer.new_doc()));
        }
        let stored = self.doc_mut(&key)?;
        doc::write_ledger(&mut stored.doc, &ledger)?;
        doc::commit(&mut stored.doc, &format!("used {id}"), now_millis());
        self.persist(&key, None)?;
        self.usage_changed(&id);
        Ok(count)
    }

    /// Usage of every entry summed over all members' ledgers.
    pub fn total_uses(&mut self) -> Result<BTreeMap<EntryId, u64>> {
        let members: Vec<MemberId> = self.team()?.members.into_keys().collect();
        let mut ledgers = Vec::new();
        for m in members {
            ledgers.push(self.ledger(&m)?);
        }
        Ok(Ledger::total_uses(&ledgers))
    }

    /// Returns unused space in the database file to the file system.
    pub fn compact(&mut self) -> Result<()> {
        self.docs.clear();
        self.store.compact_file()
    }
}

/// Names the entry when a document cannot be read.
fn rename_corrupt(e: Error, key: &str) -> Error {
    match e {
        Error::CorruptDocument { detail, .. } | Error::Document(detail)
            if key.starts_with("entry/") =>
        {
            Error::CorruptEntry {
                id: key.trim_start_matches("entry/").to_string(),
                detail,
            }
        }
        Error::CorruptDocument { detail, .. } => Error::CorruptDocument {
            what: key.to_string(),
            detail,
        },
        other => other,
    }
}

/// Creates `dir` readable by the owner only (it holds the device key and the library).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| Error::DataDir {
        dir: dir.to_path_buf(),
        source,
    })
}
