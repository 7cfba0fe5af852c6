//! Tells the test binary what this machine can do, so that a test that cannot run here is
//! reported as ignored (with the reason) instead of passing without running. Probed once
//! per build: CI builds on the machine it tests on.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lore_no_netns)");
    println!("cargo::rustc-check-cfg=cfg(lore_no_xvfb)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=LORE_NO_NETNS");
    // mDNS discovery is tested inside a network namespace the test makes itself.
    // LORE_NO_NETNS=1 skips it on a machine that could but should not make namespaces.
    let netns = std::env::var_os("LORE_NO_NETNS").is_none()
        && Command::new("unshare")
            .args(["-rn", "ip", "link", "set", "lo", "up"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if !netns {
        println!("cargo::rustc-cfg=lore_no_netns");
    }
    // The app's window is tested under a virtual X display.
    match on_path("Xvfb") {
        // Probed again if it goes away…
        Some(xvfb) => println!("cargo::rerun-if-changed={}", xvfb.display()),
        None => {
            println!("cargo::rustc-cfg=lore_no_xvfb");
            // …or once something is installed where it would be.
            for dir in path_dirs().filter(|d| d.is_dir()) {
                println!("cargo::rerun-if-changed={}", dir.display());
            }
        }
    }
}

/// The folders of `PATH`.
fn path_dirs() -> impl Iterator<Item = PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
}

/// Where `PATH` finds the program `name`.
fn on_path(name: &str) -> Option<PathBuf> {
    path_dirs().map(|d| d.join(name)).find(|p| p.is_file())
}
