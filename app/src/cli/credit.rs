//! Credit on the command line: who wrote each sentence (`blame`), the board (`credits`),
//! leads' decisions on answers (`review`), and solve marks (`solved`).

use std::process::ExitCode;

use anyhow::{Result, bail};
use lore_core::credit::{Board, Period};
use lore_core::{AnswerState, Sentence, Team};

use super::Context;
use super::args::{CreditsArgs, IdArg, ReviewArgs, SolvedArgs};
use super::output::{json_line, local_time, say};

pub fn blame(ctx: &Context, a: IdArg) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let blamed = library.blame(&a.id)?;
    let team = library.team()?;
    let parts = std::iter::once(("body".to_string(), &blamed.body)).chain(
        blamed
            .answers
            .iter()
            .map(|a| (format!("answer {}", a.id), &a.sentences)),
    );
    for (part, sentences) in parts {
        if !ctx.json && part != "body" && !sentences.is_empty() {
            say!("-- {part}");
        }
        for s in sentences {
            print_sentence(ctx, &team, &part, s)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_sentence(ctx: &Context, team: &Team, part: &str, s: &Sentence) -> Result<()> {
    // Only text whose every change is signed is put to a member's name.
    let name = |member: &String| {
        if s.verified {
            team.member_name(member)
        } else {
            "(unverified)".to_string()
        }
    };
    let author = name(&s.author);
    let others: Vec<String> = s.others.iter().map(name).collect();
    if ctx.json {
        json_line(&serde_json::json!({
            "part": part,
            "text": s.text,
            "author": if s.verified { s.author.clone() } else { String::new() },
            "name": author,
            "others": others,
            "time": lore_core::exchange::format_time(s.time),
            "verified": s.verified,
        }))?;
    } else {
        let with = if others.is_empty() {
            String::new()
        } else {
            format!(" (+{})", others.join(", "))
        };
        say!("{}  {author}{with}  {}", local_time(s.time), s.text);
    }
    Ok(())
}

fn period(text: &str) -> Result<Period> {
    Period::parse(text, lore_core::model::now_millis())
        .ok_or_else(|| anyhow::anyhow!("--since takes 7d, 30d, 12h, 4w or all, not `{text}`"))
}

pub fn credits(ctx: &Context, a: CreditsArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let period = period(&a.since)?;
    if let Some(id) = &a.entry {
        let credit = library.entry_credit(id, period)?;
        if ctx.json {
            json_line(&credit)?;
            return Ok(ExitCode::SUCCESS);
        }
        let team = library.team()?;
        say!(
            "{}: {} uses, solve rate {}",
            credit.entry,
            credit.uses,
            rate(credit.solve_rate())
        );
        for (member, share) in &credit.contributors {
            say!("  {:>5.1}%  {}", share * 100.0, team.member_name(member));
        }
        for (day, n) in &credit.by_day {
            say!(
                "  {}  {n}",
                local_time(day * 86_400_000).get(..10).unwrap_or("")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(query) = &a.member {
        let member = library.find_member(query)?;
        let detail = library.credit_detail(&member.id, period)?;
        if ctx.json {
            json_line(&detail)?;
            return Ok(ExitCode::SUCCESS);
        }
        let team = library.team()?;
        say!(
            "{}: entries created {}",
            member.name,
            detail.created.join(" ")
        );
        for (id, n) in &detail.sentences {
            say!("  sentences  {id}  {n}");
        }
        for (id, answer) in &detail.adopted {
            say!("  adopted    {id}  answer {answer}");
        }
        for u in &detail.uses {
            say!(
                "  used       {}  by {}  {}  {:.2}{}",
                u.entry,
                team.member_name(&u.copier),
                local_time(u.at * 1000),
                u.share,
                match u.solved {
                    Some(true) => "  solved",
                    Some(false) => "  not solved",
                    None => "",
                }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let board = library.credits(period)?;
    if ctx.json {
        for (rank, m) in board.members.iter().enumerate() {
            json_line(&serde_json::json!({
                "rank": rank + 1,
                "member": m.member,
                "name": m.name,
                "star": board.stars.contains(&m.member),
                "entries_created": m.entries_created,
                "sentences": m.sentences,
                "answers_adopted": m.answers_adopted,
                "uses": round(m.uses),
                "solve_rate": m.solve_rate().map(round),
            }))?;
        }
    } else {
        print_board(&board);
        // Replies sent by programs through the HTTP API: theirs, not a member's.
        for (name, uses) in library.api_uses()? {
            say!("      {name} (API): {uses} uses through the HTTP API, all time");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn rate(r: Option<f64>) -> String {
    r.map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0))
}

fn print_board(board: &Board) {
    say!("rank  member            uses  adopted  sentences  created  solved");
    for (rank, m) in board.members.iter().enumerate() {
        let star = if board.stars.contains(&m.member) {
            "★"
        } else {
            " "
        };
        say!(
            "{:>3}{star} {:<16} {:>6.1} {:>8} {:>10} {:>8} {:>7}",
            rank + 1,
            m.name,
            m.uses,
            m.answers_adopted,
            m.sentences,
            m.entries_created,
            rate(m.solve_rate())
        );
    }
}

pub fn review(ctx: &Context, a: ReviewArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    if let (Some(id), Some(answer)) = (&a.id, &a.answer) {
        let decision = match a.decision.as_deref() {
            Some("adopt") => AnswerState::Adopted,
            Some("fold") => AnswerState::Folded,
            Some("dismiss") => AnswerState::Dismissed,
            Some("reopen") => AnswerState::Open,
            other => bail!(
                "say what becomes of the answer: adopt, fold, dismiss or reopen{}",
                other.map(|o| format!(" (not `{o}`)")).unwrap_or_default()
            ),
        };
        let entry = library.decide_answer(id, answer, decision)?;
        say!("{}", entry.id);
        return Ok(ExitCode::SUCCESS);
    }
    if a.id.is_some() {
        bail!("give the entry and its answer: `lore review ENTRY ANSWER adopt`");
    }
    let items = if a.mine {
        library.my_answers()?
    } else {
        library.review_queue()?
    };
    let team = library.team()?;
    for item in items {
        if ctx.json {
            json_line(&serde_json::json!({
                "entry": item.entry,
                "title": item.title,
                "answer": item.answer.id,
                "author": item.answer.author,
                "name": team.member_name(&item.answer.author),
                "time": lore_core::exchange::format_time(item.answer.time),
                "state": item.state,
                "text": item.answer.text,
            }))?;
        } else {
            say!(
                "{}  {}  {}  {}  [{}]  {}",
                local_time(item.answer.time),
                item.entry,
                item.answer.id,
                team.member_name(&item.answer.author),
                serde_json::to_value(item.state)?.as_str().unwrap_or(""),
                item.answer.text.lines().next().unwrap_or("")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn solved(ctx: &Context, a: SolvedArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let copy = library.mark_last_copy(&a.id, !a.no)?;
    if ctx.json {
        json_line(&copy)?;
    } else {
        say!(
            "{}: your copy at {} marked {}",
            copy.entry,
            local_time(copy.at * 1000),
            if a.no { "not solved" } else { "solved" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
