//! The team's news: each change made here is announced to the whole team at once over
//! iroh-gossip (HyParView membership, PlumTree broadcast) on the team's topic, carrying
//! the changes themselves with their signatures, so an edit costs this node a bounded
//! number of messages however many teammates are online. Whoever relays it, every peer
//! takes it in through the library's gate (signature, then roster), as it would a sync
//! message; news that builds on changes a peer lacks is left to a sync session with the
//! neighbour that delivered it. Only members take part (`gate`); while no teammate is a
//! neighbour yet, the per-peer syncers push the change instead (`peers`). A neighbour that
//! stops answering the roll call is synced with, and joined again when no neighbour
//! answers (`roll`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use iroh::address_lookup::MemoryLookup;
use iroh::{Endpoint, EndpointAddr};
use iroh_gossip::api::{Event, GossipReceiver, GossipSender, Message};
use iroh_gossip::proto::DeliveryScope;
use iroh_gossip::{Gossip, TopicId};
use lore_core::{DocKey, Library};
use sha2::{Digest as _, Sha256};
use tracing::{debug, warn};

use crate::addr::{member_of, short};
use crate::error::SyncError;
use crate::frame::{Frame, NEWS_ALPN};
use crate::gate::Gate;
use crate::known_peers;
use crate::library::lock;
use crate::pace::in_turn;
use crate::peers::Peers;
use crate::roll::{Due, Roll};

/// The largest piece of news one gossip message carries; a change bigger than that (a
/// long body pasted whole) goes by sync session instead.
pub(crate) const MAX_NEWS: usize = 64 * 1024;

/// News taken in is forced to disk once no more has come for this long (so a burst, and
/// the teammates' takes that come with it, do not wait on the disk)…
const FLUSH_QUIET: Duration = Duration::from_millis(20);
/// …or once the oldest of it has waited this long, however steadily news keeps coming.
const FLUSH_WITHIN: Duration = Duration::from_millis(250);

/// The gossip topic of team `team_id`: only its members can name it, and the gate keeps
/// everyone else out even if they do.
pub fn topic_of(team_id: &str) -> TopicId {
    let digest = Sha256::new()
        .chain_update(b"lore/news/1\0")
        .chain_update(team_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&digest);
    TopicId::from_bytes(bytes)
}

/// How much news this node has sent and received: its own announcements, and what the
/// gossip layer carried for the whole team through it (relays and control included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NewsStats {
    /// Teammates this node is a direct neighbour of on the topic now.
    pub neighbours: usize,
    /// Announcements of this node's own changes.
    pub announced: u64,
    /// Pieces of news taken in from others.
    pub taken: u64,
    /// Neighbours that did not answer a roll call: synced with (and joined again when no
    /// neighbour answered).
    pub silent: u64,
    /// Known peers asked to join this node on the topic after it subscribed: peers newly
    /// known, or a few known ones in turn while it had no neighbour (the silent apart).
    pub joins: u64,
    /// Gossip messages sent, data and control.
    pub messages_sent: u64,
    /// Bytes of those.
    pub bytes_sent: u64,
    /// Gossip messages received, data and control.
    pub messages_received: u64,
    /// Bytes of those.
    pub bytes_received: u64,
}

/// The node's side of the news: the gossip instance and, once syncing starts, its topic.
pub(crate) struct News {
    gossip: Gossip,
    gate: Gate,
    lookup: MemoryLookup,
    counts: Mutex<(u64, u64)>,
    /// The roll call of the neighbours (who they are now), and how many were found silent.
    roll: Mutex<Roll>,
    silent: AtomicU64,
    joins: AtomicU64,
    /// A neighbour asked this node to answer the roll call.
    answer: tokio::sync::Notify,
    /// A change was made here: announce it.
    wake: tokio::sync::Notify,
    /// Syncing started, and with it the news.
    running: AtomicBool,
}

impl News {
    /// The news of the node on `endpoint`, its connections passed through `gate`, its
    /// peers' addresses told to `lookup`.
    pub(crate) fn new(endpoint: &Endpoint, gate: Gate, lookup: MemoryLookup) -> News {
        let gossip = Gossip::builder()
            .alpn(NEWS_ALPN)
            .max_message_size(MAX_NEWS + 1024)
            .spawn(endpoint.clone());
        News {
            gossip,
            gate,
            lookup,
            counts: Mutex::new((0, 0)),
            roll: Mutex::new(Roll::new(tokio::time::Instant::now())),
            silent: AtomicU64::new(0),
            joins: AtomicU64::new(0),
            answer: tokio::sync::Notify::new(),
            wake: tokio::sync::Notify::new(),
            running: AtomicBool::new(false),
        }
    }

