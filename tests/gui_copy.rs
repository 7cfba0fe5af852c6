//! Copying from the app: the dialog that asks for a reply's blanks and for confirmation
//! of an internal text, on the app's real state (egui_kittest) and a real library.

use egui_kittest::kittest::Queryable;
use lore_app::gui::Lang;

use crate::gui_harness::{demo_app, find, shows, until};

#[test]
fn a_reply_with_two_blanks_is_not_copied_until_they_are_filled() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "#2", "催发货安抚");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    until(&mut h, "the dialog asks for the blanks", |h| {
        shows(h, "填写回复中的空白处")
    });
    assert!(shows(&h, "还有空白未填：{订单号}、{预计发货时间}"));
    // Enter does not copy while blanks are left, and nothing reached the clipboard.
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().last_copy(), None);
    for (blank, value) in [("订单号", "20261129001"), ("预计发货时间", "明天中午")] {
        h.get_by_label(blank).focus();
        h.run();
        h.get_by_label(blank).type_text(value);
        h.run();
    }
    assert!(!shows(&h, "还有空白未填"));
    h.get_by_label("复制到剪贴板").click();
    until(&mut h, "the copy is confirmed", |h| shows(h, "已复制"));
    let copied = h.state().last_copy().unwrap_or_default().to_string();
    assert!(
        copied.contains("您的订单20261129001目前处于仓库打包中，预计在明天中午前发出"),
        "{copied}"
    );
    assert!(!copied.contains('{') && !copied.contains("**"), "{copied}");
}

#[test]
fn copying_an_internal_entry_asks_first_and_says_why() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(
        &mut h,
        "退款长时间卡在审核中",
        "退款长时间卡在审核中怎么办？",
    );
    // Its row carries the internal badge.
    assert!(shows(&h, "内部"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    until(&mut h, "the dialog says why it asks", |h| {
        shows(h, "这是内部内容，请勿对外发送给客户。")
    });
    assert_eq!(h.state().last_copy(), None);
    h.get_by_label("取消").click();
    h.run();
    assert!(!shows(&h, "这是内部内容"));
    assert_eq!(h.state().last_copy(), None);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    until(&mut h, "the dialog asks again", |h| shows(h, "仍然复制"));
    h.get_by_label("仍然复制").click();
    until(&mut h, "the copy is confirmed", |h| shows(h, "已复制"));
    let copied = h.state().last_copy().unwrap_or_default().to_string();
    assert!(
        copied.contains("内部说明") && !copied.contains("**"),
        "{copied}"
    );
}

#[test]
fn the_entry_pane_shows_what_the_customer_receives_and_sops_are_not_replies() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "退款多久能到账", "退款多久能到账？");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry shows its reply", |h| {
        shows(h, "客户将收到")
    });
    // Folded under the body; unfolded, it is the text a copy pastes.
    h.get_by_label("客户将收到").click();
    h.run();
    assert!(shows(&h, "• 储蓄卡（快捷支付）：1～3 个工作日"));
}

#[test]
fn an_sop_is_shown_as_for_the_team_and_offers_no_copy() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "工单关闭标准", "工单关闭标准");
    assert!(shows(&h, "流程"), "the SOP's kind badge");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the SOP opens", |h| {
        shows(h, "供团队参考，不作为回复发给客户")
    });
    assert!(
        h.query_all_by_label("复制回复").next().is_none(),
        "an SOP offers no reply to copy"
    );
}

#[test]
fn a_pasted_message_with_three_questions_gets_suggestions_under_each() {
    let (_l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("客户消息").click();
    until(&mut h, "the message box", |h| {
        shows(h, "粘贴客户的整段消息")
    });
    h.get_by_label("粘贴客户的整段消息").focus();
    h.step();
    h.get_by_label("粘贴客户的整段消息")
        .type_text("杯子碎了…能换吗？运费谁出？花呗的退款多久到？");
    until(
        &mut h,
        "each question is listed with its suggestions",
        |h| {
            shows(h, "运费谁出？")
                && shows(h, "花呗的退款多久到？")
                && shows(h, "收到的商品破损了（如杯子碎了）可以退吗？")
                && shows(h, "退款时运费会退吗？")
        },
    );
}

#[test]
fn a_table_in_an_entry_renders_as_a_grid_not_pipes() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "退款多久能到账", "退款多久能到账？");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry opens", |h| shows(h, "客户将收到"));
    // Each cell is its own label; no row is shown as pipes.
    assert!(h.query_all_by_label("支付方式").next().is_some());
    assert!(h.query_all_by_label("储蓄卡（快捷支付）").next().is_some());
    assert!(h.query_all_by_label_contains("| 储蓄卡").next().is_none());
}

