//! Search: quality on the evaluation set, freshness, catch-up, rebuild, the CLI.

use std::time::Duration;

use lore_core::search::SearchIndex;
use lore_core::search::eval;
use lore_core::{Entry, Kind, Library, SearchRequest, Status, Writer};
use lore_tests::baseline::Baseline;
use lore_tests::{eventually, fixture};

use crate::lore;

fn demo_library(dir: &std::path::Path) -> Library {
    let mut library = Library::open(dir, Writer::generate("tester")).expect("open");
    lore_core::demo::load(&mut library, &mut |_, _| {}).expect("demo");
    library
}

fn request(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.into(),
        limit: 10,
        ..SearchRequest::default()
    }
}

fn ids(library: &mut Library, text: &str) -> Vec<String> {
    library
        .search(&request(text))
        .expect("search")
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn recall_on_the_evaluation_set_beats_the_plain_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut library = demo_library(&dir.path().join("lib"));
    let cases =
        eval::parse(&std::fs::read_to_string(fixture("search/eval.jsonl")).expect("eval set"))
            .expect("parse");
    assert!(cases.len() >= 150);
    let lore = library.evaluate(&cases).expect("evaluate");
    let entries: Vec<Entry> = library
        .ids()
        .iter()
        .filter_map(|id| library.get(id).ok())
        .collect();
    std::fs::create_dir_all(dir.path().join("baseline")).expect("mkdir");
    let baseline = Baseline::build(&dir.path().join("baseline"), &entries).expect("baseline");
    let plain = eval::evaluate(&cases, |case| baseline.search(&case.query, 10)).expect("evaluate");
    println!("Lore:\n{lore}\nplain tantivy (default tokenizer, QueryParser):\n{plain}");
    for (case, got) in &lore.misses {
        println!(
            "missed at 3: [{}] {} → {:?}, got {:?}",
            case.class, case.query, case.expect, got
        );
    }
    assert!(
        lore.overall.recall_at_3 >= 0.9,
        "recall@3 {:.3}",
        lore.overall.recall_at_3
    );
    assert!(lore.overall.recall_at_3 > plain.overall.recall_at_3 + 0.2);
}

/// The hits for `text` once `found` holds; changes become searchable after a background
/// commit.
fn searched(library: &mut Library, text: &str, found: impl Fn(&[String]) -> bool) -> Vec<String> {
    eventually(
        Duration::from_secs(10),
        &format!("a search for {text}"),
        || {
            let got = ids(library, text);
            found(&got).then_some(got)
        },
    )
}

#[test]
fn changes_become_searchable_and_archived_entries_hide() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut library = demo_library(dir.path());
    library.search_index().expect("index open");
    let mut e = Entry::new(Kind::Faq, "蓝莓果酱杯可以定制刻字吗");
    e.body = "可以，在下单备注里写上刻字内容即可。".into();
    let id = library.add(e).expect("add");
    let got = searched(&mut library, "果酱杯刻字", |ids| {
        ids.first() == Some(&id)
    });
    assert_eq!(got.first(), Some(&id), "a new entry is found");
    library
        .edit(&id, |e| {
            e.title = "保温饭盒可以定制刻字吗".into();
            Ok(())
        })
        .expect("edit");
    let got = searched(&mut library, "保温饭盒刻字", |ids| {
        ids.first() == Some(&id)
    });
    assert_eq!(got.first(), Some(&id), "the edit is found");
    assert!(
        !ids(&mut library, "蓝莓果酱").contains(&id),
        "the old title is gone"
    );
    library.archive(&id).expect("archive");
    let got = searched(&mut library, "保温饭盒刻字", |ids| !ids.contains(&id));
    assert!(!got.contains(&id), "archived entries are hidden");
    let archived = library
        .search(&SearchRequest {
            status: Some(Status::Archived),
            ..request("保温饭盒刻字")
        })
        .expect("search");
    assert_eq!(
        archived.first().map(|h| h.id.as_str()),
        Some(id.as_str()),
        "unless asked for"
    );
}

