//! `lore copy`: the chat-ready reply of an entry, exactly what the app copies.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde::Serialize;

use super::Context;
use super::args::CopyArgs;
use super::output::{json_line, note, say};

/// What `--json` prints.
#[derive(Serialize)]
struct Copied<'a> {
    id: &'a str,
    text: &'a str,
    unfilled: &'a [String],
    uses: u64,
}

pub fn copy(ctx: &Context, a: CopyArgs) -> Result<ExitCode> {
    let mut values = BTreeMap::new();
    for pair in &a.set {
        let Some((field, value)) = pair.split_once('=') else {
            bail!("--set takes FIELD=VALUE (as in --set 订单号=20261129001), not `{pair}`");
        };
        values.insert(field.trim().to_string(), value.to_string());
    }
    let mut library = ctx.open()?;
    let reply = library.reply(&a.id, a.answer.as_deref())?;
    if !a.internal && !reply.cautions.is_empty() {
        let why: Vec<&str> = reply.cautions.iter().map(|c| c.describe()).collect();
        bail!(
            "{} “{}” is not copied: {}; pass --internal to copy it anyway",
            reply.entry,
            reply.title,
            why.join(", and ")
        );
    }
    let unknown: Vec<&String> = values
        .keys()
        .filter(|k| !reply.fields.contains(k))
        .collect();
    if !unknown.is_empty() {
        bail!(
            "{} has no placeholder {}; its placeholders are {}",
            reply.entry,
            braced(unknown.iter().map(|s| s.as_str())),
            if reply.fields.is_empty() {
                "none".to_string()
            } else {
                braced(reply.fields.iter().map(String::as_str))
            }
        );
    }
    let filled = reply.fill(&values);
    if !filled.unfilled.is_empty() && !a.keep_blanks {
        bail!(
            "{} has placeholders left to fill: {}; give each with --set FIELD=VALUE \
             (or --keep-blanks to print them unfilled)",
            reply.entry,
            braced(filled.unfilled.iter().map(String::as_str))
        );
    }
    if let Some(search) = &a.after {
        let copied = lore_core::insights::After::Copied(reply.entry.clone());
        library.log_query(lore_core::insights::Asked::Search, search, copied)?;
    }
    let uses = library.record_copy(&reply.entry, reply.answer_id())?.uses;
    if ctx.json {
        json_line(&Copied {
            id: &reply.entry,
            text: &filled.text,
            unfilled: &filled.unfilled,
            uses,
        })?;
    } else {
        say!("{}", filled.text);
        if !filled.unfilled.is_empty() {
            note!(
                "unfilled: {}",
                braced(filled.unfilled.iter().map(String::as_str))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn pin(ctx: &Context, id: Option<&str>, off: bool) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    if let Some(id) = id {
        library.pin(id, !off)?;
    } else if off {
        bail!("--off needs the entry to unpin: `lore pin ID --off`");
    }
    for id in library.favourites()? {
        let title = library
            .row(&id)
            .map(|r| (r.title.clone(), r.shortcode.clone()));
        let (title, shortcode) = title.unwrap_or_default();
        if ctx.json {
            json_line(&serde_json::json!({"id": id, "title": title, "shortcode": shortcode}))?;
        } else {
            say!("{id}  {shortcode}  {title}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `{a}, {b}` for messages.
fn braced<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}
