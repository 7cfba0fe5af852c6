//! What an import would do, before it does it: each entry created or updated, and every
//! problem with its `FILE:LINE`. The import itself writes only when there is none.

use serde::Serialize;

use super::sources::Sources;
use crate::library::{ImportItem, ImportReport, ImportTarget, Library};
use crate::model::{EntryId, Kind, Team};
use crate::{Error, ImportProblem, Result};

/// What importing an entry would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PreviewAction {
    /// A new entry.
    Create,
    /// The existing entry with this id (or kind and title) changes.
    Update,
    /// The existing entry already holds exactly this.
    Unchanged,
}

/// One entry an import would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewEntry {
    /// `FILE:LINE`.
    pub location: String,
    /// The entry's id; `None` for a new entry whose file gives none (one is assigned).
    pub id: Option<EntryId>,
    pub kind: Kind,
    pub title: String,
    pub action: PreviewAction,
}

/// What an import of some sources would do to a library, and every problem that stops it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    pub entries: Vec<PreviewEntry>,
    pub problems: Vec<ImportProblem>,
}

impl ImportPreview {
    /// How many entries take `action`.
    pub fn count(&self, action: PreviewAction) -> usize {
        self.entries.iter().filter(|e| e.action == action).count()
    }
}

/// Every item's target in the library, or its problem, in file and line order. An owner
/// named by several members' name is a problem.
fn check<'a>(
    library: &Library,
    team: &Team,
    sources: &'a Sources,
) -> Vec<Result<(&'a ImportItem, ImportTarget), ImportProblem>> {
    let mut planned = library.plan_import(sources.items()).into_iter();
    sources
        .read
        .iter()
        .map(|read| match read {
            Ok(item) => {
                let target = planned
                    .next()
                    .unwrap_or_else(|| Err(unplanned(item)))
                    .map(|target| (item, target))?;
                match &item.entry.owner {
                    Some(owner) => match owner_id(team, owner) {
                        Ok(_) => Ok(target),
                        Err(message) => Err(ImportProblem {
                            location: item.location.clone(),
                            message,
                        }),
                    },
                    None => Ok(target),
                }
            }
            Err(problem) => Err(problem.clone()),
        })
        .collect()
}

/// The member an owner cell names: their id, or their name when only one member has it.
/// A name no member has is kept as written (an owner from another team's export, shown
/// as the file gave it, as imported answer authors are); a name several members share is
/// a problem.
fn owner_id(team: &Team, owner: &str) -> std::result::Result<String, String> {
    if team.members.contains_key(owner) {
        return Ok(owner.to_string());
    }
    let named: Vec<&str> = team
        .members
        .values()
        .filter(|m| m.name == owner)
        .map(|m| m.id.as_str())
        .collect();
    match named.as_slice() {
        [one] => Ok((*one).to_string()),
        [] => Ok(owner.to_string()),
        _ => Err(format!(
            "several members are called `{owner}`; give the owner's (负责人) member id instead"
        )),
    }
}

/// The entry with its owner given as a member id.
fn with_owner_id(team: &Team, entry: &crate::model::Entry) -> crate::model::Entry {
    let mut entry = entry.clone();
    if let Some(id) = entry.owner.as_deref().and_then(|o| owner_id(team, o).ok()) {
        entry.owner = Some(id);
    }
    entry
}

fn unplanned(item: &ImportItem) -> ImportProblem {
    ImportProblem {
        location: item.location.clone(),
        message: "this entry was not checked".to_string(),
    }
}

/// What importing `sources` into `library` would do. Nothing is written; reading the
/// entries an import would update tells which of them would not change.
pub fn preview(library: &mut Library, sources: &Sources) -> ImportPreview {
    let mut preview = ImportPreview::default();
    let team = match library.team() {
        Ok(team) => team,
        Err(e) => {
            preview.problems.push(ImportProblem {
                location: "team".to_string(),
                message: e.to_string(),
            });
            return preview;
        }
    };
    for checked in check(library, &team, sources) {
        let (item, target) = match checked {
            Ok(planned) => planned,
            Err(problem) => {
                preview.problems.push(problem);
                continue;
            }
        };
        let (id, action) = match target {
            ImportTarget::New(id) => {
                let given = (!item.entry.id.is_empty()).then_some(id);
                (given, PreviewAction::Create)
            }
            ImportTarget::Existing(id) => {
                let action = match library.get(&id) {
                    Ok(old) => {
                        let mut new = with_owner_id(&team, &item.entry);
                        new.id = id.clone();
                        new.created_at = old.created_at;
                        new.created_by = old.created_by.clone();
                        if new == old {
                            PreviewAction::Unchanged
                        } else {
                            PreviewAction::Update
                        }
                    }
                    Err(_) => PreviewAction::Update,
                };
                (Some(id), action)
            }
        };
        preview.entries.push(PreviewEntry {
            location: item.location.clone(),
            id,
            kind: item.entry.kind,
            title: item.entry.title.clone(),
            action,
        });
    }
    preview
}

/// Imports `sources` into `library` if nothing is wrong with any of them; otherwise
/// writes nothing and names every problem ([`Error::ImportRejected`]).
pub fn import(
    library: &mut Library,
    sources: Sources,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport> {
    let team = library.team()?;
    let problems: Vec<ImportProblem> = check(library, &team, &sources)
        .into_iter()
        .filter_map(Result::err)
        .collect();
    if !problems.is_empty() {
        return Err(Error::ImportRejected(problems));
    }
    let items = sources
        .read
        .into_iter()
        .filter_map(Result::ok)
        .map(|mut item| {
            item.entry = with_owner_id(&team, &item.entry);
            item
        })
        .collect();
    library.import(items, progress)
}
