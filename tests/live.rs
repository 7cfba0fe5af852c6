//! Live edits cost what they changed: once two peers have synced, the next session
//! between them sends only the documents that changed since, without walking the digest
//! tree; a first session walks it.

use lore_core::Role;

use crate::news::alice_and_bob;
use crate::peers::{alice, invited, peer, retitle_unannounced};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_first_sync_an_edit_sends_only_its_own_document() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let first = bob.sync_with(alice.addr()).await.expect("first sync");
    assert!(
        first.walked,
        "a first session walks the digest tree: {first:?}"
    );
    assert!(first.documents > 300, "{first:?}");

    let id = "faq-refund-timeline";
    retitle_unannounced(&alice, id, "退款多久到账（工作日）");
    let live = bob.sync_with(alice.addr()).await.expect("live sync");
    assert!(!live.walked, "{live:?}");
    assert_eq!(live.documents, 1, "only the edited entry: {live:?}");
    let title = bob
        .library()
        .lock()
        .expect("lock")
        .get(id)
        .expect("get")
        .title;
    assert_eq!(title, "退款多久到账（工作日）");
    let bytes = live.bytes_sent + live.bytes_received;

    // Nothing changed since: nothing to sync, and still no walk.
    let idle = bob.sync_with(alice.addr()).await.expect("idle sync");
    assert!(!idle.walked && idle.documents == 0, "{idle:?}");
    assert!(
        idle.bytes_sent + idle.bytes_received < bytes,
        "{idle:?} vs {live:?}"
    );
    bob.shutdown().await;
    alice.shutdown().await;
}

/// Copies a data directory's files (not its subfolders' locks or sockets).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_restored_from_a_backup_still_gets_what_it_lost() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = alice_and_bob(root.path()).await;
    bob.shutdown().await;
    let bob_dir = root.path().join("bob");
    let backup = root.path().join("bob-backup");
    copy_dir(&bob_dir, &backup);

    // Alice's edit reaches Bob, then Bob's machine is restored from the backup taken
    // before it: both sides' records say they share everything, yet Bob lacks the edit.
    let bob = peer(&bob_dir, "bob", None).await;
    let id = "faq-refund-timeline";
    retitle_unannounced(&alice, id, "退款多久到账（已更新）");
    bob.sync_with(alice.addr()).await.expect("the edit");
    bob.shutdown().await;
    std::fs::remove_dir_all(&bob_dir).expect("rm");
    copy_dir(&backup, &bob_dir);
    let bob = peer(&bob_dir, "bob", None).await;
    let title = |n: &lore_sync::Node| {
        n.library()
            .lock()
            .expect("lock")
            .get(id)
            .expect("get")
            .title
    };
    assert_ne!(title(&bob), "退款多久到账（已更新）");

    let report = bob
        .sync_with(alice.addr())
        .await
        .expect("after the restore");
    assert!(
        report.walked,
        "the library hashes differ, so the tree is walked: {report:?}"
    );
    assert_eq!(title(&bob), "退款多久到账（已更新）");
    bob.shutdown().await;
    alice.shutdown().await;
}
