//! The desktop app's real state driven through egui_kittest: its accessibility tree is
//! what the tests read and click, and the app's worker thread does the real work on a real
//! library (the embedded node listens on loopback only).

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use lore_app::gui::{Lang, LoreApp};

use crate::gui_harness::{
    app, demo, demo_app, invite_from_team_panel, open_first, opened, set_own_role, shows, until,
    until_within,
};
use crate::lore;
/// Searches the demo for the broken-cup question and opens the answer (Enter).
fn open_broken_cup_answer(h: &mut Harness<'static, LoreApp>) {
    open_first(
        h,
        "杯子碎了能退吗",
        "收到的商品破损了（如杯子碎了）可以退吗？",
    );
}

#[test]
fn typing_finds_the_answer_and_copying_counts_a_use() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("搜索").type_text("杯子碎了能退吗");
    until(&mut h, "the answer is listed", |h| {
        shows(h, "收到的商品破损了（如杯子碎了）可以退吗？")
    });
    // The best answer is selected: one shortcut copies its reply and counts the use.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    until(&mut h, "the copy is confirmed", |h| {
        shows(h, "已复制 · faq-return-damaged-on-arrival · 1 次使用")
    });
    let copied = h.state().last_copy().unwrap_or_default().to_string();
    assert!(
        copied.contains("补发"),
        "the reply went to the clipboard: {copied}"
    );
    drop(h);
    // A shortcode finds its script directly.
    let mut h = opened(&l.dir(), Lang::Zh);
    h.get_by_label("搜索").type_text("#2");
    until(&mut h, "the script with shortcode #2 is listed", |h| {
        shows(h, "催发货安抚")
    });
    drop(h);
    // The use is in this member's ledger, for the whole team to see.
    let identity = lore_sync::Identity::load_or_create(&l.dir(), None).expect("identity");
    let mut library = lore_core::Library::open(&l.dir(), identity.writer()).expect("open");
    assert_eq!(
        library
            .total_uses()
            .expect("uses")
            .get("faq-return-damaged-on-arrival"),
        Some(&1)
    );
}

#[test]
fn a_bad_ticket_is_refused_on_the_welcome_screen_and_nothing_is_created() {
    let l = lore();
    let mut h = app(&l.dir(), Lang::En);
    until(&mut h, "the welcome screen", |h| {
        shows(h, "Join with a ticket")
    });
    // A new data directory has no display name: it comes first.
    h.get_by_label("Your name").focus();
    h.step();
    h.get_by_label("Your name").type_text("Amy");
    h.step();
    h.get_by_label("Ticket").focus();
    h.step();
    h.get_by_label("Ticket")
        .type_text("lore1thisisnotarealticket");
    h.step();
    h.get_by_label("Join with a ticket").click();
    until(&mut h, "the error is shown", |h| shows(h, "damaged"));
    // Correcting the ticket takes the error away.
    h.get_by_label("Ticket").focus();
    h.step();
    h.get_by_label("Ticket").type_text("x");
    h.run();
    assert!(!shows(&h, "damaged"), "the error went with its cause");
    drop(h);
    assert!(
        !l.dir().join(lore_core::DB_FILE).exists(),
        "no library was created"
    );
}

/// A library whose database redb refuses opens in the app, rebuilt, and the status bar
/// says so.
#[test]
fn a_damaged_library_opens_rebuilt_and_the_app_says_so() {
    let l = demo();
    let path = l.dir().join(lore_core::DB_FILE);
    let mut bytes = std::fs::read(&path).expect("read");
    for at in [72, 84, 200, 212] {
        bytes[at] ^= 0xff;
    }
    std::fs::write(&path, bytes).expect("write");
    let mut h = opened(&l.dir(), Lang::Zh);
    until(
        &mut h,
        "the repair is reported, in the app's language",
        |h| shows(h, "资料库文件损坏，已重建：恢复 303 条，丢失 0 条"),
    );
    h.get_by_label("搜索").type_text("refund");
    until(&mut h, "search works on the rebuilt library", |h| {
        shows(h, "Can I get a refund")
    });
}

#[test]
fn the_language_switches_and_the_demo_opens_from_the_welcome_screen() {
    let l = lore();
    let mut h = app(&l.dir(), Lang::Zh);
    until(&mut h, "the welcome screen in Chinese", |h| {
        shows(h, "打开示例知识库")
    });
    h.get_by_label("English").click();
    until(&mut h, "the welcome screen in English", |h| {
        shows(h, "Open the demo library") && !shows(h, "打开示例知识库")
    });
    until(&mut h, "the switch offers Chinese", |h| shows(h, "中文"));
    h.get_by_label("中文").click();
    until(&mut h, "back to Chinese", |h| shows(h, "打开示例知识库"));
    // A new data directory has no display name: it comes first.
    h.get_by_label("你的名字").focus();
    h.run();
    h.get_by_label("你的名字").type_text("周静");
    h.run();
    h.get_by_label("打开示例知识库").click();
    until(&mut h, "the demo library is open, as a sandbox", |h| {
        shows(h, "青木客服中心") && h.state().in_sandbox()
    });
    h.get_by_label("搜索").type_text("refund");
    until(&mut h, "an English query finds a refund answer", |h| {
        h.query_all_by_label_contains("退款").next().is_some()
    });
}

