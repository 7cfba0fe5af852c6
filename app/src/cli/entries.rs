//! Commands on single entries: add, edit, show, list, history, delete, check (and repair).

use std::process::ExitCode;

use anyhow::{Result, bail};
use lore_core::exchange::Record;
use lore_core::{Entry, Kind, Library, ListFilter, RepairReport, Role};
use serde::Serialize;

use super::Context;
use super::args::{AddArgs, CheckArgs, EditArgs, IdArg, ListArgs};
use super::output::{entry_text, json_line, local_time, text_arg};
use super::output::{note, say};

pub fn add(ctx: &Context, a: AddArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let mut entry = Entry::new(Kind::from(a.kind), a.title);
    entry.body = text_arg(a.body)?;
    entry.questions = a.questions;
    entry.tags = a.tags;
    entry.category = a.category;
    entry.shortcode = a.shortcode;
    entry.status = a.status.into();
    entry.internal = a.internal;
    entry.persona = a.persona;
    entry.opening = a.opening;
    entry.turns = a.turns;
    entry.key_points = a.key_points;
    entry.options = a.options;
    for link in a.links {
        entry.links.push(library.resolve(&link)?);
    }
    let id = library.add(entry)?;
    if ctx.json {
        json_line(&serde_json::json!({ "id": id }))?;
    } else {
        say!("{id}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn edit(ctx: &Context, a: EditArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let id = library.resolve(&a.id)?;
    let body = a.body.map(text_arg).transpose()?;
    let mut links_to_add = Vec::new();
    for link in &a.add_link {
        links_to_add.push(library.resolve(link)?);
    }
    let fresh = super::fresh::FreshEdit::read(&mut library, a.fresh)?;
    let me = library.writer().member.clone();
    if a.adopt.is_some() && !matches!(library.my_role()?, Role::Admin | Role::Trainer) {
        bail!("only admins and trainers adopt answers; ask one of them");
    }
    let before = library.get(&id)?;
    let entry = library.edit(&id, |e| {
        if let Some(t) = a.title {
            e.title = t;
        }
        if let Some(b) = body {
            e.body = b;
        }
        e.questions.extend(a.add_question);
        e.questions.retain(|q| !a.remove_question.contains(q));
        e.tags.extend(a.add_tag);
        e.tags.retain(|t| !a.remove_tag.contains(t));
        if let Some(c) = a.category {
            e.category = c;
        }
        if let Some(s) = a.shortcode {
            e.shortcode = s;
        }
        if let Some(s) = a.status {
            e.status = s.into();
        }
        if let Some(i) = a.internal {
            e.internal = i;
        }
        if let Some(p) = a.persona {
            e.persona = p;
        }
        if let Some(o) = a.opening {
            e.opening = o;
        }
        if a.clear_turns {
            e.turns.clear();
        }
        e.turns.extend(a.add_turn);
        e.key_points.extend(a.add_key_point);
        e.key_points.retain(|k| !a.remove_key_point.contains(k));
        for link in links_to_add {
            if !e.links.contains(&link) {
                e.links.push(link);
            }
        }
        e.links.retain(|l| !a.remove_link.contains(l));
        if let Some(text) = &a.answer {
            e.contribute(&me, text)?;
        }
        if let Some(adopt) = &a.adopt {
            e.decide(adopt, lore_core::AnswerState::Adopted, &me)?;
        }
        fresh.apply(e);
        Ok(())
    })?;
    if ctx.json {
        json_line(&Record::from_entry(&entry))?;
    } else if entry == before {
        say!("{id}: nothing changed");
    } else {
        say!("{id}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(ctx: &Context, a: IdArg) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let id = library.resolve(&a.id)?;
    let entry = library.get(&id)?;
    if ctx.json {
        json_line(&Record::from_entry(&entry))?;
    } else {
        let team = library.team()?;
        say!("{}", entry_text(&entry, &team));
        for line in super::fresh::show_lines(&mut library, &entry)? {
            say!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list(ctx: &Context, a: ListArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let overdue = if ctx.json {
        Vec::new()
    } else {
        super::fresh::overdue(&mut library)
    };
    let f = a.filters;
    let filter = ListFilter {
        kind: f.kind.map(Into::into),
        tag: f.tag,
        category: f.category,
        status: f.status.map(Into::into),
    };
    let rows = library.list(&filter);
    if ctx.json {
        for row in rows {
            json_line(row)?;
        }
    } else if rows.is_empty() {
        if library.is_empty() {
            note!(
                "the library is empty; add entries with `lore add`, `lore import` or `lore demo`"
            );
        } else {
            note!("no entries match");
        }
    } else {
        let id_width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
        let code_width = rows
            .iter()
            .map(|r| r.shortcode.chars().count())
            .max()
            .unwrap_or(0);
        for row in rows {
            let flag = match row.status {
                lore_core::Status::Published => "",
                lore_core::Status::Draft => " (draft)",
                lore_core::Status::Archived => " (archived)",
            };
            let stale = if overdue.contains(&row.id) {
                " (已过期)"
            } else {
                ""
            };
            say!(
                "{:<id_width$}  {:<8} {:<code_width$}  {}{}{}",
                row.id,
                row.kind,
                row.shortcode,
                row.title,
                flag,
                stale
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct HistoryLine {
    time: String,
    member: String,
    name: String,
    summary: String,
    hash: String,
}

pub fn history(ctx: &Context, a: IdArg) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let id = library.resolve(&a.id)?;
    let changes = library.history(&id)?;
    let team = library.team()?;
    for c in changes.iter().rev() {
        // Only a change whose signature checks out is put to a member's name.
        let name = if c.verified {
            team.member_name(&c.member)
        } else {
            "(unverified)".to_string()
        };
        if ctx.json {
            json_line(&HistoryLine {
                time: lore_core::exchange::format_time(c.time),
                member: if c.verified {
                    c.member.clone()
                } else {
                    String::new()
                },
                name,
                summary: c.summary.clone(),
                hash: c.hash.clone(),
            })?;
        } else {
            say!("{}  {:<12} {}", local_time(c.time), name, c.summary);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn delete(ctx: &Context, a: IdArg) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let id = library.resolve(&a.id)?;
    library.archive(&id)?;
    if ctx.json {
        json_line(&serde_json::json!({ "id": id, "status": "archived" }))?;
    } else {
        say!("{id} archived (restore with `lore edit {id} --status published`)");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(ctx: &Context, a: CheckArgs) -> Result<ExitCode> {
    if a.repair {
        return repair(ctx);
    }
    let mut library = ctx.open()?;
    let damaged = library.check()?;
    for e in &damaged {
        if ctx.json {
            json_line(&serde_json::json!({ "damaged": e.to_string() }))?;
        } else {
            say!("{e}");
        }
    }
    // Damage found while opening was repaired then (and said so); it still counts.
    if damaged.is_empty() && library.repaired().is_none() {
        if !ctx.json {
            say!(
                "all {} entries and the team document read cleanly",
                library.len()
            );
        }
        Ok(ExitCode::SUCCESS)
    } else {
        if !damaged.is_empty() {
            note!("{} damaged document(s)", damaged.len());
            note!(
                "`lore check --repair` rebuilds the library from everything still readable \
                 (the damaged file is kept); teammates' machines send back what is lost on the \
                 next sync"
            );
        }
        Ok(ExitCode::FAILURE)
    }
}

/// `lore check --repair`: rebuilds the library if anything in it is damaged.
fn repair(ctx: &Context) -> Result<ExitCode> {
    if ctx.served.is_some() {
        anyhow::bail!(
            "a Lore node (`lore serve` or the app) has the library in {} open, and a repair \
             needs it closed: stop the node, run `lore check --repair`, then start the node again",
            ctx.data_dir.display()
        );
    }
    let identity = ctx.identity()?;
    let library = Library::repair(&ctx.data_dir, identity.writer())?;
    match library.repaired() {
        Some(report) if ctx.json => json_line(&serde_json::json!({ "repaired": report }))?,
        Some(report) => {
            for line in report.to_string().lines() {
                say!("{line}");
            }
        }
        None if ctx.json => json_line(&serde_json::json!({ "repaired": null }))?,
        None => say!(
            "nothing to repair: all {} entries and the team document read cleanly",
            library.len()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr what rebuilding a damaged library recovered and lost.
pub(super) fn tell_repaired(report: &RepairReport) {
    let text = report.to_string();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            note!("warning: {line}");
        } else {
            note!("{line}");
        }
    }
}
