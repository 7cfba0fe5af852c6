//! The roll call of neighbours on the team's topic: a neighbour that does not answer is
//! named and synced with (joined again too when no neighbour answers); one that answers
//! never is. The schedule on its own, then real iroh endpoints on 127.0.0.1 with a member
//! whose gossip never answers.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use iroh::address_lookup::MemoryLookup;
use iroh::endpoint::{Connection, presets};
use iroh::protocol::{AcceptError, ProtocolHandler, Router};
use iroh_gossip::Gossip;
use iroh_gossip::api::Event;
use lore_core::Role;
use lore_sync::roll::{ANSWER_WITHIN, CALM, Due, FIRST, Roll};
use lore_sync::{ALPN, Frame, Identity, NEWS_ALPN, topic_of};
use lore_tests::eventually_async;
use tokio::time::Instant;

use crate::news::alice_and_bob;
use crate::peers::add_member;

fn peer(n: u8) -> iroh::EndpointId {
    iroh::SecretKey::from_bytes(&[n; 32]).public()
}

/// A roll made now, with neighbours a and b from the start.
fn two_neighbours() -> (Instant, Roll, iroh::EndpointId, iroh::EndpointId) {
    let start = Instant::now();
    let mut roll = Roll::new(start);
    let (a, b) = (peer(1), peer(2));
    roll.up(a, start);
    roll.up(b, start);
    (start, roll, a, b)
}

#[test]
fn a_neighbour_that_answers_neither_of_two_calls_is_named_and_one_that_answers_is_not() {
    let (start, mut roll, a, b) = two_neighbours();
    assert_eq!(roll.due(start), Due::Wait);
    let call = start + FIRST;
    assert_eq!(roll.wake_at(), call);
    assert_eq!(roll.due(call), Due::Call);
    roll.heard(a, call + Duration::from_millis(5));
    assert_eq!(roll.due(call + Duration::from_millis(10)), Due::Wait);
    // One call missed is forgiven (a busy neighbour answers late)...
    assert_eq!(roll.due(call + ANSWER_WITHIN), Due::Wait);
    // ...and calls grow apart while nothing changes.
    let next = roll.wake_at();
    assert_eq!(next, call + FIRST * 2);
    assert_eq!(roll.due(next), Due::Call);
    roll.heard(a, next + Duration::from_millis(5));
    assert_eq!(roll.due(next + ANSWER_WITHIN), Due::Silent(vec![b]));
    // Named, it starts afresh: one more call missed is forgiven again.
    let third = roll.wake_at();
    assert_eq!(roll.due(third), Due::Call);
    roll.heard(a, third);
    assert_eq!(roll.due(third + ANSWER_WITHIN), Due::Wait);
}

#[test]
fn neighbours_silent_while_none_answers_are_named_deaf_to_be_joined_again() {
    let (_, mut roll, a, b) = two_neighbours();
    for _ in 0..2 {
        let now = roll.wake_at();
        assert_eq!(roll.due(now), Due::Call);
        let due = roll.due(now + ANSWER_WITHIN);
        if due != Due::Wait {
            let Due::Deaf(mut silent) = due else {
                panic!("nobody answered, yet {due:?}");
            };
            silent.sort();
            let mut both = vec![a, b];
            both.sort();
            assert_eq!(silent, both);
            return;
        }
    }
    panic!("two calls unanswered by anyone, and nobody named");
}

#[test]
fn an_answer_resets_the_count_and_a_neighbour_gone_is_not_named() {
    let (_, mut roll, a, b) = two_neighbours();
    // b misses, answers, misses: never two in a row.
    for answers in [false, true, false] {
        let mut now = roll.wake_at();
        assert_eq!(roll.due(now), Due::Call);
        roll.heard(a, now);
        if answers {
            roll.heard(b, now);
        }
        now += ANSWER_WITHIN;
        assert_eq!(roll.due(now), Due::Wait);
    }
    // A neighbour gone before the answers are counted is not named, and the change makes
    // a call due soon.
    let now = roll.wake_at();
    assert_eq!(roll.due(now), Due::Call);
    roll.down(b, now);
    assert!(roll.wake_at() <= now + ANSWER_WITHIN);
    roll.heard(a, now);
    assert_eq!(roll.due(now + ANSWER_WITHIN), Due::Wait);
}