    /// The gossip protocol's handler, for the node's router.
    pub(crate) fn handler(&self) -> Gossip {
        self.gossip.clone()
    }

    /// Whether the news runs (syncing started).
    pub(crate) fn running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    /// A change was made here.
    pub(crate) fn changed(&self) {
        self.wake.notify_one();
    }

    /// What went through this node so far.
    pub(crate) fn stats(&self) -> NewsStats {
        let m = self.gossip.metrics();
        let (announced, taken) = *self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        NewsStats {
            neighbours: self.roll().neighbours(),
            announced,
            taken,
            silent: self.silent.load(Ordering::Relaxed),
            joins: self.joins.load(Ordering::Relaxed),
            messages_sent: m.msgs_data_sent.get() + m.msgs_ctrl_sent.get(),
            bytes_sent: m.msgs_data_sent_size.get() + m.msgs_ctrl_sent_size.get(),
            messages_received: m.msgs_data_recv.get() + m.msgs_ctrl_recv.get(),
            bytes_received: m.msgs_data_recv_size.get() + m.msgs_ctrl_recv_size.get(),
        }
    }

    /// Joins the team's topic with the known peers and keeps announcing this node's
    /// changes and taking in everyone else's until the node stops; every `every`, the
    /// roster is read again and peers newly known joined (a few known ones in turn while
    /// this node has no neighbour).
    pub(crate) fn start(self: &Arc<Self>, peers: &Arc<Peers>, every: Duration) {
        if self.running.swap(true, Ordering::Relaxed) {
            return;
        }
        let (this, peers_) = (self.clone(), peers.clone());
        peers.keep(tokio::spawn(async move {
            if let Err(e) = this.run(&peers_, every).await {
                warn!(
                    "news stopped; changes travel by sync sessions: {}",
                    e.chain()
                );
            }
        }));
    }

