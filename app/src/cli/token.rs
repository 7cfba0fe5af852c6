//! `lore token create|list|revoke`: the HTTP API's tokens, administered by admins; the
//! secret is printed once and only its hash is kept in the team document.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use lore_core::Scope;

use super::Context;
use super::output::{json_line, local_time, note, say};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a program that answers customers (admins only); its secret is
    /// printed once
    Create(CreateArgs),
    /// The team's tokens: name, scope, who created it and when, uses made through it
    List,
    /// Revoke a token (admins only): every node of the team refuses it from then on
    Revoke {
        /// The token's name
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// What the token is for, e.g. 公众号机器人; uses and bot answers are credited to it
    #[arg(long)]
    pub name: String,
    /// read: published, non-internal entries; reply: also record uses and bot answers;
    /// internal: also internal entries and drafts
    #[arg(long, value_enum, default_value = "read")]
    pub scope: ScopeArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    Read,
    Reply,
    Internal,
}

impl From<ScopeArg> for Scope {
    fn from(s: ScopeArg) -> Scope {
        match s {
            ScopeArg::Read => Scope::Read,
            ScopeArg::Reply => Scope::Reply,
            ScopeArg::Internal => Scope::Internal,
        }
    }
}

pub fn token(ctx: &Context, command: TokenCommand) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    match command {
        TokenCommand::Create(a) => {
            let (token, secret) = library.create_token(&a.name, a.scope.into())?;
            if ctx.json {
                json_line(&serde_json::json!({
                    "name": token.name, "scope": token.scope, "token": secret,
                }))?;
            } else {
                say!("{secret}");
                note!(
                    "token “{}” ({}) created; it is shown only this once — keep it in the bot's settings",
                    token.name,
                    token.scope
                );
            }
        }
        TokenCommand::List => {
            let uses = library.api_uses()?;
            let team = library.team()?;
            for t in library.tokens()? {
                let n = uses.get(&t.name).copied().unwrap_or(0);
                if ctx.json {
                    json_line(&serde_json::json!({
                        "name": t.name, "scope": t.scope, "revoked": t.revoked,
                        "created_by": team.member_name(&t.created_by),
                        "created_at": t.created_at, "uses": n,
                    }))?;
                } else {
                    say!(
                        "{} ({})\t{}\tcreated by {} {}\t{n} uses{}",
                        t.name,
                        "API",
                        t.scope,
                        team.member_name(&t.created_by),
                        local_time(t.created_at),
                        if t.revoked { "\trevoked" } else { "" }
                    );
                }
            }
        }
        TokenCommand::Revoke { name } => {
            let token = library.revoke_token(&name)?;
            if ctx.json {
                json_line(&serde_json::json!({ "name": token.name, "revoked": true }))?;
            } else {
                say!("token “{}” revoked", token.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
