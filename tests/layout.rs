//! The code's shape, checked like behaviour: no module imports one that imports it back,
//! and no source file grows past what one reader holds in mind.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest a source file may be (lines).
const MAX_LINES: usize = 600;

/// The crates' source folders, below the workspace root.
const CRATES: [&str; 4] = ["core/src", "sync/src", "app/src", "bench/src"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("app/ sits inside the workspace")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines, as path segments below the crate root.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(root).expect("inside the crate");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// Expands a `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()];
    };
    let prefix = &tree[..open];
    let close = tree.rfind('}').filter(|c| *c > open).unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand)
        .map(|p| match p.as_str() {
            "self" => prefix.trim_end_matches("::").to_string(),
            _ => format!("{prefix}{p}"),
        })
        .collect()
}

/// Every path a file names through `crate::` or `super::`, in `use` items and in code.
fn paths_named(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut paths = Vec::new();
    // `use` items start a line (after any visibility); text in strings never does.
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let item = if trimmed.starts_with("pub") {
            trimmed
                .strip_prefix("pub ")
                .or_else(|| trimmed.split_once(") ").map(|(_, rest)| rest))
                .unwrap_or(trimmed)
        } else {
            trimmed
        };
        if let Some(tree) = item.strip_prefix("use ") {
            let start = offset + (line.len() - tree.len());
            let end = code[start..].find(';').map_or(code.len(), |e| start + e);
            let tree: String = code[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            paths.extend(expand(&tree));
        }
        offset += line.len();
    }
    for (at, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let path: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        paths.push(path);
    }
    paths
        .into_iter()
        .filter(|p| p.starts_with("crate::") || p.starts_with("super::"))
        .collect()
}

/// The module a path names: the longest prefix of it that is a module of the crate.
fn resolve(from: &[String], path: &str, modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = Vec::new();
    if segments.first() == Some(&"crate") {
        segments.remove(0);
    } else {
        base = from.to_vec();
        // A file's `super` is its folder's module; a mod.rs's is the folder's parent.
        while segments.first() == Some(&"super") {
            segments.remove(0);
            base.pop();
        }
    }
    let mut best = base.clone();
    for s in segments {
        base.push(s.to_string());
        if modules.contains(&base) {
            best = base.clone();
        } else {
            break;
        }
    }
    best
}

/// Each edge between two modules, lifted to the children of their closest common
/// ancestor: `library/entries → doc/summary` is `library → doc`. A file using its own
/// folder's facade (or a facade using its parts) is structure, not a dependency.
fn lifted(from: &[String], to: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let mut found = Vec::new();
    for (a, targets) in edges {
        for b in targets {
            // A path back from b to a closes a cycle through the edge a → b.
            let mut seen = BTreeSet::new();
            let mut stack = vec![(b.clone(), vec![b.clone()])];
            while let Some((node, trail)) = stack.pop() {
                if &node == a {
                    let names: Vec<String> = std::iter::once(a)
                        .chain(trail.iter())
                        .map(|m| m.join("::"))
                        .collect();
                    found.push(names.join(" → "));
                    break;
                }
                if !seen.insert(node.clone()) {
                    continue;
                }
                for next in edges.get(&node).into_iter().flatten() {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut all = Vec::new();
    for krate in CRATES {
        let root = workspace().join(krate);
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&root, f)).collect();
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for file in &files {
            let from = module_of(&root, file);
            let source = std::fs::read_to_string(file).expect("a readable source file");
            for path in paths_named(&source) {
                let to = resolve(&from, &path, &modules);
                if let Some((a, b)) = lifted(&from, &to) {
                    edges.entry(a).or_default().insert(b);
                }
            }
        }
        all.extend(cycles(&edges).into_iter().map(|c| format!("{krate}: {c}")));
    }
    all.sort();
    all.dedup();
    assert!(all.is_empty(), "import cycles:\n{}", all.join("\n"));
}

#[test]
fn no_source_file_is_past_the_length_one_reader_holds() {
    let mut files = Vec::new();
    for dir in CRATES.iter().chain(&["tests"]) {
        rust_files(&workspace().join(dir), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files past {MAX_LINES} lines: {long:?}");
}

#[test]
fn no_test_hides_where_it_never_runs() {
    // The crates build no test harness of their own (one test binary: this one), so a
    // `#[test]` inside them would compile away unseen.
    let mut files = Vec::new();
    for dir in CRATES {
        rust_files(&workspace().join(dir), &mut files);
    }
    let hidden: Vec<String> = files
        .iter()
        .filter(|f| {
            let source = std::fs::read_to_string(f).expect("a readable source file");
            source.contains("#[test]") || source.contains("#[cfg(test)]")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        hidden.is_empty(),
        "tests inside a crate never run; move them to tests/: {hidden:?}"
    );
}
