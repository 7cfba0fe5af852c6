//! Search snippets with their matches in colour.

use egui::text::LayoutJob;
use egui::{Color32, TextFormat};

/// The colour of a matched word.
const MATCH: Color32 = Color32::from_rgb(0xd9, 0x77, 0x06);

/// A snippet on one line (cut to the width), its `**matches**` in bold colour.
pub fn snippet_ui(ui: &mut egui::Ui, snippet: &str) {
    let job = highlighted(snippet, ui);
    ui.add(egui::Label::new(job).truncate());
}

/// The snippet's text with the `**` marks turned into colour.
fn highlighted(snippet: &str, ui: &egui::Ui) -> LayoutJob {
    let mut job = LayoutJob::default();
    let plain = TextFormat {
        color: ui.visuals().weak_text_color(),
        ..TextFormat::default()
    };
    let hit = TextFormat {
        color: MATCH,
        ..TextFormat::default()
    };
    // The marks alternate: every odd part is a match.
    for (i, part) in snippet.split("**").enumerate() {
        let format = if i % 2 == 1 { &hit } else { &plain };
        job.append(part, 0.0, format.clone());
    }
    job
}
