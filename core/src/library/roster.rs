//! Team administration: naming the team, and the roster (roles, removal). Only admins
//! change the team document; everyone else gets a refusal naming who can help.

use super::Library;
use crate::model::{Member, Role, Team};
use crate::{Error, Result};

impl Library {
    /// Makes this library a named team library; the caller must be its admin.
    pub fn create_team_named(&mut self, name: &str) -> Result<Team> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("the team needs a name"));
        }
        self.require_admin()?;
        let team = self.team()?;
        if !team.name.is_empty() && team.name != name {
            return Err(Error::invalid(format!(
                "this library already belongs to team “{}”; rename it with the app's team settings",
                team.name
            )));
        }
        let owned = name.to_string();
        self.update_team(&format!("created team {owned}"), |t| {
            t.name = owned;
            Ok(())
        })
    }

    /// Finds a member by id, unique id prefix, or exact display name.
    pub fn find_member(&mut self, query: &str) -> Result<Member> {
        let team = self.team()?;
        let query = query.trim();
        if let Some(m) = team.members.get(query) {
            return Ok(m.clone());
        }
        let matches: Vec<&Member> = team
            .members
            .values()
            .filter(|m| m.name == query || (query.len() >= 4 && m.id.starts_with(query)))
            .collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::invalid(format!(
                "no member matches `{query}`; `lore members` lists them"
            ))),
            many => Err(Error::invalid(format!(
                "`{query}` matches {} members; use more of the member id",
                many.len()
            ))),
        }
    }

    /// Gives a member another role (admins only; the last admin stays an admin).
    pub fn set_role(&mut self, query: &str, role: Role) -> Result<Member> {
        self.require_admin()?;
        let member = self.find_member(query)?;
        if member.removed {
            return Err(Error::invalid(format!(
                "{} was removed from the team; invite them again instead",
                member.name
            )));
        }
        self.keep_an_admin(&member, role != Role::Admin)?;
        self.change_member(&member, &format!("{} is now {role}", member.name), |m| {
            m.role = role
        })
    }

    /// Removes a member: their devices are refused from now on; what they wrote stays.
    pub fn remove_member(&mut self, query: &str) -> Result<Member> {
        self.require_admin()?;
        let member = self.find_member(query)?;
        self.keep_an_admin(&member, true)?;
        self.change_member(&member, &format!("removed {}", member.name), |m| {
            m.removed = true
        })
    }

    /// Changes one roster entry; returns it as stored.
    fn change_member(
        &mut self,
        member: &Member,
        summary: &str,
        change: impl FnOnce(&mut Member),
    ) -> Result<Member> {
        let id = member.id.clone();
        let team = self.update_team(summary, |t| {
            if let Some(m) = t.members.get_mut(&id) {
                change(m);
            }
            Ok(())
        })?;
        team.members
            .get(&member.id)
            .cloned()
            .ok_or_else(|| Error::invalid(format!("{} left the roster meanwhile", member.name)))
    }

    /// Fails unless this writer is an admin, naming the admins to ask.
    pub fn require_admin(&mut self) -> Result<()> {
        if self.my_role()? == Role::Admin {
            return Ok(());
        }
        let admins: Vec<String> = self
            .team()?
            .active_members()
            .iter()
            .filter(|m| m.role == Role::Admin)
            .map(|m| m.name.clone())
            .collect();
        Err(Error::forbidden(format!(
            "only admins can do this; ask {}",
            if admins.is_empty() {
                "an admin".to_string()
            } else {
                admins.join(" or ")
            }
        )))
    }

    /// Refuses a change that would leave the team without an active admin.
    fn keep_an_admin(&mut self, member: &Member, losing_admin: bool) -> Result<()> {
        if !losing_admin || member.role != Role::Admin {
            return Ok(());
        }
        let admins = self
            .team()?
            .active_members()
            .iter()
            .filter(|m| m.role == Role::Admin)
            .count();
        if admins <= 1 {
            return Err(Error::invalid(format!(
                "{} is the team's only admin; make someone else admin first",
                member.name
            )));
        }
        Ok(())
    }
}