#[test]
fn a_pasted_message_gets_suggestions_and_the_team_panel_makes_an_invite() {
    let (_library, mut h) = demo_app(Lang::Zh);
    h.get_by_label("客户消息").click();
    until(&mut h, "the message box", |h| {
        shows(h, "粘贴客户的整段消息")
    });
    let field = h.get_by_label("粘贴客户的整段消息");
    field.focus();
    h.step();
    h.get_by_label("粘贴客户的整段消息")
        .type_text("你好，我前天买的杯子收到就碎了，能退吗？急");
    until(&mut h, "the answer is suggested", |h| {
        shows(h, "收到的商品破损了（如杯子碎了）可以退吗？")
    });
    let ticket = invite_from_team_panel(&mut h);
    assert!(ticket.parse::<lore_sync::Ticket>().is_ok(), "{ticket}");
}

#[test]
fn chinese_renders_without_system_fonts() {
    let ctx = egui::Context::default();
    lore_app::gui::fonts::install(&ctx);
    ctx.run_ui(egui::RawInput::default(), |_| {})
        .textures_delta
        .clear();
    let font = egui::FontId::proportional(14.0);
    let cjk = |c: &char| matches!(*c as u32, 0x3000..=0x303f | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xff00..=0xffef);
    let mut text = String::new();
    for item in lore_core::demo::items().expect("demo") {
        text.push_str(&item.entry.title);
        text.push_str(&item.entry.body);
    }
    for lang in [Lang::Zh, Lang::En] {
        text.push_str(lang.t(lore_app::gui::i18n::Key::Welcome));
        text.push_str(lang.t(lore_app::gui::i18n::Key::SearchHint));
        text.push_str(lang.t(lore_app::gui::i18n::Key::TicketReady));
    }
    let missing: String = ctx.fonts_mut(|f| {
        text.chars()
            .filter(cjk)
            .filter(|c| !f.has_glyph(&font, *c))
            .collect()
    });
    assert!(missing.is_empty(), "no glyph for {missing}");
    // The check can fail: a character the built-in font does not have.
    assert!(!ctx.fonts_mut(|f| f.has_glyph(&font, '𠀀')));
}

#[test]
fn editing_saves_as_you_type_and_merges_a_teammates_change() {
    let (l, mut h) = demo_app(Lang::Zh);
    let id = "faq-return-damaged-on-arrival";
    open_broken_cup_answer(&mut h);
    until(&mut h, "the entry is open", |h| shows(h, "编辑"));
    // Its Markdown is rendered: numbered steps, bold without the asterisks.
    assert!(shows(
        &h,
        "2. 上传 3 张照片：破损部位、外包装箱、快递面单；"
    ));
    assert!(!shows(&h, "**"));
    h.get_by_label("编辑").click();
    until(&mut h, "the editor", |h| shows(h, "正文"));
    h.get_by_label("正文").focus();
    h.step();
    h.get_by_label("正文").type_text("补充：请先拍照。");
    // Saved a moment after typing stops; the command line (served by the app) sees it.
    let body_has = |text: &str| {
        l.json(&["show", id])[0]["body"]
            .as_str()
            .is_some_and(|b| b.contains(text))
    };
    until(&mut h, "the typing is saved", |_| {
        body_has("补充：请先拍照。")
    });
    // A teammate renames the entry while more is being typed here: both stay.
    h.get_by_label("正文").type_text("第二句。");
    h.step();
    l.ok(&["edit", id, "--title", "商品破损怎么退（队友改）"]);
    until(&mut h, "the teammate's title appears in the editor", |h| {
        h.get_by_label("标题").value().as_deref() == Some("商品破损怎么退（队友改）")
    });
    until(&mut h, "both edits are stored", |_| body_has("第二句。"));
    let shown = l.json(&["show", id]).remove(0);
    assert_eq!(shown["title"], "商品破损怎么退（队友改）");
    assert!(body_has("补充：请先拍照。"));
    assert!(
        h.get_by_label("正文")
            .value()
            .is_some_and(|v| v.contains("第二句。") && v.contains("补充：请先拍照。"))
    );
}