    async fn run(self: Arc<Self>, peers: &Arc<Peers>, every: Duration) -> Result<(), SyncError> {
        let topic = {
            let mut library = lock(peers.library())?;
            // What was written before is the syncers' to bring (they sync with every
            // known peer as syncing starts), not news.
            library.forget_own_news();
            topic_of(&library.team()?.id)
        };
        let mut interval = peers.steady(every);
        loop {
            let known = self.admit(peers)?;
            // Those asked to join: a known peer once, and while this node has no
            // neighbour a few in turn each interval. Each join makes the peer take this
            // node into its neighbours, dropping one of its own if it has its fill, so
            // joining all of a large team each interval would keep the overlay changing.
            let mut joined: HashSet<iroh::EndpointId> = known.iter().copied().collect();
            let mut alone_turn = 0;
            let (sender, receiver) = self
                .gossip
                .subscribe(topic, known)
                .await
                .map_err(|e| SyncError::Endpoint(Box::new(e)))?
                .split();
            let (ended, mut closed) = tokio::sync::oneshot::channel();
            let (this, peers_) = (self.clone(), peers.clone());
            peers.keep(tokio::spawn(async move {
                this.listen(&peers_, receiver).await;
                let _ = ended.send(());
            }));
            loop {
                let roll_call = self.roll().wake_at();
                tokio::select! {
                    () = self.wake.notified() => self.announce(peers, &sender).await,
                    () = tokio::time::sleep_until(roll_call) => self.call_roll(peers, &sender).await,
                    () = self.answer.notified() => {
                        let here = Frame::Here { ask: false }.encode();
                        if let Err(e) = sender.broadcast_neighbors(here.into()).await {
                            debug!("cannot answer the roll call: {e}");
                        }
                    }
                    _ = interval.tick() => {
                        // Alone, a few known peers in turn: each one joined takes this
                        // node in, dropping a neighbour of its own when it has its fill.
                        let known = self.admit(peers)?;
                        let again: HashSet<usize> = if self.roll().neighbours() == 0 {
                            alone_turn += 1;
                            in_turn(known.len(), alone_turn).into_iter().collect()
                        } else {
                            HashSet::new()
                        };
                        let join: Vec<_> = known
                            .into_iter()
                            .enumerate()
                            .filter(|(i, peer)| joined.insert(*peer) || again.contains(i))
                            .map(|(_, peer)| peer)
                            .collect();
                        if !join.is_empty() {
                            self.joins.fetch_add(join.len() as u64, Ordering::Relaxed);
                            if let Err(e) = sender.join_peers(join).await {
                                debug!("cannot join known peers on the topic: {e}");
                            }
                        }
                    }
                    // The subscription closed (it fell behind): subscribe again, and let
                    // the syncers bring what was missed.
                    _ = &mut closed => break,
                }
            }
            // The closed subscription's neighbours are gone with it.
            *self.roll() = Roll::new(tokio::time::Instant::now());
            peers.changed();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Lets the active members of the roster as it is now through the gate and tells the
    /// endpoint where the known ones are; returns those known.
    fn admit(&self, peers: &Peers) -> Result<Vec<iroh::EndpointId>, SyncError> {
        self.gate.admit(&lock(peers.library())?.team()?);
        let mut known = Vec::new();
        for peer in known_peers::all(peers.library())? {
            if let Ok(addr) = peer.addr
                && self.gate.admits(&addr.id)
            {
                known.push(addr.id);
                self.lookup.add_endpoint_info(addr);
            }
        }
        Ok(known)
    }

    /// When `news` changes the roster, lets through only whom it now admits (a member
    /// removed here or elsewhere hears nothing more).
    fn admit_if_roster_in(&self, library: &mut Library, news: &[(String, Vec<u8>)]) {
        if news.iter().any(|(key, _)| key == DocKey::TEAM) {
            match library.team() {
                Ok(team) => self.gate.admit(&team),
                Err(e) => warn!("cannot read the roster the news changed: {e}"),
            }
        }
    }

    /// Announces this node's changes since the last announcement; with no neighbour on
    /// the topic (or a change too big for it), the syncers push them instead.
    async fn announce(&self, peers: &Arc<Peers>, sender: &GossipSender) {
        let news = {
            let Ok(mut library) = lock(peers.library()) else {
                return;
            };
            match library.own_news() {
                // A roster changed here: who may hear the news changes before it goes
                // out (a member removed here does not even hear that).
                Ok(news) => {
                    self.admit_if_roster_in(&mut library, &news);
                    news
                }
                Err(e) => {
                    warn!("cannot read the changes to announce: {e}");
                    peers.changed();
                    return;
                }
            }
        };
        if news.is_empty() {
            return;
        }
        // With no neighbour yet the news waits in the gossip layer for one, and the
        // syncers push the change meanwhile.
        let mut fits = self.roll().neighbours() > 0;
        for piece in pieces(news) {
            let bytes = Frame::News(piece).encode();
            if bytes.len() > MAX_NEWS {
                fits = false;
                continue;
            }
            // Counted before it goes: a peer may take it in before `broadcast` returns.
            self.counts.lock().unwrap_or_else(PoisonError::into_inner).0 += 1;
            if let Err(e) = sender.broadcast(bytes.into()).await {
                warn!("cannot announce a change: {e}");
                self.counts.lock().unwrap_or_else(PoisonError::into_inner).0 -= 1;
                fits = false;
            }
        }
        if !fits {
            peers.changed();
        }
    }

    fn roll(&self) -> std::sync::MutexGuard<'_, Roll> {
        self.roll.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Calls the roll when it is due; a neighbour that did not answer is synced with at
    /// once, which brings whatever news this node missed meanwhile, and when none answered
    /// the silent ones are joined again, which makes the links run both ways.
    async fn call_roll(&self, peers: &Arc<Peers>, sender: &GossipSender) {
        let due = self.roll().due(tokio::time::Instant::now());
        let deaf = matches!(due, Due::Deaf(_));
        match due {
            Due::Wait => {}
            Due::Call => {
                let ask = Frame::Here { ask: true }.encode();
                if let Err(e) = sender.broadcast_neighbors(ask.into()).await {
                    debug!("cannot call the roll: {e}");
                }
            }
            Due::Silent(silent) | Due::Deaf(silent) => {
                for peer in &silent {
                    debug!(peer = %short(&member_of(peer)), deaf, "a neighbour on the topic did not answer the roll call; syncing with it");
                    peers.again(EndpointAddr::new(*peer), Duration::ZERO);
                }
                self.silent
                    .fetch_add(silent.len() as u64, Ordering::Relaxed);
                if deaf && let Err(e) = sender.join_peers(silent).await {
                    debug!("cannot join the silent neighbours again: {e}");
                }
            }
        }
    }

    /// Takes in what the topic brings until it closes. Taking news in writes to disk, so
    /// it runs on a thread of its own, in the order the news came, while the gossip
    /// layer goes on relaying. News is in the library as soon as it is taken; once no
    /// more has come for [`FLUSH_QUIET`] (or the oldest has waited [`FLUSH_WITHIN`]), one
    /// forced write puts it on disk.
    async fn listen(self: Arc<Self>, peers: &Arc<Peers>, mut receiver: GossipReceiver) {
        let (news, queue) = std::sync::mpsc::channel::<Message>();
        let (this, peers_) = (self.clone(), peers.clone());
        let Ok(flusher) = lock(peers.library()).map(|library| library.flusher()) else {
            return;
        };
        // Kept after this task: when the node stops, this task ends first (closing the
        // queue), then the taker finishes what it holds.
        peers.keep(tokio::task::spawn_blocking(move || {
            let flush = || {
                if let Err(e) = flusher.flush() {
                    warn!("news taken in is not on disk yet (tried again with the next): {e}");
                }
            };
            // Taken in since the last forced write, from when.
            let mut unflushed: Option<Instant> = None;
            let mut next = queue.recv().ok();
            while let Some(message) = next {
                this.take(&peers_, message);
                let since = *unflushed.get_or_insert_with(Instant::now);
                if since.elapsed() >= FLUSH_WITHIN {
                    flush();
                    unflushed = None;
                }
                next = match queue.recv_timeout(FLUSH_QUIET) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => {
                        flush();
                        unflushed = None;
                        queue.recv().ok()
                    }
                    Err(RecvTimeoutError::Disconnected) => None,
                };
            }
            if unflushed.is_some() {
                flush();
            }
        }));
        while let Some(event) = receiver.next().await {
            match event {
                Ok(Event::Received(message)) => {
                    let now = tokio::time::Instant::now();
                    let from = message.delivered_from;
                    let neighbour = {
                        let mut roll = self.roll();
                        roll.heard(from, now);
                        roll.is_neighbour(&from)
                    };
                    if message.scope == DeliveryScope::Neighbors
                        && let Ok(Frame::Here { ask }) = Frame::decode(&message.content)
                    {
                        if ask && neighbour {
                            self.answer.notify_one();
                        }
                    } else if news.send(message).is_err() {
                        return;
                    }
                }
                Ok(Event::NeighborUp(peer)) => self.roll().up(peer, tokio::time::Instant::now()),
                Ok(Event::NeighborDown(peer)) => {
                    self.roll().down(peer, tokio::time::Instant::now());
                }
                Ok(Event::Lagged) => warn!("the team's news fell behind; syncing instead"),
                Err(e) => {
                    warn!("the team's news closed: {e}");
                    return;
                }
            }
        }
    }

    /// One piece of news, delivered by a neighbour (not necessarily its author: the
    /// library checks each change's own signature).
    fn take(&self, peers: &Arc<Peers>, message: Message) {
        let from = member_of(&message.delivered_from);
        let items = match Frame::decode(&message.content) {
            Ok(Frame::News(items)) => items,
            Ok(_) => {
                warn!(peer = %short(&from), "news that is not news; ignored");
                return;
            }
            Err(e) => {
                warn!(peer = %short(&from), "malformed news; ignored: {}", e.chain());
                return;
            }
        };
        // Counted before the library is let go: whoever sees the news there sees it counted.
        let taken = lock(peers.library())
            .and_then(|mut library| {
                let taken = library.receive_changes(&from, &items)?;
                self.admit_if_roster_in(&mut library, &items);
                self.counts.lock().unwrap_or_else(PoisonError::into_inner).1 += 1;
                Ok(taken)
            })
            .map_err(|e| e.chain().to_string());
        match taken {
            Ok(taken) => {
                if !taken.lacking.is_empty() {
                    debug!(peer = %short(&from), lacking = taken.lacking.len(), "news builds on changes not here; syncing");
                    peers.again(EndpointAddr::new(message.delivered_from), Duration::ZERO);
                }
            }
            Err(e) => warn!(peer = %short(&from), "refused news it delivered: {e}"),
        }
    }
}

/// News split into pieces of at most [`MAX_NEWS`] bytes (about: a document's news bigger
/// than that is a piece of its own, and found too big when encoded).
fn pieces(news: Vec<(String, Vec<u8>)>) -> Vec<Vec<(String, Vec<u8>)>> {
    let mut pieces: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
    let mut size = 0;
    for item in news {
        let len = item.0.len() + item.1.len() + 8;
        if pieces.is_empty() || size + len > MAX_NEWS {
            pieces.push(Vec::new());
            size = 0;
        }
        size += len;
        if let Some(last) = pieces.last_mut() {
            last.push(item);
        }
    }
    pieces
}
