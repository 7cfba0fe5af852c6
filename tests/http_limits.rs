//! The HTTP API's limits and contract against a running node on 127.0.0.1: oversized and
//! malformed requests, per-token rates, a bounded load, the OpenAPI document against the
//! router, the flags' checks, and the app's setting.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::http::{answer, client, demo_with_tokens, error_code, get, ids, post, runtime, serve};
use crate::lore;

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
            .body("{\"message\": ");
        let (status, body) = answer(malformed).await;
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
    // `--name` of `token create` names the token, not the person running it.
    let me = l
        .json(&["members"])
        .into_iter()
        .find(|m| m["you"] == json!(true));
    assert_ne!(me.expect("me")["name"], json!("客服机器人"));
    // An agent neither creates nor revokes tokens; the refusal names the admins.
    crate::gui_harness::set_own_role(&l, "agent");
    let refused = l.fails(&[
        "token",
        "create",
        "--name",
        "自建机器人",
        "--scope",
        "internal",
    ]);
    assert!(refused.contains("admin"), "{refused}");
    let refused = l.fails(&["token", "revoke", "客服机器人"]);
    assert!(refused.contains("admin"), "{refused}");
    let listed = l.json(&["token", "list"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["revoked"], json!(false));
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
    let h = crate::gui_harness::opened(&l.dir(), lore_app::gui::Lang::Zh);
    let client = client();
    let url = format!("http://127.0.0.1:{port}/v1/search?q=%E9%80%80%E6%AC%BE"); // 退款
    let (status, body) = runtime().block_on(get(&client, &url, Some(&tokens.read)));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!ids(&body["hits"]).is_empty());
    drop(h);
}
