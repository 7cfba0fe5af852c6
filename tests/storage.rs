//! Durability, ownership and damage: what the store promises when things go wrong.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use crate::lore;

const CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("chunks");

fn chunk_count(db: &redb::Database, key: &str) -> usize {
    let txn = db.begin_read().expect("read txn");
    let table = txn.open_table(CHUNKS).expect("chunks table");
    table
        .range((key, 0)..=(key, u64::MAX))
        .expect("range")
        .count()
}

#[test]
fn every_acknowledged_add_survives_sigkill() {
    let l = lore();
    l.ok(&["add", "--kind", "faq", "--title", "first"]);
    let dir = l.dir();
    let mut acked: Vec<(String, String)> = Vec::new();
    // Each round kills after a number of acknowledged adds, a few milliseconds into the
    // next one, so the kill lands mid-write however fast or loaded the machine is.
    for (round, (acks, offset_ms)) in [(4usize, 0u64), (7, 3), (11, 9)].into_iter().enumerate() {
        // A shell adds entries in a loop; each line it prints is an acknowledged add.
        let script = format!(
            "i=0; while true; do i=$((i+1)); id=$('{bin}' --data-dir '{dir}' add --kind faq \
             --title \"round {round} entry $i\" --body \"崩溃测试 $i\") || exit 1; \
             echo \"round {round} entry $i $id\"; done",
            bin = crate::LORE,
            dir = dir.display(),
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .env_remove("LORE_DIR")
            .stdout(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("spawn the writer loop");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        for _ in 0..acks {
            let line = lines
                .next()
                .expect("the loop keeps adding")
                .expect("a line");
            let (title, id) = line.rsplit_once(' ').expect("`TITLE ID` lines");
            acked.push((title.to_string(), id.to_string()));
        }
        // A varying delay moves the kill to different points of a write (not a wait for
        // anything to happen).
        std::thread::sleep(Duration::from_millis(offset_ms));
        // SIGKILL the whole group: the shell and the `lore add` that is mid-write.
        let killed = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status()
            .expect("kill");
        assert!(killed.success());
        let _ = child.wait();
        // A line printed before the kill is an acknowledgement too.
        for line in lines.map_while(Result::ok) {
            if let Some((title, id)) = line.rsplit_once(' ') {
                acked.push((title.to_string(), id.to_string()));
            }
        }
        // The killed `lore add` may hold the library lock a moment longer than its shell:
        // the next round starts once the library opens again.
        lore_tests::eventually(Duration::from_secs(10), "the library to open again", || {
            l.run(&["list"]).status.success().then_some(())
        });
    }
    assert!(
        acked.len() >= 22,
        "the loop acknowledged only {} adds",
        acked.len()
    );
    // The library opens cleanly and holds every acknowledged entry, intact.
    let check = l.ok(&["check"]);
    assert!(check.contains("read cleanly"), "{check}");
    let listed = l.all_ids();
    for (title, id) in &acked {
        assert!(
            listed.contains(id),
            "acknowledged {id} ({title}) is missing"
        );
        let shown = &l.json(&["show", id])[0];
        assert_eq!(shown["title"], title.as_str());
    }
}

#[test]
fn a_library_owned_by_another_process_is_refused_clearly() {
    let l = lore();
    l.ok(&["list"]);
    let owner = lore_core::Library::open(&l.dir(), lore_core::Writer::generate("owner"))
        .expect("this process owns the library");
    let err = l.fails(&["add", "--kind", "faq", "--title", "x"]);
    assert!(
        err.contains("is in use by another Lore process")
            && err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    drop(owner);
    l.ok(&["add", "--kind", "faq", "--title", "x"]);
}

/// Two scripts adding entries at the same moment take turns: the second waits for the
/// library instead of failing with "in use".
#[test]
fn writers_at_the_same_moment_take_turns() {
    let l = lore();
    l.ok(&["list"]);
    let writers: Vec<std::process::Child> = (0..4)
        .map(|i| {
            l.command()
                .args(["add", "--kind", "faq", "--title", &format!("同时添加 {i}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("lore add")
        })
        .collect();
    for writer in writers {
        let out = writer.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(l.all_ids().len(), 4, "every writer's entry is there");
}

#[test]
fn a_damaged_entry_is_named_and_the_rest_of_the_library_opens() {
    let l = lore();
    let good = l
        .ok(&["add", "--kind", "faq", "--title", "好的条目"])
        .trim()
        .to_string();
    let truncated = l
        .ok(&["add", "--kind", "faq", "--title", "会被截断"])
        .trim()
        .to_string();
    let garbage = l
        .ok(&["add", "--kind", "faq", "--title", "会被写坏"])
        .trim()
        .to_string();
    {
        let db = redb::Database::open(l.dir().join(lore_core::DB_FILE)).expect("open redb");
        let txn = db.begin_write().expect("write txn");
        {
            let mut table = txn.open_table(CHUNKS).expect("chunks");
            let key = format!("entry/{truncated}");
            let bytes = table
                .get((key.as_str(), 0))
                .expect("get")
                .expect("chunk")
                .value()
                .to_vec();
            table
                .insert((key.as_str(), 0), &bytes[..bytes.len() / 2])
                .expect("truncate");
            let key = format!("entry/{garbage}");
            table
                .insert((key.as_str(), 0), &b"not an automerge document"[..])
                .expect("overwrite");
        }
        txn.commit().expect("commit");
    }
    assert_eq!(
        l.json(&["list"]).len(),
        3,
        "the catalog still lists every entry"
    );
    assert_eq!(l.json(&["show", &good])[0]["title"], "好的条目");
    for id in [&truncated, &garbage] {
        let err = l.fails(&["show", id]);
        assert!(err.contains(&format!("entry {id} is damaged")), "{err}");
    }
    let out = l.run(&["check"]);
    assert!(!out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(&truncated) && report.contains(&garbage) && !report.contains(&good),
        "{report}"
    );
    // Export keeps what can be read and names what it skipped.
    let out = l.run(&[
        "export",
        "--format",
        "jsonl",
        l.scratch("x.jsonl").to_str().unwrap_or_default(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&truncated));
    assert_eq!(
        std::fs::read_to_string(l.scratch("x.jsonl"))
            .expect("export")
            .lines()
            .count(),
        1
    );
}

#[test]
fn many_edits_are_compacted_and_nothing_is_lost() {
    let l = lore();
    let id = l.add_faq("压缩测试", "第0版");
    for i in 1..=20 {
        l.ok(&["edit", &id, "--body", &format!("第{i}版，内容更新")]);
    }
    let db = redb::Database::open(l.dir().join(lore_core::DB_FILE)).expect("open redb");
    let chunks = chunk_count(&db, &format!("entry/{id}"));
    assert!(
        (1..=lore_core::COMPACT_AFTER as usize).contains(&chunks),
        "{chunks} chunks after 21 writes"
    );
    drop(db);
    assert_eq!(l.json(&["show", &id])[0]["body"], "第20版，内容更新");
    assert_eq!(l.json(&["history", &id]).len(), 21);
}

/// Catalog rows are stored compactly; a row in the JSON first written still reads.
#[test]
fn catalog_rows_are_compact_and_rows_written_as_json_still_read() {
    const CATALOG: TableDefinition<&str, &[u8]> = TableDefinition::new("catalog");
    let l = lore();
    let id = l
        .ok(&[
            "add",
            "--kind",
            "faq",
            "--title",
            "旧格式的条目",
            "--tag",
            "退款",
        ])
        .trim()
        .to_string();
    let db = redb::Database::open(l.dir().join(lore_core::DB_FILE)).expect("open redb");
    let txn = db.begin_write().expect("write txn");
    {
        let mut table = txn.open_table(CATALOG).expect("catalog");
        let stored = table
            .get(id.as_str())
            .expect("get")
            .expect("row")
            .value()
            .to_vec();
        assert!(
            stored.starts_with(b"LCr1") && stored.len() < 80,
            "a row of {} bytes: {:?}",
            stored.len(),
            String::from_utf8_lossy(&stored)
        );
        let json = serde_json::json!({
            "id": id, "kind": "faq", "title": "旧格式的条目", "status": "published",
            "tags": ["退款"], "category": "", "shortcode": "", "internal": false,
            "updated_at": 1, "seq": 1
        });
        table
            .insert(id.as_str(), json.to_string().as_bytes())
            .expect("insert");
    }
    txn.commit().expect("commit");
    drop(db);
    let listed = l.json(&["list", "--tag", "退款"]);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["title"], "旧格式的条目");
}

/// Everything Lore creates in a data directory is owner-only, even when the directory
/// already existed with a mode others can read.
#[cfg(unix)]
#[test]
fn files_lore_creates_are_owner_only_in_an_existing_open_directory() {
    use std::os::unix::fs::PermissionsExt;
    let l = lore();
    std::fs::create_dir_all(l.dir()).expect("mkdir");
    std::fs::set_permissions(l.dir(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    l.ok(&["demo"]);
    l.ok(&["search", "退款"]);
    for name in [
        "library.redb",
        "lore.lock",
        "device.key",
        "profile.json",
        "index",
    ] {
        let mode = std::fs::metadata(l.dir().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}: readable by others");
    }
}
