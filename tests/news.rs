//! The team's news over iroh-gossip, between real iroh endpoints on 127.0.0.1: an edit
//! announced once reaches a teammate its author never had a session with, and neither a
//! stranger who knows the topic nor a member removed while on it learns anything from it.

use std::time::Duration;

use futures_util::StreamExt;
use iroh::address_lookup::MemoryLookup;
use iroh::endpoint::presets;
use iroh::protocol::Router;
use iroh_gossip::Gossip;
use iroh_gossip::api::Event;
use lore_core::Role;
use lore_core::credit::Period;
use lore_sync::{NEWS_ALPN, Node, topic_of};
use lore_tests::eventually_async;

use crate::peers::{alice, invited, last_sync, retitle, retitle_unannounced};

const ID: &str = "faq-refund-timeline";

fn title(node: &Node) -> String {
    node.library()
        .lock()
        .expect("lock")
        .get(ID)
        .expect("get")
        .title
}

/// Waits until entry [`ID`]'s title on `node` has `word`.
async fn until_titled(node: &Node, word: &str, what: &str) {
    eventually_async(Duration::from_secs(20), what, || async move {
        title(node).contains(word).then_some(())
    })
    .await;
}

/// Alice with the demo library, and Bob, an agent she invited, who has synced with her.
pub(crate) async fn alice_and_bob(root: &std::path::Path) -> (Node, Node) {
    let alice = alice(root).await;
    let bob = invited(root, &alice, "bob", Role::Agent).await;
    bob.sync_with(alice.addr()).await.expect("bob ← alice");
    (alice, bob)
}

fn team_id(node: &Node) -> String {
    node.library()
        .lock()
        .expect("lock")
        .team()
        .expect("team")
        .id
}

/// Waits until every node has at least as many neighbours on the topic as asked.
pub(crate) async fn neighbours(nodes: &[(&Node, usize)]) {
    eventually_async(
        Duration::from_secs(30),
        "the team's topic to connect everyone",
        || async move {
            nodes
                .iter()
                .all(|(n, least)| n.news_stats().neighbours >= *least)
                .then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_announced_once_reaches_a_teammate_its_author_never_dialled() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let carol = invited(root.path(), &alice, "carol", Role::Agent).await;
    // Bob knows Alice, Carol knows only Bob: no session ever runs between Alice and Carol.
    bob.sync_with(alice.addr()).await.expect("bob ← alice");
    carol.sync_with(bob.addr()).await.expect("carol ← bob");
    // Syncers that would not run again for an hour: whatever reaches Carol is news.
    for n in [&alice, &bob, &carol] {
        n.start_syncing(Duration::from_secs(3600));
    }
    neighbours(&[(&alice, 1), (&bob, 2), (&carol, 1)]).await;

    retitle(&alice, ID, "退款多久到账（gossiprule 节假日顺延）");
    until_titled(&carol, "gossiprule", "the edit to reach Carol").await;
    assert_eq!(title(&carol), title(&alice), "the same document on both");
    assert!(last_sync(&carol, &alice).is_none() && last_sync(&alice, &carol).is_none());
    let told = alice.news_stats();
    assert_eq!(told.announced, 1, "one announcement: {told:?}");
    assert!(carol.news_stats().taken >= 1);
    // Taken in as any change is: checked, stored, indexed.
    let hits = carol
        .library()
        .lock()
        .expect("lock")
        .search(&lore_core::SearchRequest {
            text: "gossiprule".into(),
            limit: 1,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(hits.first().map(|h| h.id.as_str()), Some(ID));
    for n in [carol, bob, alice] {
        n.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_on_the_topic_and_a_member_removed_while_on_it_learn_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let dave = invited(root.path(), &alice, "dave", Role::Agent).await;
    bob.sync_with(alice.addr()).await.expect("bob ← alice");
    dave.sync_with(alice.addr()).await.expect("dave ← alice");
    let topic = topic_of(&team_id(&alice));

    // All three on the topic: Dave hears news like anyone.
    for n in [&alice, &bob, &dave] {
        n.start_syncing(Duration::from_secs(3600));
    }
    neighbours(&[(&alice, 2), (&bob, 1), (&dave, 1)]).await;
    retitle(&alice, ID, "退款多久到账（openrule 节假日顺延）");
    until_titled(&dave, "openrule", "the first edit to reach Dave").await;

    // Dave is removed while connected: Alice's and then Bob's news connections with him
    // close as each reads the new roster.
    alice
        .library()
        .lock()
        .expect("lock")
        .remove_member(&dave.member())
        .expect("remove");
    alice.changed();
    let (b, gone) = (&bob, dave.member());
    eventually_async(
        Duration::from_secs(20),
        "Bob to learn Dave is removed",
        || {
            let gone = gone.clone();
            async move {
                let team = b.library().lock().expect("lock").team().expect("team");
                team.members
                    .get(&gone)
                    .is_some_and(|m| m.removed)
                    .then_some(())
            }
        },
    )
    .await;
    // A stranger who knows the topic and where Alice is, on gossip of its own, joins
    // once Alice is on it.
    let lookup = MemoryLookup::new();
    lookup.add_endpoint_info(alice.addr());
    let stranger = iroh::Endpoint::builder(presets::Minimal)
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0".parse::<std::net::SocketAddr>().expect("addr"))
        .expect("bind addr")
        .alpns(vec![NEWS_ALPN.to_vec()])
        .bind()
        .await
        .expect("endpoint");
    stranger.address_lookup().expect("lookup").add(lookup);
    let gossip = Gossip::builder().alpn(NEWS_ALPN).spawn(stranger.clone());
    let router = Router::builder(stranger.clone())
        .accept(NEWS_ALPN, gossip.clone())
        .spawn();
    let (_, mut heard) = gossip
        .subscribe(topic, vec![alice.addr().id])
        .await
        .expect("subscribe")
        .split();

    tokio::time::sleep(Duration::from_secs(1)).await;
    retitle(&alice, ID, "退款多久到账（secretrule 节假日顺延）");
    until_titled(&bob, "secretrule", "the edit to reach Bob").await;
    // Long past the moment the news reached Bob: nothing came to the stranger or Dave.
    let mut events = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(2));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            () = &mut deadline => break,
            event = heard.next() => match event {
                Some(Ok(e)) => events.push(e),
                _ => break,
            },
        }
    }
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Received(_) | Event::NeighborUp(_))),
        "the stranger got {events:?}"
    );
    assert!(!title(&dave).contains("secretrule"), "Dave learnt the edit");
    assert!(
        alice.news_stats().neighbours <= 1,
        "only Bob is Alice's neighbour"
    );
    assert_eq!(
        dave.news_stats().neighbours,
        0,
        "Dave's news connections closed"
    );
    router.shutdown().await.expect("stranger stops");
    for n in [dave, bob, alice] {
        n.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_that_builds_on_missing_changes_waits_and_forged_news_is_refused_whole() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = alice_and_bob(root.path()).await;
    // Two edits of Alice's, each one's news taken as the node would announce it (what
    // loading the demo wrote is not news).
    alice.library().lock().expect("lock").forget_own_news();
    let news_of = |title: &str| {
        retitle_unannounced(&alice, ID, title);
        alice
            .library()
            .lock()
            .expect("lock")
            .own_news()
            .expect("news")
    };
    let first = news_of("退款多久到账（第一版）");
    let second = news_of("退款多久到账（第二版）");
    let keys: Vec<&str> = first.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, [format!("entry/{ID}")], "one document changed");
    let take = |news: &[(String, Vec<u8>)]| {
        bob.library()
            .lock()
            .expect("lock")
            .receive_changes(&alice.member(), news)
    };
    let before = title(&bob);

    // The second edit alone builds on the first, which Bob lacks: nothing of it stored.
    let taken = take(&second).expect("taken");
    assert_eq!(taken.changes, 0);
    assert_eq!(taken.lacking, vec![format!("entry/{ID}")]);
    assert_eq!(title(&bob), before);

    // Forged: a byte of the first edit's signature changed. Refused whole, naming the
    // document, and nothing stored.
    let mut forged = first.clone();
    forged[0].1[5 + 40] ^= 0x01;
    match take(&forged) {
        Err(lore_core::Error::Refused { doc, reason, .. }) => {
            assert_eq!(doc, format!("entry/{ID}"));
            assert!(reason.contains("signature"), "{reason}");
        }
        other => panic!("forged news taken: {other:?}"),
    }
    assert_eq!(title(&bob), before);

    // In order, both apply.
    assert_eq!(take(&first).expect("first").changes, 1);
    assert_eq!(take(&second).expect("second").changes, 1);
    assert_eq!(title(&bob), title(&alice));
    bob.shutdown().await;
    alice.shutdown().await;
}