#[test]
fn the_quick_picker_finds_a_shortcode_fills_its_blanks_copies_and_hides() {
    let (_l, mut h) = demo_app(Lang::Zh);
    h.state_mut().open_picker();
    let hint = "找回复（中文、拼音、#2）· ↑↓ 选择 · Enter 复制 · Esc 关闭";
    until(&mut h, "the picker opens", |h| shows(h, hint));
    // With nothing typed it lists the scripts by shortcode, #1 first.
    let first = "欢迎语（核实订单）";
    until(&mut h, "the picker lists the quick replies", |h| {
        h.query_all_by_label(first).next().is_some()
    });
    let listed = h.query_all_by_label(first).count();
    h.get_by_label(hint).type_text("#2");
    until(&mut h, "the picker lists the script of #2 alone", |h| {
        h.query_all_by_label(first).count() == listed - 1
    });
    h.key_press(egui::Key::Enter);
    until(&mut h, "the picker asks for the blanks", |h| {
        shows(h, "填写回复中的空白处")
    });
    for (blank, value) in [("订单号", "A1001"), ("预计发货时间", "今晚8点")] {
        h.get_by_label(blank).focus();
        h.run();
        h.get_by_label(blank).type_text(value);
        h.run();
    }
    h.key_press(egui::Key::Enter);
    until(&mut h, "the reply is copied and the picker hides", |h| {
        !h.state().picker_open()
    });
    let copied = h.state().last_copy().unwrap_or_default().to_string();
    assert!(
        copied.contains("您的订单A1001目前处于仓库打包中，预计在今晚8点前发出"),
        "{copied}"
    );
    // The picker's search and the copy after it are in the query log (a shortcode is
    // never offered as a phrasing).
    h.get_by_label("洞察").click();
    until(&mut h, "the picker's search in the insights", |h| {
        h.state()
            .insights()
            .is_some_and(|i| i.top.iter().any(|q| q.text == "#2" && q.copied == 1))
    });
    let insights = h.state().insights().expect("insights");
    assert!(!insights.candidates.iter().any(|c| c.text == "#2"));
}

#[test]
fn escape_hides_the_picker_and_an_empty_picker_lists_the_most_used_replies() {
    let (l, h) = demo_app(Lang::Zh);
    drop(h);
    // Two uses of one reply make it the team's most used.
    l.ok(&["copy", "faq-pay-methods"]);
    l.ok(&["copy", "faq-pay-methods"]);
    let mut h = crate::gui_harness::opened(&l.dir(), Lang::Zh);
    let title = "青木商城支持哪些支付方式？";
    // An empty search lists the team's most used reply first.
    until(&mut h, "the most used reply heads the list", |h| {
        h.query_all_by_label(title).count() == 1
    });
    h.state_mut().open_picker();
    until(&mut h, "the picker lists it too", |h| {
        h.query_all_by_label(title).count() == 2
    });
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().picker_open());
}

/// 打开主窗口 in the picker hides it and asks for the main window back (shown, not
/// minimised, focused): the way back on desktops without a tray.
#[test]
fn the_pickers_open_main_window_button_brings_the_window_back() {
    let (_l, mut h) = demo_app(Lang::Zh);
    h.state_mut().open_picker();
    until(&mut h, "the picker opens", |h| shows(h, "打开主窗口"));
    h.get_by_label("打开主窗口").click();
    h.step();
    assert!(!h.state().picker_open(), "the picker hid");
    let asked = &h.output().viewport_output[&egui::ViewportId::ROOT].commands;
    for command in [
        egui::ViewportCommand::Visible(true),
        egui::ViewportCommand::Minimized(false),
        egui::ViewportCommand::Focus,
    ] {
        assert!(asked.contains(&command), "{command:?} in {asked:?}");
    }
}

