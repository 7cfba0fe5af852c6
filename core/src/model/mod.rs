//! The knowledge model as plain data: entries, the team, ledgers. Documents (`crate::doc`)
//! map these to automerge; everything else in Lore speaks in these types.

mod entry;
mod id;
mod ledger;
mod team;
mod token;

pub use entry::{
    Answer, AnswerState, Entry, Kind, MAX_ANSWER_BYTES, MAX_ENTRY_BYTES, MAX_VERIFY_EVERY_DAYS,
    Status,
};
pub use id::{EntryId, MemberId, new_entry_id, new_token, validate_entry_id};
pub use ledger::Ledger;
pub use team::{Member, Role, Team};
pub use token::{ApiToken, Scope, TOKEN_PREFIX, hash_secret, validate_token_name};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// The current time in milliseconds since the Unix epoch.
pub fn now_millis() -> Millis {
    chrono::Utc::now().timestamp_millis()
}
