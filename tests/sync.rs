//! Sync between libraries over an in-memory pipe: the transport-independent part of
//! team sync (digests, automerge sync per document, roster checks, durable storage).

use std::path::Path;

use lore_core::{Entry, Error, Kind, Library, Role, SearchRequest, Status};

use crate::library::{member, member_id, writer};

/// Runs the sync protocol between two libraries until neither has anything to send.
/// Returns the bytes of sync messages exchanged.
pub(crate) fn sync(
    a: &mut Library,
    a_id: &str,
    b: &mut Library,
    b_id: &str,
) -> Result<usize, Error> {
    let mut with_b = a.begin_sync(b_id);
    let mut with_a = b.begin_sync(a_id);
    let keys = a.differing(&b.digest()?)?;
    let mut bytes = 0;
    loop {
        let mut said = false;
        for key in &keys {
            if let Some(m) = a.sync_message(&mut with_b, key)? {
                bytes += m.len();
                b.receive_sync(&mut with_a, key, &m)?;
                said = true;
            }
            if let Some(m) = b.sync_message(&mut with_a, key)? {
                bytes += m.len();
                a.receive_sync(&mut with_b, key, &m)?;
                said = true;
            }
        }
        if !said {
            return Ok(bytes);
        }
    }
}

fn open(dir: &Path, id: &str) -> Library {
    Library::open(dir, writer(id)).expect("open")
}

/// An admin's library with the demo content, and a second member's library joined to it.
pub(crate) fn team(root: &Path, role: Role) -> (Library, Library) {
    let mut a = open(&root.join("a"), "alice");
    lore_core::demo::load(&mut a, &mut |_, _| {}).expect("demo");
    a.update_team("invited bob", |t| {
        t.members.insert(member_id("bob"), member("bob", role));
        Ok(())
    })
    .expect("roster");
    let team_document = a.team_document().expect("team document");
    let b = Library::join(&root.join("b"), writer("bob"), &team_document).expect("join");
    (a, b)
}

#[test]
fn a_joining_member_receives_the_whole_library_and_can_search_it() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    assert!(b.is_empty());
    sync(&mut a, "alice", &mut b, "bob").expect("sync");
    assert_eq!(b.ids(), a.ids());
    assert_eq!(
        b.get("faq-return-damaged-on-arrival").expect("get"),
        a.get("faq-return-damaged-on-arrival").expect("get")
    );
    let hits = b
        .search(&SearchRequest {
            text: "杯子碎了能退吗".into(),
            limit: 3,
            ..SearchRequest::default()
        })
        .expect("search");
    assert_eq!(
        hits[0].id, "faq-return-damaged-on-arrival",
        "synced entries are indexed"
    );
    assert_eq!(b.team().expect("team"), a.team().expect("team"));
}

#[test]
fn concurrent_edits_while_apart_merge_without_losing_either() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    sync(&mut a, "alice", &mut b, "bob").expect("first sync");
    let id = "faq-refund-timeline";
    a.edit(id, |e| {
        e.title = format!("{}（已更新）", e.title);
        e.tags.push("时效".into());
        Ok(())
    })
    .expect("edit on a");
    b.edit(id, |e| {
        e.body = format!("{}\n\n节假日顺延。", e.body);
        e.tags.push("节假日".into());
        Ok(())
    })
    .expect("edit on b");
    sync(&mut a, "alice", &mut b, "bob").expect("sync");
    let (ea, eb) = (a.get(id).expect("get"), b.get(id).expect("get"));
    assert_eq!(ea, eb, "identical documents");
    assert!(ea.title.ends_with("（已更新）") && ea.body.ends_with("节假日顺延。"));
    assert!(ea.tags.contains(&"时效".to_string()) && ea.tags.contains(&"节假日".to_string()));
    let history = a.history(id).expect("history");
    assert!(
        history
            .iter()
            .any(|c| c.member == crate::library::member_id("bob") && c.verified)
            && history
                .iter()
                .any(|c| c.member == crate::library::member_id("alice") && c.verified)
    );
}

