//! Import and export through the CLI: every format, every broken file, round trips.

use std::collections::BTreeMap;

use lore_tests::fixture;
use serde_json::Value;

use crate::lore;

pub(crate) fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn import_report(l: &lore_tests::Lore, file: &str) -> Value {
    l.json(&["import", path(&fixture(file))]).remove(0)
}

/// Every entry as its exported JSON record, by id.
pub(crate) fn exported(l: &lore_tests::Lore, name: &str) -> BTreeMap<String, Value> {
    let out = l.scratch(name);
    l.ok(&["export", "--format", "jsonl", path(&out)]);
    std::fs::read_to_string(&out)
        .expect("export file")
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("export is JSON Lines");
            (v["id"].as_str().expect("id").to_string(), v)
        })
        .collect()
}

#[test]
fn every_sample_format_imports() {
    let l = lore();
    for (file, count) in [
        ("import/sample.jsonl", 12),
        ("import/sample-utf8.csv", 8),
        ("import/sample-utf8-bom.csv", 5),
        ("import/sample-gbk.csv", 6),
        ("import/markdown", 5),
    ] {
        assert_eq!(import_report(&l, file)["created"], count, "{file}");
    }
    assert_eq!(l.all_ids().len(), 36);
    let training = &l.json(&["show", "imp-training-late-delivery-angry"])[0];
    assert_eq!(training["turns"].as_array().map(Vec::len), Some(3));
    assert_eq!(training["key_points"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        training["links"],
        serde_json::json!(["imp-script-late-delivery-apology"])
    );
    let english = l
        .json(&["list"])
        .into_iter()
        .find(|v| v["title"] == "How do I export my order data?");
    assert!(
        english.is_some(),
        "the markdown title came from its first heading"
    );
}

#[test]
fn gbk_csv_decodes_to_the_expected_entries() {
    let l = lore();
    import_report(&l, "import/sample-gbk.csv");
    let expected =
        std::fs::read_to_string(fixture("import/sample-gbk.expected.jsonl")).expect("read");
    for line in expected.lines() {
        let want: Value = serde_json::from_str(line).expect("json");
        let id = want["id"].as_str().expect("id");
        let got = &l.json(&["show", id])[0];
        for (field, value) in want.as_object().expect("object") {
            let (mut a, mut b) = (got[field].clone(), value.clone());
            if field == "tags" {
                for v in [&mut a, &mut b] {
                    if let Value::Array(items) = v {
                        items.sort_by_key(|x| x.to_string());
                    }
                }
            }
            assert_eq!(a, b, "{id}.{field}");
        }
    }
}

#[test]
fn broken_files_are_refused_with_file_line_and_nothing_changes() {
    let l = lore();
    import_report(&l, "import/sample.jsonl");
    let before = exported(&l, "before.jsonl");
    for (file, line, what) in [
        ("broken/invalid-json.jsonl", 3, "invalid JSON"),
        ("broken/unknown-kind.jsonl", 2, "unknown kind `memo`"),
        ("broken/missing-title.jsonl", 4, "missing title"),
        ("broken/missing-title.csv", 3, "missing title"),
        (
            "broken/duplicate-shortcode.jsonl",
            3,
            "shortcode #95 is already used",
        ),
        ("broken/undecodable.csv", 3, "undecodable bytes"),
        ("broken/mixed-encodings.csv", 4, "mixes text encodings"),
        ("broken/bad-status.jsonl", 2, "unknown status `deleted`"),
        ("broken/markdown-bad", 1, "never closed"),
    ] {
        let full = fixture(&format!("import/{file}"));
        // A good file given alongside a bad one is not imported either.
        let good = fixture("import/sample-utf8.csv");
        let err = l.fails(&["import", path(&good), path(&full)]);
        let located = if file.ends_with("markdown-bad") {
            format!("{}:{line}:", full.join("broken.md").display())
        } else {
            format!("{}:{line}:", full.display())
        };
        assert!(
            err.contains(&located),
            "{file}: expected `{located}` in: {err}"
        );
        assert!(err.contains(what), "{file}: expected `{what}` in: {err}");
    }
    assert_eq!(
        exported(&l, "after.jsonl"),
        before,
        "the library is unchanged"
    );
}

#[test]
fn a_shortcode_taken_in_the_library_refuses_the_import() {
    let l = lore();
    l.ok(&[
        "add",
        "--kind",
        "script",
        "--title",
        "已有话术",
        "--shortcode",
        "#90",
    ]);
    let err = l.fails(&["import", path(&fixture("import/sample.jsonl"))]);
    assert!(
        err.contains("sample.jsonl:7:") && err.contains("shortcode #90 is already used by entry"),
        "{err}"
    );
    assert_eq!(l.all_ids().len(), 1);
}

#[test]
fn importing_the_same_files_twice_duplicates_nothing() {
    let l = lore();
    for file in [
        "import/sample.jsonl",
        "import/sample-utf8-bom.csv",
        "import/markdown",
    ] {
        import_report(&l, file);
    }
    let ids = l.all_ids();
    for file in [
        "import/sample.jsonl",
        "import/sample-utf8-bom.csv",
        "import/markdown",
    ] {
        let again = import_report(&l, file);
        assert_eq!(again["created"], 0, "{file}: {again}");
        assert_eq!(again["updated"], 0, "{file}: {again}");
    }
    assert_eq!(l.all_ids(), ids);
}

#[test]
fn jsonl_export_then_import_reproduces_every_entry_and_field() {
    let l = lore();
    l.ok(&["demo"]);
    import_report(&l, "import/sample.jsonl");
    let original = exported(&l, "one.jsonl");
    assert!(original.len() > 300);
    let copy = lore();
    copy.ok(&["import", path(&l.scratch("one.jsonl"))]);
    assert_eq!(exported(&copy, "two.jsonl"), original);
}

#[test]
fn markdown_export_then_import_reproduces_every_entry() {
    let l = lore();
    import_report(&l, "import/sample.jsonl");
    import_report(&l, "import/sample-gbk.csv");
    let original = exported(&l, "one.jsonl");
    let folder = l.scratch("md");
    l.ok(&["export", "--format", "markdown", path(&folder)]);
    let copy = lore();
    copy.ok(&["import", path(&folder)]);
    assert_eq!(exported(&copy, "two.jsonl"), original);
}

#[test]
fn an_unknown_field_or_file_type_is_named() {
    let l = lore();
    let file = l.scratch("typo.jsonl");
    std::fs::write(
        &file,
        "{\"kind\":\"faq\",\"title\":\"a\",\"tag\":[\"x\"]}\n",
    )
    .expect("write");
    let err = l.fails(&["import", path(&file)]);
    assert!(
        err.contains("typo.jsonl:1:") && err.contains("unknown field `tag`"),
        "{err}"
    );
    let other = l.scratch("notes.txt");
    std::fs::write(&other, "hello").expect("write");
    let err = l.fails(&["import", path(&other)]);
    assert!(err.contains("unknown file type"), "{err}");
}

/// An entry has a size limit, on every way in: a clear error naming the limit (and for an
/// import, the file and line), and nothing stored.
#[test]
fn an_entry_past_the_size_limit_is_refused_on_add_and_import() {
    use std::io::Write as _;
    let l = lore();
    l.ok(&["list"]);
    let huge = "很长的说明。".repeat(lore_core::model::MAX_ENTRY_BYTES / 18 + 1);
    let mut add = l
        .command()
        .args([
            "add",
            "--kind",
            "sop",
            "--title",
            "超长的流程",
            "--body",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lore add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(huge.as_bytes())
        .expect("write the body");
    let out = add.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("an entry may be at most 512 KB"), "{err}");
    let file = l.scratch("huge.jsonl");
    let line = serde_json::json!({"kind": "sop", "title": "超长的流程", "body": huge});
    std::fs::write(
        &file,
        format!("{{\"kind\": \"faq\", \"title\": \"短的\"}}\n{line}\n"),
    )
    .expect("write");
    let err = l.fails(&["import", path(&file)]);
    assert!(
        err.contains(&format!("{}:2:", file.display())) && err.contains("at most 512 KB"),
        "{err}"
    );
    assert!(l.all_ids().is_empty(), "nothing was stored");
}

/// Markdown files are named by title, so a folder reads like the library; the id travels
/// in each file's front matter, so importing the folder gives back the same entries.
#[test]
fn markdown_export_names_files_by_title_and_imports_back() {
    let l = lore();
    std::fs::write(
        l.scratch("titles.jsonl"),
        [
            r#"{"id":"a","kind":"faq","title":"退款/退货：怎么办？"}"#,
            r#"{"id":"b","kind":"faq","title":"快递延误"}"#,
            r#"{"id":"c","kind":"script","title":"快递延误","body":"亲，抱歉久等了"}"#,
            r#"{"id":"d","kind":"sop","title":"  <CON>  "}"#,
            r#"{"id":"e","kind":"sop","title":"Refund: step 1 of 2 ..."}"#,
            &format!(
                r#"{{"id":"f","kind":"faq","title":"{}"}}"#,
                "很长的标题".repeat(20)
            ),
        ]
        .join("\n"),
    )
    .expect("write");
    l.ok(&["import", path(&l.scratch("titles.jsonl"))]);
    let original = exported(&l, "one.jsonl");
    let folder = l.scratch("md");
    l.ok(&["export", "--format", "markdown", path(&folder)]);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let long = names
        .iter()
        .find(|n| n.starts_with("很长"))
        .expect("long title")
        .clone();
    assert!(long.len() <= 130 && long.ends_with(".md"), "{long}");
    assert_eq!(
        names,
        [
            "CON_.md",
            "Refund step 1 of 2.md",
            long.as_str(),
            "快递延误 (2).md",
            "快递延误.md",
            "退款 退货：怎么办？.md",
        ]
    );
    let copy = lore();
    copy.ok(&["import", path(&folder)]);
    assert_eq!(exported(&copy, "two.jsonl"), original);
    let err = l.fails(&["export", "--format", "markdown", path(&folder)]);
    assert!(err.contains("already holds files"), "{err}");
}
