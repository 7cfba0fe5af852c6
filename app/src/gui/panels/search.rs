//! "Find answers": the search box (focused), kind, category and tag filters, results that
//! follow every keystroke (only the visible rows are laid out), keys ↑/↓ to select, Enter
//! to open, Ctrl+Enter to copy the reply; the entry pane beside the results. Import and
//! export buttons; an empty library shows the first steps instead of an empty list.

use egui::{FontId, Modifiers, RichText};
use lore_core::reply::is_reply_kind;
use lore_core::{FreshState, Freshness, Hit, Kind};

use super::entry::EntryPane;
use super::exchange::template_path;
use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, Job, Query};
use crate::gui::widgets::badge::{Marks, badges_ui};
use crate::gui::widgets::highlight::snippet_ui;

/// The height of every result row: equal rows let the list lay out only the visible ones.
const ROW: f32 = 44.0;

/// The search box, its filters and its results.
#[derive(Debug)]
pub struct SearchPanel {
    query: Query,
    /// The number of the last search asked for.
    seq: u64,
    /// The number of the search whose results are shown.
    shown_seq: u64,
    hits: Vec<Hit>,
    selected: usize,
    /// Whether the search box takes the focus on the next frame.
    focus: bool,
    categories: Vec<String>,
    tags: Vec<String>,
    /// What the user asked for that another part of the app does.
    asked: Option<Ask>,
    /// Entries that need a check: their state and whether they have an owner.
    fresh: std::collections::HashMap<String, (FreshState, bool)>,
    /// This member's queue: what they own that needs a check.
    queue: Vec<Freshness>,
    /// Whether the queue is shown in place of the results.
    show_queue: bool,
    /// Whether the freshness states are to be asked for again.
    fresh_stale: bool,
}

/// What the search panel's buttons ask of the rest of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// The import dialog.
    Import,
    /// The export dialog.
    Export,
    /// The team panel, to invite teammates.
    Invite,
}

impl Default for SearchPanel {
    fn default() -> SearchPanel {
        SearchPanel {
            query: Query::default(),
            seq: 0,
            shown_seq: 0,
            hits: Vec::new(),
            selected: 0,
            focus: true,
            categories: Vec::new(),
            tags: Vec::new(),
            asked: None,
            fresh: Default::default(),
            queue: Vec::new(),
            show_queue: false,
            fresh_stale: true,
        }
    }
}

impl SearchPanel {
    /// The query in the search box and how many results are shown for it.
    pub fn shown(&self) -> (&str, usize) {
        (&self.query.text, self.hits.len())
    }

    /// The question in the search box for the query log: its text, and whether anything
    /// was found (none until its results are in).
    pub fn question(&self) -> (&str, Option<bool>) {
        let answered = self.shown_seq == self.seq;
        (&self.query.text, answered.then_some(!self.hits.is_empty()))
    }

    /// The title of the selected result, once the results of what is typed are in.
    pub fn selected_title(&self) -> Option<&str> {
        (self.shown_seq == self.seq)
            .then(|| self.hits.get(self.selected).map(|h| h.title.as_str()))
            .flatten()
    }

    /// What the user asked of the rest of the app since the last call.
    pub fn take_asked(&mut self) -> Option<Ask> {
        self.asked.take()
    }

    /// Gives the search box the focus on the next frame.
    pub fn focus(&mut self) {
        self.focus = true;
    }