#[test]
fn a_viewers_changes_are_refused_and_nothing_is_stored() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    sync(&mut a, "alice", &mut b, "bob").expect("first sync");
    // Alice makes Bob a viewer; Bob, not knowing yet, edits an entry.
    a.update_team("bob is a viewer now", |t| {
        if let Some(m) = t.members.get_mut(&member_id("bob")) {
            m.role = Role::Viewer;
        }
        Ok(())
    })
    .expect("roster");
    let id = "faq-invoice-how-to";
    let before = a.get(id).expect("get");
    b.edit(id, |e| {
        e.status = Status::Archived;
        Ok(())
    })
    .expect("bob edits locally");
    let err = sync(&mut a, "alice", &mut b, "bob").expect_err("alice refuses bob's change");
    assert!(
        matches!(&err, Error::Refused { doc, reason, .. } if doc == "entry/faq-invoice-how-to" && reason.contains("viewer")),
        "{err}"
    );
    assert_eq!(
        a.get(id).expect("get"),
        before,
        "nothing of it reached alice's library"
    );
    drop(a);
    let mut a = open(&root.path().join("a"), "alice");
    assert_eq!(a.get(id).expect("get after reopening"), before);
}

#[test]
fn reconnecting_costs_bytes_proportional_to_what_changed() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    let full = sync(&mut a, "alice", &mut b, "bob").expect("first sync");
    drop((a, b));
    // Restart both with the same data directories: nothing changed, nothing to send.
    let mut a = open(&root.path().join("a"), "alice");
    let mut b = open(&root.path().join("b"), "bob");
    assert!(
        a.differing(&b.digest().expect("digest"))
            .expect("differing")
            .is_empty()
    );
    assert_eq!(sync(&mut a, "alice", &mut b, "bob").expect("idle sync"), 0);
    a.edit("faq-refund-timeline", |e| {
        e.body.push_str("\n\n（补充说明）");
        Ok(())
    })
    .expect("edit");
    let small = sync(&mut a, "alice", &mut b, "bob").expect("sync");
    assert!(
        small > 0 && small < 4_000,
        "one edit cost {small} bytes (the whole library {full})"
    );
    assert!(
        b.get("faq-refund-timeline")
            .expect("get")
            .body
            .ends_with("（补充说明）")
    );
}

#[test]
fn an_edit_travels_as_its_change_not_as_the_whole_entry() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    let body = "退款在审核通过后原路退回，银行处理需要一到三个工作日。".repeat(60);
    let id = a
        .add(Entry {
            body: body.clone(),
            ..Entry::new(Kind::Faq, "退款多久到账")
        })
        .expect("add");
    sync(&mut a, "alice", &mut b, "bob").expect("first sync");
    // The entry has one change on both sides. One new change is over a third of the
    // document's, which Automerge alone would send as the whole document.
    a.edit(&id, |e| {
        e.body.push_str("节假日顺延。");
        Ok(())
    })
    .expect("edit");
    let bytes = sync(&mut a, "alice", &mut b, "bob").expect("sync");
    assert!(
        bytes < 1_000 && bytes < body.len() / 4,
        "one small edit of a {}-byte entry cost {bytes} bytes",
        body.len()
    );
    assert!(b.get(&id).expect("get").body.ends_with("节假日顺延。"));
}

