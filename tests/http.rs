//! The HTTP API (`lore serve --http`) through a real HTTP client against a running node on
//! 127.0.0.1: tokens made and revoked with the real CLI, scopes, the bot, uses credited
//! to a token (limits, load and the OpenAPI document are in `http_limits`).

use std::io::BufRead as _;
use std::process::{Child, ChildStderr, Stdio};

use lore_tests::Lore;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::lore;

/// A running `lore serve --http`: killed on drop so no node outlives a failed test.
pub(crate) struct Node {
    child: Option<Child>,
    base: String,
    log: std::io::BufReader<ChildStderr>,
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Node {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the node with Ctrl-C; it must end cleanly.
    pub(crate) fn stop(mut self) {
        let mut child = self.child.take().expect("a running node");
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let status = child.wait().expect("wait");
        assert!(status.success(), "lore serve exited with {status}");
    }
}

/// Starts `lore serve --http 127.0.0.1:0 EXTRA…` and reads where the API listens.
pub(crate) fn serve(lore: &Lore, extra: &[&str]) -> Node {
    let mut child = lore
        .command()
        .args(["serve", "--listen", "127.0.0.1:0", "--no-mdns"])
        .args(["--http", "127.0.0.1:0"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("lore serve");
    let log = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut node = Node {
        child: Some(child),
        base: String::new(),
        log,
    };
    let mut line = String::new();
    loop {
        line.clear();
        let n = node.log.read_line(&mut line).expect("read");
        assert!(n > 0, "lore serve ended before the API ran");
        if let Some(rest) = line.split("HTTP API on ").nth(1) {
            let url = rest.split_whitespace().next().expect("an address");
            node.base = url.trim_end_matches("/v1/").to_string();
            return node;
        }
    }
}

/// The demo library with a token of each scope made through the real CLI.
pub(crate) fn demo_with_tokens() -> (Lore, Tokens) {
    let l = lore();
    l.ok(&["demo"]);
    let token = |name: &str, scope: &str| {
        let made = l.json(&["token", "create", "--name", name, "--scope", scope]);
        made[0]["token"].as_str().expect("a token").to_string()
    };
    let tokens = Tokens {
        read: token("网页客服", "read"),
        reply: token("公众号机器人", "reply"),
        internal: token("内部工具", "internal"),
    };
    (l, tokens)
}

pub(crate) struct Tokens {
    pub(crate) read: String,
    pub(crate) reply: String,
    pub(crate) internal: String,
}

/// An HTTP client (plain HTTP; reqwest still wants a TLS crypto provider installed).
pub(crate) fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// GET `url` with `token` (none: no header): status and JSON body.
pub(crate) async fn get(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request).await
}

/// POST `body` as JSON to `url` with `token`: status and JSON body.
pub(crate) async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    answer(client.post(url).bearer_auth(token).json(&body)).await
}

pub(crate) async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("the API answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

pub(crate) fn ids(hits: &Value) -> Vec<String> {
    hits.as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub(crate) fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn no_token_and_a_revoked_token_are_refused() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    runtime().block_on(async {
        let search = node.url("/v1/search?q=%E8%AF%95%E7%94%A8"); // 试用
        let (status, body) = get(&client, &search, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), "unauthorized");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );

        let (status, _) = get(&client, &search, Some("lore_notatokenatall")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // With the token, it answers as `lore search --json` does (what a read token may see).
        let (status, body) = get(&client, &search, Some(&tokens.read)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let api = ids(&body["hits"]);
        assert!(!api.is_empty());
        let cli: Vec<String> = l
            .json(&["search", "试用", "--status", "published", "--limit", "30"])
            .into_iter()
            .filter(|h| h["internal"] == json!(false))
            .map(|h| h["id"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(api, cli[..api.len()]);

        // Revoked through the running node: refused from the next request on.
        l.ok(&["token", "revoke", "网页客服"]);
        let (status, body) = get(&client, &search, Some(&tokens.read)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), "unauthorized");
        // The other tokens still work.
        let (status, _) = get(&client, &search, Some(&tokens.reply)).await;
        assert_eq!(status, StatusCode::OK);
    });
    let listed = l.json(&["token", "list"]);
    let revoked: Vec<&Value> = listed
        .iter()
        .filter(|t| t["revoked"] == json!(true))
        .collect();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["name"], json!("网页客服"));
    // The secret is never stored or listed.
    let all = listed.iter().map(Value::to_string).collect::<String>();
    assert!(!all.contains(&tokens.reply));
    node.stop();
}

#[test]
fn a_read_token_never_sees_internal_entries_or_drafts() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    let internal = "faq-complaint-compensation-guide";
    let draft = "faq-ship-weather-delay";
    runtime().block_on(async {
        for (token, sees) in [
            (&tokens.read, false),
            (&tokens.reply, false),
            (&tokens.internal, true),
        ] {
            let search = node.url("/v1/search?q=%E6%8A%95%E8%AF%89%E8%A1%A5%E5%81%BF&limit=50"); // 投诉补偿
            let (status, body) = get(&client, &search, Some(token)).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                ids(&body["hits"]).contains(&internal.to_string()),
                sees,
                "{body}"
            );
            assert!(
                body["hits"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .all(|h| sees || h["internal"] == json!(false))
            );

            let (status, body) = post(
                &client,
                &node.url("/v1/suggest"),
                token,
                json!({ "message": "投诉了怎么补偿", "limit": 50 }),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                ids(&body["hits"]).contains(&internal.to_string()),
                sees,
                "{body}"
            );

            for id in [internal, draft] {
                let (status, body) = get(
                    &client,
                    &node.url(&format!("/v1/entries/{id}")),
                    Some(token),
                )
                .await;
                let expected = if sees {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(status, expected, "{id}: {body}");
                let (status, _) = post(
                    &client,
                    &node.url(&format!("/v1/entries/{id}/reply")),
                    token,
                    json!({}),
                )
                .await;
                assert_eq!(status == StatusCode::NOT_FOUND, !sees, "{id}'s reply");
            }
            let (status, body) = get(
                &client,
                &node.url("/v1/search?q=%E5%A4%A9%E6%B0%94&limit=50"),
                Some(token),
            )
            .await; // 天气
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                ids(&body["hits"]).contains(&draft.to_string()),
                sees,
                "{body}"
            );
        }
        // A read token records nothing.
        let (status, body) = post(
            &client,
            &node.url("/v1/uses"),
            &tokens.read,
            json!({ "entry": "faq-saas-trial-data-after-expiry" }),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), "forbidden");
        // An entry by shortcode, and its chat-ready reply without Markdown.
        let (status, body) = get(
            &client,
            &node.url("/v1/entries/faq-saas-trial-data-after-expiry"),
            Some(&tokens.read),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["title"], json!("试用到期后数据还在吗？"));
        let (status, body) = post(
            &client,
            &node.url("/v1/entries/faq-saas-trial-data-after-expiry/reply"),
            &tokens.read,
            json!({}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let text = body["text"].as_str().expect("text");
        assert!(text.contains("180 天") && !text.contains("**"), "{text}");
    });
    node.stop();
}

#[test]
fn the_bot_answers_a_known_question_and_hands_over_otherwise() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    runtime().block_on(async {
        let bot = node.url("/v1/bot");
        let (status, body) = post(
            &client,
            &bot,
            &tokens.read,
            json!({ "message": "你好，试用期过了我的数据还在吗？" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["handover"], json!(false), "{body}");
        assert_eq!(
            body["reply"]["entry"],
            json!("faq-saas-trial-data-after-expiry")
        );
        let confidence = body["confidence"].as_f64().expect("confidence");
        assert!(confidence >= body["threshold"].as_f64().expect("threshold") && confidence <= 1.0);
        let text = body["reply"]["text"].as_str().expect("text");
        assert!(text.contains("数据") && !text.contains("**"), "{text}");
        assert_eq!(
            body["recorded"],
            json!(false),
            "a read token records nothing"
        );

        let (status, body) = post(
            &client,
            &bot,
            &tokens.read,
            json!({ "message": "你们的火箭什么时候发射到月球？" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["handover"], json!(true), "{body}");
        assert!(body.get("reply").is_none());
        let reason = body["reason"].as_str().expect("a reason");
        assert!(["low_confidence", "no_match"].contains(&reason), "{reason}");

        for message in [
            "转人工",
            "试用期过了数据还在吗？我要找人工客服",
            "Can I talk to a human please",
        ] {
            let (status, body) =
                post(&client, &bot, &tokens.read, json!({ "message": message })).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body["handover"], json!(true), "{message}: {body}");
            assert_eq!(body["reason"], json!("asked_for_person"), "{message}");
        }
        let (status, body) = post(&client, &bot, &tokens.read, json!({ "message": "  " })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error_code(&body), "bad_request");
    });
    node.stop();
    // What the bot could not answer is among the content gaps.
    let insights = l.ok(&["--json", "insights", "--since", "7d"]);
    let gaps = insights
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|v| v["gaps"].to_string())
        .collect::<String>();
    assert!(gaps.contains("火箭"), "{insights}");
}

#[test]
fn a_use_through_the_api_is_credited_to_the_tokens_name() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    runtime().block_on(async {
        let (status, body) = post(
            &client,
            &node.url("/v1/uses"),
            &tokens.reply,
            json!({ "entry": "faq-saas-trial-data-after-expiry" }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["via"], json!("公众号机器人"));
        let (status, body) = post(
            &client,
            &node.url("/v1/bot"),
            &tokens.reply,
            json!({ "message": "试用到期了数据还在吗" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["recorded"], json!(true), "{body}");
        // An unknown entry is not found, and records nothing.
        let (status, body) = post(
            &client,
            &node.url("/v1/uses"),
            &tokens.reply,
            json!({ "entry": "no-such-entry" }),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&body), "not_found");
    });
    let listed = l.json(&["token", "list"]);
    let uses = |name: &str| {
        listed
            .iter()
            .find(|t| t["name"] == json!(name))
            .map(|t| t["uses"].as_u64().unwrap_or_default())
    };
    assert_eq!(uses("公众号机器人"), Some(2), "{listed:?}");
    assert_eq!(uses("网页客服"), Some(0));
    assert!(l.ok(&["token", "list"]).contains("公众号机器人 (API)"));
    let board = l.ok(&["credits"]);
    assert!(board.contains("公众号机器人 (API): 2 uses"), "{board}");
    node.stop();
    // Kept in the ledger: still there after the node stopped.
    let listed = l.json(&["token", "list"]);
    assert!(
        listed
            .iter()
            .any(|t| t["name"] == json!("公众号机器人") && t["uses"] == json!(2))
    );
}
