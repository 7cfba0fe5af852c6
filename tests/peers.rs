//! Team sync between real iroh endpoints on 127.0.0.1, relays off.

use std::path::Path;
use std::time::Duration;

use lore_core::{Library, Role};
use lore_sync::{Identity, Node, SyncError};
use lore_tests::eventually_async;

use crate::library::member;

const LOOPBACK: &str = "127.0.0.1:0";

/// A peer: a data directory with its own device key, and a node serving its library.
pub(crate) async fn peer(dir: &Path, name: &str, team_document: Option<&[u8]>) -> Node {
    std::fs::create_dir_all(dir).expect("mkdir");
    let identity = Identity::load_or_create(dir, Some(name)).expect("identity");
    let library = match team_document {
        Some(bytes) => Library::join(dir, identity.writer(), bytes),
        None => Library::open(dir, identity.writer()),
    }
    .expect("library");
    Node::start(
        library,
        &identity,
        lore_sync::Options::direct(LOOPBACK.parse().expect("addr")),
    )
    .await
    .expect("node")
}

pub(crate) fn add_member(node: &Node, id: &str, role: Role) {
    node.library()
        .lock()
        .expect("lock")
        .update_team("invited", |t| {
            t.members.insert(id.to_string(), member(id, role));
            Ok(())
        })
        .expect("roster");
}

fn team_document(node: &Node) -> Vec<u8> {
    node.library()
        .lock()
        .expect("lock")
        .team_document()
        .expect("team document")
}

fn ids(node: &Node) -> Vec<String> {
    node.library().lock().expect("lock").ids()
}

/// Alice (admin) with the demo library.
pub(crate) async fn alice(root: &Path) -> Node {
    let alice = peer(&root.join("alice"), "alice", None).await;
    lore_core::demo::load(&mut alice.library().lock().expect("lock"), &mut |_, _| {})
        .expect("demo");
    alice
}