#[test]
fn a_pinned_reply_comes_first_in_the_picker() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "发票抬头开错了", "发票抬头开错了怎么修改？");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry offers pinning", |h| {
        shows(h, "☆ 设为常用")
    });
    h.get_by_label("☆ 设为常用").click();
    until(&mut h, "the entry is pinned", |h| shows(h, "★ 常用"));
    h.state_mut().open_picker();
    let hint = "找回复（中文、拼音、#2）· ↑↓ 选择 · Enter 复制 · Esc 关闭";
    until(&mut h, "the picker opens", |h| shows(h, hint));
    // The favourite is listed first: Enter copies it (it has no blanks).
    until(&mut h, "the favourite is listed", |h| {
        h.query_all_by_label("发票抬头开错了怎么修改？").count() >= 2
    });
    h.key_press(egui::Key::Enter);
    until(&mut h, "the favourite is copied", |h| {
        !h.state().picker_open()
    });
    let copied = h.state().last_copy().unwrap_or_default().to_string();
    assert!(copied.contains("换开"), "{copied}");
}

#[test]
fn at_a_narrow_docked_width_the_list_and_the_entry_take_turns() {
    let l = crate::gui_harness::demo();
    let mut h = crate::gui_harness::app_sized(&l.dir(), Lang::Zh, egui::vec2(480.0, 720.0));
    until(&mut h, "the library is open", |h| shows(h, "条"));
    h.get_by_label("搜索").type_text("杯子碎了能退吗");
    let title = "收到的商品破损了（如杯子碎了）可以退吗？";
    until(&mut h, "the answer is listed", |h| shows(h, title));
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry takes the window", |h| {
        shows(h, "客户将收到")
    });
    // The results give the entry the room: its title once, as its heading.
    assert_eq!(h.query_all_by_label(title).count(), 1);
    assert!(h.query_all_by_label("复制回复").next().is_some());
    h.get_by_label("关闭").click();
    until(&mut h, "the list is back", |h| {
        !shows(h, "客户将收到") && shows(h, title)
    });
}

#[test]
fn a_change_made_outside_the_window_shows_without_asking() {
    let (l, mut h) = demo_app(Lang::Zh);
    until(&mut h, "the count", |h| shows(h, "303 条"));
    h.get_by_label("搜索").type_text("新到的同事条目");
    until(&mut h, "nothing found yet", |h| !shows(h, "新到的同事条目"));
    // Another process (a script, or sync bringing a teammate's entry) changes the library
    // the app holds: the app runs the command for it.
    l.ok(&["add", "--kind", "faq", "--title", "新到的同事条目"]);
    until(&mut h, "the count and the list follow", |h| {
        shows(h, "304 条") && shows(h, "新到的同事条目")
    });
}

#[test]
fn a_used_invite_disappears_from_the_team_panel() {
    let (_l, mut h) = demo_app(Lang::Zh);
    let ticket = crate::gui_harness::invite_from_team_panel(&mut h);
    let bob = crate::lore();
    let listen = format!("127.0.0.1:{}", crate::team::free_port());
    bob.ok(&["--name", "Bob", "join", &ticket, "--listen", &listen]);
    until(
        &mut h,
        "Bob is on the roster and the used ticket is gone",
        |h| shows(h, "Bob") && !shows(h, "把这段邀请码"),
    );
}

#[test]
fn linked_entries_are_shown_by_title_and_open_with_a_click() {
    let (_l, mut h) = demo_app(Lang::Zh);
    let title = "角色扮演：收到碎杯子的愤怒客户";
    crate::gui_harness::open_first(&mut h, title, title);
    until(&mut h, "its links show by title", |h| {
        shows(h, "破损致歉并登记") && !shows(h, "script-damaged-apology-register")
    });
    // The results may list the script too: its link is the one in the entry pane, on the
    // right.
    let right = |n: &egui_kittest::Node<'_>| n.rect().left();
    h.query_all_by_label("破损致歉并登记")
        .max_by(|a, b| right(a).total_cmp(&right(b)))
        .expect("the link")
        .click_accesskit();
    until(&mut h, "the linked script opens", |h| {
        shows(h, "script-damaged-apology-register")
    });
}

