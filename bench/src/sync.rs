//! `lore-bench sync`: team sync on loopback — a new member receiving a large library,
//! reconnecting with nothing changed, the bytes one edit costs, and how fast one edit
//! reaches every peer of a 10- and a 50-peer mesh, with the messages it costs each node.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use lore_core::{Library, Role};
use lore_sync::{Identity, Node};

use crate::measure::{Scratch, figure, latency, ms, percentile, settled, watch};

const LOOPBACK: &str = "127.0.0.1:0";

async fn node(dir: &Path, name: &str, team: Option<&[u8]>) -> Result<Node> {
    std::fs::create_dir_all(dir)?;
    let identity = Identity::load_or_create(dir, Some(name))?;
    let library = match team {
        Some(bytes) => Library::join(dir, identity.writer(), bytes)?,
        None => Library::open(dir, identity.writer())?,
    };
    Ok(Node::start(
        library,
        &identity,
        lore_sync::Options::direct(LOOPBACK.parse()?),
    )
    .await?)
}

/// A roster entry for the member `id`, added by the benchmark's admin.
pub(crate) fn roster_member(id: &str, name: &str, role: Role) -> lore_core::Member {
    lore_core::Member {
        id: id.to_string(),
        name: name.to_string(),
        role,
        added_by: String::new(),
        added_at: 0,
        removed: false,
        history_ends: Default::default(),
    }
}

/// A member of `admin`'s team with its own data directory.
async fn member(root: &Path, admin: &Node, name: &str) -> Result<Node> {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir)?;
    let id = Identity::load_or_create(&dir, Some(name))?.member_id();
    let team = {
        let library = admin.library();
        let mut library = library.lock().map_err(|_| anyhow::anyhow!("lock"))?;
        library.update_team("invited", |t| {
            t.members
                .insert(id.clone(), roster_member(&id, name, Role::Agent));
            Ok(())
        })?;
        library.team_document()?
    };
    node(&dir, name, Some(&team)).await
}

fn edit(node: &Node, id: &str, text: &str) -> Result<()> {
    let library = node.library();
    let mut library = library.lock().map_err(|_| anyhow::anyhow!("lock"))?;
    library.edit(id, |e| {
        e.body.push_str(text);
        Ok(())
    })?;
    Ok(())
}

/// The time `changes` signature checks take, as a receiver makes them (one per change:
/// the author's key, the document key and the change hash).
pub(crate) fn verifying(changes: usize) -> Result<Duration> {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let member: String = key
        .verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let doc = "entry/0123456789ab";
    let signed: Vec<_> = (0..changes)
        .map(|i| {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let hash = automerge::ChangeHash(hash);
            (hash, lore_core::doc::proof::sign(&key, doc, &hash))
        })
        .collect();
    let started = Instant::now();
    for (hash, seal) in &signed {
        lore_core::doc::proof::verify(&member, doc, hash, seal).map_err(anyhow::Error::msg)?;
    }
    Ok(started.elapsed())
}

