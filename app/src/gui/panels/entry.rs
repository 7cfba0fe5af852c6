//! The entry pane beside the results: the open entry (its Markdown body, links, the
//! team's answers and, when asked for, its history), or the editor while one is open.

use egui::RichText;
use lore_core::reply::{is_reply_kind, reply_of};
use lore_core::{Entry, Kind};

use super::copy::preview_ui;
use crate::gui::editor::Editor;
use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Changed, Done, Job};
use crate::gui::widgets::authors::{blame_ui, record_ui};
use crate::gui::widgets::badge::{Marks, badges_ui, fresh_badge, fresh_line};
use crate::gui::widgets::local_time;
use crate::gui::widgets::markdown::markdown_ui;

/// The open entry or editor, and what belongs to them.
#[derive(Debug, Default)]
pub struct EntryPane {
    entry: Option<Box<Entry>>,
    /// The history last asked for, with the id of its entry.
    history: Option<(String, Vec<Changed>)>,
    /// An answer being written for the open entry.
    answer: String,
    editor: Option<Editor>,
    /// The user closed the editor; it goes once everything is saved.
    closing: bool,
    /// This member's favourite replies.
    favourites: Vec<String>,
    /// Titles of linked entries, by id.
    titles: std::collections::BTreeMap<String, String>,
    /// Members' display names, by member id (answers show their author).
    names: std::collections::BTreeMap<String, String>,
    /// Whether the body is shown tinted by author, and who wrote the open entry.
    by_author: bool,
    authors: Option<Authors>,
    /// The entry who wrote it was last asked for (once per version shown).
    authors_asked: Option<String>,
    /// The open entry's freshness (none: no interval applies) and whether this member may
    /// verify it, with the id it is for; and the entry it was last asked for.
    fresh: Option<(String, Option<lore_core::Freshness>, bool)>,
    fresh_asked: Option<String>,
}

/// Who wrote an entry, and its record.
#[derive(Debug)]
struct Authors {
    id: String,
    blame: lore_core::EntryBlame,
    credit: lore_core::credit::EntryCredit,
}

impl EntryPane {
    /// Whether the editor is open (its text fields need the keys then).
    pub fn editing(&self) -> bool {
        self.editor.is_some()
    }

    /// Opens the editor on a new entry, unless one is open already.
    pub fn new_entry(&mut self) {
        if self.editor.is_none() {
            self.editor = Some(Editor::new_entry(Kind::Faq, Vec::new()));
        }
    }

    /// Opens the editor on a new entry filled in from `entry` (a content gap's question),
    /// saved as a draft right away, unless an editor is open already.
    pub fn new_entry_from(&mut self, entry: Entry) {
        if self.editor.is_none() {
            self.editor = Some(Editor::new_from(entry, Vec::new()));
        }
    }

