//! Support for Lore's cross-crate tests: a temporary data directory driven through the
//! real `lore` binary, the paths of the fixtures, waiting for outcomes, and the
//! plain-tantivy baseline that search quality is compared against.

pub mod baseline;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How often [`eventually`] looks again.
const POLL: Duration = Duration::from_millis(20);

/// Waits until `check` returns `Some`, looking every 20 ms, and returns what it found.
/// Panics naming `what` if `timeout` passes first: tests wait for outcomes, never for
/// fixed times.
pub fn eventually<T>(timeout: Duration, what: &str, check: impl FnMut() -> Option<T>) -> T {
    within(timeout, check).unwrap_or_else(|| panic!("gave up after {timeout:?} waiting for {what}"))
}

/// What `check` returns once it returns `Some`, looking every 20 ms; `None` if `timeout`
/// passes first, for callers that say themselves what went wrong.
pub fn within<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let started = Instant::now();
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if started.elapsed() >= timeout {
            return None;
        }
        std::thread::sleep(POLL);
    }
}

/// [`eventually`] for async checks, on a tokio runtime.
pub async fn eventually_async<T, F>(
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> F,
) -> T
where
    F: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            started.elapsed() < timeout,
            "gave up after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .join("fixtures")
}

/// A fixture file or folder by its path below `fixtures/`.
pub fn fixture(path: &str) -> PathBuf {
    fixtures().join(path)
}

/// A fresh data directory and the `lore` binary to drive it.
pub struct Lore {
    bin: PathBuf,
    dir: tempfile::TempDir,
}

impl Lore {
    /// A new, empty data directory (nothing is created in it until a command runs).
    pub fn new(bin: &str) -> Lore {
        Lore {
            bin: PathBuf::from(bin),
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The data directory.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A path inside the scratch area beside the data directory.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A `lore` command on this data directory, with a fixed display name.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--data-dir")
            .arg(self.dir())
            .env_remove("LORE_DIR")
            .env("USER", "tester");
        cmd
    }

    /// Runs `lore ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .expect("the lore binary runs")
    }

    /// Runs `lore ARGS`, asserts success, and returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "lore {args:?} failed with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Runs `lore ARGS`, asserts failure without a panic, and returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "lore {args:?} should have failed");
        assert!(
            !stderr.contains("panicked"),
            "lore {args:?} panicked:\n{stderr}"
        );
        stderr
    }

    /// Runs `lore --json ARGS` and parses each output line.
    pub fn json(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.ok(&all)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    /// Adds an FAQ with `title` and `body` through the binary; returns its id.
    pub fn add_faq(&self, title: &str, body: &str) -> String {
        self.ok(&["add", "--kind", "faq", "--title", title, "--body", body])
            .trim()
            .to_string()
    }

    /// The ids of every entry, archived ones included, sorted.
    pub fn all_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = ["draft", "published", "archived"]
            .iter()
            .flat_map(|s| self.json(&["list", "--status", s]))
            .map(|v| v["id"].as_str().unwrap_or_default().to_string())
            .collect();
        ids.sort();
        ids
    }
}
