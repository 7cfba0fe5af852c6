//! The welcome screen, while the data directory has no library: open the demo, create a
//! team, or join one with a ticket.

use egui::RichText;

use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::Job;
use crate::gui::widgets::field::field_with_button_ui;

/// What the user types on the welcome screen.
#[derive(Debug, Default)]
pub struct WelcomePanel {
    team_name: String,
    ticket: String,
}

impl WelcomePanel {
    /// Draws the screen with the last `message` if it is an error; joining clears it.
    /// Whatever it returns opens a library.
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
            if let Some((true, error)) = message {
                ui.add_space(12.0);
                ui.label(
                    RichText::new(format!("{}: {error}", lang.t(Key::Error)))
                        .color(ui.visuals().error_fg_color),
                );
            }
        });
        jobs
    }
}
