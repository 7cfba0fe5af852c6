//! The team: naming it, and the roster.

use std::process::ExitCode;

use anyhow::Result;
use lore_core::{Member, Role};
use serde::Serialize;

use super::Context;
use super::args::TeamCommand;
use super::output::{json_line, say};

pub fn team(ctx: &Context, command: TeamCommand) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    match command {
        TeamCommand::Create { team_name } => {
            let team = library.create_team_named(&team_name)?;
            if ctx.json {
                json_line(&serde_json::json!({ "team": team.id, "name": team.name }))?;
            } else {
                say!(
                    "team “{}” created; you are its admin. Invite members with `lore invite`.",
                    team.name
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct MemberLine<'a> {
    id: &'a str,
    name: &'a str,
    role: Role,
    removed: bool,
    you: bool,
}

pub fn members(ctx: &Context) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let me = library.writer().member.clone();
    let team = library.team()?;
    let mut members: Vec<&Member> = team.members.values().collect();
    members.sort_by(|a, b| (a.removed, a.role, &a.name).cmp(&(b.removed, b.role, &b.name)));
    for m in members {
        let you = m.id == me;
        if ctx.json {
            json_line(&MemberLine {
                id: &m.id,
                name: &m.name,
                role: m.role,
                removed: m.removed,
                you,
            })?;
        } else {
            let short: String = m.id.chars().take(12).collect();
            let flags = match (you, m.removed) {
                (true, _) => " (you)",
                (_, true) => " (removed)",
                _ => "",
            };
            say!("{:<8} {:<16} {short}{flags}", m.role.as_str(), m.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn role(ctx: &Context, member: &str, role: Role) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let m = library.set_role(member, role)?;
    say!("{} is now {}", m.name, m.role);
    Ok(ExitCode::SUCCESS)
}

pub fn remove(ctx: &Context, member: &str) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let m = library.remove_member(member)?;
    say!(
        "{} was removed; their devices are refused from now on (what they wrote stays)",
        m.name
    );
    Ok(ExitCode::SUCCESS)
}
