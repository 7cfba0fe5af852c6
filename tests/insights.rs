//! Insights through the real binary: questions logged in each member's ledger reach a
//! lead on another machine as content gaps; candidate phrasings accepted make the
//! phrasing find the entry; the team turns the log off; the weekly report.

use crate::lore;
use crate::team::{free_port, interrupt, serve};
use lore_tests::{Lore, eventually};

const WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Whether `lore insights` offers `text` as a candidate phrasing (of entry `id`, if given).
fn offered(l: &Lore, id: Option<&str>, text: &str) -> bool {
    let insights = l.json(&["insights"]).remove(0);
    insights["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .any(|c| c["text"] == text && id.is_none_or(|id| c["entry"] == id))
}

/// Adds a published FAQ and returns its id.
fn faq(l: &Lore, title: &str, body: &str) -> String {
    let added = l.json(&["add", "--kind", "faq", "--title", title, "--body", body]);
    added[0]["id"].as_str().expect("an id").to_string()
}

#[test]
fn a_question_nobody_could_answer_reaches_the_lead_on_another_machine() {
    let alice = lore();
    let bob = lore();
    alice.ok(&["--name", "Alice", "team", "create", "青木客服中心"]);
    faq(
        &alice,
        "如何申请开具发票",
        "在订单详情页点击申请发票，填写抬头和税号。",
    );
    let listen = format!("127.0.0.1:{}", free_port());
    let ticket = alice.ok(&["invite", "--role", "agent", "--listen", &listen]);
    let (alice_node, _alice_log) = serve(&alice, &listen);
    bob.ok(&[
        "--name",
        "Bob",
        "join",
        ticket.trim(),
        "--listen",
        "127.0.0.1:0",
    ]);

    // Bob's customers ask twice, in two ways, about something the library does not hold;
    // he also finds the invoice FAQ.
    assert!(bob.json(&["search", "会员卡丢了怎么补办"]).is_empty());
    assert!(bob.json(&["search", "会员卡丢了能补办吗"]).is_empty());
    assert!(bob.json(&["search", "会员卡丢了怎么补办"]).is_empty());
    let found = bob.json(&["search", "发票"]);
    let invoice = found[0]["id"].as_str().expect("the invoice FAQ");
    bob.ok(&["copy", invoice, "--after", "发票"]);

    let (bob_node, _bob_log) = serve(&bob, "127.0.0.1:0");
    let gap = eventually(WAIT, "Bob's questions reach Alice's insights", || {
        let insights = alice.json(&["insights", "--since", "7d"]).remove(0);
        let gaps = insights["gaps"].as_array()?.clone();
        gaps.into_iter().find(|g| g["text"] == "会员卡丢了怎么补办")
    });
    assert_eq!(gap["count"], 3, "{gap}");
    assert_eq!(gap["found_nothing"], 3, "{gap}");
    assert_eq!(
        gap["phrasings"],
        serde_json::json!(["会员卡丢了怎么补办", "会员卡丢了能补办吗"]),
        "the two ways of asking are one gap"
    );
    let insights = alice.json(&["insights"]).remove(0);
    assert_eq!(insights["searches"], 4, "{insights}");
    assert!(
        !insights["gaps"]
            .as_array()
            .expect("gaps")
            .iter()
            .any(|g| g["text"] == "发票"),
        "a search followed by a copy is no gap: {insights}"
    );
    // The text report says it in Chinese, without anyone's name.
    let report = alice.ok(&["insights"]);
    assert!(report.contains("知识缺口") && report.contains("会员卡丢了怎么补办"));
    assert!(!report.contains("Bob"), "{report}");
    interrupt(bob_node);
    interrupt(alice_node);
}

#[test]
fn an_accepted_candidate_phrasing_finds_its_entry() {
    let l = lore();
    l.ok(&["--name", "周静", "team", "create", "青木客服中心"]);
    let id = faq(
        &l,
        "如何申请开具发票",
        "在订单详情页点击申请发票，填写抬头和税号。",
    );
    faq(&l, "退货运费谁承担", "质量问题由我们承担运费。");
    let phrase = "报销凭证怎么弄";
    let before = l.json(&["search", phrase]);
    assert!(
        before.first().is_none_or(|h| h["id"] != id.as_str()),
        "the phrasing must not find the entry yet: {before:?}"
    );
    // An agent searched that way, then copied the invoice FAQ.
    l.ok(&["copy", &id, "--after", phrase]);
    assert!(offered(&l, Some(&id), phrase));
    let accepted = l.ok(&["insights", "accept", &id, phrase]);
    assert!(accepted.contains(phrase), "{accepted}");
    let after = l.json(&["search", phrase]);
    assert_eq!(after[0]["id"], id.as_str(), "{after:?}");
    // Once written into the entry, it is no longer a candidate.
    assert!(!offered(&l, None, phrase));
    // A turned-down phrasing is not offered again.
    l.ok(&["copy", &id, "--after", "税号填错了"]);
    assert!(offered(&l, Some(&id), "税号填错了"));
    l.ok(&["insights", "dismiss", &id, "税号填错了"]);
    assert!(!offered(&l, None, "税号填错了"));
}

#[test]
fn the_team_turns_the_query_log_off_and_the_report_is_a_file() {
    let l = lore();
    l.ok(&["--name", "周静", "team", "create", "青木客服中心"]);
    faq(&l, "如何申请开具发票", "在订单详情页点击申请发票。");
    l.ok(&["search", "会员卡补办"]);
    // A pasted message nothing in the library answers well is a gap that found nothing.
    let said = l.ok(&["suggest", "你好，请问周末露营的帐篷可以租吗？"]);
    assert!(said.contains("没有很匹配的条目"), "{said}");
    let insights = l.json(&["insights"]).remove(0);
    let gap = insights["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .find(|g| g["asked"] == "message")
        .cloned()
        .unwrap_or_default();
    assert_eq!(gap["found_nothing"], 1, "{insights}");
    assert!(
        gap["text"].as_str().is_some_and(|t| t.contains("露营")),
        "{gap}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("周报.html");
    let md = dir.path().join("weekly.md");
    l.ok(&["insights", "--report", html.to_str().expect("utf-8")]);
    l.ok(&[
        "insights",
        "--since",
        "30d",
        "--report",
        md.to_str().expect("utf-8"),
    ]);
    let html = std::fs::read_to_string(&html).expect("the HTML report");
    assert!(html.starts_with("<!doctype html>") && html.contains("会员卡补办"));
    assert!(!html.contains("<script"), "a report runs nothing");
    let md = std::fs::read_to_string(&md).expect("the Markdown report");
    assert!(
        md.starts_with("# 知识库周报") && md.contains("| 会员卡补办 |"),
        "{md}"
    );

    let setting = l.json(&["insights", "log", "--off"]).remove(0);
    assert_eq!(setting["on"], false);
    l.ok(&["search", "积分怎么兑换"]);
    let insights = l.json(&["insights"]).remove(0);
    let text = insights.to_string();
    assert!(!text.contains("积分怎么兑换"), "{text}");
    assert!(
        !text.contains("会员卡补办"),
        "the log is deleted once off: {text}"
    );
    let err = l.fails(&["insights", "log", "--keep", "0"]);
    assert!(err.contains("at least one day"), "{err}");
    l.ok(&["insights", "log", "--on", "--keep", "30"]);
    l.ok(&["search", "积分怎么兑换"]);
    let insights = l.json(&["insights"]).remove(0);
    assert!(insights.to_string().contains("积分怎么兑换"));
    let err = l.fails(&["insights", "--since", "week"]);
    assert!(err.contains("not a period"), "{err}");
}