    /// A search for what the box and filters say now; its results replace older ones.
    pub fn search(&mut self) -> Job {
        self.seq += 1;
        Job::Search {
            seq: self.seq,
            query: self.query.clone(),
        }
    }

    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Opened { .. } => {
                self.focus = true;
                self.show_queue = false;
                self.fresh_stale = true;
            }
            Done::FreshList { states, queue } => {
                self.fresh = states
                    .iter()
                    .map(|(id, state, owned)| (id.clone(), (*state, *owned)))
                    .collect();
                self.queue = queue.clone();
                if self.queue.is_empty() {
                    self.show_queue = false;
                }
            }
            Done::Fresh { verified: true, .. } | Done::Saved { .. } | Done::Imported { .. } => {
                self.fresh_stale = true;
            }
            // Answers may overtake each other; an older search never replaces a newer one.
            Done::Hits { seq, hits } if *seq >= self.shown_seq => {
                self.shown_seq = *seq;
                self.hits = hits.clone();
                self.selected = 0;
            }
            Done::Vocabulary { categories, tags } => {
                self.categories = categories.clone();
                self.tags = tags.clone();
            }
            _ => {}
        }
    }

    /// Draws the search bar on top, the entry pane on the right and the results.
    /// `keys`: whether the keyboard is free for the results (no dialog has it).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        entry: &mut EntryPane,
        keys: bool,
    ) -> Vec<Job> {
        // Keys first, so the search box does not swallow them; not while the editor is
        // open: its text fields need them.
        let mut jobs = if entry.editing() || !keys {
            Vec::new()
        } else {
            self.keys(ui)
        };
        if std::mem::take(&mut self.fresh_stale) {
            jobs.push(Job::FreshList);
        }
        egui::Panel::top("search").show(ui, |ui| jobs.extend(self.bar_ui(ui, lang, entry)));
        // A narrow window shows the open entry instead of the results.
        let stacked = ui.available_width() < EntryPane::NARROW && entry.is_open();
        jobs.extend(entry.ui(ui, lang));
        if !stacked {
            egui::CentralPanel::default().show(ui, |ui| {
                if self.show_queue {
                    jobs.extend(queue_ui(ui, lang, &self.queue));
                } else if self.library_empty() {
                    jobs.extend(self.guide_ui(ui, lang, entry));
                } else {
                    jobs.extend(self.results_ui(ui, lang));
                }
            });
        }
        jobs
    }

    /// Whether the library has no entries: the answer to "everything, unfiltered" is in,
    /// and empty.
    fn library_empty(&self) -> bool {
        self.hits.is_empty()
            && self.seq > 0
            && self.shown_seq == self.seq
            && self.query == Query::default()
    }

    /// A new team's first steps, each with the button that does it.
    fn guide_ui(&mut self, ui: &mut egui::Ui, lang: Lang, entry: &mut EntryPane) -> Option<Job> {
        let mut job = None;
        ui.add_space(16.0);
        ui.heading(lang.t(Key::GuideTitle));
        ui.add_space(8.0);
        if ui.button(lang.t(Key::GuideImport)).clicked() {
            self.asked = Some(Ask::Import);
        }
        if ui.button(lang.t(Key::GuideTemplate)).clicked() {
            job = Some(Job::SaveTemplate(template_path()));
        }
        if ui.button(lang.t(Key::GuideCreate)).clicked() {
            entry.new_entry();
        }
        if ui.button(lang.t(Key::GuideInvite)).clicked() {
            self.asked = Some(Ask::Invite);
        }
        job
    }

    /// ↑/↓ move the selection, Enter opens it, Ctrl+Enter copies its reply.
    fn keys(&mut self, ui: &egui::Ui) -> Vec<Job> {
        let (down, up, enter, copy) = ui.ctx().input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, egui::Key::ArrowDown),
                i.consume_key(Modifiers::NONE, egui::Key::ArrowUp),
                i.consume_key(Modifiers::NONE, egui::Key::Enter),
                i.consume_key(Modifiers::COMMAND, egui::Key::Enter),
            )
        });
        if down && self.selected + 1 < self.hits.len() {
            self.selected += 1;
        }
        if up && self.selected > 0 {
            self.selected -= 1;
        }
        let mut jobs = Vec::new();
        if let Some(hit) = self.hits.get(self.selected) {
            if enter {
                jobs.push(Job::Show(hit.id.clone()));
            }
            if copy && is_reply_kind(hit.kind) {
                jobs.push(copy_job(hit));
            }
        }
        jobs
    }

    /// The search box, the filters, the shortcuts and the new-entry button.
    fn bar_ui(&mut self, ui: &mut egui::Ui, lang: Lang, entry: &mut EntryPane) -> Option<Job> {
        let before = self.query.clone();
        let mut typed = false;
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let label = ui.label(lang.t(Key::Search));
            let edit = egui::TextEdit::singleline(&mut self.query.text)
                .hint_text(lang.t(Key::SearchHint))
                .desired_width(ui.available_width() - 160.0)
                .font(FontId::proportional(18.0));
            let response = ui.add(edit).labelled_by(label.id);
            if self.focus {
                response.request_focus();
                self.focus = false;
            }
            typed = response.changed();
            kind_ui(ui, lang, &mut self.query.kind);
        });
        ui.horizontal(|ui| {
            let all = lang.t(Key::All);
            for (key, value, choices) in [
                (Key::Category, &mut self.query.category, &self.categories),
                (Key::Tag, &mut self.query.tag, &self.tags),
            ] {
                egui::ComboBox::from_label(lang.t(key))
                    .selected_text(value.clone().unwrap_or_else(|| all.to_string()))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(value, None, all);
                        for c in choices {
                            ui.selectable_value(value, Some(c.clone()), c);
                        }
                    });
            }
        });
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.t(Key::Shortcuts)).small().weak());
            if ui.small_button(lang.t(Key::NewEntry)).clicked() {
                entry.new_entry();
            }
            if ui.small_button(lang.t(Key::ImportFiles)).clicked() {
                self.asked = Some(Ask::Import);
            }
            if ui.small_button(lang.t(Key::ExportLibrary)).clicked() {
                self.asked = Some(Ask::Export);
            }
            if !self.queue.is_empty() || self.show_queue {
                let text = format!(
                    "{} ({})",
                    lang.pick("我的待核实", "My checks"),
                    self.queue.len()
                );
                if ui.selectable_label(self.show_queue, text).clicked() {
                    self.show_queue = !self.show_queue;
                }
            }
        });
        ui.add_space(4.0);
        let changed = typed || self.query != before;
        if changed {
            // A search shows its results, not the queue.
            self.show_queue = false;
        }
        changed.then(|| self.search())
    }

    /// The results, the selected one with a copy button; a click opens one.
    fn results_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        // "Nothing found" only once the answer to what is typed now is in.
        if self.hits.is_empty() && !self.query.text.trim().is_empty() && self.shown_seq == self.seq
        {
            ui.label(lang.t(Key::NoResults));
            return jobs;
        }
        let mut clicked = None;
        if self.query.text.trim().is_empty() && self.query.kind == Some(Kind::Script) {
            // The team's scripts as a tree by category, as 快捷回复 panels group them.
            clicked = tree_ui(ui, lang, &self.hits, self.selected, &self.fresh, &mut jobs);
        } else {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show_rows(ui, ROW, self.hits.len(), |ui, range| {
                    for i in range {
                        let hit = &self.hits[i];
                        let selected = i == self.selected;
                        let fresh = row_fresh(&self.fresh, &hit.id);
                        let (open, copy) = row_ui(ui, lang, hit, selected, fresh);
                        if open {
                            clicked = Some(i);
                        }
                        if copy {
                            jobs.push(copy_job(hit));
                        }
                    }
                });
        }
        if let Some(i) = clicked {
            self.selected = i;
            jobs.insert(0, Job::Show(self.hits[i].id.clone()));
        }
        jobs
    }
}

