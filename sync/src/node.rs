//! A sync node: an iroh endpoint on the device key, accepting and opening connections on
//! the Lore ALPN, and the symmetric session both sides of a connection run.
//!
//! Session: Hello (team id) → the peer must be an active member of our roster, else we
//! refuse before anything else is sent → the team document is synced (roster changes
//! travel first) and the peer checked again → digests are exchanged → only the documents
//! that differ run automerge sync, in rounds where both sides send a batch of messages
//! and read the other's at the same time → Bye.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use iroh::endpoint::{Connection, RecvStream, SendStream, presets};
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh::{Endpoint, EndpointAddr, SecretKey};
use lore_core::Library;

use crate::frame::{self, Frame};
use crate::{Identity, SyncError};

/// The ALPN of the Lore sync protocol.
pub const ALPN: &[u8] = b"lore/sync/1";
const TEAM_KEY: &str = "team";

/// What one session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The peer's member id.
    pub peer: String,
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
        let secret = SecretKey::from_bytes(&identity.secret_bytes());
        let endpoint = Endpoint::builder(presets::Minimal)
            .secret_key(secret)
            .clear_ip_transports()
            .bind_addr(bind)
            .map_err(|e| SyncError::Endpoint(e.to_string()))?
            .alpns(vec![ALPN.to_vec()])
            .bind()
            .await
            .map_err(|e| SyncError::Endpoint(e.to_string()))?;
        let library = Arc::new(Mutex::new(library));
        let handler = Handler {
            library: library.clone(),
        };
        let router = Router::builder(endpoint).accept(ALPN, handler).spawn();
        Ok(Node { router, library })
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
        let connection = self
            .router
            .endpoint()
            .connect(peer, ALPN)
            .await
            .map_err(|e| SyncError::Connection(e.to_string()))?;
        let (mut send, mut recv) = connection
            .open_bi()
            .await
            .map_err(|e| SyncError::Connection(e.to_string()))?;
        let outcome = session(&self.library, &connection, &mut send, &mut recv).await;
        connection.close(0u32.into(), b"done");
        outcome
    }

    /// Stops accepting and closes every connection.
    pub async fn shutdown(self) {
        let _ = self.router.shutdown().await;
    }
}

#[derive(Debug, Clone)]
struct Handler {
    library: Arc<Mutex<Library>>,
}

impl ProtocolHandler for Handler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let (mut send, mut recv) = connection.accept_bi().await?;
        // A refused or failed session closes this connection only; the node goes on. The
        // streams stay open until the peer closes, so our last frames are read.
        let _ = session(&self.library, &connection, &mut send, &mut recv).await;
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
    out: &mut SendStream,
    inp: &mut RecvStream,
) -> Result<SyncReport, SyncError> {
    let peer = member_of(&connection.remote_id());
    let mut report = SyncReport {
        peer: peer.clone(),
        ..SyncReport::default()
    };
    let result = run(library, &peer, out, inp, &mut report).await;
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
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let team = lock(library)?.team()?;
    say(
        out,
        &Frame::Hello {
            team: team.id.clone(),
        },
        &mut report.bytes_sent,
    )
    .await?;
    let hello = receive(inp, &mut report.bytes_received).await?;
    match hello {
        Frame::Hello { team: theirs } if theirs == team.id => {}
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
    }
    check_member(library, peer)?;
    // The team document first: roster changes (a removal, a new role) apply before content.
    exchange(library, peer, &[TEAM_KEY.to_string()], out, inp, report).await?;
    check_member(library, peer)?;
    let digest = lock(library)?.digest()?;
    say(out, &Frame::Digest(digest), &mut report.bytes_sent).await?;
    let theirs = match receive(inp, &mut report.bytes_received).await? {
        Frame::Digest(d) => d,
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Digest, got {other:?}"
            )));
        }
    };
    let keys = lock(library)?.differing(&theirs)?;
    exchange(library, peer, &keys, out, inp, report).await?;
    report.documents += keys.len();
    // Both say Bye and read the other's, so neither stops reading while the other writes.
    let mut sent = 0;
    let mut got = 0;
    let (sending, receiving) =
        tokio::join!(say(out, &Frame::Bye, &mut sent), receive(inp, &mut got));
    report.bytes_sent += sent;
    report.bytes_received += got;
    sending?;
    match receiving? {
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

/// Rounds of sync messages for `keys` until neither side has anything to say.
async fn exchange(
    library: &Mutex<Library>,
    peer: &str,
    keys: &[String],
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    lock(library)?.begin_sync(peer);
    loop {
        let mut batch = Vec::new();
        {
            let mut lib = lock(library)?;
            for key in keys {
                if let Some(message) = lib.sync_message(peer, key)? {
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
        {
            let mut lib = lock(library)?;
            for (key, message) in theirs {
                if !keys.contains(&key) {
                    return Err(SyncError::Malformed(format!(
                        "a message for {key}, which is not being synced"
                    )));
                }
                lib.receive_sync(peer, &key, &message)?;
            }
        }
        if ours_empty && theirs_empty {
            return Ok(());
        }
    }
}
