//! `lore practice`: a role-play in the terminal (or scripted with `--replies`), scored
//! against the team's key points and kept in the trainee's ledger.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result};
use lore_core::training::{Attempt, PointKind};

use super::Context;
use super::args::{PracticeArgs, TrainingCommand};
use super::output::{end_of_day, json_line, local_time, read_stdin, say};

pub fn practice(ctx: &Context, a: PracticeArgs) -> Result<ExitCode> {
    if let Some(count) = a.quiz {
        return quiz(ctx, count, a.seed, a.replies.as_deref());
    }
    let mut library = ctx.open()?;
    let id = library.resolve(a.id.as_deref().unwrap_or_default())?;
    let entry = library.get(&id)?;
    let started = Instant::now();
    let customer: Vec<&String> = std::iter::once(&entry.opening)
        .filter(|o| !o.trim().is_empty())
        .chain(entry.turns.iter())
        .collect();
    let replies: Vec<String> = match a.replies.as_deref() {
        Some(source) => lines_of(source)?,
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
            if !entry.options.is_empty() {
                // A multiple-choice quiz: the question, its choices, one line of numbers.
                say!("\n{}", customer.first().map_or(entry.title.as_str(), |q| q));
                let all = lore_core::training::choices(&entry.options);
                for (i, (choice, _)) in all.iter().enumerate() {
                    say!("  {}. {choice}", i + 1);
                }
                say!("（写出选项的编号，多选用逗号隔开）");
                if let Some(line) = lines.next() {
                    replies.push(line.context("reading your answer")?);
                }
            }
            for (n, message) in customer.iter().enumerate() {
                if !entry.options.is_empty() {
                    break;
                }
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

pub fn training(ctx: &Context, command: TrainingCommand) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    match command {
        TrainingCommand::Status => {
            let grid = library.training_grid()?;
            if ctx.json {
                for (member, name, cells) in &grid.rows {
                    json_line(
                        &serde_json::json!({ "member": member, "name": name, "cells": cells }),
                    )?;
                }
            } else {
                print_grid(&grid);
            }
        }
        TrainingCommand::Assign {
            items,
            category,
            to,
            due,
            pass,
        } => {
            let items = match category {
                Some(c) => library.training_set(&c)?,
                None => items,
            };
            let to = library.assignee(&to)?;
            let due = match due.as_deref() {
                Some(day) => end_of_day(day)
                    .with_context(|| format!("--due takes a day as YYYY-MM-DD, not `{day}`"))?,
                None => 0,
            };
            for a in library.assign_set(&items, &to, due, pass)? {
                if ctx.json {
                    json_line(&a)?;
                } else {
                    say!("{}", a.item);
                }
            }
        }
        TrainingCommand::Unassign { item, to } => {
            let to = library.assignee(&to)?;
            library.unassign(&item, to)?;
            say!("{item}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_grid(grid: &lore_core::training::Grid) {
    for (n, (id, title)) in grid.items.iter().enumerate() {
        say!("[{}] {title} ({id})", n + 1);
    }
    for (_, name, cells) in &grid.rows {
        let shown: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let best = c.best.map_or("-".to_string(), |b| b.to_string());
                let mark = if c.out_of_date {
                    " 需重练"
                } else if c.passed {
                    " ✔"
                } else if c.due.is_some() {
                    " 待完成"
                } else {
                    ""
                };
                let due = match c.due {
                    Some(d) if d > 0 => format!(" 截止{}", local_time(d).get(..10).unwrap_or("")),
                    _ => String::new(),
                };
                format!("[{}] {best}×{}{mark}{due}", n + 1, c.attempts)
            })
            .collect();
        say!("{name}: {}", shown.join("  "));
    }
}

/// The non-empty lines of a file, or of standard input for `-`.
fn lines_of(source: &str) -> Result<Vec<String>> {
    let text = if source == "-" {
        read_stdin()?
    } else {
        std::fs::read_to_string(source).with_context(|| format!("reading {source}"))?
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// A generated quiz: each question with its options, an option's number per answer.
fn quiz(ctx: &Context, count: usize, seed: Option<u64>, answers: Option<&str>) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let seed = seed.unwrap_or_else(|| lore_core::model::now_millis().unsigned_abs());
    let questions = library.generate_quiz(count, seed)?;
    let started = Instant::now();
    let given = match answers {
        Some(source) => Some(lines_of(source)?),
        None => None,
    };
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut chosen = Vec::new();
    for (n, q) in questions.iter().enumerate() {
        let line = match &given {
            Some(all) => all.get(n).cloned(),
            None => {
                say!("\n[{}/{}] 客户问：{}", n + 1, questions.len(), q.phrasing);
                for (i, (_, title)) in q.options.iter().enumerate() {
                    say!("  {}. {title}", i + 1);
                }
                lines.next().transpose().context("reading your answer")?
            }
        };
        chosen.push(
            line.and_then(|l| l.trim().parse::<usize>().ok())
                .filter(|i| (1..=q.options.len()).contains(i))
                .map(|i| i - 1),
        );
    }
    let seconds = u32::try_from(started.elapsed().as_secs()).unwrap_or(u32::MAX);
    let attempt = library.answer_quiz(&questions, &chosen, seconds)?;
    if ctx.json {
        let mut value = serde_json::to_value(&attempt)?;
        value["questions"] = serde_json::to_value(&questions)?;
        json_line(&value)?;
    } else {
        print_attempt(&attempt, &[]);
    }
    Ok(ExitCode::SUCCESS)
}
