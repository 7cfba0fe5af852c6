//! The real desktop app in a real window: the `lore` binary under a virtual X display
//! (Xvfb, software OpenGL), stopped the way service managers, logouts and closed
//! terminals stop it. Where this machine has no Xvfb (probed by the app crate's build
//! script; `.ci/run` installs it), the test is reported as ignored.

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::lore;

/// How long the app may take to open its window and its library.
const START: Duration = Duration::from_secs(60);
/// How long a clean stop may take once the signal is sent.
const STOP: Duration = Duration::from_secs(15);

/// A child process killed on drop, so none outlives a test that fails midway.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display of its own (Xvfb picks a free display number and says which).
fn display() -> (Running, String) {
    let mut xvfb = Command::new("Xvfb")
        .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
        .arg("1100x720x24")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb starts");
    let mut number = String::new();
    let mut stdout = xvfb.stdout.take().expect("Xvfb's stdout");
    let mut byte = [0u8; 1];
    while stdout
        .read(&mut byte)
        .expect("reading Xvfb's display number")
        == 1
        && byte[0] != b'\n'
    {
        number.push(char::from(byte[0]));
    }
    assert!(!number.is_empty(), "Xvfb named no display");
    (Running(xvfb), format!(":{}", number.trim()))
}

/// Sends `signal` (as kill(1) names it) to `pid`.
fn kill(signal: &str, pid: u32) {
    let sent = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success(), "kill {signal} {pid}");
}

/// The app on `display` in Chinese, its stderr going to a file named by the second value.
fn launch(l: &lore_tests::Lore, display: &str) -> (Running, std::path::PathBuf) {
    let stderr = l.scratch("app.log");
    let app = Running(
        l.command()
            .env("DISPLAY", display)
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .env("LANG", "zh_CN.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).expect("app.log"))
            .spawn()
            .expect("the app starts"),
    );
    (app, stderr)
}

/// The demo library in the app on `display`, its node on loopback only, with `more`
/// settings; returns once the library is open.
fn demo_on(l: &lore_tests::Lore, display: &str, more: &str) -> (Running, std::path::PathBuf) {
    l.ok(&["demo"]);
    std::fs::write(
        l.dir().join("config.toml"),
        format!("[network]\nlisten = \"127.0.0.1:0\"\nmdns = false\n\n{more}"),
    )
    .expect("config.toml");
    let (app, stderr) = launch(l, display);
    let socket = l.dir().join("lore.sock");
    lore_tests::within(START, || socket.exists().then_some(()))
        .unwrap_or_else(|| panic!("the app never opened its library:\n{}", log(&stderr)));
    (app, stderr)
}

/// Runs xdotool on `display`.
fn xdotool(display: &str, args: &[&str]) -> std::process::Output {
    Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs (apt-get install xdotool)")
}

/// Presses the picker's shortcut on `display` until its window is there (the app may
/// still be starting its shortcut); `None` if it never came.
fn press_for_picker(display: &str) -> Option<()> {
    lore_tests::within(START, || {
        xdotool(display, &["key", "ctrl+alt+k"]);
        std::thread::sleep(Duration::from_millis(300));
        picker_shown(display)
    })
}

/// Whether the quick picker's window is on `display`.
fn picker_shown(display: &str) -> Option<()> {
    // xdotool's patterns do not take Chinese: list Lore's windows by name instead.
    let found = xdotool(
        display,
        &["search", "--name", "^Lore", "getwindowname", "%@"],
    );
    String::from_utf8_lossy(&found.stdout)
        .lines()
        .any(|name| name == "Lore 快捷回复")
        .then_some(())
}

/// What the app wrote to stderr, for failure messages.
fn log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// SIGTERM (a service manager, a logout), SIGHUP (a closed terminal) and Ctrl-C each stop
/// the app as its close button does: exit code 0, the worker's shutdown done (the local
/// socket removed), and the library free for the next command.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn the_app_stops_cleanly_on_sigterm_sighup_and_ctrl_c() {
    let l = lore();
    l.ok(&["demo"]);
    // The embedded node on loopback only: nothing leaves this machine.
    std::fs::write(
        l.dir().join("config.toml"),
        "[network]\nlisten = \"127.0.0.1:0\"\nmdns = false\n",
    )
    .expect("config.toml");
    let socket = l.dir().join("lore.sock");
    let (_xvfb, display) = display();
    for signal in ["-TERM", "-HUP", "-INT"] {
        let (mut app, stderr) = launch(&l, &display);
        // The socket is the worker's: the library is open and the node runs.
        lore_tests::within(START, || socket.exists().then_some(()))
            .unwrap_or_else(|| panic!("the app never opened its library:\n{}", log(&stderr)));
        kill(signal, app.0.id());
        let status =
            lore_tests::within(STOP, || app.0.try_wait().expect("wait")).unwrap_or_else(|| {
                panic!(
                    "the app still runs {STOP:?} after {signal}:\n{}",
                    log(&stderr)
                )
            });
        assert!(
            status.success(),
            "the app exited with {status} on {signal}:\n{}",
            log(&stderr)
        );
        assert!(!socket.exists(), "the socket went with the app ({signal})");
        let listed = l.ok(&["list"]);
        assert!(
            !listed.trim().is_empty(),
            "the library opens after {signal}"
        );
        assert!(l.ok(&["check"]).contains("read cleanly"));
    }
}

/// The quick picker's system-wide shortcut, pressed on the display (not in Lore's
/// window), opens the picker's own window on top.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn the_system_wide_shortcut_opens_the_quick_picker() {
    let l = lore();
    let (_xvfb, display) = display();
    let (_app, stderr) = demo_on(&l, &display, "[app]\npicker_hotkey = \"Ctrl+Alt+K\"\n");
    assert!(
        picker_shown(&display).is_none(),
        "no picker before the shortcut"
    );
    let opened = press_for_picker(&display);
    assert!(
        opened.is_some(),
        "the shortcut opened no picker window:\n{}",
        log(&stderr)
    );
}

/// With the window minimised (a window manager on the display), the shortcut still opens
/// the picker: a minimised window runs no UI, so the shortcut brings it back first.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn the_shortcut_opens_the_picker_while_the_window_is_minimised() {
    let l = lore();
    let (_xvfb, display) = display();
    let _wm = Running(
        Command::new("openbox")
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox starts (apt-get install openbox)"),
    );
    let (_app, stderr) = demo_on(&l, &display, "");
    let xdotool = |args: &[&str]| xdotool(&display, args);
    let main = lore_tests::within(START, || {
        let found = xdotool(&["search", "--name", "^Lore$"]);
        let id = String::from_utf8_lossy(&found.stdout)
            .lines()
            .next()?
            .to_string();
        Some(id)
    })
    .expect("the main window");
    xdotool(&["windowminimize", "--sync", &main]);
    let opened = press_for_picker(&display);
    assert!(
        opened.is_some(),
        "the shortcut opened no picker while minimised:\n{}",
        log(&stderr)
    );
}
