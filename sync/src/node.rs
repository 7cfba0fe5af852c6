//! A sync node: an iroh endpoint on the device key that keeps one connection per peer and
//! runs sync sessions over it (see `session`), one session per peer at a time.
//!
//! Connections: either side may dial. The first connection to a peer becomes the link both
//! sides use for every later session, each session on a stream of its own. If both dial at
//! the same moment, both keep the connection the smaller device id dialled and close the
//! other; a connection dialled long after an existing one means the peer lost the old one
//! (it restarted, say), so the new one replaces it.
//!
//! Sessions: a node starts a session with a peer only if none is running with it. When
//! both start one at once, the smaller device id's session goes on and the other is told
//! `Busy` and runs again after it, so a change made meanwhile is not left behind.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iroh::endpoint::{Connection, ConnectionError, RecvStream, RelayMode, SendStream, presets};
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh::{Endpoint, EndpointAddr, RelayUrl, SecretKey, TransportAddr};
use lore_core::model::{Millis, now_millis};
use lore_core::{Library, Role};
use tracing::{debug, info, warn};

use crate::frame::{self, Frame, MAX_FRAME};
use crate::session::{self, lock};
use crate::{Identity, SyncError, Ticket};

/// The ALPN of the Lore sync protocol.
pub const ALPN: &[u8] = b"lore/sync/1";
/// The ALPN on which a new member presents an invite.
pub const JOIN_ALPN: &[u8] = b"lore/join/1";

/// Close codes of a Lore connection.
const CLOSE_DONE: u32 = 0;
const CLOSE_DUPLICATE: u32 = 1;
const CLOSE_PROTOCOL: u32 = 2;
const CLOSE_REFUSED: u32 = 3;

/// Two connections opened within this of each other crossed: both sides dialled at once.
const CROSSING: Duration = Duration::from_secs(2);
/// How long a refused or misbehaving peer gets to read why before the connection closes.
const GRACE: Duration = Duration::from_secs(2);
/// How long an explicit sync waits for a session the peer is running with us to end.
const WAIT_FOR_PEER: Duration = Duration::from_secs(120);

/// How a node reaches its peers.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen, e.g. 0.0.0.0:7465 (or 127.0.0.1:0 in tests).
    pub bind: SocketAddr,
    /// A self-hosted iroh relay, for peers that cannot reach each other directly. Without
    /// one the node works on direct addresses alone and never waits for a relay.
    pub relay: Option<RelayUrl>,
    /// Announce this node and find teammates on the local network with mDNS.
    pub mdns: bool,
}

impl Options {
    /// Direct addresses only: no relay, no mDNS.
    pub fn direct(bind: SocketAddr) -> Options {
        Options {
            bind,
            relay: None,
            mdns: false,
        }
    }
}

/// What one session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The peer's member id.
    pub peer: String,
    /// Where the peer says it listens (its Hello).
    pub peer_addrs: Vec<String>,
    /// Documents that differed and were synced (the team document included).
    pub documents: usize,
    /// Bytes of frames sent and received.
    pub bytes_sent: usize,
    pub bytes_received: usize,
}

/// A peer this node is connected to now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Connected {
    pub member: String,
    /// The address the connection runs over (a socket address or a relay URL).
    pub addr: Option<String>,
    /// Since when (ms since the epoch).
    pub since: Millis,
    /// Whether this node dialled the connection (else the peer did).
    pub dialled: bool,
    /// Whether a sync session with it is running.
    pub syncing: bool,
}

/// A running node.
pub struct Node {
    router: Router,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.router.endpoint().id())
            .finish()
    }
}

