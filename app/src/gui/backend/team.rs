//! The team and its roster: the team panel's view (who is connected, when each last
//! synced), invites and their tickets, roles, removals, the team's name, and this member's
//! display name.

use anyhow::{Result, bail};
use lore_core::Role;
use lore_sync::{Identity, Ticket};

use super::worker::Worker;
use crate::gui::jobs::{Done, Teammate};

/// An hour in milliseconds, as invites count their validity.
const HOUR_MS: i64 = 3_600_000;

impl Worker {
    /// The team's name, this device's role, and its members (this device first, then by
    /// name), with who is connected and when each last synced.
    pub(super) fn team(&self) -> Result<Done> {
        let connected: Vec<String> = self
            .node
            .as_ref()
            .map(|n| n.connected().into_iter().map(|c| c.member).collect())
            .unwrap_or_default();
        let mut library = self.library()?;
        let team = library.team()?;
        let me = library.writer().member.clone();
        let peers = library.known_peers()?;
        let mut members: Vec<Teammate> = team
            .members
            .values()
            .filter(|m| !m.removed)
            .map(|m| Teammate {
                id: m.id.clone(),
                name: m.name.clone(),
                role: m.role,
                you: m.id == me,
                connected: connected.contains(&m.id),
                last_sync: peers
                    .iter()
                    .find(|p| p.member == m.id)
                    .map_or(0, |p| p.last_sync),
            })
            .collect();
        members.sort_by(|a, b| b.you.cmp(&a.you).then(a.name.cmp(&b.name)));
        let ticket_used = match &*self.invited.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(secret) => library.invite_used(secret)?,
            None => false,
        };
        Ok(Done::Team {
            name: team.name,
            my_role: library.my_role()?,
            members,
            ticket_used,
        })
    }

    /// A one-time ticket for a new member with `role`, valid for `hours`, naming where
    /// this node is reached.
    pub(super) fn invite(&self, role: Role, hours: u32) -> Result<Done> {
        if self.sandbox {
            bail!("{}", super::library::SANDBOX_REFUSES);
        }
        let mut library = self.library()?;
        let invite = library.create_invite(role, i64::from(hours) * HOUR_MS)?;
        *self.invited.lock().unwrap_or_else(|e| e.into_inner()) = Some(invite.secret.clone());
        let team = library.team()?;
        let reachable = self
            .serving
            .as_ref()
            .map(|s| s.reachable.clone())
            .unwrap_or_default();
        let ticket = Ticket::for_invite(
            &team,
            self.identity.signing_key(),
            reachable,
            self.network.relay(),
            &invite,
        );
        Ok(Done::Ticket {
            text: ticket.to_string(),
            role,
            expires_at: ticket.expires_at,
        })
    }

    /// Gives `member` another role (admins only).
    pub(super) fn set_role(&self, member: &str, role: Role) -> Result<Done> {
        let changed = self.library()?.set_role(member, role)?;
        self.changed();
        Ok(Done::RoleSet {
            name: changed.name,
            role: changed.role,
        })
    }

    /// Removes `member` from the team (admins only).
    pub(super) fn remove(&self, member: &str) -> Result<Done> {
        let removed = self.library()?.remove_member(member)?;
        self.changed();
        Ok(Done::Done(format!("− {}", removed.name)))
    }
}

impl Worker {
    /// Makes `name` this member's display name: in the data directory's profile, then in
    /// the open library, which is opened again to write as the new name (an admin's
    /// roster entry follows at once, see `Library::my_role`; other members' roster entries
    /// are the admins' to change).
    pub(super) fn set_name(&mut self, name: &str) -> Result<Done> {
        let name = name.trim();
        if name.is_empty() {
            bail!("the display name cannot be empty");
        }
        self.identity = Identity::load_or_create(&self.data_dir, Some(name))?;
        self.named = true;
        if self.library.is_some() {
            self.close();
            self.reopen()?;
            self.library()?.my_role()?;
        }
        Ok(Done::Named(name.to_string()))
    }

    /// Renames the team (admins only).
    pub(super) fn rename_team(&self, name: &str) -> Result<Done> {
        let name = name.trim().to_string();
        if name.is_empty() {
            bail!("the team needs a name");
        }
        let mut library = self.library()?;
        library.require_admin()?;
        let team = library.update_team(&format!("renamed the team to {name}"), |t| {
            t.name = name;
            Ok(())
        })?;
        drop(library);
        self.changed();
        Ok(Done::Done(format!("→ {}", team.name)))
    }
}
