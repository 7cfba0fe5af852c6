//! The node's dealings with its peers: dialling and serving links (see `link`), opening
//! and answering sessions on them (see `session`) one per peer at a time (see `busy`),
//! recording where peers are (see `known_peers`), and the background syncers that keep the
//! team in sync: one per known peer, each on its own pace (see `pace`), so a peer that
//! cannot be reached delays nobody. The node (`node`) assembles this with its endpoint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use iroh::endpoint::{Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr, RelayUrl};
use lore_core::Library;
use tracing::{debug, info, warn};

use crate::addr::{listening, member_of, seen_ip, short};
use crate::busy::Busy;
use crate::discovery::Teammates;
use crate::error::SyncError;
use crate::frame::{self, ALPN, CLOSE_DONE, CLOSE_PROTOCOL, CLOSE_REFUSED, Frame, MAX_FRAME};
use crate::known_peers;
use crate::link::{Connected, Links, replaced};
use crate::pace::{Pace, in_turn};
use crate::session::{self, SyncReport};

/// How long a refused or misbehaving peer gets to read why before the connection closes.
const GRACE: Duration = Duration::from_secs(2);
/// How long an explicit sync waits for a session the peer is running with us to end.
const WAIT_FOR_PEER: Duration = Duration::from_secs(120);
/// How often a sync waiting for the peer looks again, should no session end here (the
/// peer's session may end without this node running one).
const LOOK_AGAIN: Duration = Duration::from_millis(250);
/// How long a session a peer opens waits for the one under way with it to end before
/// it is answered `Busy`.
const HOLD_ON: Duration = Duration::from_secs(2);
/// How soon a session the peer's own crossed is tried again, when nothing runs here yet.
const RETRY_CROSSED: Duration = Duration::from_millis(200);

/// What the node, its connection handlers and its background tasks share.
pub(crate) struct Peers {
    endpoint: Endpoint,
    me: String,
    library: Arc<Mutex<Library>>,
    relay: Option<RelayUrl>,
    links: Mutex<Links>,
    busy: Mutex<Busy>,
    /// A session ended: whoever waits for a peer to be free looks again.
    ended: tokio::sync::Notify,
    /// The library changed here, or a session that could not run should: sync now.
    changed: tokio::sync::Notify,
    /// Background work (the syncer, discovery, connections this node dialled); ended when
    /// the node stops, so nothing holds the library afterwards.
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// Each known peer's own syncer, by member id.
    syncers: Mutex<HashMap<String, Syncer>>,
}