/// What the node and its connection handlers share.
pub(crate) struct Shared {
    endpoint: Endpoint,
    me: String,
    library: Arc<Mutex<Library>>,
    relay: Option<RelayUrl>,
    peers: Mutex<Peers>,
    /// A session ended: whoever waits for a peer to be free looks again.
    ended: tokio::sync::Notify,
    /// The library changed here, or a session that could not run should: sync now.
    changed: tokio::sync::Notify,
    /// Background work (the syncer, discovery, connections this node dialled); ended when
    /// the node stops, so nothing holds the library afterwards.
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

#[derive(Default)]
struct Peers {
    links: HashMap<String, Link>,
    busy: HashMap<String, Busy>,
}

struct Link {
    conn: Connection,
    dialled: bool,
    opened: Instant,
    since: Millis,
}

/// Sessions running with one peer.
#[derive(Default)]
struct Busy {
    dialled: bool,
    accepted: bool,
    /// A session was wanted while this one ran: run one with this address when it ends.
    again: Option<EndpointAddr>,
}

/// The member id of an endpoint: its public key, hex.
pub fn member_of(id: &iroh::EndpointId) -> String {
    id.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn short(member: &str) -> String {
    member.chars().take(12).collect()
}

impl Node {
    /// Starts a node for `library`. Peers are reached at the addresses they are given or
    /// have been seen at, through the relay if one is configured, and on the local network
    /// if mDNS is on.
    pub async fn start(
        library: Library,
        identity: &Identity,
        options: Options,
    ) -> Result<Node, SyncError> {
        let endpoint =
            endpoint(identity, &options, vec![ALPN.to_vec(), JOIN_ALPN.to_vec()]).await?;
        let library = Arc::new(Mutex::new(library));
        let shared = Arc::new(Shared {
            me: member_of(&endpoint.id()),
            endpoint: endpoint.clone(),
            library: library.clone(),
            relay: options.relay.clone(),
            peers: Mutex::new(Peers::default()),
            ended: tokio::sync::Notify::new(),
            changed: tokio::sync::Notify::new(),
            tasks: Mutex::new(Vec::new()),
        });
        let router = Router::builder(endpoint)
            .accept(
                ALPN,
                Handler {
                    shared: shared.clone(),
                },
            )
            .accept(JOIN_ALPN, JoinHandler { library })
            .spawn();
        let node = Node { router, shared };
        if options.mdns {
            let task = crate::discovery::start(&node.shared)?;
            node.shared.keep(task);
        }
        Ok(node)
    }

    /// This node's address (id, bound sockets and relay), for peers to connect to.
    pub fn addr(&self) -> EndpointAddr {
        let endpoint = self.router.endpoint();
        let mut addr = EndpointAddr::new(endpoint.id());
        for socket in endpoint.bound_sockets() {
            addr = addr.with_ip_addr(socket);
        }
        if let Some(relay) = &self.shared.relay {
            addr = addr.with_relay_url(relay.clone());
        }
        addr
    }

    /// This node's member id.
    pub fn member(&self) -> String {
        self.shared.me.clone()
    }

    /// The library, for local reads and writes while the node runs.
    pub fn library(&self) -> Arc<Mutex<Library>> {
        self.shared.library.clone()
    }

    /// Syncs with `peer` until both sides have everything, over the connection with it if
    /// there is one. If a session with it is running, waits for that to end first.
    pub async fn sync_with(&self, peer: EndpointAddr) -> Result<SyncReport, SyncError> {
        self.shared.sync_peer(peer, true).await
    }

    /// Says that the library changed here: a running syncer pushes it to peers at once.
    pub fn changed(&self) {
        self.shared.changed.notify_one();
    }

    /// The peers connected now.
    pub fn connected(&self) -> Vec<Connected> {
        self.shared.connected()
    }

    /// Keeps the team in sync in the background: with every known peer at once when the
    /// library changes here, and every `every` otherwise.
    pub fn start_syncing(&self, every: Duration) {
        let shared = self.shared.clone();
        self.shared.keep(tokio::spawn(async move {
            loop {
                shared.sync_known_peers().await;
                tokio::select! {
                    () = shared.changed.notified() => {}
                    () = tokio::time::sleep(every) => {}
                }
            }
        }));
    }

    /// A ticket for `invite`, pointing at this node's addresses.
    pub fn ticket(&self, invite: &lore_core::Invite) -> Result<Ticket, SyncError> {
        let team = lock(&self.shared.library)?.team()?;
        Ok(Ticket::for_invite(
            &team,
            &self.member(),
            self.router.endpoint().bound_sockets(),
            self.shared.relay.as_ref().map(ToString::to_string),
            invite,
        ))
    }

    /// Stops syncing and accepting, closes every connection, and releases the library.
    pub async fn shutdown(self) {
        self.stop().await;
    }

    /// Stops syncing and accepting and closes every connection; when this returns, no
    /// background work of the node touches the library any more.
    pub async fn stop(&self) {
        if let Ok(peers) = self.shared.peers.lock() {
            for link in peers.links.values() {
                link.conn.close(CLOSE_DONE.into(), b"node stopped");
            }
        }
        let _ = self.router.shutdown().await;
        let tasks: Vec<_> = match self.shared.tasks.lock() {
            Ok(mut tasks) => tasks.drain(..).collect(),
            Err(_) => Vec::new(),
        };
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Shared {
    fn keep(&self, task: tokio::task::JoinHandle<()>) {
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.retain(|t| !t.is_finished());
            tasks.push(task);
        }
    }

    /// Where this node listens, for Hellos: bound sockets, then the relay.
    fn listening(&self) -> Vec<String> {
        let mut addrs: Vec<String> = self
            .endpoint
            .bound_sockets()
            .iter()
            .map(ToString::to_string)
            .collect();
        addrs.extend(self.relay.as_ref().map(ToString::to_string));
        addrs
    }

    fn peers(&self) -> Result<std::sync::MutexGuard<'_, Peers>, SyncError> {
        self.peers
            .lock()
            .map_err(|_| SyncError::Library("the peer table lock was poisoned".into()))
    }

    fn connected(&self) -> Vec<Connected> {
        let Ok(peers) = self.peers() else {
            return Vec::new();
        };
        let mut connected: Vec<Connected> = peers
            .links
            .iter()
            .filter(|(_, l)| l.conn.close_reason().is_none())
            .map(|(member, l)| Connected {
                member: member.clone(),
                addr: remote_addr(&l.conn),
                since: l.since,
                dialled: l.dialled,
                syncing: peers
                    .busy
                    .get(member)
                    .is_some_and(|b| b.dialled || b.accepted),
            })
            .collect();
        connected.sort_by(|a, b| a.member.cmp(&b.member));
        connected
    }

    /// The live connection with `peer`, if there is one.
    fn live(&self, peer: &str) -> Option<Connection> {
        let peers = self.peers().ok()?;
        peers
            .links
            .get(peer)
            .filter(|l| l.conn.close_reason().is_none())
            .map(|l| l.conn.clone())
    }

    /// The connection with the peer at `addr`, dialling it if there is none.
    async fn link(self: &Arc<Self>, addr: EndpointAddr) -> Result<Connection, SyncError> {
        let peer = member_of(&addr.id);
        if let Some(conn) = self.live(&peer) {
            return Ok(conn);
        }
        let conn =
            self.endpoint.connect(addr, ALPN).await.map_err(|e| {
                SyncError::Connection(format!("cannot reach {}: {e}", short(&peer)))
            })?;
        if self.adopt(&conn, true) {
            let shared = self.clone();
            let served = conn.clone();
            self.keep(tokio::spawn(async move { shared.serve_link(served).await }));
            Ok(conn)
        } else {
            self.live(&peer).ok_or(SyncError::Busy)
        }
    }

    /// Makes `conn` the link with its peer unless the link already there should stay (see
    /// the module notes); the connection that loses is closed. Returns whether `conn` won.
    fn adopt(&self, conn: &Connection, dialled: bool) -> bool {
        let peer = member_of(&conn.remote_id());
        let Ok(mut peers) = self.peers() else {
            return false;
        };
        if let Some(old) = peers.links.get(&peer)
            && old.conn.close_reason().is_none()
        {
            let young = old.opened.elapsed() <= CROSSING;
            let keep_new = if young && old.dialled != dialled {
                // Both dialled at once: both sides keep the one the smaller id dialled.
                dialled == (self.me < peer)
            } else {
                // The peer dialled again long after: it lost the old one.
                !dialled && !young
            };
            if !keep_new {
                conn.close(CLOSE_DUPLICATE.into(), b"duplicate connection");
                return false;
            }
            old.conn
                .close(CLOSE_DUPLICATE.into(), b"replaced by a newer connection");
        }
        peers.links.insert(
            peer,
            Link {
                conn: conn.clone(),
                dialled,
                opened: Instant::now(),
                since: now_millis(),
            },
        );
        true
    }

    /// Answers the sessions the peer opens on `conn` until it closes.
    async fn serve_link(self: Arc<Self>, conn: Connection) {
        let peer = member_of(&conn.remote_id());
        while let Ok((send, recv)) = conn.accept_bi().await {
            let mut send = send;
            let mut recv = recv;
            if !self.claim(&peer, false) {
                // Say so, and keep reading until the peer gives up its stream, so the
                // answer is not lost to a stream reset.
                let _ = frame::send(&mut send, &Frame::Busy).await;
                let _ = send.finish();
                self.keep(tokio::spawn(async move {
                    let _ = tokio::time::timeout(GRACE, recv.read_to_end(MAX_FRAME)).await;
                    drop(send);
                }));
                continue;
            }
            let started = Instant::now();
            let outcome = session::session(
                &self.library,
                &peer,
                &self.listening(),
                false,
                &mut send,
                &mut recv,
            )
            .await;
            self.release(&peer, false);
            debug!(peer = %short(&peer), ms = started.elapsed().as_millis(), ok = outcome.is_ok(), "answered a session");
            match outcome {
                Ok(report) => self.accepted(&conn, &report),
                Err(e) => self.failed(&conn, &peer, &e, (send, recv)),
            }
        }
        if let Ok(mut peers) = self.peers()
            && peers
                .links
                .get(&peer)
                .is_some_and(|l| l.conn.stable_id() == conn.stable_id())
        {
            peers.links.remove(&peer);
        }
        debug!(peer = %short(&peer), reason = ?conn.close_reason(), "connection closed");
    }

    /// After a session the peer opened: remember where it listens (what its Hello says,
    /// with an unspecified IP replaced by the one it was seen at).
    fn accepted(&self, conn: &Connection, report: &SyncReport) {
        if report.documents > 0 {
            info!(peer = %short(&report.peer), documents = report.documents, "synced");
        }
        let seen = conn.paths().iter().find_map(|p| match p.remote_addr() {
            TransportAddr::Ip(a) => Some(a.ip()),
            _ => None,
        });
        let addrs: Vec<String> = report
            .peer_addrs
            .iter()
            .filter_map(|a| match a.parse::<SocketAddr>() {
                Ok(s) if s.ip().is_unspecified() => {
                    seen.map(|ip| SocketAddr::new(ip, s.port()).to_string())
                }
                Ok(s) => Some(s.to_string()),
                Err(_) => a.parse::<RelayUrl>().ok().map(|r| r.to_string()),
            })
            .collect();
        if !addrs.is_empty()
            && let Ok(mut library) = self.library.lock()
            && let Err(e) = library.remember_peer(&report.peer, addrs)
        {
            warn!("cannot record where {} is: {e}", short(&report.peer));
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
                warn!(peer = %short(peer), "closing the connection: {e}");
                CLOSE_PROTOCOL
            }
            SyncError::Refused(_) => {
                info!(peer = %short(peer), "{e}");
                CLOSE_REFUSED
            }
            _ => {
                warn!(peer = %short(peer), "sync failed: {e}");
                return;
            }
        };
        let conn = conn.clone();
        let reason = e.to_string();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(GRACE, conn.closed()).await;
            drop(streams);
            let reason: Vec<u8> = reason.bytes().take(200).collect();
            conn.close(code.into(), &reason);
        });
    }

    /// Takes the session slot for `peer`. A session we start waits for any running one;
    /// one the peer starts while ours runs goes on only if the peer's id is the smaller
    /// (then ours is answered `Busy`).
    fn claim(&self, peer: &str, dialled: bool) -> bool {
        let Ok(mut peers) = self.peers() else {
            return false;
        };
        let busy = peers.busy.entry(peer.to_string()).or_default();
        let free = if dialled {
            !busy.dialled && !busy.accepted
        } else {
            // Ours wins a tie if our id is the smaller.
            let ours_wins = busy.dialled && *self.me < *peer;
            !busy.accepted && !ours_wins
        };
        if free {
            if dialled {
                busy.dialled = true;
            } else {
                busy.accepted = true;
            }
        }
        free
    }

    fn release(self: &Arc<Self>, peer: &str, dialled: bool) {
        let mut again = None;
        if let Ok(mut peers) = self.peers()
            && let Some(busy) = peers.busy.get_mut(peer)
        {
            if dialled {
                busy.dialled = false;
            } else {
                busy.accepted = false;
            }
            if !busy.dialled && !busy.accepted {
                again = busy.again.take();
                peers.busy.remove(peer);
            }
        }
        self.ended.notify_waiters();
        if let Some(addr) = again {
            self.again(addr, Duration::ZERO);
        }
    }

    /// A session with the peer at `addr` could not run now: run it after the one under way,
    /// or (nothing runs here yet: the peer's session is still on its way) shortly.
    fn later(self: &Arc<Self>, peer: &str, addr: EndpointAddr) {
        if let Ok(mut peers) = self.peers()
            && let Some(busy) = peers.busy.get_mut(peer)
        {
            busy.again = Some(addr);
            return;
        }
        self.again(addr, Duration::from_millis(200));
    }

    /// One more background session with the peer at `addr` (that peer only), after `delay`.
    fn again(self: &Arc<Self>, addr: EndpointAddr, delay: Duration) {
        let shared = self.clone();
        self.keep(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if let Err(e) = shared.sync_peer(addr, false).await
                && !matches!(e, SyncError::Busy)
            {
                warn!("sync failed: {e}");
            }
        }));
    }

    /// One session with the peer at `addr`. `wait`: wait for a session already running
    /// with it (an explicit sync); otherwise (the background syncer) leave it for later.
    async fn sync_peer(
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
                return Err(SyncError::Connection(format!(
                    "{} stayed busy with another session",
                    short(&peer)
                )));
            }
            let _ = tokio::time::timeout(Duration::from_millis(250), ended).await;
        }
    }

    /// Opens a session on the link with the peer (dialling it if need be).
    async fn dial_session(
        self: &Arc<Self>,
        addr: &EndpointAddr,
        peer: &str,
    ) -> Result<SyncReport, SyncError> {
        let addrs = addr_text(addr);
        let conn = self.link(addr.clone()).await?;
        let outcome = match conn.open_bi().await {
            Ok((mut send, mut recv)) => {
                let outcome = session::session(
                    &self.library,
                    peer,
                    &self.listening(),
                    true,
                    &mut send,
                    &mut recv,
                )
                .await;
                if let Err(e) = &outcome
                    && !matches!(e, SyncError::Connection(_))
                {
                    self.failed(&conn, peer, e, (send, recv));
                }
                outcome
            }
            Err(e) => Err(SyncError::Connection(e.to_string())),
        };
        match outcome {
            Ok(report) => {
                lock(&self.library)?.remember_peer(peer, addrs)?;
                Ok(report)
            }
            // The connection lost to one the peer dialled at the same moment: run again
            // on the one that stays.
            Err(SyncError::Connection(_)) if replaced(&conn) => Err(SyncError::Busy),
            Err(e) => Err(e),
        }
    }

    async fn sync_known_peers(self: &Arc<Self>) {
        let peers = match lock(&self.library).and_then(|l| Ok(l.known_peers()?)) {
            Ok(peers) => peers,
            Err(e) => {
                warn!("cannot read the known peers: {e}");
                return;
            }
        };
        // All peers at once: a change reaches the whole team in one session's time.
        let mut sessions = tokio::task::JoinSet::new();
        for peer in peers {
            let shared = self.clone();
            sessions.spawn(async move {
                let outcome = match peer_addr(&peer.member, &peer.addrs) {
                    Ok(addr) => shared.sync_peer(addr, false).await,
                    Err(e) => Err(e),
                };
                (peer.member, outcome)
            });
        }
        while let Some(joined) = sessions.join_next().await {
            match joined {
                Ok((peer, Ok(r))) if r.documents > 0 => {
                    info!(peer = %short(&peer), documents = r.documents, "synced");
                }
                Ok((peer, Err(SyncError::Busy))) => {
                    debug!(peer = %short(&peer), "busy; later");
                }
                Ok((peer, Err(e))) => warn!(peer = %short(&peer), "sync failed: {e}"),
                _ => {}
            }
        }
    }
}

