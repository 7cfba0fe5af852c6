//! A teammate who left stays in the address cache: dialling them fails only after a long
//! wait, and that wait must hold up nobody else's sync (real iroh endpoints on 127.0.0.1).

use std::time::Duration;

use lore_core::Role;
use lore_tests::eventually_async;

use crate::peers::{alice, invite, join, last_sync, retitle, start_syncing_between};

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
    // Alice's syncer first dials Carol, which takes far longer than the wait below.
    start_syncing_between(&alice, &bob).await;
    let b = &bob;
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
