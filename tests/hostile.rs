//! A hostile member, tried for real: peers on real iroh endpoints on 127.0.0.1, where one
//! member's client writes whatever it likes into its own library — changes claiming to be
//! by someone else, signed with the wrong key or not at all, into documents it may not
//! change — and syncs them to the victim, directly or through a colluding member. Every
//! attempt is refused with a reason the attacker is told and the victim logs, and the
//! victim's library and history are unchanged. (Ticket replay and altered tickets are tried
//! in `library` and `peers`.)

use std::path::Path;

use automerge::{ActorId, AutoCommit, ROOT, ReadDoc, transaction::Transactable};
use ed25519_dalek::{Signer, SigningKey};
use lore_core::{Library, Role};
use lore_sync::{Identity, Node, SyncError};
use redb::{ReadableDatabase, TableDefinition};

const LOOPBACK: &str = "127.0.0.1:0";
pub(crate) const ENTRY: &str = "faq-invoice-how-to";

const CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("chunks");
const DOCS: TableDefinition<&str, (u64, u64, &[u8])> = TableDefinition::new("docs");

/// A member's data directory and device key; a node runs on it while `node` is set.
pub(crate) struct Peer {
    pub(crate) dir: std::path::PathBuf,
    identity: Identity,
    node: Option<Node>,
}

impl Peer {
    pub(crate) async fn start(&mut self, team_document: Option<&[u8]>) {
        let library = match team_document {
            Some(bytes) => Library::join(&self.dir, self.identity.writer(), bytes),
            None => Library::open(&self.dir, self.identity.writer()),
        }
        .expect("library");
        let options = lore_sync::Options::direct(LOOPBACK.parse().expect("addr"));
        self.node = Some(
            Node::start(library, &self.identity, options)
                .await
                .expect("node"),
        );
    }

    pub(crate) async fn stop(&mut self) {
        if let Some(node) = self.node.take() {
            node.shutdown().await;
        }
    }

    /// A member's data directory and device key under `root`, no node running yet.
    pub(crate) fn at(root: &Path, name: &str) -> Peer {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let identity = Identity::load_or_create(&dir, Some(name)).expect("identity");
        Peer {
            dir,
            identity,
            node: None,
        }
    }

    pub(crate) fn node(&self) -> &Node {
        self.node.as_ref().expect("running")
    }

    pub(crate) fn id(&self) -> String {
        self.identity.member_id()
    }

    pub(crate) fn key(&self) -> SigningKey {
        self.identity.signing_key().clone()
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Library) -> T) -> T {
        f(&mut self.node().library().lock().expect("lock"))
    }

    /// Syncs with `other`; the error the other side refused with, if it did.
    pub(crate) async fn sync_with(&self, other: &Peer) -> Result<(), String> {
        match self.node().sync_with(other.node().addr()).await {
            Ok(_) => Ok(()),
            Err(SyncError::RefusedByPeer { reason }) => Err(reason),
            Err(e) => panic!("sync failed other than by a refusal: {e}"),
        }
    }
}

/// Alice, the admin, with the demo library, and members with `roles`, each added to the
/// roster, joined and synced once.
pub(crate) async fn team(root: &Path, roles: &[(&str, Role)]) -> (Peer, Vec<Peer>) {
    let mut alice = Peer::at(root, "alice");
    alice.start(None).await;
    alice.with(|l| lore_core::demo::load(l, &mut |_, _| {}).expect("demo"));
    let mut members = Vec::new();
    for (name, role) in roles {
        let mut peer = Peer::at(root, name);
        let member = lore_core::Member {
            id: peer.id(),
            name: name.to_string(),
            role: *role,
            added_by: alice.id(),
            added_at: 0,
            removed: false,
            history_ends: Default::default(),
        };
        let document = alice.with(|l| {
            l.update_team("invited", |t| {
                t.members.insert(member.id.clone(), member);
                Ok(())
            })
            .expect("roster");
            l.team_document().expect("team document")
        });
        peer.start(Some(&document)).await;
        peer.sync_with(&alice).await.expect("first sync");
        members.push(peer);
    }
    (alice, members)
}

