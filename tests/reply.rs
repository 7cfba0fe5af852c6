//! Replies safe to paste: chat-ready text without Markdown, placeholders that cannot go
//! out unfilled, internal and draft texts that are not copied without saying so.

use std::collections::BTreeMap;

use lore_core::reply::{chat_text, field_names, fill};

use crate::lore;

/// What no customer should ever receive from a Markdown body.
fn assert_no_markdown(text: &str) {
    for marker in ["**", "__", "|", "---", "```", "](", "\n#", "\n- ", "\n* "] {
        assert!(
            !text.contains(marker),
            "`{marker}` reached the customer:\n{text}"
        );
    }
}

#[test]
fn markdown_becomes_text_a_chat_window_shows_as_meant() {
    let markdown = "## 退款说明\n\n亲，退款会**原路退回**，_一般_ 1～3 天。\n\n\
        - **支付宝**：即时到账\n  - 花呗：恢复额度\n* 微信：`零钱`\n\n\
        1. 打开「订单」\n2) 点击[售后进度](https://shop.example/after-sale)\n\n\
        ---\n\n> 温馨提示：详见 <https://shop.example/help>\n\n\
        | 方式 | 时间 |\n|:---|---:|\n| 储蓄卡 | **1～3 个工作日** |\n| 信用卡 | 1～7 个工作日 |\n\n\
        订单{order_no}的 snake_case 和 2 * 3 \\*不变\\*。🙏😊";
    let text = chat_text(markdown);
    assert_no_markdown(&text);
    assert_eq!(
        text,
        "退款说明\n\n亲，退款会原路退回，一般 1～3 天。\n\n\
         • 支付宝：即时到账\n  • 花呗：恢复额度\n• 微信：零钱\n\n\
         1. 打开「订单」\n2. 点击售后进度 https://shop.example/after-sale\n\n\
         温馨提示：详见 https://shop.example/help\n\n\
         • 储蓄卡：1～3 个工作日\n• 信用卡：1～7 个工作日\n\n\
         订单{order_no}的 snake_case 和 2 * 3 *不变*。🙏😊"
    );
}

#[test]
fn a_table_of_several_columns_names_each_cell_by_its_header() {
    let text = chat_text(
        "| Series | Gas | Induction |\n|---|---|---|\n| Cast iron | ✔ | ✔ |\n| Clay pot | ✔ | ✘ |",
    );
    assert_eq!(
        text,
        "• Cast iron: Gas ✔, Induction ✔\n• Clay pot: Gas ✔, Induction ✘"
    );
}

#[test]
fn placeholders_are_found_filled_and_never_silently_left() {
    let text = "您好{姓名}，订单{订单号}已发出；{姓名}请留意{解决方案，如补发/退款}。{} {\n}";
    assert_eq!(
        field_names(text),
        ["姓名", "订单号", "解决方案，如补发/退款"]
    );
    let mut values = BTreeMap::new();
    values.insert("姓名".to_string(), "王女士".to_string());
    values.insert("订单号".to_string(), "  ".to_string());
    let filled = fill(text, &values);
    assert_eq!(
        filled.text,
        "您好王女士，订单{订单号}已发出；王女士请留意{解决方案，如补发/退款}。{} {\n}"
    );
    assert_eq!(filled.unfilled, ["订单号", "解决方案，如补发/退款"]);
}

#[test]
fn copy_of_the_refund_time_faq_has_no_markdown_and_keeps_its_table_readable() {
    let l = lore();
    l.ok(&["demo"]);
    let text = l.ok(&["copy", "faq-refund-timeline"]);
    assert_no_markdown(&text);
    assert!(text.contains("原路退回"), "{text}");
    assert!(
        text.contains("• 储蓄卡（快捷支付）：1～3 个工作日"),
        "{text}"
    );
}