/// A use recorded through the HTTP API (a bot's answer sent) is a change made here like
/// any other: the node announces it at once, and a teammate has it long before a sync
/// round would bring it (the syncers here run once an hour).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_use_recorded_through_the_api_is_announced_at_once() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = alice_and_bob(root.path()).await;
    for n in [&alice, &bob] {
        n.start_syncing(Duration::from_secs(3600));
    }
    neighbours(&[(&alice, 1), (&bob, 1)]).await;
    // The sessions syncing starts with are over: from here on, only news carries changes.
    eventually_async(
        Duration::from_secs(20),
        "the first sync rounds to end",
        || async {
            let busy = |n: &Node| n.connected().iter().any(|c| c.syncing);
            (!busy(&alice) && !busy(&bob)).then_some(())
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, secret) = alice
        .library()
        .lock()
        .expect("lock")
        .create_token("客服机器人", lore_core::Scope::Reply)
        .expect("token");
    let args = lore_app::http::HttpArgs::at("127.0.0.1:0".parse().expect("addr"));
    let api = lore_app::http::start(&alice, &args)
        .await
        .expect("the API starts")
        .expect("an address");
    let uses = |node: &Node| {
        node.library()
            .lock()
            .expect("lock")
            .entry_credit(ID, Period::ALL)
            .expect("credit")
            .uses
    };
    let before = uses(&bob);
    let response = crate::http::client()
        .post(format!("http://{}/v1/uses", api.addr))
        .bearer_auth(&secret)
        .json(&serde_json::json!({ "entry": ID }))
        .send()
        .await
        .expect("POST /v1/uses");
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    eventually_async(
        Duration::from_secs(20),
        "the use recorded through the API to reach Bob",
        || async { (uses(&bob) > before).then_some(()) },
    )
    .await;
    drop(api);
    bob.shutdown().await;
    alice.shutdown().await;
}
