//! How often a known peer is tried: at once while it answers, then less and less often
//! while it does not, so a teammate who left (or a laptop that is shut) costs a dial now
//! and then rather than one per change. Each peer is paced on its own: one that cannot be
//! reached delays nobody else.

use std::time::Duration;

/// The longest a peer that does not answer waits before it is dialled again.
pub(crate) const MOST: Duration = Duration::from_secs(300);

/// A peer's pace: how long to wait after its last session before the next.
#[derive(Debug, Clone)]
pub(crate) struct Pace {
    first: Duration,
    failures: u32,
}

impl Pace {
    /// A pace whose first wait after a failure is `first` (the node's sync interval,
    /// at least a second).
    pub(crate) fn new(first: Duration) -> Pace {
        Pace {
            first: first.max(Duration::from_secs(1)),
            failures: 0,
        }
    }

    /// A session ran (or the peer was busy with one of its own): no wait.
    pub(crate) fn answered(&mut self) {
        self.failures = 0;
    }

    /// The peer could not be reached or the session failed: how long to wait before
    /// trying again, doubling each time up to [`MOST`].
    pub(crate) fn failed(&mut self) -> Duration {
        let wait = self
            .first
            .saturating_mul(1 << self.failures.min(16))
            .min(MOST);
        self.failures = self.failures.saturating_add(1);
        wait
    }

    /// How many sessions in a row have failed.
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }
}
