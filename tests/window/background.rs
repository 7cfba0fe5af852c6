//! Lore in the background, in a real window: closing the main window keeps the app (its
//! node, its shortcut) running until a stop signal or the tray's 退出; the tray icon over a
//! private session bus; the picker opening where it was left; a second `lore` showing the
//! running one's window.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{
    Running, START, STOP, close_main, demo_on, demo_on_bus, display, ends_cleanly, kill, launch,
    log, main_shown, main_window, picker_window, press_for_picker, window_manager, xdotool,
};
use crate::lore;

/// The picker's shortcut, registered.
const SHORTCUT: &str = "[app]\npicker_hotkey = \"Ctrl+Alt+K\"\n";

/// Closing the window hides it: the process, its node and its shortcut go on; a second
/// `lore` brings the window back instead of failing on the library's lock; SIGTERM still
/// ends it all cleanly.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn closing_the_window_keeps_lore_running_until_a_stop_signal() {
    let l = lore();
    let (_xvfb, display) = display();
    let _wm = window_manager(&display);
    let (mut app, stderr) = demo_on(&l, &display, SHORTCUT);
    lore_tests::within(START, || main_shown(&display).then_some(())).expect("the window shows");
    close_main(&display);
    lore_tests::within(STOP, || (!main_shown(&display)).then_some(()))
        .unwrap_or_else(|| panic!("the window did not close:\n{}", log(&stderr)));
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        app.0.try_wait().expect("wait").is_none(),
        "closing the window ended Lore:\n{}",
        log(&stderr)
    );
    // The node still holds the library: other commands are handed to it.
    assert!(l.dir().join("lore.sock").exists(), "the node still serves");
    assert!(!l.json(&["list"]).is_empty(), "the running node answers");
    // The shortcut opens the picker alone.
    assert!(
        press_for_picker(&display).is_some(),
        "the shortcut opened no picker with the window closed:\n{}",
        log(&stderr)
    );
    assert!(!main_shown(&display), "the main window stays closed");
    xdotool(&display, &["key", "Escape"]);
    // `lore` again: the running one shows its window, and the new process ends.
    let mut second = Running(
        l.command()
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("a second lore starts"),
    );
    let status = lore_tests::within(STOP, || second.0.try_wait().expect("wait"))
        .expect("the second lore ends at once");
    assert!(status.success(), "the second lore: {status}");
    lore_tests::within(STOP, || main_shown(&display).then_some(()))
        .unwrap_or_else(|| panic!("the window did not come back:\n{}", log(&stderr)));
    kill("-TERM", app.0.id());
    ends_cleanly(&l, &mut app, "SIGTERM", &stderr);
}

/// With `close_to_tray = false`, or without a shortcut to come back with, closing the
/// window quits, cleanly.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn closing_the_window_quits_when_told_to_or_without_a_shortcut() {
    let (_xvfb, display) = display();
    let _wm = window_manager(&display);
    for settings in [
        "[app]\npicker_hotkey = \"Ctrl+Alt+K\"\nclose_to_tray = false\n",
        "[app]\npicker_hotkey = \"\"\n",
    ] {
        let l = lore();
        let (mut app, stderr) = demo_on(&l, &display, settings);
        lore_tests::within(START, || main_shown(&display).then_some(())).expect("the window shows");
        close_main(&display);
        ends_cleanly(&l, &mut app, &format!("closing with {settings:?}"), &stderr);
    }
}

/// A session bus of the test's own: `dbus-daemon` as a child, and its address.
fn session_bus() -> (Running, String) {
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon starts (apt-get install dbus-daemon)");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().expect("dbus-daemon's stdout"))
        .read_line(&mut address)
        .expect("dbus-daemon's address");
    assert!(!address.trim().is_empty(), "dbus-daemon named no address");
    (Running(bus), address.trim().to_string())
}

