//! What the app shows: the welcome screen until there is a library, then search first —
//! a search box with focus, results that follow every keystroke, the entry beside them,
//! and a status bar.

use egui::text::LayoutJob;
use egui::{Color32, FontId, Key as K, Modifiers, RichText, TextFormat};
use lore_core::{Entry, Hit, Kind, Role};

use super::backend::{Backend, Changed, Done, Job, NetStatus, Teammate};
use super::editor::Editor;
use super::i18n::{Key, Lang};

/// The app's state.
pub struct LoreApp {
    backend: Backend,
    /// The UI language.
    pub lang: Lang,
    screen: Screen,
    query: String,
    kind: Option<Kind>,
    seq: u64,
    shown_seq: u64,
    hits: Vec<Hit>,
    selected: usize,
    entry: Option<Box<Entry>>,
    /// The last thing to tell the user (copied, failed, ...).
    pub message: Option<(bool, String)>,
    status: NetStatus,
    entries: usize,
    team: String,
    team_name: String,
    ticket: String,
    focus_search: bool,
    /// Text to put on the clipboard this frame.
    copied: Option<String>,
    /// The last text put on the clipboard.
    last_copy: Option<String>,
    mode: Mode,
    message_text: String,
    suggestions: Vec<Hit>,
    suggest_seq: u64,
    history: Option<(String, Vec<Changed>)>,
    team_view: Option<TeamView>,
    invite_role: Role,
    invite_hours: u32,
    ticket_out: Option<(String, egui::TextureHandle)>,
    editor: Option<Editor>,
    /// The user closed the editor; it goes once everything is saved.
    closing_editor: bool,
    category: Option<String>,
    tag: Option<String>,
    categories: Vec<String>,
    tags: Vec<String>,
    /// An answer being written for the open entry.
    answer_text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Search,
    Message,
    Team,
}

struct TeamView {
    name: String,
    my_role: Role,
    members: Vec<Teammate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Loading,
    Welcome,
    Main,
}

impl std::fmt::Debug for LoreApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoreApp")
            .field("query", &self.query)
            .finish()
    }
}

impl LoreApp {
    /// The app on a running backend; installs the fonts on `ctx`.
    pub fn new(ctx: &egui::Context, backend: Backend, lang: Lang) -> LoreApp {
        super::fonts::install(ctx);
        LoreApp {
            backend,
            lang,
            screen: Screen::Loading,
            query: String::new(),
            kind: None,
            seq: 0,
            shown_seq: 0,
            hits: Vec::new(),
            selected: 0,
            entry: None,
            message: None,
            status: NetStatus::default(),
            entries: 0,
            team: String::new(),
            team_name: String::new(),
            ticket: String::new(),
            focus_search: true,
            copied: None,
            last_copy: None,
            mode: Mode::Search,
            message_text: String::new(),
            suggestions: Vec::new(),
            suggest_seq: 0,
            history: None,
            team_view: None,
            invite_role: Role::Agent,
            invite_hours: 24,
            ticket_out: None,
            editor: None,
            closing_editor: false,
            category: None,
            tag: None,
            categories: Vec::new(),
            tags: Vec::new(),
            answer_text: String::new(),
        }
    }

    /// The query in the search box and how many results are shown for it.
    pub fn shown(&self) -> (&str, usize) {
        (&self.query, self.hits.len())
    }

    /// The last text the app put on the clipboard.
    pub fn last_copy(&self) -> Option<&str> {
        self.last_copy.as_deref()
    }

