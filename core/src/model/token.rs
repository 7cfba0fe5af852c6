//! API tokens: what a program answering customers (a WeChat or 公众号 bot, a web chat
//! widget, a help desk) may read and write through a node's HTTP API. Admins create and
//! revoke them in the team document, so every node of the team serves the same tokens;
//! only the SHA-256 of a token's secret is kept.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::{MemberId, Millis, Status};
use crate::{Error, Result};

/// What a token may see and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Published entries that are not internal: search, suggest, entries, replies, the bot.
    Read,
    /// What `read` may, and record uses and the bot's answers in the node's ledger.
    Reply,
    /// What `reply` may, and see internal entries and drafts (a team's own tools).
    Internal,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Reply, Scope::Internal];

    /// The word used on the command line and in the team document.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Reply => "reply",
            Scope::Internal => "internal",
        }
    }

    /// Whether an entry that is `internal` (or not) with `status` may be returned: only the
    /// `internal` scope sees internal entries, drafts and archived ones.
    pub fn may_see(self, internal: bool, status: Status) -> bool {
        self == Scope::Internal || (!internal && status == Status::Published)
    }

    /// Whether uses and bot answers may be recorded (written to the node's ledger).
    pub fn may_record(self) -> bool {
        self != Scope::Read
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Scope::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown token scope `{s}`: use read, reply or internal"
                ))
            })
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One API token as the team document keeps it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Unique in the team; uses and bot answers are attributed to it.
    pub name: String,
    pub scope: Scope,
    /// SHA-256 of the secret, lowercase hex.
    pub hash: String,
    /// The admin who created it.
    pub created_by: MemberId,
    pub created_at: Millis,
    /// Revoked tokens are refused by every node and stay listed.
    pub revoked: bool,
}

/// What every token's secret starts with (so a leaked one is recognisable).
pub const TOKEN_PREFIX: &str = "lore_";

/// The stored form of a secret: SHA-256, lowercase hex.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a token's name: 1 to 64 characters, no tabs or line breaks (names go into
/// ledger records).
pub fn validate_token_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "the token needs a name, e.g. --name 公众号机器人",
        ));
    }
    if name.chars().count() > 64 || name.contains(['\t', '\n', '\r']) {
        return Err(Error::invalid(format!(
            "token name `{name}` is too long or has a tab or line break (64 characters at most)"
        )));
    }
    Ok(name)
}
