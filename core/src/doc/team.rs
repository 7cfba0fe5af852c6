//! The layout of the team document: roster, taxonomy, synonym groups, settings.

use std::collections::BTreeMap;

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};

use crate::Result;
use crate::model::{ApiToken, Member, Team};

#[derive(Debug, Clone, Default, Reconcile, Hydrate)]
struct TeamDoc {
    schema: u64,
    id: String,
    name: String,
    members: BTreeMap<String, MemberDoc>,
    categories: Vec<String>,
    tags: BTreeMap<String, bool>,
    synonyms: Vec<Vec<String>>,
    settings: BTreeMap<String, String>,
    /// API tokens by name; team documents written before the HTTP API have none.
    #[autosurgeon(missing = "BTreeMap::new")]
    tokens: BTreeMap<String, TokenDoc>,
}

#[derive(Debug, Clone, Default, Reconcile, Hydrate)]
struct TokenDoc {
    scope: String,
    /// SHA-256 of the secret, hex.
    hash: String,
    created_by: String,
    created_at: i64,
    revoked: bool,
}

#[derive(Debug, Clone, Default, Reconcile, Hydrate)]
struct MemberDoc {
    name: String,
    role: String,
    added_by: String,
    added_at: i64,
    removed: bool,
    /// Document key → the member's last known change hashes (hex, concatenated).
    history_ends: BTreeMap<String, String>,
}

/// Reads the team out of its document.
pub(crate) fn read_team(doc: &AutoCommit) -> Result<Team> {
    let d: TeamDoc = autosurgeon::hydrate(doc)?;
    let mut members = BTreeMap::new();
    for (id, m) in d.members {
        members.insert(
            id.clone(),
            Member {
                id,
                name: m.name,
                role: m.role.parse()?,
                added_by: m.added_by,
                added_at: m.added_at,
                removed: m.removed,
                history_ends: m
                    .history_ends
                    .into_iter()
                    .map(|(doc, hashes)| (doc, split_hashes(&hashes)))
                    .collect(),
            },
        );
    }
    Ok(Team {
        id: d.id,
        name: d.name,
        members,
        categories: d.categories,
        tags: d.tags.into_keys().collect(),
        synonyms: d.synonyms,
        settings: d.settings,
        // A scope this version does not know (a newer peer's) is left out: never wider.
        tokens: d
            .tokens
            .into_iter()
            .filter_map(|(name, t)| {
                Some((
                    name.clone(),
                    ApiToken {
                        name,
                        scope: t.scope.parse().ok()?,
                        hash: t.hash,
                        created_by: t.created_by,
                        created_at: t.created_at,
                        revoked: t.revoked,
                    },
                ))
            })
            .collect(),
    })
}

/// Writes `team` into its document as minimal operations.
pub(crate) fn write_team(doc: &mut AutoCommit, team: &Team) -> Result<()> {
    let d = TeamDoc {
        schema: 1,
        id: team.id.clone(),
        name: team.name.clone(),
        members: team
            .members
            .iter()
            .map(|(id, m)| {
                (
                    id.clone(),
                    MemberDoc {
                        name: m.name.clone(),
                        role: m.role.as_str().to_string(),
                        added_by: m.added_by.clone(),
                        added_at: m.added_at,
                        removed: m.removed,
                        history_ends: m
                            .history_ends
                            .iter()
                            .map(|(doc, hashes)| (doc.clone(), hashes.concat()))
                            .collect(),
                    },
                )
            })
            .collect(),
        categories: team.categories.clone(),
        tags: team.tags.iter().map(|t| (t.clone(), true)).collect(),
        synonyms: team.synonyms.clone(),
        settings: team.settings.clone(),
        tokens: team
            .tokens
            .iter()
            .map(|(name, t)| {
                (
                    name.clone(),
                    TokenDoc {
                        scope: t.scope.as_str().to_string(),
                        hash: t.hash.clone(),
                        created_by: t.created_by.clone(),
                        created_at: t.created_at,
                        revoked: t.revoked,
                    },
                )
            })
            .collect(),
    };
    autosurgeon::reconcile(doc, &d)?;
    Ok(())
}

/// Concatenated 64-character hex hashes, apart.
fn split_hashes(hashes: &str) -> Vec<String> {
    hashes
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}
