//! Tells the test binary what this machine can do, so that a test that cannot run here is
//! reported as ignored (with the reason) instead of passing without running. Probed once
//! per build: CI builds on the machine it tests on.

use std::process::{Command, Stdio};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lore_no_netns)");
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
}
