//! The rules of insights on hand-made logs: the query log's codec, grouping of
//! phrasings, and what the lead is shown.

use std::collections::{BTreeMap, BTreeSet};

use lore_core::insights::gaps::group;
use lore_core::insights::log::normalise;
use lore_core::insights::*;
use lore_core::{CatalogRow, Entry, EntryId, Kind, Status};

fn row(id: &str, kind: Kind, title: &str) -> (EntryId, CatalogRow) {
    let mut e = Entry::new(kind, title);
    e.id = id.into();
    e.status = Status::Published;
    (id.into(), CatalogRow::of(&e, 0))
}

fn asked(day: i64, kind: Asked, text: &str, tally: Tally) -> (Question, Tally) {
    (
        Question {
            day,
            asked: kind,
            text: text.into(),
        },
        tally,
    )
}

fn tally(asked: u64, empty: u64, copied: &[&str]) -> Tally {
    Tally {
        asked,
        empty,
        opened: 0,
        copied: copied.len() as u64,
        ids: copied.iter().map(|s| s.to_string()).collect(),
    }
}

fn words(text: &str) -> Vec<String> {
    ["运费", "退货", "发票"]
        .iter()
        .filter(|w| text.contains(**w))
        .map(|w| w.to_string())
        .collect()
}

#[test]
fn gaps_trends_usage_and_candidates_come_from_the_logs() {
    let today = 20_000;
    let catalog: BTreeMap<EntryId, CatalogRow> = [
        row("faq-ship", Kind::Faq, "退货运费谁承担"),
        row("faq-invoice", Kind::Faq, "如何开发票"),
        row("faq-unused", Kind::Faq, "会员积分规则"),
    ]
    .into_iter()
    .collect();
    let alice: Log = [
        asked(today, Asked::Search, "跑腿费怎么算", tally(3, 3, &[])),
        asked(today - 1, Asked::Search, "跑腿费多少钱", tally(1, 1, &[])),
        asked(today, Asked::Search, "开票", tally(2, 0, &["faq-invoice"])),
        asked(today - 8, Asked::Search, "开票", tally(1, 0, &[])),
        asked(
            today,
            Asked::Message,
            "你好 退货运费谁出",
            tally(1, 0, &["faq-ship"]),
        ),
        asked(today - 30, Asked::Search, "很久以前", tally(9, 9, &[])),
    ]
    .into_iter()
    .collect();
    let bob: Log = [asked(
        today,
        Asked::Search,
        "开票",
        tally(1, 0, &["faq-invoice"]),
    )]
    .into_iter()
    .collect();
    let logs = vec![("alice".to_string(), alice), ("bob".to_string(), bob)];
    let copies = vec![(
        "bob".to_string(),
        vec![
            ("faq-invoice".to_string(), today, 1),
            ("faq-invoice".to_string(), today, -1),
            ("faq-invoice".to_string(), today, -1),
            ("faq-ship".to_string(), today - 20, 0),
        ],
    )];
    let said = |id: &str| {
        if id == "faq-invoice" {
            vec!["如何开发票".to_string()]
        } else {
            Vec::new()
        }
    };
    let run = |dismissed: &BTreeSet<(EntryId, String)>| {
        compute(&Inputs {
            today,
            days: 7,
            logs: &logs,
            copies: &copies,
            catalog: &catalog,
            words: &words,
            phrasings: &said,
            dismissed,
            solve_threshold: DEFAULT_SOLVE_THRESHOLD,
        })
    };
    let i = run(&BTreeSet::new());
    assert_eq!((i.searches, i.messages, i.searches_before), (7, 1, 1));
    let top: Vec<(&str, u64, u64)> = i
        .top
        .iter()
        .map(|q| (q.text.as_str(), q.count, q.previous))
        .collect();
    assert_eq!(top[0], ("开票", 3, 1));
    assert_eq!(
        i.top.iter().find(|q| q.text == "开票").map(|q| q.askers),
        Some(2)
    );
    // The two ways of asking about 跑腿费 are one gap, found nothing four times.
    assert_eq!(i.gaps[0].phrasings, vec!["跑腿费怎么算", "跑腿费多少钱"]);
    assert_eq!((i.gaps[0].count, i.gaps[0].found_nothing), (4, 4));
    assert!(!i.gaps.iter().any(|g| g.text == "开票"), "{:?}", i.gaps);
    assert_eq!(i.hot_words[0].word, "运费");
    assert_eq!(i.most_used[0].id, "faq-invoice");
    assert_eq!(i.low_solve.len(), 1, "one solved of three is under 80%");
    assert_eq!(
        i.least_used[0].id, "faq-ship",
        "used before the period only"
    );
    assert_eq!(i.never_used.len(), 1);
    assert_eq!(i.never_used[0].id, "faq-unused");
    let c: Vec<(&str, &str, u64, usize)> = i
        .candidates
        .iter()
        .map(|c| (c.entry.as_str(), c.text.as_str(), c.count, c.askers))
        .collect();
    assert_eq!(c, vec![("faq-invoice", "开票", 2, 2)]);
    // A turned-down candidate is not offered again; the report names no member.
    let dismissed = BTreeSet::from([("faq-invoice".to_string(), "开票".to_string())]);
    let again = run(&dismissed);
    assert!(again.candidates.is_empty());
    let md = render(&i, ReportFormat::Markdown);
    assert!(
        md.contains("| 跑腿费怎么算 | 4 | 4 | 跑腿费多少钱 |"),
        "{md}"
    );
    assert!(!md.contains("alice") && !md.contains("bob"));
    let html = render(&i, ReportFormat::Html);
    assert!(html.starts_with("<!doctype html>") && html.contains("<td>开票</td>"));
}

#[test]
fn order_numbers_and_spacing_are_not_kept() {
    assert_eq!(
        normalise("  订单 20261129001  怎么\t还没到 ").as_deref(),
        Some("订单 # 怎么 还没到")
    );
    assert_eq!(normalise("Refund 7 days").as_deref(), Some("refund 7 days"));
    assert_eq!(normalise(" \n "), None);
}

#[test]
fn records_read_back() {
    let mut t = Tally::default();
    t.add(&After::Asked { found: false });
    t.add(&After::Copied("faq-1".into()));
    t.add(&After::Copied("faq-1".into()));
    let q = Question {
        day: 20_000,
        asked: Asked::Message,
        text: "a\tb".replace('\t', " "),
    };
    assert_eq!(Question::parse(&q.key()), Some(q));
    assert_eq!(Tally::decode(&t.encode()), Some(t));
    assert_eq!(Tally::decode("x"), None);
}

#[test]
fn phrasings_of_one_question_group_and_others_stay_apart() {
    let qs = [
        "退货运费谁出",
        "发票怎么开",
        "退货的运费由谁承担",
        "运费谁出",
        "refund status",
        "where is my refund status",
    ];
    let groups = group(&qs, |q| q);
    assert_eq!(groups, vec![vec![0, 2, 3], vec![1], vec![4, 5]]);
}
