//! The HTTP API (`lore serve --http`) through a real HTTP client against a running node on
//! 127.0.0.1: tokens made and revoked with the real CLI, scopes, the bot, uses credited
//! to a token, limits, a bounded load, and the OpenAPI document against the router.

use std::collections::BTreeSet;
use std::io::BufRead as _;
use std::process::{Child, ChildStderr, Stdio};

use lore_tests::Lore;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::lore;

/// A running `lore serve --http`: killed on drop so no node outlives a failed test.
struct Node {
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
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the node with Ctrl-C; it must end cleanly.
    fn stop(mut self) {
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
fn serve(lore: &Lore, extra: &[&str]) -> Node {
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
fn demo_with_tokens() -> (Lore, Tokens) {
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

struct Tokens {
    read: String,
    reply: String,
    internal: String,
}

/// An HTTP client (plain HTTP; reqwest still wants a TLS crypto provider installed).
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// GET `url` with `token` (none: no header): status and JSON body.
async fn get(client: &reqwest::Client, url: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request).await
}

/// POST `body` as JSON to `url` with `token`: status and JSON body.
async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    answer(client.post(url).bearer_auth(token).json(&body)).await
}

async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("the API answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

fn ids(hits: &Value) -> Vec<String> {
    hits.as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn error_code(body: &Value) -> &str {
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
                &node.url(&format!("/v1/search?q=%E5%A4%A9%E6%B0%94&limit=50")),
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

#[test]
fn oversized_and_malformed_requests_leave_the_node_serving() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    runtime().block_on(async {
        let big = "问".repeat(10 * 1024 * 1024 / 3);
        let sent = client
            .post(node.url("/v1/bot"))
            .bearer_auth(&tokens.read)
            .json(&json!({ "message": big }))
            .send()
            .await;
        // Refused before it is read: a 413, or the connection closed while still sending.
        if let Ok(response) = sent {
            assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
            let body: Value = response.json().await.expect("a JSON error");
            assert_eq!(error_code(&body), "too_large");
        }
        // Past the limit but small enough to be sent whole: a 413 for certain.
        let (status, body) = post(
            &client,
            &node.url("/v1/bot"),
            &tokens.read,
            json!({ "message": "问".repeat(40_000) }),
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(error_code(&body), "too_large");
        let malformed = client
            .post(node.url("/v1/bot"))
            .bearer_auth(&tokens.read)
            .header("content-type", "application/json")
            .body("{\"message\": ")
            .send();
        let (status, body) = answer_of(malformed.await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error_code(&body), "bad_request");
        let (status, body) = post(
            &client,
            &node.url("/v1/bot"),
            &tokens.read,
            json!({ "text": "wrong field" }),
        )
        .await;
        assert!(status.is_client_error(), "{body}");
        let (status, body) = get(&client, &node.url("/v1/nothing-here"), Some(&tokens.read)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&body), "no_route");
        let (status, body) = get(
            &client,
            &node.url("/v1/search?q=%E9%80%80%E6%AC%BE&limit=5000"),
            Some(&tokens.read),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        // The node keeps serving.
        let (status, body) = get(
            &client,
            &node.url("/v1/search?q=%E9%80%80%E6%AC%BE"),
            Some(&tokens.read),
        )
        .await; // 退款
        assert_eq!(status, StatusCode::OK);
        assert!(!ids(&body["hits"]).is_empty());
    });
    node.stop();
}

async fn answer_of(sent: reqwest::Result<reqwest::Response>) -> (StatusCode, Value) {
    let response = sent.expect("the API answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

#[test]
fn a_token_past_its_rate_is_refused_and_others_are_not() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &["--http-rate", "0.01", "--http-burst", "3"]);
    let client = client();
    runtime().block_on(async {
        let url = node.url("/v1/search?q=%E9%80%80%E6%AC%BE");
        for _ in 0..3 {
            let (status, _) = get(&client, &url, Some(&tokens.read)).await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, body) = get(&client, &url, Some(&tokens.read)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(error_code(&body), "rate_limited");
        let (status, _) = get(&client, &url, Some(&tokens.reply)).await;
        assert_eq!(status, StatusCode::OK, "each token has its own bucket");
    });
    node.stop();
}

#[test]
fn a_bounded_load_is_answered_without_errors() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &["--http-rate", "0"]);
    let client = client();
    let questions = [
        "试用到期了数据还在吗",
        "退款多久到账",
        "怎么修改收货地址",
        "发票怎么开",
        "转人工",
    ];
    let outcomes = runtime().block_on(async {
        let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(100));
        let mut tasks = Vec::new();
        for n in 0..300 {
            let client = client.clone();
            let limit = limit.clone();
            let token = tokens.read.clone();
            let (url, body) = if n % 2 == 0 {
                (
                    node.url("/v1/bot"),
                    Some(json!({ "message": questions[n % questions.len()] })),
                )
            } else {
                (node.url("/v1/search?q=%E9%80%80%E6%AC%BE"), None)
            };
            tasks.push(tokio::spawn(async move {
                let _permit = limit.acquire().await.expect("a permit");
                let request = match body {
                    Some(body) => client.post(url).json(&body),
                    None => client.get(url),
                };
                request.bearer_auth(token).send().await.map(|r| r.status())
            }));
        }
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("a task"));
        }
        outcomes
    });
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !matches!(o, Ok(StatusCode::OK)))
        .map(|o| format!("{o:?}"))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 300 failed: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    node.stop();
}

