//! The welcome screen, while the data directory has no library: first the agent's display
//! name (when none is stored yet, nothing else can be done before it), then open the demo
//! (a sandbox of its own, see `backend/library.rs`), create a team, or join one with a
//! ticket.

use egui::RichText;

use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, Job};
use crate::gui::widgets::field::field_with_button_ui;

/// What the user types on the welcome screen.
#[derive(Debug, Default)]
pub struct WelcomePanel {
    /// The display name, as typed (the stored one to begin with).
    name: String,
    /// The display name stored in the data directory, if any.
    stored: Option<String>,
    team_name: String,
    ticket: String,
}

impl WelcomePanel {
    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::NeedsLibrary { name } => {
                self.stored = name.clone();
                self.name = name.clone().unwrap_or_default();
            }
            Done::Named(name) => self.stored = Some(name.clone()),
            _ => {}
        }
    }

    /// Draws the screen with the last `message` if it is an error; joining clears it.
    /// Whatever it returns opens a library (after storing the name typed, if it is new).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        message: &mut Option<(bool, String)>,
    ) -> Vec<Job> {
        let mut jobs = Vec::new();
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.heading(lang.t(Key::Welcome));
            ui.label(lang.t(Key::WelcomeText));
            ui.add_space(24.0);
            if self.stored.is_none() {
                ui.label(RichText::new(lang.t(Key::NameFirst)).strong());
            }
            ui.horizontal(|ui| {
                let label = ui.label(lang.t(Key::DisplayName));
                ui.text_edit_singleline(&mut self.name)
                    .labelled_by(label.id);
            });
            let named = !self.name.trim().is_empty();
            ui.add_space(16.0);
            ui.add_enabled_ui(named, |ui| {
                if ui.button(lang.t(Key::OpenDemo)).clicked() {
                    jobs.push(Job::Demo);
                }
                ui.add_space(16.0);
                let (name, create) = (lang.t(Key::TeamName), lang.t(Key::CreateTeam));
                if field_with_button_ui(ui, name, &mut self.team_name, create) {
                    jobs.push(Job::CreateTeam(self.team_name.clone()));
                }
                ui.add_space(8.0);
                let (ticket, join) = (lang.t(Key::Ticket), lang.t(Key::JoinTeam));
                let before = self.ticket.clone();
                if field_with_button_ui(ui, ticket, &mut self.ticket, join) {
                    *message = None;
                    jobs.push(Job::Join(self.ticket.trim().to_string()));
                }
                // A refused ticket's message goes once the ticket is being corrected.
                if self.ticket != before && message.as_ref().is_some_and(|(error, _)| *error) {
                    *message = None;
                }
            });
            if let Some((true, error)) = message {
                ui.add_space(12.0);
                ui.label(
                    RichText::new(format!("{}: {error}", lang.t(Key::Error)))
                        .color(ui.visuals().error_fg_color),
                );
            }
        });
        // The name goes first, so the library is opened (and a team joined) under it.
        let name = self.name.trim();
        if !jobs.is_empty() && self.stored.as_deref() != Some(name) {
            jobs.insert(0, Job::SetName(name.to_string()));
        }
        jobs
    }
}
