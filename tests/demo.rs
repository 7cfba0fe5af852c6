//! The built-in demo library.

use std::collections::BTreeMap;

use lore_core::{Kind, Library, Role, Writer};

use crate::lore;

#[test]
fn the_demo_library_is_a_realistic_bilingual_team_knowledge_base() {
    let l = lore();
    let report = l.json(&["demo"]).remove(0);
    assert!(report["created"].as_u64().unwrap_or(0) >= 220, "{report}");
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut english = 0;
    let all: Vec<_> = ["draft", "published", "archived"]
        .iter()
        .flat_map(|s| l.json(&["list", "--status", s]))
        .collect();
    for row in &all {
        *kinds
            .entry(row["kind"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
        english += usize::from(row["title"].as_str().unwrap_or("").is_ascii());
    }
    assert!(kinds["faq"] >= 150, "{kinds:?}");
    assert!(kinds["script"] >= 40, "{kinds:?}");
    assert!(kinds["sop"] >= 15, "{kinds:?}");
    assert!(kinds["training"] >= 15, "{kinds:?}");
    assert!(
        english * 10 >= all.len() && english * 2 < all.len(),
        "mostly Chinese, some English: {english}/{}",
        all.len()
    );
    // Scripts carry unique shortcodes and are found by them.
    assert_eq!(l.json(&["show", "#2"])[0]["kind"], "script");
    // Training items carry their role-play fields.
    let training = l.json(&["list", "--kind", "training"]);
    let item = &l.json(&["show", training[0]["id"].as_str().unwrap_or_default()])[0];
    assert!(
        item["turns"].as_array().is_some_and(|t| !t.is_empty()),
        "{item}"
    );

    let mut library = Library::open(&l.dir(), Writer::generate("reader")).expect("open");
    let team = library.team().expect("team");
    assert!(!team.name.is_empty());
    let roles: Vec<Role> = team.active_members().iter().map(|m| m.role).collect();
    for role in Role::ALL {
        assert!(roles.contains(&role), "the demo team has a {role}");
    }
    assert!(
        team.synonyms
            .iter()
            .any(|g| g.contains(&"退款".to_string()) && g.contains(&"退钱".to_string()))
    );
    assert!(team.categories.len() >= 10);
    // Contributed answers are attributed to demo members by name.
    let with_answers = library
        .ids()
        .into_iter()
        .filter_map(|id| library.get(&id).ok())
        .find(|e| e.kind == Kind::Faq && e.adopted_answer().is_some())
        .expect("some FAQ has an adopted answer");
    let author = &with_answers.adopted_answer().expect("adopted").author;
    assert!(
        team.members.contains_key(author),
        "{author} is on the roster"
    );
}

#[test]
fn loading_the_demo_twice_changes_nothing() {
    let l = lore();
    l.ok(&["demo"]);
    let again = l.json(&["demo"]).remove(0);
    assert_eq!(again["created"], 0);
    assert_eq!(again["updated"], 0);
}
