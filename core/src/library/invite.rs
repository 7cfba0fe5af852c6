//! Invites: a one-time secret an admin hands out (inside a ticket) with a role and an
//! expiry. The record stays in the inviting admin's library; accepting it there adds the
//! new member to the roster.

use serde::{Deserialize, Serialize};

use super::Library;
use crate::model::{Member, MemberId, Millis, Role, new_token, now_millis};
use crate::{Error, Result};

/// An invite as the inviting library keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub secret: String,
    pub role: Role,
    pub expires_at: Millis,
    pub created_by: MemberId,
    /// Who used it (an invite admits one member).
    pub used_by: Option<MemberId>,
}

fn key(secret: &str) -> String {
    format!("invite/{secret}")
}

impl Library {
    /// Creates an invite for `role`, valid for `valid_for_ms` (admins only).
    pub fn create_invite(&mut self, role: Role, valid_for_ms: i64) -> Result<Invite> {
        self.require_admin()?;
        let invite = Invite {
            secret: new_token(26),
            role,
            expires_at: now_millis() + valid_for_ms,
            created_by: self.writer.member.clone(),
            used_by: None,
        };
        self.put_invite(&invite)?;
        Ok(invite)
    }

    fn put_invite(&mut self, invite: &Invite) -> Result<()> {
        let bytes = serde_json::to_vec(invite).map_err(|e| Error::Database(e.to_string()))?;
        self.store
            .write(|b| b.put_meta(&key(&invite.secret), &bytes))
    }

    /// Whether the invite with `secret` was used (an unknown one counts as used: it can
    /// no longer bring anyone in).
    pub fn invite_used(&self, secret: &str) -> Result<bool> {
        let Some(bytes) = self.store.meta(&key(secret))? else {
            return Ok(true);
        };
        let invite: Invite =
            serde_json::from_slice(&bytes).map_err(|e| Error::Database(e.to_string()))?;
        Ok(invite.used_by.is_some())
    }

    /// Accepts an invite for `member` (the joining device) named `name`: checks the secret,
    /// that it is unused and unexpired and that the role is the one it was issued for, then
    /// adds the member to the roster. Returns the team document for the new member.
    pub fn accept_invite(
        &mut self,
        secret: &str,
        role: Role,
        member: &str,
        name: &str,
    ) -> Result<Vec<u8>> {
        let refuse = |why: String| Error::InviteRefused(why);
        let Some(bytes) = self.store.meta(&key(secret))? else {
            return Err(refuse("this invite is not known here: the ticket is wrong, foreign or was made on another machine".into()));
        };
        let mut invite: Invite =
            serde_json::from_slice(&bytes).map_err(|e| Error::Database(e.to_string()))?;
        if invite.role != role {
            return Err(refuse(format!(
                "the ticket was altered: it says {role}, the invite was for {}",
                invite.role
            )));
        }
        if let Some(used_by) = &invite.used_by {
            // A used invite stays used: presenting it again changes nothing on the roster.
            // The member who used it may fetch the team document again (a join that was
            // cut off resumes), but only while they are an active member.
            let team = self.team()?;
            return match team.members.get(member) {
                Some(m) if used_by == member && !m.removed => self.team_document(),
                _ => Err(refuse(
                    "this invite was already used; ask an admin for a new one".into(),
                )),
            };
        }
        if invite.expires_at < now_millis() {
            return Err(refuse(
                "this invite has expired; ask an admin for a new one".into(),
            ));
        }
        self.require_admin()?;
        let added = Member {
            id: member.to_string(),
            name: name.trim().chars().take(64).collect(),
            role: invite.role,
            added_by: self.writer.member.clone(),
            added_at: now_millis(),
            removed: false,
            history_ends: Default::default(),
        };
        self.update_team(&format!("{} joined as {}", added.name, added.role), |t| {
            t.members.insert(added.id.clone(), added.clone());
            Ok(())
        })?;
        invite.used_by = Some(member.to_string());
        self.put_invite(&invite)?;
        self.team_document()
    }
}
