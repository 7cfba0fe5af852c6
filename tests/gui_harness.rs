//! What the app's tests share: the app's real state in egui_kittest on a real library,
//! and waiting on its worker. Its accessibility tree is what the tests read and click.

use std::path::Path;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lore_app::gui::backend::Network;
use lore_app::gui::i18n::Key;
use lore_app::gui::{Backend, Lang, LoreApp};
use lore_tests::Lore;

use crate::lore;

/// How long the worker may take to answer what a test waits for.
const WAIT: Duration = Duration::from_secs(30);

/// The app on the data directory `dir`, as the window would run it.
pub(crate) fn app(dir: &Path, lang: Lang) -> Harness<'static, LoreApp> {
    app_sized(dir, lang, egui::vec2(1100.0, 720.0))
}

/// The app on `dir` in a window of `size`.
pub(crate) fn app_sized(dir: &Path, lang: Lang, size: egui::Vec2) -> Harness<'static, LoreApp> {
    let backend = Backend::start(
        dir.to_path_buf(),
        Network::loopback(),
        egui::Context::default(),
    );
    let state = LoreApp::new(&egui::Context::default(), backend, lang);
    // The app's fonts only, and as in the app a box for what no font has (the demo has
    // an emoji or two); `chinese_renders_without_system_fonts` checks the coverage.
    Harness::builder()
        .with_size(size)
        .allow_missing_glyphs()
        .with_context_setup(lore_app::gui::fonts::install)
        .build_ui_state(|ui, app: &mut LoreApp| app.show(ui), state)
}

/// Gives this data directory's own member `role` on its roster (the demo's other admins
/// keep the team administered).
pub(crate) fn set_own_role(l: &Lore, role: &str) {
    let me = l
        .json(&["members"])
        .into_iter()
        .find(|m| m["you"] == true)
        .expect("me");
    l.ok(&["role", me["id"].as_str().unwrap_or(""), role]);
}

/// A data directory with the demo library, made by 周静.
pub(crate) fn demo() -> Lore {
    let l = lore();
    l.ok(&["--name", "周静", "demo"]);
    l
}

/// The app on `dir`, once its library is open (the status bar counts its entries).
pub(crate) fn opened(dir: &Path, lang: Lang) -> Harness<'static, LoreApp> {
    let mut h = app(dir, lang);
    until(&mut h, "the library is open", |h| {
        shows(h, lang.t(Key::Entries))
    });
    h
}

/// The app on a new demo library, open.
pub(crate) fn demo_app(lang: Lang) -> (Lore, Harness<'static, LoreApp>) {
    let l = demo();
    let h = opened(&l.dir(), lang);
    (l, h)
}

/// Runs frames until `check` holds (the worker answers asynchronously), for up to
/// [`WAIT`].
pub(crate) fn until(
    h: &mut Harness<'static, LoreApp>,
    what: &str,
    check: impl Fn(&Harness<'static, LoreApp>) -> bool,
) {
    until_within(h, WAIT, what, check);
}

/// Runs frames until `check` holds, for up to `timeout`; a failure names what the app
/// said last.
pub(crate) fn until_within(
    h: &mut Harness<'static, LoreApp>,
    timeout: Duration,
    what: &str,
    check: impl Fn(&Harness<'static, LoreApp>) -> bool,
) {
    // Frames, not a fixed wait: the worker wakes the UI when it answers. Then on until
    // whatever else the app asked for (an entry's freshness, its authors) is in and
    // drawn: a click aimed at a widget a late answer moves would land beside it.
    let done = lore_tests::within(timeout, || {
        h.step();
        check(h).then_some(())
    });
    let settled = done.and_then(|()| {
        lore_tests::within(timeout, || {
            h.step();
            h.state().settled().then_some(())
        })
    });
    assert!(
        done.is_some(),
        "timed out waiting until {what}; the app says {:?}",
        h.state().message
    );
    assert!(
        settled.is_some(),
        "{what}, but the app's worker never caught up; the app says {:?}",
        h.state().message
    );
}

/// Types `query` and, once the results of all of it are in with `title` selected, opens
/// it with Enter (results of a part typed before may still be showing until then).
pub(crate) fn open_first(h: &mut Harness<'static, LoreApp>, query: &str, title: &str) {
    h.get_by_label("搜索").type_text(query);
    until(h, &format!("{title} is the first result"), |h| {
        h.state().selected_title() == Some(title)
    });
    h.key_press(egui::Key::Enter);
}

/// Opens the team panel (as 周静), makes an invite and returns its ticket as shown.
pub(crate) fn invite_from_team_panel(h: &mut Harness<'static, LoreApp>) -> String {
    h.get_by_label("团队").click();
    until(h, "the roster", |h| shows(h, "周静（你）"));
    h.get_by_label("创建邀请").click();
    until(h, "the ticket", |h| shows(h, "把这段邀请码"));
    h.query_all_by(|node| node.value().is_some_and(|v| v.starts_with("lore1")))
        .next()
        .and_then(|node| node.value())
        .expect("the ticket text is shown")
}

/// Types `query` into the search box and waits until `title` is listed in its results.
pub(crate) fn find(h: &mut Harness<'static, LoreApp>, query: &str, title: &str) {
    h.get_by_label("搜索").type_text(query);
    // Listed among the results of all of the query, not of a part typed before.
    until(h, &format!("{title} is listed"), |h| {
        shows(h, title) && h.state().selected_title().is_some()
    });
}

pub(crate) fn shows(h: &Harness<'static, LoreApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}
