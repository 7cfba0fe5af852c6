//! The real desktop app in a real window: the `lore` binary under a virtual X display
//! (Xvfb, software OpenGL), stopped the way service managers, logouts and closed
//! terminals stop it. Where this machine has no Xvfb (probed by the app crate's build
//! script; `.ci/run` installs it), the test is reported as ignored.

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::lore;

/// Closed into the background, the tray, the picker's place, a second `lore`.
mod background;

/// How long the app may take to open its window and its library.
pub(crate) const START: Duration = Duration::from_secs(60);
/// How long a clean stop may take once the signal is sent.
pub(crate) const STOP: Duration = Duration::from_secs(15);

/// A child process killed on drop, so none outlives a test that fails midway.
pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display of its own (Xvfb picks a free display number and says which).
pub(crate) fn display() -> (Running, String) {
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
pub(crate) fn kill(signal: &str, pid: u32) {
    let sent = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success(), "kill {signal} {pid}");
}

/// The app on `display` in Chinese, its stderr going to a file named by the second value.
pub(crate) fn launch(l: &lore_tests::Lore, display: &str) -> (Running, std::path::PathBuf) {
    launch_on_bus(l, display, None)
}

/// [`launch`] with the session bus at `bus` (a private one; `None`: no bus at all).
pub(crate) fn launch_on_bus(
    l: &lore_tests::Lore,
    display: &str,
    bus: Option<&str>,
) -> (Running, std::path::PathBuf) {
    let stderr = l.scratch("app.log");
    let mut command = l.command();
    match bus {
        Some(bus) => command.env("DBUS_SESSION_BUS_ADDRESS", bus),
        // Never the session's own bus: the tray would appear on the desktop running the
        // tests.
        None => command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"),
    };
    let app = Running(
        command
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
pub(crate) fn demo_on(
    l: &lore_tests::Lore,
    display: &str,
    more: &str,
) -> (Running, std::path::PathBuf) {
    demo_on_bus(l, display, more, None)
}

/// [`demo_on`] with the session bus at `bus`.
pub(crate) fn demo_on_bus(
    l: &lore_tests::Lore,
    display: &str,
    more: &str,
    bus: Option<&str>,
) -> (Running, std::path::PathBuf) {
    l.ok(&["demo"]);
    std::fs::write(
        l.dir().join("config.toml"),
        format!("[network]\nlisten = \"127.0.0.1:0\"\nmdns = false\n\n{more}"),
    )
    .expect("config.toml");
    let (app, stderr) = launch_on_bus(l, display, bus);
    let socket = l.dir().join("lore.sock");
    lore_tests::within(START, || socket.exists().then_some(()))
        .unwrap_or_else(|| panic!("the app never opened its library:\n{}", log(&stderr)));
    (app, stderr)
}

/// Runs xdotool on `display`.
pub(crate) fn xdotool(display: &str, args: &[&str]) -> std::process::Output {
    Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs (apt-get install xdotool)")
}

/// Presses the picker's shortcut on `display` until its window is there (the app may
/// still be starting its shortcut); `None` if it never came.
pub(crate) fn press_for_picker(display: &str) -> Option<()> {
    lore_tests::within(START, || {
        xdotool(display, &["key", "ctrl+alt+k"]);
        std::thread::sleep(Duration::from_millis(300));
        picker_shown(display)
    })
}

/// Whether the quick picker's window shows on `display` (it is made hidden at start).
pub(crate) fn picker_shown(display: &str) -> Option<()> {
    picker_window(display).map(|_| ())
}

/// The id of the quick picker's window on `display`, while it shows.
pub(crate) fn picker_window(display: &str) -> Option<String> {
    // xdotool's patterns do not take Chinese: list Lore's windows by name instead.
    let found = xdotool(display, &["search", "--onlyvisible", "--name", "^Lore"]);
    String::from_utf8_lossy(&found.stdout)
        .lines()
        .find(|id| {
            let name = xdotool(display, &["getwindowname", id]);
            String::from_utf8_lossy(&name.stdout).trim() == "Lore 快捷回复"
        })
        .map(str::to_string)
}

/// The id of Lore's main window on `display` (shown or not), once it is there.
pub(crate) fn main_window(display: &str) -> String {
    lore_tests::within(START, || {
        let found = xdotool(display, &["search", "--name", "^Lore$"]);
        Some(
            String::from_utf8_lossy(&found.stdout)
                .lines()
                .next()?
                .to_string(),
        )
    })
    .expect("the main window")
}

/// Whether Lore's main window shows on `display`.
pub(crate) fn main_shown(display: &str) -> bool {
    let found = xdotool(display, &["search", "--onlyvisible", "--name", "^Lore$"]);
    !String::from_utf8_lossy(&found.stdout).trim().is_empty()
}

/// Closes the main window as its close button does: the window manager's close (openbox
/// binds Alt+F4 to it), which asks the app to close (WM_DELETE_WINDOW).
pub(crate) fn close_main(display: &str) {
    let main = main_window(display);
    xdotool(display, &["windowactivate", "--sync", &main]);
    xdotool(display, &["key", "alt+F4"]);
}

/// openbox on `display`: a window manager, to minimise and close windows as desktops do.
pub(crate) fn window_manager(display: &str) -> Running {
    Running(
        Command::new("openbox")
            .env("DISPLAY", display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox starts (apt-get install openbox)"),
    )
}

/// Waits for `app` to end after a stop; asserts it ended cleanly (exit 0, the local socket
/// removed, the library free for the next command).
pub(crate) fn ends_cleanly(l: &lore_tests::Lore, app: &mut Running, why: &str, stderr: &Path) {
    let status = lore_tests::within(STOP, || app.0.try_wait().expect("wait"))
        .unwrap_or_else(|| panic!("the app still runs {STOP:?} after {why}:\n{}", log(stderr)));
    assert!(
        status.success(),
        "the app exited with {status} after {why}:\n{}",
        log(stderr)
    );
    assert!(
        !l.dir().join("lore.sock").exists(),
        "the socket went with the app ({why})"
    );
    assert!(l.ok(&["check"]).contains("read cleanly"), "after {why}");
}

/// What the app wrote to stderr, for failure messages.
pub(crate) fn log(path: &Path) -> String {
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
/// the picker, and only the picker: the main window stays minimised.
#[test]
#[cfg_attr(
    lore_no_xvfb,
    ignore = "this machine has no Xvfb to open the app's window on (apt-get install xvfb)"
)]
fn the_shortcut_opens_the_picker_while_the_window_is_minimised() {
    let l = lore();
    let (_xvfb, display) = display();
    let _wm = window_manager(&display);
    let (_app, stderr) = demo_on(&l, &display, "");
    let main = main_window(&display);
    lore_tests::within(START, || main_shown(&display).then_some(())).expect("the window shows");
    xdotool(&display, &["windowminimize", "--sync", &main]);
    lore_tests::within(STOP, || (!main_shown(&display)).then_some(())).expect("minimised");
    let opened = press_for_picker(&display);
    assert!(
        opened.is_some(),
        "the shortcut opened no picker while minimised:\n{}",
        log(&stderr)
    );
    // The picker came alone: the main window stays minimised behind it.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !main_shown(&display),
        "the main window came back with the picker"
    );
}