#[test]
fn published_ranks_above_draft_and_filters_apply() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut library = Library::open(dir.path(), Writer::generate("t")).expect("open");
    for (title, status) in [
        ("咖啡机除垢方法（草稿）", Status::Draft),
        ("咖啡机除垢方法", Status::Published),
    ] {
        let mut e = Entry::new(Kind::Faq, title);
        e.body = "用柠檬酸溶液除垢。".into();
        e.status = status;
        library.add(e).expect("add");
    }
    let mut script = Entry::new(Kind::Script, "咖啡机除垢话术");
    script.tags = vec!["咖啡机".into()];
    library.add(script).expect("add");
    let hits = library.search(&request("咖啡机除垢")).expect("search");
    let first_faq = hits.iter().find(|h| h.kind == Kind::Faq).expect("a faq");
    assert_eq!(first_faq.title, "咖啡机除垢方法", "published before draft");
    let scripts = library
        .search(&SearchRequest {
            kind: Some(Kind::Script),
            ..request("咖啡机除垢")
        })
        .expect("search");
    assert!(scripts.iter().all(|h| h.kind == Kind::Script) && scripts.len() == 1);
    let tagged = library
        .search(&SearchRequest {
            tag: Some("咖啡机".into()),
            ..request("除垢")
        })
        .expect("search");
    assert_eq!(tagged.len(), 1);
}

#[test]
fn snippets_quote_the_body_and_never_split_a_character() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut library = demo_library(dir.path());
    for query in [
        "退款多久到账",
        "杯子碎了",
        "保温杯洗碗机",
        "发票抬头",
        "refund damaged",
        "訂閱取消",
    ] {
        for hit in library.search(&request(query)).expect("search") {
            let body: String = library
                .get(&hit.id)
                .expect("get")
                .body
                .chars()
                .filter(|c| !c.is_whitespace() && !"*`#|>-".contains(*c))
                .collect();
            let quoted: String = hit
                .snippet
                .trim_matches('…')
                .chars()
                .filter(|c| !c.is_whitespace() && !"*`#|>-".contains(*c))
                .collect();
            assert!(
                body.contains(&quoted),
                "{query}: snippet of {} is not from its body: {}",
                hit.id,
                hit.snippet
            );
        }
    }
}