/// Ten edits `alice` makes and announces live, numbered from `first`, each timed until
/// `bob` has it; `apart`, each is made as the meshes' are, on an idle pair 300 ms after
/// the last. Also the kilobytes Alice's gossip sent per edit, from each edit to its arrival.
async fn live_edits(
    alice: &Node,
    bob: &Node,
    id: &str,
    first: usize,
    apart: bool,
) -> Result<(Vec<Duration>, f64)> {
    let (mut times, mut bytes) = (Vec::new(), 0);
    for round in first..first + 10 {
        if apart {
            mesh_idle(&[alice, bob]).await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let before = alice.news_stats().bytes_sent;
        edit(alice, id, &format!("\n\n补充：第{round}次。"))?;
        let want = heads(alice, id);
        let taken = [bob.news_stats().taken];
        let started = Instant::now();
        alice.changed();
        match arrival(&[bob], &taken, id, &want, started) {
            Ok(took) => times.push(took),
            Err(_) => bail!("a live edit did not reach the other peer within 30 s"),
        }
        bytes += alice.news_stats().bytes_sent - before;
    }
    Ok((times, bytes as f64 / 10.0 / 1e3))
}

/// Waits until no node of `peers` has had a session running for 200 ms.
async fn mesh_idle(peers: &[&Node]) -> Result<()> {
    let started = Instant::now();
    let mut quiet_since = Instant::now();
    loop {
        if peers
            .iter()
            .any(|p| p.connected().iter().any(|c| c.syncing))
        {
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= Duration::from_millis(200) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the mesh did not settle within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// How long after `started` the last of `peers` held `want` as entry `id`'s heads, noticed
/// to within ~0.1 ms: the waiting thread looks at each peer's count of news taken (kept
/// apart from its library, so looking never holds up a peer taking news in) and reads the
/// heads of a peer only once its count has moved past `before`. Gives up after 30 s,
/// naming the peers still lacking.
fn arrival(
    peers: &[&Node],
    before: &[u64],
    id: &str,
    want: &[String],
    started: Instant,
) -> Result<Duration, Vec<usize>> {
    let mut lacking: Vec<usize> = (0..peers.len()).collect();
    let arrived = watch(started, Duration::from_secs(30), || {
        lacking
            .retain(|&i| peers[i].news_stats().taken <= before[i] || heads(peers[i], id) != want);
        lacking.is_empty()
    });
    if let Some(took) = arrived {
        return Ok(took);
    }
    // Whatever came another way than news (a sync session) counts too.
    lacking.retain(|&i| heads(peers[i], id) != want);
    if lacking.is_empty() {
        Ok(started.elapsed())
    } else {
        Err(lacking)
    }
}

/// The heads of entry `id` on `node` (none if it cannot say): cheap to ask, so waiting for
/// an edit to arrive takes next to nothing from the nodes being measured.
fn heads(node: &Node, id: &str) -> Vec<String> {
    node.library()
        .lock()
        .ok()
        .and_then(|mut l| l.entry_heads(id).ok())
        .unwrap_or_default()
}

pub fn run(n: usize) -> Result<ExitCode> {
    // LORE_LOG=debug shows what the nodes do while measured.
    if std::env::var_os("LORE_LOG").is_some() {
        lore_app::cli::init_logging();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(measure(n))
}

async fn measure(n: usize) -> Result<ExitCode> {
    let scratch = Scratch::new("sync")?;
    let root = scratch.0.clone();
    let mut ok = true;
    println!("sync benchmark on loopback: a {n}-entry library, then meshes of 10 and 50 peers");

    // A large library and a new member receiving it.
    let alice = node(&root.join("alice"), "alice", None).await?;
    {
        let items = crate::measure::generated_items(n, 11)?;
        let library = alice.library();
        let mut library = library.lock().map_err(|_| anyhow::anyhow!("lock"))?;
        library.import(items, &mut |_, _| {})?;
    }
    let bob = member(&root, &alice, "bob").await?;
    let started = Instant::now();
    let first = bob.sync_with(alice.addr()).await?;
    let join_time = started.elapsed();
    if first.documents < n || first.whole < n {
        bail!(
            "the new member received {} documents ({} whole), expected at least {n}",
            first.documents,
            first.whole
        );
    }
    ok &= figure(
        "new member receives the library (in bulk)",
        join_time.as_secs_f64(),
        15.0 * n as f64 / 10_000.0,
        "s",
    );
    // The per-document path in the same run: a member who already holds a few documents
    // of its own is more than a newcomer, so it syncs each document in a conversation
    // of its own, as every new member did before the bulk path.
    let carol = member(&root, &alice, "carol").await?;
    {
        let own: Vec<_> = crate::measure::generated_items(8, 99)?
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                item.entry.id = format!("carol-own-{i}");
                item
            })
            .collect();
        let library = carol.library();
        let mut library = library.lock().map_err(|_| anyhow::anyhow!("lock"))?;
        library.import(own, &mut |_, _| {})?;
    }
    let started = Instant::now();
    let per_doc = carol.sync_with(alice.addr()).await?;
    let per_doc_time = started.elapsed();
    if per_doc.documents < n || per_doc.whole > 0 {
        bail!(
            "the per-document member received {} documents ({} whole), expected {n} synced",
            per_doc.documents,
            per_doc.whole
        );
    }
    let speedup = per_doc_time.as_secs_f64() / join_time.as_secs_f64();
    println!(
        "{:<44} {:>9.2} s   (the same library, one sync conversation per document)",
        "  per-document path",
        per_doc_time.as_secs_f64()
    );
    let fast_enough = speedup >= 3.0;
    ok &= fast_enough;
    println!(
        "{:<44} {:>9.2} x   (budget ≥ 3 x)  {}",
        "  bulk is faster by",
        speedup,
        if fast_enough { "ok" } else { "UNDER BUDGET" }
    );
    carol.shutdown().await;

    // What checking signatures cost within that: the same number of verifications, alone.
    let checks = verifying(first.changes)?;
    println!(
        "{:<44} {:>9.2} s   ({} changes verified, {:.1}% of the join)",
        "  of which checking authors' signatures",
        checks.as_secs_f64(),
        first.changes,
        100.0 * checks.as_secs_f64() / join_time.as_secs_f64()
    );

    // Reconnect with nothing changed.
    let started = Instant::now();
    let idle = bob.sync_with(alice.addr()).await?;
    let idle_time = started.elapsed();
    ok &= figure(
        "reconnect, nothing changed: time",
        idle_time.as_secs_f64(),
        2.0,
        "s",
    );
    let idle_bytes = (idle.bytes_sent + idle.bytes_received) as f64 / 1e6;
    ok &= figure("reconnect, nothing changed: bytes", idle_bytes, 2.0, "MB");

    // The bytes of one edit.
    let id = alice
        .library()
        .lock()
        .map_err(|_| anyhow::anyhow!("lock"))?
        .ids()[n / 2]
        .clone();
    edit(&alice, &id, "\n\n补充：节假日顺延。")?;
    let one = bob.sync_with(alice.addr()).await?;
    let edit_bytes = (one.bytes_sent + one.bytes_received) as f64 / 1e3;
    ok &= figure(
        "one edit by sync session, bytes per peer",
        edit_bytes,
        4.0,
        "KB",
    );
    // One edit announced live: both nodes syncing in the background and on the team's
    // topic, the time until the other has it, and what it cost on the wire.
    for node in [&alice, &bob] {
        node.start_syncing(Duration::from_secs(3600));
    }
    on_topic(&[&alice, &bob], 1).await?;
    mesh_idle(&[&alice, &bob]).await?;
    // Ten edits back to back, then ten as the meshes' are made: each on an idle pair, 300
    // ms after the last (a machine that has been idle wakes slower: the budget compares
    // like with like).
    let (mut warm, news_bytes) = live_edits(&alice, &bob, &id, 0, false).await?;
    let (mut apart, _) = live_edits(&alice, &bob, &id, 10, true).await?;
    let edit_latency = percentile(&mut apart, 50);
    println!(
        "{:<44} {:>9.2} ms   (back to back: {:.2} ms)",
        "one edit announced live, latency p50",
        ms(edit_latency),
        ms(percentile(&mut warm, 50)),
    );
    ok &= figure(
        "one edit announced live, bytes per peer",
        news_bytes,
        4.0,
        "KB",
    );
    bob.shutdown().await;
    alice.shutdown().await;

    // Meshes of 10 and 50 peers: one edit reaches every other peer.
    let mut ten = mesh(&root.join("mesh10"), 10).await?;
    let budget = 3.0 * edit_latency.as_secs_f64() * 1e3;
    ok &= latency(
        "10-peer mesh: edit reaches all",
        &mut ten.delays,
        budget,
        budget,
    );
    ten.print(10);
    // The floor under that: the gossip engine alone, timed the same way.
    let mut alone = crate::gossip::measure(10).await?;
    let (p50, p99) = (
        ms(percentile(&mut alone.mesh, 50)),
        ms(percentile(&mut alone.mesh, 99)),
    );
    let one = ms(alone.one_peer_p50);
    println!(
        "{:<44} {:>9.2} ms   (10 peers p50 {p50:.2} / p99 {p99:.2} ms: p99 {:.1} x its one peer)",
        "  iroh-gossip alone, bare: one peer p50",
        one,
        p99 / one
    );
    let mut fifty = mesh(&root.join("mesh50"), 50).await?;
    ok &= latency(
        "50-peer mesh: edit reaches all",
        &mut fifty.delays,
        1000.0,
        1000.0,
    );
    fifty.print(50);
    let growth = fifty.messages / ten.messages;
    let flat = growth <= 1.5;
    ok &= flat;
    println!(
        "{:<44} {:>9.2} x   (budget ≤ 1.5 x: does not grow with the team)  {}",
        "  messages per node per edit, 50 against 10",
        growth,
        if flat { "ok" } else { "OVER BUDGET" }
    );

    // automerge-repo on the same entries, when its script is installed.
    let items = crate::measure::generated_items(n, 11)?;
    if let Some(theirs) = crate::automerge_repo::measure(&items, &root)? {
        println!("automerge-repo {} beside Lore:", theirs.version);
        let beside = crate::automerge_repo::beside;
        beside(
            "new member receives the library",
            join_time.as_secs_f64(),
            theirs.new_member_s,
            "s",
        );
        beside(
            "reconnect, nothing changed: time",
            idle_time.as_secs_f64(),
            theirs.reconnect_s,
            "s",
        );
        beside(
            "reconnect, nothing changed: bytes",
            idle_bytes,
            theirs.reconnect_mb,
            "MB",
        );
        beside(
            "one edit, bytes on the wire per peer",
            news_bytes,
            theirs.edit_kb,
            "KB",
        );
        beside(
            "one edit, latency",
            edit_latency.as_secs_f64() * 1e3,
            theirs.edit_ms,
            "ms",
        );
        let small_enough = news_bytes <= theirs.edit_kb;
        ok &= small_enough;
        println!(
            "{:<44} {:>9.2} KB  (budget ≤ automerge-repo's {:.2} KB)  {}",
            "one edit, bytes per peer against automerge-repo",
            news_bytes,
            theirs.edit_kb,
            if small_enough { "ok" } else { "OVER BUDGET" }
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Waits until every node of `nodes` has at least `least` neighbours on the team's topic
/// and the overlay has settled (no node's neighbours changed for a second), as a team's
/// has long before anyone edits.
async fn on_topic(nodes: &[&Node], least: usize) -> Result<()> {
    settled(
        || nodes.iter().map(|n| n.news_stats().neighbours).collect(),
        least,
        "the team's topic, every node on it,",
    )
    .await
}

/// Edits a mesh makes before those measured against the budget: its broadcast tree forms.
const FORMING: usize = 2;

/// What one mesh measured: each edit's time to reach every peer, and per node per edit
/// the gossip messages and bytes it sent.
struct Mesh {
    /// The first edits, while the broadcast tree forms (reported, not in the budget).
    forming: Vec<Duration>,
    delays: Vec<Duration>,
    messages: f64,
    kilobytes: f64,
}

impl Mesh {
    fn print(&self, size: usize) {
        let forming: Vec<String> = self
            .forming
            .iter()
            .map(|d| format!("{:.1} ms", d.as_secs_f64() * 1e3))
            .collect();
        println!(
            "  {size} peers: the first {} edits, while the broadcast tree forms: {}",
            forming.len(),
            forming.join(", ")
        );
        println!(
            "{:<44} {:>9.2}      ({:.2} KB)",
            format!("  {size} peers: messages sent per node per edit"),
            self.messages,
            self.kilobytes
        );
    }
}

/// A mesh of `size` peers in this process: the first holds the demo library and the
/// roster, every other member syncs with it alone (so each knows the first and whoever
/// dialled it, never the whole team), then all are on the team's topic and edits, from one
/// peer after another, are timed until every peer has them: the first [`FORMING`] apart
/// (PlumTree shapes its broadcast tree from the duplicates of the first messages, and
/// pulls what a pruned branch missed 80 ms later), then 20 against the budget.
async fn mesh(root: &Path, size: usize) -> Result<Mesh> {
    let hub = node(&root.join("m0"), "m0", None).await?;
    {
        let library = hub.library();
        let mut library = library.lock().map_err(|_| anyhow::anyhow!("lock"))?;
        lore_core::demo::load(&mut library, &mut |_, _| {})?;
    }
    let mut peers = vec![hub];
    for i in 1..size {
        let p = member(root, &peers[0], &format!("m{i}")).await?;
        p.sync_with(peers[0].addr()).await?;
        peers.push(p);
    }
    // Everyone takes the final roster from the first.
    for p in &peers[1..] {
        p.sync_with(peers[0].addr()).await?;
    }
    for p in &peers {
        p.start_syncing(Duration::from_secs(3600));
    }
    let all: Vec<&Node> = peers.iter().collect();
    on_topic(&all, 1).await?;
    // As a team's overlay has long before anyone edits, the roll call has run twice (a
    // neighbour left listing this one without being listed back is joined again by then),
    // and the topic has settled after.
    tokio::time::sleep(lore_sync::roll::FIRST * 4 + lore_sync::roll::ANSWER_WITHIN).await;
    on_topic(&all, 1).await?;
    let entry = "faq-refund-timeline";
    let sent = |peers: &[Node]| -> (u64, u64) {
        peers
            .iter()
            .map(|p| p.news_stats())
            .fold((0, 0), |(m, b), s| (m + s.messages_sent, b + s.bytes_sent))
    };
    let (mut forming, mut delays) = (Vec::new(), Vec::new());
    let (mut messages, mut bytes) = (0, 0);
    for round in 0..FORMING + 20 {
        // Each edit is made on an idle mesh, as edits a few seconds apart are.
        mesh_idle(&all).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = sent(&peers);
        let from = &peers[round % peers.len()];
        let text = format!("\n\n第{round}次修订。");
        edit(from, entry, &text)?;
        let want = heads(from, entry);
        let others: Vec<&Node> = peers.iter().filter(|p| !std::ptr::eq(*p, from)).collect();
        let taken: Vec<u64> = others.iter().map(|p| p.news_stats().taken).collect();
        let started = Instant::now();
        from.changed();
        let took = match arrival(&others, &taken, entry, &want, started) {
            Ok(took) => took,
            Err(lacking) => {
                let lacking: Vec<String> = lacking
                    .iter()
                    .map(|&i| {
                        let m = peers.iter().position(|p| std::ptr::eq(p, others[i]));
                        format!("m{} {:?}", m.unwrap_or(0), others[i].news_stats())
                    })
                    .collect();
                bail!(
                    "edit {round} from m{} ({:?}) did not reach every peer of {size} within 30 s; lacking: {lacking:#?}",
                    round % peers.len(),
                    from.news_stats()
                );
            }
        };
        if round < FORMING {
            forming.push(took);
            continue;
        }
        delays.push(took);
        // What the edit cost, once the gossip about it has died down.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after = sent(&peers);
        messages += after.0 - before.0;
        bytes += after.1 - before.1;
    }
    for p in peers {
        p.shutdown().await;
    }
    let per = (size * 20) as f64;
    Ok(Mesh {
        forming,
        delays,
        messages: messages as f64 / per,
        kilobytes: bytes as f64 / per / 1e3,
    })
}
