//! The marks an entry carries wherever it is listed: its kind, a shortcode, what makes
//! it unsafe to send as it is (internal, draft, archived), and whether it is overdue for
//! a check or still unverified.

use egui::{Color32, RichText};
use lore_core::{FreshState, Hit, Kind, Status};

use crate::gui::i18n::Lang;

/// What a list row knows of an entry.
pub struct Marks<'a> {
    pub kind: Kind,
    pub status: Status,
    pub internal: bool,
    pub shortcode: &'a str,
    /// Its freshness, when it needs a check (overdue, unverified, due soon).
    pub fresh: Option<FreshState>,
}

impl<'a> Marks<'a> {
    /// The marks of a search result.
    pub fn of(hit: &'a Hit) -> Marks<'a> {
        Marks {
            kind: hit.kind,
            status: hit.status,
            internal: hit.internal,
            shortcode: &hit.shortcode,
            fresh: None,
        }
    }

    /// With its freshness state.
    pub fn fresh(self, fresh: Option<FreshState>) -> Marks<'a> {
        Marks { fresh, ..self }
    }
}

const WARN: Color32 = Color32::from_rgb(0xb4, 0x3c, 0x1e);
const DRAFT: Color32 = Color32::from_rgb(0xa8, 0x6a, 0x00);
const TEAM: Color32 = Color32::from_rgb(0x2c, 0x5f, 0xa8);

/// Draws the badges of `marks` in a row.
pub fn badges_ui(ui: &mut egui::Ui, lang: Lang, marks: &Marks<'_>) {
    if !marks.shortcode.is_empty() {
        ui.label(RichText::new(marks.shortcode).monospace().strong());
    }
    let kind_color = match marks.kind {
        Kind::Sop | Kind::Training => Some(TEAM),
        Kind::Faq | Kind::Script => None,
    };
    badge(ui, lang.kind(marks.kind), kind_color);
    if marks.internal {
        badge(ui, lang.internal(), Some(WARN));
    }
    match marks.status {
        Status::Draft => badge(ui, lang.status(Status::Draft), Some(DRAFT)),
        Status::Archived => badge(ui, lang.status(Status::Archived), Some(Color32::GRAY)),
        Status::Published => {}
    }
    if let Some(state) = marks.fresh {
        fresh_badge(ui, lang, state);
    }
}

/// The freshness badge: 已过期 (overdue), 待核实 (unverified), 即将到期 (due soon).
pub fn fresh_badge(ui: &mut egui::Ui, lang: Lang, state: FreshState) {
    let (text, color) = match state {
        FreshState::Overdue => (lang.pick("已过期", "Overdue"), WARN),
        FreshState::Unverified => (lang.pick("待核实", "Unverified"), DRAFT),
        FreshState::DueSoon => (lang.pick("即将到期", "Due soon"), DRAFT),
        FreshState::Fresh => return,
    };
    badge(ui, text, Some(color));
}

/// One badge: text in a rounded frame, coloured when it warns.
fn badge(ui: &mut egui::Ui, text: &str, color: Option<Color32>) {
    let stroke_color = color.unwrap_or_else(|| ui.visuals().weak_text_color());
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, stroke_color))
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(4, 0))
        .show(ui, |ui| {
            let text = RichText::new(text).small();
            ui.label(match color {
                Some(c) => text.color(c),
                None => text.weak(),
            });
        });
}

/// Where an entry stands, in a line: "已核实：周静 11-02，下次 12-02", "已过期：…", "未核实…"
/// (as `lore show` says it), or in English.
pub fn fresh_line(lang: Lang, f: &lore_core::Freshness) -> String {
    use crate::cli::fresh::{last_and_next, status_line};
    let (last, next) = last_and_next(f);
    match (lang, f.state) {
        (Lang::Zh, _) => status_line(f),
        (Lang::En, FreshState::Fresh) => format!("Verified by {last}, next check {next}"),
        (Lang::En, FreshState::DueSoon) => format!("Verified by {last}, next check {next} (soon)"),
        (Lang::En, FreshState::Overdue) => format!("Overdue: verified by {last}, was due {next}"),
        (Lang::En, FreshState::Unverified) => {
            format!("Never verified (every {} days)", f.every_days)
        }
    }
}