/// A member invited by `inviter` with `role`, joined with the team document.
pub(crate) async fn invited(root: &Path, inviter: &Node, name: &str, role: Role) -> Node {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let id = Identity::load_or_create(&dir, Some(name))
        .expect("identity")
        .member_id();
    add_member(inviter, &id, role);
    peer(&dir, name, Some(&team_document(inviter))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_member_receives_the_whole_library_over_iroh() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let report = bob.sync_with(alice.addr()).await.expect("sync");
    assert_eq!(report.peer, alice.member());
    assert!(report.documents > 300, "{report:?}");
    assert_eq!(ids(&bob), ids(&alice));
    let entry = |n: &Node| {
        n.library()
            .lock()
            .expect("lock")
            .get("faq-refund-timeline")
            .expect("get")
    };
    assert_eq!(entry(&bob), entry(&alice));
    bob.shutdown().await;
    alice.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_from_a_reaches_c_through_b_and_concurrent_edits_merge() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let carol = invited(root.path(), &alice, "carol", Role::Agent).await;
    bob.sync_with(alice.addr()).await.expect("bob ← alice");
    // Carol has never met Alice: she gets the library, and later Alice's edit, through Bob.
    carol.sync_with(bob.addr()).await.expect("carol ← bob");
    let id = "faq-refund-timeline";
    let edit = |n: &Node, tail: &str| {
        n.library()
            .lock()
            .expect("lock")
            .edit(id, |e| {
                e.body.push_str(tail);
                Ok(())
            })
            .expect("edit");
    };
    edit(&alice, "\n\nA：节假日顺延。");
    edit(&carol, "\n\nC：以银行到账为准。");
    bob.sync_with(alice.addr()).await.expect("bob ← alice");
    carol.sync_with(bob.addr()).await.expect("carol ↔ bob");
    bob.sync_with(alice.addr()).await.expect("bob → alice");
    let body = |n: &Node| n.library().lock().expect("lock").get(id).expect("get").body;
    assert_eq!(body(&alice), body(&carol), "identical documents");
    assert!(
        body(&carol).contains("A：节假日顺延。") && body(&carol).contains("C：以银行到账为准。")
    );
    for n in [carol, bob, alice] {
        n.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_members_other_teams_and_removed_members_are_refused_before_any_content() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    // Mallory has the team document (say, an old copy) but is not on the roster.
    let mallory = peer(
        &root.path().join("mallory"),
        "mallory",
        Some(&team_document(&alice)),
    )
    .await;
    let err = mallory.sync_with(alice.addr()).await.expect_err("refused");
    assert!(
        matches!(&err, SyncError::RefusedByPeer { reason } if reason.contains("not a member")),
        "{err}"
    );
    assert!(ids(&mallory).is_empty(), "no entry reached a non-member");
    // Dave runs a library of another team.
    let dave = peer(&root.path().join("dave"), "dave", None).await;
    let err = dave.sync_with(alice.addr()).await.expect_err("refused");
    assert!(err.to_string().contains("another team"), "{err}");
    // Bob was a member, then removed.
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let bob_id = bob.member();
    alice
        .library()
        .lock()
        .expect("lock")
        .update_team("removed bob", |t| {
            if let Some(m) = t.members.get_mut(&bob_id) {
                m.removed = true;
            }
            Ok(())
        })
        .expect("remove");
    let err = bob.sync_with(alice.addr()).await.expect_err("refused");
    assert!(err.to_string().contains("removed"), "{err}");
    assert!(ids(&bob).is_empty());
    // Alice's node keeps serving members.
    let carol = invited(root.path(), &alice, "carol", Role::Agent).await;
    carol
        .sync_with(alice.addr())
        .await
        .expect("carol still syncs");
    for n in [carol, bob, dave, mallory, alice] {
        n.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewers_edit_is_not_accepted_by_others() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let victor = invited(root.path(), &alice, "victor", Role::Viewer).await;
    victor.sync_with(alice.addr()).await.expect("first sync");
    let id = "faq-invoice-how-to";
    let before = alice.library().lock().expect("lock").get(id).expect("get");
    // A viewer's own library refuses the edit already.
    let local = victor.library().lock().expect("lock").archive(id);
    assert!(local.is_err_and(|e| e.to_string().contains("viewer")));
    victor.sync_with(alice.addr()).await.expect("sync");
    assert_eq!(
        alice.library().lock().expect("lock").get(id).expect("get"),
        before
    );
    victor.shutdown().await;
    alice.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_peer_does_not_sync_everything_again() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let first = bob.sync_with(alice.addr()).await.expect("first sync");
    bob.shutdown().await;
    // Bob restarts with the same data directory and key.
    let bob = peer(&root.path().join("bob"), "bob", None).await;
    let again = bob
        .sync_with(alice.addr())
        .await
        .expect("sync after restart");
    assert_eq!(again.documents, 0, "{again:?}");
    assert!(
        again.bytes_received * 20 < first.bytes_received,
        "after a restart {again:?}, the first sync {first:?}"
    );
    bob.shutdown().await;
    alice.shutdown().await;
}

/// When `n` last finished a session with `other`, if `n` knows where `other` is.
/// Waits until `a` keeps `b`'s address, starts both syncers with their timers far away
/// (only a change notification then explains a quick arrival), and waits until each has
/// finished a first session with the other and none runs between them.
pub(crate) async fn start_syncing_between(a: &Node, b: &Node) {
    eventually_async(
        Duration::from_secs(10),
        "the first to keep the second's address",
        || async move { last_sync(a, b) },
    )
    .await;
    let started = lore_core::model::now_millis();
    a.start_syncing(Duration::from_secs(3600));
    b.start_syncing(Duration::from_secs(3600));
    eventually_async(
        Duration::from_secs(10),
        "the syncers' first sessions with each other, with nothing left running between them",
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
}

pub(crate) fn last_sync(n: &Node, other: &Node) -> Option<i64> {
    n.library()
        .lock()
        .expect("lock")
        .known_peers()
        .expect("peers")
        .iter()
        .find(|p| p.member == other.member())
        .map(|p| p.last_sync)
}

/// Gives entry `id` a new title on `node` and tells its syncer.
pub(crate) fn retitle(node: &Node, id: &str, title: &str) {
    retitle_unannounced(node, id, title);
    node.changed();
}

/// Retitles entry `id` in `node`'s library without telling the node, so no background
/// push races a session the test opens itself.
pub(crate) fn retitle_unannounced(node: &Node, id: &str, title: &str) {
    node.library()
        .lock()
        .expect("lock")
        .edit(id, |e| {
            e.title = title.into();
            Ok(())
        })
        .expect("edit");
}

pub(crate) fn invite(node: &Node, role: Role, valid_for_ms: i64) -> lore_sync::Ticket {
    let invite = node
        .library()
        .lock()
        .expect("lock")
        .create_invite(role, valid_for_ms)
        .expect("invite");
    node.ticket(&invite).expect("ticket")
}

fn roster_size(node: &Node) -> usize {
    node.library()
        .lock()
        .expect("lock")
        .team()
        .expect("team")
        .members
        .len()
}

pub(crate) async fn join(
    root: &Path,
    name: &str,
    ticket: &lore_sync::Ticket,
) -> Result<(Node, lore_sync::SyncReport), SyncError> {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let identity = Identity::load_or_create(&dir, Some(name)).expect("identity");
    lore_sync::join(
        ticket,
        &dir,
        &identity,
        lore_sync::Options::direct(LOOPBACK.parse().expect("addr")),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_ticket_admits_one_member_with_its_role() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let ticket = invite(&alice, Role::Trainer, 24 * 3600 * 1000);
    let text = ticket.to_string();
    assert!(text.starts_with("lore1"));
    let parsed: lore_sync::Ticket = text.parse().expect("parses");
    assert_eq!(parsed, ticket);
    let (bob, report) = join(root.path(), "bob", &parsed).await.expect("join");
    assert!(report.documents > 300, "{report:?}");
    assert_eq!(ids(&bob), ids(&alice));
    let team = alice.library().lock().expect("lock").team().expect("team");
    let added = &team.members[&bob.member()];
    assert_eq!((added.name.as_str(), added.role), ("bob", Role::Trainer));
    // The same ticket does not admit anyone else.
    let before = roster_size(&alice);
    let err = join(root.path(), "carol", &parsed).await.expect_err("used");
    assert!(err.to_string().contains("already used"), "{err}");
    assert_eq!(roster_size(&alice), before);
    assert!(
        !root.path().join("carol").join(lore_core::DB_FILE).exists(),
        "nothing created"
    );
    bob.shutdown().await;
    alice.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_altered_damaged_and_foreign_tickets_are_refused() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let before = roster_size(&alice);
    // Expired: refused before connecting.
    let expired = invite(&alice, Role::Agent, -1000);
    let err = join(root.path(), "e1", &expired)
        .await
        .expect_err("expired");
    assert!(err.to_string().contains("expired"), "{err}");
    // An expired invite whose ticket claims a later expiry: the inviter's record decides.
    let mut stretched = expired.clone();
    stretched.expires_at += 48 * 3600 * 1000;
    let err = join(root.path(), "e2", &stretched)
        .await
        .expect_err("expired at the inviter");
    assert!(err.to_string().contains("expired"), "{err}");
    // Altered role.
    let mut promoted = invite(&alice, Role::Viewer, 3600 * 1000);
    promoted.role = Role::Admin;
    let err = join(root.path(), "t1", &promoted)
        .await
        .expect_err("altered");
    assert!(err.to_string().contains("altered"), "{err}");
    // Damaged text and something that is not a ticket.
    let text = invite(&alice, Role::Agent, 3600 * 1000).to_string();
    let mut damaged: Vec<char> = text.chars().collect();
    let i = damaged.len() / 2;
    damaged[i] = if damaged[i] == 'a' { 'b' } else { 'a' };
    let err = damaged
        .iter()
        .collect::<String>()
        .parse::<lore_sync::Ticket>()
        .expect_err("damaged");
    assert!(err.to_string().contains("damaged"), "{err}");
    let err = "https://example.invalid/join"
        .parse::<lore_sync::Ticket>()
        .expect_err("foreign");
    assert!(
        err.to_string().contains("not a Lore invite ticket"),
        "{err}"
    );
    // A ticket of this team used on a data directory of another team.
    let other = peer(&root.path().join("dave"), "dave", None).await;
    other.shutdown().await;
    let good = invite(&alice, Role::Agent, 3600 * 1000);
    let err = join(root.path(), "dave", &good)
        .await
        .expect_err("another team's directory");
    assert!(
        err.to_string()
            .contains("join with an empty data directory"),
        "{err}"
    );
    assert_eq!(
        roster_size(&alice),
        before,
        "no refused ticket changed the roster"
    );
    for name in ["e1", "e2", "t1"] {
        assert!(
            !root.path().join(name).join(lore_core::DB_FILE).exists(),
            "{name}: nothing created"
        );
    }
    alice.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_changes_reach_running_peers_at_once_and_are_searchable() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let (bob, _) = join(
        root.path(),
        "bob",
        &invite(&alice, Role::Agent, 3600 * 1000),
    )
    .await
    .expect("join");
    // Both know each other now (Bob dialled Alice; Alice kept Bob's address).
    assert!(last_sync(&bob, &alice).is_some());
    start_syncing_between(&alice, &bob).await;
    let b = &bob;
    let id = "faq-refund-timeline";
    retitle(&alice, id, "退款多久到账（holidayrule 节假日顺延）");
    eventually_async(
        Duration::from_secs(20),
        "the edit to reach Bob and become searchable there",
        || async move {
            let hits = b
                .library()
                .lock()
                .expect("lock")
                .search(&lore_core::SearchRequest {
                    text: "holidayrule".into(),
                    limit: 1,
                    ..Default::default()
                })
                .expect("search");
            hits.first().is_some_and(|h| h.id == id).then_some(())
        },
    )
    .await;
    bob.shutdown().await;
    alice.shutdown().await;
}

/// Opens a raw Lore connection to `node` from a throwaway key and sends `bytes` on a
/// stream; returns how the node ended the connection.
async fn send_raw(node: &Node, bytes: &[u8]) -> String {
    let endpoint = iroh::Endpoint::builder(iroh::endpoint::presets::Minimal)
        .clear_ip_transports()
        .bind_addr(LOOPBACK)
        .expect("bind addr")
        .bind()
        .await
        .expect("endpoint");
    let conn = endpoint
        .connect(node.addr(), lore_sync::ALPN)
        .await
        .expect("connect");
    let (mut send, mut recv) = conn.open_bi().await.expect("stream");
    send.write_all(bytes).await.expect("write");
    // Whatever the node answers, it must close the connection on its own.
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let _ = recv.read_to_end(1 << 20).await.map(|b| answer = b);
        conn.closed().await
    })
    .await
    .expect("the node closes a connection that sends garbage");
    let reason = format!("{:?}", conn.close_reason());
    endpoint.close().await;
    reason
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_frames_close_only_that_connection() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let before = ids(&alice);
    // A length prefix far over the limit: refused before anything is read or allocated.
    let oversized = send_raw(&alice, &u32::MAX.to_be_bytes()).await;
    assert!(oversized.contains("over the"), "{oversized}");
    // A frame of the right size that is not a frame of the protocol.
    let mut garbage = 9u32.to_be_bytes().to_vec();
    garbage.extend_from_slice(b"\xfflore!!!!");
    let malformed = send_raw(&alice, &garbage).await;
    assert!(malformed.contains("unknown frame type"), "{malformed}");
    // A Hello whose counts lie about its length.
    let mut lying = vec![0, 0, 0, 9, 1, 0xff, 0xff, 0xff, 0xf0];
    lying.extend_from_slice(&[0; 4]);
    let lie = send_raw(&alice, &lying).await;
    assert!(lie.contains("ApplicationClosed"), "{lie}");
    // The node keeps serving members, and nothing it stored was harmed.
    bob.sync_with(alice.addr())
        .await
        .expect("sync after the garbage");
    assert_eq!(ids(&bob), before);
    assert_eq!(ids(&alice), before);
    assert!(
        alice
            .library()
            .lock()
            .expect("lock")
            .check()
            .expect("check")
            .is_empty(),
        "no damaged documents"
    );
    bob.shutdown().await;
    alice.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_dialling_each_other_at_once_share_one_connection_and_converge() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let bob = invited(root.path(), &alice, "bob", Role::Agent).await;
    let add = |n: &Node, title: String| {
        n.library()
            .lock()
            .expect("lock")
            .add(lore_core::Entry::new(lore_core::Kind::Faq, title))
            .expect("add")
    };
    let mut link = None;
    for round in 0..5 {
        add(&alice, format!("Alice 的第 {round} 条"));
        add(&bob, format!("Bob 的第 {round} 条"));
        // Both dial (or reuse their link) at the same moment.
        let (a, b) = tokio::join!(alice.sync_with(bob.addr()), bob.sync_with(alice.addr()));
        a.expect("alice → bob");
        b.expect("bob → alice");
        assert_eq!(ids(&alice), ids(&bob), "round {round}");
        // Both sides use the same connection: exactly one of them dialled it, and it is
        // the one they had from the first round on.
        let (a, b) = (alice.connected(), bob.connected());
        assert_eq!((a.len(), b.len()), (1, 1), "round {round}");
        assert_ne!(a[0].dialled, b[0].dialled, "round {round}: {a:?} {b:?}");
        let this = (a[0].since, b[0].since);
        assert_eq!(
            *link.get_or_insert(this),
            this,
            "round {round}: reconnected"
        );
    }
    assert_eq!(
        alice
            .library()
            .lock()
            .expect("lock")
            .pending_for(&bob.member())
            .expect("pending"),
        0
    );
    bob.shutdown().await;
    alice.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_cannot_be_reached_delays_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    let alice = alice(root.path()).await;
    let dir = root.path().join("bob");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let identity = Identity::load_or_create(&dir, Some("bob")).expect("identity");
    add_member(&alice, &identity.member_id(), Role::Agent);
    let library = Library::join(&dir, identity.writer(), &team_document(&alice)).expect("join");
    // Nothing listens on this port: the relay is down (or the team has none running).
    let options = lore_sync::Options {
        relay: Some("http://127.0.0.1:9".parse().expect("url")),
        ..lore_sync::Options::direct(LOOPBACK.parse().expect("addr"))
    };
    let bob = Node::start(library, &identity, options)
        .await
        .expect("node");
    assert!(
        bob.addr().relay_urls().next().is_some(),
        "the relay is announced"
    );
    let report = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        bob.sync_with(alice.addr()),
    )
    .await
    .expect("direct addresses do not wait for the relay")
    .expect("sync");
    assert!(report.documents > 300);
    bob.shutdown().await;
    alice.shutdown().await;
}