/// The member id as 32 key bytes.
fn key_bytes(member: &str) -> Vec<u8> {
    (0..32)
        .map(|i| u8::from_str_radix(&member[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// What a hostile client does to its own (stopped) library: makes a change to document
/// `key` as an actor naming `claimed`, signs it with `signer` (or not at all) as Lore
/// signs, and writes it straight into the database beside the honest changes.
pub(crate) fn forge(
    dir: &Path,
    key: &str,
    claimed: &str,
    signer: Option<&SigningKey>,
    change: impl FnOnce(&mut AutoCommit),
) {
    let db = redb::Database::open(dir.join("library.redb")).expect("database");
    let (mut doc, next, incrementals) = read_stored(&db, key);
    let before = doc.get_heads();
    let mut actor = key_bytes(claimed);
    actor.extend_from_slice(&[0x5a; 16]);
    doc.set_actor(ActorId::from(actor));
    change(&mut doc);
    let hash = doc.commit().expect("a change");
    let bytes = if next == 0 {
        doc.save()
    } else {
        doc.save_after(&before)
    };
    let mut record = Vec::new();
    if let Some(signer) = signer {
        let mut signed = b"lore/change/1\0".to_vec();
        signed.extend_from_slice(key.as_bytes());
        signed.push(0);
        signed.extend_from_slice(&hash.0);
        record.extend_from_slice(b"LPf1");
        record.extend_from_slice(&hash.0);
        record.extend_from_slice(&signer.sign(&signed).to_bytes());
    }
    let heads: Vec<u8> = doc.get_heads().iter().flat_map(|h| h.0).collect();
    let mut value = bytes;
    value.extend_from_slice(&record);
    value.extend_from_slice(&((record.len() / 100) as u32).to_le_bytes());
    let txn = db.begin_write().expect("write");
    {
        txn.open_table(CHUNKS)
            .expect("chunks")
            .insert((key, next), value.as_slice())
            .expect("chunk");
        let state = if next == 0 {
            (1, 0)
        } else {
            (next + 1, incrementals + 1)
        };
        txn.open_table(DOCS)
            .expect("docs")
            .insert(key, (state.0, state.1, heads.as_slice()))
            .expect("docs");
    }
    txn.commit().expect("commit");
}

/// Document `key` as a stopped library's database holds it, with its chunk count and how
/// many of those are increments (an empty document and nought when it has none).
fn read_stored(db: &redb::Database, key: &str) -> (AutoCommit, u64, u64) {
    let txn = db.begin_read().expect("read");
    let chunks = txn.open_table(CHUNKS).expect("chunks");
    let mut bytes = Vec::new();
    for item in chunks.range((key, 0)..=(key, u64::MAX)).expect("range") {
        // A stored chunk: automerge's bytes, proof records, their count (u32 LE).
        let value = item.expect("chunk").1.value().to_vec();
        let count = u32::from_le_bytes(value[value.len() - 4..].try_into().expect("4"));
        bytes.extend_from_slice(&value[..value.len() - 4 - 100 * count as usize]);
    }
    let state = txn
        .open_table(DOCS)
        .expect("docs")
        .get(key)
        .expect("get")
        .map(|v| (v.value().0, v.value().1));
    match state {
        Some((next, incrementals)) => (AutoCommit::load(&bytes).expect("load"), next, incrementals),
        None => (AutoCommit::new(), 0, 0),
    }
}

/// Document `key` as the stopped library in `dir` holds it.
pub(crate) fn stored(dir: &Path, key: &str) -> AutoCommit {
    let db = redb::Database::open(dir.join("library.redb")).expect("database");
    read_stored(&db, key).0
}

/// Sets `field` of `member` on the team document's roster.
fn set_on_roster(
    member: String,
    field: &'static str,
    value: automerge::ScalarValue,
) -> impl FnOnce(&mut AutoCommit) {
    move |doc: &mut AutoCommit| {
        let (_, members) = doc.get(ROOT, "members").expect("get").expect("members");
        let (_, entry) = doc.get(&members, &member).expect("get").expect("member");
        doc.put(&entry, field, value).expect("put");
    }
}

/// The victim's view that must not change: the document's heads and what it reads as.
fn snapshot(peer: &Peer, key: &str) -> (Vec<u8>, String) {
    peer.with(|l| {
        let heads = l
            .digest()
            .expect("digest")
            .get(key)
            .cloned()
            .unwrap_or_default();
        let text = match key.strip_prefix("entry/") {
            Some(id) => format!("{:?}", l.get(id).expect("entry")),
            None if key == "team" => format!("{:?}", l.team().expect("team")),
            None => format!("{:?}", l.total_uses().expect("uses")),
        };
        (heads, text)
    })
}

/// `attacker` (stopped, forged) starts, syncs with `victim`, and must be refused with
/// `reason`; the victim's document `key` is unchanged.
async fn refused(attacker: &mut Peer, victim: &Peer, key: &str, reason: &str) {
    let before = snapshot(victim, key);
    attacker.start(None).await;
    let err = attacker
        .sync_with(victim)
        .await
        .expect_err("the victim refuses the forged change");
    assert!(err.contains(reason), "refused, but why: {err}");
    assert_eq!(
        snapshot(victim, key),
        before,
        "{key} unchanged at the victim"
    );
}

/// Sets the entry's category: one plain field of its document.
pub(crate) fn recategorise(doc: &mut AutoCommit) {
    doc.put(ROOT, "category", "被篡改").expect("put");
}

/// Adds 1,000 uses of the entry to a ledger (creating it if it is new).
fn thousand_uses(owner: String) -> impl FnOnce(&mut AutoCommit) {
    move |doc: &mut AutoCommit| {
        if doc.get(ROOT, "uses").expect("get").is_none() {
            doc.put(ROOT, "schema", 1_u64).expect("put");
            doc.put(ROOT, "member", owner.as_str()).expect("put");
            doc.put_object(ROOT, "uses", automerge::ObjType::Map)
                .expect("uses");
            doc.put_object(ROOT, "votes", automerge::ObjType::Map)
                .expect("votes");
        }
        let (_, uses) = doc.get(ROOT, "uses").expect("get").expect("uses");
        doc.put(&uses, ENTRY, 1000_u64).expect("put");
        // Copies that would credit the entry's authors, were they taken.
        let copies = doc
            .put_object(ROOT, "copies", automerge::ObjType::List)
            .expect("copies");
        for i in 0..1000_i64 {
            let event = format!("{}\t{ENTRY}\t", 1_700_000_000 + i * 3600);
            doc.insert(&copies, i as usize, event).expect("insert");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_authorship_is_refused_and_changes_nothing() {
    let root = tempfile::tempdir().expect("tempdir");
    let roles = [
        ("victor", Role::Viewer),
        ("bob", Role::Agent),
        ("mallory", Role::Agent),
    ];
    let (alice, mut members) = team(root.path(), &roles).await;
    for m in &mut members {
        m.stop().await;
    }
    let (bob_id, alice_id) = (members[1].id(), alice.id());
    let [victor, bob, mallory] = &mut members[..] else {
        unreachable!()
    };

    // A viewer promotes himself, claiming to be the admin, signed with his own key.
    let promote = set_on_roster(victor.id(), "role", "admin".into());
    forge(&victor.dir, "team", &alice_id, Some(&victor.key()), promote);
    refused(victor, &alice, "team", "is not").await;
    let role = alice.with(|l| l.team().expect("team").members[&victor.id()].role);
    assert_eq!(role, Role::Viewer);

    // An agent edits an entry as another agent, with no signature to show.
    let key = format!("entry/{ENTRY}");
    forge(&mallory.dir, &key, &bob_id, None, recategorise);
    refused(mallory, &alice, &key, "carries no signature").await;
    let history = alice.with(|l| l.history(ENTRY).expect("history"));
    assert!(
        history.iter().all(|c| c.member != bob_id && c.verified),
        "the victim's history names no forged author: {history:?}"
    );

    // An agent adds 1,000 uses to another member's ledger, as himself, signed properly.
    let ledger = format!("ledger/{}", mallory.id());
    forge(
        &bob.dir,
        &ledger,
        &bob_id,
        Some(&bob.key()),
        thousand_uses(mallory.id()),
    );
    refused(bob, &alice, &ledger, "may not change this document").await;
    assert!(!alice.with(|l| l.has_document(&ledger).expect("has")));
    let board = alice.with(|l| l.credits(lore_core::credit::Period::ALL).expect("board"));
    assert!(
        board.members.iter().all(|m| m.uses == 0.0),
        "a forged use never reaches the board: {board:?}"
    );
    for peer in [victor, bob, mallory] {
        peer.stop().await;
    }
    let mut alice = alice;
    alice.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_members_later_changes_are_refused_whoever_relays_them() {
    let root = tempfile::tempdir().expect("tempdir");
    let roles = [
        ("bob", Role::Admin),
        ("carol", Role::Agent),
        ("dave", Role::Agent),
    ];
    let (alice, mut members) = team(root.path(), &roles).await;
    for m in &mut members {
        m.stop().await;
    }
    let [bob, carol, dave] = &mut members[..] else {
        unreachable!()
    };
    let bob_id = bob.id();
    alice.with(|l| l.remove_member(&bob_id).expect("remove bob"));
    let key = format!("entry/{ENTRY}");

    // Bob, removed, edits an entry with his own valid signature; Dave relays it.
    forge(&dave.dir, &key, &bob_id, Some(&bob.key()), recategorise);
    refused(dave, &alice, &key, "removed from the team").await;

    // Bob writes on top of the roster as it was before his removal (he was an admin
    // then) to take the admin role from Alice; Carol relays it.
    let demote = set_on_roster(alice.id(), "role", "viewer".into());
    forge(&carol.dir, "team", &bob_id, Some(&bob.key()), demote);
    refused(carol, &alice, "team", "removed from the team").await;
    let team = alice.with(|l| l.team().expect("team"));
    assert_eq!(team.members[&alice.id()].role, Role::Admin);
    assert!(team.members[&bob_id].removed);
    for peer in [bob, carol, dave] {
        peer.stop().await;
    }
    let mut alice = alice;
    alice.stop().await;
}

/// Two admins change the roster at once, neither knowing of the other's change: Alice
/// makes Dave an agent while Dave, still an admin on the roster he sees, makes Carol a
/// trainer. Each change is judged by the roster it was made on, so both stand, on both
/// peers alike, whichever arrives first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_roster_changes_by_two_admins_resolve_the_same_everywhere() {
    let root = tempfile::tempdir().expect("tempdir");
    let roles = [("dave", Role::Admin), ("carol", Role::Agent)];
    let (alice, mut members) = team(root.path(), &roles).await;
    let (dave_id, carol_id) = (members[0].id(), members[1].id());
    let dave = &members[0];
    dave.sync_with(&alice).await.expect("dave sees carol");
    alice.with(|l| {
        l.set_role(&dave_id, Role::Agent)
            .expect("alice demotes dave")
    });
    dave.with(|l| {
        l.set_role(&carol_id, Role::Trainer)
            .expect("dave promotes carol")
    });
    dave.sync_with(&alice)
        .await
        .expect("both changes are taken");
    alice.sync_with(dave).await.expect("in sync");
    let (a, d) = (
        alice.with(|l| l.team().expect("team")),
        dave.with(|l| l.team().expect("team")),
    );
    assert_eq!(a, d, "the same roster on both peers");
    assert_eq!(a.members[&dave_id].role, Role::Agent);
    assert_eq!(a.members[&carol_id].role, Role::Trainer);
    for m in &mut members {
        m.stop().await;
    }
    let mut alice = alice;
    alice.stop().await;
}
