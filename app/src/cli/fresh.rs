//! Freshness on the command line: `lore verify ID` (a check recorded now, or `--at` an
//! earlier date), `lore verify --due [--mine]` (what needs checking), the owner and
//! interval flags of `lore edit`, and the lines `show` and `list` print.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;
use lore_core::{FreshState, Freshness, Library};

use super::Context;
use super::output::{json_line, note, say};

/// `lore edit`'s freshness flags.
#[derive(Debug, Args)]
pub struct FreshEditArgs {
    /// The entry's owner (负责人): a member's name or id; an empty string removes it
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Verify the entry every DAYS days; 0 falls back to the team's default
    #[arg(long, value_name = "DAYS")]
    pub verify_every: Option<u32>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The entry checked and still right: id, unique id prefix, or shortcode
    #[arg(required_unless_present_any = ["due", "team_default"], conflicts_with = "due")]
    pub id: Option<String>,
    /// Set the team's default interval in days for published FAQs, scripts and SOPs
    /// without their own (admins; 0 turns it off; 90 until set)
    #[arg(long, value_name = "DAYS", conflicts_with_all = ["id", "due"])]
    pub team_default: Option<u32>,
    /// When it was checked, if not now: a date such as 2026-11-02 (not in the future)
    #[arg(long, value_name = "DATE", requires = "id")]
    pub at: Option<String>,
    /// List the entries that need checking: overdue, unverified, due within 7 days
    #[arg(long)]
    pub due: bool,
    /// With --due: only the entries you own (your queue)
    #[arg(long, requires = "due")]
    pub mine: bool,
}

/// What `lore edit` sets: the owner (outer `None`: unchanged) and interval.
pub struct FreshEdit {
    owner: Option<Option<String>>,
    every: Option<Option<u32>>,
}

impl FreshEdit {
    /// Reads the flags, the owner resolved against the roster before anything is written.
    pub fn read(library: &mut Library, a: FreshEditArgs) -> Result<FreshEdit> {
        let owner = match a.owner {
            None => None,
            Some(name) if name.trim().is_empty() => Some(None),
            Some(name) => Some(Some(library.find_member(&name)?.id)),
        };
        Ok(FreshEdit {
            owner,
            every: a.verify_every.map(|d| (d > 0).then_some(d)),
        })
    }

    pub fn apply(&self, e: &mut lore_core::Entry) {
        if let Some(owner) = &self.owner {
            e.owner = owner.clone();
        }
        if let Some(every) = self.every {
            e.verify_every_days = every;
        }
    }
}

pub fn verify(ctx: &Context, a: VerifyArgs) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    if let Some(days) = a.team_default {
        library.set_default_verify_days(days)?;
        if ctx.json {
            json_line(&serde_json::json!({ "default_days": days }))?;
        } else if days == 0 {
            say!("no default interval: only entries with their own are checked");
        } else {
            say!("published FAQs, scripts and SOPs without their own interval: every {days} days");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(id) = a.id else {
        return due(ctx, &mut library, a.mine);
    };
    let fresh = match a.at {
        None => library.verify(&id)?,
        Some(date) => library.verify_at(&id, parse_date(&date)?)?,
    };
    let id = library.resolve(&id)?;
    if ctx.json {
        json_line(&serde_json::json!({ "id": id, "freshness": fresh }))?;
    } else {
        match fresh {
            Some(f) => say!("{id}: {}", status_line(&f)),
            None => say!(
                "{id}: 已核实（this entry has no verification interval: it is not published, \
                 or neither it nor the team sets one)"
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn due(ctx: &Context, library: &mut Library, mine: bool) -> Result<ExitCode> {
    let me = library.writer().member.clone();
    let list = if mine {
        library.freshness_queue(&me)?
    } else {
        let mut all = library.freshness()?;
        all.retain(|f| f.state.needs_check());
        all
    };
    if ctx.json {
        for f in &list {
            json_line(f)?;
        }
    } else if list.is_empty() {
        note!("nothing needs checking");
    } else {
        let id_width = list.iter().map(|f| f.id.len()).max().unwrap_or(0);
        for f in &list {
            let owner = if f.owner_name.is_empty() {
                "（无负责人）".to_string()
            } else {
                format!("负责人 {}", f.owner_name)
            };
            say!(
                "{:<4}  {:<id_width$}  {}  {owner}  {}",
                f.state.badge_zh().unwrap_or(""),
                f.id,
                f.title,
                status_line(f)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "已核实：周静 11-02，下次 12-02", "已过期：…", "未核实（每 30 天核实一次）".
pub fn status_line(f: &Freshness) -> String {
    let (last, next) = last_and_next(f);
    match f.state {
        FreshState::Fresh => format!("已核实：{last}，下次 {next}"),
        FreshState::DueSoon => format!("即将到期：{last} 核实，下次 {next}"),
        FreshState::Overdue => format!("已过期：{last} 核实，应于 {next} 再核实"),
        FreshState::Unverified => format!("未核实（每 {} 天核实一次）", f.every_days),
    }
}

/// Who verified an entry last and when ("周静 11-02"), and when it is next due.
pub(crate) fn last_and_next(f: &Freshness) -> (String, String) {
    let last = f
        .last
        .as_ref()
        .map(|v| format!("{} {}", v.by_name, day(v.at)))
        .unwrap_or_default();
    (last, f.due.map(day).unwrap_or_default())
}

/// The lines `lore show` adds: owner, interval, and where the entry stands.
pub fn show_lines(library: &mut Library, entry: &lore_core::Entry) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    if let Some(owner) = &entry.owner {
        lines.push(format!("负责人: {}", library.team()?.member_name(owner)));
    }
    if let Some(f) = library.entry_freshness(&entry.id)? {
        lines.push(format!("核实: {}", status_line(&f)));
    }
    Ok(lines)
}

/// The ids of the overdue entries, which `lore list` marks. A library whose roster or
/// ledgers cannot be read still lists its entries, unmarked, saying why.
pub fn overdue(library: &mut Library) -> Vec<String> {
    match library.overdue() {
        Ok(list) => list.into_iter().map(|f| f.id).collect(),
        Err(e) => {
            note!("overdue entries are not marked: {e}");
            Vec::new()
        }
    }
}

/// Seconds since the epoch as a local date: month and day this year, else with the year.
fn day(secs: i64) -> String {
    use chrono::{Datelike, Local, TimeZone};
    match Local.timestamp_opt(secs, 0).single() {
        Some(t) if t.year() == Local::now().year() => t.format("%m-%d").to_string(),
        Some(t) => t.format("%Y-%m-%d").to_string(),
        None => "-".to_string(),
    }
}

/// A date (2026-11-02, local midnight) or RFC 3339 time as seconds since the epoch.
fn parse_date(text: &str) -> Result<i64> {
    use chrono::{Local, NaiveDate, TimeZone};
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") else {
        bail!("--at `{text}` is not a date like 2026-11-02");
    };
    match Local.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default()) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => Ok(t.timestamp()),
        chrono::LocalResult::None => bail!("--at `{text}` is not a local date"),
    }
}