#[test]
fn the_openapi_document_names_every_route_the_router_serves() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    let served: BTreeSet<(String, String)> = lore_app::http::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .chain([("GET".to_string(), lore_app::http::OPENAPI_PATH.to_string())])
        .collect();
    runtime().block_on(async {
        // Served without a token, and the same document as the repository's.
        let (status, doc) = get(&client, &node.url(lore_app::http::OPENAPI_PATH), None).await;
        assert_eq!(status, StatusCode::OK);
        let kept: Value =
            serde_json::from_str(lore_app::http::OPENAPI).expect("the document is JSON");
        assert_eq!(doc, kept);
        assert_eq!(doc["openapi"], json!("3.1.0"));
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("a path item").keys() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
        assert_eq!(
            documented, served,
            "docs/openapi.json and the router differ"
        );
        // Every route is really served: none answers "no such path" or "wrong method".
        for (method, path) in &served {
            let url = node.url(&path.replace("{id}", "faq-saas-trial-data-after-expiry"));
            let request = match method.as_str() {
                "GET" => client.get(url),
                _ => client.post(url).json(
                    &json!({ "message": "试用", "entry": "faq-saas-trial-data-after-expiry" }),
                ),
            };
            let (status, body) = answer(request.bearer_auth(&tokens.reply)).await;
            assert!(
                !["no_route", "method_not_allowed"].contains(&error_code(&body)),
                "{method} {path}: {status} {body}"
            );
        }
    });
    node.stop();
}

#[test]
fn listening_beyond_loopback_needs_a_flag_and_only_admins_make_tokens() {
    let l = lore();
    l.ok(&["demo"]);
    let refused = l.fails(&["serve", "--listen", "127.0.0.1:0", "--http", "0.0.0.0:0"]);
    assert!(refused.contains("--http-public"), "{refused}");
    let refused = l.fails(&["serve", "--http", "127.0.0.1:0", "--http-threshold", "2"]);
    assert!(refused.contains("--http-threshold"), "{refused}");
    let refused = l.fails(&["token", "create", "--name", "", "--scope", "read"]);
    assert!(refused.contains("name"), "{refused}");
    l.ok(&["token", "create", "--name", "客服机器人"]);
    let refused = l.fails(&["token", "create", "--name", "客服机器人"]);
    assert!(refused.contains("revoke"), "{refused}");
    let refused = l.fails(&["token", "revoke", "没有这个"]);
    assert!(refused.contains("客服机器人"), "{refused}");
}

#[test]
fn the_app_serves_the_api_when_its_setting_names_an_address() {
    let (l, tokens) = demo_with_tokens();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    std::fs::write(
        l.dir().join("config.toml"),
        format!("[app]\nhttp = \"127.0.0.1:{port}\"\n"),
    )
    .expect("config.toml");
    let h = crate::gui::opened(&l.dir(), lore_app::gui::Lang::Zh);
    let client = client();
    let url = format!("http://127.0.0.1:{port}/v1/search?q=%E9%80%80%E6%AC%BE"); // 退款
    let (status, body) = runtime().block_on(get(&client, &url, Some(&tokens.read)));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!ids(&body["hits"]).is_empty());
    drop(h);
}
