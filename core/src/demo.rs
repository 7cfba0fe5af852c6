//! The demo library: a bilingual knowledge base of a team selling home goods online and
//! running a small SaaS product. Built into the binary so it works offline at once.

use serde::Deserialize;

use crate::exchange::Record;
use crate::library::{ImportItem, ImportReport, Library};
use crate::model::{Member, Role, now_millis};
use crate::training::Assignee;
use crate::{Error, Result};

/// The demo entry files, by name, as JSON Lines.
pub const ENTRY_FILES: [(&str, &str); 5] = [
    (
        "faq-shop.jsonl",
        include_str!("../../fixtures/demo/faq-shop.jsonl"),
    ),
    (
        "faq-saas.jsonl",
        include_str!("../../fixtures/demo/faq-saas.jsonl"),
    ),
    (
        "scripts.jsonl",
        include_str!("../../fixtures/demo/scripts.jsonl"),
    ),
    ("sops.jsonl", include_str!("../../fixtures/demo/sops.jsonl")),
    (
        "training.jsonl",
        include_str!("../../fixtures/demo/training.jsonl"),
    ),
];

/// The demo team: name, members, taxonomy and synonym groups.
pub const TEAM_FILE: &str = include_str!("../../fixtures/demo/team.json");

/// The demo team file's shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoTeam {
    pub name: String,
    pub members: Vec<DemoMember>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub synonyms: Vec<Vec<String>>,
}

/// A fictional member of the demo team.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoMember {
    pub handle: String,
    pub name: String,
    pub role: String,
}

/// The member id a demo handle stands for. Demo members are fictional: they have no
/// device key, so they can never connect.
pub fn member_id(handle: &str) -> String {
    format!("demo-{handle}")
}

/// Parses the built-in demo team.
pub fn team() -> Result<DemoTeam> {
    serde_json::from_str(TEAM_FILE).map_err(|e| Error::import("demo/team.json", e.to_string()))
}

/// Every demo entry as an import item; answer authors are mapped to demo member ids.
pub fn items() -> Result<Vec<ImportItem>> {
    let mut items = Vec::new();
    for (name, text) in ENTRY_FILES {
        for row in crate::exchange::read_jsonl(&format!("demo/{name}"), text) {
            let (location, mut record) = row?;
            for answer in &mut record.answers {
                answer.author = member_id(&answer.author);
            }
            let entry = Record::into_entry(record).map_err(|m| Error::import(&location, m))?;
            items.push(ImportItem { location, entry });
        }
    }
    Ok(items)
}

/// Loads the demo library into `library`: the team's name, members, taxonomy and synonyms,
/// then every entry. Loading it again changes nothing.
pub fn load(library: &mut Library, progress: &mut dyn FnMut(usize, usize)) -> Result<ImportReport> {
    let demo = team()?;
    let items = items()?;
    let me = library.writer().member.clone();
    let now = now_millis();
    library.my_role()?;
    library.update_team("loaded the demo team", |team| {
        if team.name.is_empty() {
            team.name = demo.name.clone();
        }
        for m in &demo.members {
            let id = member_id(&m.handle);
            team.members.entry(id.clone()).or_insert_with(|| Member {
                id,
                name: m.name.clone(),
                role: m.role.parse().unwrap_or(Role::Agent),
                added_by: me.clone(),
                added_at: now,
                removed: false,
                history_ends: Default::default(),
            });
        }
        team.merge_vocabulary(&demo.categories, &demo.tags, &demo.synonyms);
        Ok(())
    })?;
    let mut items = items;
    for item in &mut items {
        if let Some((_, owner, days, _)) = FRESHNESS.iter().find(|f| f.0 == item.entry.id) {
            item.entry.owner = Some(owner.map_or_else(|| me.clone(), member_id));
            item.entry.verify_every_days = Some(*days);
        }
    }
    let report = library.import(items, progress)?;
    assign_practice(library)?;
    if report.created > 0 {
        // The first load only: two weeks of the fictional shop's questions, for Insights.
        let today = crate::insights::log::local_day(now);
        library.record_questions(&crate::insights::sample::two_weeks(today, 14))?;
    }
    verify_some(library)?;
    Ok(report)
}

/// Entries the demo gives an owner (a demo member's handle; `None`: whoever loads it) and
/// an interval in days, and when they were last verified (days before loading; `None`:
/// never), so each state shows: fresh, due soon, overdue, unverified.
const FRESHNESS: [(&str, Option<&str>, u32, Option<i64>); 6] = [
    ("faq-order-cancel", None, 30, Some(10)),
    ("script-refund-timeline", None, 30, Some(26)),
    ("sop-ticket-closing", None, 30, Some(45)),
    ("faq-order-change-address", None, 60, None),
    ("faq-saas-trial-extend", Some("wangfang"), 30, Some(40)),
    ("script-urge-shipping-soothe", Some("lihua"), 14, Some(3)),
];

/// The demo's verifications, backdated, in the loader's own ledger: only those the loader
/// may make (their own entries; all of them for a lead), and only once.
fn verify_some(library: &mut Library) -> Result<()> {
    let me = library.writer().member.clone();
    let team = library.team()?;
    let now = now_millis() / 1000;
    for (id, _, _, ago) in FRESHNESS {
        let Some(ago) = ago else { continue };
        if library.row(id).is_none() {
            continue;
        }
        let entry = library.get(id)?;
        let done = library
            .entry_freshness(id)?
            .is_some_and(|f| f.last.is_some());
        if !done && crate::freshness::may_verify(&team, &entry, &me) {
            library.verify_at(id, now - ago * 86_400)?;
        }
    }
    Ok(())
}

/// What the demo's trainer sets the agents to practise, each once: two role-plays and a
/// quiz, due within one or two weeks of loading. Set only by a loader who may assign.
fn assign_practice(library: &mut Library) -> Result<()> {
    if !matches!(library.my_role()?, Role::Admin | Role::Trainer) {
        return Ok(());
    }
    let set: Vec<String> = library.assignments()?.into_iter().map(|a| a.item).collect();
    let now = now_millis();
    for (item, days, pass) in [
        ("training-rp-broken-cup", 7, 80),
        ("training-quiz-refund-basics", 7, 80),
        ("training-rp-double11-late", 14, 70),
    ] {
        if !set.iter().any(|s| s == item) && library.row(item).is_some() {
            let due = now + days * 86_400_000;
            library.assign(item, Assignee::Role(Role::Agent), due, pass)?;
        }
    }
    Ok(())
}
