//! Freshness, pure: whether each entry was checked recently enough by someone entitled to
//! say it is still right. Computed from entries, the roster and ledgers only, so every
//! peer holding the same documents comes to the same states.
//!
//! A verification is a record in its verifier's own ledger (map `verified`, entry id →
//! seconds since the epoch); ledgers are single-writer and signed, so who verified is
//! proven. It counts only when that member is, on the roster and not removed, the entry's
//! owner or a lead (admin or trainer). Anyone else's claim is ignored.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Entry, EntryId, Kind, MemberId, Role, Status, Team};

/// The team setting (in the team document's `settings`) holding the default interval in
/// days for published FAQs, scripts and SOPs without their own; `0` turns it off.
pub const DEFAULT_DAYS_SETTING: &str = "freshness.default_days";

/// The default interval when the team has not set one.
pub const DEFAULT_DAYS: u32 = 90;

/// An entry whose next check is at most this many days away is due soon.
pub const DUE_SOON_DAYS: i64 = 7;

const DAY: i64 = 86_400;

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreshState {
    /// Its next check is past.
    Overdue,
    /// Nobody entitled to has verified it yet.
    Unverified,
    /// Its next check is within [`DUE_SOON_DAYS`].
    DueSoon,
    Fresh,
}

impl FreshState {
    /// Whether the entry needs its owner's attention (listed by `lore verify --due`, in
    /// the owner's queue, badged).
    pub fn needs_check(self) -> bool {
        self != FreshState::Fresh
    }

    /// The badge in Chinese: 已过期, 待核实, 即将到期; none for a fresh entry.
    pub fn badge_zh(self) -> Option<&'static str> {
        match self {
            FreshState::Overdue => Some("已过期"),
            FreshState::Unverified => Some("待核实"),
            FreshState::DueSoon => Some("即将到期"),
            FreshState::Fresh => None,
        }
    }

    /// The word used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            FreshState::Overdue => "overdue",
            FreshState::Unverified => "unverified",
            FreshState::DueSoon => "due_soon",
            FreshState::Fresh => "fresh",
        }
    }
}

/// A verification that counts: who, and when (seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub by: MemberId,
    pub by_name: String,
    pub at: i64,
}

/// One entry's freshness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Freshness {
    pub id: EntryId,
    pub kind: Kind,
    pub title: String,
    /// The owner, if the entry has one, and their roster name.
    pub owner: Option<MemberId>,
    pub owner_name: String,
    /// The interval that applies: the entry's own or the team's default.
    pub every_days: u32,
    pub state: FreshState,
    /// The latest verification that counts.
    pub last: Option<Verified>,
    /// When the next check is due (seconds since the epoch); `None` while unverified.
    pub due: Option<i64>,
}

/// Every member's verification claims: member → entry → seconds since the epoch, as read
/// from their ledgers.
pub type Claims = BTreeMap<MemberId, BTreeMap<EntryId, i64>>;

/// The team's default interval: its setting, else [`DEFAULT_DAYS`]; `None` when set to 0.
pub fn default_days(team: &Team) -> Option<u32> {
    let days = team
        .settings
        .get(DEFAULT_DAYS_SETTING)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_DAYS);
    (days > 0).then_some(days)
}

/// The interval that applies to `entry`: none unless it is published; its own, else the
/// team's default for FAQs, scripts and SOPs.
pub fn interval(entry: &Entry, default: Option<u32>) -> Option<u32> {
    if entry.status != Status::Published {
        return None;
    }
    entry.verify_every_days.or(match entry.kind {
        Kind::Faq | Kind::Script | Kind::Sop => default,
        Kind::Training => None,
    })
}

/// Whether `member`'s verification of `entry` counts: they are on the roster, not
/// removed, and the entry's owner or a lead.
pub fn may_verify(team: &Team, entry: &Entry, member: &str) -> bool {
    match team.members.get(member) {
        Some(m) if !m.removed => {
            entry.owner.as_deref() == Some(member) || matches!(m.role, Role::Admin | Role::Trainer)
        }
        _ => false,
    }
}

/// The freshness of one entry at `now` (seconds since the epoch), or `None` when no
/// interval applies to it.
pub fn assess(entry: &Entry, team: &Team, claims: &Claims, now: i64) -> Option<Freshness> {
    let every_days = interval(entry, default_days(team))?;
    // The latest counting claim; equal times go to the smaller member id, alike everywhere.
    let last = claims
        .iter()
        .filter(|(member, _)| may_verify(team, entry, member))
        .filter_map(|(member, entries)| entries.get(&entry.id).map(|&at| (at, member)))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(at, member)| Verified {
            by: member.clone(),
            by_name: team.member_name(member),
            at,
        });
    let due = last
        .as_ref()
        .map(|v| v.at.saturating_add(i64::from(every_days) * DAY));
    let state = match due {
        None => FreshState::Unverified,
        Some(due) if now >= due => FreshState::Overdue,
        Some(due) if due - now <= DUE_SOON_DAYS * DAY => FreshState::DueSoon,
        Some(_) => FreshState::Fresh,
    };
    Some(Freshness {
        id: entry.id.clone(),
        kind: entry.kind,
        title: entry.title.clone(),
        owner: entry.owner.clone(),
        owner_name: entry
            .owner
            .as_deref()
            .map(|o| team.member_name(o))
            .unwrap_or_default(),
        every_days,
        state,
        last,
        due,
    })
}

/// Puts a list in the order people work through it: overdue (longest overdue first), then
/// unverified, then due soon (soonest first), then fresh; ties by title and id.
pub fn sort(list: &mut [Freshness]) {
    list.sort_by(|a, b| {
        a.state
            .cmp(&b.state)
            .then(a.due.cmp(&b.due))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.id.cmp(&b.id))
    });
}
