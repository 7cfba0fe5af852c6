//! Spreadsheets through the CLI: Chinese and English columns and values, the import
//! template, and CSV export for Excel (UTF-8 with a BOM, or GBK) read back losslessly.

use std::collections::BTreeMap;

use lore_tests::{Lore, fixture};
use serde_json::{Value, json};

use crate::exchange::{exported, path};
use crate::lore;

/// Writes `text` to a scratch file of `l` and imports it; returns the import's report.
fn import_text(l: &Lore, name: &str, text: &str) -> Value {
    let file = l.scratch(name);
    std::fs::write(&file, text).expect("write");
    l.json(&["import", path(&file)]).remove(0)
}

/// The library's only entry with `title`, with every field.
fn titled(l: &Lore, title: &str) -> Value {
    let ids: Vec<String> = l
        .json(&["list"])
        .into_iter()
        .filter(|v| v["title"] == title)
        .map(|v| v["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 1, "one entry titled {title}");
    l.json(&["show", &ids[0]]).remove(0)
}

/// Every exported entry without its contributed answers, which CSV cannot hold.
fn without_answers(entries: BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    entries
        .into_iter()
        .map(|(id, mut v)| {
            v.as_object_mut().expect("object").remove("answers");
            (id, v)
        })
        .collect()
}

#[test]
fn chinese_column_headers_import_every_field() {
    let l = lore();
    let report = import_text(
        &l,
        "中文.csv",
        "编号,类型,标题,正文,相似问法,标签,分类,快捷码,状态,仅内部\n\
         zh-faq-invoice,常见问题,发票怎么开,在订单详情里申请电子发票。,能开发票吗；发票在哪里开,发票、售后,财务,,已发布,是\n\
         zh-script-wait,话术,请稍等,亲，请稍等，我马上为您查询。,,礼貌用语,,#shaodeng,草稿,否\n",
    );
    assert_eq!(report["created"], 2, "{report}");
    let faq = &l.json(&["show", "zh-faq-invoice"])[0];
    assert_eq!(faq["kind"], "faq");
    assert_eq!(faq["title"], "发票怎么开");
    assert_eq!(faq["body"], "在订单详情里申请电子发票。");
    assert_eq!(faq["questions"], json!(["能开发票吗", "发票在哪里开"]));
    assert_eq!(faq["tags"], json!(["发票", "售后"]));
    assert_eq!(faq["category"], "财务");
    assert_eq!(faq["status"], "published");
    assert_eq!(faq["internal"], true);
    let script = &l.json(&["show", "zh-script-wait"])[0];
    assert_eq!(script["kind"], "script");
    assert_eq!(script["shortcode"], "#shaodeng");
    assert_eq!(script["status"], "draft");
    assert_eq!(script["internal"], false);
}

#[test]
fn chinese_and_english_headers_mix_in_one_file() {
    let l = lore();
    import_text(
        &l,
        "mixed.csv",
        "kind,标题,Body,标签,shortcode,对话轮次,要点,客户画像,opening\n\
         training,催发货演练,,物流,,\"什么时候发货？\n还要等多久，我急用\",给出具体日期；不说尽快,着急的买家,我的订单怎么还没发？\n",
    );
    let training = titled(&l, "催发货演练");
    assert_eq!(training["kind"], "training");
    assert_eq!(training["tags"], json!(["物流"]));
    assert_eq!(
        training["turns"],
        json!(["什么时候发货？", "还要等多久，我急用"]),
        "a cell with line breaks holds one item per line, commas and all"
    );
    assert_eq!(training["key_points"], json!(["给出具体日期", "不说尽快"]));
    assert_eq!(training["persona"], "着急的买家");
    assert_eq!(training["opening"], "我的订单怎么还没发？");
}

#[test]
fn kinds_and_statuses_may_be_written_in_chinese_in_every_format() {
    let l = lore();
    import_text(
        &l,
        "values.csv",
        "类型,标题,状态\n常见问题,甲,已发布\nFAQ,乙,草稿\n话术,丙,发布\n流程,丁,已归档\nSOP,戊,归档\n培训,己,草稿\n",
    );
    import_text(
        &l,
        "values.jsonl",
        "{\"kind\":\"话术\",\"title\":\"庚\",\"status\":\"草稿\"}\n",
    );
    for (title, kind, status) in [
        ("甲", "faq", "published"),
        ("乙", "faq", "draft"),
        ("丙", "script", "published"),
        ("丁", "sop", "archived"),
        ("戊", "sop", "archived"),
        ("己", "training", "draft"),
        ("庚", "script", "draft"),
    ] {
        let ids = l.all_ids();
        let entry = ids
            .iter()
            .map(|id| l.json(&["show", id]).remove(0))
            .find(|v| v["title"] == title)
            .unwrap_or_else(|| panic!("{title} was imported"));
        assert_eq!(
            (&entry["kind"], &entry["status"]),
            (&json!(kind), &json!(status)),
            "{title}"
        );
    }
}

#[test]
fn an_unknown_or_doubled_column_names_the_columns_in_both_languages() {
    let l = lore();
    let file = l.scratch("typo.csv");
    std::fs::write(&file, "类型,题目,正文\nfaq,甲,乙\n").expect("write");
    let err = l.fails(&["import", path(&file)]);
    assert!(err.contains("typo.csv:1:"), "{err}");
    assert!(err.contains("unknown column `题目`"), "{err}");
    assert!(
        err.contains("title (标题)") && err.contains("shortcode (快捷码)"),
        "{err}"
    );
    std::fs::write(&file, "类型,标题,title\nfaq,甲,乙\n").expect("write");
    let err = l.fails(&["import", path(&file)]);
    assert!(err.contains("`标题` and `title` are both title"), "{err}");
    std::fs::write(&file, "类型,标题\n备忘,甲\n").expect("write");
    let err = l.fails(&["import", path(&file)]);
    assert!(
        err.contains("typo.csv:2:") && err.contains("unknown kind `备忘`"),
        "{err}"
    );
    assert!(
        err.contains("话术"),
        "the Chinese kinds are named too: {err}"
    );
    assert!(l.all_ids().is_empty());
}

#[test]
fn every_template_imports_as_its_examples() {
    for (format, name, extra) in [
        ("csv", "模板.csv", None),
        ("csv", "模板-gbk.csv", Some("gbk")),
        ("jsonl", "template.jsonl", None),
        ("markdown", "template.md", None),
    ] {
        let l = lore();
        let out = l.scratch(name);
        let mut args = vec!["template", "--format", format, path(&out)];
        if let Some(encoding) = extra {
            args.extend(["--encoding", encoding]);
        }
        l.ok(&args);
        let bytes = std::fs::read(&out).expect("template written");
        match (format, extra) {
            ("csv", None) => {
                assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
                let header = String::from_utf8_lossy(&bytes[3..]);
                assert!(header.starts_with("类型,标题,正文,问法,标签"), "{header}");
            }
            ("csv", Some(_)) => assert!(std::str::from_utf8(&bytes).is_err(), "GBK, not UTF-8"),
            _ => {}
        }
        let report = l.json(&["import", path(&out)]).remove(0);
        let script = titled(&l, "快递延误致歉");
        assert_eq!(script["kind"], "script", "{name}");
        assert_eq!(script["shortcode"], "#yanwu", "{name}");
        assert_eq!(
            script["questions"],
            json!(["快递怎么还没到", "物流好几天没更新"]),
            "{name}"
        );
        assert_eq!(script["tags"], json!(["物流", "致歉"]), "{name}");
        if format == "markdown" {
            assert_eq!(report["created"], 1, "one file is one entry");
            continue;
        }
        assert_eq!(report["created"], 2, "{name}: {report}");
        let faq = titled(&l, "退货运费谁来出");
        assert_eq!(faq["kind"], "faq", "{name}");
        assert_eq!(
            faq["questions"],
            json!(["退货要自己出运费吗", "质量问题退货运费谁出", "退货邮费"]),
            "{name}"
        );
        assert!(
            faq["body"].as_str().is_some_and(|b| b.contains('\n')),
            "{name}"
        );
    }
}

#[test]
fn a_utf8_csv_export_opens_in_excel_and_imports_back_to_the_same_entries() {
    let l = lore();
    l.ok(&["demo"]);
    l.ok(&["import", path(&fixture("import/sample.jsonl"))]);
    let original = without_answers(exported(&l, "one.jsonl"));
    let csv = l.scratch("library.csv");
    let out = l.run(&["export", "--format", "csv", path(&csv)]);
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("contributed answers") && note.contains("JSON Lines"),
        "the export says what CSV left out: {note}"
    );
    let bytes = std::fs::read(&csv).expect("exported");
    assert!(
        bytes.starts_with("\u{FEFF}编号,类型,标题".as_bytes()),
        "BOM, Chinese headers"
    );
    let copy = lore();
    copy.ok(&["import", path(&csv)]);
    assert_eq!(without_answers(exported(&copy, "two.jsonl")), original);
}

#[test]
fn a_gbk_csv_export_imports_back_to_the_same_entries() {
    let l = lore();
    for file in [
        "import/sample-utf8.csv",
        "import/sample-utf8-bom.csv",
        "import/sample-gbk.csv",
    ] {
        l.ok(&["import", path(&fixture(file))]);
    }
    import_text(
        &l,
        "training.jsonl",
        "{\"kind\":\"training\",\"title\":\"演练\",\"turns\":[\"好，那你说几点？\",\"行吧\"],\"key_points\":[\"先致歉，再给时间\"],\"status\":\"draft\",\"internal\":true}\n",
    );
    let original = exported(&l, "one.jsonl");
    let csv = l.scratch("gbk.csv");
    l.ok(&["export", "--format", "csv", "--encoding", "gbk", path(&csv)]);
    let bytes = std::fs::read(&csv).expect("exported");
    assert!(std::str::from_utf8(&bytes).is_err(), "GBK, not UTF-8");
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(
        !bad && text.starts_with("编号,类型,标题"),
        "{}",
        &text[..40]
    );
    let copy = lore();
    copy.ok(&["import", path(&csv)]);
    assert_eq!(exported(&copy, "two.jsonl"), original);
}

#[test]
fn text_gbk_cannot_hold_refuses_the_gbk_export_naming_entry_and_character() {
    let l = lore();
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--title",
        "能开发票吗",
        "--body",
        "可以 🧾",
    ]);
    let id = l.json(&["list"])[0]["id"].as_str().expect("id").to_string();
    let csv = l.scratch("gbk.csv");
    let err = l.fails(&["export", "--format", "csv", "--encoding", "gbk", path(&csv)]);
    assert!(err.contains(&format!("entry {id} (“能开发票吗”)")), "{err}");
    assert!(
        err.contains("“🧾” (U+1F9FE)") && err.contains("--encoding utf8"),
        "{err}"
    );
    assert!(!csv.exists(), "no file is written");
    l.ok(&["export", "--format", "csv", path(&csv)]);
    assert!(csv.exists(), "UTF-8 holds it");
}
