//! The library's side of freshness: verifications recorded in the verifier's own ledger
//! (map `verified`, entry id → seconds since the epoch), and every entry's state from
//! entries, roster and ledgers (`crate::freshness`).

use super::Library;
use crate::doc::{self, DocKey};
use crate::freshness::{self, Claims, Freshness};
use crate::model::{Entry, Role, Status, now_millis};
use crate::{Denied, Error, Result};

/// The ledger map verifications are kept in.
const VERIFIED: &str = "verified";

impl Library {
    /// Refuses anyone but the entry's owner or a lead (admin or trainer) on the roster.
    pub(super) fn require_owner_or_lead(&mut self, entry: &Entry) -> Result<()> {
        let role = self.my_role()?;
        let team = self.team()?;
        let me = self.writer().member.clone();
        if freshness::may_verify(&team, entry, &me) {
            return Ok(());
        }
        if role == Role::Viewer {
            return Err(Error::Forbidden(Denied::Viewer));
        }
        let leads = team.names_of(&[Role::Admin, Role::Trainer]);
        Err(Error::Forbidden(Denied::OwnerOrLeads {
            owner: entry
                .owner
                .as_deref()
                .map(|o| team.member_name(o))
                .unwrap_or_default(),
            leads,
        }))
    }

    /// Records that this writer checked entry `id` now and it is still right.
    pub fn verify(&mut self, id: &str) -> Result<Option<Freshness>> {
        self.verify_at(id, now_millis() / 1000)
    }

    /// Records a verification of entry `id` made at `at` (seconds since the epoch, not in
    /// the future): a check done earlier and recorded late, or a demo's history. Only the
    /// entry's owner and leads (admins, trainers) on the roster verify; anyone else is
    /// refused. Returns the entry's freshness after it (`None`: no interval applies).
    pub fn verify_at(&mut self, id: &str, at: i64) -> Result<Option<Freshness>> {
        let id = self.resolve(id)?;
        let now = now_millis() / 1000;
        if at > now + 60 {
            return Err(Error::invalid(
                "a verification cannot be dated in the future",
            ));
        }
        let entry = self.get(&id)?;
        self.require_owner_or_lead(&entry)?;
        self.change_own_ledger_doc(
            &format!("verified {id}"),
            |_| {},
            |d| doc::put_record(d, VERIFIED, &id, Some(at.to_string())),
        )?;
        let claims = self.verification_claims()?;
        let team = self.team()?;
        Ok(freshness::assess(&entry, &team, &claims, now))
    }

    /// Every published entry an interval applies to, with its state now, in working
    /// order: overdue, unverified, due soon, fresh (see [`freshness::sort`]).
    pub fn freshness(&mut self) -> Result<Vec<Freshness>> {
        self.freshness_at(now_millis() / 1000)
    }

    /// As [`Library::freshness`], at `now` (seconds since the epoch).
    pub fn freshness_at(&mut self, now: i64) -> Result<Vec<Freshness>> {
        let team = self.team()?;
        let claims = self.verification_claims()?;
        let ids: Vec<_> = self
            .catalog
            .values()
            .filter(|r| r.status == Status::Published)
            .map(|r| r.id.clone())
            .collect();
        let mut list = Vec::new();
        for id in ids {
            // A damaged entry is reported by `check`; freshness lists the readable ones.
            let Ok(entry) = self.get(&id) else { continue };
            list.extend(freshness::assess(&entry, &team, &claims, now));
        }
        freshness::sort(&mut list);
        Ok(list)
    }

    /// The overdue entries now, reading only the entries someone claims to have verified
    /// (an entry never verified is never overdue), so a listing stays lazy.
    pub fn overdue(&mut self) -> Result<Vec<Freshness>> {
        let now = now_millis() / 1000;
        let team = self.team()?;
        let claims = self.verification_claims()?;
        let mut ids: Vec<_> = claims.values().flat_map(|m| m.keys().cloned()).collect();
        ids.sort();
        ids.dedup();
        let mut list = Vec::new();
        for id in ids {
            if self.catalog.get(&id).map(|r| r.status) != Some(Status::Published) {
                continue;
            }
            let Ok(entry) = self.get(&id) else { continue };
            list.extend(
                freshness::assess(&entry, &team, &claims, now)
                    .filter(|f| f.state == freshness::FreshState::Overdue),
            );
        }
        freshness::sort(&mut list);
        Ok(list)
    }

    /// The freshness of entry `id` now (`None`: no interval applies to it).
    pub fn entry_freshness(&mut self, id: &str) -> Result<Option<Freshness>> {
        let id = self.resolve(id)?;
        let entry = self.get(&id)?;
        let team = self.team()?;
        let claims = self.verification_claims()?;
        Ok(freshness::assess(
            &entry,
            &team,
            &claims,
            now_millis() / 1000,
        ))
    }

    /// Sets the team's default interval in days for published FAQs, scripts and SOPs
    /// without their own (0 turns it off). Admins only: it is in the team document.
    pub fn set_default_verify_days(&mut self, days: u32) -> Result<()> {
        if days > crate::model::MAX_VERIFY_EVERY_DAYS {
            return Err(Error::invalid(format!(
                "a verification interval is at most {} days, not {days}",
                crate::model::MAX_VERIFY_EVERY_DAYS
            )));
        }
        self.require_admin()?;
        self.update_team(&format!("default verification every {days} days"), |t| {
            t.settings.insert(
                freshness::DEFAULT_DAYS_SETTING.to_string(),
                days.to_string(),
            );
            Ok(())
        })?;
        Ok(())
    }

    /// The queue of `member` (an id): entries they own that are overdue, unverified or
    /// due soon, in working order.
    pub fn freshness_queue(&mut self, member: &str) -> Result<Vec<Freshness>> {
        let mut list = self.freshness()?;
        list.retain(|f| f.owner.as_deref() == Some(member) && f.state.needs_check());
        Ok(list)
    }

    /// Every verification claim in the ledgers of members on the roster (whether each
    /// counts is `freshness::assess`'s to judge).
    fn verification_claims(&mut self) -> Result<Claims> {
        let members: Vec<_> = self.team()?.members.into_keys().collect();
        let mut claims = Claims::new();
        for member in members {
            let records = match self.doc_mut(&DocKey::ledger(&member)) {
                Ok(stored) => doc::keyed_records(&stored.doc, VERIFIED)?,
                Err(Error::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let mine = claims.entry(member).or_default();
            for (entry, at) in records {
                if let Ok(at) = at.trim().parse::<i64>() {
                    mine.insert(entry, at);
                }
            }
        }
        Ok(claims)
    }
}