/// Scripts grouped under their categories (those without one last), each group
/// foldable; returns the index of a script whose title was clicked.
fn tree_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    hits: &[Hit],
    selected: usize,
    fresh: &std::collections::HashMap<String, (FreshState, bool)>,
    jobs: &mut Vec<Job>,
) -> Option<usize> {
    // Scripts only, also while the results of the filter just chosen are on their way.
    let scripts = |i: &usize| hits[*i].kind == Kind::Script;
    let mut categories: Vec<&str> = (0..hits.len())
        .filter(scripts)
        .map(|i| hits[i].category.as_str())
        .collect();
    categories.sort_by_key(|c| (c.is_empty(), *c));
    categories.dedup();
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for category in categories {
                let members: Vec<usize> = (0..hits.len())
                    .filter(scripts)
                    .filter(|&i| hits[i].category == category)
                    .collect();
                let name = if category.is_empty() { "—" } else { category };
                egui::CollapsingHeader::new(format!("{name}（{}）", members.len()))
                    .id_salt(("script-category", category))
                    .default_open(true)
                    .show(ui, |ui| {
                        for i in members {
                            let state = row_fresh(fresh, &hits[i].id);
                            let (open, copy) = row_ui(ui, lang, &hits[i], i == selected, state);
                            if open {
                                clicked = Some(i);
                            }
                            if copy {
                                jobs.push(copy_job(&hits[i]));
                            }
                        }
                    });
            }
        });
    clicked
}

