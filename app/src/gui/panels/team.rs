//! "Team": the roster (roles and removal for admins, who is online, when each last
//! synced), invites with their ticket and QR code, and joining another team.

use egui::RichText;
use lore_core::Role;

use crate::gui::clipboard::Clipboard;
use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, Job, Teammate};
use crate::gui::widgets::field::field_with_button_ui;
use crate::gui::widgets::local_time;
use crate::gui::widgets::qr::Qr;

/// Every role, in the order the menus offer them.
const ROLES: [Role; 4] = [Role::Admin, Role::Trainer, Role::Agent, Role::Viewer];

/// How big the ticket's QR code is drawn, in points.
const QR_SIDE: f32 = 240.0;

/// The team as last heard, and what the user is typing into the panel.
#[derive(Debug)]
pub struct TeamPanel {
    roster: Option<Roster>,
    invite_role: Role,
    invite_hours: u32,
    /// The last invite's ticket.
    ticket: Option<Qr>,
    /// A ticket to join another team with.
    join: String,
}

/// The team as the worker last described it.
#[derive(Debug)]
struct Roster {
    name: String,
    my_role: Role,
    members: Vec<Teammate>,
}

impl Default for TeamPanel {
    fn default() -> TeamPanel {
        TeamPanel {
            roster: None,
            invite_role: Role::Agent,
            invite_hours: 24,
            ticket: None,
            join: String::new(),
        }
    }
}

impl TeamPanel {
    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Team {
                name,
                my_role,
                members,
            } => {
                self.roster = Some(Roster {
                    name: name.clone(),
                    my_role: *my_role,
                    members: members.clone(),
                });
            }
            Done::Ticket { text, .. } => self.ticket = Some(Qr::new(text.clone())),
            _ => {}
        }
    }

    /// Draws the panel; the ticket's copy button uses `clipboard`.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, clipboard: &mut Clipboard) -> Vec<Job> {
        let mut jobs = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(roster) = &self.roster else {
                ui.label(lang.t(Key::Loading));
                return;
            };
            let admin = roster.my_role == Role::Admin;
            jobs.extend(roster_ui(ui, lang, roster));
            if admin {
                ui.separator();
                jobs.extend(self.invite_ui(ui, lang));
            }
            if let Some(ticket) = &mut self.ticket {
                ticket_ui(ui, lang, ticket, clipboard);
            }
            ui.separator();
            ui.label(lang.t(Key::JoinOther));
            let (ticket, join) = (lang.t(Key::Ticket), lang.t(Key::JoinTeam));
            if field_with_button_ui(ui, ticket, &mut self.join, join) {
                jobs.push(Job::Join(self.join.trim().to_string()));
            }
        });
        jobs
    }

    /// The new member's role, how long the ticket is valid, and the button that makes it.
    fn invite_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<Job> {
        let mut job = None;
        ui.horizontal(|ui| {
            let label = ui.label(lang.t(Key::NewRole));
            role_ui(ui, lang, "invite-role", &mut self.invite_role, label.id);
            let hours = ui.label(lang.t(Key::ValidHours));
            ui.add(egui::DragValue::new(&mut self.invite_hours).range(1..=24 * 30))
                .labelled_by(hours.id);
            if ui.button(lang.t(Key::CreateInvite)).clicked() {
                job = Some(Job::Invite {
                    role: self.invite_role,
                    hours: self.invite_hours,
                });
            }
        });
        job
    }
}

/// The team's name, this device's role, and a row per member; an admin can change other
/// members' roles and remove them.
fn roster_ui(ui: &mut egui::Ui, lang: Lang, roster: &Roster) -> Vec<Job> {
    ui.heading(&roster.name);
    ui.label(format!("{}: {}", lang.t(Key::YourRole), roster.my_role));
    ui.separator();
    ui.label(RichText::new(lang.t(Key::Members)).strong());
    let admin = roster.my_role == Role::Admin;
    let mut jobs = Vec::new();
    egui::Grid::new("members").striped(true).show(ui, |ui| {
        for m in &roster.members {
            let you = if m.you { lang.t(Key::You) } else { "" };
            let name = ui.label(format!("{}{you}", m.name));
            let manage = admin && !m.you;
            if manage {
                let mut role = m.role;
                role_ui(ui, lang, ("role", &m.id), &mut role, name.id);
                if role != m.role {
                    jobs.push(Job::SetRole {
                        member: m.id.clone(),
                        role,
                    });
                }
            } else {
                ui.label(lang.role(m.role));
            }
            if m.connected {
                ui.label(lang.t(Key::Online));
            } else if m.last_sync > 0 {
                ui.label(format!(
                    "{} {}",
                    lang.t(Key::LastSync),
                    local_time(m.last_sync)
                ));
            } else {
                ui.label("");
            }
            if !manage {
                ui.label("");
            } else if ui.button(lang.t(Key::RemoveMember)).clicked() {
                jobs.push(Job::Remove(m.id.clone()));
            }
            ui.end_row();
        }
    });
    jobs
}

/// A menu of roles, named for screen readers by the label `labelled_by`.
fn role_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    id: impl egui::AsIdSalt,
    role: &mut Role,
    labelled_by: egui::Id,
) {
    let combo = egui::ComboBox::from_id_salt(id)
        .selected_text(lang.role(*role))
        .show_ui(ui, |ui| {
            for r in ROLES {
                ui.selectable_value(role, r, lang.role(r));
            }
        });
    let _ = combo.response.labelled_by(labelled_by);
}

/// The last invite's ticket: its text (selectable, read-only), a copy button, its QR code.
fn ticket_ui(ui: &mut egui::Ui, lang: Lang, ticket: &mut Qr, clipboard: &mut Clipboard) {
    let label = ui.label(lang.t(Key::TicketReady));
    let mut shown = ticket.text();
    ui.add(
        egui::TextEdit::multiline(&mut shown)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    if ui.button(lang.t(Key::Copy)).clicked() {
        clipboard.copy(ui.ctx(), ticket.text().to_string());
    }
    ticket.ui(ui, QR_SIDE);
}