#[test]
fn malformed_or_foreign_messages_are_refused_and_change_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, _) = team(root.path(), Role::Agent);
    let ids = a.ids();
    let mut from_bob = a.begin_sync("bob");
    let err = a
        .receive_sync(&mut from_bob, "entry/faq-refund-timeline", b"\x42garbage")
        .expect_err("malformed");
    assert!(err.to_string().contains("malformed sync message"), "{err}");
    // Signatures claimed beyond the message's end, a message cut short, and a sound
    // envelope around a broken automerge message.
    for bytes in [
        &[1, 0xff, 0xff, 0xff, 0xff, 0, 0][..],
        &[1, 0, 0][..],
        &[1, 0, 0, 0, 0, 0x42, 0x42][..],
    ] {
        let err = a
            .receive_sync(&mut from_bob, "entry/faq-refund-timeline", bytes)
            .expect_err("malformed");
        assert!(err.to_string().contains("malformed sync message"), "{err}");
    }
    let err = a
        .receive_sync(&mut from_bob, "../etc/passwd", b"")
        .expect_err("not a document");
    assert!(
        err.to_string().contains("not a document of a library"),
        "{err}"
    );
    // A document from a stranger's library: its changes are by someone not on the roster.
    let mut stranger = open(&root.path().join("s"), "mallory");
    let mut e = Entry::new(Kind::Faq, "恶意条目");
    e.id = "faq-planted".into();
    stranger.add(e).expect("add");
    let mut with_alice = stranger.begin_sync("alice");
    let mut with_mallory = a.begin_sync("mallory");
    // Alice asks for a document she does not have; the stranger answers with its changes.
    let ask = a
        .sync_message(&mut with_mallory, "entry/faq-planted")
        .expect("ask")
        .expect("some");
    stranger
        .receive_sync(&mut with_alice, "entry/faq-planted", &ask)
        .expect("bookkeeping");
    let changes = stranger
        .sync_message(&mut with_alice, "entry/faq-planted")
        .expect("message")
        .expect("changes");
    let err = a
        .receive_sync(&mut with_mallory, "entry/faq-planted", &changes)
        .expect_err("refused");
    assert!(err.to_string().contains("not on the roster"), "{err}");
    assert_eq!(a.ids(), ids);
    assert!(!a.has_document("entry/faq-planted").expect("has"));
}

#[test]
fn a_data_directory_of_another_team_cannot_join() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, _) = team(root.path(), Role::Agent);
    let team_document = a.team_document().expect("team document");
    drop(open(&root.path().join("other"), "bob"));
    let err = Library::join(&root.path().join("other"), writer("bob"), &team_document)
        .expect_err("another team's directory");
    assert!(
        err.to_string()
            .contains("already holds the library of team"),
        "{err}"
    );
}

/// A library that a join creates appears only once it holds the team document: a join
/// that fails (or is cut off) before that leaves no library for the next open to turn into
/// a team of its own, and a leftover of a cut-off join is no obstacle to joining again.
#[test]
fn a_join_that_fails_midway_leaves_no_library_behind() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, _) = team(root.path(), Role::Agent);
    let dir = root.path().join("carol");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut forged = a.team_document().expect("team document");
    let last = forged.len() - 1;
    forged[last] ^= 0xff;
    Library::join(&dir, writer("carol"), &forged).expect_err("a damaged team document");
    assert!(
        !dir.join(lore_core::DB_FILE).exists(),
        "no library is left behind"
    );
    std::fs::write(dir.join("library.redb.joining"), b"cut off").expect("leftover");
    let team_document = a.team_document().expect("team document");
    let mut carol = Library::join(&dir, writer("carol"), &team_document).expect("join again");
    assert_eq!(carol.team().expect("team").id, a.team().expect("team").id);
    assert!(!dir.join("library.redb.joining").exists());
}

/// A document lost to damage comes back from a teammate on the next sync: the salvaged
/// library claims nothing is shared, so the digest walk finds what it lacks.
#[test]
fn a_document_lost_to_damage_comes_back_from_a_peer() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, b) = team(root.path(), Role::Agent);
    let dir = b.dir().to_path_buf();
    let mut b = b;
    sync(&mut a, "alice", &mut b, "bob").expect("first sync");
    let victim = "faq-invoice-how-to";
    let before = a.get(victim).expect("alice's copy");
    drop(b);
    let path = crate::repair::db_path(&dir);
    let chunks = crate::repair::chunks_of(&path, &format!("entry/{victim}"));
    for chunk in &chunks {
        assert!(crate::repair::damage_every_copy(&path, chunk) >= 1);
    }
    crate::repair::break_header(&path);
    let mut b = Library::open(&dir, writer("bob")).expect("salvaged");
    let report = b.repaired().expect("a repair report").to_string();
    assert!(report.contains(victim), "{report}");
    assert!(b.get(victim).is_err(), "the damaged entry is gone here");
    sync(&mut a, "alice", &mut b, "bob").expect("sync after the repair");
    assert_eq!(b.get(victim).expect("back from alice"), before);
    assert_eq!(b.ids(), a.ids());
}