    /// What the editor needs done this frame, drawn or not: a save that is due, and once
    /// everything is saved after the user closed it, letting go of it.
    pub fn due(&mut self) -> Vec<Job> {
        let mut jobs = Vec::new();
        let Some(editor) = &mut self.editor else {
            return jobs;
        };
        jobs.extend(editor.due(self.closing));
        jobs.extend(editor.link_job());
        if self.closing && !editor.unsaved() {
            let id = editor.id.clone();
            self.editor = None;
            self.closing = false;
            jobs.push(Job::StopEditing);
            // Back to the entry as saved.
            jobs.extend(id.map(Job::Show));
        }
        jobs
    }

    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Opened { .. } => {
                self.entry = None;
                self.editor = None;
                self.closing = false;
            }
            Done::Entry(entry) => {
                self.history = None;
                self.entry = Some(entry.clone());
                self.forget_authors();
            }
            Done::Authors { id, blame, credit } => {
                self.authors = Some(Authors {
                    id: id.clone(),
                    blame: (**blame).clone(),
                    credit: (**credit).clone(),
                });
            }
            Done::Fresh {
                id,
                freshness,
                may_verify,
                ..
            } => {
                self.fresh = Some((id.clone(), freshness.as_deref().cloned(), *may_verify));
            }
            Done::History { id, changes } => self.history = Some((id.clone(), changes.clone())),
            Done::Favourites(ids) => self.favourites = ids.clone(),
            Done::Team { members, .. } => {
                self.names = members
                    .iter()
                    .map(|m| (m.id.clone(), m.name.clone()))
                    .collect();
            }
            Done::Titles(titles) => {
                self.titles.extend(titles.iter().cloned());
                if let Some(editor) = &mut self.editor {
                    editor.titles(titles);
                }
            }
            Done::LinkHits(hits) => {
                if let Some(editor) = &mut self.editor {
                    editor.link_hits(hits.clone());
                }
            }
            Done::Editing { entry, heads, tags } => {
                self.closing = false;
                self.editor = Some(Editor::open((**entry).clone(), heads.clone(), tags.clone()));
            }
            Done::Saved { entry, heads, own } => {
                if let Some(editor) = &mut self.editor {
                    editor.saved((**entry).clone(), heads.clone(), own.clone());
                }
                self.entry = Some(entry.clone());
                self.forget_authors();
            }
            Done::Changed { entry, heads } => {
                if let Some(editor) = &mut self.editor {
                    editor.changed((**entry).clone(), heads.clone());
                }
                self.entry = Some(entry.clone());
                self.forget_authors();
            }
            Done::Failed(_) => {
                if let Some(editor) = &mut self.editor {
                    editor.failed();
                }
            }
            _ => {}
        }
    }

    /// The entry shown is new or changed: who wrote it is asked for again.
    fn forget_authors(&mut self) {
        self.authors = None;
        self.authors_asked = None;
        self.fresh_asked = None;
    }

    /// Whether an entry or the editor is open.
    pub fn is_open(&self) -> bool {
        self.entry.is_some() || self.editor.is_some()
    }

    /// Below this width the entry (or editor) takes the whole window while it is open,
    /// and closing it shows the list again.
    pub const NARROW: f32 = 760.0;

    /// Draws the editor or the open entry as a panel on the right, if there is one; in a
    /// window narrower than [`Self::NARROW`], as the whole of it.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let full = ui.available_width() < Self::NARROW;
        if let Some(editor) = &mut self.editor {
            let mut close = false;
            let names = &self.names;
            if full {
                egui::CentralPanel::default().show(ui, |ui| close = editor.ui(ui, lang, names));
            } else {
                egui::Panel::right("editor")
                    .resizable(true)
                    .default_size(480.0)
                    .show(ui, |ui| close = editor.ui(ui, lang, names));
            }
            if close {
                // A new entry that never got a title has nothing to save.
                if editor.id.is_none() && editor.draft.title.trim().is_empty() {
                    self.editor = None;
                } else {
                    self.closing = true;
                }
            }
            return Vec::new();
        }
        let mut jobs = Vec::new();
        if self.entry.is_some() {
            if full {
                egui::CentralPanel::default().show(ui, |ui| jobs = self.entry_ui(ui, lang));
            } else {
                egui::Panel::right("entry")
                    .resizable(true)
                    .default_size(420.0)
                    .show(ui, |ui| jobs = self.entry_ui(ui, lang));
            }
        }
        jobs
    }

    /// The open entry: its actions, then everything it holds.
    fn entry_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let Some(entry) = &self.entry else {
            return Vec::new();
        };
        let mut jobs = Vec::new();
        let mut close = false;
        ui.horizontal(|ui| {
            if let Ok(reply) = reply_of(entry, None) {
                let copy = ui
                    .button(lang.t(Key::Copy))
                    .on_hover_ui(|ui| preview_ui(ui, &reply.text));
                if copy.clicked() {
                    jobs.push(Job::Reply {
                        id: entry.id.clone(),
                        answer: None,
                    });
                }
            }
            if is_reply_kind(entry.kind) {
                let pinned = self.favourites.contains(&entry.id);
                let key = if pinned { Key::Unpin } else { Key::Pin };
                if ui.button(lang.t(key)).clicked() {
                    jobs.push(Job::Pin {
                        id: entry.id.clone(),
                        pinned: !pinned,
                    });
                }
            }
            for (key, job) in [
                (Key::Edit, Job::Edit(entry.id.clone())),
                (Key::History, Job::History(entry.id.clone())),
            ] {
                if ui.button(lang.t(key)).clicked() {
                    jobs.push(job);
                }
            }
            let label = lang.pick("按作者着色", "By author");
            if ui.selectable_label(self.by_author, label).clicked() {
                self.by_author = !self.by_author;
            }
            close = ui.button(lang.t(Key::Close)).clicked();
        });
        // Who wrote it is asked for whenever the entry shown is not the one it is for
        // (another entry, or this one changed since).
        let stale = self.authors.as_ref().is_none_or(|a| a.id != entry.id);
        if self.by_author && stale && self.authors_asked.as_deref() != Some(&entry.id) {
            self.authors_asked = Some(entry.id.clone());
            jobs.push(Job::Authors(entry.id.clone()));
        }
        if self.fresh_asked.as_deref() != Some(&entry.id) {
            self.fresh_asked = Some(entry.id.clone());
            jobs.push(Job::Freshness(entry.id.clone()));
        }
        if let Some((_, Some(f), may_verify)) = self.fresh.as_ref().filter(|f| f.0 == entry.id) {
            jobs.extend(fresh_ui(ui, lang, f, *may_verify));
        }
        let authors = self.authors.as_ref().filter(|a| a.id == entry.id);
        egui::ScrollArea::vertical().show(ui, |ui| {
            match authors.filter(|_| self.by_author) {
                Some(a) => {
                    ui.heading(&entry.title);
                    blame_ui(ui, lang, &a.blame, &self.names);
                    ui.separator();
                    record_ui(ui, lang, &a.credit, &self.names);
                }
                None => jobs.extend(content_ui(ui, lang, entry, &self.titles)),
            }
            reply_ui(ui, lang, entry);
            jobs.extend(answers_ui(ui, lang, entry, &self.names, &mut self.answer));
            if let Some((id, changes)) = &self.history
                && *id == entry.id
            {
                history_ui(ui, lang, changes);
            }
        });
        if close {
            self.entry = None;
        }
        jobs
    }
}

