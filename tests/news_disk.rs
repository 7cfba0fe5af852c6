//! News taken in reaches the disk together, once the news that came with it is in. Forced
//! there (or by a search-index commit, which forces the library's writes first), it
//! survives the taking process being killed; taken and not forced yet, a kill loses it
//! cleanly: the library opens as it last was on disk, reads cleanly, and its index holds
//! nothing the disk does not (the peer who sent the news still has it, for the next sync).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use lore_core::{Library, SearchRequest};
use lore_sync::Identity;

use crate::news::alice_and_bob;
use crate::peers::retitle_unannounced;

const ID: &str = "faq-refund-timeline";
/// The test run in a process of its own, killed once it has taken the news in.
const TAKER: &str = "news_disk::a_taker_killed_once_the_news_is_in";

/// News as `(document key, bytes)` pairs, written to a file for the taker process.
fn write_news(path: &Path, news: &[(String, Vec<u8>)]) {
    let mut out = Vec::new();
    for (key, bytes) in news {
        for part in [key.as_bytes(), bytes.as_slice()] {
            out.extend_from_slice(&(part.len() as u32).to_le_bytes());
            out.extend_from_slice(part);
        }
    }
    std::fs::write(path, out).expect("write the news");
}

fn read_news(path: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).expect("read the news");
    let mut parts = Vec::new();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        let (len, tail) = rest.split_at(4);
        let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
        let (part, tail) = tail.split_at(len);
        parts.push(part.to_vec());
        rest = tail;
    }
    parts
        .chunks(2)
        .map(|kv| {
            (
                String::from_utf8(kv[0].clone()).expect("key"),
                kv[1].clone(),
            )
        })
        .collect()
}

fn open(dir: &Path) -> Library {
    let identity = Identity::load_or_create(dir, None).expect("identity");
    Library::open(dir, identity.writer()).expect("the library opens")
}

/// Run only by [`news_on_disk_survives_a_kill_and_news_not_yet_there_is_lost_cleanly`]:
/// takes the news in the library it is given, then does what `LORE_TEST_THEN` says
/// (force it to disk, commit the search index, or nothing) and is killed.
#[test]
#[ignore = "a helper process of news_on_disk_survives_a_kill…"]
fn a_taker_killed_once_the_news_is_in() {
    let Ok(dir) = std::env::var("LORE_TEST_TAKER") else {
        return;
    };
    let dir = Path::new(&dir);
    let then = std::env::var("LORE_TEST_THEN").expect("what to do then");
    let from = std::env::var("LORE_TEST_FROM").expect("who sent the news");
    let news = read_news(&dir.join("news.bin"));
    let mut library = open(dir);
    if then == "index" {
        library.search_index().expect("index");
    }
    let taken = library.receive_changes(&from, &news).expect("taken");
    assert_eq!(taken.changes, 1, "{taken:?}");
    match then.as_str() {
        "flush" => library.flusher().flush().expect("flush"),
        "index" => {
            library
                .search_index()
                .expect("index")
                .commit()
                .expect("commit");
        }
        _ => {}
    }
    println!("taken in");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    // Killed here by the test that runs it: no destructor runs, so nothing reaches the
    // disk that was not there already.
    loop {
        std::thread::park();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_on_disk_survives_a_kill_and_news_not_yet_there_is_lost_cleanly() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = alice_and_bob(root.path()).await;
    alice.library().lock().expect("lock").forget_own_news();
    retitle_unannounced(&alice, ID, "退款多久到账（diskrule 节假日顺延）");
    let news = alice
        .library()
        .lock()
        .expect("lock")
        .own_news()
        .expect("news");
    let before = bob
        .library()
        .lock()
        .expect("lock")
        .get(ID)
        .expect("get")
        .title;
    let from = alice.member();
    bob.shutdown().await;
    alice.shutdown().await;

    for then in ["nothing", "flush", "index"] {
        // Each case on a copy of Bob's data directory as the node left it.
        let dir = root.path().join(format!("bob-{then}"));
        let copied = Command::new("cp")
            .arg("-r")
            .arg(root.path().join("bob"))
            .arg(&dir)
            .status()
            .expect("cp");
        assert!(copied.success());
        write_news(&dir.join("news.bin"), &news);
        let mut taker = Command::new(std::env::current_exe().expect("this test binary"))
            .args([
                TAKER,
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("LORE_TEST_TAKER", &dir)
            .env("LORE_TEST_THEN", then)
            .env("LORE_TEST_FROM", &from)
            .stdout(Stdio::piped())
            .spawn()
            .expect("run the taker");
        let stdout = taker.stdout.take().expect("stdout");
        let taken = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.contains("taken in"));
        // SIGKILL, as a crash or the OS would end it.
        let _ = taker.kill();
        let status = taker.wait().expect("the taker ends");
        assert!(
            taken,
            "{then}: the taker should take the news in before it is killed ({status:?})"
        );

        let mut library = open(&dir);
        assert!(
            library.check().expect("check").is_empty(),
            "{then}: the library reads cleanly"
        );
        let title = library.get(ID).expect("get").title;
        let hits = library
            .search(&SearchRequest {
                text: "diskrule".into(),
                limit: 5,
                ..SearchRequest::default()
            })
            .expect("search");
        if then == "nothing" {
            assert_eq!(title, before, "news not forced to disk is lost whole");
            assert!(
                hits.is_empty(),
                "the index holds nothing the disk lost: {hits:?}"
            );
        } else {
            assert!(title.contains("diskrule"), "{then}: the news survived");
            assert_eq!(hits.first().map(|h| h.id.as_str()), Some(ID), "{then}");
        }
    }
}
