//! The Credits tab (贡献榜) and the solve mark after a copy, on the app's real state
//! (egui_kittest) and a real library.

use egui_kittest::kittest::Queryable;
use lore_app::gui::Lang;

use crate::gui_harness::{demo_app, find, shows, until};

#[test]
fn a_copy_asks_whether_it_solved_the_problem_and_the_mark_is_kept() {
    let (l, mut h) = demo_app(Lang::Zh);
    find(
        &mut h,
        "杯子碎了能退吗",
        "收到的商品破损了（如杯子碎了）可以退吗？",
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    until(&mut h, "the solve question", |h| {
        shows(h, "这条回复解决客户的问题了吗？")
    });
    h.get_by_label("解决了").click();
    until(&mut h, "the question goes", |h| {
        !shows(h, "这条回复解决客户的问题了吗？")
    });
    // The mark is in this member's ledger: the entry's solve rate is 100%.
    let credit = l.json(&["credits", "--entry", "faq-return-damaged-on-arrival"]);
    assert_eq!(credit[0]["uses"], 1, "{credit:?}");
    assert_eq!(credit[0]["solved"], 1, "{credit:?}");
}

#[test]
fn the_credits_tab_ranks_members_opens_their_numbers_and_takes_decisions() {
    let (_l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("贡献榜").click();
    until(&mut h, "the board", |h| h.state().credits_board().is_some());
    until(&mut h, "the board's columns", |h| {
        shows(h, "被同事使用") && shows(h, "库中句子")
    });
    assert!(
        shows(&h, "周静"),
        "the member who loaded the demo is ranked"
    );
    // Every number opens what is behind it: here, the entries 周静 created.
    let board = h.state().credits_board().expect("board").clone();
    let me = &board.members[0];
    assert!(me.entries_created > 100, "{me:?}");
    h.get_by_label(&me.entries_created.to_string()).click();
    until(&mut h, "the entries behind the number", |h| {
        shows(h, &format!("创建条目 ({})", me.entries_created))
    });
    // An admin sees the answers awaiting a decision and adopts one.
    assert!(shows(&h, "待审核的答案"));
    let waiting = h.query_all_by_label("采纳").count();
    assert!(waiting > 0, "the demo's answers await a decision");
    h.query_all_by_label("采纳")
        .next()
        .expect("a button")
        .click_accesskit();
    until(&mut h, "one answer fewer awaits", |h| {
        h.query_all_by_label("采纳").count() == waiting - 1
    });
    assert!(shows(&h, "答案被采纳"));
}

#[test]
fn the_entry_pane_tints_the_body_by_author_and_shows_its_record() {
    let (l, mut h) = demo_app(Lang::Zh);
    // A teammate's sentence would show in another tint; here the demo's loader wrote it
    // all, and one copy of it was marked solved.
    l.ok(&["copy", "faq-refund-timeline"]);
    l.ok(&["solved", "faq-refund-timeline"]);
    find(&mut h, "退款多久到账", "退款多久能到账？");
    h.get_by_label("退款多久能到账？").click();
    until(&mut h, "the entry", |h| shows(h, "按作者着色"));
    h.get_by_label("按作者着色").click();
    until(&mut h, "the record", |h| shows(h, "使用 1 · 解决率 100%"));
    assert!(shows(&h, "贡献者：周静 100%"));
    assert!(
        shows(&h, "亲，退款审核通过后会原路退回，"),
        "the body's sentences, without Markdown's markers"
    );
}
