//! The public help center: `lore export --format site` loaded in a real headless
//! chromium (which `.ci/run` installs) and searched with colloquial Chinese, nothing
//! internal in any file it writes, raw HTML in a body shown as text, a folder that is not
//! a help center refused, and `lore serve --site` rebuilding it after an edit.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use lore_core::{Kind, Library, Status, Writer};

use crate::lore;

/// Debian's chromium; the test needs it and `.ci/run` installs it.
fn chromium() -> &'static str {
    let found = Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "the help center's test drives Debian's chromium: `apt-get install chromium` (.ci/run does)"
    );
    "chromium"
}

/// The DOM of `page` after its scripts ran, as headless chromium dumps it.
fn dom(page: &Path, query: &str, profile: &Path) -> String {
    let mut url = format!("file://{}", page.display());
    if !query.is_empty() {
        url.push_str("?q=");
        url.push_str(query);
    }
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed on {url}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The pages the results list links to, in order.
fn results(dom: &str) -> Vec<String> {
    let start = dom
        .find("id=\"results\"")
        .unwrap_or_else(|| panic!("no results section in {dom}"));
    let section = &dom[start
        ..dom[start..]
            .find("</section>")
            .map_or(dom.len(), |e| start + e)];
    section
        .split("<li class=\"hit\"><a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

fn export_demo(l: &lore_tests::Lore, out: &Path, extra: &[&str]) {
    let mut args = vec!["export", "--format", "site"];
    args.extend_from_slice(extra);
    let out = out.to_str().expect("utf-8 path");
    args.push(out);
    l.ok(&args);
}

#[test]
fn the_help_center_finds_colloquial_chinese_in_a_real_browser() {
    let l = lore();
    l.ok(&["demo"]);
    let out = l.scratch("site");
    export_demo(&l, &out, &[]);
    let profile = l.scratch("chromium");
    let index = out.join("index.html");

    let home = dom(&index, "", &profile);
    assert!(home.contains("<html lang=\"zh-CN\""), "Chinese first");
    assert!(home.contains("帮助中心"));
    assert!(home.contains("href=\"e/faq-ship-free-shipping.html\""));

    // 跑腿费 is nowhere in the library: the lexicon says it is the delivery fee (运费).
    let found = results(&dom(&index, "跑腿费怎么算", &profile));
    assert!(
        found
            .iter()
            .take(3)
            .any(|p| p == "e/faq-ship-free-shipping.html" || p == "e/faq-ship-remote-areas.html"),
        "{found:?}"
    );
    // 啥时候 is the colloquial 什么时候.
    let found = results(&dom(&index, "啥时候发货", &profile));
    assert!(
        found
            .iter()
            .take(3)
            .any(|p| p == "e/faq-ship-dispatch-time.html"),
        "{found:?}"
    );
    // Traditional characters fold to Simplified, as in the library's search.
    let found = results(&dom(&index, "退貨運費由誰承擔", &profile));
    assert_eq!(
        found.first().map(String::as_str),
        Some("e/faq-return-shipping-fee.html"),
        "{found:?}"
    );
    // A page opened from disk links back home and shows how customers ask.
    let page = dom(&out.join("e/faq-ship-dispatch-time.html"), "", &profile);
    assert!(page.contains("href=\"../index.html\""));
    assert!(page.contains("常见问法") && page.contains("什么时候发货啊"));

    // English words on request; the entries stay as written.
    let en = l.scratch("site-en");
    export_demo(&l, &en, &["--lang", "en"]);
    let home = dom(&en.join("index.html"), "refund", &profile);
    assert!(home.contains("<html lang=\"en\"") && home.contains("Help center"));
    assert!(!results(&home).is_empty(), "an English query finds entries");
}

/// Phrases of `text` that an exported page would carry verbatim, whatever the markup
/// around them: runs of letters, digits and spaces between punctuation holding at least
/// `min` Chinese characters, or, in English, six words.
fn fragments(text: &str, min: usize) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == ' '))
        .map(str::trim)
        .filter(|s| {
            s.chars().filter(|c| !c.is_ascii()).count() >= min
                || (s.is_ascii() && s.split_whitespace().count() >= 6)
        })
        .map(str::to_string)
        .collect()
}

