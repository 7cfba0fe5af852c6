//! Damage never costs the library: a database file redb refuses is salvaged on the next
//! open, `lore check --repair` rebuilds one whose documents cannot be read, and the
//! scanner behind both reads documents, increments and proofs from the raw bytes.

use std::io::Write as _;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use lore_core::salvage::{self, Unreadable};
use lore_core::{Entry, Kind, Library, Writer};
use redb::{ReadableDatabase, TableDefinition};

use crate::lore;

const CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("chunks");

/// Bytes inside both of redb's commit slots (each slot's root page and root checksum):
/// with these flipped, redb refuses the file, however it was last closed.
const COMMIT_SLOTS: [usize; 4] = [64 + 8, 64 + 20, 192 + 8, 192 + 20];

pub(crate) fn db_path(dir: &Path) -> PathBuf {
    dir.join(lore_core::DB_FILE)
}

/// Flips every bit of the bytes at `offsets`.
fn flip(path: &Path, offsets: &[usize]) {
    let mut bytes = std::fs::read(path).expect("read the database");
    for &at in offsets {
        bytes[at] ^= 0xff;
    }
    std::fs::write(path, bytes).expect("write the database");
}

/// Makes the file one redb refuses, and checks that it does (so a test that relies on it
/// cannot pass by accident).
pub(crate) fn break_header(path: &Path) {
    flip(path, &COMMIT_SLOTS);
    assert!(
        redb::Database::open(path).is_err(),
        "redb still opens {}",
        path.display()
    );
}

/// The stored chunks of document `key`, read through redb.
pub(crate) fn chunks_of(path: &Path, key: &str) -> Vec<Vec<u8>> {
    let db = redb::Database::open(path).expect("open redb");
    let txn = db.begin_read().expect("read txn");
    let table = txn.open_table(CHUNKS).expect("chunks table");
    table
        .range((key, 0)..=(key, u64::MAX))
        .expect("range")
        .map(|item| item.expect("chunk").1.value().to_vec())
        .collect()
}

/// Flips a byte in the middle of every copy of `needle` in the file (redb keeps older
/// copies in freed pages); returns how many copies there were.
pub(crate) fn damage_every_copy(path: &Path, needle: &[u8]) -> usize {
    let mut bytes = std::fs::read(path).expect("read the database");
    let starts: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(at, _)| at)
        .collect();
    for at in &starts {
        bytes[at + needle.len() / 2] ^= 0x5a;
    }
    std::fs::write(path, bytes).expect("write the database");
    starts.len()
}

/// The files a repair kept aside in `dir`.
fn kept_aside(dir: &Path) -> Vec<PathBuf> {
    let mut kept: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the data directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("library.redb.damaged-"))
        })
        .collect();
    kept.sort();
    kept
}

/// Imports `n` FAQ entries titled `条目 N` in one process; returns their ids by title order.
fn import(l: &lore_tests::Lore, n: usize) -> Vec<String> {
    let path = l.scratch("items.jsonl");
    let mut file = std::fs::File::create(&path).expect("create the import file");
    for i in 0..n {
        let line = serde_json::json!({
            "kind": "faq",
            "title": format!("条目 {i:03}"),
            "body": format!("退款问题的第 {i} 个回答 refund answer {i}"),
        });
        writeln!(file, "{line}").expect("write a line");
    }
    l.ok(&["import", path.to_str().expect("a UTF-8 path")]);
    let mut ids: Vec<String> = l
        .json(&["list"])
        .iter()
        .map(|row| row["id"].as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    ids
}

fn ids_listed(l: &lore_tests::Lore) -> Vec<String> {
    l.all_ids()
}

#[test]
fn a_database_redb_refuses_is_salvaged_and_every_entry_lists_again() {
    let l = lore();
    let ids = import(&l, 12);
    // Edits past the compaction threshold: a snapshot, increments, and old copies.
    let edited = &ids[3];
    for i in 1..=10 {
        l.ok(&["edit", edited, "--body", &format!("第{i}版 revised")]);
    }
    break_header(&db_path(&l.dir()));

    let out = l.run(&["list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let kept = kept_aside(&l.dir());
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(
        stderr.contains(&kept[0].display().to_string()) && stderr.contains("recovered: 12 entries"),
        "{stderr}"
    );
    assert!(!stderr.contains("lost:"), "{stderr}");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        ids.iter().all(|id| listed.contains(id.as_str())),
        "{listed}"
    );
    // The newest state of the edited entry won over its older copies.
    assert_eq!(l.json(&["show", edited])[0]["body"], "第10版 revised");
    assert_eq!(l.json(&["history", edited]).len(), 11);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept[0])
            .expect("kept")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the damaged file is {mode:o}");
    }

    // The rebuilt library opens as it is: no second repair, and search was rebuilt.
    let again = l.run(&["list"]);
    assert!(String::from_utf8_lossy(&again.stderr).is_empty());
    assert_eq!(kept_aside(&l.dir()).len(), 1);
    assert!(l.ok(&["check"]).contains("read cleanly"));
    assert!(l.ok(&["search", "条目 007"]).contains(&ids[7]));
    l.ok(&["add", "--kind", "faq", "--title", "修复之后"]);
    assert_eq!(ids_listed(&l).len(), 13);
}

