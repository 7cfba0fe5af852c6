//! The team: name, roster with roles, taxonomy and synonym groups.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ApiToken, MemberId, Millis};
use crate::{Error, Result};

/// What a member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Roster and settings, and everything a trainer may do.
    Admin,
    /// Training material, and everything an agent may do.
    Trainer,
    /// Edits content.
    Agent,
    /// Reads only; their changes are not accepted by peers.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Trainer, Role::Agent, Role::Viewer];

    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Trainer => "trainer",
            Role::Agent => "agent",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role may change library content.
    pub fn can_edit(self) -> bool {
        self != Role::Viewer
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown role `{s}`: use admin, trainer, agent or viewer"
                ))
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One member of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub role: Role,
    /// Who added this member (empty for the library's creator).
    pub added_by: MemberId,
    pub added_at: Millis,
    /// Removed members keep their history but are refused at the handshake.
    pub removed: bool,
    /// For a removed member: where their history ended when they were removed, per
    /// document (document key → their last changes known then, hex hashes). Their changes
    /// beyond these are refused by every peer, whoever relays them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub history_ends: BTreeMap<String, Vec<String>>,
}

/// The team document as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Random id, fixed when the library is created.
    pub id: String,
    pub name: String,
    pub members: BTreeMap<MemberId, Member>,
    /// Categories in display order.
    pub categories: Vec<String>,
    /// Tag vocabulary, sorted.
    pub tags: Vec<String>,
    /// Groups of words that mean the same to customers (退款/退钱/refund).
    pub synonyms: Vec<Vec<String>>,
    pub settings: BTreeMap<String, String>,
    /// The HTTP API's tokens by name (admins only; see [`ApiToken`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens: BTreeMap<String, ApiToken>,
}

impl Team {
    /// The display name of a member, or a short form of the id if they are unknown.
    pub fn member_name(&self, id: &str) -> String {
        match self.members.get(id) {
            Some(m) => m.name.clone(),
            // Counted in characters: an imported author may be Chinese text, not hex.
            None if id.chars().count() > 12 => {
                format!("{}…", id.chars().take(10).collect::<String>())
            }
            None => id.to_string(),
        }
    }

    /// Adds the categories, tags and synonym groups it lacks of another team's (a library
    /// loaded into this one: the demo, an evaluation set); tags stay sorted.
    pub fn merge_vocabulary(
        &mut self,
        categories: &[String],
        tags: &[String],
        synonyms: &[Vec<String>],
    ) {
        for c in categories {
            if !self.categories.contains(c) {
                self.categories.push(c.clone());
            }
        }
        for t in tags {
            if !self.tags.contains(t) {
                self.tags.push(t.clone());
            }
        }
        self.tags.sort();
        for group in synonyms {
            if !self.synonyms.contains(group) {
                self.synonyms.push(group.clone());
            }
        }
    }

    /// The names of the active members with one of `roles` (whom a refusal names).
    pub fn names_of(&self, roles: &[Role]) -> Vec<String> {
        self.active_members()
            .iter()
            .filter(|m| roles.contains(&m.role))
            .map(|m| m.name.clone())
            .collect()
    }

    /// The members who have not been removed, by name.
    pub fn active_members(&self) -> Vec<&Member> {
        let mut members: Vec<&Member> = self.members.values().filter(|m| !m.removed).collect();
        members.sort_by(|a, b| a.name.cmp(&b.name));
        members
    }
}
