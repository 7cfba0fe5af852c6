//! Freshness in the app: stale entries badged in the results and the entry pane, who
//! verified last and when the next check is due, 核实 for the owner and leads only, the
//! owner's queue, and the editor's owner and interval.

use egui_kittest::kittest::Queryable;
use lore_app::gui::Lang;

use crate::gui_harness::{demo_app, opened, set_own_role, shows, until};

/// The demo's overdue SOP, owned by whoever loads the demo.
const OVERDUE: &str = "工单关闭标准";

#[test]
fn the_owners_queue_lists_what_is_stale_and_verifying_clears_it() {
    let (l, mut h) = demo_app(Lang::Zh);
    // The loader owns an overdue SOP, an unverified FAQ and a script due soon.
    until(&mut h, "the queue's count", |h| shows(h, "我的待核实 (3)"));
    h.get_by_label("我的待核实 (3)").click();
    until(&mut h, "the queue, overdue first", |h| {
        shows(h, OVERDUE) && shows(h, "已过期") && shows(h, "待核实") && shows(h, "即将到期")
    });
    h.query_all_by_label(OVERDUE)
        .next()
        .expect("the overdue entry")
        .click();
    until(&mut h, "the entry, with 核实 for its owner", |h| {
        shows(h, "假关闭") && h.query_all_by_label("核实").next().is_some()
    });
    h.get_by_label("核实").click();
    until(&mut h, "verified now, the queue one shorter", |h| {
        shows(h, "已核实：周静") && shows(h, "我的待核实 (2)")
    });
    // Searching shows results again in place of the queue.
    h.get_by_label("搜索").focus();
    h.step();
    h.get_by_label("搜索").type_text("杯子碎了能退吗");
    until(&mut h, "the results", |h| {
        shows(h, "收到的商品破损了（如杯子碎了）可以退吗？")
    });
    let due = l.json(&["verify", "--due", "--mine"]);
    assert!(
        due.iter().all(|f| f["title"] != OVERDUE),
        "verified for real: {due:?}"
    );
}

#[test]
fn an_overdue_result_is_badged_and_only_owner_and_leads_may_verify() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("搜索").type_text("试用期可以延长");
    // 王芳 owns it and checked it 40 days ago; it is due every 30.
    until(&mut h, "the overdue badge on the result", |h| {
        shows(h, "试用期可以延长吗？") && shows(h, "已过期")
    });
    h.key_press(egui::Key::Enter);
    until(&mut h, "owner and state in the pane", |h| {
        shows(h, "负责人：王芳") && shows(h, "已过期：周静")
    });
    assert!(
        h.query_all_by_label("核实").next().is_some(),
        "a lead may verify what others own"
    );
    drop(h);

    set_own_role(&l, "agent");
    let mut h = opened(&l.dir(), Lang::Zh);
    h.get_by_label("搜索").type_text("试用期可以延长");
    until(&mut h, "the result", |h| shows(h, "试用期可以延长吗？"));
    h.key_press(egui::Key::Enter);
    until(&mut h, "the pane", |h| shows(h, "负责人：王芳"));
    assert!(
        h.query_all_by_label("核实").next().is_none(),
        "an agent who does not own it is not offered 核实"
    );
}

#[test]
fn the_editor_sets_the_interval() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("搜索").type_text(OVERDUE);
    until(&mut h, "the result", |h| shows(h, OVERDUE));
    h.key_press(egui::Key::Enter);
    until(&mut h, "the pane", |h| shows(h, "已过期："));
    h.get_by_label("编辑").click();
    until(&mut h, "the editor's freshness fields", |h| {
        shows(h, "负责人") && shows(h, "核实周期（天）")
    });
    let field = h.get_by_label("核实周期（天）");
    field.focus();
    h.step();
    // The demo's 30 goes; 60 takes its place.
    h.key_press(egui::Key::End);
    h.key_press(egui::Key::Backspace);
    h.key_press(egui::Key::Backspace);
    h.get_by_label("核实周期（天）").type_text("60");
    until(&mut h, "the interval is stored", |_| {
        l.json(&["show", "sop-ticket-closing"])[0]["verify_every_days"] == 60
    });
}
