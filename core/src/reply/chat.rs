//! Markdown as a team writes it, turned into the plain text a customer reads in a chat
//! window (WeChat, a web chat): no markers, lists as `1.` / `•` lines, tables as one
//! readable line per row, links as their text and address.
//!
//! Line by line, like the app's renderer: entry bodies use a small part of Markdown, and
//! a line the converter does not recognise is kept as written (less its inline markers).

/// The chat-ready text of `markdown`.
pub fn chat_text(markdown: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = markdown.lines().collect();
    let mut fenced = false;
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at].trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            at += 1;
            continue;
        }
        if fenced {
            out.push(line.to_string());
            at += 1;
            continue;
        }
        if let Some(rows) = table_at(&lines[at..]) {
            out.extend(table_lines(&lines[at..at + rows]));
            at += rows;
            continue;
        }
        out.push(block_line(line));
        at += 1;
    }
    tidy(&out)
}

/// One line outside tables and code: headings, quotes, list items, rules.
fn block_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let trimmed = line.trim_start();
    if is_rule(trimmed) {
        return String::new();
    }
    let hashes = trimmed.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
        return inline(trimmed[hashes..].trim().trim_end_matches('#').trim_end());
    }
    let mut quote = trimmed;
    while let Some(rest) = quote.strip_prefix('>') {
        quote = rest.trim_start();
    }
    if quote.len() != trimmed.len() {
        return block_line(quote);
    }
    // Nested items keep a two-space step per level so the structure still shows.
    let pad = "  ".repeat(indent / 2);
    for bullet in ["- ", "* ", "+ "] {
        if let Some(item) = trimmed.strip_prefix(bullet) {
            let item = strip_task_box(item);
            return format!("{pad}• {}", inline(item.trim()));
        }
    }
    if let Some((number, item)) = ordered_item(trimmed) {
        return format!("{pad}{number}. {}", inline(item.trim()));
    }
    inline(trimmed)
}

/// `[ ] ` / `[x] ` at the start of a list item.
fn strip_task_box(item: &str) -> &str {
    for checkbox in ["[ ] ", "[x] ", "[X] "] {
        if let Some(rest) = item.strip_prefix(checkbox) {
            return rest;
        }
    }
    item
}

/// `12. item` or `12) item`: the number and the item.
fn ordered_item(line: &str) -> Option<(&str, &str)> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &line[digits..];
    let item = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))?;
    Some((&line[..digits], item))
}

/// `---`, `***`, `___` (three or more, spaces allowed) alone on a line.
fn is_rule(line: &str) -> bool {
    let marks: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3 && ['-', '*', '_'].iter().any(|m| marks.iter().all(|c| c == m))
}

/// How many lines from the start of `lines` form a table: a header row, a separator
/// row of dashes, then rows, all with pipes.
/// (The app's Markdown renderer draws the same tables, so both read them here.)
pub fn table_at(lines: &[&str]) -> Option<usize> {
    let header = lines.first()?.trim();
    let separator = lines.get(1)?.trim();
    if !header.contains('|') || !is_separator(separator) {
        return None;
    }
    let body = lines[2..]
        .iter()
        .take_while(|l| l.trim().contains('|') && !l.trim().is_empty())
        .count();
    Some(2 + body)
}

/// `|---|:---:|` and the like.
fn is_separator(line: &str) -> bool {
    line.contains('-')
        && line.contains('|')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// The cells of a table row as written (trimmed, inline markers kept).
pub fn table_cells(row: &str) -> Vec<&str> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    row.split('|').map(str::trim).collect()
}

/// The cells of a table row, inline markers removed.
fn cells(row: &str) -> Vec<String> {
    table_cells(row).into_iter().map(inline).collect()
}

