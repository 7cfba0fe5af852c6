//! lore-core: Lore's knowledge model, automerge documents, durable storage and
//! import/export. It knows nothing of sockets or pixels.
//!
//! Start at [`Library`]: it opens a data directory and is the one API for entries,
//! the team document and ledgers.

pub mod bot;
pub mod credit;
pub mod demo;
pub mod doc;
mod error;
pub mod evalset;
pub mod exchange;
pub mod freshness;
pub mod insights;
mod library;
pub mod model;
mod private;
pub mod reply;
pub mod search;
pub mod site;
mod store;
pub mod training;

pub use doc::{Change, Copy, DocKey, EntryBlame, EntryReplica, Sentence, Writer};
pub use error::{Denied, Error, ImportProblem, Result};
pub use freshness::{FreshState, Freshness, Verified};
pub use library::{
    AnswerItem, DB_FILE, Digest, FLUSH_AFTER, INDEX_DIR, ImportItem, ImportReport, ImportTarget,
    Invite, KnownPeer, Library, ListFilter, PREVIOUS_DIR, QUIZ_ITEM, QueryLogSetting, Received,
    Recorded, RepairReport, SyncSession, Taken, Vocabulary, put_back, set_aside,
};
pub use model::{
    Answer, AnswerState, ApiToken, Entry, EntryId, Kind, Member, MemberId, Role, Scope, Status,
    Team,
};
pub use private::{create_private_dir as create_data_dir, restrict_to_owner};
pub use reply::{Caution, Reply, ReplySource};
pub use search::{Hit, SearchRequest};
pub use store::salvage;
pub use store::{COMPACT_AFTER, CatalogRow, Flusher};
