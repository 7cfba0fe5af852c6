//! The names documents are stored and synced under: `team`, `entry/<id>`, `ledger/<member>`.

use std::fmt;

use crate::model::{EntryId, MemberId};

const TEAM: &str = "team";
const ENTRY: &str = "entry/";
const LEDGER: &str = "ledger/";

/// Which document a key names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKey {
    /// The team document: name, roster, taxonomy, settings.
    Team,
    /// One knowledge entry.
    Entry(EntryId),
    /// One member's ledger, written only by that member.
    Ledger(MemberId),
}

impl DocKey {
    /// The key of the team document (a constant: it is compared on every sync round).
    pub const TEAM: &str = TEAM;

    /// The prefix every entry document's key starts with.
    pub const ENTRY_PREFIX: &str = ENTRY;

    /// Reads a stored or received key; `None` for a key that names no document of ours.
    pub fn parse(key: &str) -> Option<DocKey> {
        if key == TEAM {
            Some(DocKey::Team)
        } else if let Some(id) = key.strip_prefix(ENTRY) {
            Some(DocKey::Entry(id.to_string()))
        } else {
            key.strip_prefix(LEDGER)
                .map(|member| DocKey::Ledger(member.to_string()))
        }
    }

    /// The key of entry `id`'s document.
    pub fn entry(id: &str) -> String {
        DocKey::Entry(id.to_string()).to_string()
    }

    /// The key of `member`'s ledger.
    pub fn ledger(member: &str) -> String {
        DocKey::Ledger(member.to_string()).to_string()
    }
}

impl fmt::Display for DocKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocKey::Team => f.write_str(TEAM),
            DocKey::Entry(id) => write!(f, "{ENTRY}{id}"),
            DocKey::Ledger(member) => write!(f, "{LEDGER}{member}"),
        }
    }
}