/// The kind filter.
fn kind_ui(ui: &mut egui::Ui, lang: Lang, kind: &mut Option<Kind>) {
    let mut kinds = vec![(None, lang.t(Key::AllKinds))];
    kinds.extend(Kind::ALL.map(|k| (Some(k), lang.kind(k))));
    let shown = kinds
        .iter()
        .find(|(k, _)| k == kind)
        .map_or("", |(_, name)| *name);
    egui::ComboBox::from_label(lang.t(Key::Kind))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (k, name) in kinds {
                ui.selectable_value(kind, k, name);
            }
        });
}

/// One result row: title and kind, the snippet; the selected row has a copy button.
/// Returns whether the title was clicked and whether copy was.
fn row_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    hit: &Hit,
    selected: bool,
    fresh: Option<FreshState>,
) -> (bool, bool) {
    let (mut open, mut copy) = (false, false);
    let width = ui.available_width();
    ui.allocate_ui_with_layout(
        egui::vec2(width, ROW),
        egui::Layout::left_to_right(egui::Align::Min),
        |ui| {
            ui.set_min_height(ROW);
            ui.vertical(|ui| {
                ui.set_max_width(width - 110.0);
                ui.horizontal(|ui| {
                    badges_ui(ui, lang, &Marks::of(hit).fresh(fresh));
                    open = ui
                        .add(egui::Button::selectable(selected, hit.title.as_str()).truncate())
                        .clicked();
                });
                if !hit.snippet.is_empty() {
                    snippet_ui(ui, &hit.snippet);
                }
            });
            if selected && is_reply_kind(hit.kind) {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    copy = ui.button(lang.t(Key::Copy)).clicked();
                });
            }
        },
    );
    (open, copy)
}

/// The badge a result row carries: overdue always; unverified or due soon when the entry
/// has an owner (an unowned entry is not yet anyone's to check, and a new team's whole
/// library would otherwise say 待核实).
fn row_fresh(
    fresh: &std::collections::HashMap<String, (FreshState, bool)>,
    id: &str,
) -> Option<FreshState> {
    match fresh.get(id) {
        Some((FreshState::Overdue, _)) => Some(FreshState::Overdue),
        Some((state, true)) => Some(*state),
        _ => None,
    }
}

/// This member's queue: each entry they own that needs a check, overdue first, with
/// where it stands; a click opens it.
fn queue_ui(ui: &mut egui::Ui, lang: Lang, queue: &[Freshness]) -> Option<Job> {
    let mut open = None;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for f in queue {
                ui.horizontal(|ui| {
                    crate::gui::widgets::badge::fresh_badge(ui, lang, f.state);
                    if ui.link(&f.title).clicked() {
                        open = Some(Job::Show(f.id.clone()));
                    }
                    let line = crate::gui::widgets::badge::fresh_line(lang, f);
                    ui.label(RichText::new(line).small().weak());
                });
            }
        });
    open
}

/// Copying a result: its reply, through the copy dialog when there is anything to ask.
fn copy_job(hit: &Hit) -> Job {
    Job::Reply {
        id: hit.id.clone(),
        answer: None,
    }
}
