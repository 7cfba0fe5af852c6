//! The quick picker: a small window on top of everything, opened by the system-wide
//! shortcut wherever the agent is. Type (Chinese, pinyin, `#2`), ↑/↓, Enter: the reply's
//! blanks are asked for, it is copied, and the picker hides, so the chat window has the
//! focus again and Ctrl+V pastes. Escape hides it. With nothing typed it lists the team's
//! most used replies; drafts, SOPs and training items are never listed. 打开主窗口 brings
//! the main window back (on desktops without a tray, the way back to it).
//!
//! The window opens where the agent last moved it (kept in `places.json` by the worker,
//! so across restarts too), else centred across the screen, a third of the way down.

use egui::{Modifiers, Pos2, Vec2, pos2, vec2};
use lore_core::Hit;

use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, Job};
use crate::gui::widgets::badge::{Marks, badges_ui};

/// The picker window's size.
pub const SIZE: Vec2 = vec2(560.0, 380.0);

/// The picker's state.
#[derive(Debug, Default)]
pub struct Picker {
    open: bool,
    query: String,
    hits: Vec<Hit>,
    selected: usize,
    /// The number of the last list asked for; older answers are dropped.
    seq: u64,
    /// The search box takes the keyboard on the next frame.
    focus: bool,
    /// The window asks the desktop for the focus on the next frame.
    raise: bool,
    /// 打开主窗口 was pressed.
    show_main: bool,
    /// Where the agent left the window last (its outer top-left corner).
    at: Option<Pos2>,
    /// Where the window was while it showed.
    seen: Option<Pos2>,
}

impl Picker {
    /// Opens the picker, empty, its box focused; returns the first list to ask for.
    pub fn open(&mut self) -> Job {
        self.open = true;
        self.query.clear();
        self.selected = 0;
        self.focus = true;
        self.raise = true;
        self.ask()
    }

    /// Whether the picker's window should ask for the focus now (once per opening).
    pub fn take_raise(&mut self) -> bool {
        std::mem::take(&mut self.raise)
    }

    /// Where the agent left the window in an earlier run, if they moved it.
    pub fn remembered(&mut self, at: Option<Pos2>) {
        self.at = at;
    }

    /// Where the window opens: where the agent left it, else centred across the screen of
    /// `monitor` size (when known), a third of the way down — never in a corner.
    pub fn place(&self, monitor: Option<Vec2>) -> Pos2 {
        if let Some(at) = self.at {
            return at;
        }
        let screen = monitor.unwrap_or(vec2(1280.0, 800.0));
        pos2(
            ((screen.x - SIZE.x) / 2.0).max(40.0),
            ((screen.y - SIZE.y) / 3.0).max(40.0),
        )
    }

    /// Where the window is now, while it shows.
    pub fn seen_at(&mut self, at: Pos2) {
        self.seen = Some(at);
    }

    /// Once the picker has hidden: the job that keeps where the agent moved it, if they
    /// moved it.
    pub fn remember(&mut self) -> Option<Job> {
        if self.open {
            return None;
        }
        let seen = self.seen.take()?;
        if self.at.unwrap_or(pos2(f32::NAN, f32::NAN)).distance(seen) < 1.0 {
            return None;
        }
        self.at = Some(seen);
        Some(Job::PlacePicker([seen.x, seen.y]))
    }

    /// Whether 打开主窗口 was pressed since the last call.
    pub fn take_show_main(&mut self) -> bool {
        std::mem::take(&mut self.show_main)
    }

    /// Hides the picker (its window's close button).
    pub fn close(&mut self) {
        self.open = false;
    }

    /// What is typed in the picker.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Whether the picker is showing.
    pub fn is_open(&self) -> bool {
        self.open
    }

    fn ask(&mut self) -> Job {
        self.seq += 1;
        Job::Pick {
            seq: self.seq,
            text: self.query.clone(),
        }
    }

    /// Takes in what the worker answered: its list, and a finished copy (the picker hides).
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Picked { seq, hits } if *seq == self.seq => {
                self.hits = hits.clone();
                self.selected = 0;
            }
            Done::Copied { .. } => self.open = false,
            _ => {}
        }
    }

    /// The picker's content; `keys`: whether the keyboard is the picker's (no dialog has
    /// it). Returns the jobs it wants done.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, keys: bool) -> Vec<Job> {
        let mut jobs = Vec::new();
        if keys {
            let (down, up, enter, escape) = ui.input_mut(|i| {
                (
                    i.consume_key(Modifiers::NONE, egui::Key::ArrowDown),
                    i.consume_key(Modifiers::NONE, egui::Key::ArrowUp),
                    i.consume_key(Modifiers::NONE, egui::Key::Enter),
                    i.consume_key(Modifiers::NONE, egui::Key::Escape),
                )
            });
            if escape {
                self.open = false;
                return jobs;
            }
            if down && self.selected + 1 < self.hits.len() {
                self.selected += 1;
            }
            if up && self.selected > 0 {
                self.selected -= 1;
            }
            if enter && let Some(hit) = self.hits.get(self.selected) {
                jobs.push(Job::Reply {
                    id: hit.id.clone(),
                    answer: None,
                });
            }
        }
        let label = ui
            .horizontal(|ui| {
                let label = ui.label(lang.t(Key::PickerHint));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button(lang.t(Key::ShowMain)).clicked() {
                        self.show_main = true;
                        self.open = false;
                    }
                });
                label
            })
            .inner;
        let edit = ui
            .add(egui::TextEdit::singleline(&mut self.query).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if self.focus {
            edit.request_focus();
            self.focus = false;
        }
        if edit.changed() {
            jobs.push(self.ask());
        }
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (i, hit) in self.hits.iter().enumerate() {
                ui.horizontal(|ui| {
                    badges_ui(ui, lang, &Marks::of(hit));
                    let row = ui.selectable_label(i == self.selected, hit.title.as_str());
                    if row.clicked() {
                        jobs.push(Job::Reply {
                            id: hit.id.clone(),
                            answer: None,
                        });
                    }
                });
            }
        });
        jobs
    }
}