/// Whether `conn` was closed because another connection with the peer replaced it.
fn replaced(conn: &Connection) -> bool {
    match conn.close_reason() {
        Some(ConnectionError::LocallyClosed) => true,
        Some(ConnectionError::ApplicationClosed(close)) => {
            close.error_code == CLOSE_DUPLICATE.into()
        }
        _ => false,
    }
}

/// The address a connection runs over.
fn remote_addr(conn: &Connection) -> Option<String> {
    let paths = conn.paths();
    let selected = paths
        .iter()
        .find(|p| p.is_selected())
        .or_else(|| paths.iter().next());
    selected.map(|p| match p.remote_addr() {
        TransportAddr::Ip(a) => a.to_string(),
        other => format!("{other:?}"),
    })
}

/// An address as text: its sockets, then its relays.
fn addr_text(addr: &EndpointAddr) -> Vec<String> {
    addr.ip_addrs()
        .map(ToString::to_string)
        .chain(addr.relay_urls().map(ToString::to_string))
        .collect()
}

/// An endpoint on the device key. A relay only if one is configured; no other address
/// lookup service (mDNS is added by the node when asked for).
async fn endpoint(
    identity: &Identity,
    options: &Options,
    alpns: Vec<Vec<u8>>,
) -> Result<Endpoint, SyncError> {
    let mut builder = Endpoint::builder(presets::Minimal)
        .secret_key(SecretKey::from_bytes(&identity.secret_bytes()))
        .clear_ip_transports()
        .bind_addr(options.bind)
        .map_err(|e| SyncError::Endpoint(e.to_string()))?
        .alpns(alpns);
    if let Some(relay) = &options.relay {
        builder = builder.relay_mode(RelayMode::Custom(relay.clone().into()));
    }
    builder
        .bind()
        .await
        .map_err(|e| SyncError::Endpoint(e.to_string()))
}

