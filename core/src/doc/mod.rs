//! Automerge documents: how entries, the team and ledgers are laid out as CRDTs, and how
//! edits become minimal operations. Nothing here touches disk.

mod authors;
mod blame;
mod days;
mod entry;
mod facts;
mod history;
mod key;
mod ledger;
pub mod proof;
mod replica;
pub(crate) mod summary;
mod team;

pub(crate) use blame::blame_entry;
pub use blame::{AnswerBlame, EntryBlame, Sentence};
pub(crate) use entry::{EntryDoc, read_entry};
pub(crate) use facts::entry_facts;
pub use facts::{AnswerFacts, EntryFacts};
pub use history::Change;
pub(crate) use history::changes_of;
pub use key::DocKey;
pub use ledger::Copy;
pub(crate) use ledger::{
    append_attempt, append_copy, attempt_records, keyed_records, mark_copy, put_record, put_via,
    query_records, read_copies, read_fields, read_ledger, read_via, uses_of, write_ledger,
    write_queries,
};
pub use proof::{Proofs, Seal, member_of_actor, written_only_by};
pub use replica::EntryReplica;
pub(crate) use team::{read_team, write_team};

use automerge::{ActorId, AutoCommit, TextEncoding, transaction::CommitOptions};
use ed25519_dalek::SigningKey;

use crate::{Error, Result, model::MemberId};

/// Who is writing: the member, their device key (which signs every change they make), and
/// this process's actor id. A fresh actor per process: automerge actor ids must never be
/// reused across processes.
#[derive(Clone)]
pub struct Writer {
    pub member: MemberId,
    pub name: String,
    key: SigningKey,
    pub(crate) actor: ActorId,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("member", &self.member)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// A writer for the member whose device key is `key`, with a fresh actor id. The member
    /// id is the key's public half, hex.
    pub fn new(key: SigningKey, name: impl Into<String>) -> Writer {
        let public = key.verifying_key();
        Writer {
            member: proof::hex(public.as_bytes()),
            name: name.into(),
            actor: proof::actor_for(&public),
            key,
        }
    }

    /// A writer with a new random key: a member of its own (tools, tests, benchmarks).
    pub fn generate(name: impl Into<String>) -> Writer {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source is unavailable");
        Writer::new(SigningKey::from_bytes(&secret), name)
    }

    /// The same member with a fresh actor id (for changes that must not extend this
    /// writer's line of changes).
    pub(crate) fn fresh(&self) -> Writer {
        Writer::new(self.key.clone(), self.name.clone())
    }

    /// Signs change `hash` of document `doc_key` as this member.
    pub(crate) fn sign(&self, doc_key: &str, hash: &automerge::ChangeHash) -> Seal {
        proof::sign(&self.key, doc_key, hash)
    }

    /// Makes `doc` record changes as this writer. The actor id starts with the member's
    /// public key, so every change names its author (see [`proof`]).
    pub(crate) fn attach(&self, doc: &mut AutoCommit) {
        doc.set_actor(self.actor.clone());
    }

    /// A new empty document written by this writer.
    pub(crate) fn new_doc(&self) -> AutoCommit {
        let mut doc = AutoCommit::new_with_encoding(TEXT_ENCODING);
        self.attach(&mut doc);
        doc
    }
}

/// Text indices count UTF-8 bytes: autosurgeon's `Text` computes its splices in bytes, and
/// the platform default (code points) would misplace every edit after a non-ASCII character.
/// The encoding only sets the units of the local API; it is not stored in documents.
pub(crate) const TEXT_ENCODING: TextEncoding = TextEncoding::Utf8CodeUnit;

/// Commits pending operations with a one-line summary; returns whether a change was made.
pub(crate) fn commit(doc: &mut AutoCommit, summary: &str, time_ms: i64) -> bool {
    doc.commit_with(
        CommitOptions::default()
            .with_message(summary)
            .with_time(time_ms / 1000),
    )
    .is_some()
}

/// Loads a document from stored chunks (a snapshot followed by incremental changes).
pub(crate) fn load(chunks: &[Vec<u8>], what: &str) -> Result<AutoCommit> {
    let mut bytes = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        bytes.extend_from_slice(chunk);
    }
    let options = automerge::LoadOptions::new()
        .on_partial_load(automerge::OnPartialLoad::Error)
        .text_encoding(TEXT_ENCODING);
    AutoCommit::load_with_options(&bytes, options).map_err(|e| Error::CorruptDocument {
        what: what.to_string(),
        detail: e.to_string(),
    })
}