/// Interactive widgets without an accessible name, on whatever the app shows now.
fn unlabelled(h: &Harness<'static, LoreApp>) -> Vec<String> {
    use egui::accesskit::Role;
    h.query_all_by(|node| {
        matches!(
            node.role(),
            Role::Button
                | Role::TextInput
                | Role::MultilineTextInput
                | Role::ComboBox
                | Role::CheckBox
                | Role::SpinButton
                | Role::Link
        ) && node.label().is_none_or(|l| l.trim().is_empty())
    })
    .map(|node| format!("{:?}", node.accesskit_node().role()))
    .collect()
}

#[test]
fn every_control_has_an_accessible_name() {
    let (_library, mut h) = demo_app(Lang::Zh);
    h.get_by_label("搜索").type_text("退款");
    until(&mut h, "results", |h| {
        h.query_all_by_label("复制回复").next().is_some()
    });
    assert_eq!(unlabelled(&h), Vec::<String>::new(), "search");
    h.key_press(egui::Key::Enter);
    until(&mut h, "the entry", |h| shows(h, "编辑"));
    h.get_by_label("编辑").click();
    until(&mut h, "the editor", |h| shows(h, "正文"));
    assert_eq!(unlabelled(&h), Vec::<String>::new(), "editor");
    h.get_by_label("完成").click();
    h.get_by_label("团队").click();
    until(&mut h, "the roster", |h| shows(h, "创建邀请"));
    h.get_by_label("创建邀请").click();
    until(&mut h, "the ticket", |h| shows(h, "把这段邀请码"));
    assert_eq!(unlabelled(&h), Vec::<String>::new(), "team");
    h.get_by_label("客户消息").click();
    until(&mut h, "the message box", |h| {
        shows(h, "粘贴客户的整段消息")
    });
    assert_eq!(unlabelled(&h), Vec::<String>::new(), "message");
}

#[test]
fn a_new_entry_is_created_from_the_app_and_a_viewer_sees_why_not() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("新建条目").click();
    until(&mut h, "the editor", |h| shows(h, "正文"));
    h.get_by_label("标题").focus();
    h.step();
    h.get_by_label("标题").type_text("夜班交接怎么做");
    h.get_by_label("正文").focus();
    h.step();
    h.get_by_label("正文")
        .type_text("交接前在工单里写明未结事项。");
    until(&mut h, "the new entry is stored", |_| {
        l.json(&["search", "夜班交接"])
            .first()
            .is_some_and(|hit| hit["title"] == "夜班交接怎么做")
    });
    let hit = l.json(&["search", "夜班交接"]).remove(0);
    let shown = l
        .json(&["show", hit["id"].as_str().unwrap_or("")])
        .remove(0);
    assert_eq!(shown["status"], "draft", "new entries start as drafts");
    assert!(shown["body"].as_str().unwrap_or("").contains("未结事项"));
    drop(h);
    // A viewer's edit is refused with the reason, and nothing crashes.
    let other_admin = l
        .json(&["members"])
        .into_iter()
        .find(|m| m["role"] == "admin" && m["you"] != true)
        .expect("another admin in the demo team");
    assert!(other_admin["id"].is_string());
    set_own_role(&l, "viewer");
    let mut h = opened(&l.dir(), Lang::En);
    h.get_by_label("New entry").click();
    until(&mut h, "the editor", |h| shows(h, "Body"));
    h.get_by_label("Title").focus();
    h.step();
    h.get_by_label("Title").type_text("viewer draft");
    until(&mut h, "the refusal is shown", |h| {
        h.state()
            .message
            .as_ref()
            .is_some_and(|(error, text)| *error && text.contains("viewer"))
    });
}

#[test]
fn an_entry_shows_its_history_and_the_teams_answers() {
    let l = demo();
    l.ok(&[
        "edit",
        "faq-return-damaged-on-arrival",
        "--add-tag",
        "易碎品",
    ]);
    let mut h = opened(&l.dir(), Lang::Zh);
    open_broken_cup_answer(&mut h);
    until(&mut h, "the entry is open", |h| shows(h, "修改记录"));
    assert!(
        h.query_all_by_label("★").count() == 1 && shows(&h, "向快递公司索赔"),
        "the adopted answer is marked"
    );
    h.get_by_label("修改记录").click();
    until(&mut h, "the history", |h| shows(h, "周静  +tag 易碎品"));
}