#[test]
fn a_document_whose_bytes_are_damaged_is_named_lost_and_the_others_are_kept() {
    let l = lore();
    let ids = import(&l, 6);
    let victim = &ids[2];
    let title = l.json(&["show", victim])[0]["title"].clone();
    let path = db_path(&l.dir());
    let chunks = chunks_of(&path, &format!("entry/{victim}"));
    assert_eq!(chunks.len(), 1, "an imported entry is one snapshot");
    assert!(damage_every_copy(&path, &chunks[0]) >= 1);
    break_header(&path);

    let out = l.run(&["list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "lost: entry {victim} “{}”",
            title.as_str().unwrap_or_default()
        )) && stderr.contains("recovered: 5 entries")
            && stderr.contains("send back what was lost on the next sync"),
        "{stderr}"
    );
    let mut expected = ids.clone();
    expected.retain(|id| id != victim);
    assert_eq!(ids_listed(&l), expected);
    assert!(l.ok(&["check"]).contains("read cleanly"));
}

#[test]
fn check_names_a_damaged_document_and_check_repair_rebuilds_without_it() {
    let l = lore();
    let ids = import(&l, 5);
    let victim = &ids[1];
    let title = l.json(&["show", victim])[0]["title"].clone();
    let path = db_path(&l.dir());
    let chunks = chunks_of(&path, &format!("entry/{victim}"));
    damage_every_copy(&path, &chunks[0]);

    // redb still opens the file: `check` names the entry and points at the repair.
    let out = l.run(&["check"]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains(&format!("entry {victim} is damaged")),
        "{stdout}"
    );
    assert!(stderr.contains("lore check --repair"), "{stderr}");
    assert!(
        kept_aside(&l.dir()).is_empty(),
        "plain check repairs nothing"
    );

    let report = l.ok(&["check", "--repair"]);
    assert!(
        report.contains(&format!(
            "lost: entry {victim} “{}”",
            title.as_str().unwrap_or_default()
        )) && report.contains("recovered: 4 entries, 0 ledgers, the team document"),
        "{report}"
    );
    assert_eq!(kept_aside(&l.dir()).len(), 1);
    let mut expected = ids.clone();
    expected.retain(|id| id != victim);
    assert_eq!(ids_listed(&l), expected);
    assert!(l.ok(&["check"]).contains("all 4 entries"));
}

#[test]
fn check_repair_leaves_a_healthy_library_as_it_is() {
    let l = lore();
    let ids = import(&l, 4);
    l.ok(&["edit", &ids[0], "--add-tag", "退款"]);
    let before: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| l.json(&["show", id])[0].clone())
        .collect();
    let history = l.json(&["history", &ids[0]]);

    let out = l.ok(&["check", "--repair"]);
    assert!(out.contains("nothing to repair"), "{out}");
    assert!(kept_aside(&l.dir()).is_empty());
    let after: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| l.json(&["show", id])[0].clone())
        .collect();
    assert_eq!(before, after);
    assert_eq!(l.json(&["history", &ids[0]]), history);
    assert_eq!(
        l.json(&["check", "--repair"]),
        vec![serde_json::json!({ "repaired": null })]
    );
}

