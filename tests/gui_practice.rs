//! The Practice tab on the app's real state (egui_kittest) and a real library: an
//! assigned role-play played turn by turn, scored with its key points, retried; the
//! trainer's grid.

use egui_kittest::kittest::Queryable;
use lore_app::gui::Lang;

use crate::gui_harness::{demo_app, shows, until};

const ITEM: &str = "training-rp-broken-cup";

/// One reply per customer message of the broken-cup role-play.
const REPLIES: [&str; 6] = [
    "非常抱歉让您收到破损的杯子，给您添麻烦了！",
    "麻烦您拍一下外箱面单和破损细节的照片，我在工单登记破损。",
    "我们走顺丰加急补发，预计后天前到达，发出后主动推送单号给您。",
    "补发的我们会加强包装，万一再有问题也由我们负责。",
    "金额不到300元，无需寄回，给您补发或者退款都可以。快递理赔由我们公司处理，不需要您操心。",
    "好的，明天一定给您发单号。",
];

#[test]
fn an_assigned_role_play_is_played_turn_by_turn_scored_and_retried() {
    let (l, mut h) = demo_app(Lang::Zh);
    l.ok(&[
        "training",
        "assign",
        ITEM,
        "--to",
        "all",
        "--due",
        "2026-12-31",
    ]);
    h.get_by_label("练习").click();
    until(&mut h, "the assigned item first", |h| {
        shows(h, "角色扮演：收到碎杯子的愤怒客户") && shows(h, "截止 2026-12-31")
    });
    h.query_all_by_label("开始练习")
        .next()
        .expect("a start button")
        .click();
    until(&mut h, "the customer's opening", |h| {
        shows(h, "客户：你们怎么包装的？？杯子到手就碎了一只")
    });
    for (n, reply) in REPLIES.iter().enumerate() {
        h.get_by_label("你的回复").focus();
        h.run();
        h.get_by_label("你的回复").type_text(reply);
        h.run();
        h.get_by_label("发送").click();
        h.run();
        if n + 1 < REPLIES.len() {
            assert!(
                shows(&h, &format!("你：{reply}")),
                "the reply stays in the conversation"
            );
        }
    }
    until(&mut h, "the result", |h| {
        h.state().practice_result().is_some()
    });
    let attempt = h.state().practice_result().expect("result").clone();
    assert_eq!(attempt.score, 100, "{attempt:?}");
    assert!(attempt.passed);
    until(&mut h, "the score shown", |h| {
        shows(h, "得分 100 / 100 · 通过")
    });
    assert!(
        shows(&h, "「抱歉」"),
        "the words that hit a point are shown"
    );
    assert!(shows(&h, "团队的参考回复 · 破损致歉并登记"));
    h.get_by_label("再练一次").click_accesskit();
    until(&mut h, "a new round", |h| {
        shows(h, "客户：你们怎么包装的？？杯子到手就碎了一只") && !shows(h, "得分 100")
    });
    // The attempt is in this member's ledger: the trainer's grid (the demo's loader is
    // its admin) shows it.
    let rows = l.json(&["training", "status"]);
    let played = |r: &serde_json::Value| {
        r["cells"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["item"] == ITEM && c["best"] == 100 && c["passed"] == true)
    };
    assert!(rows.iter().any(played), "{rows:?}");
}

#[test]
fn the_trainer_sees_the_grid_and_a_changed_sop_asks_for_practice_again() {
    let (l, mut h) = demo_app(Lang::Zh);
    let replies = l.dir().join("replies.txt");
    std::fs::write(&replies, REPLIES.join("\n")).expect("write");
    l.ok(&[
        "practice",
        ITEM,
        "--replies",
        replies.to_str().expect("path"),
    ]);
    l.ok(&["edit", "sop-damaged-goods-claim", "--add-tag", "已更新"]);
    h.get_by_label("练习").click();
    until(&mut h, "the out-of-date notice", |h| {
        shows(h, "改过：请重新练习")
    });
    h.get_by_label("培训进度").click();
    until(&mut h, "the grid", |h| shows(h, "100 需重练"));
}

#[test]
fn a_trainer_sets_practice_from_the_grid() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("练习").click();
    until(&mut h, "the trainer's switch", |h| shows(h, "培训进度"));
    h.get_by_label("培训进度").click();
    until(&mut h, "the form", |h| shows(h, "布置练习"));
    h.get_by_label("截止日期").focus();
    h.run();
    h.get_by_label("截止日期").type_text("下周");
    h.run();
    h.get_by_label("布置").click();
    until(&mut h, "the problem said", |h| {
        shows(h, "截止日期请写成 2026-12-31 这样的格式。")
    });
    h.get_by_label("截止日期").focus();
    h.run();
    for _ in 0..2 {
        h.key_press(egui::Key::Backspace);
    }
    h.get_by_label("截止日期").type_text("2026-12-20");
    h.run();
    h.get_by_label("布置").click();
    // The first item, for everyone: the trainer's own row now has it due on that day.
    until(&mut h, "the assignment in the grid", |h| {
        !shows(h, "截止日期请写成")
    });
    crate::gui_harness::until(&mut h, "the worker wrote it", |_| {
        l.ok(&["training", "status"]).contains("截止2026-12-20")
    });
}

#[test]
fn a_quiz_on_the_faqs_is_answered_and_scored_in_the_tab() {
    let (_l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("练习").click();
    until(&mut h, "the quiz button", |h| {
        shows(h, "生成测验（常见问题）")
    });
    h.get_by_label("生成测验（常见问题）").click();
    until(&mut h, "the questions", |h| {
        shows(h, "测验：哪一条回答了客户？")
    });
    assert!(shows(&h, "1. 客户问："));
    h.get_by_label("交卷").click_accesskit();
    until(&mut h, "the score", |h| {
        h.state().practice_result().is_some()
    });
    let attempt = h.state().practice_result().expect("result").clone();
    assert_eq!(attempt.item, "quiz");
    assert_eq!(attempt.points.len(), 5);
    assert_eq!(attempt.score, 0, "nothing chosen, nothing right");
    until(&mut h, "each question's answer", |h| {
        shows(h, "得分 0 / 100 · 未通过")
    });
    assert!(h.query_all_by_label_contains("答案：").count() >= 5);
}

#[test]
fn a_multiple_choice_quiz_is_ticked_and_explained() {
    let (l, mut h) = demo_app(Lang::Zh);
    // Set for everyone and due first, it heads the list.
    let quiz = "training-mc-ticket-closing";
    l.ok(&[
        "training",
        "assign",
        quiz,
        "--to",
        "all",
        "--due",
        "2026-12-01",
    ]);
    h.get_by_label("练习").click();
    until(&mut h, "the quiz in the list", |h| {
        shows(h, "选择题：哪些工单可以关闭？（多选）")
    });
    h.query_all_by_label("开始练习")
        .next()
        .expect("its button")
        .click();
    until(&mut h, "the question", |h| {
        shows(h, "以下哪些工单现在可以关闭？（多选）")
    });
    h.get_by_label("客户回复“好的收到了，没问题了”").click();
    h.get_by_label("补发已签收，客户 48 小时未回复，期间已发过 2 次跟进提醒")
        .click();
    h.run();
    h.get_by_label("提交").click();
    until(&mut h, "the result", |h| {
        h.state().practice_result().is_some()
    });
    assert_eq!(h.state().practice_result().expect("result").score, 100);
    until(&mut h, "the explanation", |h| {
        shows(h, "团队的参考回复 · 解析")
    });
}
