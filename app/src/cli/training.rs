//! `lore practice`: a role-play in the terminal (or scripted with `--replies`), scored
//! against the team's key points and kept in the trainee's ledger.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};
use lore_core::training::{Attempt, PointKind};

use super::Context;
use super::args::PracticeArgs;
use super::output::{json_line, local_time, read_stdin, say};

pub fn practice(ctx: &Context, a: PracticeArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let id = library.resolve(&a.id)?;
    let entry = library.get(&id)?;
    let started = Instant::now();
    let customer: Vec<&String> = std::iter::once(&entry.opening)
        .filter(|o| !o.trim().is_empty())
        .chain(entry.turns.iter())
        .collect();
    let replies: Vec<String> = match a.replies.as_deref() {
        Some(source) => {
            let text = if source == "-" {
                read_stdin()?
            } else {
                std::fs::read_to_string(source).with_context(|| format!("reading {source}"))?
            };
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        }
        None => {
            if !ctx.json {
                say!("{}", entry.title);
                if !entry.persona.is_empty() {
                    say!("客户：{}", entry.persona);
                }
            }
            let stdin = std::io::stdin();
            let terminal = stdin.is_terminal();
            let mut lines = stdin.lock().lines();
            let mut replies = Vec::new();
            for (n, message) in customer.iter().enumerate() {
                say!("\n[{}/{}] 客户：{message}", n + 1, customer.len());
                if terminal {
                    say!("你：");
                }
                match lines.next() {
                    Some(line) => replies.push(line.context("reading your reply")?),
                    None => break,
                }
            }
            replies
        }
    };
    let seconds = u32::try_from(started.elapsed().as_secs()).unwrap_or(u32::MAX);
    let attempt = library.practice(&id, &replies, seconds)?;
    // The team's model replies: the linked scripts' and FAQs' replies.
    let mut models = Vec::new();
    for link in &entry.links {
        if let Ok(reply) = library.reply(link, None) {
            models.push((reply.title, reply.text));
        }
    }
    if ctx.json {
        let mut value = serde_json::to_value(&attempt)?;
        value["models"] = serde_json::json!(
            models
                .iter()
                .map(|(title, text)| serde_json::json!({ "title": title, "text": text }))
                .collect::<Vec<_>>()
        );
        json_line(&value)?;
    } else {
        print_attempt(&attempt, &models);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_attempt(attempt: &Attempt, models: &[(String, String)]) {
    say!(
        "\n得分 {} / 100 · {} · {}",
        attempt.score,
        if attempt.passed {
            "通过"
        } else {
            "未通过"
        },
        local_time(attempt.at * 1000)
    );
    for p in &attempt.points {
        let mark = match (p.kind, p.hit) {
            (PointKind::Forbidden, true) => "✘ 禁止",
            (PointKind::Forbidden, false) => "✔ 禁止",
            (_, true) => "✔",
            (_, false) => "✘",
        };
        let words = if p.hit && !p.matched.is_empty() {
            format!("（{}）", p.matched.join("、"))
        } else if !p.hit && !p.missing.is_empty() && p.kind != PointKind::Forbidden {
            format!("（缺：{}）", p.missing.join("、"))
        } else {
            String::new()
        };
        say!("  {mark} {}{words}", p.point);
    }
    for (title, text) in models {
        say!("\n团队的参考回复 · {title}\n{text}");
    }
}