/// Where the entry stands: its freshness badge, who verified it last and when the next
/// check is due, and 核实 for its owner and the leads.
fn fresh_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    f: &lore_core::Freshness,
    may_verify: bool,
) -> Option<Job> {
    let mut job = None;
    ui.horizontal_wrapped(|ui| {
        fresh_badge(ui, lang, f.state);
        ui.label(RichText::new(fresh_line(lang, f)).small());
        if !f.owner_name.is_empty() {
            let owner = format!("{}{}", lang.pick("负责人：", "Owner: "), f.owner_name);
            ui.label(RichText::new(owner).small().weak());
        }
        if may_verify && ui.small_button(lang.pick("核实", "Verify")).clicked() {
            job = Some(Job::Verify(f.id.clone()));
        }
    });
    job
}

/// What the entry says: title, kind and status, body, a script's shortcode, a training's
/// persona, opening, turns and key points, and its links (a click opens the linked entry).
fn content_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    entry: &Entry,
    titles: &std::collections::BTreeMap<String, String>,
) -> Option<Job> {
    let mut open = None;
    ui.heading(&entry.title);
    ui.horizontal_wrapped(|ui| {
        badges_ui(
            ui,
            lang,
            &Marks {
                kind: entry.kind,
                status: entry.status,
                internal: entry.internal,
                shortcode: &entry.shortcode,
                fresh: None,
            },
        );
        ui.label(RichText::new(format!("{} · {}", lang.status(entry.status), entry.id)).weak());
    });
    ui.separator();
    markdown_ui(ui, &entry.body);
    if !entry.persona.is_empty() {
        ui.separator();
        ui.label(RichText::new(lang.t(Key::Persona)).strong());
        ui.label(&entry.persona);
    }
    if !entry.opening.is_empty() {
        ui.label(RichText::new(lang.t(Key::Opening)).strong());
        ui.label(&entry.opening);
    }
    for (key, items) in [
        (Key::Turns, &entry.turns),
        (Key::KeyPoints, &entry.key_points),
    ] {
        if !items.is_empty() {
            ui.label(RichText::new(lang.t(key)).strong());
            for item in items {
                ui.label(format!("• {item}"));
            }
        }
    }
    if !entry.links.is_empty() {
        ui.separator();
        ui.label(RichText::new(lang.t(Key::Links)).strong());
        for link in &entry.links {
            let shown = titles.get(link).map_or(link.as_str(), String::as_str);
            if ui.link(shown).clicked() {
                open = Some(Job::Show(link.clone()));
            }
        }
    }
    open
}