/// `dbus-send` to the app's tray item on `bus`: `method` on `path`, with `args`.
fn call_tray(bus: &str, pid: u32, path: &str, method: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("dbus-send")
        .args([
            &format!("--bus={bus}"),
            "--print-reply",
            &format!("--dest=org.kde.StatusNotifierItem-{pid}-1"),
            path,
            method,
        ])
        .args(args)
        .output()
        .expect("dbus-send runs (apt-get install dbus-bin)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tray icon (StatusNotifierItem) on a private session bus: activating it brings the
/// closed window back; its menu's 退出 quits cleanly.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn the_tray_icon_shows_the_window_and_its_menu_quits_cleanly() {
    let l = lore();
    let (_xvfb, display) = display();
    let _wm = window_manager(&display);
    let (_bus, bus) = session_bus();
    let (mut app, stderr) = demo_on_bus(&l, &display, SHORTCUT, Some(&bus));
    let pid = app.0.id();
    lore_tests::within(START, || main_shown(&display).then_some(())).expect("the window shows");
    close_main(&display);
    lore_tests::within(STOP, || (!main_shown(&display)).then_some(()))
        .unwrap_or_else(|| panic!("the window did not close:\n{}", log(&stderr)));
    let activate = ["int32:0", "int32:0"];
    let activated = lore_tests::within(START, || {
        call_tray(
            &bus,
            pid,
            "/StatusNotifierItem",
            "org.kde.StatusNotifierItem.Activate",
            &activate,
        )
    });
    assert!(
        activated.is_some(),
        "no tray item on the bus:\n{}",
        log(&stderr)
    );
    lore_tests::within(STOP, || main_shown(&display).then_some(()))
        .unwrap_or_else(|| panic!("activating the icon showed no window:\n{}", log(&stderr)));
    // The menu as a tray host reads it: find 退出 by its label, click it.
    let layout = call_tray(
        &bus,
        pid,
        "/MenuBar",
        "com.canonical.dbusmenu.GetLayout",
        &["int32:0", "int32:-1", "array:string:"],
    )
    .expect("the tray's menu");
    let mut id = None;
    let mut quit = None;
    for line in layout.lines().map(str::trim) {
        if let Some(n) = line.strip_prefix("int32 ") {
            id = n.parse::<i32>().ok();
        }
        if line.ends_with("string \"退出\"") {
            quit = id;
        }
    }
    for label in ["打开 Lore", "快速查找", "退出"] {
        assert!(
            layout.contains(&format!("\"{label}\"")),
            "{label} in\n{layout}"
        );
    }
    let quit = quit.expect("退出 in the menu");
    call_tray(
        &bus,
        pid,
        "/MenuBar",
        "com.canonical.dbusmenu.Event",
        &[
            &format!("int32:{quit}"),
            "string:clicked",
            "variant:int32:0",
            "uint32:0",
        ],
    )
    .expect("the click is taken");
    ends_cleanly(&l, &mut app, "退出 in the tray", &stderr);
}

/// The picker's outer position on `display`, as the window manager reports it.
fn position(display: &str, window: &str) -> (i32, i32) {
    let out = xdotool(display, &["getwindowgeometry", "--shell", window]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse::<i32>().ok())
            .unwrap_or_else(|| panic!("no {key} in {text}"))
    };
    (value("X="), value("Y="))
}

/// The shortcut, until the picker shows; its window.
fn open_picker(display: &str, stderr: &std::path::Path) -> String {
    press_for_picker(display).unwrap_or_else(|| panic!("no picker:\n{}", log(stderr)));
    picker_window(display).expect("the picker's window")
}

/// The picker opens centred (never in the corner) the first time, then where the agent
/// moved it: the next time, and after a restart.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn the_picker_opens_where_it_was_left_also_after_a_restart() {
    let l = lore();
    let (_xvfb, display) = display();
    let _wm = window_manager(&display);
    let (mut app, stderr) = demo_on(&l, &display, SHORTCUT);
    let picker = open_picker(&display, &stderr);
    let (x, y) = position(&display, &picker);
    assert!(
        x > 100 && y > 50,
        "the first picker is placed, not cornered: {x},{y}"
    );
    xdotool(&display, &["windowmove", "--sync", &picker, "120", "90"]);
    let moved = position(&display, &picker);
    assert_ne!(moved, (x, y), "the picker moved");
    // The app sees the move on its next frame.
    xdotool(&display, &["mousemove", "--window", &picker, "20", "20"]);
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&display, &["key", "Escape"]);
    lore_tests::within(STOP, || l.dir().join("places.json").exists().then_some(()))
        .unwrap_or_else(|| panic!("the place was not kept:\n{}", log(&stderr)));
    let picker = open_picker(&display, &stderr);
    assert_eq!(
        position(&display, &picker),
        moved,
        "reopened where it was left"
    );
    xdotool(&display, &["key", "Escape"]);
    kill("-TERM", app.0.id());
    ends_cleanly(&l, &mut app, "SIGTERM", &stderr);
    // After a restart too.
    let (_app, stderr) = launch(&l, &display);
    main_window(&display);
    let picker = open_picker(&display, &stderr);
    assert_eq!(position(&display, &picker), moved, "after a restart");
}