    fn t(&self, key: Key) -> &'static str {
        self.lang.t(key)
    }

    fn search(&mut self) {
        self.seq += 1;
        self.backend.ask(Job::Search {
            seq: self.seq,
            text: self.query.clone(),
            kind: self.kind,
            category: self.category.clone(),
            tag: self.tag.clone(),
        });
    }

    /// Takes in what the worker answered.
    fn absorb(&mut self, ctx: &egui::Context) {
        for done in self.backend.answers() {
            match done {
                Done::NeedsLibrary => self.screen = Screen::Welcome,
                Done::Opened { entries, team } => {
                    self.screen = Screen::Main;
                    self.entries = entries;
                    self.team = team;
                    self.message = None;
                    self.focus_search = true;
                    self.entry = None;
                    self.editor = None;
                    self.search();
                    self.backend.ask(Job::Vocabulary);
                    if self.mode == Mode::Team {
                        self.backend.ask(Job::Team);
                    }
                }
                Done::Hits { seq, hits } if seq >= self.shown_seq => {
                    self.shown_seq = seq;
                    self.hits = hits;
                    self.selected = 0;
                }
                Done::Hits { .. } => {}
                Done::Entry(entry) => {
                    self.history = None;
                    self.entry = Some(entry);
                }
                Done::Suggestions { seq, hits } if seq == self.suggest_seq => {
                    self.suggestions = hits;
                }
                Done::Suggestions { .. } => {}
                Done::History { id, changes } => self.history = Some((id, changes)),
                Done::Team {
                    name,
                    my_role,
                    members,
                } => {
                    self.team_view = Some(TeamView {
                        name,
                        my_role,
                        members,
                    });
                }
                Done::Ticket { text, .. } => {
                    self.ticket_out = Some((text.clone(), qr_texture(ctx, &text)));
                }
                Done::Editing { entry, heads, tags } => {
                    self.closing_editor = false;
                    self.editor = Some(Editor::open(*entry, heads, tags));
                }
                Done::Saved { entry, heads, own } => {
                    if let Some(editor) = &mut self.editor {
                        editor.saved((*entry).clone(), heads, own);
                    }
                    self.entry = Some(entry);
                }
                Done::Changed { entry, heads } => {
                    if let Some(editor) = &mut self.editor {
                        editor.changed((*entry).clone(), heads);
                    }
                    self.entry = Some(entry);
                }
                Done::Vocabulary { categories, tags } => {
                    self.categories = categories;
                    self.tags = tags;
                }
                Done::Done(what) => {
                    self.message = Some((false, what));
                    self.backend.ask(Job::Team);
                }
                Done::Copied { id, text, uses } => {
                    self.copied = Some(text);
                    self.message = Some((
                        false,
                        format!(
                            "{} · {id} · {uses} {}",
                            self.t(Key::Copied),
                            self.t(Key::Uses)
                        ),
                    ));
                }
                Done::Status(status) => self.status = status,
                Done::Failed(error) => {
                    if let Some(editor) = &mut self.editor {
                        editor.failed();
                    }
                    if self.screen == Screen::Loading {
                        self.screen = Screen::Welcome;
                    }
                    self.message = Some((true, error));
                }
            }
        }
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.absorb(&ui.ctx().clone());
        if let Some(text) = self.copied.take() {
            ui.ctx().copy_text(text.clone());
            self.last_copy = Some(text);
        }
        if let Some(editor) = &mut self.editor {
            if let Some(job) = editor.due(self.closing_editor) {
                self.backend.ask(job);
            }
            if self.closing_editor && !editor.unsaved() {
                let id = editor.id.clone();
                self.editor = None;
                self.closing_editor = false;
                self.backend.ask(Job::StopEditing);
                if let Some(id) = id {
                    self.backend.ask(Job::Show(id));
                }
            }
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        match self.screen {
            Screen::Loading => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.centered_and_justified(|ui| ui.label(self.t(Key::Loading)));
                });
            }
            Screen::Welcome => {
                egui::CentralPanel::default().show(ui, |ui| self.welcome(ui));
            }
            Screen::Main => self.main(ui),
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let net = if !self.status.running || self.status.peers == 0 {
                self.t(Key::Offline).to_string()
            } else if self.status.syncing {
                format!(
                    "{} · {} {}",
                    self.t(Key::Syncing),
                    self.status.peers,
                    self.t(Key::Peers)
                )
            } else {
                format!("{} {}", self.status.peers, self.t(Key::Peers))
            };
            ui.label(net);
            if self.screen == Screen::Main {
                ui.separator();
                ui.label(format!(
                    "{} · {} {}",
                    self.team,
                    self.entries,
                    self.t(Key::Entries)
                ));
            }
            if let Some((error, text)) = &self.message {
                ui.separator();
                let color = if *error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().strong_text_color()
                };
                ui.label(RichText::new(text).color(color));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(self.t(Key::Language)).clicked() {
                    self.lang = self.lang.other();
                }
            });
        });
    }

    fn welcome(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.heading(self.t(Key::Welcome));
            ui.label(self.t(Key::WelcomeText));
            ui.add_space(24.0);
            if ui.button(self.t(Key::OpenDemo)).clicked() {
                self.screen = Screen::Loading;
                self.backend.ask(Job::Demo);
            }
            ui.add_space(16.0);
            ui.horizontal(|ui| {
                let label = ui.label(self.t(Key::TeamName));
                ui.text_edit_singleline(&mut self.team_name)
                    .labelled_by(label.id);
                if ui.button(self.t(Key::CreateTeam)).clicked() {
                    self.screen = Screen::Loading;
                    self.backend.ask(Job::CreateTeam(self.team_name.clone()));
                }
            });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                let label = ui.label(self.t(Key::Ticket));
                ui.text_edit_singleline(&mut self.ticket)
                    .labelled_by(label.id);
                if ui.button(self.t(Key::JoinTeam)).clicked() {
                    self.message = None;
                    self.screen = Screen::Loading;
                    self.backend.ask(Job::Join(self.ticket.trim().to_string()));
                }
            });
            if let Some((true, error)) = &self.message {
                ui.add_space(12.0);
                ui.label(
                    RichText::new(format!("{}: {error}", self.t(Key::Error)))
                        .color(ui.visuals().error_fg_color),
                );
            }
        });
    }

    fn main(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("modes").show(ui, |ui| {
            ui.horizontal(|ui| {
                for (mode, key) in [
                    (Mode::Search, Key::FindAnswers),
                    (Mode::Message, Key::CustomerMessage),
                    (Mode::Team, Key::TeamTab),
                ] {
                    if ui
                        .selectable_label(self.mode == mode, self.t(key))
                        .clicked()
                    {
                        self.mode = mode;
                        match mode {
                            Mode::Search => self.focus_search = true,
                            Mode::Team => self.backend.ask(Job::Team),
                            Mode::Message => {}
                        }
                    }
                }
            });
        });
        match self.mode {
            Mode::Search => self.search_mode(ui),
            Mode::Message => self.message_mode(ui),
            Mode::Team => self.team_mode(ui),
        }
    }

    fn entry_panel(&mut self, ui: &mut egui::Ui) {
        if let Some(editor) = &mut self.editor {
            let lang = self.lang;
            let mut close = false;
            egui::Panel::right("editor")
                .resizable(true)
                .default_size(480.0)
                .show(ui, |ui| close = editor.show(ui, lang));
            if close {
                if editor.id.is_none() && editor.draft.title.trim().is_empty() {
                    self.editor = None;
                } else {
                    self.closing_editor = true;
                }
            }
            return;
        }
        if self.entry.is_some() {
            egui::Panel::right("entry")
                .resizable(true)
                .default_size(420.0)
                .show(ui, |ui| self.entry_view(ui));
        }
    }

    fn message_mode(&mut self, ui: &mut egui::Ui) {
        self.entry_panel(ui);
        egui::CentralPanel::default().show(ui, |ui| {
            let label = ui.label(self.t(Key::PasteMessage));
            let response = ui
                .add(
                    egui::TextEdit::multiline(&mut self.message_text)
                        .desired_rows(5)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            if response.changed() {
                self.suggest_seq += 1;
                self.backend.ask(Job::Suggest {
                    seq: self.suggest_seq,
                    text: self.message_text.clone(),
                });
            }
            ui.separator();
            let mut show = None;
            let mut copy = None;
            egui::ScrollArea::vertical().show(ui, |ui| {
                for hit in &self.suggestions {
                    ui.horizontal(|ui| {
                        if ui.button(self.lang.t(Key::Copy)).clicked() {
                            copy = Some(hit.id.clone());
                        }
                        if ui.link(format!("{}  [{}]", hit.title, hit.kind)).clicked() {
                            show = Some(hit.id.clone());
                        }
                    });
                    if !hit.snippet.is_empty() {
                        ui.add(egui::Label::new(highlighted(&hit.snippet, ui)).truncate());
                    }
                    ui.add_space(4.0);
                }
            });
            if let Some(id) = show {
                self.backend.ask(Job::Show(id));
            }
            if let Some(id) = copy {
                self.backend.ask(Job::Copy(id));
            }
        });
    }

    fn team_mode(&mut self, ui: &mut egui::Ui) {
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(team) = &self.team_view else {
                ui.label(self.t(Key::Loading));
                return;
            };
            let lang = self.lang;
            ui.heading(&team.name);
            ui.label(format!("{}: {}", lang.t(Key::YourRole), team.my_role));
            ui.separator();
            ui.label(RichText::new(lang.t(Key::Members)).strong());
            let admin = team.my_role == Role::Admin;
            let mut actions = Vec::new();
            egui::Grid::new("members").striped(true).show(ui, |ui| {
                for m in &team.members {
                    let you = if m.you { lang.t(Key::You) } else { "" };
                    let name = ui.label(format!("{}{you}", m.name));
                    if admin && !m.you {
                        let mut role = m.role;
                        let combo = egui::ComboBox::from_id_salt(("role", &m.id))
                            .selected_text(role.as_str())
                            .show_ui(ui, |ui| {
                                for r in [Role::Admin, Role::Trainer, Role::Agent, Role::Viewer] {
                                    ui.selectable_value(&mut role, r, r.as_str());
                                }
                            });
                        let _ = combo.response.labelled_by(name.id);
                        if role != m.role {
                            actions.push(Job::SetRole {
                                member: m.id.clone(),
                                role,
                            });
                        }
                    } else {
                        ui.label(m.role.as_str());
                    }
                    if m.connected {
                        ui.label(lang.t(Key::Online));
                    } else if m.last_sync > 0 {
                        ui.label(format!(
                            "{} {}",
                            lang.t(Key::LastSync),
                            crate::cli::output::local_time(m.last_sync)
                        ));
                    } else {
                        ui.label("");
                    }
                    if admin && !m.you {
                        if ui.button(lang.t(Key::RemoveMember)).clicked() {
                            actions.push(Job::Remove(m.id.clone()));
                        }
                    } else {
                        ui.label("");
                    }
                    ui.end_row();
                }
            });
            if admin {
                ui.separator();
                ui.horizontal(|ui| {
                    let label = ui.label(lang.t(Key::NewRole));
                    let combo = egui::ComboBox::from_id_salt("invite-role")
                        .selected_text(self.invite_role.as_str())
                        .show_ui(ui, |ui| {
                            for r in [Role::Admin, Role::Trainer, Role::Agent, Role::Viewer] {
                                ui.selectable_value(&mut self.invite_role, r, r.as_str());
                            }
                        });
                    let _ = combo.response.labelled_by(label.id);
                    let hours = ui.label(lang.t(Key::ValidHours));
                    ui.add(egui::DragValue::new(&mut self.invite_hours).range(1..=24 * 30))
                        .labelled_by(hours.id);
                    if ui.button(lang.t(Key::CreateInvite)).clicked() {
                        actions.push(Job::Invite {
                            role: self.invite_role,
                            hours: self.invite_hours,
                        });
                    }
                });
            }
            if let Some((text, qr)) = &self.ticket_out {
                let label = ui.label(lang.t(Key::TicketReady));
                let mut shown = text.as_str();
                ui.add(
                    egui::TextEdit::multiline(&mut shown)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                if ui.button(lang.t(Key::Copy)).clicked() {
                    self.copied = Some(text.clone());
                }
                ui.add(egui::Image::new(qr).fit_to_exact_size(egui::vec2(240.0, 240.0)));
            }
            ui.separator();
            ui.label(lang.t(Key::JoinOther));
            ui.horizontal(|ui| {
                let label = ui.label(lang.t(Key::Ticket));
                ui.text_edit_singleline(&mut self.ticket)
                    .labelled_by(label.id);
                if ui.button(lang.t(Key::JoinTeam)).clicked() {
                    actions.push(Job::Join(self.ticket.trim().to_string()));
                }
            });
            for job in actions {
                self.backend.ask(job);
            }
        });
    }

    fn search_mode(&mut self, ui: &mut egui::Ui) {
        // Keys first, so the search box does not swallow them.
        // (Not while the editor is open: its text fields need them.)
        let (down, up, enter, copy) = if self.editor.is_some() {
            (false, false, false, false)
        } else {
            ui.ctx().input_mut(|i| {
                (
                    i.consume_key(Modifiers::NONE, K::ArrowDown),
                    i.consume_key(Modifiers::NONE, K::ArrowUp),
                    i.consume_key(Modifiers::NONE, K::Enter),
                    i.consume_key(Modifiers::COMMAND, K::Enter),
                )
            })
        };
        if down && self.selected + 1 < self.hits.len() {
            self.selected += 1;
        }
        if up && self.selected > 0 {
            self.selected -= 1;
        }
        let current = self.hits.get(self.selected).map(|h| h.id.clone());
        if let Some(id) = &current {
            if enter {
                self.backend.ask(Job::Show(id.clone()));
            }
            if copy {
                self.backend.ask(Job::Copy(id.clone()));
            }
        }
        egui::Panel::top("search").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let label = ui.label(self.t(Key::Search));
                let hint = self.t(Key::SearchHint);
                let edit = egui::TextEdit::singleline(&mut self.query)
                    .hint_text(hint)
                    .desired_width(ui.available_width() - 160.0)
                    .font(FontId::proportional(18.0));
                let response = ui.add(edit).labelled_by(label.id);
                if self.focus_search {
                    response.request_focus();
                    self.focus_search = false;
                }
                let kinds = [
                    (None, self.t(Key::AllKinds)),
                    (Some(Kind::Faq), "FAQ"),
                    (Some(Kind::Script), "话术 / Script"),
                    (Some(Kind::Sop), "SOP"),
                    (Some(Kind::Training), "培训 / Training"),
                ];
                let before = self.kind;
                let shown = kinds
                    .iter()
                    .find(|(k, _)| *k == self.kind)
                    .map_or("", |(_, name)| *name);
                egui::ComboBox::from_label(self.t(Key::Kind))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for (kind, name) in kinds {
                            ui.selectable_value(&mut self.kind, kind, name);
                        }
                    });
                if response.changed() || before != self.kind {
                    self.search();
                }
            });
            let (category, tag) = (self.category.clone(), self.tag.clone());
            ui.horizontal(|ui| {
                let all = self.lang.t(Key::All);
                for (key, value, choices) in [
                    (Key::Category, &mut self.category, &self.categories),
                    (Key::Tag, &mut self.tag, &self.tags),
                ] {
                    egui::ComboBox::from_label(self.lang.t(key))
                        .selected_text(value.clone().unwrap_or_else(|| all.to_string()))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(value, None, all);
                            for c in choices {
                                ui.selectable_value(value, Some(c.clone()), c);
                            }
                        });
                }
            });
            if (category, tag) != (self.category.clone(), self.tag.clone()) {
                self.search();
            }
            ui.horizontal(|ui| {
                ui.label(RichText::new(self.t(Key::Shortcuts)).small().weak());
                if ui.small_button(self.t(Key::NewEntry)).clicked() && self.editor.is_none() {
                    self.editor = Some(Editor::new_entry(Kind::Faq, Vec::new()));
                }
            });
            ui.add_space(4.0);
        });
        self.entry_panel(ui);
        egui::CentralPanel::default().show(ui, |ui| self.results(ui));
    }

    fn results(&mut self, ui: &mut egui::Ui) {
        if self.hits.is_empty() && !self.query.trim().is_empty() && self.shown_seq == self.seq {
            ui.label(self.t(Key::NoResults));
            return;
        }
        // Every row has the same height, so only the visible ones are laid out.
        let row = 44.0;
        let mut clicked = None;
        let mut copy = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show_rows(ui, row, self.hits.len(), |ui, range| {
                for i in range {
                    let hit = &self.hits[i];
                    let selected = i == self.selected;
                    let width = ui.available_width();
                    ui.allocate_ui_with_layout(
                        egui::vec2(width, row),
                        egui::Layout::left_to_right(egui::Align::Min),
                        |ui| {
                            ui.set_min_height(row);
                            ui.vertical(|ui| {
                                ui.set_max_width(width - 110.0);
                                let title = format!("{}  [{}]", hit.title, hit.kind);
                                let label = egui::Button::selectable(selected, title).truncate();
                                if ui.add(label).clicked() {
                                    clicked = Some(i);
                                }
                                if !hit.snippet.is_empty() {
                                    ui.add(
                                        egui::Label::new(highlighted(&hit.snippet, ui)).truncate(),
                                    );
                                }
                            });
                            if selected {
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Min),
                                    |ui| {
                                        if ui.button(self.lang.t(Key::Copy)).clicked() {
                                            copy = Some(hit.id.clone());
                                        }
                                    },
                                );
                            }
                        },
                    );
                }
            });
        if let Some(i) = clicked {
            self.selected = i;
            self.backend.ask(Job::Show(self.hits[i].id.clone()));
        }
        if let Some(id) = copy {
            self.backend.ask(Job::Copy(id));
        }
    }

    fn entry_view(&mut self, ui: &mut egui::Ui) {
        let Some(entry) = &self.entry else { return };
        let mut close = false;
        let mut copy = false;
        let mut history = false;
        let mut edit = false;
        let mut open = None;
        let mut adopt = None;
        let mut contribute = None;
        ui.horizontal(|ui| {
            copy = ui.button(self.lang.t(Key::Copy)).clicked();
            edit = ui.button(self.lang.t(Key::Edit)).clicked();
            history = ui.button(self.lang.t(Key::History)).clicked();
            close = ui.button(self.lang.t(Key::Close)).clicked();
        });
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(&entry.title);
            ui.label(
                RichText::new(format!("{} · {} · {}", entry.kind, entry.status, entry.id)).weak(),
            );
            if !entry.shortcode.is_empty() {
                ui.label(format!(
                    "{}: {}",
                    self.lang.t(Key::Shortcode),
                    entry.shortcode
                ));
            }
            ui.separator();
            markdown(ui, &entry.body);
            if !entry.persona.is_empty() {
                ui.separator();
                ui.label(RichText::new(self.lang.t(Key::Persona)).strong());
                ui.label(&entry.persona);
            }
            if !entry.opening.is_empty() {
                ui.label(RichText::new(self.lang.t(Key::Opening)).strong());
                ui.label(&entry.opening);
            }
            for (key, items) in [
                (Key::Turns, &entry.turns),
                (Key::KeyPoints, &entry.key_points),
            ] {
                if !items.is_empty() {
                    ui.label(RichText::new(self.lang.t(key)).strong());
                    for item in items {
                        ui.label(format!("• {item}"));
                    }
                }
            }
            if !entry.links.is_empty() {
                ui.separator();
                ui.label(RichText::new(self.lang.t(Key::Links)).strong());
                for link in &entry.links {
                    if ui.link(link).clicked() {
                        open = Some(link.clone());
                    }
                }
            }
            ui.separator();
            ui.label(RichText::new(self.lang.t(Key::Answers)).strong());
            for a in &entry.answers {
                ui.horizontal_wrapped(|ui| {
                    if a.adopted {
                        ui.label("★");
                    } else if ui.small_button(self.lang.t(Key::Adopt)).clicked() {
                        adopt = Some(a.id.clone());
                    }
                    ui.label(&a.text);
                });
            }
            let label = ui.label(self.lang.t(Key::Contribute));
            ui.add(
                egui::TextEdit::multiline(&mut self.answer_text)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
            if ui.button(self.lang.t(Key::Submit)).clicked() && !self.answer_text.trim().is_empty()
            {
                contribute = Some(std::mem::take(&mut self.answer_text));
            }
            if let Some((id, changes)) = &self.history
                && *id == entry.id
            {
                ui.separator();
                ui.label(RichText::new(self.lang.t(Key::History)).strong());
                for (who, when, what) in changes {
                    ui.label(format!(
                        "{}  {who}  {what}",
                        crate::cli::output::local_time(*when)
                    ));
                }
            }
        });
        let id = entry.id.clone();
        if history {
            self.backend.ask(Job::History(id.clone()));
        }
        if edit {
            self.backend.ask(Job::Edit(id.clone()));
        }
        if let Some(link) = open {
            self.backend.ask(Job::Show(link));
        }
        if let Some(answer) = adopt {
            self.backend.ask(Job::Adopt {
                id: id.clone(),
                answer,
            });
        }
        if let Some(text) = contribute {
            self.backend.ask(Job::Answer {
                id: id.clone(),
                text,
            });
        }
        if copy {
            self.backend.ask(Job::Copy(id));
        }
        if close {
            self.entry = None;
        }
    }
}

