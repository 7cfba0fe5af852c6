//! Members who can reach each other only through a relay — the team's own: a real
//! iroh-relay server in this process on 127.0.0.1, with a self-signed certificate the
//! members are told to trust (`relay_cert`). Alice listens on IPv6 loopback only and the
//! newcomer on IPv4 loopback only, so no packet passes between them directly (an IPv6
//! socket cannot send to an IPv4 address, nor the other way round) while both reach the
//! relay over TCP: the join, the first sync and a live edit all go through it.

use std::net::Ipv4Addr;
use std::time::Duration;

use iroh::RelayUrl;
use iroh_relay::server::{CertConfig, RelayConfig, Server, ServerConfig, TlsConfig};
use lore_core::Role;
use lore_sync::{Identity, Node, Options};
use lore_tests::eventually_async;

use crate::peers::{invite, retitle};

/// A relay on 127.0.0.1 with a self-signed certificate: the server, its URL and the
/// certificate (DER) to trust.
async fn team_relay() -> (Server, RelayUrl, Vec<Vec<u8>>) {
    let (certs, server_config) = iroh_relay::server::testing::self_signed_tls_certs_and_config();
    let mut relay = RelayConfig::new((Ipv4Addr::LOCALHOST, 0));
    relay.tls = Some(TlsConfig::new(
        (Ipv4Addr::LOCALHOST, 0),
        CertConfig::Manual { server_config },
    ));
    let mut config = ServerConfig::default();
    config.relay = Some(relay);
    let server = Server::spawn(config).await.expect("relay server");
    let addr = server.https_addr().expect("https");
    let url: RelayUrl = format!("https://{addr}").parse().expect("url");
    let certs = certs.into_iter().map(|c| c.to_vec()).collect();
    (server, url, certs)
}

fn options(bind: &str, relay: &RelayUrl, certs: &[Vec<u8>]) -> Options {
    Options {
        relay: Some(relay.clone()),
        relay_certs: certs.to_vec(),
        ..Options::direct(bind.parse().expect("addr"))
    }
}

/// Waits until `node` is connected to its relay (its address names it).
async fn on_relay(node: &Node, relay: &RelayUrl) {
    eventually_async(
        Duration::from_secs(20),
        "connected to the relay",
        || async move { node.addr().relay_urls().any(|u| u == relay).then_some(()) },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_who_reach_each_other_only_through_the_teams_relay_join_sync_and_edit() {
    let (_server, relay, certs) = team_relay().await;
    let root = tempfile::tempdir().expect("tempdir");

    let dir = root.path().join("alice");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let identity = Identity::load_or_create(&dir, Some("alice")).expect("identity");
    let library = lore_core::Library::open(&dir, identity.writer()).expect("library");
    let alice = Node::start(library, &identity, options("[::1]:0", &relay, &certs))
        .await
        .expect("alice");
    lore_core::demo::load(&mut alice.library().lock().expect("lock"), &mut |_, _| {})
        .expect("demo");
    on_relay(&alice, &relay).await;

    // The ticket carries Alice's direct address (IPv6, out of the newcomer's reach) and
    // the relay.
    let ticket = invite(&alice, Role::Agent, 3_600_000);
    assert_eq!(ticket.relay.as_ref(), Some(&relay.to_string()));
    let dir = root.path().join("bob");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let identity = Identity::load_or_create(&dir, Some("bob")).expect("identity");
    let (bob, report) = tokio::time::timeout(
        Duration::from_secs(60),
        lore_sync::join(
            &ticket,
            &dir,
            &identity,
            options("127.0.0.1:0", &relay, &certs),
        ),
    )
    .await
    .expect("the join finishes through the relay")
    .expect("join");
    assert!(report.whole > 32, "the library came whole: {report:?}");
    let ids = |n: &Node| n.library().lock().expect("lock").ids();
    assert_eq!(ids(&bob), ids(&alice));
    let via = bob
        .connected()
        .into_iter()
        .find(|c| c.member == alice.member())
        .and_then(|c| c.addr);
    assert_eq!(
        via,
        Some(format!("Relay({relay})")),
        "the link runs over the relay"
    );

    // A live edit reaches the other side through the relay.
    alice.start_syncing(Duration::from_secs(3600));
    bob.start_syncing(Duration::from_secs(3600));
    retitle(&alice, "faq-refund-timeline", "退款多久到账（经中继）");
    eventually_async(Duration::from_secs(30), "the edit arrives", || async {
        let title = bob
            .library()
            .lock()
            .expect("lock")
            .get("faq-refund-timeline")
            .expect("entry")
            .title;
        (title == "退款多久到账（经中继）").then_some(())
    })
    .await;
    bob.shutdown().await;
    alice.shutdown().await;
}
