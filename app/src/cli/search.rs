//! Search, suggest, synonyms and reindex.

use std::process::ExitCode;

use anyhow::{Result, bail};
use lore_core::insights::{After, Asked};
use lore_core::{Hit, SearchRequest};

use super::Context;
use super::args::{SearchArgs, SuggestArgs, SynonymsCommand};
use super::output::{json_line, note, say, text_arg};

pub fn search(ctx: &Context, a: SearchArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let f = a.filters;
    let request = SearchRequest {
        text: a.query.join(" "),
        kind: f.kind.map(Into::into),
        tag: f.tag,
        category: f.category,
        status: f.status.map(Into::into),
        limit: a.limit,
    };
    let hits = library.search(&request)?;
    let found = After::Asked {
        found: !hits.is_empty(),
    };
    library.log_query(Asked::Search, &request.text, found)?;
    print_hits(ctx, &hits)
}

pub fn suggest(ctx: &Context, a: SuggestArgs) -> Result<ExitCode> {
    let text = text_arg(a.text.unwrap_or_else(|| "-".to_string()))?;
    if text.trim().is_empty() {
        bail!("the message is empty; pass it as an argument or on standard input");
    }
    let mut library = ctx.open()?;
    let groups = library.suggest_each(&text, a.limit)?;
    let found = After::Asked {
        found: groups.iter().any(|(_, hits)| hits.iter().any(|h| !h.weak)),
    };
    library.log_query(Asked::Message, &text, found)?;
    if let [(_, hits)] = groups.as_slice() {
        if hits.is_empty() && !ctx.json {
            say!("没有很匹配的条目（nothing matches well）");
            return Ok(ExitCode::SUCCESS);
        }
        return print_hits(ctx, hits);
    }
    // Several questions: the suggestions of each, under it.
    for (question, hits) in &groups {
        if ctx.json {
            for hit in hits {
                json_line(&QuestionHit { question, hit })?;
            }
        } else {
            say!("【{question}】");
            print_hits(ctx, hits)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A suggestion for one question of a message that asks several (`--json`).
#[derive(serde::Serialize)]
struct QuestionHit<'a> {
    question: &'a str,
    #[serde(flatten)]
    hit: &'a Hit,
}

fn print_hits(ctx: &Context, hits: &[Hit]) -> Result<ExitCode> {
    if ctx.json {
        for hit in hits {
            json_line(hit)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        note!("nothing found; try fewer or other words, or `lore list`");
        return Ok(ExitCode::SUCCESS);
    }
    if hits.iter().any(|h| h.weak) {
        say!("没有很匹配的条目（nothing matches well）；最接近的：");
    }
    let bold = super::output::stdout_is_terminal();
    for (n, hit) in hits.iter().enumerate() {
        say!("{}. {} [{}] {}", n + 1, hit.title, hit.kind, hit.id);
        if !hit.snippet.is_empty() {
            say!("   {}", highlight(&hit.snippet, bold));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns `**match**` into bold on a terminal; elsewhere the markers stay.
fn highlight(snippet: &str, bold: bool) -> String {
    if !bold {
        return snippet.to_string();
    }
    let mut out = String::with_capacity(snippet.len());
    for (i, part) in snippet.split("**").enumerate() {
        if i % 2 == 1 {
            out.push_str("\x1b[1m");
            out.push_str(part);
            out.push_str("\x1b[0m");
        } else {
            out.push_str(part);
        }
    }
    out
}

pub fn synonyms(ctx: &Context, command: SynonymsCommand) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let team = match command {
        SynonymsCommand::Lexicon(a) => return lexicon(ctx, &mut library, a),
        SynonymsCommand::List => library.team()?,
        SynonymsCommand::Add { words } => {
            library.check_can_edit()?;
            let summary = format!("synonyms: {}", words.join(" / "));
            library.update_team(&summary, |team| {
                add_group(&mut team.synonyms, &words);
                Ok(())
            })?
        }
        SynonymsCommand::Remove { words } => {
            library.check_can_edit()?;
            let summary = format!("removed synonyms: {}", words.join(" / "));
            library.update_team(&summary, |team| {
                for group in &mut team.synonyms {
                    group.retain(|w| !words.contains(w));
                }
                team.synonyms.retain(|g| g.len() >= 2);
                Ok(())
            })?
        }
    };
    for group in &team.synonyms {
        if ctx.json {
            json_line(group)?;
        } else {
            say!("{}", group.join(" / "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lore synonyms lexicon`: the built-in groups with on/off; `--off`/`--on` switch the
/// group holding a word for the whole team (a team setting, so every peer follows).
fn lexicon(
    ctx: &Context,
    library: &mut lore_core::Library,
    a: super::lexicon_args::LexiconArgs,
) -> Result<ExitCode> {
    use lore_core::search::lexicon::{LEXICON, LEXICON_OFF, group_of, switch, switched_off};
    let team = match (a.off, a.on) {
        (None, None) => library.team()?,
        (off, on) => {
            let (word, on) = match (off, on) {
                (Some(w), _) => (w, false),
                (None, Some(w)) => (w, true),
                (None, None) => unreachable!("matched above"),
            };
            let Some(index) = group_of(&word) else {
                bail!(
                    "`{word}` is in no group of the built-in lexicon; `lore synonyms lexicon` lists them"
                );
            };
            library.require_admin()?;
            let state = if on { "on" } else { "off" };
            let summary = format!("lexicon group {} {state}", LEXICON[index][0]);
            library.update_team(&summary, |team| {
                let value = switch(&team.settings, index, on);
                if value.is_empty() {
                    team.settings.remove(LEXICON_OFF);
                } else {
                    team.settings.insert(LEXICON_OFF.to_string(), value);
                }
                Ok(())
            })?
        }
    };
    let off = switched_off(&team.settings);
    for (i, group) in LEXICON.iter().enumerate() {
        let on = !off.contains(&i);
        if ctx.json {
            json_line(&serde_json::json!({ "group": group, "on": on }))?;
        } else {
            say!("{} {}", if on { "开" } else { "关" }, group.join(" / "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds `words` as one group, merging every group that already holds one of them.
fn add_group(groups: &mut Vec<Vec<String>>, words: &[String]) {
    let words: Vec<String> = words
        .iter()
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect();
    let mut merged: Vec<String> = Vec::new();
    groups.retain(|g| {
        if g.iter().any(|w| words.contains(w)) {
            merged.extend(g.iter().cloned());
            false
        } else {
            true
        }
    });
    for w in words {
        if !merged.contains(&w) {
            merged.push(w);
        }
    }
    groups.push(merged);
}

pub fn reindex(ctx: &Context) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let count = library.reindex()?;
    if ctx.json {
        json_line(&serde_json::json!({ "indexed": count }))?;
    } else {
        say!("search index rebuilt: {count} entries");
    }
    Ok(ExitCode::SUCCESS)
}
