//! The device identity and member profile in the data directory.

use std::os::unix::fs::PermissionsExt;

use crate::lore;

#[test]
fn first_use_creates_a_private_device_key_and_a_profile() {
    let l = lore();
    l.ok(&["list"]);
    let key = l.dir().join("device.key");
    let meta = std::fs::metadata(&key).expect("device.key exists");
    assert_eq!(meta.len(), 32, "an ed25519 secret");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "owner-only");
    let profile = std::fs::read_to_string(l.dir().join("profile.json")).expect("profile");
    assert!(
        profile.contains("\"tester\""),
        "the OS user is the default name: {profile}"
    );
    // The key is stable: the same member writes across runs.
    let before = std::fs::read(&key).expect("read");
    l.ok(&["add", "--kind", "faq", "--title", "x"]);
    assert_eq!(std::fs::read(&key).expect("read"), before);
}

#[test]
fn name_sets_the_display_name_shown_in_history() {
    let l = lore();
    let id = l.ok(&[
        "--name",
        "王芳",
        "add",
        "--kind",
        "sop",
        "--title",
        "投诉处理流程",
    ]);
    let history = l.json(&["history", id.trim()]);
    assert_eq!(history[0]["name"], "王芳");
    assert_eq!(
        history[0]["member"].as_str().map(str::len),
        Some(64),
        "hex public key"
    );
    // Remembered without --name.
    let id = l.ok(&["add", "--kind", "sop", "--title", "升级流程"]);
    assert_eq!(l.json(&["history", id.trim()])[0]["name"], "王芳");
}

#[test]
fn an_exposed_or_damaged_key_is_refused_with_the_fix() {
    let l = lore();
    l.ok(&["list"]);
    let key = l.dir().join("device.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = l.fails(&["list"]);
    assert!(err.contains("chmod 600"), "{err}");
    std::fs::write(&key, b"short").expect("damage");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let err = l.fails(&["list"]);
    assert!(
        err.contains("is damaged (expected a 32-byte key, found 5 bytes)"),
        "{err}"
    );
}
