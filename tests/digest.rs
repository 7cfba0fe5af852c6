//! The digest tree on its own: two libraries' (document id → heads), walked down together
//! in memory as two peers' sessions walk it, without a network or a library.

use std::collections::BTreeSet;

use lore_core::Digest;
use lore_sync::SyncError;
use lore_sync::digest::{FANOUT, MAX_LEVELS, Walk, leaf, levels_for};

/// A digest of `n` documents, each at its first version.
fn library(n: usize) -> Digest {
    (0..n).map(|i| (id(i), heads(i, 0))).collect()
}

fn id(i: usize) -> String {
    format!("entry/{i:05}")
}

/// Heads of document `i` at `version` (stand-ins: only equality matters to the tree).
fn heads(i: usize, version: u32) -> Vec<u8> {
    format!("{i}@{version}").into_bytes()
}

/// What two peers' walks found, and what they sent.
#[derive(Debug)]
struct Walked {
    /// The documents each side found differing: ours, theirs.
    found: (Vec<String>, Vec<String>),
    /// Hashes each side sent, over all levels.
    hashes: usize,
    /// Levels whose hashes were exchanged.
    levels: u32,
}

/// Both sides walk the tree in step, each sending what the session would send.
fn walk_together(a: &Digest, b: &Digest) -> Walked {
    let documents = a.len().max(b.len()) as u64;
    let mut ours = Walk::new(a, documents);
    let mut theirs = Walk::new(b, documents);
    let (mut hashes, mut levels) = (0, 0);
    loop {
        match (ours.next_level(), theirs.next_level()) {
            (Some(x), Some(y)) => {
                assert_eq!(
                    x.hashes.len(),
                    y.hashes.len(),
                    "both sides ask about the same nodes"
                );
                hashes += x.hashes.len();
                levels += 1;
                let (ours_sent, theirs_sent) = (x.hashes.clone(), y.hashes.clone());
                ours.compare(x, &theirs_sent).expect("our side compares");
                theirs.compare(y, &ours_sent).expect("their side compares");
            }
            (None, None) => break,
            _ => panic!("the two walks fell out of step"),
        }
    }
    assert_eq!(ours.is_equal(), theirs.is_equal(), "both sides agree");
    let found = if ours.is_equal() {
        (Vec::new(), Vec::new())
    } else {
        let (a_leaves, b_leaves) = (ours.leaf_digest(), theirs.leaf_digest());
        (
            ours.differing_documents(&a_leaves, &b_leaves)
                .expect("their leaves are the ones asked for"),
            theirs
                .differing_documents(&b_leaves, &a_leaves)
                .expect("our leaves are the ones asked for"),
        )
    };
    Walked {
        found,
        hashes,
        levels,
    }
}

/// The documents whose heads differ, found the slow way: every id compared.
fn differing_by_hand(a: &Digest, b: &Digest) -> Vec<String> {
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter(|id| a.get(*id) != b.get(*id))
        .cloned()
        .collect()
}

#[test]
fn equal_libraries_differ_in_nothing_and_stop_after_the_first_level() {
    let a = library(5000);
    let walked = walk_together(&a, &a.clone());
    assert_eq!(walked.found, (Vec::new(), Vec::new()));
    assert_eq!((walked.levels, walked.hashes), (1, FANOUT as usize));
}

#[test]
fn one_changed_document_is_found_by_walking_only_its_path() {
    let a = library(5000);
    let mut b = a.clone();
    b.insert(id(1234), heads(1234, 1));
    let walked = walk_together(&a, &b);
    assert_eq!(walked.found, (vec![id(1234)], vec![id(1234)]));
    let levels = levels_for(5000);
    assert_eq!(walked.levels, levels);
    assert_eq!(
        walked.hashes,
        FANOUT as usize * levels as usize,
        "one node differs at each level: its children are all that is sent"
    );
}

#[test]
fn a_document_only_one_side_has_is_found_by_both() {
    let a = library(300);
    let mut b = a.clone();
    b.remove(&id(7));
    b.insert("entry/new".into(), heads(9999, 0));
    let walked = walk_together(&a, &b);
    let expected = vec![id(7), "entry/new".to_string()];
    assert_eq!(walked.found, (expected.clone(), expected));
}