/// What the customer receives when the reply is copied (folded: the body above says the
/// same with its formatting): chat-ready text, its blanks marked; an SOP or training
/// item says it is not a reply. The copy button shows the same text on hover.
fn reply_ui(ui: &mut egui::Ui, lang: Lang, entry: &Entry) {
    ui.separator();
    match reply_of(entry, None) {
        Ok(reply) => {
            egui::CollapsingHeader::new(lang.t(Key::CustomerGets))
                .id_salt("customer-gets")
                .show(ui, |ui| {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        preview_ui(ui, &reply.text);
                    });
                });
        }
        Err(_) => {
            ui.label(RichText::new(lang.t(Key::NotAReply)).weak().italics());
        }
    }
}

/// The team's answers (the adopted one starred, the others adoptable) and a box to
/// contribute one.
fn answers_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    entry: &Entry,
    names: &std::collections::BTreeMap<String, String>,
    draft: &mut String,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    ui.separator();
    ui.label(RichText::new(lang.t(Key::Answers)).strong());
    for a in &entry.answers {
        ui.horizontal_wrapped(|ui| {
            if a.adopted {
                ui.label("★");
            } else if ui.small_button(lang.t(Key::Adopt)).clicked() {
                jobs.push(Job::Adopt {
                    id: entry.id.clone(),
                    answer: a.id.clone(),
                });
            }
            if is_reply_kind(entry.kind) && ui.small_button(lang.t(Key::CopyAnswer)).clicked() {
                jobs.push(Job::Reply {
                    id: entry.id.clone(),
                    answer: Some(a.id.clone()),
                });
            }
            ui.label(&a.text);
        });
        // Who wrote it and when: a member by their display name, an imported author as
        // the file gave them.
        let author = names.get(&a.author).unwrap_or(&a.author);
        ui.label(
            RichText::new(format!(
                "— {author} · {} · {}",
                local_time(a.time),
                super::credits::state_name(lang, a.state())
            ))
            .weak()
            .small(),
        );
    }
    let label = ui.label(lang.t(Key::Contribute));
    ui.add(
        // A fixed id: the answers above arrive and change in count while the agent types,
        // and an id counted from the widgets before it would lose the focus.
        egui::TextEdit::multiline(draft)
            .id_salt(("contribute", &entry.id))
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    if ui.button(lang.t(Key::Submit)).clicked() && !draft.trim().is_empty() {
        jobs.push(Job::Answer {
            id: entry.id.clone(),
            text: std::mem::take(draft),
        });
    }
    jobs
}

/// Who changed the entry, when and what, newest first.
fn history_ui(ui: &mut egui::Ui, lang: Lang, changes: &[Changed]) {
    ui.separator();
    ui.label(RichText::new(lang.t(Key::History)).strong());
    for (who, when, what) in changes {
        ui.label(format!("{}  {who}  {what}", local_time(*when)));
    }
}
