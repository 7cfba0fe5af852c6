//! How often a known peer is tried: at once while it answers, then less and less often
//! while it does not, so a teammate who left (or a laptop that is shut) costs a dial now
//! and then rather than one per change. Each peer is paced on its own: one that cannot be
//! reached delays nobody else. Once a node's first sessions are done, news carries the
//! changes as they are made, and each interval only [`IN_TURN`] known peers are synced
//! with, in turn: what a node costs its team each interval does not grow with the team.

use std::time::Duration;

/// The longest a peer that does not answer waits before it is dialled again.
pub(crate) const MOST: Duration = Duration::from_secs(300);

/// How many known peers a node syncs with each interval once its first sessions are done
/// (with every one of them at start, and whenever a change made here cannot go as news).
pub const IN_TURN: usize = 3;

/// Which of `known` peers (in a fixed order) the interval numbered `turn` syncs with:
/// [`IN_TURN`] of them, the next ones after the last interval's, so each is synced with
/// every ⌈known / IN_TURN⌉ intervals.
pub fn in_turn(known: usize, turn: usize) -> Vec<usize> {
    if known == 0 {
        return Vec::new();
    }
    let start = (turn % known) * IN_TURN;
    (0..IN_TURN.min(known))
        .map(|i| (start + i) % known)
        .collect()
}

/// A steady interval of `every` for the node whose id is `id`, its first tick a share of
/// `every` after `every` that the id decides: the nodes of one team tick at times spread
/// over the interval, not all at once, so periodic work started together (a team's
/// machines switched on at nine, a benchmark's nodes) does not stay in step and come due
/// for every node in the same moment. A tick missed while busy is delayed, not repeated.
pub(crate) fn steady(every: Duration, id: &[u8; 32]) -> tokio::time::Interval {
    let spread = u64::from_le_bytes(id[..8].try_into().unwrap_or_default());
    let share = (spread % 1024) as f64 / 1024.0;
    let first = tokio::time::Instant::now() + every + every.mul_f64(share);
    let mut interval = tokio::time::interval_at(first, every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval
}

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