/// A table as lines: each row as `• first cell：rest`, where with more than two columns
/// each further cell is named by its header (`燃气灶 ✔，电磁炉 ✘`). The header row itself
/// only names the cells.
fn table_lines(rows: &[&str]) -> Vec<String> {
    let header = cells(rows[0]);
    let chinese = rows.iter().any(|r| r.chars().any(is_cjk));
    let (colon, comma) = if chinese {
        ("：", "，")
    } else {
        (": ", ", ")
    };
    let mut out = Vec::new();
    for row in &rows[2..] {
        let cells = cells(row);
        let Some((first, rest)) = cells.split_first() else {
            continue;
        };
        let rest: Vec<String> = if header.len() <= 2 {
            rest.iter().filter(|c| !c.is_empty()).cloned().collect()
        } else {
            rest.iter()
                .enumerate()
                .filter(|(_, c)| !c.is_empty())
                .map(|(i, c)| match header.get(i + 1).filter(|h| !h.is_empty()) {
                    Some(h) => format!("{h} {c}"),
                    None => c.clone(),
                })
                .collect()
        };
        out.push(match (first.is_empty(), rest.is_empty()) {
            (_, true) => format!("• {first}"),
            (true, false) => format!("• {}", rest.join(comma)),
            (false, false) => format!("• {first}{colon}{}", rest.join(comma)),
        });
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// Inline Markdown out of one line: emphasis and code markers, links, images, escapes and
/// line-break tags. Placeholders (`{订单号}`) pass untouched.
fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '{' => {
                // A placeholder is copied as it is, underscores and all.
                let end = chars[i..].iter().position(|&c| c == '}' || c == '\n');
                match end.filter(|&e| chars[i + e] == '}') {
                    Some(e) => {
                        out.extend(&chars[i..=i + e]);
                        i += e + 1;
                    }
                    None => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            '`' => {
                let ticks = chars[i..].iter().take_while(|&&c| c == '`').count();
                let close = find_run(&chars, i + ticks, '`', ticks);
                match close {
                    Some(end) => {
                        out.extend(chars[i + ticks..end].iter());
                        i = end + ticks;
                    }
                    None => {
                        out.extend(&chars[i..i + ticks]);
                        i += ticks;
                    }
                }
            }
            // A link, or an image (`![alt](url)`): its text and address.
            '[' | '!' => {
                let open = if c == '!' { i + 1 } else { i };
                let link = (chars.get(open) == Some(&'['))
                    .then(|| link_at(&chars, open))
                    .flatten();
                match link {
                    Some((label, url, end)) => {
                        out.push_str(&link_text(&label, &url));
                        i = end;
                    }
                    None => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            '<' => {
                let rest: String = chars[i..].iter().take(8).collect::<String>().to_lowercase();
                if rest.starts_with("<br>")
                    || rest.starts_with("<br/>")
                    || rest.starts_with("<br />")
                {
                    let len = chars[i..].iter().position(|&c| c == '>').unwrap_or(0) + 1;
                    out.push('\n');
                    i += len;
                } else if let Some(end) = autolink_end(&chars, i) {
                    out.extend(chars[i + 1..end].iter());
                    i = end + 1;
                } else {
                    out.push(c);
                    i += 1;
                }
            }
            '*' | '_' | '~' => {
                let run = chars[i..].iter().take_while(|&&x| x == c).count();
                if opens(&chars, i, run)
                    && let Some(end) = closing(&chars, i + run, c, run)
                {
                    out.push_str(&inline(&chars[i + run..end].iter().collect::<String>()));
                    i = end + run;
                } else {
                    out.extend(&chars[i..i + run]);
                    i += run;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Whether the run of `run` markers at `at` can open emphasis: followed by a non-space,
/// and (for `_`, which joins words such as `order_no`) not preceded by a letter or digit.
fn opens(chars: &[char], at: usize, run: usize) -> bool {
    let marker = chars[at];
    if marker == '~' && run != 2 {
        return false;
    }
    let next = chars.get(at + run);
    if next.is_none_or(|n| n.is_whitespace()) {
        return false;
    }
    marker != '_' || at == 0 || !chars[at - 1].is_alphanumeric()
}

/// Where the run of `run` `marker`s that closes emphasis opened before `from` starts.
fn closing(chars: &[char], from: usize, marker: char, run: usize) -> Option<usize> {
    let mut at = from;
    while let Some(found) = find_run(chars, at, marker, run) {
        let before = chars[found - 1];
        let after = chars.get(found + run);
        let word_joined = marker == '_' && after.is_some_and(|a| a.is_alphanumeric());
        if found > from && !before.is_whitespace() && !word_joined {
            return Some(found);
        }
        at = found + run;
    }
    None
}

/// The next run of exactly `run` `marker`s at or after `from`.
fn find_run(chars: &[char], from: usize, marker: char, run: usize) -> Option<usize> {
    let mut at = from;
    while at < chars.len() {
        if chars[at] == marker {
            let len = chars[at..].iter().take_while(|&&c| c == marker).count();
            if len == run {
                return Some(at);
            }
            at += len;
        } else {
            at += 1;
        }
    }
    None
}

/// `[label](url)` at `at`: the label, the address and where the link ends.
fn link_at(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let close = at + chars[at..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 1 + chars[close + 1..].iter().position(|&c| c == ')')?;
    let label: String = chars[at + 1..close].iter().collect();
    let target: String = chars[close + 2..end].iter().collect();
    // A title after the address (`(url "title")`) is not part of it.
    let url = target
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    Some((inline(&label), url, end + 1))
}

/// A link as a customer can use it in plain text.
fn link_text(label: &str, url: &str) -> String {
    let label = label.trim();
    if url.is_empty() {
        label.to_string()
    } else if label.is_empty() || label == url {
        url.to_string()
    } else {
        format!("{label} {url}")
    }
}

/// `<https://…>` at `at`: where its `>` is.
fn autolink_end(chars: &[char], at: usize) -> Option<usize> {
    let end = at
        + chars[at..]
            .iter()
            .position(|&c| c == '>' || c.is_whitespace())?;
    let inner: String = chars[at + 1..end].iter().collect();
    (chars[end] == '>' && (inner.starts_with("http://") || inner.starts_with("https://")))
        .then_some(end)
}

/// Joins lines, trims each line's end, keeps at most one blank line in a row, and trims
/// the whole.
fn tidy(lines: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in lines.iter().flat_map(|l| l.split('\n')) {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}
