//! The command line end to end, as a user types it.

use crate::lore;

#[test]
fn every_command_works_on_an_empty_data_directory() {
    let l = lore();
    assert_eq!(l.ok(&["list"]), "");
    assert!(
        l.dir().join("library.redb").exists(),
        "list created the library"
    );
    let id = l.ok(&[
        "add",
        "--kind",
        "faq",
        "--title",
        "发票怎么开？",
        "--body",
        "在订单详情里申请。",
    ]);
    let id = id.trim();
    assert_eq!(id.len(), 12, "a generated id: {id}");
    let listed = l.json(&["list"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["title"], "发票怎么开？");
}

#[test]
fn add_show_edit_and_history_of_a_script() {
    let l = lore();
    let id = l.ok(&[
        "--name",
        "李华",
        "add",
        "--kind",
        "script",
        "--title",
        "催发货安抚",
        "--body",
        "亲，已为您催促仓库，今天内发出～",
        "--shortcode",
        "#2",
        "--tag",
        "发货",
        "--tag",
        "催单",
        "--question",
        "怎么还不发货",
        "--category",
        "物流配送",
    ]);
    let id = id.trim().to_string();
    let shown = &l.json(&["show", "#2"])[0];
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["kind"], "script");
    assert_eq!(shown["shortcode"], "#2");
    assert_eq!(shown["tags"], serde_json::json!(["催单", "发货"]));
    assert_eq!(shown["questions"], serde_json::json!(["怎么还不发货"]));
    assert_eq!(shown["status"], "published");

    l.ok(&[
        "--name",
        "陈磊",
        "edit",
        &id[..5],
        "--body",
        "亲，已为您加急催促仓库，今天内发出～",
        "--add-tag",
        "加急",
        "--remove-tag",
        "催单",
    ]);
    l.ok(&["--name", "陈磊", "edit", &id, "--status", "draft"]);
    let shown = &l.json(&["show", &id])[0];
    assert_eq!(shown["body"], "亲，已为您加急催促仓库，今天内发出～");
    assert_eq!(shown["tags"], serde_json::json!(["加急", "发货"]));
    assert_eq!(shown["status"], "draft");

    let history = l.json(&["history", &id]);
    assert_eq!(history.len(), 3, "{history:?}");
    // Newest first, each with who and what. The same device was renamed to 陈磊.
    assert_eq!(history[0]["summary"], "status published → draft");
    assert!(
        history[1]["summary"]
            .as_str()
            .unwrap_or("")
            .contains("+tag 加急"),
        "{history:?}"
    );
    assert!(
        history[1]["summary"]
            .as_str()
            .unwrap_or("")
            .contains("-tag 催单"),
        "{history:?}"
    );
    assert!(
        history[2]["summary"]
            .as_str()
            .unwrap_or("")
            .starts_with("created script")
    );
    assert!(history.iter().all(|h| h["name"] == "陈磊"), "{history:?}");
    let human = l.ok(&["history", &id]);
    assert!(
        human.contains("陈磊") && human.contains("created script"),
        "{human}"
    );
}

#[test]
fn delete_archives_and_edit_restores() {
    let l = lore();
    let id = l
        .ok(&["add", "--kind", "faq", "--title", "旧活动说明"])
        .trim()
        .to_string();
    l.ok(&["delete", &id]);
    assert!(l.json(&["list"]).is_empty(), "archived entries are hidden");
    assert_eq!(l.json(&["list", "--status", "archived"]).len(), 1);
    assert_eq!(l.json(&["history", &id])[0]["summary"], "archived");
    l.ok(&["edit", &id, "--status", "published"]);
    assert_eq!(l.json(&["list"]).len(), 1);
}