#[test]
fn an_agent_contributes_an_answer_and_the_team_adopts_it() {
    let (l, mut h) = demo_app(Lang::Zh);
    let id = "faq-return-damaged-on-arrival";
    open_broken_cup_answer(&mut h);
    until(&mut h, "the entry is open", |h| shows(h, "贡献你的回答"));
    h.get_by_label("贡献你的回答").focus();
    h.step();
    h.get_by_label("贡献你的回答")
        .type_text("先安抚，再请客户拍三张照片，当天补发。");
    until(&mut h, "the answer is typed", |h| {
        h.query_all_by(|n| n.value().is_some_and(|v| v.starts_with("先安抚")))
            .next()
            .is_some()
    });
    // Below the fold of the window: scrolled to, as the agent would.
    h.get_by_label("提交").scroll_to_me();
    h.run();
    h.get_by_label("提交").click();
    until(&mut h, "the answer is listed under the entry", |h| {
        shows(h, "先安抚，再请客户拍三张照片，当天补发。")
    });
    // Adopt it: it becomes the one marked answer.
    let mine = l.json(&["show", id])[0]["answers"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|x| x["text"] == "先安抚，再请客户拍三张照片，当天补发。")
                .cloned()
        })
        .expect("stored");
    assert_eq!(mine["adopted"], false);
    let adopt_buttons = h.query_all_by_label("采纳").count();
    assert_eq!(
        adopt_buttons, 2,
        "every answer but the adopted one can be adopted"
    );
    h.query_all_by_label("采纳")
        .last()
        .expect("adopt")
        .scroll_to_me();
    h.run();
    h.query_all_by_label("采纳").last().expect("adopt").click();
    until(&mut h, "the new answer is adopted", |_| {
        l.json(&["show", id])[0]["answers"]
            .as_array()
            .is_some_and(|a| {
                a.iter().filter(|x| x["adopted"] == true).count() == 1
                    && a.iter()
                        .any(|x| x["id"] == mine["id"] && x["adopted"] == true)
            })
    });
}

#[test]
fn joining_another_team_from_the_team_panel_keeps_the_old_library() {
    let alice = lore();
    alice.ok(&["--name", "Alice", "demo"]);
    let listen = format!("127.0.0.1:{}", crate::team::free_port());
    let ticket = alice.ok(&["invite", "--role", "agent", "--listen", &listen]);
    let (alice_node, _log) = crate::team::serve(&alice, &listen);
    // Bob has a library of his own team, with a note only he has.
    let bob = lore();
    bob.ok(&["--name", "Bob", "demo"]);
    bob.ok(&["add", "--kind", "faq", "--title", "Bob 的私房笔记"]);
    let mut h = opened(&bob.dir(), Lang::Zh);
    until(&mut h, "Bob's note is counted", |h| shows(h, "304 条"));
    h.get_by_label("团队").click();
    until(&mut h, "the team panel", |h| shows(h, "加入另一个团队"));
    h.get_by_label("邀请码").focus();
    h.step();
    h.get_by_label("邀请码").type_text(ticket.trim());
    h.step();
    h.get_by_label("用邀请码加入").click();
    until(&mut h, "Alice's library is open", |h| shows(h, "303 条"));
    until(&mut h, "Bob is on Alice's roster", |h| {
        shows(h, "Bob（你）")
    });
    drop(h);
    crate::team::interrupt(alice_node);
    // Bob's own library is kept whole.
    let previous: Vec<_> = std::fs::read_dir(bob.dir().join("previous"))
        .expect("previous")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(previous.len(), 1);
    assert!(previous[0].path().join(lore_core::DB_FILE).exists());
    assert!(
        bob.json(&["search", "Bob 的私房笔记"])
            .iter()
            .all(|hit| hit["title"] != "Bob 的私房笔记")
    );
}

#[test]
fn a_join_that_fails_puts_the_old_library_back() {
    let alice = lore();
    alice.ok(&["--name", "Alice", "demo"]);
    // Nobody serves Alice's library: the inviter cannot be reached.
    let listen = format!("127.0.0.1:{}", crate::team::free_port());
    let ticket = alice.ok(&["invite", "--listen", &listen]);
    let bob = lore();
    bob.ok(&["--name", "Bob", "demo"]);
    let mut h = opened(&bob.dir(), Lang::En);
    until(&mut h, "the whole demo is counted", |h| {
        shows(h, "303 entries")
    });
    h.get_by_label("Team").click();
    until(&mut h, "the team panel", |h| shows(h, "Join another team"));
    h.get_by_label("Ticket").focus();
    h.step();
    h.get_by_label("Ticket").type_text(ticket.trim());
    h.step();
    h.get_by_label("Join with a ticket").click();
    // Reaching nobody takes the join's own timeouts.
    until_within(&mut h, Duration::from_secs(60), "the join fails", |h| {
        h.state().message.as_ref().is_some_and(|(error, _)| *error)
    });
    let (error, text) = h.state().message.clone().expect("an error");
    assert!(error && text.contains("library is as it was"), "{text}");
    until(&mut h, "the old library is open again", |h| {
        shows(h, "303 entries")
    });
    drop(h);
    assert_eq!(
        std::fs::read_dir(bob.dir().join("previous"))
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "nothing left aside"
    );
    assert!(bob.json(&["list"]).len() > 100, "Bob's library works");
}