/// Joins the team of `ticket` with a new or empty data directory `dir`: presents the invite
/// to the inviter, takes the team document, then syncs the whole library. Returns the
/// running node. A used, expired, altered or foreign ticket is refused and nothing is
/// created or changed.
pub async fn join(
    ticket: &Ticket,
    dir: &Path,
    identity: &Identity,
    options: Options,
) -> Result<(Node, SyncReport), SyncError> {
    if ticket.expired() {
        return Err(SyncError::Ticket(
            "this ticket has expired; ask an admin for a new one".into(),
        ));
    }
    if dir.join(lore_core::DB_FILE).exists() {
        let mut existing = Library::open(dir, identity.writer())?;
        let team = existing.team()?;
        if team.id != ticket.team {
            return Err(SyncError::Ticket(format!(
                "this ticket is for team “{}”, but this data directory holds the library of \
                 team “{}”; join with an empty data directory",
                ticket.team_name, team.name
            )));
        }
    }
    let inviter = ticket.inviter_addr()?;
    let endpoint = endpoint(identity, &options, Vec::new()).await?;
    let welcome = present(&endpoint, &inviter, ticket, identity).await;
    endpoint.close().await;
    let team_document = welcome?;
    let library = Library::join(dir, identity.writer(), &team_document)?;
    let node = Node::start(library, identity, options).await?;
    let report = node.sync_with(inviter).await?;
    Ok((node, report))
}