#[test]
fn scripts_can_be_browsed_by_category_as_a_tree() {
    let (l, mut h) = demo_app(Lang::Zh);
    let complaints = l
        .json(&["list", "--kind", "script", "--category", "投诉处理"])
        .len();
    h.get_by_label("类型").click();
    h.run();
    // The menu's option, not a result's kind badge.
    h.get_by_role_and_label(egui::Role::Button, "话术").click();
    until(&mut h, "the scripts under their categories", |h| {
        h.query_all_by_label_contains("物流配送（").next().is_some() && shows(h, "催发货安抚")
    });
    // A category folds away.
    let header = format!("投诉处理（{complaints}）");
    assert!(shows(&h, "差评挽回"));
    h.get_by_label_contains("投诉处理（").click_accesskit();
    h.run();
    assert!(!shows(&h, "差评挽回"), "folded under {header}");
    assert!(shows(&h, &header), "the header counts its scripts");
}

#[test]
fn every_character_of_the_demo_renders_emoji_included() {
    let ctx = egui::Context::default();
    lore_app::gui::fonts::install(&ctx);
    ctx.run_ui(egui::RawInput::default(), |_| {})
        .textures_delta
        .clear();
    let font = egui::FontId::proportional(14.0);
    let mut text = String::new();
    for item in lore_core::demo::items().expect("demo") {
        let e = &item.entry;
        for part in [&e.title, &e.body, &e.persona, &e.opening] {
            text.push_str(part);
        }
        for a in &e.answers {
            text.push_str(&a.text);
        }
    }
    let mut missing: Vec<char> = ctx.fonts_mut(|f| {
        text.chars()
            .filter(|c| !c.is_control() && !f.has_glyph(&font, *c))
            .collect()
    });
    missing.sort_unstable();
    missing.dedup();
    let codes: Vec<String> = missing
        .iter()
        .map(|c| format!("{c} U+{:04X}", *c as u32))
        .collect();
    assert!(missing.is_empty(), "no glyph for {codes:?}");
}

#[test]
fn the_app_listens_on_a_free_port_when_the_default_one_is_taken() {
    use lore_app::gui::backend::Network;
    let dir = tempfile::tempdir().expect("tempdir");
    // Held here for the test (or already held by someone else: taken either way).
    let _held = std::net::UdpSocket::bind("0.0.0.0:4747");
    let net = Network::from_config(dir.path()).expect("network");
    assert_eq!(net.options.bind.port(), 0, "{:?}", net.options.bind);
    // A port the team configured is kept: that failure is theirs to see.
    std::fs::write(
        dir.path().join("config.toml"),
        "[network]\nlisten = \"0.0.0.0:4747\"\n",
    )
    .expect("config");
    let net = Network::from_config(dir.path()).expect("network");
    assert_eq!(net.options.bind.port(), 4747);
}

#[test]
fn the_editor_links_an_entry_picked_by_its_title() {
    let (l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "退款多久能到账", "退款多久能到账？");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry opens", |h| shows(h, "编辑"));
    h.get_by_label("编辑").click();
    until(&mut h, "the editor opens", |h| {
        shows(h, "按标题查找要关联的条目")
    });
    h.get_by_label("按标题查找要关联的条目").focus();
    h.run();
    h.get_by_label("按标题查找要关联的条目")
        .type_text("工单关闭标准");
    until(&mut h, "the SOP is offered", |h| shows(h, "+ 工单关闭标准"));
    h.get_by_label("+ 工单关闭标准").click_accesskit();
    until(&mut h, "the link shows by title", |h| {
        shows(h, "→ 工单关闭标准")
    });
    until(&mut h, "the link is saved", |_| {
        l.json(&["show", "faq-refund-timeline"])[0]["links"]
            .as_array()
            .is_some_and(|links| {
                links
                    .iter()
                    .any(|x| x.as_str().is_some_and(|id| id.starts_with("sop-")))
            })
    });
}

#[test]
fn every_contributed_answer_shows_its_author_and_time() {
    let (_l, mut h) = demo_app(Lang::Zh);
    find(&mut h, "发票抬头开错了", "发票抬头开错了怎么修改？");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry opens", |h| shows(h, "采纳"));
    // The demo's answers were written by 赵敏 and 陈磊 (members of its roster) in August.
    until(&mut h, "each answer names its author and time", |h| {
        h.query_all_by_label_contains("— 赵敏 · 2026-08-0")
            .next()
            .is_some()
            && h.query_all_by_label_contains("— 陈磊 · 2026-08-06")
                .next()
                .is_some()
    });
}
