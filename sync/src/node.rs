//! A sync node: an iroh endpoint on the device key, accepting and opening connections on
//! the Lore ALPN, and the symmetric session both sides of a connection run.
//!
//! Session: Hello (team id) → the peer must be an active member of our roster, else we
//! refuse before anything else is sent → the team document is synced (roster changes
//! travel first) and the peer checked again → digests are exchanged → only the documents
//! that differ run automerge sync, in rounds where both sides send a batch of messages
//! and read the other's at the same time → Bye.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use iroh::endpoint::{Connection, RecvStream, SendStream, presets};
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh::{Endpoint, EndpointAddr, SecretKey};
use lore_core::{Library, Role};

use crate::frame::{self, Frame};
use crate::{Identity, SyncError, Ticket};

/// The ALPN of the Lore sync protocol.
pub const ALPN: &[u8] = b"lore/sync/1";
/// The ALPN on which a new member presents an invite.
pub const JOIN_ALPN: &[u8] = b"lore/join/1";
const TEAM_KEY: &str = "team";

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

/// A running node.
pub struct Node {
    router: Router,
    library: Arc<Mutex<Library>>,
    changed: Arc<tokio::sync::Notify>,
    syncer: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.router.endpoint().id())
            .finish()
    }
}

/// The member id of an endpoint: its public key, hex.
pub fn member_of(id: &iroh::EndpointId) -> String {
    id.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

impl Node {
    /// Starts a node for `library`, listening on `bind` (e.g. 127.0.0.1:0). No relay and no
    /// address lookup service: peers are reached at the addresses they are given.
    pub async fn start(
        library: Library,
        identity: &Identity,
        bind: SocketAddr,
    ) -> Result<Node, SyncError> {
        let endpoint = endpoint(identity, bind, vec![ALPN.to_vec(), JOIN_ALPN.to_vec()]).await?;
        let library = Arc::new(Mutex::new(library));
        let handler = Handler {
            library: library.clone(),
            listening: listening(&endpoint),
        };
        let router = Router::builder(endpoint)
            .accept(ALPN, handler)
            .accept(
                JOIN_ALPN,
                JoinHandler {
                    library: library.clone(),
                },
            )
            .spawn();
        Ok(Node {
            router,
            library,
            changed: Arc::new(tokio::sync::Notify::new()),
            syncer: Mutex::new(None),
        })
    }

    /// This node's address (id and bound sockets), for peers to connect to.
    pub fn addr(&self) -> EndpointAddr {
        let endpoint = self.router.endpoint();
        let mut addr = EndpointAddr::new(endpoint.id());
        for socket in endpoint.bound_sockets() {
            addr = addr.with_ip_addr(socket);
        }
        addr
    }

    /// This node's member id.
    pub fn member(&self) -> String {
        member_of(&self.router.endpoint().id())
    }

    /// The library, for local reads and writes while the node runs.
    pub fn library(&self) -> Arc<Mutex<Library>> {
        self.library.clone()
    }

    /// Connects to `peer` and syncs with it until both sides have everything.
    pub async fn sync_with(&self, peer: EndpointAddr) -> Result<SyncReport, SyncError> {
        sync_with(self.router.endpoint(), &self.library, peer).await
    }

    /// Says that the library changed here: a running syncer pushes it to peers at once.
    pub fn changed(&self) {
        self.changed.notify_one();
    }

    /// Keeps the team in sync in the background: with every known peer at once when the
    /// library changes here, and every `every` otherwise.
    pub fn start_syncing(&self, every: std::time::Duration) {
        let endpoint = self.router.endpoint().clone();
        let library = self.library.clone();
        let changed = self.changed.clone();
        let task = tokio::spawn(async move {
            loop {
                for (peer, outcome) in sync_known_peers(&endpoint, &library).await {
                    match outcome {
                        Ok(r) if r.documents > 0 => {
                            eprintln!("synced {} documents with {}", r.documents, short(&peer));
                        }
                        Ok(_) => {}
                        Err(e) => eprintln!("sync with {} failed: {e}", short(&peer)),
                    }
                }
                tokio::select! {
                    () = changed.notified() => {}
                    () = tokio::time::sleep(every) => {}
                }
            }
        });
        if let Ok(mut slot) = self.syncer.lock()
            && let Some(old) = slot.replace(task)
        {
            old.abort();
        }
    }

    /// A ticket for `invite`, pointing at this node's addresses.
    pub fn ticket(&self, invite: &lore_core::Invite) -> Result<Ticket, SyncError> {
        let team = lock(&self.library)?.team()?;
        Ok(Ticket {
            team: team.id,
            team_name: team.name,
            inviter: self.member(),
            addrs: self.router.endpoint().bound_sockets(),
            role: invite.role,
            secret: invite.secret.clone(),
            expires_at: invite.expires_at,
        })
    }

    /// Stops syncing and accepting, and closes every connection.
    pub async fn shutdown(self) {
        if let Ok(mut slot) = self.syncer.lock()
            && let Some(task) = slot.take()
        {
            task.abort();
        }
        let _ = self.router.shutdown().await;
    }
}

/// Where `endpoint` listens, as text.
fn listening(endpoint: &Endpoint) -> Vec<String> {
    endpoint
        .bound_sockets()
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn short(member: &str) -> String {
    member.chars().take(12).collect()
}

async fn sync_with(
    endpoint: &Endpoint,
    library: &Mutex<Library>,
    peer: EndpointAddr,
) -> Result<SyncReport, SyncError> {
    let addrs: Vec<String> = peer.ip_addrs().map(ToString::to_string).collect();
    let connection = endpoint
        .connect(peer, ALPN)
        .await
        .map_err(|e| SyncError::Connection(e.to_string()))?;
    let (mut send, mut recv) = connection
        .open_bi()
        .await
        .map_err(|e| SyncError::Connection(e.to_string()))?;
    let ours = listening(endpoint);
    let outcome = session(library, &connection, &ours, true, &mut send, &mut recv).await;
    connection.close(0u32.into(), b"done");
    if let Ok(report) = &outcome {
        lock(library)?.remember_peer(&report.peer, addrs)?;
    }
    outcome
}

async fn sync_known_peers(
    endpoint: &Endpoint,
    library: &Arc<Mutex<Library>>,
) -> Vec<(String, Result<SyncReport, SyncError>)> {
    let peers = match lock(library).and_then(|l| Ok(l.known_peers()?)) {
        Ok(peers) => peers,
        Err(e) => return vec![(String::new(), Err(e))],
    };
    // All peers at once: a change reaches the whole team in one session's time.
    let mut sessions = tokio::task::JoinSet::new();
    for peer in peers {
        let endpoint = endpoint.clone();
        let library = library.clone();
        sessions.spawn(async move {
            let addrs: Vec<SocketAddr> = peer.addrs.iter().filter_map(|a| a.parse().ok()).collect();
            let outcome = match endpoint_addr(&peer.member, &addrs) {
                Ok(addr) => sync_with(&endpoint, &library, addr).await,
                Err(e) => Err(e),
            };
            (peer.member, outcome)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = sessions.join_next().await {
        if let Ok(outcome) = joined {
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// An endpoint on the device key, with no relay and no address lookup service.
async fn endpoint(
    identity: &Identity,
    bind: SocketAddr,
    alpns: Vec<Vec<u8>>,
) -> Result<Endpoint, SyncError> {
    Endpoint::builder(presets::Minimal)
        .secret_key(SecretKey::from_bytes(&identity.secret_bytes()))
        .clear_ip_transports()
        .bind_addr(bind)
        .map_err(|e| SyncError::Endpoint(e.to_string()))?
        .alpns(alpns)
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
    bind: SocketAddr,
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
    let inviter = inviter_addr(ticket)?;
    let endpoint = endpoint(identity, bind, Vec::new()).await?;
    let welcome = present(&endpoint, &inviter, ticket, identity).await;
    endpoint.close().await;
    let team_document = welcome?;
    let library = Library::join(dir, identity.writer(), &team_document)?;
    let node = Node::start(library, identity, bind).await?;
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
    connection.close(0u32.into(), b"done");
    match answer? {
        Frame::Welcome(team) => Ok(team),
        Frame::Refuse(reason) => Err(SyncError::Refused(format!("the inviter refused: {reason}"))),
        other => Err(SyncError::Malformed(format!(
            "expected Welcome, got {other:?}"
        ))),
    }
}

fn inviter_addr(ticket: &Ticket) -> Result<EndpointAddr, SyncError> {
    endpoint_addr(&ticket.inviter, &ticket.addrs)
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
        let _ = frame::send(&mut out, &answer).await;
        let _ = out.finish();
        connection.closed().await;
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

#[derive(Debug, Clone)]
struct Handler {
    library: Arc<Mutex<Library>>,
    /// Where this node listens, for the Hello.
    listening: Vec<String>,
}

impl ProtocolHandler for Handler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let (mut send, mut recv) = connection.accept_bi().await?;
        // A refused or failed session closes this connection only; the node goes on. The
        // streams stay open until the peer closes, so our last frames are read.
        // Where the peer is: what it says in its Hello, with an unspecified IP replaced by
        // the one it was seen at.
        let seen: Option<std::net::IpAddr> =
            connection
                .paths()
                .iter()
                .find_map(|p| match p.remote_addr() {
                    iroh::TransportAddr::Ip(a) => Some(a.ip()),
                    _ => None,
                });
        let outcome = session(
            &self.library,
            &connection,
            &self.listening,
            false,
            &mut send,
            &mut recv,
        )
        .await;
        if let Ok(report) = outcome {
            let addrs: Vec<String> = report
                .peer_addrs
                .iter()
                .filter_map(|a| a.parse::<SocketAddr>().ok())
                .filter_map(|a| match (a.ip().is_unspecified(), seen) {
                    (false, _) => Some(a),
                    (true, Some(ip)) => Some(SocketAddr::new(ip, a.port())),
                    (true, None) => None,
                })
                .map(|a| a.to_string())
                .collect();
            if !addrs.is_empty()
                && let Ok(mut library) = self.library.lock()
            {
                let _ = library.remember_peer(&report.peer, addrs);
            }
        }
        connection.closed().await;
        drop((send, recv));
        Ok(())
    }
}

fn lock(library: &Mutex<Library>) -> Result<std::sync::MutexGuard<'_, Library>, SyncError> {
    library
        .lock()
        .map_err(|_| SyncError::Library("the library lock was poisoned".into()))
}

/// Sends a frame and counts it.
async fn say(out: &mut SendStream, frame: &Frame, sent: &mut usize) -> Result<(), SyncError> {
    *sent += frame.encode().len() + 4;
    frame::send(out, frame).await
}

/// Both sides run this on their end of the stream.
async fn session(
    library: &Mutex<Library>,
    connection: &Connection,
    ours: &[String],
    dialled: bool,
    out: &mut SendStream,
    inp: &mut RecvStream,
) -> Result<SyncReport, SyncError> {
    let peer = member_of(&connection.remote_id());
    let mut report = SyncReport {
        peer: peer.clone(),
        ..SyncReport::default()
    };
    let result = run(library, &peer, ours, dialled, out, inp, &mut report).await;
    if let Err(e) = &result
        && !matches!(e, SyncError::Refused(r) if r.starts_with("the peer refused"))
    {
        // Tell the peer why; what was stored before stays.
        let _ = frame::send(out, &Frame::Refuse(e.to_string())).await;
    }
    let _ = out.finish();
    result.map(|()| report)
}

async fn run(
    library: &Mutex<Library>,
    peer: &str,
    ours: &[String],
    dialled: bool,
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let (team, team_heads, documents) = {
        let mut lib = lock(library)?;
        let digest = lib.digest()?;
        (
            lib.team()?,
            digest.get(TEAM_KEY).cloned().unwrap_or_default(),
            digest.len() as u64,
        )
    };
    let hello = Frame::Hello {
        team: team.id.clone(),
        addrs: ours.to_vec(),
        team_heads: team_heads.clone(),
        documents,
    };
    say(out, &hello, &mut report.bytes_sent).await?;
    let (their_team_heads, their_documents) = match receive(inp, &mut report.bytes_received).await?
    {
        Frame::Hello {
            team: theirs,
            addrs,
            team_heads,
            documents,
        } if theirs == team.id => {
            report.peer_addrs = addrs;
            (team_heads, documents)
        }
        Frame::Hello { .. } => {
            return Err(SyncError::Refused(
                "the peer belongs to another team".into(),
            ));
        }
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Hello, got {other:?}"
            )));
        }
    };
    check_member(library, peer)?;
    // The team document first: roster changes (a removal, a new role) apply before content.
    if their_team_heads != team_heads {
        exchange(library, peer, &[TEAM_KEY.to_string()], out, inp, report).await?;
        check_member(library, peer)?;
    }
    let keys =
        differing_documents(library, documents.max(their_documents), out, inp, report).await?;
    exchange(library, peer, &keys, out, inp, report).await?;
    report.documents += keys.len();
    // The last exchange is ordered: the dialling side says Bye, the accepting side reads it
    // and answers Bye as its last act, and the dialling side closes only after reading
    // that. So nobody is mid-read when the connection closes (QUIC drops unread data).
    let mut sent = 0;
    let mut got = 0;
    let theirs = if dialled {
        say(out, &Frame::Bye, &mut sent).await?;
        receive(inp, &mut got).await?
    } else {
        let theirs = receive(inp, &mut got).await?;
        say(out, &Frame::Bye, &mut sent).await?;
        theirs
    };
    report.bytes_sent += sent;
    report.bytes_received += got;
    match theirs {
        Frame::Bye => Ok(()),
        other => Err(SyncError::Malformed(format!("expected Bye, got {other:?}"))),
    }
}

async fn receive(inp: &mut RecvStream, received: &mut usize) -> Result<Frame, SyncError> {
    let frame = frame::receive(inp).await?;
    *received += frame.encode().len() + 4;
    match frame {
        Frame::Refuse(reason) => Err(SyncError::Refused(format!("the peer refused: {reason}"))),
        frame => Ok(frame),
    }
}

/// The peer must be on our roster and not removed.
fn check_member(library: &Mutex<Library>, peer: &str) -> Result<(), SyncError> {
    let team = lock(library)?.team()?;
    match team.members.get(peer) {
        Some(m) if !m.removed => Ok(()),
        Some(_) => Err(SyncError::Refused(format!(
            "{peer} was removed from the team"
        ))),
        None => Err(SyncError::Refused(format!(
            "{peer} is not a member of the team"
        ))),
    }
}

/// Both sides send a frame and read the other's at once.
async fn swap(
    out: &mut SendStream,
    inp: &mut RecvStream,
    ours: &Frame,
    report: &mut SyncReport,
) -> Result<Frame, SyncError> {
    let mut sent = 0;
    let mut got = 0;
    let (sending, receiving) = tokio::join!(say(out, ours, &mut sent), receive(inp, &mut got));
    report.bytes_sent += sent;
    report.bytes_received += got;
    sending?;
    receiving
}

/// Children per node of the digest tree (4 bits of a key's hash per level).
const FANOUT: u64 = 16;
/// The most levels of the digest tree (16^4 = 65,536 leaves: a handful of documents each
/// in a library of 100,000).
const MAX_LEVELS: u32 = 4;

/// Levels enough for about four documents per leaf in the larger of the two libraries
/// (both sides compute the same from the counts in their Hellos).
fn levels_for(documents: u64) -> u32 {
    (1..MAX_LEVELS)
        .find(|&l| FANOUT.pow(l) * 4 >= documents)
        .unwrap_or(MAX_LEVELS)
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv64(bytes: impl IntoIterator<Item = u8>, mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The leaf of a digest tree of `levels` a document key falls in.
fn leaf(key: &str, levels: u32) -> u64 {
    fnv64(key.bytes(), FNV_START) % FANOUT.pow(levels)
}

/// Finds the documents whose heads differ by walking the digest tree together: at each
/// level both sides send the hashes of the children of the nodes that still differ, so the
/// bytes grow with how much differs, not with the library. At the leaves that differ, the
/// documents' heads are compared.
async fn differing_documents(
    library: &Mutex<Library>,
    documents: u64,
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<Vec<String>, SyncError> {
    let levels = levels_for(documents);
    let digest = lock(library)?.digest()?;
    let leaves: Vec<(u64, &String, &Vec<u8>)> = digest
        .iter()
        .map(|(k, v)| (leaf(k, levels), k, v))
        .collect();
    // Nodes that still differ at the level above; the root, to begin with.
    let mut differing: Vec<u64> = vec![0];
    for level in 1..=levels {
        let children: Vec<u64> = differing
            .iter()
            .flat_map(|&parent| (0..FANOUT).map(move |c| parent * FANOUT + c))
            .collect();
        let mut hashes = vec![FNV_START; children.len()];
        for (l, k, v) in &leaves {
            let node = l / FANOUT.pow(levels - level);
            if let Ok(i) = children.binary_search(&node) {
                hashes[i] = fnv64(k.bytes().chain([0]).chain(v.iter().copied()), hashes[i]);
            }
        }
        let theirs = match swap(out, inp, &Frame::Hashes(hashes.clone()), report).await? {
            Frame::Hashes(h) if h.len() == hashes.len() => h,
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected {} digest hashes, got {other:?}",
                    hashes.len()
                )));
            }
        };
        differing = children
            .iter()
            .zip(hashes.iter().zip(&theirs))
            .filter(|(_, (a, b))| a != b)
            .map(|(node, _)| *node)
            .collect();
        if differing.is_empty() {
            return Ok(Vec::new());
        }
    }
    let ours: lore_core::Digest = leaves
        .iter()
        .filter(|(l, _, _)| differing.binary_search(l).is_ok())
        .map(|(_, k, v)| ((*k).clone(), (*v).clone()))
        .collect();
    let theirs = match swap(out, inp, &Frame::Digest(ours.clone()), report).await? {
        Frame::Digest(d) => d,
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Digest, got {other:?}"
            )));
        }
    };
    if theirs
        .keys()
        .any(|k| differing.binary_search(&leaf(k, levels)).is_err())
    {
        return Err(SyncError::Malformed(
            "a digest entry outside the leaves asked for".into(),
        ));
    }
    let mut keys: Vec<String> = ours
        .iter()
        .filter(|(k, h)| theirs.get(*k) != Some(*h))
        .map(|(k, _)| k.clone())
        .chain(theirs.keys().filter(|k| !ours.contains_key(*k)).cloned())
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Rounds of sync messages for `keys` until neither side has anything to say.
async fn exchange(
    library: &Mutex<Library>,
    peer: &str,
    keys: &[String],
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut session = lock(library)?.begin_sync(peer);
    loop {
        let mut batch = Vec::new();
        {
            let mut lib = lock(library)?;
            for key in keys {
                if let Some(message) = lib.sync_message(&mut session, key)? {
                    batch.push((key.clone(), message));
                }
            }
        }
        let ours_empty = batch.is_empty();
        let mut sent = 0;
        let mut got = 0;
        let ours = Frame::Batch(batch);
        // Both sides send and read at once: neither can block the other on flow control.
        let (sending, receiving) = tokio::join!(say(out, &ours, &mut sent), receive(inp, &mut got));
        report.bytes_sent += sent;
        report.bytes_received += got;
        sending?;
        let theirs = match receiving? {
            Frame::Batch(items) => items,
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected a Batch, got {other:?}"
                )));
            }
        };
        let theirs_empty = theirs.is_empty();
        if let Some((key, _)) = theirs.iter().find(|(k, _)| !keys.contains(k)) {
            return Err(SyncError::Malformed(format!(
                "a message for {key}, which is not being synced"
            )));
        }
        // One durable transaction for the whole round.
        lock(library)?.receive_batch(&mut session, &theirs)?;
        if ours_empty && theirs_empty {
            return Ok(());
        }
    }
}
