//! Ledgers: one document per member, written only by that member, so counters never
//! conflict; team totals are sums over every ledger.

use std::collections::BTreeMap;

use super::Library;
use crate::doc::{self, DocKey};
use crate::model::{EntryId, Ledger, MemberId, now_millis};
use crate::store::StoredDoc;
use crate::{Error, Result};

impl Library {
    /// The ledger of `member` (empty if they have none yet).
    pub fn ledger(&mut self, member: &str) -> Result<Ledger> {
        match self.doc_mut(&DocKey::ledger(member)) {
            Ok(stored) => doc::read_ledger(&stored.doc),
            Err(Error::NotFound(_)) => Ok(Ledger {
                member: member.to_string(),
                ..Ledger::default()
            }),
            Err(e) => Err(e),
        }
    }

    /// The reply of entry `id` (an id or a shortcode such as `#2`): answer `answer` when
    /// given, else the adopted answer, else the body, as chat-ready text (see
    /// [`crate::reply`]).
    pub fn reply(&mut self, id: &str, answer: Option<&str>) -> Result<crate::Reply> {
        let id = self.resolve(id)?;
        crate::reply::reply_of(&self.get(&id)?, answer)
    }

    /// Counts one use of an entry's reply in this writer's ledger.
    pub fn record_use(&mut self, id: &str) -> Result<u64> {
        let id = self.resolve(id)?;
        let member = self.writer.member.clone();
        let key = DocKey::ledger(&member);
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
}
