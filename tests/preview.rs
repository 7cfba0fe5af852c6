//! `lore import --dry-run`: what an import would do and every problem in it, before
//! anything is written; and the real import naming every problem too.

use lore_tests::{Lore, fixture};
use serde_json::Value;

use crate::exchange::{exported, path};
use crate::lore;

/// A CSV file with three bad rows among good ones, each bad for another reason.
const BAD_CSV: &str = "类型,标题,快捷码\n\
    常见问题,发票怎么开,\n\
    话术,,#kong\n\
    话术,请稍等,#wait2\n\
    备忘,便签,\n\
    话术,稍等片刻,#wait2\n";

/// `lore [--json] import --dry-run FILES`: exit success, stdout.
fn dry_run(l: &Lore, json: bool, files: &[&std::path::Path]) -> (bool, String) {
    let mut args = Vec::new();
    if json {
        args.push("--json");
    }
    args.extend(["import", "--dry-run"]);
    args.extend(files.iter().map(|f| path(f)));
    let out = l.run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8"),
    )
}

#[test]
fn a_dry_run_lists_every_problem_with_its_line_and_writes_nothing() {
    let l = lore();
    l.ok(&["import", path(&fixture("import/sample-utf8.csv"))]);
    let before = exported(&l, "before.jsonl");
    let bad = l.scratch("bad.csv");
    // Line ends as Excel saves them: the lines named are still the lines in the file.
    std::fs::write(&bad, BAD_CSV.replace('\n', "\r\n")).expect("write");
    let good = fixture("import/sample.jsonl");
    let (ok, out) = dry_run(&l, false, &[&good, &bad]);
    assert!(!ok, "problems fail the dry run:\n{out}");
    let bad_name = bad.display();
    for (line, what) in [
        (3, "missing title"),
        (5, "unknown kind `备忘`"),
        (6, "shortcode #wait2 is already used by"),
    ] {
        let expected = format!("{bad_name}:{line}: {what}");
        assert!(out.contains(&expected), "expected `{expected}` in:\n{out}");
    }
    assert!(
        out.contains("create") && out.contains("发票怎么开"),
        "{out}"
    );
    assert!(out.contains("3 problems; nothing was written"), "{out}");
    assert_eq!(
        exported(&l, "after.jsonl"),
        before,
        "the library is unchanged"
    );

    // The real import refuses the same files, naming every problem, and writes nothing.
    let err = l.fails(&["import", path(&good), path(&bad)]);
    assert!(err.contains("3 problems; nothing was imported"), "{err}");
    for line in [3, 5, 6] {
        assert!(err.contains(&format!("{bad_name}:{line}:")), "{err}");
    }
    assert_eq!(
        exported(&l, "again.jsonl"),
        before,
        "the library is unchanged"
    );
}

#[test]
fn a_dry_run_in_json_says_what_each_entry_would_become() {
    let l = lore();
    l.ok(&["import", path(&fixture("import/sample-utf8.csv"))]);
    let csv = fixture("import/sample-utf8.csv");
    let changed = l.scratch("changed.jsonl");
    std::fs::write(
        &changed,
        "{\"id\":\"imp-csv-faq-bedding-fade\",\"kind\":\"faq\",\"title\":\"四件套掉色吗\"}\n\
         {\"kind\":\"sop\",\"title\":\"新的流程\"}\n\
         {\"id\":\"new-given-id\",\"kind\":\"faq\",\"title\":\"带编号的新条目\"}\n",
    )
    .expect("write");
    let preview = |file: &std::path::Path| -> Value {
        let (ok, out) = dry_run(&l, true, &[file]);
        assert!(ok, "{out}");
        serde_json::from_str(out.trim()).expect("one JSON object")
    };
    let again = preview(&csv);
    assert_eq!(again["problems"], serde_json::json!([]));
    let actions: Vec<&Value> = again["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["action"])
        .collect();
    assert_eq!(actions, vec!["unchanged"; 8], "{again}");
    let preview = preview(&changed);
    assert_eq!(preview["problems"], serde_json::json!([]));
    let entries = preview["entries"].as_array().expect("entries");
    let action = |title: &str| {
        entries
            .iter()
            .find(|e| e["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {preview}"))
    };
    let renamed = action("四件套掉色吗");
    assert_eq!(renamed["action"], "update");
    assert_eq!(renamed["id"], "imp-csv-faq-bedding-fade");
    assert_eq!(renamed["location"], format!("{}:1", changed.display()));
    let new = action("新的流程");
    assert_eq!(
        (&new["action"], &new["kind"]),
        (&"create".into(), &"sop".into())
    );
    assert_eq!(new["id"], Value::Null, "an id is assigned only on import");
    assert_eq!(action("带编号的新条目")["id"], "new-given-id");
    assert_eq!(l.all_ids().len(), 8, "nothing was written");
}
