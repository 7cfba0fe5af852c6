//! The status bar: the network (offline, peers, syncing), the team and its size, the last
//! message, and the language switch.

use egui::RichText;

use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, NetStatus};

/// What the status bar knows.
#[derive(Debug, Default)]
pub struct StatusBar {
    net: NetStatus,
    team: String,
    entries: usize,
}

impl StatusBar {
    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Opened { entries, team, .. } => {
                self.entries = *entries;
                self.team = team.clone();
            }
            Done::Status(net) => {
                if net.running || net.entries > 0 {
                    self.entries = net.entries;
                }
                self.net = net.clone();
            }
            // A renamed team, an import: the bar follows.
            Done::Team { name, .. } => self.team = name.clone(),
            Done::Imported { entries, .. } => self.entries = *entries,
            _ => {}
        }
    }

    /// Draws the bar; the team only once a library is `open`. The switch changes `lang`.
    pub fn ui(
        &self,
        ui: &mut egui::Ui,
        lang: &mut Lang,
        message: Option<&(bool, String)>,
        open: bool,
    ) {
        let shown = *lang;
        let t = |key| shown.t(key);
        let mut switch = false;
        ui.horizontal(|ui| {
            let net = if !self.net.running || self.net.peers == 0 {
                t(Key::Offline).to_string()
            } else if self.net.syncing {
                format!("{} · {} {}", t(Key::Syncing), self.net.peers, t(Key::Peers))
            } else {
                format!("{} {}", self.net.peers, t(Key::Peers))
            };
            ui.label(net);
            if open {
                ui.separator();
                ui.label(format!(
                    "{} · {} {}",
                    self.team,
                    self.entries,
                    t(Key::Entries)
                ));
            }
            if let Some((error, text)) = message {
                ui.separator();
                let color = if *error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().strong_text_color()
                };
                ui.label(RichText::new(text).color(color));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                switch = ui.button(t(Key::Language)).clicked();
            });
        });
        if switch {
            *lang = shown.other();
        }
    }
}
