//! One entry document on its own, outside any library: what sync merges, and what the
//! merge tests exercise directly.

use automerge::AutoCommit;

use super::summary::describe as describe_change;
use super::{EntryDoc, Writer, commit, read_entry};
use crate::Result;
use crate::model::{Entry, now_millis};

/// A replica of one entry's document.
pub struct EntryReplica {
    doc: AutoCommit,
}

impl std::fmt::Debug for EntryReplica {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryReplica").finish_non_exhaustive()
    }
}

impl EntryReplica {
    /// A new document holding `entry`, written by `writer`.
    pub fn create(writer: &Writer, entry: &Entry) -> Result<EntryReplica> {
        let mut doc = writer.new_doc();
        EntryDoc::create(&mut doc, entry)?;
        commit(&mut doc, &describe_change(None, entry), now_millis());
        Ok(EntryReplica { doc })
    }

    /// A copy of this replica that `writer` edits from now on.
    pub fn fork(&mut self, writer: &Writer) -> EntryReplica {
        let mut doc = self.doc.fork();
        writer.attach(&mut doc);
        EntryReplica { doc }
    }

    /// Loads a replica from saved bytes, to be edited by `writer`.
    pub fn load(bytes: &[u8], writer: &Writer) -> Result<EntryReplica> {
        let mut doc = super::load(&[bytes.to_vec()], "entry")?;
        writer.attach(&mut doc);
        Ok(EntryReplica { doc })
    }

    /// The entry as this replica sees it.
    pub fn entry(&self) -> Result<Entry> {
        read_entry(&self.doc)
    }

    /// Edits the entry; only the difference becomes operations. Returns whether anything
    /// changed.
    pub fn edit(&mut self, change: impl FnOnce(&mut Entry)) -> Result<bool> {
        let old = self.entry()?;
        let mut new = old.clone();
        change(&mut new);
        new.normalise();
        new.validate()?;
        if new == old {
            return Ok(false);
        }
        EntryDoc::update(&mut self.doc, &new)?;
        Ok(commit(
            &mut self.doc,
            &describe_change(Some(&old), &new),
            now_millis(),
        ))
    }

    /// Takes in every change of `other` (and nothing changes in `other`).
    pub fn merge(&mut self, other: &mut EntryReplica) -> Result<()> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// The whole document as bytes.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The bytes of the changes made since `heads` (hex change hashes).
    pub fn save_since(&mut self, heads: &[String]) -> Vec<u8> {
        let heads: Vec<automerge::ChangeHash> =
            heads.iter().filter_map(|h| h.parse().ok()).collect();
        self.doc.save_after(&heads)
    }

    /// The current heads, hex.
    pub fn heads(&mut self) -> Vec<String> {
        self.doc.get_heads().iter().map(|h| h.to_string()).collect()
    }

    /// Every change, oldest first.
    pub fn history(&mut self) -> Vec<super::Change> {
        super::changes_of(&mut self.doc)
    }
}
