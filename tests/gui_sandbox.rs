//! The demo as a sandbox (egui_kittest, the app's real state and real libraries): opened
//! from the welcome screen or from a team's library, it lives in `DATA_DIR/demo/` with no
//! node, says so on every screen, keeps what was done in it, and closing it goes back to
//! where the user was — the team's library never opened, changed or locked meanwhile.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lore_app::gui::i18n::Key;
use lore_app::gui::{Lang, LoreApp};
use lore_core::{DB_FILE, Library};
use lore_sync::Identity;

use crate::gui_harness::{app, opened, shows, until};
use crate::lore;

/// The banner's text while the sandbox is open.
fn mark() -> &'static str {
    Lang::Zh.t(Key::SandboxMark)
}

/// The library in `dir` opened directly (nothing else may hold it), under the data
/// directory `owner`'s identity.
fn library(owner: &Path, dir: &Path) -> Library {
    let identity = Identity::load_or_create(owner, None).expect("identity");
    Library::open(dir, identity.writer()).expect("the library opens: nothing holds it")
}

/// Waits until the sandbox is open with the demo in it.
fn until_sandbox(h: &mut Harness<'static, LoreApp>) {
    until(h, "the sandbox is open, and says so", |h| {
        h.state().in_sandbox() && shows(h, mark()) && shows(h, "青木客服中心")
    });
}

/// Searches for the broken-cup question and copies the answer: a use in the open library.
fn copy_broken_cup_answer(h: &mut Harness<'static, LoreApp>) {
    h.get_by_label("搜索").type_text("杯子碎了能退吗");
    until(h, "the demo's answer is listed", |h| {
        shows(h, "收到的商品破损了（如杯子碎了）可以退吗？")
    });
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    until(h, "the copy is confirmed", |h| {
        shows(h, "已复制 · faq-return-damaged-on-arrival · 1 次使用")
    });
}

#[test]
fn the_demo_opens_from_the_welcome_screen_as_a_sandbox_and_closes_back_to_it() {
    let l = lore();
    let dir = l.dir();
    let mut h = app(&dir, Lang::Zh);
    until(&mut h, "the welcome screen", |h| shows(h, "打开示例知识库"));
    h.get_by_label("你的名字").focus();
    h.run();
    h.get_by_label("你的名字").type_text("周静");
    h.run();
    h.get_by_label("打开示例知识库").click();
    until_sandbox(&mut h);
    copy_broken_cup_answer(&mut h);
    // Every tab keeps the banner.
    h.get_by_label("团队").click();
    until(&mut h, "the sandbox's roster", |h| shows(h, "周静（你）"));
    assert!(shows(&h, mark()), "the team tab says it is the sandbox");
    assert!(!shows(&h, "创建邀请"), "the sandbox invites nobody");
    assert!(!shows(&h, "用邀请码加入"), "the sandbox joins no team");
    // The sandbox is a library of its own, with no node and no local socket.
    assert!(dir.join("demo").join(DB_FILE).exists());
    assert!(!dir.join(DB_FILE).exists(), "no team library was made");
    assert!(!dir.join("lore.sock").exists() && !dir.join("demo/lore.sock").exists());
    h.get_by_label("关闭示例").click();
    until(&mut h, "back on the welcome screen", |h| {
        !h.state().in_sandbox() && shows(h, "打开示例知识库") && !shows(h, mark())
    });
    assert!(!dir.join(DB_FILE).exists(), "still no team library");
    // Opened again, it is as it was left: the use copied before is still counted.
    h.get_by_label("打开示例知识库").click();
    until_sandbox(&mut h);
    drop(h);
    let uses = library(&dir, &dir.join("demo")).total_uses().expect("uses");
    assert_eq!(uses.get("faq-return-damaged-on-arrival"), Some(&1));
    assert!(!dir.join(DB_FILE).exists());
}

