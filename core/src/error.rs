//! The one error type of lore-core.

use std::path::PathBuf;

/// Everything that can go wrong in the library. Messages name the problem and, where
/// there is one, the fix; they are shown to users as they are.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the library in {dir} is in use by another Lore process{pid}; close it (or stop `lore serve`) and try again",
        pid = pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    LibraryBusy { dir: PathBuf, pid: Option<u32> },

    #[error("cannot use the data directory {dir}: {source}")]
    DataDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the library database could not be opened or written: {0}")]
    Database(String),

    /// The database file's bytes are damaged (redb found it corrupted). Opening a library
    /// salvages such a file (see `Library::repaired`); this reaches users only when damage
    /// shows later, while the library is open.
    #[error(
        "the library database is damaged ({0}); `lore check --repair` rebuilds it from everything still readable"
    )]
    DamagedDatabase(String),

    /// The team document is not in the library: it could not be salvaged from a damaged
    /// database.
    #[error(
        "this library has no team document (it could not be salvaged from a damaged database); your entries are kept: ask a teammate for an invite and run `lore join TICKET` to fetch the team again"
    )]
    MissingTeam,

    #[error("no entry matches `{0}`; `lore list` shows the ids")]
    NotFound(String),

    #[error("`{prefix}` matches several entries ({candidates}); type more of the id")]
    AmbiguousId { prefix: String, candidates: String },

    #[error(
        "entry {id} is damaged on disk and cannot be read ({detail}); the rest of the library is intact"
    )]
    CorruptEntry { id: String, detail: String },

    #[error("the {what} document is damaged on disk and cannot be read ({detail})")]
    CorruptDocument { what: String, detail: String },

    #[error("{0}")]
    Invalid(String),

    /// This writer's role does not allow the operation (a viewer's edit, a non-admin's
    /// roster change, a removed member).
    #[error("{0}")]
    Forbidden(Denied),

    /// An invite was refused: unknown, used, expired or altered.
    #[error("{0}")]
    InviteRefused(String),

    #[error("refused {doc} from peer {peer}: {reason}; nothing was stored")]
    Refused {
        peer: String,
        doc: String,
        reason: String,
    },

    #[error("shortcode {shortcode} is already used by entry {id}; choose another shortcode")]
    ShortcodeTaken { shortcode: String, id: String },

    #[error("{location}: {message}")]
    Import { location: String, message: String },

    /// An import with more than one bad line: every problem, and nothing was written.
    #[error("{}", rejected(.0))]
    ImportRejected(Vec<ImportProblem>),

    /// A CSV export in GBK met a character GBK has no code for.
    #[error(
        "entry {id} (“{title}”) contains “{character}” (U+{code:04X}), which GBK cannot hold{more}; \
         export with --encoding utf8 (Excel opens UTF-8 files with a BOM) or change the text{hint}",
        code = u32::from(*.character),
        hint = if *.character == '¥' { " (GBK has the full-width ￥)" } else { "" },
        more = match .others { 0 => String::new(), n => format!(", and so do {n} more entries") }
    )]
    NotInGbk {
        id: String,
        title: String,
        character: char,
        others: usize,
    },

    /// An export would mix its files with what a folder already holds.
    #[error(
        "{} already holds files; export Markdown into a new or empty folder, so that no file of an earlier export is imported again beside the new ones",
        .0.display()
    )]
    ExportFolderNotEmpty(PathBuf),

    #[error(
        "{} is not a help center Lore wrote (it has no `.lore-site` file) and is not empty; give a new or empty folder, or the folder of an earlier help center",
        .0.display()
    )]
    SiteFolderNotOurs(PathBuf),

    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("search index error: {0}; `lore reindex` rebuilds the index from the library")]
    Search(String),

    #[error("document error: {0}")]
    Document(String),
}

/// Why this writer may not do something: each reason its own variant, so a front end can
/// say it in its own words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// This member was removed from the team.
    #[error("you were removed from this team; ask an admin to invite you again")]
    Removed,
    /// This writer is not on the roster of a team that has admins.
    #[error("you are not on the roster of team “{team}”; ask an admin for an invite")]
    NotOnRoster { team: String },
    /// Viewers read; they do not change entries.
    #[error(
        "you are a viewer in this team and cannot change entries; ask an admin for the agent role"
    )]
    Viewer,
    /// Only admins do this; `admins` names the ones to ask (none known: empty).
    #[error("only admins can do this; ask {}", ask(.admins))]
    AdminsOnly { admins: Vec<String> },
    /// Only leads (admins and trainers) decide on answers; `leads` names them.
    #[error("only admins and trainers decide on answers; ask {}", ask(.leads))]
    LeadsOnly { leads: Vec<String> },
    /// Only admins and trainers assign training; `trainers` names them.
    #[error("only admins and trainers assign training; ask {}", ask(.trainers))]
    TrainersOnly { trainers: Vec<String> },
    /// Only an entry's owner and the leads verify it; `owner` names the owner (empty: the
    /// entry has none), `leads` the leads to ask.
    #[error(
        "only the entry's owner{} and admins and trainers can verify it; ask {}",
        if .owner.is_empty() { String::new() } else { format!(" ({})", .owner) },
        ask(.leads)
    )]
    OwnerOrLeads { owner: String, leads: Vec<String> },
}

