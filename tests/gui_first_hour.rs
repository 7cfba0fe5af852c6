//! A team's first hour in the app, on its real state (egui_kittest) and a real library:
//! the display name asked before anything else, an empty library's first steps, import
//! with its preview and the template, export, renaming the team and oneself, and an
//! admin's own removal confirmed — or, for the only admin, explained.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use lore_app::gui::{Lang, LoreApp};
use lore_core::{Library, Role};
use lore_sync::Identity;
use lore_tests::fixture;

use crate::gui_harness::{app, demo_app, opened, shows, until};
use crate::lore;

/// A file dropped on the window, as the windowing integration hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Whether the control labelled `label` is greyed out.
fn disabled(h: &Harness<'static, LoreApp>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

/// Replaces the text of the field labelled `label` with `text`.
fn retype(h: &mut Harness<'static, LoreApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// The team as stored in the library in `dir` (the app must have let go of it), under the
/// identity of the data directory that holds it (the sandbox's is its parent's).
fn stored_team(dir: &Path) -> lore_core::Team {
    let data_dir = if dir.ends_with("demo") {
        dir.parent().expect("parent")
    } else {
        dir
    };
    let identity = Identity::load_or_create(data_dir, None).expect("identity");
    let mut library = Library::open(dir, identity.writer()).expect("open");
    library.team().expect("team")
}

#[test]
fn the_welcome_screen_asks_for_the_name_before_anything_else() {
    let l = lore();
    let mut h = app(&l.dir(), Lang::Zh);
    until(&mut h, "the welcome screen asks for the name", |h| {
        shows(h, "先填写你的名字")
    });
    for button in ["打开示例知识库", "创建团队", "用邀请码加入"] {
        assert!(disabled(&h, button), "{button} waits for the name");
    }
    h.get_by_label("打开示例知识库").click();
    h.run();
    assert!(shows(&h, "先填写你的名字"), "nothing opened without a name");
    assert!(!l.dir().join(lore_sync::identity::PROFILE_FILE).exists());
    retype(&mut h, "你的名字", "李娜");
    assert!(!disabled(&h, "打开示例知识库"));
    h.get_by_label("打开示例知识库").click();
    until(&mut h, "the demo is open", |h| shows(h, "青木客服中心"));
    h.get_by_label("团队").click();
    until(&mut h, "the roster names her", |h| shows(h, "李娜（你）"));
    drop(h);
    let identity = Identity::load_or_create(&l.dir(), None).expect("identity");
    assert_eq!(identity.name(), "李娜", "the name is remembered");
    // The demo opened as a sandbox of its own, inside the data directory.
    let me = stored_team(&l.dir().join("demo")).members[&identity.member_id()]
        .name
        .clone();
    assert_eq!(me, "李娜", "the roster has it");
    // Next time the name is known: the welcome screen does not ask again.
    let again = lore();
    std::fs::create_dir_all(again.dir()).expect("mkdir");
    Identity::load_or_create(&again.dir(), Some("王芳")).expect("identity");
    let mut h = app(&again.dir(), Lang::Zh);
    until(&mut h, "the welcome screen", |h| shows(h, "打开示例知识库"));
    assert!(!shows(&h, "先填写你的名字"));
    assert!(!disabled(&h, "打开示例知识库"));
}

#[test]
fn the_team_panel_changes_the_name_and_renames_the_team() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("团队").click();
    until(&mut h, "the roster", |h| shows(h, "周静（你）"));
    retype(&mut h, "你的名字", "周静（组长）");
    h.get_by_label("保存名字").click();
    until(&mut h, "the roster has the new name", |h| {
        shows(h, "周静（组长）（你）")
    });
    retype(&mut h, "团队名称", "青木售后一组");
    h.get_by_label("重命名团队").click();
    until(&mut h, "the team is renamed", |h| {
        h.state()
            .message
            .as_ref()
            .is_some_and(|(e, m)| !e && m.contains("青木售后一组"))
    });
    until(&mut h, "the status bar names it", |h| {
        shows(h, "青木售后一组 · 303 条")
    });
    drop(h);
    let identity = Identity::load_or_create(&l.dir(), None).expect("identity");
    assert_eq!(identity.name(), "周静（组长）", "profile.json");
    let team = stored_team(&l.dir());
    assert_eq!(team.name, "青木售后一组");
    assert_eq!(team.members[&identity.member_id()].name, "周静（组长）");
}

#[test]
fn an_empty_library_shows_the_first_steps_and_their_buttons_work() {
    let l = lore();
    l.ok(&["team", "create", "新团队"]);
    let mut h = opened(&l.dir(), Lang::Zh);
    until(&mut h, "the guide", |h| shows(h, "团队知识库还是空的"));
    h.get_by_label("1. 导入已有的表格或文件").click();
    until(&mut h, "the import dialog", |h| shows(h, "导入条目"));
    h.query_all_by_label("关闭").last().expect("close").click();
    h.run();
    h.get_by_label("3. 或者直接新建第一条").click();
    until(&mut h, "the editor", |h| shows(h, "正文"));
    h.get_by_label("完成").click();
    h.run();
    h.get_by_label("4. 邀请同事加入").click();
    until(&mut h, "the team panel", |h| shows(h, "创建邀请"));
    // A library with entries lists them instead.
    let (_demo, mut h) = demo_app(Lang::Zh);
    h.run();
    assert!(!shows(&h, "团队知识库还是空的"));
}

#[test]
fn an_import_shows_its_preview_and_problems_before_writing() {
    let l = lore();
    l.ok(&["team", "create", "新团队"]);
    let bad = l.scratch("bad.csv");
    std::fs::write(&bad, "类型,标题\n常见问题,发票怎么开\n话术,\n备忘,便签\n").expect("write");
    let mut h = opened(&l.dir(), Lang::Zh);
    h.get_by_label("导入…").click();
    until(&mut h, "the import dialog", |h| shows(h, "导入条目"));
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(bad.clone())));
    let name = bad.display().to_string();
    until(&mut h, "the problems with their lines", |h| {
        shows(h, &format!("{name}:3: missing title"))
            && shows(h, &format!("{name}:4: unknown kind `备忘`"))
    });
    assert!(shows(
        &h,
        &format!("新建 · 常见问题 · 发票怎么开 · {name}:2")
    ));
    assert!(disabled(&h, "导入"), "no import while a problem is left");
    assert_eq!(l.json(&["list"]).len(), 0, "nothing written");
    h.get_by_label("清空").click();
    h.run();
    assert!(!shows(&h, &name), "the list is cleared");
    let good = fixture("import/sample-utf8.csv");
    retype(&mut h, "文件路径", &good.display().to_string());
    h.get_by_label("添加").click();
    let at = format!("{}:2", good.display());
    until(&mut h, "the preview of the good file", |h| {
        shows(
            h,
            &format!("新建 · 常见问题 · 新四件套第一次洗会掉色吗 · {at}"),
        )
    });
    assert!(!disabled(&h, "导入"));
    assert_eq!(l.json(&["list"]).len(), 0, "a preview writes nothing");
    let template = l.scratch("导入模板.csv");
    retype(&mut h, "保存到", &template.display().to_string());
    h.get_by_label("保存导入模板").click();
    until(&mut h, "the template is saved", |_| template.exists());
    let bytes = std::fs::read(&template).expect("template");
    assert!(
        bytes.starts_with("\u{feff}类型,标题".as_bytes()),
        "UTF-8 with BOM"
    );
    h.get_by_label("导入").click();
    until(&mut h, "the import is done", |h| shows(h, "已导入"));
    until(&mut h, "the status bar counts them", |h| {
        shows(h, "新团队 · 8 条")
    });
    until(&mut h, "the entries are listed", |h| {
        shows(h, "新四件套第一次洗会掉色吗")
    });
    assert!(!shows(&h, "团队知识库还是空的"));
    // The file's eight entries, all of them.
    assert_eq!(l.json(&["list"]).len(), 8);
}