#[test]
fn a_reply_with_two_placeholders_cannot_be_copied_unfilled() {
    let l = lore();
    l.ok(&["demo"]);
    let err = l.fails(&["copy", "#2"]);
    assert!(
        err.contains("{订单号}") && err.contains("{预计发货时间}") && err.contains("--set"),
        "{err}"
    );
    let err = l.fails(&["copy", "#2", "--set", "订单号=20261129001"]);
    assert!(
        err.contains("{预计发货时间}") && !err.contains("{订单号}"),
        "{err}"
    );
    let err = l.fails(&["copy", "#2", "--set", "快递单号=SF1"]);
    assert!(err.contains("no placeholder {快递单号}"), "{err}");
    let copied = l.json(&[
        "copy",
        "#2",
        "--set",
        "订单号=20261129001",
        "--set",
        "预计发货时间=明天中午",
    ]);
    let text = copied[0]["text"].as_str().expect("text");
    assert!(
        text.contains("您的订单20261129001目前处于仓库打包中，预计在明天中午前发出"),
        "{text}"
    );
    assert!(!text.contains('{'), "{text}");
    assert_eq!(copied[0]["uses"], 1);
    // Printed unfilled only when asked, and then named.
    let out = l.run(&["copy", "#2", "--keep-blanks"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("{订单号}"), "{stdout}");
    assert!(
        stderr.contains("unfilled: {订单号}, {预计发货时间}"),
        "{stderr}"
    );
}

#[test]
fn internal_and_draft_entries_are_copied_only_when_asked_and_sops_never() {
    let l = lore();
    l.ok(&["demo"]);
    let err = l.fails(&["copy", "faq-refund-manual-review"]);
    assert!(
        err.contains("internal") && err.contains("--internal"),
        "{err}"
    );
    let text = l.ok(&["copy", "faq-refund-manual-review", "--internal"]);
    assert!(text.contains("内部说明"), "{text}");
    let draft = l
        .ok(&[
            "add",
            "--kind",
            "script",
            "--title",
            "新活动话术",
            "--body",
            "**活动**即将开始",
            "--status",
            "draft",
        ])
        .trim()
        .to_string();
    let err = l.fails(&["copy", &draft]);
    assert!(err.contains("draft"), "{err}");
    assert_eq!(l.ok(&["copy", &draft, "--internal"]).trim(), "活动即将开始");
    let sop = l.json(&["list", "--kind", "sop"])[0]["id"]
        .as_str()
        .expect("an SOP")
        .to_string();
    let err = l.fails(&["copy", &sop, "--internal"]);
    assert!(
        err.contains("an SOP") && err.contains("not a reply"),
        "{err}"
    );
}

#[test]
fn the_adopted_answer_is_the_reply_and_any_answer_can_be_copied_on_its_own() {
    let l = lore();
    let id = l.add_faq("能开发票吗", "亲，可以开**电子发票**。");
    assert_eq!(l.ok(&["copy", &id]).trim(), "亲，可以开电子发票。");
    l.ok(&[
        "edit",
        &id,
        "--answer",
        "亲，可以的～确认收货后 24 小时内自动开具，在「我的-发票管理」下载。",
    ]);
    let shown = l.json(&["show", &id]);
    let answer = shown[0]["answers"][0]["id"]
        .as_str()
        .expect("answer id")
        .to_string();
    // Not adopted yet: the body is still the reply, the answer copies on its own.
    assert_eq!(l.ok(&["copy", &id]).trim(), "亲，可以开电子发票。");
    assert!(
        l.ok(&["copy", &id, "--answer", &answer])
            .contains("24 小时内")
    );
    l.ok(&["edit", &id, "--adopt", &answer]);
    assert!(l.ok(&["copy", &id]).contains("「我的-发票管理」下载"));
}

#[test]
fn a_message_with_several_questions_gets_suggestions_for_each() {
    use lore_core::search::split_questions;
    assert_eq!(
        split_questions("你好。杯子碎了…能换吗？运费谁出？花呗的退款多久到？谢谢"),
        [
            "你好。杯子碎了…能换吗？",
            "运费谁出？",
            "花呗的退款多久到？谢谢"
        ]
    );
    assert_eq!(
        split_questions("我昨天买的杯子碎了，能换吗？"),
        ["我昨天买的杯子碎了，能换吗？"]
    );
    let l = lore();
    l.ok(&["demo"]);
    let lines = l.json(&[
        "suggest",
        "杯子碎了…能换吗？运费谁出？花呗的退款多久到？",
        "--limit",
        "3",
    ]);
    let first_for = |question: &str| {
        lines
            .iter()
            .find(|h| h["question"].as_str().is_some_and(|q| q.contains(question)))
            .and_then(|h| h["id"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        first_for("杯子碎了"),
        "faq-return-damaged-on-arrival",
        "{lines:?}"
    );
    assert!(first_for("运费谁出").contains("shipping-fee"), "{lines:?}");
    assert!(first_for("花呗").contains("huabei"), "{lines:?}");
}

#[test]
fn a_shortcode_search_shows_the_script_not_every_text_with_its_digits() {
    let l = lore();
    l.ok(&["demo"]);
    let hits = l.json(&["search", "#2"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["id"], "script-urge-shipping-soothe");
    assert_eq!(hits[0]["shortcode"], "#2");
}

#[test]
fn favourites_are_pinned_in_the_agents_ledger_and_only_replies_can_be() {
    let l = lore();
    l.ok(&["demo"]);
    l.ok(&["pin", "#7"]);
    l.ok(&["pin", "faq-pay-methods"]);
    let pinned: Vec<String> = l
        .json(&["pin"])
        .iter()
        .map(|p| p["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(pinned, ["faq-pay-methods", "script-bad-review-recovery"]);
    let sop = l.json(&["list", "--kind", "sop"])[0]["id"]
        .as_str()
        .expect("an SOP")
        .to_string();
    assert!(l.fails(&["pin", &sop]).contains("not a reply"));
    l.ok(&["pin", "faq-pay-methods", "--off"]);
    let pinned = l.json(&["pin"]);
    assert_eq!(pinned.len(), 1);
    assert_eq!(pinned[0]["shortcode"], "#7");
    // Pinning is a change of this member's own ledger, with its history.
    let me = lore_sync::Identity::load_or_create(&l.dir(), None).expect("identity");
    let mut library = lore_core::Library::open(&l.dir(), me.writer()).expect("open");
    let ledger = library.ledger(&me.member_id()).expect("ledger");
    assert_eq!(
        ledger.pinned.keys().collect::<Vec<_>>(),
        ["script-bad-review-recovery"]
    );
}

#[test]
fn the_editor_offers_the_teams_tags_most_used_first() {
    let root = tempfile::tempdir().expect("tempdir");
    let mut library =
        lore_core::Library::open(root.path(), crate::library::writer("alice")).expect("open");
    for (title, tags) in [
        ("甲", ["退款", "物流"]),
        ("乙", ["退款", "发票"]),
        ("丙", ["退款", "物流"]),
    ] {
        library
            .add(lore_core::Entry {
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..lore_core::Entry::new(lore_core::Kind::Faq, title)
            })
            .expect("add");
    }
    assert_eq!(library.vocabulary().tags, ["退款", "物流", "发票"]);
}

/// With a node holding the library (`lore serve`, or the app), `lore copy` is run by the
/// node for the caller: the reply still comes back on the caller's standard output.
#[test]
fn lore_copy_prints_the_reply_when_a_node_holds_the_library() {
    let l = crate::lore();
    l.ok(&["demo"]);
    let (node, _log) = crate::team::serve(&l, "127.0.0.1:0");
    let text = l.ok(&["copy", "faq-invoice-how-to", "--keep-blanks"]);
    assert!(
        text.contains("发票"),
        "the reply reached the caller: {text:?}"
    );
    crate::team::interrupt(node);
}
