//! A member's ledger: written only by that member, so counters never conflict.
//! Team-wide figures are sums over all ledgers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{EntryId, MemberId};

/// Usage and votes of one member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub member: MemberId,
    /// How often this member used (copied) each entry's reply.
    pub uses: BTreeMap<EntryId, u64>,
    /// +1 / -1 per entry.
    pub votes: BTreeMap<EntryId, i64>,
    /// This member's favourite replies (常用语), with when each was pinned (ms since the
    /// epoch): listed first in their quick picker on every machine they use.
    #[serde(default)]
    pub pinned: BTreeMap<EntryId, i64>,
}

impl Ledger {
    /// Sums usage over several ledgers.
    pub fn total_uses<'a>(ledgers: impl IntoIterator<Item = &'a Ledger>) -> BTreeMap<EntryId, u64> {
        let mut total = BTreeMap::new();
        for ledger in ledgers {
            for (id, n) in &ledger.uses {
                *total.entry(id.clone()).or_insert(0) += n;
            }
        }
        total
    }
}