/// Presents the invite; returns the team document the inviter answers with.
async fn present(
    endpoint: &Endpoint,
    inviter: &EndpointAddr,
    ticket: &Ticket,
    identity: &Identity,
) -> Result<Vec<u8>, SyncError> {
    let connection = endpoint
        .connect(inviter.clone(), JOIN_ALPN)
        .await
        .map_err(|e| SyncError::Connection(format!("cannot reach the inviter: {e}")))?;
    let (mut out, mut inp) = connection
        .open_bi()
        .await
        .map_err(|e| SyncError::Connection(e.to_string()))?;
    let request = Frame::Join {
        team: ticket.team.clone(),
        secret: ticket.secret.clone(),
        role: ticket.role.as_str().to_string(),
        name: identity.name().to_string(),
    };
    frame::send(&mut out, &request).await?;
    let answer = frame::receive(&mut inp).await;
    let _ = out.finish();
    connection.close(CLOSE_DONE.into(), b"done");
    match answer? {
        Frame::Welcome(team) => Ok(team),
        Frame::Refuse(reason) => Err(SyncError::Refused(format!("the inviter refused: {reason}"))),
        other => Err(SyncError::Malformed(format!(
            "expected Welcome, got {other:?}"
        ))),
    }
}

/// The address of the member `member` (hex device key) reachable at `addrs`.
pub fn endpoint_addr(member: &str, addrs: &[SocketAddr]) -> Result<EndpointAddr, SyncError> {
    let bad = || SyncError::Ticket(format!("`{member}` is not a device key"));
    if member.len() != 64 {
        return Err(bad());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        let pair = member.get(2 * i..2 * i + 2).ok_or_else(bad)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
    }
    let id = iroh::PublicKey::from_bytes(&key).map_err(|_| bad())?;
    let mut addr = EndpointAddr::new(id);
    for a in addrs {
        addr = addr.with_ip_addr(*a);
    }
    Ok(addr)
}

