//! A teammate who left stays in the address cache: dialling them fails only after a long
//! wait, and that wait must hold up nobody else's sync (real iroh endpoints on 127.0.0.1).

use std::time::Duration;

use lore_core::Role;
use lore_sync::Node;
use lore_tests::eventually_async;

use crate::peers::{alice, invite, join, last_sync, retitle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_reaches_a_live_peer_at_once_while_a_known_peer_is_gone() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let ticket = || invite(&alice, Role::Agent, 3600 * 1000);
    let (carol, _) = join(root.path(), "carol", &ticket())
        .await
        .expect("carol joins");
    let (a, c) = (&alice, &carol);
    eventually_async(
        Duration::from_secs(10),
        "Alice to keep Carol's address",
        || async move { last_sync(a, c) },
    )
    .await;
    // Carol leaves: her node is gone, her address stays in Alice's cache, and a dial to
    // it is answered by nobody.
    carol.shutdown().await;
    let (bob, _) = join(root.path(), "bob", &ticket())
        .await
        .expect("bob joins");
    let b = &bob;
    eventually_async(
        Duration::from_secs(10),
        "Alice to keep Bob's address",
        || async move { last_sync(a, b) },
    )
    .await;

    // Timers far away: only the change notification can explain a quick arrival, and
    // Alice's syncer first dials Carol, which takes far longer than the wait below.
    let started = lore_core::model::now_millis();
    alice.start_syncing(Duration::from_secs(3600));
    bob.start_syncing(Duration::from_secs(3600));
    eventually_async(
        Duration::from_secs(10),
        "Alice's and Bob's first sessions with each other, with nothing left running between them",
        || async move {
            let synced = |n: &Node, other: &Node| last_sync(n, other).is_some_and(|t| t >= started);
            let idle = |n: &Node, other: &Node| {
                n.connected()
                    .iter()
                    .all(|c| c.member != other.member() || !c.syncing)
            };
            (synced(a, b) && synced(b, a) && idle(a, b) && idle(b, a)).then_some(())
        },
    )
    .await;
    let id = "faq-refund-timeline";
    retitle(&alice, id, "退款多久到账（departedrule）");
    eventually_async(
        Duration::from_secs(8),
        "the edit to reach Bob while Carol's dial is still waiting for an answer",
        || async move {
            let e = b.library().lock().expect("lock").get(id).ok()?;
            e.title.contains("departedrule").then_some(())
        },
    )
    .await;
    bob.shutdown().await;
    alice.shutdown().await;
}