#[test]
fn the_cli_searches_suggests_and_manages_synonyms() {
    let l = lore();
    l.ok(&["demo"]);
    // `lore add` did not open the index; `lore search` catches up on open.
    let id = l
        .ok(&["add", "--kind", "faq", "--title", "榴莲味月饼能寄到海外吗"])
        .trim()
        .to_string();
    let hits = l.json(&["search", "榴莲月饼"]);
    assert_eq!(hits[0]["id"], id.as_str());
    for field in ["id", "kind", "title", "score", "snippet"] {
        assert!(hits[0].get(field).is_some(), "{field} in {}", hits[0]);
    }
    assert_eq!(
        l.json(&["search", "#3"])[0]["id"],
        "script-damaged-apology-register"
    );
    let tk = l.json(&["search", "tk", "--kind", "script"]);
    assert!(
        tk.iter()
            .all(|h| h["title"].as_str().unwrap_or("").contains("退款")),
        "{tk:?}"
    );
    assert_eq!(
        l.json(&["search", "退貨運費誰出"])[0]["id"],
        "faq-return-shipping-fee"
    );

    let mut child = l
        .command()
        .args(["--json", "suggest", "--limit", "3"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all("你好，我前天买的杯子收到就碎了，能退吗".as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("{}"),
    )
    .expect("json");
    assert_eq!(first["id"], "faq-return-damaged-on-arrival");

    // A new synonym group takes effect for the next search.
    assert!(
        l.json(&["search", "mooncake"])
            .iter()
            .all(|h| h["id"] != id.as_str())
    );
    l.ok(&["synonyms", "add", "月饼", "mooncake"]);
    assert!(l.ok(&["synonyms", "list"]).contains("月饼 / mooncake"));
    assert_eq!(l.json(&["search", "mooncake"])[0]["id"], id.as_str());
    l.ok(&["synonyms", "remove", "mooncake"]);
    assert!(!l.ok(&["synonyms", "list"]).contains("mooncake"));
}

#[test]
fn a_lost_or_damaged_index_is_rebuilt() {
    let l = lore();
    l.ok(&["demo"]);
    // Scores may differ in the last digits after a rebuild; the ranking and snippets may not.
    let ranked = |l: &lore_tests::Lore| -> Vec<(String, String)> {
        l.json(&["search", "发票抬头"])
            .iter()
            .map(|h| (h["id"].to_string(), h["snippet"].to_string()))
            .collect()
    };
    let before = ranked(&l);
    let index = l.dir().join(lore_core::INDEX_DIR);
    std::fs::write(index.join("meta.json"), b"{ damaged").expect("damage the index");
    assert_eq!(ranked(&l), before, "rebuilt on open");
    std::fs::remove_dir_all(&index).expect("lose the index");
    let rebuilt = l.json(&["reindex"]);
    assert!(rebuilt[0]["indexed"].as_u64().unwrap_or(0) > 300);
    assert_eq!(ranked(&l), before);
}

/// A write that failed to reach the index is caught up on the next open even when later
/// writes reached it: the index never claims a sequence number past the one it missed.
#[test]
fn a_write_the_index_missed_is_caught_up_on_the_next_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(lore_core::INDEX_DIR);
    let entry = |id: &str, title: &str| {
        let mut e = Entry::new(Kind::Faq, title);
        e.id = id.into();
        e
    };
    {
        let (index, held) = SearchIndex::open(&path, &[], &[]).expect("open");
        assert_eq!(held, 0, "a new index holds nothing");
        index
            .upsert(&entry("faq-one", "发票怎么开"), 1, 0)
            .expect("index");
        index.missed(2);
        index
            .upsert(&entry("faq-three", "怎么退款"), 3, 0)
            .expect("index");
        index.close().expect("close");
    }
    let (_, held) = SearchIndex::open(&path, &[], &[]).expect("reopen");
    assert_eq!(held, 1, "the next open catches up from the missed write on");
}

/// Flipped bytes in any kind of index file (tantivy would fail or even panic reading them)
/// lead to a rebuild on open, and `reindex` never needs the old index to open.
#[test]
fn flipped_bytes_in_any_index_file_lead_to_a_rebuild() {
    let l = lore();
    l.ok(&["demo"]);
    let ranked = |l: &lore_tests::Lore| -> Vec<String> {
        l.json(&["search", "退款"])
            .iter()
            .map(|h| h["id"].to_string())
            .collect()
    };
    let before = ranked(&l);
    let index = l.dir().join(lore_core::INDEX_DIR);
    let flip = |ext: &str| {
        let file = std::fs::read_dir(&index)
            .expect("the index folder")
            .map(|e| e.expect("an entry").path())
            .find(|p| p.extension().is_some_and(|x| x == ext))
            .unwrap_or_else(|| panic!("a .{ext} file"));
        let mut bytes = std::fs::read(&file).expect("read");
        let n = bytes.len();
        for at in [n / 3, n / 2, 2 * n / 3] {
            bytes[at] ^= 0xff;
        }
        std::fs::write(&file, bytes).expect("damage");
    };
    for ext in ["fast", "fieldnorm", "idx", "pos", "store", "term"] {
        flip(ext);
        assert_eq!(ranked(&l), before, "rebuilt on open after damage to .{ext}");
        flip(ext);
        let rebuilt = l.json(&["reindex"]);
        assert!(rebuilt[0]["indexed"].as_u64().unwrap_or(0) > 300, ".{ext}");
        assert_eq!(ranked(&l), before, "reindexed after damage to .{ext}");
    }
}

/// The customer-service lexicon Lore ships works in a library with no synonyms of its own:
/// a customer's word finds the entry written in the formal one.
#[test]
fn the_built_in_lexicon_finds_the_formal_word_in_a_fresh_library() {
    let l = crate::lore();
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--title",
        "配送费怎么收",
        "--body",
        "满 99 元免配送费，不满 99 元收 6 元。",
    ]);
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--title",
        "工单什么情况下可以关闭",
        "--body",
        "客户确认问题已解决后即可关闭工单。",
    ]);
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--title",
        "会员积分怎么用",
        "--body",
        "积分可以抵扣现金。",
    ]);
    for (query, title) in [
        ("跑腿费多少", "配送费怎么收"),
        ("什么时候可以结案", "工单什么情况下可以关闭"),
    ] {
        let hits = l.json(&["search", query]);
        assert_eq!(
            hits.first().map(|h| h["title"].clone()),
            Some(title.into()),
            "{query}: {hits:?}"
        );
    }
}