/// The address of `member` at `addrs` as text: socket addresses and relay URLs (anything
/// else is skipped).
pub fn peer_addr(member: &str, addrs: &[String]) -> Result<EndpointAddr, SyncError> {
    let sockets: Vec<SocketAddr> = addrs.iter().filter_map(|a| a.parse().ok()).collect();
    let mut addr = endpoint_addr(member, &sockets)?;
    for a in addrs.iter().filter(|a| a.parse::<SocketAddr>().is_err()) {
        if let Ok(relay) = a.parse::<RelayUrl>() {
            addr = addr.with_relay_url(relay);
        }
    }
    Ok(addr)
}

/// Accepts invites: checks the ticket against the invite record and adds the member.
#[derive(Debug, Clone)]
struct JoinHandler {
    library: Arc<Mutex<Library>>,
}

impl ProtocolHandler for JoinHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let (mut out, mut inp) = connection.accept_bi().await?;
        let member = member_of(&connection.remote_id());
        let answer = match frame::receive(&mut inp).await {
            Ok(Frame::Join {
                team,
                secret,
                role,
                name,
            }) => welcome(&self.library, &member, &team, &secret, &role, &name),
            Ok(other) => Frame::Refuse(format!("expected Join, got {other:?}")),
            Err(e) => Frame::Refuse(e.to_string()),
        };
        match &answer {
            Frame::Welcome(_) => info!(member = %short(&member), "a new member joined"),
            Frame::Refuse(reason) => info!(member = %short(&member), "invite refused: {reason}"),
            _ => {}
        }
        let _ = frame::send(&mut out, &answer).await;
        let _ = out.finish();
        let _ = tokio::time::timeout(GRACE * 5, connection.closed()).await;
        drop((out, inp));
        Ok(())
    }
}

