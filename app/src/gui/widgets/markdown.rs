//! Markdown as support teams write it: headings, bulleted and numbered lists, quotes,
//! **bold**, `code`, and paragraphs (links show their text). Line by line, so a body
//! never needs a parser's whole document.

use egui::text::LayoutJob;
use egui::{FontId, RichText, TextFormat};
use lore_core::reply::{table_at, table_cells};

/// Heading sizes for `#` to `######`.
const HEADING_SIZES: [f32; 6] = [20.0, 18.0, 16.0, 15.0, 14.0, 14.0];

/// Draws `text` as Markdown.
pub fn markdown_ui(ui: &mut egui::Ui, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at];
        at += 1;
        if let Some(rows) = table_at(&lines[at - 1..]) {
            table_ui(ui, at, &lines[at - 1..at - 1 + rows]);
            at += rows - 1;
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            ui.add_space(6.0);
            continue;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
            let size = HEADING_SIZES[hashes - 1];
            ui.label(RichText::new(trimmed[hashes..].trim()).strong().size(size));
            continue;
        }
        let (prefix, rest) = if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            ("  •  ".to_string(), item)
        } else if let Some(quote) = trimmed.strip_prefix("> ") {
            ("  ▎ ".to_string(), quote)
        } else {
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            match trimmed[digits..].strip_prefix(". ") {
                Some(item) if digits > 0 => (format!("  {}. ", &trimmed[..digits]), item),
                _ => (String::new(), trimmed),
            }
        };
        ui.label(inline(ui, &prefix, rest));
    }
}

/// A table as a striped grid, its header row strong. `salt` tells tables apart.
fn table_ui(ui: &mut egui::Ui, salt: usize, rows: &[&str]) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        egui::Grid::new(("markdown-table", salt))
            .striped(true)
            .spacing(egui::vec2(12.0, 4.0))
            .show(ui, |ui| {
                for cell in table_cells(rows[0]) {
                    ui.label(RichText::new(cell.replace("**", "")).strong());
                }
                ui.end_row();
                for row in &rows[2..] {
                    for cell in table_cells(row) {
                        ui.label(inline(ui, "", cell));
                    }
                    ui.end_row();
                }
            });
    });
}

/// One line of Markdown text: `**bold**`, `` `code` `` and `[text](url)` → text.
fn inline(ui: &egui::Ui, prefix: &str, text: &str) -> LayoutJob {
    let body = egui::TextStyle::Body.resolve(ui.style());
    let plain = TextFormat {
        font_id: body.clone(),
        color: ui.visuals().text_color(),
        ..TextFormat::default()
    };
    let bold = TextFormat {
        color: ui.visuals().strong_text_color(),
        ..plain.clone()
    };
    let code = TextFormat {
        font_id: FontId::monospace(body.size),
        background: ui.visuals().code_bg_color,
        ..plain.clone()
    };
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    job.append(prefix, 0.0, plain.clone());
    let text = strip_links(text);
    // Odd parts between `**` are bold, odd parts between backticks are code.
    for (i, part) in text.split("**").enumerate() {
        for (j, piece) in part.split('`').enumerate() {
            let format = if j % 2 == 1 {
                &code
            } else if i % 2 == 1 {
                &bold
            } else {
                &plain
            };
            job.append(piece, 0.0, format.clone());
        }
    }
    job
}

/// `[text](url)` → `text`.
fn strip_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        }) {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
