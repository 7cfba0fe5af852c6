//! "Team": the team's name (admins rename it), this member's display name, the roster
//! (roles and removal for admins, who is online, when each last synced), invites with their
//! ticket and QR code, and joining another team. An admin giving up their own role or
//! removing themselves confirms first; the team's only admin is told why they cannot.
//! From a team's library it also opens the demo's sandbox; the sandbox neither invites nor
//! joins. Below the invites, the HTTP API for bots (see [`super::api`]).

use egui::RichText;
use lore_core::Role;

use super::api::ApiPanel;
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
    /// The team's new name, as typed (admins).
    team_name: String,
    /// This member's display name, as typed.
    my_name: String,
    /// A change to this admin's own place in the team, waiting for confirmation.
    confirm: Option<Own>,
    /// Whether the open library is the demo's sandbox.
    sandbox: bool,
    /// The HTTP API section.
    api: ApiPanel,
}

/// A change an admin makes to their own place in the team.
#[derive(Debug, Clone)]
enum Own {
    /// Another role than admin.
    Demote { member: String, role: Role },
    /// Leaving the team.
    Remove { member: String },
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
            team_name: String::new(),
            my_name: String::new(),
            confirm: None,
            sandbox: false,
            api: ApiPanel::default(),
        }
    }
}

impl TeamPanel {
    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        self.api.absorb(done);
        match done {
            Done::Team {
                name,
                my_role,
                members,
                ticket_used,
            } => {
                // A used invite's ticket goes: nobody else can join with it.
                if *ticket_used {
                    self.ticket = None;
                }
                // The fields show what is stored until the user types something else.
                let was = self.roster.as_ref();
                if was.is_none_or(|r| r.name == self.team_name) {
                    self.team_name = name.clone();
                }
                let me = members.iter().find(|m| m.you).map(|m| m.name.clone());
                let my_was = was.and_then(|r| r.members.iter().find(|m| m.you));
                if my_was.is_none_or(|m| m.name == self.my_name)
                    && let Some(me) = me
                {
                    self.my_name = me;
                }
                self.roster = Some(Roster {
                    name: name.clone(),
                    my_role: *my_role,
                    members: members.clone(),
                });
            }
            Done::Ticket { text, .. } => self.ticket = Some(Qr::new(text.clone())),
            Done::Opened { sandbox, .. } => {
                // Another library: nothing of the last one's roster or ticket applies.
                *self = TeamPanel {
                    sandbox: *sandbox,
                    ..TeamPanel::default()
                };
            }
            _ => {}
        }
    }

    /// Draws the panel; the ticket's copy button uses `clipboard`.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, clipboard: &mut Clipboard) -> Vec<Job> {
        let mut jobs = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            // A big team's roster and its tokens run past the window.
            egui::ScrollArea::vertical().show(ui, |ui| {
                let Some(roster) = &self.roster else {
                    ui.label(lang.t(Key::Loading));
                    return;
                };
                let admin = roster.my_role == Role::Admin;
                jobs.extend(names_ui(
                    ui,
                    lang,
                    admin,
                    &mut self.team_name,
                    &mut self.my_name,
                ));
                ui.separator();
                let (changes, own) = roster_ui(ui, lang, roster);
                jobs.extend(changes);
                if own.is_some() {
                    self.confirm = own;
                }
                if self.sandbox {
                    // The sandbox has no team to invite to or to join from.
                    return;
                }
                if admin {
                    ui.separator();
                    jobs.extend(self.invite_ui(ui, lang));
                }
                if let Some(ticket) = &mut self.ticket {
                    ticket_ui(ui, lang, ticket, clipboard);
                }
                ui.separator();
                jobs.extend(self.api.ui(ui, lang, clipboard));
                ui.separator();
                ui.label(lang.t(Key::JoinOther));
                let (ticket, join) = (lang.t(Key::Ticket), lang.t(Key::JoinTeam));
                if field_with_button_ui(ui, ticket, &mut self.join, join) {
                    jobs.push(Job::Join(self.join.trim().to_string()));
                }
                ui.separator();
                ui.label(lang.t(Key::TryDemoText));
                if ui.button(lang.t(Key::TryDemo)).clicked() {
                    jobs.push(Job::Demo);
                }
            });
        });
        if let Some(own) = self.confirm.clone() {
            let last_admin = self
                .roster
                .as_ref()
                .is_some_and(|r| r.members.iter().filter(|m| m.role == Role::Admin).count() <= 1);
            let (close, job) = confirm_ui(ui.ctx(), lang, &own, last_admin);
            if close {
                self.confirm = None;
            }
            jobs.extend(job);
        }
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