#[test]
fn list_filters_by_kind_tag_and_category() {
    let l = lore();
    l.ok(&[
        "add",
        "--kind",
        "faq",
        "--title",
        "A",
        "--tag",
        "退款",
        "--category",
        "退款",
    ]);
    l.ok(&["add", "--kind", "sop", "--title", "B", "--tag", "投诉"]);
    l.ok(&[
        "add",
        "--kind",
        "script",
        "--title",
        "C",
        "--tag",
        "退款",
        "--shortcode",
        "#1",
    ]);
    let titles = |args: &[&str]| -> Vec<String> {
        l.json(args)
            .iter()
            .map(|v| v["title"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(titles(&["list", "--kind", "sop"]), ["B"]);
    assert_eq!(titles(&["list", "--tag", "退款"]), ["A", "C"]);
    assert_eq!(titles(&["list", "--category", "退款"]), ["A"]);
}

#[test]
fn errors_name_the_problem_and_the_fix() {
    let l = lore();
    l.ok(&[
        "add",
        "--kind",
        "script",
        "--title",
        "欢迎语",
        "--shortcode",
        "#1",
    ]);
    let e = l.fails(&[
        "add",
        "--kind",
        "script",
        "--title",
        "另一个欢迎语",
        "--shortcode",
        "#1",
    ]);
    assert!(e.contains("shortcode #1 is already used by entry"), "{e}");
    let e = l.fails(&["show", "nosuchentry"]);
    assert!(
        e.contains("no entry matches `nosuchentry`") && e.contains("lore list"),
        "{e}"
    );
    let e = l.fails(&["add", "--kind", "faq", "--title", "  "]);
    assert!(e.contains("title is empty"), "{e}");
    let e = l.fails(&["add", "--kind", "memo", "--title", "x"]);
    assert!(e.contains("invalid value 'memo'"), "{e}");
    let e = l.fails(&["add", "--kind", "faq", "--title", "x", "--shortcode", "#9"]);
    assert!(e.contains("only scripts have shortcodes"), "{e}");
    let e = l.fails(&["edit", "#1", "--adopt", "zzz"]);
    assert!(e.contains("has no answer zzz"), "{e}");
    assert_eq!(
        l.json(&["list"]).len(),
        1,
        "failed commands changed nothing"
    );
}

#[test]
fn ambiguous_id_prefixes_are_refused() {
    let l = lore();
    let a = "faq-one-aaa";
    let b = "faq-one-bbb";
    let file = l.scratch("two.jsonl");
    std::fs::write(
        &file,
        format!("{{\"id\":\"{a}\",\"kind\":\"faq\",\"title\":\"一\"}}\n{{\"id\":\"{b}\",\"kind\":\"faq\",\"title\":\"二\"}}\n"),
    )
    .expect("write");
    l.ok(&["import", file.to_str().unwrap_or_default()]);
    let e = l.fails(&["show", "faq-one"]);
    assert!(
        e.contains("matches several entries") && e.contains(a) && e.contains(b),
        "{e}"
    );
    assert_eq!(l.json(&["show", "faq-one-b"])[0]["title"], "二");
}

#[test]
fn contributed_answers_can_be_adopted() {
    let l = lore();
    let id = l
        .ok(&["add", "--kind", "faq", "--title", "能开专票吗"])
        .trim()
        .to_string();
    l.ok(&[
        "--name",
        "赵敏",
        "edit",
        &id,
        "--answer",
        "可以，提供税号和开户行即可。",
    ]);
    let answer = l.json(&["show", &id])[0]["answers"][0]["id"]
        .as_str()
        .expect("the answer has an id")
        .to_string();
    l.ok(&["edit", &id, "--adopt", &answer]);
    let shown = l.ok(&["show", &id]);
    assert!(
        shown.contains("赵敏") && shown.contains("★ adopted"),
        "{shown}"
    );
}

/// `Team::member_name` shortened unknown authors by bytes and panicked inside a Chinese
/// character: an imported answer's author may be a name, not a member id.
#[test]
fn show_names_an_imported_answer_author_written_in_chinese() {
    let l = lore();
    let file = l.scratch("answers.jsonl");
    std::fs::write(
        &file,
        r#"{"id": "faq-vat-invoice", "kind": "faq", "title": "能开专票吗", "answers": [{"author": "客服主管王小明", "text": "可以，提供税号和开户行即可。"}]}"#,
    )
    .expect("write the import file");
    l.ok(&["import", file.to_str().expect("a UTF-8 path")]);
    let shown = l.ok(&["show", "faq-vat-invoice"]);
    assert!(shown.contains("客服主管王小明"), "{shown}");
}

#[test]
fn help_is_available_for_every_command() {
    let l = lore();
    let top = l.ok(&["--help"]);
    for cmd in [
        "add", "edit", "show", "list", "history", "delete", "import", "export", "template", "demo",
        "check",
    ] {
        assert!(top.contains(cmd), "top-level help lists {cmd}");
        let help = l.ok(&[cmd, "--help"]);
        assert!(help.contains("Usage: lore"), "{cmd} --help: {help}");
    }
    // Benchmarks are a separate binary (lore-bench), not part of what users install.
    assert!(
        !top.contains("bench"),
        "top-level help lists no benchmark: {top}"
    );
    // No arguments opens the app; with no display to open it on, the error says so and
    // points at the command line.
    let out = l
        .command()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("lore");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("display") && err.contains("lore --help"),
        "{err}"
    );
}

#[test]
fn the_data_directory_can_come_from_lore_dir() {
    let l = lore();
    let dir = l.scratch("from-env");
    let out = std::process::Command::new(crate::LORE)
        .args(["add", "--kind", "faq", "--title", "环境变量"])
        .env("LORE_DIR", &dir)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("library.redb").exists());
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    // Regression: `lore list | head` panicked with "failed printing to stdout".
    let l = lore();
    l.ok(&["demo"]);
    let mut child = l
        .command()
        .arg("list")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away before the first line is written
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_malformed_config_file_is_named_with_the_line_at_fault() {
    let l = lore();
    l.ok(&["demo"]);
    std::fs::write(
        l.dir().join("config.toml"),
        "[network]\nlisten = \"0.0.0.0:4747\"\nrelay = 42\n",
    )
    .expect("write");
    let err = l.fails(&["serve"]);
    assert!(
        err.contains("config.toml") && err.contains("line 3"),
        "{err}"
    );
    std::fs::write(
        l.dir().join("config.toml"),
        "[network]\nrelay = \"not a url\"\n",
    )
    .expect("write");
    let err = l.fails(&["serve"]);
    assert!(err.contains("not a relay URL"), "{err}");
    // The library is untouched and works as before.
    assert!(l.json(&["list"]).len() > 100);
}
