//! The gossip engine alone: iroh-gossip on bare endpoints on 127.0.0.1, nothing of Lore on
//! either end (no library, no signature, no store), timed as `lore-bench sync` times Lore's
//! news — one peer, then a 10-peer mesh joined through its first peer. What a message costs
//! the engine on this machine is the floor under Lore's own mesh figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use futures_util::StreamExt as _;
use iroh::address_lookup::MemoryLookup;
use iroh::endpoint::presets;
use iroh::protocol::Router;
use iroh_gossip::api::{Event, GossipSender};
use iroh_gossip::{Gossip, TopicId};

use crate::measure::{percentile, settled, watch};

/// One bare peer on the topic, counting what it hears.
struct Peer {
    router: Router,
    sender: GossipSender,
    received: Arc<AtomicU64>,
    neighbours: Arc<AtomicUsize>,
}

/// What the engine measured: one peer's p50, and each message's time to reach every
/// peer of the mesh.
pub(crate) struct Alone {
    pub(crate) one_peer_p50: Duration,
    pub(crate) mesh: Vec<Duration>,
}

/// Measures one peer (10 messages) and a mesh of `size` (the first two messages while its
/// broadcast tree forms, then 20).
pub(crate) async fn measure(size: usize) -> Result<Alone> {
    let mut pair = peers(2, 1).await?;
    let mut one_peer = rounds(&pair, 0, 10).await?;
    shutdown(pair.drain(..)).await;
    let mesh = peers(size, 101).await?;
    let times = rounds(&mesh, 2, 20).await?;
    shutdown(mesh.into_iter()).await;
    Ok(Alone {
        one_peer_p50: percentile(&mut one_peer, 50),
        mesh: times,
    })
}

async fn shutdown(peers: impl Iterator<Item = Peer>) {
    for p in peers {
        let _ = p.router.shutdown().await;
    }
}

/// `size` peers on one topic, each but the first joining through the first, once every
/// peer has a neighbour and none's neighbours changed for a second.
async fn peers(size: usize, seed: u8) -> Result<Vec<Peer>> {
    let mut endpoints = Vec::with_capacity(size);
    for i in 0..size {
        let key = iroh::SecretKey::from_bytes(&[seed.wrapping_add(i as u8); 32]);
        let endpoint = iroh::Endpoint::builder(presets::Minimal)
            .secret_key(key)
            .clear_ip_transports()
            .bind_addr("127.0.0.1:0".parse::<std::net::SocketAddr>()?)?
            .bind()
            .await
            .context("binding a bare endpoint")?;
        endpoints.push(endpoint);
    }
    let lookup = MemoryLookup::new();
    for e in &endpoints {
        lookup.add_endpoint_info(e.addr());
    }
    let topic = TopicId::from_bytes([seed; 32]);
    let first = endpoints[0].id();
    let mut peers = Vec::with_capacity(size);
    for endpoint in endpoints {
        endpoint.address_lookup()?.add(lookup.clone());
        let gossip = Gossip::builder().spawn(endpoint.clone());
        let router = Router::builder(endpoint.clone())
            .accept(iroh_gossip::ALPN, gossip.clone())
            .spawn();
        let bootstrap = if endpoint.id() == first {
            vec![]
        } else {
            vec![first]
        };
        let (sender, mut receiver) = gossip.subscribe(topic, bootstrap).await?.split();
        let received = Arc::new(AtomicU64::new(0));
        let neighbours = Arc::new(AtomicUsize::new(0));
        let (r, n) = (received.clone(), neighbours.clone());
        tokio::spawn(async move {
            while let Some(Ok(event)) = receiver.next().await {
                match event {
                    Event::Received(_) => {
                        r.fetch_add(1, Ordering::SeqCst);
                    }
                    Event::NeighborUp(_) => {
                        n.fetch_add(1, Ordering::SeqCst);
                    }
                    Event::NeighborDown(_) => {
                        n.fetch_sub(1, Ordering::SeqCst);
                    }
                    Event::Lagged => {}
                }
            }
        });
        peers.push(Peer {
            router,
            sender,
            received,
            neighbours,
        });
    }
    settled(
        || {
            peers
                .iter()
                .map(|p| p.neighbours.load(Ordering::SeqCst))
                .collect()
        },
        1,
        "the bare gossip peers",
    )
    .await?;
    Ok(peers)
}

/// Broadcasts `forming + measured` messages of the size of one edit's news, from one peer
/// after another, 300 ms apart; the time each takes to reach every other peer (noticed to
/// within ~0.1 ms, as Lore's arrivals are), without the first `forming`.
async fn rounds(peers: &[Peer], forming: usize, measured: usize) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(measured);
    for round in 0..forming + measured {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let from = round % peers.len();
        let before: Vec<u64> = peers
            .iter()
            .map(|p| p.received.load(Ordering::SeqCst))
            .collect();
        // Distinct bytes each time: the engine knows a message by its content.
        let mut content = vec![0u8; 400];
        content[..8].copy_from_slice(&(round as u64).to_le_bytes());
        let started = Instant::now();
        peers[from].sender.broadcast(content.into()).await?;
        let took = watch(started, Duration::from_secs(30), || {
            peers
                .iter()
                .enumerate()
                .all(|(i, p)| i == from || p.received.load(Ordering::SeqCst) > before[i])
        })
        .context("a message of the bare gossip mesh did not reach every peer within 30 s")?;
        if round >= forming {
            times.push(took);
        }
    }
    Ok(times)
}
