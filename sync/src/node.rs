//! A sync node: an iroh endpoint on the device key with a `Router` serving the sync
//! protocol (`lore/sync/3`, see `peers`) and the join protocol (`lore/join/1`, see
//! `welcome`), mDNS discovery when asked for, and the public handle on all of it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::EndpointAddr;
use iroh::protocol::Router;
use lore_core::Library;
use tracing::warn;

use crate::addr::own_addr;
use crate::discovery;
use crate::endpoint::{self, Options};
use crate::error::SyncError;
use crate::frame::{ALPN, JOIN_ALPN, NEWS_ALPN};
use crate::gate::Gate;
use crate::identity::Identity;
use crate::library::lock;
use crate::link::Connected;
use crate::news::{News, NewsStats};
use crate::peers::Peers;
use crate::session::SyncReport;
use crate::ticket::Ticket;
use crate::welcome::JoinHandler;

/// A running node.
pub struct Node {
    router: Router,
    peers: Arc<Peers>,
    news: Arc<News>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.router.endpoint().id())
            .finish()
    }
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
        let gate = Gate::default();
        let alpns = vec![ALPN.to_vec(), JOIN_ALPN.to_vec(), NEWS_ALPN.to_vec()];
        let (endpoint, lookup) = endpoint::bind(identity, &options, alpns, gate.clone()).await?;
        let news = Arc::new(News::new(&endpoint, gate, lookup));
        let library = Arc::new(Mutex::new(library));
        let peers = Arc::new(Peers::new(
            endpoint.clone(),
            library.clone(),
            options.relay.clone(),
        ));
        let router = Router::builder(endpoint.clone())
            .accept(ALPN, peers.handler())
            .accept(JOIN_ALPN, JoinHandler::new(library))
            .accept(NEWS_ALPN, news.handler())
            .spawn();
        let node = Node {
            router,
            peers,
            news,
        };
        if options.mdns {
            let task = discovery::start(&endpoint, node.peers.teammates())?;
            node.peers.keep(task);
        }
        Ok(node)
    }

    /// This node's address (id, bound sockets and relay), for peers to connect to.
    pub fn addr(&self) -> EndpointAddr {
        own_addr(self.router.endpoint(), self.peers.relay())
    }

    /// This node's member id.
    pub fn member(&self) -> String {
        self.peers.me().to_string()
    }

    /// The library, for local reads and writes while the node runs.
    pub fn library(&self) -> Arc<Mutex<Library>> {
        self.peers.library().clone()
    }

    /// Syncs with `peer` until both sides have everything, over the connection with it if
    /// there is one. If a session with it is running, waits for that to end first.
    pub async fn sync_with(&self, peer: EndpointAddr) -> Result<SyncReport, SyncError> {
        self.peers.sync_peer(peer, true).await
    }

    /// Says that the library changed here: once syncing runs, the change is announced
    /// to the team's topic (or pushed by the syncers while no teammate is on it); before,
    /// a running syncer pushes it.
    pub fn changed(&self) {
        self.on_change().changed();
    }

    /// A handle saying what [`Node::changed`] says, for what changes the library beside
    /// the node (the HTTP API).
    pub fn on_change(&self) -> OnChange {
        OnChange {
            peers: self.peers.clone(),
            news: self.news.clone(),
        }
    }

    /// How much news this node has sent and received so far.
    pub fn news_stats(&self) -> NewsStats {
        self.news.stats()
    }

    /// The peers connected now.
    pub fn connected(&self) -> Vec<Connected> {
        self.peers.connected()
    }

    /// Keeps the team in sync in the background: announcing each change made here to the
    /// team's topic, syncing with every known peer at start (and when a change cannot go as
    /// news), and every `every` with a few known peers in turn.
    pub fn start_syncing(&self, every: Duration) {
        // An interval of nothing would tick without end.
        let every = every.max(Duration::from_millis(10));
        self.peers.start_syncing(every);
        self.news.start(&self.peers, every);
    }

    /// A ticket for `invite`, pointing at this node's addresses.
    pub fn ticket(&self, invite: &lore_core::Invite) -> Result<Ticket, SyncError> {
        let team = lock(self.peers.library())?.team()?;
        let key =
            ed25519_dalek::SigningKey::from_bytes(&self.router.endpoint().secret_key().to_bytes());
        Ok(Ticket::for_invite(
            &team,
            &key,
            self.router.endpoint().bound_sockets(),
            self.peers.relay().map(ToString::to_string),
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
        self.peers.close_links();
        if let Err(e) = self.router.shutdown().await {
            warn!("a protocol handler did not stop cleanly: {e}");
        }
        self.peers.end_tasks().await;
    }
}

/// Says that the library changed here, as [`Node::changed`] does.
#[derive(Clone)]
pub struct OnChange {
    peers: Arc<Peers>,
    news: Arc<News>,
}

impl OnChange {
    /// Once syncing runs, the change is announced to the team's topic (or pushed by the
    /// syncers while no teammate is on it); before, a running syncer pushes it.
    pub fn changed(&self) {
        if self.news.running() {
            self.news.changed();
        } else {
            self.peers.changed();
        }
    }
}

impl std::fmt::Debug for OnChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnChange").finish_non_exhaustive()
    }
}
