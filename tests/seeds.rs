//! The fuzz targets' seed corpora (`fuzz/seeds/`): real frames, real automerge sync
//! messages and real news, taken from a sync between two libraries and what one wrote, so the fuzzers start from inputs
//! that reach deep into the decoders. The committed seeds must still be what today's
//! formats accept; `LORE_WRITE_SEEDS=1 cargo test seeds` writes them anew.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lore_core::{Library, Role};
use lore_sync::Frame;

use crate::library::{member, member_id, writer};

/// The folder of one fuzz target's seeds.
fn seeds(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("app/ sits inside the workspace")
        .join("fuzz/seeds")
        .join(target)
}

/// Sync messages as they go over the wire in a batch: (document key, message).
type Said = Vec<(String, Vec<u8>)>;

/// What a sync between an admin's demo library and a new member's exchanges: the team
/// document, and every sync message both sides send for one entry and the team.
fn exchange(root: &Path) -> (Library, Vec<u8>, Said) {
    let mut a = Library::open(&root.join("a"), writer("alice")).expect("open");
    lore_core::demo::load(&mut a, &mut |_, _| {}).expect("demo");
    a.update_team("invited bob", |t| {
        t.members
            .insert(member_id("bob"), member("bob", Role::Agent));
        Ok(())
    })
    .expect("roster");
    let team_document = a.team_document().expect("team document");
    let mut b = Library::join(&root.join("b"), writer("bob"), &team_document).expect("join");
    let mut with_b = a.begin_sync("bob");
    let mut with_a = b.begin_sync("alice");
    let mut said = Vec::new();
    for key in ["entry/faq-return-damaged-on-arrival", "team"] {
        // Until neither side has anything to say.
        for _ in 0..10 {
            let from_b = b.sync_message(&mut with_a, key).expect("b says");
            if let Some(m) = &from_b {
                a.receive_sync(&mut with_b, key, m).expect("a takes it");
                said.push((key.to_string(), m.clone()));
            }
            let from_a = a.sync_message(&mut with_b, key).expect("a says");
            if let Some(m) = &from_a {
                b.receive_sync(&mut with_a, key, m).expect("b takes it");
                said.push((key.to_string(), m.clone()));
            }
            if from_a.is_none() && from_b.is_none() {
                break;
            }
        }
    }
    (a, team_document, said)
}

/// One frame of each kind, with real contents.
fn frames(
    a: &mut Library,
    team_document: &[u8],
    said: &[(String, Vec<u8>)],
    news: &[(String, Vec<u8>)],
) -> Vec<(&'static str, Frame)> {
    let team = a.team().expect("team");
    let digest = a.digest().expect("digest");
    let heads = digest.get("team").cloned().unwrap_or_default();
    let some: BTreeMap<String, Vec<u8>> = digest.into_iter().take(3).collect();
    let keys = a.whole_keys().expect("keys");
    let whole = a.whole_documents(&keys[..2]).expect("whole documents");
    vec![
        (
            "hello",
            Frame::Hello {
                team: team.id.clone(),
                addrs: vec!["127.0.0.1:4747".into(), "https://relay.example.com/".into()],
                team_heads: heads,
                documents: 42,
            },
        ),
        ("digest", Frame::Digest(some)),
        ("batch", Frame::Batch(said.to_vec())),
        ("batch-empty", Frame::Batch(Vec::new())),
        (
            "hashes",
            Frame::Hashes(vec![0, 1, u64::MAX, 0x0123_4567_89ab_cdef]),
        ),
        (
            "join",
            Frame::Join {
                team: team.id,
                secret: "s3cret".into(),
                role: "agent".into(),
                name: "周静".into(),
            },
        ),
        ("welcome", Frame::Welcome(team_document.to_vec())),
        ("refuse", Frame::Refuse("not a member of this team".into())),
        ("bye", Frame::Bye),
        ("busy", Frame::Busy),
        ("here", Frame::Here { ask: true }),
        (
            "changed",
            Frame::Changed(Some(said.iter().map(|(k, _)| k.clone()).collect())),
        ),
        ("changed-unknown", Frame::Changed(None)),
        ("whole", Frame::Whole(whole)),
        ("news", Frame::News(news.iter().take(2).cloned().collect())),
    ]
}

/// Replaces the seed folder `target` with `files`.
fn write(target: &str, files: &[(String, Vec<u8>)]) {
    let dir = seeds(target);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir seeds");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write a seed");
    }
}

/// The committed seeds of `target`, by name.
fn committed(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(seeds(target))
        .unwrap_or_else(|e| panic!("fuzz/seeds/{target}: {e}"))
        .map(|e| {
            let path = e.expect("a seed").path();
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read a seed"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_fuzz_seeds_are_frames_and_sync_messages_of_todays_formats() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, team_document, said) = exchange(root.path());
    assert!(said.len() >= 3, "a sync says something: {}", said.len());
    if std::env::var_os("LORE_WRITE_SEEDS").is_some() {
        let news = a.own_news().expect("news");
        assert!(!news.is_empty(), "a library that wrote has news");
        let frames: Vec<(String, Vec<u8>)> = frames(&mut a, &team_document, &said, &news)
            .into_iter()
            .map(|(name, f)| (name.to_string(), f.encode()))
            .collect();
        write("frame", &frames);
        let messages: Vec<(String, Vec<u8>)> = said
            .iter()
            .enumerate()
            .map(|(i, (key, m))| (format!("{i:02}-{}", key.replace('/', "-")), m.clone()))
            .collect();
        write("sync_message", &messages);
        let pieces: Vec<(String, Vec<u8>)> = news
            .iter()
            .take(4)
            .map(|(key, bytes)| (key.replace('/', "-"), bytes.clone()))
            .collect();
        write("news", &pieces);
    }

    let frames = committed("frame");
    assert!(frames.len() >= 13, "a seed for every kind of frame");
    for (name, bytes) in &frames {
        let frame = Frame::decode(bytes).unwrap_or_else(|e| panic!("seed {name}: {e}"));
        assert_eq!(&frame.encode(), bytes, "seed {name} is a frame as written");
    }
    // Each message is one a library takes in as well-formed (its changes may be refused,
    // here by a library of another team, but never as malformed bytes).
    let messages = committed("sync_message");
    assert!(messages.len() >= 3, "seeds from a whole exchange");
    let mut other = Library::open(&root.path().join("c"), writer("carol")).expect("open");
    for (name, bytes) in &messages {
        let mut session = other.begin_sync("alice");
        let key = if name.contains("team") {
            "team"
        } else {
            "entry/faq-return-damaged-on-arrival"
        };
        if let Err(e) = other.receive_sync(&mut session, key, bytes) {
            assert!(!e.to_string().contains("malformed"), "seed {name}: {e}");
        }
    }
    // Each piece of news is one a library opens (its changes refused here, by a library
    // of another team, never as malformed).
    let news = committed("news");
    assert!(!news.is_empty(), "seeds of real news");
    for (name, bytes) in &news {
        let key = name.replacen('-', "/", 1);
        if let Err(e) = other.receive_changes("alice", &[(key, bytes.clone())]) {
            assert!(!e.to_string().contains("malformed"), "seed {name}: {e}");
        }
    }
}
