//! One-line summaries of what a change did, stored as the change's message.

use crate::model::Entry;

/// Describes the difference between `old` (none when created) and `new`.
pub(crate) fn describe(old: Option<&Entry>, new: &Entry) -> String {
    let Some(old) = old else {
        return format!("created {}", new.kind);
    };
    let mut parts: Vec<String> = Vec::new();
    if old.status != new.status {
        parts.push(match new.status {
            crate::model::Status::Archived => "archived".to_string(),
            s => format!("status {} → {s}", old.status),
        });
    }
    if old.kind != new.kind {
        parts.push(format!("kind {} → {}", old.kind, new.kind));
    }
    if old.title != new.title {
        parts.push(format!("title → “{}”", clip(&new.title)));
    }
    text_change(&mut parts, "body", &old.body, &new.body);
    let (added, removed) = set_change(&old.tags, &new.tags);
    for t in added {
        parts.push(format!("+tag {t}"));
    }
    for t in removed {
        parts.push(format!("-tag {t}"));
    }
    if old.category != new.category {
        parts.push(format!("category → {}", or_none(&new.category)));
    }
    if old.shortcode != new.shortcode {
        parts.push(format!("shortcode → {}", or_none(&new.shortcode)));
    }
    if old.internal != new.internal {
        parts.push(
            if new.internal {
                "made internal"
            } else {
                "made public"
            }
            .to_string(),
        );
    }
    if old.questions != new.questions {
        parts.push(format!("questions ({})", new.questions.len()));
    }
    let old_ids: Vec<&str> = old.answers.iter().map(|a| a.id.as_str()).collect();
    let added_answers = new
        .answers
        .iter()
        .filter(|a| !old_ids.contains(&a.id.as_str()))
        .count();
    if added_answers > 0 {
        parts.push(format!("+{added_answers} answer(s)"));
    }
    let adopted = |e: &Entry| e.adopted_answer().map(|a| a.id.clone());
    if adopted(old) != adopted(new) {
        parts.push(match adopted(new) {
            Some(id) => format!("adopted answer {id}"),
            None => "no adopted answer".to_string(),
        });
    }
    text_change(&mut parts, "persona", &old.persona, &new.persona);
    text_change(&mut parts, "opening", &old.opening, &new.opening);
    if old.turns != new.turns {
        parts.push(format!("turns ({})", new.turns.len()));
    }
    if old.key_points != new.key_points {
        parts.push(format!("key points ({})", new.key_points.len()));
    }
    if old.links != new.links {
        parts.push(format!("links ({})", new.links.len()));
    }
    if parts.is_empty() {
        "edited".to_string()
    } else {
        parts.join("; ")
    }
}

fn text_change(parts: &mut Vec<String>, field: &str, old: &str, new: &str) {
    if old == new {
        return;
    }
    let (o, n) = (old.chars().count() as i64, new.chars().count() as i64);
    let delta = n - o;
    parts.push(if delta == 0 {
        format!("{field} edited")
    } else {
        format!("{field} edited ({delta:+} chars)")
    });
}

fn set_change<'a>(old: &'a [String], new: &'a [String]) -> (Vec<&'a str>, Vec<&'a str>) {
    let added = new
        .iter()
        .filter(|t| !old.contains(t))
        .map(String::as_str)
        .collect();
    let removed = old
        .iter()
        .filter(|t| !new.contains(t))
        .map(String::as_str)
        .collect();
    (added, removed)
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "(none)" } else { s }
}

fn clip(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
