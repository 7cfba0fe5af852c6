//! Damage never costs the library: the salvage scanner reads documents, increments and
//! proofs from the raw bytes of a damaged database file.

use std::path::{Path, PathBuf};

use lore_core::salvage::{self, Unreadable};
use lore_core::{Entry, Kind, Library, Writer};
use redb::{ReadableDatabase, TableDefinition};

const CHUNKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("chunks");

fn db_path(dir: &Path) -> PathBuf {
    dir.join(lore_core::DB_FILE)
}

/// The stored chunks of document `key`, read through redb.
fn chunks_of(path: &Path, key: &str) -> Vec<Vec<u8>> {
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
fn damage_every_copy(path: &Path, needle: &[u8]) -> usize {
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

fn writer() -> Writer {
    Writer::new("member-a", "A")
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
    assert_eq!(lost[0].member.as_deref(), Some("member-a"));
    assert!(
        found
            .unreadable
            .iter()
            .any(|u| matches!(u, Unreadable::Chunk { .. }))
    );
}

/// Proof records are found by their magic; only those of recovered changes are kept, and
/// two copies that disagree are both dropped.
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
    // Two copies of the first change's proof, one of the second's that disagree, one of
    // a change no document has, and one cut short at the end of the file.
    bytes.extend(record(&hash_bytes(&hashes[0]), 7));
    bytes.extend(b"filler");
    bytes.extend(record(&hash_bytes(&hashes[0]), 7));
    bytes.extend(record(&hash_bytes(&hashes[1]), 1));
    bytes.extend(record(&hash_bytes(&hashes[1]), 2));
    bytes.extend(record(&[9; 32], 3));
    bytes.extend(&record(&hash_bytes(&hashes[1]), 4)[..60]);

    let found = salvage::scan(&bytes);
    assert!(found.entry(&id).is_some());
    assert_eq!(found.proofs(), vec![(hashes[0].clone(), [7; 64])]);
    assert!(found.unreadable.iter().any(|u| *u
        == Unreadable::Proof {
            hash: hashes[1].clone()
        }));
}
