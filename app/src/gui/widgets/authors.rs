//! Who wrote an entry: its body as sentences tinted by author (names and times on hover),
//! and its record — uses over time, solve rate, contributors by share.

use std::collections::BTreeMap;

use egui::{Color32, RichText};
use lore_core::credit::EntryCredit;
use lore_core::{EntryBlame, Sentence};

use crate::gui::i18n::Lang;
use crate::gui::widgets::local_time;

/// Tints for authors, in the order they first appear; text stays readable on each.
const TINTS: [Color32; 6] = [
    Color32::from_rgb(0xd8, 0xe8, 0xff),
    Color32::from_rgb(0xff, 0xe4, 0xc4),
    Color32::from_rgb(0xd6, 0xf5, 0xd6),
    Color32::from_rgb(0xf5, 0xd6, 0xf0),
    Color32::from_rgb(0xff, 0xf3, 0xb0),
    Color32::from_rgb(0xd9, 0xf2, 0xf2),
];

/// The body's sentences, each tinted by its author, with a legend; hovering a sentence
/// names its author, the others who changed it, and when.
pub fn blame_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    blame: &EntryBlame,
    names: &BTreeMap<String, String>,
) {
    let mut order: Vec<&str> = Vec::new();
    for s in &blame.body {
        if !order.contains(&s.author.as_str()) {
            order.push(&s.author);
        }
    }
    let name = |m: &str| -> String {
        if m.is_empty() {
            return lang.pick("（无法验证）", "(unverified)").to_string();
        }
        names
            .get(m)
            .cloned()
            .unwrap_or_else(|| m.chars().take(10).collect())
    };
    let tint = |m: &str| {
        let i = order.iter().position(|o| *o == m).unwrap_or(0);
        TINTS[i % TINTS.len()]
    };
    ui.horizontal_wrapped(|ui| {
        for m in &order {
            ui.label(
                RichText::new(format!(" {} ", name(m)))
                    .background_color(tint(m))
                    .color(Color32::BLACK),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        for s in &blame.body {
            let author = if s.verified { s.author.as_str() } else { "" };
            // Emphasis markers are the source's, not what anyone reads.
            ui.label(
                RichText::new(s.text.replace("**", ""))
                    .background_color(tint(&s.author))
                    .color(Color32::BLACK),
            )
            .on_hover_text(describe(lang, s, author, &name));
        }
    });
}

fn describe(lang: Lang, s: &Sentence, author: &str, name: &dyn Fn(&str) -> String) -> String {
    let mut text = format!("{} · {}", name(author), local_time(s.time));
    if !s.others.is_empty() {
        let others: Vec<String> = s.others.iter().map(|m| name(m)).collect();
        text.push_str(&format!(
            "\n{}{}",
            lang.pick("也改过：", "also changed by: "),
            others.join("、")
        ));
    }
    text
}

/// The entry's record: uses, solve rate, contributors, and uses per day as bars.
pub fn record_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    credit: &EntryCredit,
    names: &BTreeMap<String, String>,
) {
    let rate = credit
        .solve_rate()
        .map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0));
    ui.label(format!(
        "{} {} · {} {rate}",
        lang.pick("使用", "Uses"),
        credit.uses,
        lang.pick("解决率", "solve rate"),
    ));
    let who: Vec<String> = credit
        .contributors
        .iter()
        .map(|(m, share)| {
            let n = names
                .get(m)
                .cloned()
                .unwrap_or_else(|| m.chars().take(10).collect());
            format!("{n} {:.0}%", share * 100.0)
        })
        .collect();
    if !who.is_empty() {
        ui.label(format!(
            "{}{}",
            lang.pick("贡献者：", "Contributors: "),
            who.join("、")
        ));
    }
    let Some(max) = credit.by_day.iter().map(|(_, n)| *n).max() else {
        return;
    };
    let fill = ui.visuals().selection.bg_fill;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(ui.available_width().min(360.0), 40.0),
        egui::Sense::hover(),
    );
    let days = credit.by_day.len().max(1) as f32;
    let step = rect.width() / days;
    for (i, (day, n)) in credit.by_day.iter().enumerate() {
        let h = rect.height() * (*n as f32 / max as f32);
        let bar = egui::Rect::from_min_max(
            egui::pos2(rect.left() + i as f32 * step, rect.bottom() - h),
            egui::pos2(rect.left() + (i as f32 + 0.8) * step, rect.bottom()),
        );
        ui.painter().rect_filled(bar, 1.0, fill);
        let date = local_time(day * 86_400_000);
        ui.interact(
            bar,
            ui.scope_id().with(("uses-day", i)),
            egui::Sense::hover(),
        )
        .on_hover_text(format!("{} · {n}", date.get(..10).unwrap_or(&date)));
    }
}
