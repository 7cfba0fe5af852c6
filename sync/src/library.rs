//! The library as a node's tasks share it: behind one mutex, held for a call or a round
//! and never across an await (sessions with several peers take turns with it).

use std::sync::{Mutex, MutexGuard};

use lore_core::Library;

use crate::error::SyncError;

/// Locks the shared library. A poisoned lock is an error, not recovered from: the task
/// that panicked may have been half-way through a change.
pub(crate) fn lock(library: &Mutex<Library>) -> Result<MutexGuard<'_, Library>, SyncError> {
    library.lock().map_err(|_| SyncError::Poisoned("library"))
}