/// Every file under `dir`, as text.
fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    for item in std::fs::read_dir(dir).expect("read the site") {
        let path = item.expect("entry").path();
        if path.is_dir() {
            all.extend(files(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
            all.push((path, text));
        }
    }
    all
}

#[test]
fn no_internal_text_reaches_any_file_of_the_help_center() {
    let l = lore();
    l.ok(&["demo"]);
    // Beside the demo's own: an internal FAQ, a draft and an archived one, each unmistakable.
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--internal",
        "--title",
        "内部备忘甲乙丙",
        "--body",
        "本月审批口令是蓝鲸七号请勿外传",
        "--question",
        "内部问法丁戊己",
    ]);
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--status",
        "draft",
        "--title",
        "草稿标题庚辛壬",
    ]);
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--status",
        "archived",
        "--title",
        "旧规则癸子丑",
    ]);
    let out = l.scratch("site");
    export_demo(&l, &out, &[]);

    let mut library = Library::open(&l.dir(), Writer::generate("reader")).expect("open");
    let team = library.team().expect("team");
    let mut secret: Vec<String> = team.members.values().map(|m| m.name.clone()).collect();
    let mut public = 0;
    // What public entries say themselves: an answer or an internal note quoting it gives
    // nothing away.
    let mut said = String::new();
    for id in library.ids() {
        let entry = library.get(&id).expect("entry");
        // A folded answer's text is the body's now; every other answer stays the team's.
        for answer in entry.answers.iter().filter(|a| !a.folded) {
            secret.extend(fragments(&answer.text, 12));
        }
        let published = entry.status == Status::Published && !entry.internal;
        if published && entry.kind == Kind::Faq {
            public += 1;
            said.push_str(&entry.title);
            said.push_str(&entry.body);
            said.push_str(&entry.questions.join("\n"));
            continue;
        }
        if published && entry.kind == Kind::Script {
            // Left out as agents' replies, but they may well quote a public FAQ.
            continue;
        }
        secret.push(entry.title.clone());
        if entry.internal {
            secret.extend(fragments(&entry.body, 10));
            secret.extend(entry.questions.iter().cloned());
        }
    }
    assert!(
        !secret
            .iter()
            .take(team.members.len())
            .any(|n| said.contains(n.as_str())),
        "no public entry names a member"
    );
    secret.retain(|s| !said.contains(s.as_str()));
    assert!(
        secret.len() > 100,
        "the demo has internal entries, drafts and answers"
    );
    for marker in [
        "内部备忘甲乙丙",
        "蓝鲸七号",
        "内部问法丁戊己",
        "草稿标题庚辛壬",
        "旧规则癸子丑",
    ] {
        assert!(
            secret.iter().any(|s| s.contains(marker)),
            "{marker} is checked"
        );
    }
    let written = files(&out);
    let pages = written
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .count();
    assert_eq!(pages, public + 1, "a page per public FAQ, and home");
    for (path, text) in &written {
        for s in &secret {
            assert!(
                !text.contains(s.as_str()),
                "{} holds `{s}`, which is not public",
                path.display()
            );
        }
    }
}

#[test]
fn raw_html_in_a_body_is_shown_as_text_never_run() {
    let l = lore();
    let id = l.add_faq(
        "怎么联系我们",
        "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1)) [官网](https://example.com)",
    );
    let out = l.scratch("site");
    export_demo(&l, &out, &[]);
    let page = std::fs::read_to_string(out.join(format!("e/{id}.html"))).expect("page");
    assert!(page.contains("&lt;script&gt;alert"), "{page}");
    assert!(
        !page.contains("<script>alert") && !page.contains("<img"),
        "{page}"
    );
    assert!(!page.contains("javascript:"), "{page}");
    assert!(page.contains("href=\"https://example.com\""), "{page}");
}

#[test]
fn a_folder_that_is_not_a_help_center_is_refused_untouched() {
    let l = lore();
    l.add_faq("多久发货", "48 小时内。");
    let out = l.scratch("mine");
    std::fs::create_dir_all(&out).expect("folder");
    std::fs::write(out.join("notes.txt"), "mine").expect("file");
    let path = out.to_str().expect("utf-8");
    let err = l.fails(&["export", "--format", "site", path]);
    assert!(err.contains("mine") && err.contains(".lore-site"), "{err}");
    assert_eq!(std::fs::read_dir(&out).expect("read").count(), 1);
    // A node is not started for one either.
    let err = l.fails(&["serve", "--listen", "127.0.0.1:0", "--site", path]);
    assert!(err.contains(".lore-site"), "{err}");
    assert_eq!(std::fs::read_dir(&out).expect("read").count(), 1);

    // An earlier help center is replaced whole.
    let site = l.scratch("site");
    export_demo(&l, &site, &[]);
    let id = l.add_faq("怎么退货", "在订单页申请。");
    export_demo(&l, &site, &[]);
    assert!(site.join(format!("e/{id}.html")).exists());
    assert!(!l.scratch("site.partial").exists() && !l.scratch("site.old").exists());
}

#[test]
fn a_serving_node_rebuilds_the_help_center_when_the_library_changes() {
    let l = lore();
    l.add_faq("多久发货", "48 小时内。");
    let out = l.scratch("site");
    let listen = format!("127.0.0.1:{}", crate::team::free_port());
    let mut node = l
        .command()
        .args(["serve", "--listen", &listen, "--site"])
        .arg(&out)
        .stderr(Stdio::null())
        .spawn()
        .expect("lore serve");
    let serving = Node(Some(node.id()));
    lore_tests::eventually(Duration::from_secs(30), "the first help center", || {
        out.join("index.html").exists().then_some(())
    });
    // `lore add` goes to the running node, which publishes it.
    let id = l.add_faq("运费怎么算", "满 99 元包邮。");
    let page = out.join(format!("e/{id}.html"));
    lore_tests::eventually(Duration::from_secs(30), "the new entry's page", || {
        page.exists().then_some(())
    });
    let index = std::fs::read_to_string(out.join("search-index.js")).expect("index");
    assert!(index.contains("运费怎么算"));
    drop(serving);
    let status = node.wait().expect("wait");
    assert!(status.success(), "lore serve exited with {status}");
}

/// A node stopped with Ctrl-C when the test ends, however it ends.
struct Node(Option<u32>);

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(pid) = self.0.take() {
            let _ = Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status();
        }
    }
}
