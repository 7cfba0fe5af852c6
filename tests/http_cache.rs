//! The HTTP API keeps answers for questions asked again: they must be exactly what a
//! search would give now — an entry made internal disappears from a read token's next
//! answer at once, a synonym added takes effect at once — and every question is still
//! logged.

use reqwest::StatusCode;
use serde_json::json;

use crate::http::{client, demo_with_tokens, get, ids, post, runtime, serve};

#[test]
fn a_kept_answer_never_outlives_a_change_of_the_library() {
    let (l, tokens) = demo_with_tokens();
    let node = serve(&l, &[]);
    let client = client();
    let search = |q: &str| node.url(&format!("/v1/search?q={q}"));
    runtime().block_on(async {
        // The same question twice: the same answer.
        let (status, first) = get(&client, &search("refund"), Some(&tokens.read)).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let (_, again) = get(&client, &search("refund"), Some(&tokens.read)).await;
        assert_eq!(first, again);
        let best = ids(&first["hits"]).remove(0);

        // Made internal: gone from the read token's very next answer, still there for
        // an internal token (a different answer, never the read token's kept one).
        l.ok(&["edit", &best, "--internal", "true"]);
        let (_, after) = get(&client, &search("refund"), Some(&tokens.read)).await;
        assert!(!ids(&after["hits"]).contains(&best), "{after}");
        let (_, inside) = get(&client, &search("refund"), Some(&tokens.internal)).await;
        assert!(ids(&inside["hits"]).contains(&best), "{inside}");

        // A word no entry says finds nothing, then — its synonym group added — what the
        // group's other word finds.
        let (_, none) = get(&client, &search("zorblat"), Some(&tokens.read)).await;
        assert_eq!(none["hits"], json!([]), "{none}");
        l.ok(&["synonyms", "add", "zorblat", "refund"]);
        let (_, found) = get(&client, &search("zorblat"), Some(&tokens.read)).await;
        assert!(!ids(&found["hits"]).is_empty(), "{found}");

        // The bot's question asked three times is answered the same and logged three times.
        let bot = node.url("/v1/bot");
        let message = json!({ "message": "你们的火箭什么时候发射到月球？" });
        let mut answers = Vec::new();
        for _ in 0..3 {
            let (status, body) = post(&client, &bot, &tokens.read, message.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            answers.push(body);
        }
        assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    });
    node.stop();
    let insights = l.json(&["insights", "--since", "7d"]).remove(0);
    let asked: u64 = insights["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .filter(|g| g["text"].as_str().is_some_and(|t| t.contains("火箭")))
        .map(|g| g["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(asked, 3, "{}", insights["gaps"]);
}