fn welcome(
    library: &Mutex<Library>,
    member: &str,
    team: &str,
    secret: &str,
    role: &str,
    name: &str,
) -> Frame {
    let outcome = (|| -> Result<Vec<u8>, SyncError> {
        let mut lib = lock(library)?;
        if lib.team()?.id != team {
            return Err(SyncError::Refused("the ticket is for another team".into()));
        }
        let role: Role = role
            .parse()
            .map_err(|_| SyncError::Refused("the ticket names no valid role".into()))?;
        Ok(lib.accept_invite(secret, role, member, name)?)
    })();
    match outcome {
        Ok(team) => Frame::Welcome(team),
        Err(e) => Frame::Refuse(e.to_string()),
    }
}

/// Accepts Lore connections: each becomes the link with its peer (or loses to the one
/// already there) and serves the sessions the peer opens on it.
#[derive(Clone)]
struct Handler {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler").finish()
    }
}

impl ProtocolHandler for Handler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        if self.shared.adopt(&connection, false) {
            self.shared.clone().serve_link(connection).await;
        }
        Ok(())
    }
}

impl Shared {
    pub(crate) fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub(crate) fn member(&self) -> &str {
        &self.me
    }

    pub(crate) fn library(&self) -> &Mutex<Library> {
        &self.library
    }

    /// Sync with the known peers now.
    pub(crate) fn wake(&self) {
        self.changed.notify_one();
    }
}