/// The team's name (a field to rename it, for admins) and this member's display name.
fn names_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    admin: bool,
    team_name: &mut String,
    my_name: &mut String,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    if !admin {
        ui.heading(team_name.as_str());
    } else {
        let (label, rename) = (lang.t(Key::TeamName), lang.t(Key::RenameTeam));
        if field_with_button_ui(ui, label, team_name, rename) && !team_name.trim().is_empty() {
            jobs.push(Job::RenameTeam(team_name.trim().to_string()));
        }
    }
    let (label, save) = (lang.t(Key::DisplayName), lang.t(Key::SaveName));
    if field_with_button_ui(ui, label, my_name, save) && !my_name.trim().is_empty() {
        jobs.push(Job::SetName(my_name.trim().to_string()));
    }
    jobs
}

/// The confirmation of a change to an admin's own place in the team: what will happen,
/// or — for the only admin — why it cannot. Returns whether it closes, and the change if
/// confirmed.
fn confirm_ui(ctx: &egui::Context, lang: Lang, own: &Own, last_admin: bool) -> (bool, Option<Job>) {
    let (mut close, mut job) = (false, None);
    egui::Modal::new(egui::Id::unique("confirm-own")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        let text = match own {
            _ if last_admin => Key::LastAdmin,
            Own::Demote { .. } => Key::DemoteYourself,
            Own::Remove { .. } => Key::RemoveYourself,
        };
        ui.label(lang.t(text));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if !last_admin && ui.button(lang.t(Key::Confirm)).clicked() {
                job = Some(match own.clone() {
                    Own::Demote { member, role } => Job::SetRole { member, role },
                    Own::Remove { member } => Job::Remove(member),
                });
                close = true;
            }
            let back = if last_admin { Key::Close } else { Key::Cancel };
            if ui.button(lang.t(back)).clicked() {
                close = true;
            }
        });
    });
    (close, job)
}

/// This device's role, and a row per member; an admin can change members' roles and remove
/// them — their own role and place only after confirming (the second value).
fn roster_ui(ui: &mut egui::Ui, lang: Lang, roster: &Roster) -> (Vec<Job>, Option<Own>) {
    ui.label(format!(
        "{}: {}",
        lang.t(Key::YourRole),
        lang.role(roster.my_role)
    ));
    ui.separator();
    ui.label(RichText::new(lang.t(Key::Members)).strong());
    let admin = roster.my_role == Role::Admin;
    let mut jobs = Vec::new();
    let mut own = None;
    egui::Grid::new("members").striped(true).show(ui, |ui| {
        for m in &roster.members {
            let you = if m.you { lang.t(Key::You) } else { "" };
            let name = ui.label(format!("{}{you}", m.name));
            let manage = admin;
            if manage {
                let mut role = m.role;
                role_ui(ui, lang, ("role", &m.id), &mut role, name.id);
                let member = m.id.clone();
                if role != m.role && m.you && m.role == Role::Admin {
                    own = Some(Own::Demote { member, role });
                } else if role != m.role {
                    jobs.push(Job::SetRole { member, role });
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
                let member = m.id.clone();
                if m.you {
                    own = Some(Own::Remove { member });
                } else {
                    jobs.push(Job::Remove(member));
                }
            }
            ui.end_row();
        }
    });
    (jobs, own)
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