#[test]
fn calls_stop_growing_apart_at_the_calm_pace_and_none_is_made_alone() {
    let mut now = Instant::now();
    let mut roll = Roll::new(now);
    now += FIRST;
    assert_eq!(roll.due(now), Due::Wait, "no neighbour, no call");
    roll.up(peer(1), now);
    for _ in 0..20 {
        now = roll.wake_at();
        if roll.due(now) == Due::Call {
            roll.heard(peer(1), now);
        }
    }
    let gap = roll.wake_at() - now;
    assert!(gap <= CALM && gap >= CALM / 2, "{gap:?}");
}

/// Notes each connection made to it, and closes it.
#[derive(Debug, Clone)]
struct Knock(Arc<tokio::sync::Notify>);

impl ProtocolHandler for Knock {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        self.0.notify_one();
        connection.close(0u32.into(), b"not a library");
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_whose_gossip_never_answers_is_named_and_synced_with() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = alice_and_bob(root.path()).await;
    // Carol is a member, but her machine runs bare gossip under her key: it is Alice's
    // neighbour on the topic and never answers a roll call.
    let dir = root.path().join("carol");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let carol = Identity::load_or_create(&dir, Some("carol")).expect("identity");
    add_member(&alice, &carol.member_id(), Role::Agent);
    let topic = {
        let library = alice.library();
        let mut library = library.lock().expect("lock");
        topic_of(&library.team().expect("team").id)
    };
    let lookup = MemoryLookup::new();
    lookup.add_endpoint_info(alice.addr());
    let endpoint = iroh::Endpoint::builder(presets::Minimal)
        .secret_key(iroh::SecretKey::from_bytes(&carol.secret_bytes()))
        .clear_ip_transports()
        .bind_addr("127.0.0.1:0".parse::<std::net::SocketAddr>().expect("addr"))
        .expect("bind addr")
        .alpns(vec![NEWS_ALPN.to_vec(), ALPN.to_vec()])
        .bind()
        .await
        .expect("endpoint");
    endpoint.address_lookup().expect("lookup").add(lookup);
    let gossip = Gossip::builder().alpn(NEWS_ALPN).spawn(endpoint.clone());
    let knocked = Arc::new(tokio::sync::Notify::new());
    let router = Router::builder(endpoint.clone())
        .accept(NEWS_ALPN, gossip.clone())
        .accept(ALPN, Knock(knocked.clone()))
        .spawn();

    // Alice and Bob alone on the topic first: each answers the other's calls (two of
    // them, counted 4 and 8 s after they became neighbours), so neither names the other
    // silent.
    for n in [&alice, &bob] {
        n.start_syncing(Duration::from_secs(3600));
    }
    let (a, b) = (&alice, &bob);
    eventually_async(
        Duration::from_secs(20),
        "Alice and Bob on the topic",
        || async move {
            (a.news_stats().neighbours >= 1 && b.news_stats().neighbours >= 1).then_some(())
        },
    )
    .await;
    tokio::time::sleep(FIRST * 4 + ANSWER_WITHIN).await;
    for n in [&alice, &bob] {
        assert_eq!(n.news_stats().silent, 0, "{:?}", n.news_stats());
    }

    let (_, mut heard) = gossip
        .subscribe(topic, vec![alice.addr().id])
        .await
        .expect("subscribe")
        .split();

    // Carol's gossip hears Alice call the roll, and answers nothing.
    let asked = async {
        while let Some(Ok(event)) = heard.next().await {
            if let Event::Received(m) = event
                && matches!(Frame::decode(&m.content), Ok(Frame::Here { ask: true }))
            {
                return m.delivered_from;
            }
        }
        panic!("Carol's subscription ended before any roll call");
    };
    let caller = tokio::time::timeout(Duration::from_secs(20), asked)
        .await
        .expect("a roll call within 20 s");
    assert_eq!(caller, alice.addr().id);
    // Two calls later Alice names her silent and syncs with her at once.
    tokio::time::timeout(Duration::from_secs(30), knocked.notified())
        .await
        .expect("Alice to open a sync session with the silent neighbour");
    eventually_async(
        Duration::from_secs(20),
        "Alice to count a silent neighbour",
        || async move { (a.news_stats().silent >= 1).then_some(()) },
    )
    .await;

    router.shutdown().await.expect("carol stops");
    for n in [bob, alice] {
        n.shutdown().await;
    }
}
