//! Live edits cost what they changed: once two peers have synced, the next session
//! between them sends only the documents that changed since, without walking the digest
//! tree; a first session walks it.

use lore_core::Role;

use crate::peers::{alice, invited};

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
    alice
        .library()
        .lock()
        .expect("lock")
        .edit(id, |e| {
            e.title = "退款多久到账（工作日）".into();
            Ok(())
        })
        .expect("edit");
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