fn ask(admins: &[String]) -> String {
    if admins.is_empty() {
        "an admin".to_string()
    } else {
        admins.join(" or ")
    }
}

/// One bad line of an import: where (`FILE:LINE`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportProblem {
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl From<Error> for ImportProblem {
    fn from(e: Error) -> Self {
        match e {
            Error::Import { location, message } => ImportProblem { location, message },
            Error::Read { path, source } => ImportProblem {
                location: path.display().to_string(),
                message: format!("cannot read the file: {source}"),
            },
            other => ImportProblem {
                location: String::new(),
                message: other.to_string(),
            },
        }
    }
}

/// How many problems an error message lists before it counts the rest.
const LISTED_PROBLEMS: usize = 20;

fn rejected(problems: &[ImportProblem]) -> String {
    if let [only] = problems {
        return only.to_string();
    }
    let mut out = format!("{} problems; nothing was imported:", problems.len());
    for p in problems.iter().take(LISTED_PROBLEMS) {
        out.push_str(&format!("\n  {p}"));
    }
    if problems.len() > LISTED_PROBLEMS {
        out.push_str(&format!(
            "\n  … and {} more (`lore import --dry-run` lists them all)",
            problems.len() - LISTED_PROBLEMS
        ));
    }
    out
}

/// Result with lore-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    pub(crate) fn import(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Import {
            location: location.into(),
            message: message.into(),
        }
    }
}

macro_rules! from_redb {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                from_redb_error(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::CompactionError
);

/// A redb error as ours: damage to the file's bytes is [`Error::DamagedDatabase`] (what a
/// salvage can repair), anything else — a busy file, a refused permission, a full disk —
/// is [`Error::Database`].
fn from_redb_error(e: redb::Error) -> Error {
    let damaged = match &e {
        redb::Error::Corrupted(_) | redb::Error::UpgradeRequired(_) => true,
        redb::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
        ),
        _ => false,
    };
    if damaged {
        Error::DamagedDatabase(e.to_string())
    } else {
        Error::Database(disk_hint(e.to_string()))
    }
}

impl Error {
    /// Names the database file a storage error is about.
    pub(crate) fn at(self, path: &std::path::Path) -> Error {
        match self {
            Error::Database(detail) => Error::Database(format!("{}: {detail}", path.display())),
            Error::DamagedDatabase(detail) => {
                Error::DamagedDatabase(format!("{}: {detail}", path.display()))
            }
            other => other,
        }
    }

    /// Whether this is damage to the database file's bytes (which a salvage repairs).
    pub fn is_damaged_database(&self) -> bool {
        matches!(self, Error::DamagedDatabase(_))
    }
}

/// Runs a read of the database. redb may stop at damaged bytes with a panic (a key that
/// is no longer UTF-8, say) instead of an error: that is damage to the file too, and
/// becomes [`Error::DamagedDatabase`] naming `what` was being read.
pub(crate) fn contained<T>(what: &str, read: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a read stopped at damaged data".into());
        Err(Error::DamagedDatabase(format!("{what}: {detail}")))
    })
}

/// Adds the likely fix to storage errors a user can act on.
fn disk_hint(message: String) -> String {
    let lower = message.to_lowercase();
    if lower.contains("no space") || lower.contains("disk full") || lower.contains("os error 28") {
        format!("{message} — the disk is full; free some space and try again (nothing was changed)")
    } else {
        message
    }
}

impl From<automerge::AutomergeError> for Error {
    fn from(e: automerge::AutomergeError) -> Self {
        Error::Document(e.to_string())
    }
}

impl From<autosurgeon::ReconcileError> for Error {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Error::Document(e.to_string())
    }
}

impl From<autosurgeon::HydrateError> for Error {
    fn from(e: autosurgeon::HydrateError) -> Self {
        Error::Document(e.to_string())
    }
}