#[test]
fn every_difference_is_found_and_nothing_else() {
    let a = library(3000);
    let mut b = a.clone();
    for i in (0..3000).step_by(7) {
        b.insert(id(i), heads(i, 1));
    }
    for i in (0..3000).step_by(11) {
        b.remove(&id(i));
    }
    for i in 3000..3100 {
        b.insert(id(i), heads(i, 0));
    }
    let walked = walk_together(&a, &b);
    let expected = differing_by_hand(&a, &b);
    assert!(expected.len() > 500, "{}", expected.len());
    assert_eq!(walked.found, (expected.clone(), expected));
}

#[test]
fn a_small_library_and_a_large_one_walk_a_tree_sized_for_the_large_one() {
    let small = library(10);
    let large = library(3000);
    let walked = walk_together(&small, &large);
    assert_eq!(walked.levels, levels_for(3000));
    let expected: Vec<String> = (10..3000).map(id).collect();
    assert_eq!(walked.found, (expected.clone(), expected));
}

#[test]
fn levels_are_sized_for_about_four_documents_per_leaf_up_to_four_levels() {
    let cases = [
        (0, 1),
        (64, 1),
        (65, 2),
        (1024, 2),
        (1025, 3),
        (16_384, 3),
        (16_385, 4),
        (1_000_000, 4),
    ];
    for (documents, levels) in cases {
        assert_eq!(levels_for(documents), levels, "{documents} documents");
    }
    assert_eq!(MAX_LEVELS, 4);
    for documents in [1, 10, 100, 1000, 10_000, 65_536] {
        let levels = levels_for(documents);
        let leaves = FANOUT.pow(levels);
        assert!(
            documents <= 4 * leaves && (levels == 1 || documents > 4 * leaves / FANOUT),
            "{documents} documents in {leaves} leaves"
        );
    }
}

#[test]
fn the_tree_does_not_depend_on_the_order_documents_were_added() {
    let forward = library(2000);
    let mut backward = Digest::new();
    for i in (0..2000).rev() {
        backward.insert(id(i), heads(i, 0));
    }
    let walked = walk_together(&forward, &backward);
    assert_eq!(walked.found, (Vec::new(), Vec::new()));
    assert_eq!(walked.levels, 1);
}

#[test]
fn leaves_are_the_same_on_every_machine_and_split_as_the_tree_grows() {
    // Fixed values: a change of hash would make two versions of Lore disagree on the tree.
    assert_eq!(leaf("team", 1), 12);
    assert_eq!(leaf("faq-refund-timeline", 4), 10_916);
    for i in 0..500 {
        let key = id(i);
        for levels in 1..MAX_LEVELS {
            let (here, deeper) = (leaf(&key, levels), leaf(&key, levels + 1));
            assert!(here < FANOUT.pow(levels));
            assert_eq!(deeper % FANOUT.pow(levels), here, "{key}");
        }
    }
}

#[test]
fn a_peer_that_sends_another_number_of_hashes_breaks_the_protocol() {
    let a = library(100);
    let mut walk = Walk::new(&a, 100);
    let level = walk.next_level().expect("a first level");
    let short = vec![0; level.hashes.len() - 1];
    let err = walk.compare(level, &short).expect_err("too few hashes");
    assert!(matches!(err, SyncError::Malformed(_)), "{err}");
}

#[test]
fn a_peer_digest_outside_the_leaves_asked_for_breaks_the_protocol() {
    let a = library(3000);
    let mut b = a.clone();
    b.insert(id(42), heads(42, 1));
    let documents = 3000;
    let mut ours = Walk::new(&a, documents);
    let mut theirs = Walk::new(&b, documents);
    while let (Some(x), Some(y)) = (ours.next_level(), theirs.next_level()) {
        let (ours_sent, theirs_sent) = (x.hashes.clone(), y.hashes.clone());
        ours.compare(x, &theirs_sent).expect("compare");
        theirs.compare(y, &ours_sent).expect("compare");
    }
    let levels = levels_for(documents);
    let elsewhere = (0..3000)
        .map(id)
        .find(|k| leaf(k, levels) != leaf(&id(42), levels))
        .expect("a document in another leaf");
    let mut claimed = theirs.leaf_digest();
    claimed.insert(elsewhere.clone(), heads(0, 7));
    let err = ours
        .differing_documents(&ours.leaf_digest(), &claimed)
        .expect_err("an entry nobody asked for");
    assert!(matches!(err, SyncError::Malformed(_)), "{err}");
}
