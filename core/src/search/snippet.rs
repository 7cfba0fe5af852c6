//! Snippets: a short passage of the body around the first match, with every query word
//! in it marked `**like this**`. Built with string search on `str`, so a character is never
//! split, and without re-tokenising bodies (which would cost more than the search).

/// Characters shown before the first match, and in all.
const BEFORE: usize = 20;
const LENGTH: usize = 64;

/// The snippet of `markdown` for the query words `words` (longest first).
pub(crate) fn make(markdown: &str, words: &[String]) -> String {
    let text = plain_text(markdown);
    let lower = text.to_lowercase();
    // Lowercasing can change byte lengths outside ASCII; then match case-sensitively.
    let haystack = if lower.len() == text.len() {
        &lower
    } else {
        &text
    };
    let first = words
        .iter()
        .filter(|w| !w.is_empty())
        .filter_map(|w| haystack.find(w.as_str()))
        .min();
    let start_char = match first {
        Some(byte) => text[..byte].chars().count().saturating_sub(BEFORE),
        None => 0,
    };
    let total = text.chars().count();
    let end_char = (start_char + LENGTH).min(total);
    let byte_at = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
    let (from, to) = (byte_at(start_char), byte_at(end_char));
    let window = &text[from..to];
    let window_lower = &haystack[from..to];
    let mut out = String::with_capacity(window.len() + 16);
    if start_char > 0 {
        out.push('…');
    }
    let mut at = 0;
    while at < window.len() {
        let hit = words
            .iter()
            .filter(|w| !w.is_empty())
            .find(|w| window_lower[at..].starts_with(w.as_str()));
        match hit {
            Some(w) => {
                let end = at + w.len();
                out.push_str("**");
                out.push_str(&window[at..end]);
                out.push_str("**");
                at = end;
            }
            None => {
                let ch = window[at..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&window[at..at + ch]);
                at += ch;
            }
        }
    }
    if end_char < total {
        out.push('…');
    }
    out.replace("****", "")
}

/// Markdown without its markup: emphasis, code ticks, headings, quotes, table pipes and
/// list bullets go; the words stay, on one line.
pub(crate) fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start();
        let line = line.trim_start_matches(['#', '>']).trim_start();
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .unwrap_or(line);
        if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue;
        }
        let cleaned = line
            .replace("**", "")
            .replace("__", "")
            .replace(['`', '|'], " ");
        let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        if !cleaned.is_empty() {
            out.push_str(&cleaned);
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}
