//! Who may change what, and the proof that they did: every new change names its author
//! (its actor id starts with their key), carries their signature, and is allowed by the
//! roster. Nothing here stores anything; a refusal is a reason in words.

use std::collections::HashSet;

use automerge::{ActorId, AutoCommit, ChangeHash};

use crate::doc::{self, DocKey, Proofs, proof};
use crate::model::{Role, Team};

/// A change new to this library, as the checks need it.
pub(super) struct NewChange {
    pub(super) hash: ChangeHash,
    pub(super) actor: ActorId,
    pub(super) deps: Vec<ChangeHash>,
}

impl From<&automerge::ChangeMetadata<'_>> for NewChange {
    fn from(c: &automerge::ChangeMetadata<'_>) -> NewChange {
        NewChange {
            hash: c.hash,
            actor: c.actor.clone().into_owned(),
            deps: c.deps.clone(),
        }
    }
}

/// Checks every change of `added` (new to this library) of document `key`, as it stands
/// in `after`: signed by the member its actor names, who may change the document. `team`
/// is this library's roster; `fresh` says this library has no team document yet (joining),
/// so the team document's first change may create one. Returns the signatures of the
/// changes, to store with them.
pub(super) fn check(
    key: &str,
    added: &[NewChange],
    seals: &Proofs,
    team: &Team,
    after: &mut AutoCommit,
    fresh: bool,
) -> Result<Proofs, String> {
    let kind = DocKey::parse(key).ok_or("not a document of a library")?;
    let mut proven = Proofs::with_capacity(added.len());
    for change in added {
        let member = doc::member_of_actor(&change.actor).ok_or_else(|| {
            format!(
                "change {} names no member (actor {})",
                change.hash, change.actor
            )
        })?;
        let seal = seals.get(&change.hash).ok_or_else(|| {
            format!(
                "change {} claims to be by {} but carries no signature",
                change.hash,
                proof::short(&member)
            )
        })?;
        proof::verify(&member, key, &change.hash, seal)?;
        proven.insert(change.hash, *seal);
        match &kind {
            DocKey::Team => team_change(change, &member, after, fresh)?,
            _ => allowed(&member, &kind, team)?,
        }
    }
    within_history(key, added, team, after)?;
    Ok(proven)
}

/// Who may change an entry or a ledger: members who may edit, a ledger's own member.
fn allowed(member: &str, kind: &DocKey, team: &Team) -> Result<(), String> {
    let m = team.members.get(member).ok_or_else(|| {
        format!(
            "a change is by {}, who is not on the roster",
            proof::short(member)
        )
    })?;
    let ok = match kind {
        DocKey::Team => m.role == Role::Admin,
        DocKey::Entry(_) => m.role.can_edit(),
        DocKey::Ledger(owner) => owner == member,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} ({}) may not change this document",
            m.name, m.role
        ))
    }
}

/// A change of the team document is judged by the roster it was made on (the document at
/// its dependencies), so concurrent roster changes by two admins are judged the same way
/// on every peer whatever order they arrive in. Its first change creates the team and
/// must make its author an admin; a library that has a team takes no second first change.
fn team_change(
    change: &NewChange,
    member: &str,
    after: &mut AutoCommit,
    fresh: bool,
) -> Result<(), String> {
    if change.deps.is_empty() {
        if !fresh {
            return Err(format!(
                "change {} starts a second team document",
                change.hash
            ));
        }
        let created = after
            .fork_at(&[change.hash])
            .map_err(|e| e.to_string())
            .and_then(|d| doc::read_team(&d).map_err(|e| e.to_string()))?;
        return match created.members.get(member) {
            Some(m) if m.role == Role::Admin && !m.removed => Ok(()),
            _ => Err("the team document's first change does not make its author an admin".into()),
        };
    }
    let at_deps = after
        .fork_at(&change.deps)
        .map_err(|e| format!("change {}: {e}", change.hash))
        .and_then(|d| doc::read_team(&d).map_err(|e| e.to_string()))?;
    // A removed admin cannot write on top of an old version of the roster to undo their
    // removal either: [`within_history`] holds them to what was known when they left.
    allowed(member, &DocKey::Team, &at_deps)
}

/// A removed member's changes are taken only up to where their history ended when they
/// were removed (recorded in the roster): whoever relays a later one, it is refused.
fn within_history(
    key: &str,
    added: &[NewChange],
    team: &Team,
    after: &mut AutoCommit,
) -> Result<(), String> {
    let new: HashSet<ChangeHash> = added.iter().map(|c| c.hash).collect();
    for change in added {
        let Some(member) = doc::member_of_actor(&change.actor) else {
            continue;
        };
        let Some(m) = team.members.get(&member).filter(|m| m.removed) else {
            continue;
        };
        let ends: Vec<ChangeHash> = m
            .history_ends
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|h| h.parse().ok())
            .collect();
        if !reaches(after, &ends, &change.hash, &new) {
            return Err(format!(
                "change {} is by {}, removed from the team, and was not known when they \
                 were removed",
                change.hash, m.name
            ));
        }
    }
    Ok(())
}

/// Whether `target` (one of the `new` changes) is one of `ends` or an ancestor of one.
/// Only new changes are walked: everything older was stored before and is complete.
fn reaches(
    doc: &mut AutoCommit,
    ends: &[ChangeHash],
    target: &ChangeHash,
    new: &HashSet<ChangeHash>,
) -> bool {
    let mut stack: Vec<ChangeHash> = ends.iter().filter(|h| new.contains(h)).copied().collect();
    let mut seen = HashSet::new();
    while let Some(hash) = stack.pop() {
        if hash == *target {
            return true;
        }
        if !seen.insert(hash) {
            continue;
        }
        if let Some(meta) = doc.get_change_meta_by_hash(&hash) {
            stack.extend(meta.deps.iter().filter(|d| new.contains(d)));
        }
    }
    false
}