#[test]
fn the_library_is_exported_from_the_app() {
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("导出…").click();
    until(&mut h, "the export dialog", |h| shows(h, "导出整个知识库"));
    let out = l.scratch("导出.csv");
    retype(&mut h, "保存到", &out.display().to_string());
    h.get_by_label("导出").click();
    until(&mut h, "the export is written", |h| {
        shows(h, "已保存 · 303 条")
    });
    let bytes = std::fs::read(&out).expect("export");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "Excel sees UTF-8");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("收到的商品破损了（如杯子碎了）可以退吗？"));
}

#[test]
fn the_only_admin_is_told_why_and_another_admin_confirms_leaving() {
    let l = lore();
    l.ok(&["team", "create", "小团队"]);
    let mut h = opened(&l.dir(), Lang::Zh);
    h.get_by_label("团队").click();
    until(&mut h, "the roster", |h| shows(h, "tester（你）"));
    h.run();
    h.get_by_label("移出团队").click();
    until(&mut h, "why not", |h| shows(h, "你是团队唯一的管理员"));
    assert!(h.query_by_label("确定").is_none(), "nothing to confirm");
    h.get_by_label("关闭").click();
    h.run();
    assert!(!shows(&h, "你是团队唯一的管理员"));
    drop(h);
    let me = Identity::load_or_create(&l.dir(), None)
        .expect("id")
        .member_id();
    let team = stored_team(&l.dir());
    assert!(!team.members[&me].removed && team.members[&me].role == Role::Admin);

    // The demo team has a second admin: leaving is possible, after saying what it means.
    let (l, mut h) = demo_app(Lang::Zh);
    h.get_by_label("团队").click();
    until(&mut h, "the roster", |h| shows(h, "周静（你）"));
    h.run();
    // The own row comes first.
    let remove = |h: &Harness<'static, LoreApp>| {
        h.query_all_by_label("移出团队")
            .next()
            .expect("remove")
            .click();
    };
    // Giving up the admin role asks first too.
    h.query_all_by_label("周静（你）")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::ComboBox)
        .expect("own role menu")
        .click();
    h.run();
    h.query_all_by_label("客服").last().expect("agent").click();
    until(&mut h, "what demoting means", |h| {
        shows(h, "改掉你自己的管理员角色后")
    });
    h.get_by_label("取消").click();
    h.run();
    assert!(!shows(&h, "改掉你自己的管理员角色后"));
    remove(&h);
    until(&mut h, "what it means", |h| shows(h, "把你自己移出团队后"));
    h.get_by_label("取消").click();
    h.run();
    assert!(!shows(&h, "把你自己移出团队后"));
    remove(&h);
    until(&mut h, "asked again", |h| shows(h, "把你自己移出团队后"));
    h.get_by_label("确定").click();
    until(&mut h, "removed", |h| {
        h.state()
            .message
            .as_ref()
            // The roster that follows is refused to a removed member.
            .is_some_and(|(_, m)| m.contains("− 周静") || m.contains("你已被移出这个团队"))
    });
    drop(h);
    let me = Identity::load_or_create(&l.dir(), None)
        .expect("id")
        .member_id();
    let stored = stored_team(&l.dir()).members[&me].clone();
    assert!(stored.removed && stored.role == Role::Admin, "{stored:?}");
}
