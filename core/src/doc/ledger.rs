//! The layout of a member's ledger document (single writer: that member).

use std::collections::BTreeMap;

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};

use crate::Result;
use crate::model::Ledger;

#[derive(Debug, Clone, Default, Reconcile, Hydrate)]
struct LedgerDoc {
    schema: u64,
    member: String,
    uses: BTreeMap<String, u64>,
    votes: BTreeMap<String, i64>,
    /// Ledgers written before favourites have none.
    #[autosurgeon(missing = "BTreeMap::new")]
    pinned: BTreeMap<String, i64>,
}

/// Reads a ledger out of its document.
pub(crate) fn read_ledger(doc: &AutoCommit) -> Result<Ledger> {
    let d: LedgerDoc = autosurgeon::hydrate(doc)?;
    Ok(Ledger {
        member: d.member,
        uses: d.uses,
        votes: d.votes,
        pinned: d.pinned,
    })
}

/// Writes `ledger` into its document as minimal operations.
pub(crate) fn write_ledger(doc: &mut AutoCommit, ledger: &Ledger) -> Result<()> {
    let d = LedgerDoc {
        schema: 1,
        member: ledger.member.clone(),
        uses: ledger.uses.clone(),
        votes: ledger.votes.clone(),
        pinned: ledger.pinned.clone(),
    };
    autosurgeon::reconcile(doc, &d)?;
    Ok(())
}