/// A known peer's background syncer: it runs a session when poked (the library changed
/// here, or the node's interval passed), one at a time, and waits longer and longer while
/// the peer does not answer.
struct Syncer {
    addr: Arc<Mutex<EndpointAddr>>,
    poke: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

/// Locks one of the node's own tables (links, sessions, tasks). A poisoned lock is
/// recovered: each change to them is one insert or removal, so a task that panicked
/// cannot have left one half-made, and refusing would stall every peer.
fn table<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Peers {
    /// Peers of the node on `endpoint`, sharing `library`; `relay`: the node's relay, if any.
    pub(crate) fn new(
        endpoint: Endpoint,
        library: Arc<Mutex<Library>>,
        relay: Option<RelayUrl>,
    ) -> Peers {
        Peers {
            me: member_of(&endpoint.id()),
            endpoint,
            library,
            relay,
            links: Mutex::new(Links::default()),
            busy: Mutex::new(Busy::default()),
            ended: tokio::sync::Notify::new(),
            changed: tokio::sync::Notify::new(),
            tasks: Mutex::new(Vec::new()),
            syncers: Mutex::new(HashMap::new()),
        }
    }

    /// This node's member id.
    pub(crate) fn me(&self) -> &str {
        &self.me
    }

    /// The shared library.
    pub(crate) fn library(&self) -> &Arc<Mutex<Library>> {
        &self.library
    }

    /// The node's relay, if it has one.
    pub(crate) fn relay(&self) -> Option<&RelayUrl> {
        self.relay.as_ref()
    }

    /// The library changed here: a running syncer syncs now.
    pub(crate) fn changed(&self) {
        self.changed.notify_one();
    }

    /// The peers connected now.
    pub(crate) fn connected(&self) -> Vec<Connected> {
        let busy = table(&self.busy);
        table(&self.links).connected(|peer| busy.syncing(peer))
    }

    /// The sync protocol's handler, for the node's router.
    pub(crate) fn handler(self: &Arc<Self>) -> SyncHandler {
        SyncHandler {
            peers: self.clone(),
        }
    }

    /// What discovery reports machines it finds to.
    pub(crate) fn teammates(self: &Arc<Self>) -> impl Teammates + use<> {
        Discovered(self.clone())
    }

    /// Syncs with every known peer, each on its own, at once and again whenever a change
    /// made here cannot go as news (`changed`); every `every` otherwise with
    /// [`IN_TURN`](crate::pace::IN_TURN) of them, in turn (news carries changes as they are
    /// made; these sessions catch up whatever it missed, without costing each node more as
    /// the team grows).
    pub(crate) fn start_syncing(self: &Arc<Self>, every: Duration) {
        let this = self.clone();
        self.keep(tokio::spawn(async move {
            let mut interval = this.steady(every);
            this.poke_known_peers(every, None);
            // Counted by ticks alone: a change poking everyone takes no peer's turn.
            let mut turn = 0;
            loop {
                tokio::select! {
                    () = this.changed.notified() => this.poke_known_peers(every, None),
                    _ = interval.tick() => {
                        this.poke_known_peers(every, Some(turn));
                        turn += 1;
                    }
                }
            }
        }));
    }

    /// The node's steady interval of `every` (see [`crate::pace::steady`]).
    pub(crate) fn steady(&self, every: Duration) -> tokio::time::Interval {
        crate::pace::steady(every, self.endpoint.id().as_bytes())
    }

    /// Closes every link.
    pub(crate) fn close_links(&self) {
        table(&self.links).close_all(CLOSE_DONE, b"node stopped");
    }

    /// Ends the background work; when this returns, none of it touches the library.
    pub(crate) async fn end_tasks(&self) {
        let mut tasks: Vec<_> = table(&self.tasks).drain(..).collect();
        tasks.extend(table(&self.syncers).drain().map(|(_, s)| s.task));
        for task in tasks {
            task.abort();
            match task.await {
                Err(e) if e.is_panic() => warn!("a background task of the node panicked: {e}"),
                // Ended, or cancelled just now: both are what stopping means.
                _ => {}
            }
        }
    }

    /// Keeps `task` until the node stops.
    pub(crate) fn keep(&self, task: tokio::task::JoinHandle<()>) {
        let mut tasks = table(&self.tasks);
        tasks.retain(|t| !t.is_finished());
        tasks.push(task);
    }

    /// The connection with the peer at `addr`, dialling it if there is none.
    async fn link(self: &Arc<Self>, addr: EndpointAddr) -> Result<Connection, SyncError> {
        let peer = member_of(&addr.id);
        let live = table(&self.links).live(&peer);
        if let Some(conn) = live {
            return Ok(conn);
        }
        let conn =
            self.endpoint
                .connect(addr, ALPN)
                .await
                .map_err(|source| SyncError::Unreachable {
                    who: short(&peer),
                    source,
                })?;
        if table(&self.links).adopt(&self.me, &conn, true) {
            let this = self.clone();
            let served = conn.clone();
            self.keep(tokio::spawn(async move { this.serve_link(served).await }));
            Ok(conn)
        } else {
            // The peer's connection, dialled at the same moment, won: use that one.
            table(&self.links).live(&peer).ok_or(SyncError::Busy)
        }
    }

    /// Answers the sessions the peer opens on `conn` until it closes.
    async fn serve_link(self: Arc<Self>, conn: Connection) {
        let peer = member_of(&conn.remote_id());
        while let Ok((mut send, mut recv)) = conn.accept_bi().await {
            if !self.claim_soon(&peer).await {
                self.answer_busy(&peer, send, recv).await;
                continue;
            }
            let started = Instant::now();
            let ours = listening(&self.endpoint, self.relay.as_ref());
            let outcome =
                session::session(&self.library, &peer, &ours, false, &mut send, &mut recv).await;
            self.release(&peer, false);
            debug!(peer = %short(&peer), ms = started.elapsed().as_millis(), ok = outcome.is_ok(), "answered a session");
            match outcome {
                Ok(report) => self.accepted(&conn, &report),
                Err(e) => self.failed(&conn, &peer, &e, (send, recv)),
            }
        }
        table(&self.links).closed(&peer, &conn);
        debug!(peer = %short(&peer), reason = ?conn.close_reason(), "connection closed");
    }

    /// Tells the peer a session with it already runs, and keeps reading until the peer
    /// gives up its stream, so the answer is not lost to a stream reset.
    async fn answer_busy(&self, peer: &str, mut send: SendStream, mut recv: RecvStream) {
        if let Err(e) = frame::send(&mut send, &Frame::Busy).await {
            debug!(peer = %short(peer), "could not answer Busy: {}", e.chain());
        }
        if let Err(e) = send.finish() {
            debug!(peer = %short(peer), "the peer gave up its stream first: {e}");
        }
        self.keep(tokio::spawn(async move {
            // What the peer sent meanwhile is for a session that does not run: unread.
            if let Ok(Err(e)) = tokio::time::timeout(GRACE, recv.read_to_end(MAX_FRAME)).await {
                debug!("the peer's stream ended after Busy: {e}");
            }
            drop(send);
        }));
    }

    /// After a session the peer opened: remember where it listens.
    fn accepted(&self, conn: &Connection, report: &SyncReport) {
        if report.documents > 0 {
            info!(peer = %short(&report.peer), documents = report.documents, "synced");
        }
        if let Err(e) = known_peers::heard(
            &self.library,
            &report.peer,
            &report.peer_addrs,
            seen_ip(conn),
        ) {
            warn!(peer = %short(&report.peer), "cannot record where the peer is: {}", e.chain());
        }
    }

    /// A session failed: log why; close the connection of a refused or misbehaving peer
    /// once it has had a moment to read the reason. Other peers are not affected.
    fn failed(
        &self,
        conn: &Connection,
        peer: &str,
        e: &SyncError,
        streams: (SendStream, RecvStream),
    ) {
        let code = match e {
            SyncError::Busy => return,
            SyncError::Malformed(_) => {
                warn!(peer = %short(peer), "closing the connection: {}", e.chain());
                CLOSE_PROTOCOL
            }
            e if e.is_refusal() => {
                info!(peer = %short(peer), "{}", e.chain());
                CLOSE_REFUSED
            }
            _ => {
                warn!(peer = %short(peer), "sync failed: {}", e.chain());
                return;
            }
        };
        let conn = conn.clone();
        let reason: Vec<u8> = e.chain().to_string().bytes().take(200).collect();
        tokio::spawn(async move {
            if tokio::time::timeout(GRACE, conn.closed()).await.is_err() {
                debug!("the peer did not close within the grace period; closing");
            }
            drop(streams);
            conn.close(code.into(), &reason);
        });
    }

    /// Takes the slot for a session `peer` opened, waiting up to `HOLD_ON` for one under
    /// way to end: the session of a connection the peer's new one replaced (it restarted)
    /// ends as soon as it notices, and a crossed one of ours is short. Answering `Busy` at
    /// once would make the peer come back only after its retry delay.
    async fn claim_soon(&self, peer: &str) -> bool {
        let deadline = Instant::now() + HOLD_ON;
        loop {
            let ended = self.ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if self.claim(peer, false) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            tokio::select! {
                () = ended => {}
                () = tokio::time::sleep(left) => {}
            }
        }
    }

    /// Takes the session slot for `peer` (see `busy`).
    fn claim(&self, peer: &str, dialled: bool) -> bool {
        table(&self.busy).claim(&self.me, peer, dialled)
    }

    /// Gives the session slot back; a session wanted meanwhile runs now.
    fn release(self: &Arc<Self>, peer: &str, dialled: bool) {
        let again = table(&self.busy).release(peer, dialled);
        self.ended.notify_waiters();
        if let Some(addr) = again {
            self.again(addr, Duration::ZERO);
        }
    }

    /// A session with the peer at `addr` could not run now: run it after the one under way,
    /// or (nothing runs here yet: the peer's session is still on its way) shortly.
    fn later(self: &Arc<Self>, peer: &str, addr: EndpointAddr) {
        let unplanned = table(&self.busy).later(peer, addr);
        if let Some(addr) = unplanned {
            self.again(addr, RETRY_CROSSED);
        }
    }

    /// One more background session with the peer at `addr` (that peer only), after `delay`.
    pub(crate) fn again(self: &Arc<Self>, addr: EndpointAddr, delay: Duration) {
        let this = self.clone();
        self.keep(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let peer = short(&member_of(&addr.id));
            if let Err(e) = this.sync_peer(addr, false).await
                && !matches!(e, SyncError::Busy)
            {
                warn!(%peer, "sync failed: {}", e.chain());
            }
        }));
    }

    /// One session with the peer at `addr`. `wait`: wait for a session already running
    /// with it (an explicit sync); otherwise (the background syncer) leave it for later.
    pub(crate) async fn sync_peer(
        self: &Arc<Self>,
        addr: EndpointAddr,
        wait: bool,
    ) -> Result<SyncReport, SyncError> {
        let peer = member_of(&addr.id);
        let deadline = Instant::now() + WAIT_FOR_PEER;
        loop {
            let ended = self.ended.notified();
            tokio::pin!(ended);
            ended.as_mut().enable();
            if self.claim(&peer, true) {
                let started = Instant::now();
                let outcome = self.dial_session(&addr, &peer).await;
                self.release(&peer, true);
                debug!(peer = %short(&peer), ms = started.elapsed().as_millis(), outcome = ?outcome.as_ref().map(|r| r.documents), "opened a session");
                match outcome {
                    Err(SyncError::Busy) => {}
                    other => return other,
                }
            }
            if !wait {
                debug!(peer = %short(&peer), "busy; later");
                self.later(&peer, addr);
                return Err(SyncError::Busy);
            }
            if Instant::now() > deadline {
                return Err(SyncError::StayedBusy { peer: short(&peer) });
            }
            tokio::select! {
                () = ended => {}
                () = tokio::time::sleep(LOOK_AGAIN) => {}
            }
        }
    }

    /// Opens a session on the link with the peer (dialling it if need be).
    async fn dial_session(
        self: &Arc<Self>,
        addr: &EndpointAddr,
        peer: &str,
    ) -> Result<SyncReport, SyncError> {
        let conn = self.link(addr.clone()).await?;
        let outcome = match conn.open_bi().await {
            Ok((mut send, mut recv)) => {
                let ours = listening(&self.endpoint, self.relay.as_ref());
                let outcome =
                    session::session(&self.library, peer, &ours, true, &mut send, &mut recv).await;
                if let Err(e) = &outcome
                    && !matches!(e, SyncError::Connection(_))
                {
                    self.failed(&conn, peer, e, (send, recv));
                }
                outcome
            }
            Err(e) => Err(SyncError::Connection(Box::new(e))),
        };
        match outcome {
            Ok(report) => {
                known_peers::reached(&self.library, peer, addr)?;
                Ok(report)
            }
            // The connection lost to one the peer dialled at the same moment: run again
            // on the one that stays.
            Err(SyncError::Connection(_)) if replaced(&conn) => Err(SyncError::Busy),
            Err(e) => Err(e),
        }
    }

    /// Pokes the syncers of every known peer, or with `turn` only those [`in_turn`], and
    /// always those of peers newly known (starting them, with their latest address;
    /// ending those of peers no longer known): a change reaches the whole team in one
    /// session's time, however long an unreachable peer takes to fail.
    fn poke_known_peers(self: &Arc<Self>, every: Duration, turn: Option<usize>) {
        let mut everyone = match known_peers::all(&self.library) {
            Ok(everyone) => everyone,
            Err(e) => {
                warn!("cannot read the known peers: {}", e.chain());
                return;
            }
        };
        // In a fixed order, for the turns to go round them all.
        everyone.sort_by(|a, b| a.member.cmp(&b.member));
        let chosen = turn.map(|turn| in_turn(everyone.len(), turn));
        let mut syncers = table(&self.syncers);
        syncers.retain(|member, syncer| {
            let known = everyone.iter().any(|k| &k.member == member);
            if !known {
                syncer.task.abort();
            }
            known && !syncer.task.is_finished()
        });
        for (i, known) in everyone.into_iter().enumerate() {
            let addr = match known.addr {
                Ok(addr) => addr,
                Err(e) => {
                    warn!(peer = %short(&known.member), "cannot sync: {}", e.chain());
                    continue;
                }
            };
            let mut new = false;
            let syncer = syncers.entry(known.member).or_insert_with(|| {
                new = true;
                let addr = Arc::new(Mutex::new(addr.clone()));
                let poke = Arc::new(tokio::sync::Notify::new());
                let task = tokio::spawn(self.clone().sync_on_its_own(
                    addr.clone(),
                    poke.clone(),
                    every,
                ));
                Syncer { addr, poke, task }
            });
            *table(&syncer.addr) = addr;
            if new || chosen.as_ref().is_none_or(|c| c.contains(&i)) {
                syncer.poke.notify_one();
            }
        }
    }

    /// One known peer's syncer: a session each time it is poked (pokes while a session
    /// runs make one more after it), and after a failure a wait that grows while the peer
    /// does not answer.
    async fn sync_on_its_own(
        self: Arc<Self>,
        addr: Arc<Mutex<EndpointAddr>>,
        poke: Arc<tokio::sync::Notify>,
        every: Duration,
    ) {
        let mut pace = Pace::new(every);
        loop {
            poke.notified().await;
            let to = table(&addr).clone();
            let peer = member_of(&to.id);
            match self.sync_peer(to, false).await {
                Ok(r) => {
                    pace.answered();
                    if r.documents > 0 {
                        info!(peer = %short(&peer), documents = r.documents, "synced");
                    }
                }
                // A session with the peer is under way: this one runs after it.
                Err(SyncError::Busy) => pace.answered(),
                Err(e) => {
                    let wait = pace.failed();
                    let failures = pace.failures();
                    // The first failure is worth a warning; a peer that stays away, less.
                    let (peer, again) = (short(&peer), wait.as_secs());
                    if failures == 1 {
                        warn!(%peer, again, "sync failed: {}", e.chain());
                    } else {
                        debug!(%peer, failures, again, "still unreachable: {}", e.chain());
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

/// Accepts Lore connections: each becomes the link with its peer (or loses to the one
/// already there) and serves the sessions the peer opens on it.
#[derive(Clone)]
pub(crate) struct SyncHandler {
    peers: Arc<Peers>,
}

impl std::fmt::Debug for SyncHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncHandler").finish()
    }
}

impl ProtocolHandler for SyncHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let adopted = table(&self.peers.links).adopt(&self.peers.me, &connection, false);
        if adopted {
            self.peers.clone().serve_link(connection).await;
        }
        Ok(())
    }
}

/// What mDNS discovery reports to: the address cache and the syncer.
struct Discovered(Arc<Peers>);

impl Teammates for Discovered {
    fn found(&self, member: &str, addrs: Vec<String>) -> Result<bool, SyncError> {
        known_peers::discovered(&self.0.library, member, addrs)
    }

    fn sync_now(&self) {
        self.0.changed.notify_one();
    }
}