#[test]
fn the_sandbox_leaves_the_team_library_as_it_was() {
    let l = lore();
    let dir = l.dir();
    l.ok(&["--name", "周静", "team", "create", "售后一组"]);
    let id = l.add_faq("发票怎么开？", "在订单页申请电子发票。");
    let count = l.json(&["list"]).len();
    let mut h = opened(&dir, Lang::Zh);
    assert!(!h.state().in_sandbox());
    h.get_by_label("团队").click();
    until(&mut h, "the team panel offers the demo", |h| {
        shows(h, "试用示例知识库")
    });
    h.get_by_label("试用示例知识库").click();
    until_sandbox(&mut h);
    let team_file = || std::fs::read(dir.join(DB_FILE)).expect("the team library");
    let before = team_file();
    // Use and change the sandbox: a copy counted, the team renamed.
    copy_broken_cup_answer(&mut h);
    h.get_by_label("团队").click();
    until(&mut h, "the sandbox's roster", |h| shows(h, "周静（你）"));
    assert!(!shows(&h, "试用示例知识库"), "already in it");
    h.get_by_label("团队名称").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("团队名称").type_text("试用团队");
    h.run();
    h.get_by_label("重命名团队").click();
    until(&mut h, "the sandbox's team is renamed", |h| {
        shows(h, "试用团队")
    });
    assert!(shows(&h, mark()));
    // Meanwhile the team's library is untouched, and free: the command line reads it.
    assert!(
        before == team_file(),
        "the team library's file is unchanged"
    );
    let listed = l.json(&["list"]);
    assert_eq!(listed.len(), count, "the team library is not locked");
    h.get_by_label("关闭示例").click();
    until(&mut h, "the team library is back", |h| {
        !h.state().in_sandbox() && shows(h, "售后一组") && !shows(h, mark())
    });
    // The search box's query runs again, on the team's library now.
    until(&mut h, "the demo's answer is gone from the results", |h| {
        !shows(h, "收到的商品破损了（如杯子碎了）可以退吗？")
    });
    h.get_by_label("搜索").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("搜索").type_text("发票");
    until(&mut h, "the team's own entry is found", |h| {
        shows(h, "发票怎么开？")
    });
    drop(h);
    let mut team = library(&dir, &dir);
    assert_eq!(team.len(), count, "no demo entry in the team library");
    assert_eq!(
        team.get(&id).expect("the known entry").title,
        "发票怎么开？"
    );
    assert_eq!(team.team().expect("team").name, "售后一组");
    let uses = team.total_uses().expect("uses");
    assert!(uses.is_empty(), "no use counted in the team: {uses:?}");
    drop(team);
    // The sandbox kept its own changes.
    let mut sandbox = library(&dir, &dir.join("demo"));
    assert_eq!(sandbox.team().expect("team").name, "试用团队");
    let uses = sandbox.total_uses().expect("uses");
    assert_eq!(uses.get("faq-return-damaged-on-arrival"), Some(&1));
}

#[test]
fn a_sandbox_that_cannot_open_leaves_the_team_library_open() {
    let l = lore();
    let dir = l.dir();
    l.ok(&["--name", "周静", "team", "create", "售后一组"]);
    l.ok(&["add", "--kind", "faq", "--title", "发票怎么开？"]);
    // Something that is not a folder where the sandbox would go.
    std::fs::write(dir.join("demo"), "not a folder").expect("write");
    let mut h = opened(&dir, Lang::Zh);
    h.get_by_label("团队").click();
    until(&mut h, "the team panel offers the demo", |h| {
        shows(h, "试用示例知识库")
    });
    h.get_by_label("试用示例知识库").click();
    until(&mut h, "the failure is shown", |h| {
        h.state().message.as_ref().is_some_and(|(error, _)| *error)
    });
    assert!(!h.state().in_sandbox() && !shows(&h, mark()));
    assert!(
        !shows(&h, "打开示例知识库"),
        "not sent to the welcome screen"
    );
    h.get_by_label("搜索").type_text("发票");
    until(&mut h, "the team's library still answers", |h| {
        shows(h, "发票怎么开？")
    });
}
