//! The roll call of a node's neighbours on the team's topic. The gossip layer can leave a
//! node listing neighbours that no longer list it (seen with a burst of teammates joining
//! through one member at once: the hub kept five neighbours, none of which counted it
//! among theirs), and such a node hears no news at all while it believes itself connected.
//! So now and then a node asks its neighbours to answer (`Frame::Here`); a neighbour that
//! answers neither of two calls in a row, each within [`ANSWER_WITHIN`], is synced with
//! (which brings whatever news was missed), and when no neighbour answered at all the
//! silent ones are joined again (which makes the links run both ways). Only then: joining
//! makes a peer drop one of its own neighbours when it has its fill, and in a 50-peer mesh
//! joining every silent neighbour again changed others' neighbours in turn, until more
//! and more were named silent. Two calls, not one: a neighbour busy with a burst of joins
//! answers late. Roll is called soon after the neighbours change, then less and less
//! often, down to every [`CALM`].

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use iroh::EndpointId;
use tokio::time::Instant;

/// The first roll call after the neighbours change.
pub const FIRST: Duration = Duration::from_secs(2);
/// The longest time between roll calls once the neighbours are settled.
pub const CALM: Duration = Duration::from_secs(60);
/// How long a neighbour has to answer a roll call.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// How many calls in a row a neighbour leaves unanswered before it is named silent.
pub const CALLS: u8 = 2;

/// What the roll call knows: who is a neighbour, when each was last heard from, and when
/// to call next.
#[derive(Debug)]
pub struct Roll {
    neighbours: HashSet<EndpointId>,
    heard: HashMap<EndpointId, Instant>,
    /// Calls in a row each neighbour left unanswered.
    missed: HashMap<EndpointId, u8>,
    /// The next roll call, and the gap before the one after.
    next: Instant,
    gap: Duration,
    /// A roll call under way: when it was made and whom it asked.
    called: Option<(Instant, Vec<EndpointId>)>,
}

/// What to do now.
#[derive(Debug, PartialEq, Eq)]
pub enum Due {
    /// Ask every neighbour to answer.
    Call,
    /// These neighbours did not answer, others did: sync with them.
    Silent(Vec<EndpointId>),
    /// These neighbours did not answer, and none did: join them again and sync with them.
    Deaf(Vec<EndpointId>),
    /// Nothing yet.
    Wait,
}

impl Roll {
    /// A roll with no neighbours yet, calling soon after the first arrive.
    pub fn new(now: Instant) -> Roll {
        Roll {
            neighbours: HashSet::new(),
            heard: HashMap::new(),
            missed: HashMap::new(),
            next: now + FIRST,
            gap: FIRST,
            called: None,
        }
    }

    /// `peer` became a neighbour.
    pub fn up(&mut self, peer: EndpointId, now: Instant) {
        self.neighbours.insert(peer);
        self.soon(now);
    }

    /// `peer` is a neighbour no more.
    pub fn down(&mut self, peer: EndpointId, now: Instant) {
        self.neighbours.remove(&peer);
        self.heard.remove(&peer);
        self.missed.remove(&peer);
        self.soon(now);
    }

    /// How many neighbours there are now.
    pub fn neighbours(&self) -> usize {
        self.neighbours.len()
    }

    /// Whether `peer` is a neighbour now.
    pub fn is_neighbour(&self, peer: &EndpointId) -> bool {
        self.neighbours.contains(peer)
    }

    /// Something came from `peer` (news, or its answer).
    pub fn heard(&mut self, peer: EndpointId, now: Instant) {
        if self.neighbours.contains(&peer) {
            self.heard.insert(peer, now);
        }
    }

    /// The neighbours changed: call the roll soon, then less and less often.
    fn soon(&mut self, now: Instant) {
        self.gap = FIRST;
        self.next = self.next.min(now + FIRST).max(now);
    }

    /// When [`Roll::due`] has something to say next.
    pub fn wake_at(&self) -> Instant {
        match &self.called {
            Some((at, _)) => *at + ANSWER_WITHIN,
            None => self.next,
        }
    }

    /// What to do at `now`.
    pub fn due(&mut self, now: Instant) -> Due {
        if let Some((at, asked)) = &self.called {
            if now < *at + ANSWER_WITHIN {
                return Due::Wait;
            }
            let (mut silent, mut answered) = (Vec::new(), false);
            for peer in asked.iter().filter(|p| self.neighbours.contains(*p)) {
                if self.heard.get(peer).is_some_and(|h| h >= at) {
                    self.missed.remove(peer);
                    answered = true;
                    continue;
                }
                let missed = self.missed.entry(*peer).or_default();
                *missed += 1;
                if *missed >= CALLS {
                    *missed = 0;
                    silent.push(*peer);
                }
            }
            self.called = None;
            return if silent.is_empty() {
                Due::Wait
            } else if answered {
                Due::Silent(silent)
            } else {
                Due::Deaf(silent)
            };
        }
        if now < self.next {
            return Due::Wait;
        }
        self.gap = (self.gap * 2).min(CALM);
        self.next = now + self.gap;
        if self.neighbours.is_empty() {
            return Due::Wait;
        }
        self.called = Some((now, self.neighbours.iter().copied().collect()));
        Due::Call
    }
}
