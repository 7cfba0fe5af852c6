//! A new member takes the library whole, in bulk (compacted documents, many to a frame)
//! instead of one sync conversation per document — and checks every document of it as a
//! sync message's changes are checked: a forged one refuses its bundle. Real iroh
//! endpoints on 127.0.0.1.

use lore_core::Role;

use crate::hostile::{ENTRY, Peer, forge, recategorise, team};

/// Adds a new member to alice's roster; the team document to join with.
fn enrol(alice: &Peer, newbie: &Peer) -> Vec<u8> {
    let member = lore_core::Member {
        id: newbie.id(),
        name: "newbie".into(),
        role: Role::Agent,
        added_by: alice.id(),
        added_at: 0,
        removed: false,
        history_ends: Default::default(),
    };
    alice.with(|l| {
        l.update_team("invited", |t| {
            t.members.insert(member.id.clone(), member);
            Ok(())
        })
        .expect("roster");
        l.team_document().expect("team document")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_member_takes_the_library_whole_and_refuses_a_forged_document_in_it() {
    let root = tempfile::tempdir().expect("tempdir");
    let roles = [("bob", Role::Agent), ("mallory", Role::Agent)];
    let (alice, mut members) = team(root.path(), &roles).await;
    let bob_id = members[0].id();
    let mallory = &mut members[1];
    let mut newbie = Peer::at(root.path(), "newbie");
    let document = enrol(&alice, &newbie);
    // Mallory learns of the newcomer, then forges a change to an entry as Bob, unsigned,
    // straight into her own database.
    mallory.sync_with(&alice).await.expect("roster to mallory");
    mallory.stop().await;
    let key = format!("entry/{ENTRY}");
    forge(&mallory.dir, &key, &bob_id, None, recategorise);
    mallory.start(None).await;

    // The newcomer's first session is with Mallory: the library comes whole, and the
    // bundle holding the forged document is refused, naming it and why.
    newbie.start(Some(&document)).await;
    let err = newbie
        .node()
        .sync_with(mallory.node().addr())
        .await
        .expect_err("the forged document is refused");
    let err = format!("{err}: {:?}", err);
    assert!(
        err.contains(&key) && err.contains("carries no signature"),
        "refused, but why: {err}"
    );
    assert!(!newbie.with(|l| l.has_document(&key).expect("has")));
    let held = newbie.with(|l| l.digest().expect("digest"));
    let honest = alice.with(|l| l.digest().expect("digest"));
    assert!(
        held.iter().all(|(k, heads)| honest.get(k) == Some(heads)),
        "nothing stored from the refused bundle differs from the honest library"
    );

    // From an honest member: the whole library in bulk, the entry as Alice has it.
    let report = newbie
        .node()
        .sync_with(alice.node().addr())
        .await
        .expect("sync with alice");
    let documents = honest.len();
    assert!(
        report.whole + 1 >= documents && report.whole > 32,
        "{} of {documents} documents came whole",
        report.whole
    );
    assert_eq!(newbie.with(|l| l.digest().expect("digest")), honest);
    let entry = newbie.with(|l| l.get(ENTRY).expect("entry"));
    assert_ne!(entry.category, "被篡改");
    let history = newbie.with(|l| l.history(ENTRY).expect("history"));
    assert!(
        !history.is_empty() && history.iter().all(|c| c.verified && c.member != bob_id),
        "every change of the entry is verified and none is Bob's: {history:?}"
    );
    // Search works on what came whole: it was indexed as it was stored.
    let hits = newbie.with(|l| {
        l.search(&lore_core::SearchRequest {
            text: entry.title.clone(),
            limit: 5,
            ..Default::default()
        })
        .expect("search")
    });
    assert!(hits.iter().any(|h| h.id == ENTRY), "{hits:?}");

    // Once the member holds the library, an edit travels as its own change, not whole.
    alice.with(|l| {
        l.edit(ENTRY, |e| {
            e.body.push_str("\n\n补充：电子发票当天开具。");
            Ok(())
        })
        .expect("edit")
    });
    let report = newbie
        .node()
        .sync_with(alice.node().addr())
        .await
        .expect("sync the edit");
    assert_eq!((report.whole, report.documents), (0, 1));
    assert!(newbie.with(|l| l.get(ENTRY).expect("entry").body.ends_with("当天开具。")));

    newbie.stop().await;
    for peer in &mut members {
        peer.stop().await;
    }
    let mut alice = alice;
    alice.stop().await;
}