/// A team document no copy of which can be read is never replaced by a new team's (the
/// library would become another team, refused by every teammate): the entries stay, and
/// commands that need the team say how to fetch it back.
#[test]
fn a_lost_team_document_is_named_and_never_replaced_by_a_new_team() {
    let l = lore();
    let ids = import(&l, 3);
    let path = db_path(&l.dir());
    for chunk in chunks_of(&path, "team") {
        damage_every_copy(&path, &chunk);
    }
    break_header(&path);

    let out = l.run(&["list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("NOT the team document") && stderr.contains("lore join"),
        "{stderr}"
    );
    assert_eq!(ids_listed(&l), ids);
    for _ in 0..2 {
        let err = l.fails(&["add", "--kind", "faq", "--title", "新条目"]);
        assert!(err.contains("no team document"), "{err}");
    }
    assert!(chunks_of(&path, "team").is_empty(), "no new team was made");
}

/// What the lost team document's message advises works: a new invite from a teammate,
/// `lore join`, and the library is whole and writable again.
#[test]
fn a_member_whose_team_document_was_lost_joins_again_and_writes() {
    use crate::team::{free_port, interrupt, serve};
    let (alice, bob) = (lore(), lore());
    alice.ok(&["--name", "Alice", "team", "create", "修复测试团队"]);
    let ids = import(&alice, 3);
    let listen = format!("127.0.0.1:{}", free_port());
    let (node, _log) = serve(&alice, &listen);
    let ticket = alice.ok(&["invite", "--role", "agent", "--listen", &listen]);
    bob.ok(&[
        "--name",
        "Bob",
        "join",
        ticket.trim(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(ids_listed(&bob), ids);
    let path = db_path(&bob.dir());
    for chunk in chunks_of(&path, "team") {
        damage_every_copy(&path, &chunk);
    }
    break_header(&path);
    assert!(bob.fails(&["members"]).contains("no team document"));

    let ticket = alice.ok(&["invite", "--role", "agent", "--listen", &listen]);
    bob.ok(&["join", ticket.trim(), "--listen", "127.0.0.1:0"]);
    let members = bob.json(&["members"]);
    assert!(members.iter().any(|m| m["name"] == "Alice"), "{members:?}");
    bob.ok(&["add", "--kind", "faq", "--title", "重新加入之后"]);
    assert_eq!(ids_listed(&bob).len(), ids.len() + 1);
    interrupt(node);
}

/// A repair needs the library closed: with a node running, `check --repair` says to stop
/// it (the node still runs a plain `check`).
#[test]
fn check_repair_says_a_running_node_must_stop_first() {
    let l = lore();
    import(&l, 2);
    let (node, _log) = crate::team::serve(&l, "127.0.0.1:0");
    let err = l.fails(&["check", "--repair"]);
    assert!(
        err.contains("a Lore node") && err.contains("stop the node"),
        "{err}"
    );
    assert!(l.ok(&["check"]).contains("read cleanly"));
    crate::team::interrupt(node);
    assert!(l.ok(&["check", "--repair"]).contains("nothing to repair"));
}

/// A salvage killed at any point leaves a library the next open salvages or opens: the
/// damaged file stays in place until the rebuilt one replaces it in one rename.
#[test]
fn a_salvage_killed_midway_loses_nothing() {
    let l = lore();
    let ids = import(&l, 40);
    let path = db_path(&l.dir());
    for delay_ms in [0u64, 2, 5, 10, 20, 40, 80] {
        if redb::Database::open(&path).is_ok() {
            break_header(&path);
        }
        let mut child = l
            .command()
            .arg("list")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("lore list");
        // A varying delay moves the kill to different points of the salvage.
        std::thread::sleep(Duration::from_millis(delay_ms));
        let killed = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status()
            .expect("kill");
        assert!(killed.success());
        let _ = child.wait();
    }
    lore_tests::eventually(Duration::from_secs(10), "the library to open", || {
        l.run(&["list"]).status.success().then_some(())
    });
    assert_eq!(ids_listed(&l), ids);
    assert!(l.ok(&["check"]).contains("read cleanly"));
}

/// An import SIGKILLed midway, then damage: the salvaged library holds everything that
/// was acknowledged before, and every entry in it reads.
#[test]
fn a_library_killed_mid_import_and_then_damaged_opens_with_what_was_acknowledged() {
    let l = lore();
    let acked = import(&l, 10);
    let path = l.scratch("big.jsonl");
    let mut file = std::fs::File::create(&path).expect("create");
    for i in 0..3000 {
        let line = serde_json::json!({"kind": "sop", "title": format!("流程 {i}"), "body": "步骤 ".repeat(40)});
        writeln!(file, "{line}").expect("write");
    }
    drop(file);
    let mut child = l
        .command()
        .args(["import", path.to_str().expect("UTF-8")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lore import");
    std::thread::sleep(Duration::from_millis(300));
    child.kill().expect("SIGKILL the import");
    let _ = child.wait();
    break_header(&db_path(&l.dir()));

    let out = l.run(&["list", "--kind", "faq"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = ids_listed(&l);
    assert!(acked.iter().all(|id| listed.contains(id)), "{listed:?}");
    assert!(l.ok(&["check"]).contains("read cleanly"));
}

fn writer() -> Writer {
    crate::library::writer("member-a")
}

/// The scanner on a real file: copies merge to the newest state, an increment whose
/// snapshot is lost is named with its summary, and damaged chunks are unreadable.
#[test]
fn the_scanner_merges_copies_and_names_the_increments_it_cannot_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (kept, orphaned) = {
        let mut library = Library::open(dir.path(), writer()).expect("open");
        let kept = library
            .add(Entry::new(Kind::Faq, "保留的条目"))
            .expect("add");
        let orphaned = library.add(Entry::new(Kind::Faq, "快照会坏")).expect("add");
        library
            .edit(&kept, |e| {
                e.body = "更新后的内容".into();
                Ok(())
            })
            .expect("edit");
        (kept, orphaned)
    };
    // A later session's edit: its actor's first change in the document names its author.
    let change = {
        let mut library = Library::open(dir.path(), writer()).expect("open");
        library
            .edit(&orphaned, |e| {
                e.body = "之后的修改".into();
                Ok(())
            })
            .expect("edit");
        library
            .history(&orphaned)
            .expect("history")
            .pop()
            .expect("the edit")
    };
    let path = db_path(dir.path());
    let chunks = chunks_of(&path, &format!("entry/{orphaned}"));
    assert_eq!(chunks.len(), 2, "a snapshot and an increment");
    damage_every_copy(&path, &chunks[0]);

    let found = salvage::scan(&std::fs::read(&path).expect("read"));
    let mut expected = vec!["team".to_string(), format!("entry/{kept}")];
    expected.sort();
    assert_eq!(found.keys(), expected);
    assert_eq!(found.entry(&kept).expect("kept").body, "更新后的内容");
    assert_eq!(
        found.lost_entries(),
        vec![(orphaned.clone(), "快照会坏".to_string())]
    );
    let lost: Vec<&salvage::LostChange> = found
        .unreadable
        .iter()
        .filter_map(|u| match u {
            Unreadable::Change(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(lost.len(), 1, "{:?}", found.unreadable);
    assert_eq!(lost[0].hash, change.hash);
    assert_eq!(lost[0].summary, change.summary);
    assert_eq!(
        lost[0].member.as_deref(),
        Some(crate::library::member_id("member-a").as_str())
    );
    assert!(
        found
            .unreadable
            .iter()
            .any(|u| matches!(u, Unreadable::Chunk { .. }))
    );
}

/// Proof records are found by their magic; only those of recovered changes are kept, and
/// of several copies the one whose signature checks out: a damaged copy never costs the
/// change its proof.
#[test]
fn the_scanner_finds_proofs_of_recovered_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (id, hashes) = {
        let mut library = Library::open(dir.path(), writer()).expect("open");
        let id = library
            .add(Entry::new(Kind::Faq, "有证明的条目"))
            .expect("add");
        library
            .edit(&id, |e| {
                e.body = "第二版".into();
                Ok(())
            })
            .expect("edit");
        let hashes: Vec<String> = library
            .history(&id)
            .expect("history")
            .into_iter()
            .map(|c| c.hash)
            .collect();
        (id, hashes)
    };
    let hash_bytes = |hex: &str| -> Vec<u8> {
        (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
            .collect()
    };
    let record = |hash: &[u8], fill: u8| -> Vec<u8> {
        let mut r = salvage::PROOF_MAGIC.to_vec();
        r.extend_from_slice(hash);
        r.extend_from_slice(&[fill; 64]);
        r
    };
    let mut bytes = std::fs::read(db_path(dir.path())).expect("read");
    // The file holds each change's real proof record, beside its chunk.
    let found = salvage::scan(&bytes);
    let proven: Vec<String> = found.proofs().into_iter().map(|(h, _)| h).collect();
    assert!(hashes.iter().all(|h| proven.contains(h)), "{proven:?}");
    let real = found.proofs();
    // Another copy of the first change's proof (the same), one of the second's that
    // disagrees, one of a change no document has, and one cut short at the end.
    let first = real.iter().find(|(h, _)| *h == hashes[0]).expect("first").1;
    bytes.extend(b"filler");
    let mut copy = salvage::PROOF_MAGIC.to_vec();
    copy.extend_from_slice(&hash_bytes(&hashes[0]));
    copy.extend_from_slice(&first);
    bytes.extend(copy);
    bytes.extend(record(&hash_bytes(&hashes[1]), 2));
    bytes.extend(record(&[9; 32], 3));
    bytes.extend(&record(&hash_bytes(&hashes[1]), 4)[..60]);

    let found = salvage::scan(&bytes);
    assert!(found.entry(&id).is_some());
    let proofs = found.proofs();
    assert!(proofs.contains(&(hashes[0].clone(), first)), "{proofs:?}");
    let second = real
        .iter()
        .find(|(h, _)| *h == hashes[1])
        .expect("second")
        .1;
    assert!(
        proofs.contains(&(hashes[1].clone(), second)),
        "the damaged copy does not replace the good one: {proofs:?}"
    );
    let unknown: String = [9u8; 32].iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        proofs.iter().all(|(h, _)| *h != unknown),
        "only proofs of recovered changes are kept: {proofs:?}"
    );
}

/// The rebuilt database keeps where peers are but claims no document is shared with any
/// of them: the next sync compares everything and fetches back what was lost.
#[test]
fn a_salvaged_library_keeps_its_peers_and_claims_nothing_is_shared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let peer = "peer-b";
    {
        let mut library = Library::open(dir.path(), writer()).expect("open");
        let id = library
            .add(Entry::new(Kind::Faq, "共享的条目"))
            .expect("add");
        library.record_use(&id).expect("a use in member-a's ledger");
        library
            .remember_peer(peer, vec!["192.0.2.7:4747".into()])
            .expect("remember");
        let digest = library.digest().expect("digest");
        library.mark_in_sync(peer, &digest, &[]).expect("mark");
        assert_eq!(library.pending_for(peer).expect("pending"), 0);
    }
    break_header(&db_path(dir.path()));

    let library = Library::open(dir.path(), writer()).expect("salvaged on open");
    let report = library.repaired().expect("a repair report");
    assert!(
        report.team && report.entries == 1 && report.ledgers == 1 && !report.lost_anything(),
        "{report}"
    );
    assert_eq!(report.peers, 1);
    let peers = library.known_peers().expect("peers");
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].addrs, vec!["192.0.2.7:4747".to_string()]);
    // Every document (team, entry, ledger) is pending again for that peer.
    assert_eq!(library.pending_for(peer).expect("pending"), 3);
    let mut library = library;
    let ledger = library
        .ledger(&crate::library::member_id("member-a"))
        .expect("the ledger, under its member");
    assert_eq!(ledger.uses.values().sum::<u64>(), 1);
}
