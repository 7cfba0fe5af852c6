//! `lore-bench http`: the HTTP API under load on loopback. A real node (`lore serve
//! --http`, in a process of its own) over the demo library answers a few thousand
//! requests — the bot's customer messages and searches, half each — fired by many
//! concurrent clients with a read token; each request's latency is measured at the
//! client, and every answer must be a 200.

use std::io::BufRead as _;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use crate::measure::{Scratch, figure, latency, ms, percentile};

/// Customer messages for the bot: answered ones and one handed over.
const MESSAGES: &[&str] = &[
    "试用到期了数据还在吗",
    "退款多久到账",
    "怎么修改收货地址",
    "发票怎么开",
    "How long does a refund take?",
    "你们的火箭什么时候发射到月球？",
];

/// Searches, as an agent or a widget types them.
const SEARCHES: &[&str] = &["退款", "试用", "发票", "tk", "refund", "收货地址"];

/// A node killed if the benchmark fails midway.
struct Node(Option<Child>);

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn run(requests: usize, concurrency: usize) -> Result<ExitCode> {
    let scratch = Scratch::new("http")?;
    let dir = scratch.0.join("data");
    let exe = std::env::current_exe().context("locating the lore-bench binary")?;
    let lore = |args: &[&str]| -> Result<String> {
        let out = Command::new(&exe)
            .arg("lore")
            .arg("--data-dir")
            .arg(&dir)
            .args(args)
            .output()?;
        if !out.status.success() {
            bail!("lore {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    lore(&["demo"])?;
    let made: serde_json::Value = serde_json::from_str(
        lore(&[
            "--json", "token", "create", "--name", "压测", "--scope", "read",
        ])?
        .trim(),
    )?;
    let token = made["token"].as_str().context("a token")?.to_string();

    let mut child = Command::new(&exe)
        .arg("lore")
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--no-mdns"])
        .args(["--http", "127.0.0.1:0", "--http-rate", "0"])
        .stderr(Stdio::piped())
        .spawn()?;
    let mut log = std::io::BufReader::new(child.stderr.take().context("stderr")?);
    let mut node = Node(Some(child));
    let mut line = String::new();
    let base = loop {
        line.clear();
        if log.read_line(&mut line)? == 0 {
            bail!("lore serve ended before the API ran");
        }
        if let Some(rest) = line.split("HTTP API on ").nth(1) {
            let url = rest.split_whitespace().next().context("an address")?;
            break url.trim_end_matches("/v1/").to_string();
        }
    };
    // Keep reading the node's log so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while log.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    println!(
        "HTTP API on loopback: demo library, {requests} requests ({concurrency} at once), bot messages and searches"
    );
    // Warm-up: the index opened, connections made.
    runtime.block_on(fire(&client, &base, &token, 100, concurrency.min(50), 0))?;
    let mut ok = true;
    // A bot sees the same top questions all day: the node keeps their answers. Then every
    // question different, so each one is searched: the node's cost without that.
    for (what, unique) in [("questions asked again", 0), ("every question new", 1)] {
        println!("{what}:");
        let started = Instant::now();
        let (mut samples, errors) = runtime.block_on(fire(
            &client,
            &base,
            &token,
            requests,
            concurrency,
            unique * (requests + 1),
        ))?;
        let took = started.elapsed();
        let name = format!("  request latency, {what}");
        if unique == 0 {
            ok &= latency(&name, &mut samples, 20.0, 50.0);
        } else {
            // The worst case, every question searched: printed beside the budgeted one.
            for p in [50, 99] {
                let took = ms(percentile(&mut samples, p));
                println!(
                    "{:<44} {took:>9.2} ms  (no budget: the worst case)",
                    format!("{name}, p{p}")
                );
            }
        }
        ok &= figure("  errors", errors as f64, 0.0, "");
        println!(
            "{:<44} {:>9.0} req/s",
            "  throughput",
            requests as f64 / took.as_secs_f64()
        );
    }
    if let Some(mut child) = node.0.take() {
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()?;
        child.wait()?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Fires `n` requests, `concurrency` at a time: each one's latency, and how many failed.
/// With `first` above 0, each question carries its own order number from `first` on, so
/// no two are the same.
async fn fire(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
    concurrency: usize,
    first: usize,
) -> Result<(Vec<Duration>, usize)> {
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let client = client.clone();
        let limit = limit.clone();
        let order = match first {
            0 => String::new(),
            first => format!(" 订单 {}", 2026_1100_0000 + first + i),
        };
        let request = if i % 2 == 0 {
            let message = format!("{}{order}", MESSAGES[(i / 2) % MESSAGES.len()]);
            client
                .post(format!("{base}/v1/bot"))
                .json(&serde_json::json!({ "message": message }))
        } else {
            let q = encoded(&format!("{}{order}", SEARCHES[(i / 2) % SEARCHES.len()]));
            client.get(format!("{base}/v1/search?q={q}"))
        }
        .bearer_auth(token);
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.ok()?;
            let started = Instant::now();
            let response = request.send().await.ok()?;
            let ok = response.status().is_success();
            response.bytes().await.ok()?;
            ok.then(|| started.elapsed())
        }));
    }
    let mut samples = Vec::with_capacity(n);
    let mut errors = 0;
    for task in tasks {
        match task.await? {
            Some(took) => samples.push(took),
            None => errors += 1,
        }
    }
    Ok((samples, errors))
}

/// Percent-encodes a query value.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
