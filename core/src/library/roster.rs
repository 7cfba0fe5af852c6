//! The team document and its administration: reading and changing it, this writer's
//! role, naming the team, and the roster (roles, removal). Only admins change the team
//! document; everyone else gets a refusal naming who can help.

use super::Library;
use crate::doc::{self, DocKey};
use crate::model::{Member, Role, Team, now_millis};
use crate::{Denied, Error, Result};

impl Library {
    /// The team document.
    pub fn team(&mut self) -> Result<Team> {
        let stored = self.doc_mut(DocKey::TEAM)?;
        doc::read_team(&stored.doc)
    }

    /// Changes the team document; `summary` becomes the change's message.
    pub fn update_team(
        &mut self,
        summary: &str,
        change: impl FnOnce(&mut Team) -> Result<()>,
    ) -> Result<Team> {
        let old = self.team()?;
        let mut new = old.clone();
        change(&mut new)?;
        if new == old {
            return Ok(old);
        }
        let stored = self.doc_mut(DocKey::TEAM)?;
        if let Err(e) = doc::write_team(&mut stored.doc, &new) {
            self.docs.remove(DocKey::TEAM);
            return Err(e);
        }
        doc::commit(&mut stored.doc, summary, now_millis());
        self.persist(DocKey::TEAM, None)?;
        let off = crate::search::lexicon::LEXICON_OFF;
        if new.synonyms != old.synonyms || new.settings.get(off) != old.settings.get(off) {
            self.synonyms_changed(&new);
        }
        Ok(new)
    }

    /// This writer's role. Only admins change the team document, so: an admin's new
    /// display name is written to the roster; a writer missing from the roster joins it
    /// only in a library without an admin (a solo library whose device key was replaced);
    /// in a team, members are added by an admin's invite.
    pub fn my_role(&mut self) -> Result<Role> {
        let team = self.team()?;
        let me = &self.writer;
        match team.members.get(&me.member) {
            Some(m) if m.removed => Err(Error::Forbidden(Denied::Removed)),
            Some(m) if m.role != Role::Admin || m.name == me.name || me.name.is_empty() => {
                Ok(m.role)
            }
            Some(m) => {
                let role = m.role;
                let name = me.name.clone();
                let member = me.member.clone();
                self.update_team(&format!("renamed member to {name}"), |t| {
                    if let Some(m) = t.members.get_mut(&member) {
                        m.name = name;
                    }
                    Ok(())
                })?;
                Ok(role)
            }
            None if team.active_members().iter().any(|m| m.role == Role::Admin) => {
                Err(Error::Forbidden(Denied::NotOnRoster { team: team.name }))
            }
            None => {
                let member = Member {
                    id: me.member.clone(),
                    name: me.name.clone(),
                    role: Role::Admin,
                    added_by: me.member.clone(),
                    added_at: now_millis(),
                    removed: false,
                    history_ends: Default::default(),
                };
                self.update_team(&format!("{} joined as admin", member.name), |t| {
                    t.members.insert(member.id.clone(), member);
                    Ok(())
                })?;
                Ok(Role::Admin)
            }
        }
    }

    /// Fails unless this writer may change content (viewers may not).
    pub fn check_can_edit(&mut self) -> Result<()> {
        self.check_can_write()
    }

    pub(super) fn check_can_write(&mut self) -> Result<()> {
        if self.roster_checked {
            return Ok(());
        }
        let role = self.my_role()?;
        if !role.can_edit() {
            return Err(Error::Forbidden(Denied::Viewer));
        }
        self.roster_checked = true;
        Ok(())
    }

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

    /// Removes a member: their devices are refused from now on; what they wrote stays, up
    /// to their last changes known here, which the roster records: every peer refuses
    /// their changes beyond those, whoever relays them.
    pub fn remove_member(&mut self, query: &str) -> Result<Member> {
        self.require_admin()?;
        let member = self.find_member(query)?;
        self.keep_an_admin(&member, true)?;
        let ends = self.history_ends(&member.id)?;
        self.change_member(&member, &format!("removed {}", member.name), |m| {
            m.removed = true;
            m.history_ends = ends;
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
        let admins = self.team()?.names_of(&[Role::Admin]);
        Err(Error::Forbidden(Denied::AdminsOnly { admins }))
    }

    /// Refuses anyone but an admin or trainer on the roster.
    pub(super) fn require_lead(&mut self) -> Result<()> {
        if matches!(self.my_role()?, Role::Admin | Role::Trainer) {
            return Ok(());
        }
        let leads = self.team()?.names_of(&[Role::Admin, Role::Trainer]);
        Err(Error::Forbidden(Denied::LeadsOnly { leads }))
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
