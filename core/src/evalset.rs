//! Loading an evaluation library other than the demo (the search benchmark's harder set):
//! its entries in the import format and its team file's categories, tags and synonyms.

use crate::exchange::Record;
use crate::library::{ImportItem, ImportReport, Library};
use crate::{Error, Result};

/// The part of a team file an evaluation library needs.
#[derive(Debug, serde::Deserialize)]
struct SetTeam {
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
}

/// Loads into `library` `entries` (JSON Lines, as `lore import` reads them; `name` is
/// used in error locations) with the categories, tags and synonym groups of `team` (a team
/// file as in `fixtures/FORMAT.md`). Nothing is written when a line or the team file is
/// bad.
pub fn load(library: &mut Library, name: &str, entries: &str, team: &str) -> Result<ImportReport> {
    let set: SetTeam = serde_json::from_str(team)
        .map_err(|e| Error::import(format!("{name}/team.json"), e.to_string()))?;
    let mut items = Vec::new();
    for row in crate::exchange::read_jsonl(&format!("{name}/entries.jsonl"), entries) {
        let (location, record) = row?;
        let entry = Record::into_entry(record).map_err(|m| Error::import(&location, m))?;
        items.push(ImportItem { location, entry });
    }
    library.my_role()?;
    library.update_team("loaded an evaluation team", |t| {
        t.merge_vocabulary(&set.categories, &set.tags, &set.synonyms);
        Ok(())
    })?;
    library.import(items, &mut |_, _| {})
}
