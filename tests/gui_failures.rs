//! What the app says when the library or the network refuses something: in the Chinese UI
//! a Chinese sentence for each kind of failure (ids and names kept), never the library's
//! English alone. On the app's real state and worker, on real libraries.

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use lore_app::gui::backend::Network;
use lore_app::gui::jobs::{Done, Job, Problem};
use lore_app::gui::{Backend, Lang};

use crate::gui_harness::{app, demo, opened, set_own_role, shows, until};

/// The failure the worker answers `job` with, on the library in `dir`.
fn failure_of(dir: &std::path::Path, job: Job) -> lore_app::gui::jobs::Failure {
    let backend = Backend::start(dir.to_path_buf(), Network::loopback(), Default::default());
    backend.ask(job);
    lore_tests::within(Duration::from_secs(30), || {
        std::thread::sleep(Duration::from_millis(20));
        backend.answers().into_iter().find_map(|done| match done {
            Done::Failed(failure) => Some(failure),
            _ => None,
        })
    })
    .expect("the job failed")
}

#[test]
fn an_unknown_id_is_said_in_chinese_with_the_id() {
    let l = demo();
    let failure = failure_of(&l.dir(), Job::Show("faq-no-such-thing".into()));
    assert_eq!(
        failure.problem,
        Problem::NotFound {
            id: "faq-no-such-thing".into()
        }
    );
    assert_eq!(
        Lang::Zh.failure(&failure),
        "没有找到条目 `faq-no-such-thing`：请检查 id 是否正确。"
    );
    // English keeps the library's own words.
    assert!(Lang::En.failure(&failure).contains("no entry matches"));
}

#[test]
fn a_viewers_refused_edit_is_said_in_chinese() {
    let l = demo();
    set_own_role(&l, "viewer");
    let mut h = opened(&l.dir(), Lang::Zh);
    h.get_by_label("新建条目").click();
    until(&mut h, "the editor", |h| shows(h, "正文"));
    h.get_by_label("标题").focus();
    h.step();
    h.get_by_label("标题").type_text("只读成员的草稿");
    until(&mut h, "the refusal is shown", |h| {
        h.state().message.as_ref().is_some_and(|(error, _)| *error)
    });
    let (_, text) = h.state().message.clone().expect("the refusal");
    assert_eq!(
        text,
        "没有权限：你在团队里是只读成员，不能修改条目；请管理员把你的角色改为客服。"
    );
}

#[test]
fn a_damaged_ticket_is_said_in_chinese_on_the_welcome_screen() {
    let l = crate::lore();
    let mut h = app(&l.dir(), Lang::Zh);
    until(&mut h, "the welcome screen", |h| shows(h, "用邀请码加入"));
    h.get_by_label("你的名字").focus();
    h.step();
    h.get_by_label("你的名字").type_text("小林");
    h.step();
    h.get_by_label("邀请码").focus();
    h.step();
    h.get_by_label("邀请码")
        .type_text("lore1thisisnotarealticket");
    h.step();
    h.get_by_label("用邀请码加入").click();
    until(&mut h, "the error is shown", |h| {
        shows(h, "邀请码不完整或有字符被改动：请重新完整复制一次。")
    });
    assert!(!shows(&h, "damaged"), "no English alone");
}

#[test]
fn an_admins_only_change_names_the_admins_in_chinese() {
    // An agent asks for an invite: only admins make them, and the sentence says whom to ask.
    let l = demo();
    set_own_role(&l, "agent");
    let failure = failure_of(
        &l.dir(),
        Job::Invite {
            role: lore_core::Role::Agent,
            hours: 24,
        },
    );
    let said = Lang::Zh.failure(&failure);
    assert!(
        said.starts_with("没有权限：只有管理员可以这样做；请联系 "),
        "{said}"
    );
    assert!(!said.contains("only admins"), "{said}");
}
