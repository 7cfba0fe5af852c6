//! automerge-repo on the same corpus, side by side with Lore: a small Node script kept
//! in `bench/automerge-repo` (installed from npm by its own command, see its README),
//! run as a child process on the entries Lore's sync benchmark generated.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

/// The script's folder, beside this crate's sources.
const FOLDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/automerge-repo");

/// What automerge-repo measured.
pub(crate) struct Figures {
    pub(crate) version: String,
    pub(crate) new_member_s: f64,
    pub(crate) reconnect_s: f64,
    pub(crate) reconnect_mb: f64,
    pub(crate) edit_kb: f64,
    pub(crate) edit_ms: f64,
}

/// Runs the script on `entries` (written to `scratch`); `None`, after saying how to
/// install it, when its packages are not installed.
pub(crate) fn measure(
    entries: &[lore_core::ImportItem],
    scratch: &Path,
) -> Result<Option<Figures>> {
    let folder = Path::new(FOLDER);
    if !folder.join("node_modules").is_dir() {
        println!(
            "automerge-repo side by side: not installed (npm ci --prefix {}), skipped",
            folder.display()
        );
        return Ok(None);
    }
    let corpus: Vec<Value> = entries
        .iter()
        .map(|item| {
            let e = &item.entry;
            json!({
                "id": e.id,
                "kind": e.kind.as_str(),
                "title": e.title,
                "body": e.body,
                "questions": e.questions,
                "category": e.category,
                "tags": e.tags,
            })
        })
        .collect();
    let file = scratch.join("corpus.json");
    std::fs::write(&file, serde_json::to_vec(&corpus)?)?;
    println!(
        "automerge-repo side by side: the same {} entries (node {}/compare.mjs)…",
        entries.len(),
        folder.display()
    );
    let output = Command::new("node")
        .arg(folder.join("compare.mjs"))
        .arg("--corpus")
        .arg(&file)
        .arg("--json")
        .output()
        .context("running node (is Node.js installed?)")?;
    if !output.status.success() {
        bail!(
            "the automerge-repo script failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let v: Value = serde_json::from_slice(&output.stdout)
        .context("reading the automerge-repo script's figures")?;
    let number = |key: &str| {
        v[key]
            .as_f64()
            .with_context(|| format!("the automerge-repo script printed no `{key}`"))
    };
    Ok(Some(Figures {
        version: v["version"].as_str().unwrap_or("?").to_string(),
        new_member_s: number("new_member_s")?,
        reconnect_s: number("reconnect_s")?,
        reconnect_mb: number("reconnect_mb")?,
        edit_kb: number("edit_kb")?,
        edit_ms: number("edit_ms")?,
    }))
}

/// Lore's figure beside automerge-repo's, and how many times less Lore's is.
pub(crate) fn beside(name: &str, lore: f64, theirs: f64, unit: &str) {
    let ratio = if lore > 0.0 {
        theirs / lore
    } else {
        f64::INFINITY
    };
    println!(
        "{name:<44} Lore {lore:>9.2} {unit:<3} automerge-repo {theirs:>9.2} {unit:<3} ({ratio:.1}× Lore's)"
    );
}
