//! "Customer message": the customer's whole message pasted in, and the entries that
//! answer it, each with a copy button; the entry pane beside them. When nothing answers
//! it well, a plain line says so and the closest entries stay folded away.

use lore_core::Hit;
use lore_core::reply::is_reply_kind;

use super::entry::EntryPane;
use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, Job};
use crate::gui::widgets::badge::{Marks, badges_ui};
use crate::gui::widgets::highlight::snippet_ui;

/// The pasted message and its suggestions.
#[derive(Debug, Default)]
pub struct MessagePanel {
    text: String,
    /// Per question of the message: the question and its suggestions.
    suggestions: Vec<(String, Vec<Hit>)>,
    /// The number of the last message sent for suggestions; older answers are dropped.
    seq: u64,
    /// The number of the message whose suggestions are shown.
    answered: u64,
}

impl MessagePanel {
    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        if let Done::Suggestions { seq, groups } = done
            && *seq == self.seq
        {
            self.suggestions = groups.clone();
            self.answered = *seq;
        }
    }

    /// The pasted message for the query log: its text, and whether anything was found for
    /// it (none until its suggestions are in).
    pub fn question(&self) -> (&str, Option<bool>) {
        // Only a suggestion that matches well counts as found.
        let found = self
            .suggestions
            .iter()
            .any(|(_, hits)| hits.iter().any(|h| !h.weak));
        (&self.text, (self.answered == self.seq).then_some(found))
    }

    /// Draws the entry pane on the right, and the message box with its suggestions.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, entry: &mut EntryPane) -> Vec<Job> {
        let stacked = ui.available_width() < EntryPane::NARROW && entry.is_open();
        let mut jobs = entry.ui(ui, lang);
        if stacked {
            return jobs;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let label = ui.label(lang.t(Key::PasteMessage));
            let response = ui
                .add(
                    egui::TextEdit::multiline(&mut self.text)
                        .desired_rows(5)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if response.changed() {
                self.seq += 1;
                jobs.push(Job::Suggest {
                    seq: self.seq,
                    text: self.text.clone(),
                });
            }
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                let several = self.suggestions.len() > 1;
                for (question, hits) in &self.suggestions {
                    if several {
                        ui.label(egui::RichText::new(question).strong());
                    }
                    if hits.first().is_none_or(|h| h.weak) {
                        // Nothing answers it well: say so, and keep the closest out of
                        // the way rather than listing them as if they did.
                        ui.label(lang.t(Key::NothingMatchesWell));
                        egui::CollapsingHeader::new(lang.t(Key::ClosestEntries))
                            .id_salt(("closest", question))
                            .default_open(false)
                            .show(ui, |ui| {
                                for hit in hits {
                                    jobs.extend(suggestion_ui(ui, lang, hit));
                                }
                            });
                    } else {
                        for hit in hits {
                            jobs.extend(suggestion_ui(ui, lang, hit));
                        }
                    }
                    if several {
                        ui.add_space(8.0);
                    }
                }
            });
        });
        jobs
    }
}

/// One suggestion: copy its reply, or open it.
fn suggestion_ui(ui: &mut egui::Ui, lang: Lang, hit: &Hit) -> Option<Job> {
    let mut job = None;
    ui.horizontal(|ui| {
        if is_reply_kind(hit.kind) && ui.button(lang.t(Key::Copy)).clicked() {
            job = Some(Job::Reply {
                id: hit.id.clone(),
                answer: None,
            });
        }
        badges_ui(ui, lang, &Marks::of(hit));
        if ui.link(hit.title.as_str()).clicked() {
            job = Some(Job::Show(hit.id.clone()));
        }
    });
    if !hit.snippet.is_empty() {
        snippet_ui(ui, &hit.snippet);
    }
    ui.add_space(4.0);
    job
}