/// The ticket as a QR code (black on white, with the quiet zone), for a phone to scan.
fn qr_texture(ctx: &egui::Context, text: &str) -> egui::TextureHandle {
    let image =
        match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L) {
            Ok(code) => {
                let width = code.width();
                let size = width + 8;
                let mut pixels = vec![Color32::WHITE; size * size];
                for (i, color) in code.to_colors().iter().enumerate() {
                    if *color == qrcode::Color::Dark {
                        pixels[(i / width + 4) * size + i % width + 4] = Color32::BLACK;
                    }
                }
                egui::ColorImage::new([size, size], pixels)
            }
            Err(_) => egui::ColorImage::new([1, 1], vec![Color32::WHITE]),
        };
    ctx.load_texture("ticket-qr", image, egui::TextureOptions::NEAREST)
}

/// A snippet with its `**matches**` in bold colour.
fn highlighted(snippet: &str, ui: &egui::Ui) -> LayoutJob {
    let mut job = LayoutJob::default();
    let plain = TextFormat {
        color: ui.visuals().weak_text_color(),
        ..TextFormat::default()
    };
    let hit = TextFormat {
        color: Color32::from_rgb(0xd9, 0x77, 0x06),
        ..TextFormat::default()
    };
    for (i, part) in snippet.split("**").enumerate() {
        job.append(
            part,
            0.0,
            if i % 2 == 1 {
                hit.clone()
            } else {
                plain.clone()
            },
        );
    }
    job
}

