//! The library's side of the HTTP API's tokens: created, listed and revoked by admins in
//! the team document (a non-admin's change to it is refused by every peer, so a forged
//! token never works anywhere), looked up by secret, and the uses made through them,
//! attributed to the token's name.

use std::collections::BTreeMap;
use std::sync::Arc;

use automerge::transaction::Transactable as _;

use super::{Library, Recorded};
use crate::doc::{self, DocKey};
use crate::model::{
    ApiToken, Scope, TOKEN_PREFIX, Team, hash_secret, new_token, now_millis, validate_token_name,
};
use crate::{Error, Result};

impl Library {
    /// Creates an API token (admins only): returns it and its secret, which is shown
    /// once and never stored. A revoked token's name may be given again.
    pub fn create_token(&mut self, name: &str, scope: Scope) -> Result<(ApiToken, String)> {
        let name = validate_token_name(name)?.to_string();
        self.require_admin()?;
        if self.team()?.tokens.get(&name).is_some_and(|t| !t.revoked) {
            return Err(Error::invalid(format!(
                "a token named “{name}” exists; revoke it first (`lore token revoke {name}`) or choose another name"
            )));
        }
        let secret = format!("{TOKEN_PREFIX}{}", new_token(40));
        let token = ApiToken {
            name: name.clone(),
            scope,
            hash: hash_secret(&secret),
            created_by: self.writer.member.clone(),
            created_at: now_millis(),
            revoked: false,
        };
        let stored = token.clone();
        self.update_team(&format!("created API token {name} ({scope})"), |t| {
            t.tokens.insert(name, stored);
            Ok(())
        })?;
        Ok((token, secret))
    }

    /// Every API token, revoked ones included, by name.
    pub fn tokens(&mut self) -> Result<Vec<ApiToken>> {
        Ok(self.team()?.tokens.into_values().collect())
    }

    /// Revokes an API token (admins only): every node refuses it from then on.
    pub fn revoke_token(&mut self, name: &str) -> Result<ApiToken> {
        self.require_admin()?;
        let name = name.trim().to_string();
        let team = self.team()?;
        let Some(token) = team.tokens.get(&name) else {
            let known: Vec<&str> = team.tokens.keys().map(String::as_str).collect();
            return Err(Error::invalid(format!(
                "no API token is named “{name}”; the team's tokens: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        };
        if token.revoked {
            return Ok(token.clone());
        }
        let team = self.update_team(&format!("revoked API token {name}"), |t| {
            if let Some(token) = t.tokens.get_mut(&name) {
                token.revoked = true;
            }
            Ok(())
        })?;
        team.tokens
            .get(&name)
            .cloned()
            .ok_or_else(|| Error::invalid(format!("token “{name}” left the team meanwhile")))
    }

    /// The token a secret belongs to: not revoked, created by a member still on the
    /// roster. None for anything else.
    pub fn token_for(&mut self, secret: &str) -> Result<Option<ApiToken>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = hash_secret(secret);
        let team = self.team_as_read()?;
        Ok(team
            .tokens
            .values()
            .find(|t| t.hash == hash && !t.revoked)
            .filter(|t| team.members.get(&t.created_by).is_some_and(|m| !m.removed))
            .cloned())
    }

    /// The team as last read, read again only when the team document's heads moved: for
    /// what every request of the HTTP API reads (its token, the query log's setting),
    /// since reading the team from its document takes milliseconds.
    pub(super) fn team_as_read(&mut self) -> Result<Arc<Team>> {
        let stored = self.doc_mut(DocKey::TEAM)?;
        if stored.doc.pending_ops() > 0 {
            // Mid-change (never committed by reading): read what is there.
            return doc::read_team(&stored.doc).map(Arc::new);
        }
        let heads = stored.doc.get_heads();
        if let Some((read_at, team)) = &self.team_read
            && *read_at == heads
        {
            return Ok(team.clone());
        }
        let team = Arc::new(doc::read_team(&self.doc_mut(DocKey::TEAM)?.doc)?);
        self.team_read = Some((heads, team.clone()));
        Ok(team)
    }

    /// Records a use of entry `id`'s reply made through the API token `token`, in this
    /// node's ledger, attributed to the token's name. Refused for a `read` token.
    pub fn record_api_use(
        &mut self,
        id: &str,
        answer: Option<&str>,
        token: &ApiToken,
    ) -> Result<Recorded> {
        if !token.scope.may_record() {
            return Err(Error::invalid(format!(
                "token “{}” has the scope read, which records nothing; create one with --scope reply",
                token.name
            )));
        }
        self.record_copy_via(id, answer, Some(&token.name))
    }

    /// Uses made through the API over every member's ledger: token name → uses.
    pub fn api_uses(&mut self) -> Result<BTreeMap<String, u64>> {
        let members: Vec<String> = self.team()?.members.into_keys().collect();
        let mut uses = BTreeMap::new();
        for member in members {
            let stored = match self.doc_mut(&DocKey::ledger(&member)) {
                Ok(stored) => stored,
                Err(Error::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let via = doc::read_via(&stored.doc)?;
            if via.is_empty() {
                continue;
            }
            for copy in doc::read_copies(&stored.doc)? {
                if let Some(name) = via.get(&copy.key()) {
                    *uses.entry(name.clone()).or_insert(0) += 1;
                }
            }
        }
        Ok(uses)
    }
}
