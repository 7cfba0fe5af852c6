//! Copying a reply. A reply with nothing to ask goes straight to the clipboard. One with
//! blanks (`{订单号}`) opens a dialog that asks for each (Tab moves between them) and
//! shows exactly what will be pasted; one that is internal, a draft or archived says so
//! and is copied only when the agent confirms. A blank is never pasted unfilled without
//! the agent choosing to.

use std::collections::BTreeMap;

use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat};
use lore_core::Reply;
use lore_core::reply::{fill, placeholders};

use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::Job;

/// Blanks that mean the agent: filled with their display name unless typed otherwise.
const AGENT_FIELDS: [&str; 7] = [
    "客服名",
    "客服",
    "客服昵称",
    "客服姓名",
    "agent",
    "agent_name",
    "your_name",
];

/// The reply waiting for its blanks or a confirmation, if any.
#[derive(Debug, Default)]
pub struct CopyDialog {
    pending: Option<Pending>,
    /// Values typed for agent blanks, offered again next time.
    remembered: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Pending {
    reply: Reply,
    /// The blanks in order, with what was typed.
    values: Vec<(String, String)>,
    /// The first blank takes the keyboard when the dialog opens.
    focus_first: bool,
}

impl CopyDialog {
    /// Takes in a reply to copy: the copy itself when there is nothing to ask, otherwise
    /// the dialog opens. `agent`: the display name agent blanks default to.
    pub fn offer(&mut self, reply: Reply, agent: &str) -> Option<Job> {
        if reply.cautions.is_empty() && reply.fields.is_empty() {
            return Some(Job::CopyText {
                answer: reply.answer_id().map(str::to_string),
                id: reply.entry,
                text: reply.text,
            });
        }
        let values = reply
            .fields
            .iter()
            .map(|f| {
                let value = self.remembered.get(f).cloned().unwrap_or_else(|| {
                    if AGENT_FIELDS.contains(&f.to_lowercase().as_str()) {
                        agent.to_string()
                    } else {
                        String::new()
                    }
                });
                (f.clone(), value)
            })
            .collect();
        self.pending = Some(Pending {
            reply,
            values,
            focus_first: true,
        });
        None
    }

    /// Whether the dialog is open (it takes the keyboard then).
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Draws the dialog while a reply waits; returns the copy when the agent makes it.
    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang) -> Option<Job> {
        let pending = self.pending.as_mut()?;
        let mut outcome = None;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("copy-reply")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading(&pending.reply.title);
            for caution in &pending.reply.cautions {
                ui.label(
                    egui::RichText::new(lang.caution(*caution))
                        .color(Color32::from_rgb(0xb4, 0x3c, 0x1e))
                        .strong(),
                );
            }
            if !pending.values.is_empty() {
                ui.label(egui::RichText::new(lang.t(Key::FillBlanks)).strong());
                egui::Grid::new("blanks").num_columns(2).show(ui, |ui| {
                    for (i, (name, value)) in pending.values.iter_mut().enumerate() {
                        let label = ui.label(name.as_str());
                        let edit = ui
                            .add(egui::TextEdit::singleline(value).desired_width(280.0))
                            .labelled_by(label.id);
                        if i == 0 && pending.focus_first {
                            edit.request_focus();
                            pending.focus_first = false;
                        }
                        ui.end_row();
                    }
                });
            }
            let values: BTreeMap<String, String> = pending.values.iter().cloned().collect();
            let filled = fill(&pending.reply.text, &values);
            ui.separator();
            ui.label(egui::RichText::new(lang.t(Key::CustomerGets)).weak());
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| preview_ui(ui, &filled.text));
            ui.separator();
            if !filled.unfilled.is_empty() {
                let names: Vec<String> =
                    filled.unfilled.iter().map(|n| format!("{{{n}}}")).collect();
                ui.label(format!("{}{}", lang.t(Key::BlanksLeft), names.join("、")));
            }
            ui.horizontal(|ui| {
                let complete = filled.unfilled.is_empty();
                let confirm = if pending.reply.cautions.is_empty() {
                    Key::CopyToClipboard
                } else {
                    Key::CopyAnyway
                };
                let copy = ui.add_enabled(complete, egui::Button::new(lang.t(confirm)));
                let enter = complete && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if copy.clicked() || enter {
                    outcome = Some(filled.text.clone());
                }
                if !complete && ui.button(lang.t(Key::CopyWithBlanks)).clicked() {
                    outcome = Some(filled.text.clone());
                }
                if ui.button(lang.t(Key::Cancel)).clicked() {
                    cancel = true;
                }
            });
        });
        if modal.should_close() {
            cancel = true;
        }
        if let Some(text) = outcome {
            let pending = self.pending.take()?;
            for (name, value) in pending.values {
                if AGENT_FIELDS.contains(&name.to_lowercase().as_str()) && !value.trim().is_empty()
                {
                    self.remembered.insert(name, value);
                }
            }
            return Some(Job::CopyText {
                answer: pending.reply.answer_id().map(str::to_string),
                id: pending.reply.entry,
                text,
            });
        }
        if cancel {
            self.pending = None;
        }
        None
    }
}

/// The text as it will be pasted, blanks still unfilled marked out.
pub fn preview_ui(ui: &mut egui::Ui, text: &str) {
    let font = FontId::proportional(14.0);
    let plain = TextFormat {
        font_id: font.clone(),
        color: ui.visuals().text_color(),
        ..Default::default()
    };
    let blank = TextFormat {
        font_id: font,
        color: Color32::BLACK,
        background: Color32::from_rgb(0xff, 0xd8, 0x66),
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    let mut at = 0;
    for p in placeholders(text) {
        job.append(&text[at..p.start], 0.0, plain.clone());
        job.append(&text[p.start..p.end], 0.0, blank.clone());
        at = p.end;
    }
    job.append(&text[at..], 0.0, plain);
    ui.label(job);
}
