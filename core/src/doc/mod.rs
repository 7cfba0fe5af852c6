//! Automerge documents: how entries, the team and ledgers are laid out as CRDTs, and how
//! edits become minimal operations. Nothing here touches disk.

mod entry;
mod history;
mod key;
mod ledger;
mod replica;
pub(crate) mod summary;
mod team;

pub(crate) use entry::{EntryDoc, read_entry};
pub use history::Change;
pub(crate) use history::changes_of;
pub use key::DocKey;
pub(crate) use ledger::{read_ledger, write_ledger};
pub use replica::EntryReplica;
pub(crate) use team::{read_team, write_team};

use automerge::{ActorId, Author, AutoCommit, TextEncoding, transaction::CommitOptions};

use crate::{Error, Result, model::MemberId};

/// Who is writing: the member (for attribution) and this process's actor id.
/// A fresh actor per process: automerge actor ids must never be reused across processes.
#[derive(Debug, Clone)]
pub struct Writer {
    pub member: MemberId,
    pub name: String,
    pub(crate) actor: ActorId,
}

impl Writer {
    /// A writer for `member` with a fresh actor id.
    pub fn new(member: impl Into<MemberId>, name: impl Into<String>) -> Writer {
        Writer {
            member: member.into(),
            name: name.into(),
            actor: ActorId::random(),
        }
    }

    /// Makes `doc` record changes as this writer; the actor → member binding travels inside
    /// the document (automerge authors), so history shows members on every replica.
    pub(crate) fn attach(&self, doc: &mut AutoCommit) {
        doc.set_actor(self.actor.clone());
        doc.set_author(Some(Author::from(member_bytes(&self.member))));
    }

    /// A new empty document written by this writer.
    pub(crate) fn new_doc(&self) -> AutoCommit {
        let mut doc = AutoCommit::new_with_encoding(TEXT_ENCODING);
        self.attach(&mut doc);
        doc
    }
}

/// A member id as author bytes: the 32 key bytes for a hex public key, else its UTF-8.
fn member_bytes(member: &str) -> Vec<u8> {
    let hex = member.len() == 64 && member.bytes().all(|b| b.is_ascii_hexdigit());
    if hex {
        (0..32)
            .filter_map(|i| u8::from_str_radix(&member[2 * i..2 * i + 2], 16).ok())
            .collect()
    } else {
        member.as_bytes().to_vec()
    }
}

/// The member id of author bytes (the inverse of [`member_bytes`]).
pub fn member_of(bytes: &[u8]) -> MemberId {
    if bytes.len() == 32 {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
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