/// Markdown as support teams write it: headings, bulleted and numbered lists, quotes,
/// **bold**, `code`, and paragraphs (links show their text).
fn markdown(ui: &mut egui::Ui, text: &str) {
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            ui.add_space(6.0);
            continue;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
            let size = [20.0, 18.0, 16.0, 15.0, 14.0, 14.0][hashes - 1];
            ui.label(RichText::new(trimmed[hashes..].trim()).strong().size(size));
            continue;
        }
        let (prefix, rest) = if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            ("  •  ".to_string(), item)
        } else if let Some(quote) = trimmed.strip_prefix("> ") {
            ("  ▎ ".to_string(), quote)
        } else {
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            match trimmed[digits..].strip_prefix(". ") {
                Some(item) if digits > 0 => (format!("  {}. ", &trimmed[..digits]), item),
                _ => (String::new(), trimmed),
            }
        };
        ui.label(inline(ui, &prefix, rest));
    }
}

/// One line of Markdown text: `**bold**`, `` `code` `` and `[text](url)` → text.
fn inline(ui: &egui::Ui, prefix: &str, text: &str) -> LayoutJob {
    let body = egui::TextStyle::Body.resolve(ui.style());
    let plain = TextFormat {
        font_id: body.clone(),
        color: ui.visuals().text_color(),
        ..TextFormat::default()
    };
    let bold = TextFormat {
        color: ui.visuals().strong_text_color(),
        ..plain.clone()
    };
    let code = TextFormat {
        font_id: FontId::monospace(body.size),
        background: ui.visuals().code_bg_color,
        ..plain.clone()
    };
    let mut job = LayoutJob::default();
    job.wrap.max_width = ui.available_width();
    job.append(prefix, 0.0, plain.clone());
    let text = strip_links(text);
    for (i, part) in text.split("**").enumerate() {
        for (j, piece) in part.split('`').enumerate() {
            let format = if j % 2 == 1 {
                code.clone()
            } else if i % 2 == 1 {
                bold.clone()
            } else {
                plain.clone()
            };
            job.append(piece, 0.0, format);
        }
    }
    job
}

/// `[text](url)` → `text`.
fn strip_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](").and_then(|close| {
            after[close + 2..]
                .find(')')
                .map(|end| (close, close + 2 + end))
        }) {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl eframe::App for LoreApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
