//! What a node does each sync interval costs it the same however large the team: it syncs
//! with a few known peers in turn, not all of them, and asks only peers newly known to
//! join it on the team's topic — all known ones again only while it has no neighbour
//! (each join makes the peer drop one of its own neighbours when it has its fill). Real
//! iroh endpoints on 127.0.0.1.

use std::collections::HashSet;
use std::time::Duration;

use lore_core::Role;
use lore_sync::Node;
use lore_sync::pace::{IN_TURN, in_turn};
use lore_tests::eventually_async;

use crate::news::{alice_and_bob, neighbours};
use crate::peers::invited;

#[test]
fn the_turns_go_round_every_known_peer_a_few_at_a_time() {
    for known in [1usize, 2, 3, 7, 10, 300] {
        let rounds = known.div_ceil(IN_TURN);
        let mut seen = HashSet::new();
        for turn in 0..rounds {
            let chosen = in_turn(known, turn);
            assert_eq!(
                chosen.len(),
                IN_TURN.min(known),
                "{known} known, turn {turn}"
            );
            assert!(chosen.iter().all(|&i| i < known));
            seen.extend(chosen);
        }
        assert_eq!(seen.len(), known, "{known} known: all in {rounds} turns");
    }
    assert!(in_turn(0, 5).is_empty());
    // Turns keep going round as the count of turns grows.
    assert_eq!(in_turn(7, 7 * 1000 + 1), in_turn(7, 1));
}

async fn until_joins(n: &Node, least: u64, what: &str) {
    eventually_async(Duration::from_secs(20), what, || async move {
        (n.news_stats().joins >= least).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_with_neighbours_joins_only_peers_newly_known_and_all_again_once_alone() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = alice_and_bob(root.path()).await;
    let carol = invited(root.path(), &alice, "carol", Role::Agent).await;
    carol.sync_with(alice.addr()).await.expect("carol ← alice");
    let every = Duration::from_millis(500);
    for n in [&alice, &bob, &carol] {
        n.start_syncing(every);
    }
    neighbours(&[(&alice, 2)]).await;
    // Six intervals with neighbours and no peer newly known: nobody is joined again.
    tokio::time::sleep(every * 6).await;
    assert_eq!(alice.news_stats().joins, 0, "{:?}", alice.news_stats());

    // Dave syncs with Alice: she knows him now, and joins him, once.
    let dave = invited(root.path(), &alice, "dave", Role::Agent).await;
    dave.sync_with(alice.addr()).await.expect("dave ← alice");
    until_joins(&alice, 1, "Alice to join Dave, newly known").await;
    tokio::time::sleep(every * 4).await;
    assert_eq!(alice.news_stats().joins, 1, "{:?}", alice.news_stats());

    // Bob's only known peer, Alice, leaves with everyone else Bob could neighbour: alone
    // on the topic, he asks her to join him again each interval.
    for n in [dave, carol, alice] {
        n.shutdown().await;
    }
    eventually_async(Duration::from_secs(20), "Bob alone", || async {
        (bob.news_stats().neighbours == 0).then_some(())
    })
    .await;
    let before = bob.news_stats().joins;
    until_joins(
        &bob,
        before + 2,
        "Bob, alone, to join Alice again and again",
    )
    .await;
    bob.shutdown().await;
}
