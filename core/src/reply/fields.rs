//! Placeholders in a reply: `{订单号}`, `{name}`, `{解决方案，如补发/退款}`, the blanks an
//! agent fills before the reply is sent. A placeholder is a brace pair around 1–40
//! characters on one line, with no brace inside.

use std::collections::BTreeMap;

/// Most characters a placeholder's name may have.
const MAX_NAME: usize = 40;

/// A placeholder found in a text: its name (the text between the braces) and where it
/// is, in bytes, braces included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// Every placeholder of `text`, in order (a name may appear more than once).
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find('{').map(|o| at + o) {
        let inner_start = open + 1;
        let close = text[inner_start..]
            .find(['{', '}', '\n'])
            .map(|c| inner_start + c);
        match close {
            Some(close) if text[close..].starts_with('}') => {
                let name = &text[inner_start..close];
                let chars = name.chars().count();
                if (1..=MAX_NAME).contains(&chars) && !name.trim().is_empty() {
                    found.push(Placeholder {
                        name: name.to_string(),
                        start: open,
                        end: close + 1,
                    });
                }
                at = close + 1;
            }
            Some(close) => at = close,
            None => break,
        }
    }
    found
}

/// The names of the placeholders of `text`, each once, in the order they first appear.
pub fn field_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for p in placeholders(text) {
        if !names.contains(&p.name) {
            names.push(p.name);
        }
    }
    names
}

/// A text with its placeholders filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// The text; a placeholder without a value is left as it was.
    pub text: String,
    /// The names left without a value, each once, in order.
    pub unfilled: Vec<String>,
}

/// Fills the placeholders of `text` from `values` (name → value). A value that is empty
/// or only spaces fills nothing.
pub fn fill(text: &str, values: &BTreeMap<String, String>) -> Filled {
    let mut out = String::with_capacity(text.len());
    let mut unfilled: Vec<String> = Vec::new();
    let mut at = 0;
    for p in placeholders(text) {
        out.push_str(&text[at..p.start]);
        match values
            .get(&p.name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            Some(value) => out.push_str(value),
            None => {
                out.push_str(&text[p.start..p.end]);
                if !unfilled.contains(&p.name) {
                    unfilled.push(p.name);
                }
            }
        }
        at = p.end;
    }
    out.push_str(&text[at..]);
    Filled {
        text: out,
        unfilled,
    }
}
