//! The entry editor. Every field of every kind; text fields save themselves a moment
//! after typing stops, as an edit of the version the editor holds (`Library::edit_since`),
//! so a teammate's change that arrived meanwhile is merged, not overwritten. When the
//! entry changes elsewhere and nothing typed here is unsaved, the editor shows the new
//! version at once; otherwise the next save merges both.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use egui::RichText;
use lore_core::{Entry, Hit, Kind, Status};

use super::i18n::{Key, Lang};
use super::jobs::Job;

/// How long typing must pause before the editor saves.
const SAVE_AFTER: Duration = Duration::from_millis(600);

/// The editable fields, as the editor shows them (lists one item per line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The entry's kind (chosen only for a new entry).
    pub kind: Kind,
    /// The title.
    pub title: String,
    /// The Markdown body.
    pub body: String,
    /// Other ways the question is asked, one per line.
    pub questions: String,
    /// Tags, comma separated.
    pub tags: String,
    /// The category.
    pub category: String,
    /// A script's shortcode.
    pub shortcode: String,
    /// Draft, published or archived.
    pub status: Status,
    /// Whether the entry is for the team's eyes only.
    pub internal: bool,
    /// A training's customer persona.
    pub persona: String,
    /// A training's opening line.
    pub opening: String,
    /// A training's customer turns, one per line.
    pub turns: String,
    /// A training's key points, one per line.
    pub key_points: String,
    /// A multiple-choice quiz's choices, one per line, the right ones starting with `*`.
    pub options: String,
    /// Linked entry ids, one per line.
    pub links: String,
    /// The owner's member id (负责人); none: no owner.
    pub owner: Option<String>,
    /// Days between verifications (核实周期), as typed; empty: the team's default.
    pub verify_every: String,
}

fn lines(items: &[String]) -> String {
    items.join("\n")
}

fn items(text: &str, separators: &[char]) -> Vec<String> {
    text.split(|c| separators.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl Draft {
    /// The fields of `e`, as the form shows them.
    pub fn of(e: &Entry) -> Draft {
        Draft {
            kind: e.kind,
            title: e.title.clone(),
            body: e.body.clone(),
            questions: lines(&e.questions),
            tags: e.tags.join(", "),
            category: e.category.clone(),
            shortcode: e.shortcode.clone(),
            status: e.status,
            internal: e.internal,
            persona: e.persona.clone(),
            opening: e.opening.clone(),
            turns: lines(&e.turns),
            key_points: lines(&e.key_points),
            options: lines(&e.options),
            links: lines(&e.links),
            owner: e.owner.clone(),
            verify_every: e
                .verify_every_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }

    /// `base` with this draft's fields (answers, links and the rest kept).
    pub fn apply(&self, base: &Entry) -> Entry {
        let mut e = base.clone();
        e.kind = self.kind;
        e.title = self.title.trim().to_string();
        e.body = self.body.clone();
        e.questions = items(&self.questions, &['\n']);
        e.tags = items(&self.tags, &[',', '，', '、', ';', '\n']);
        e.category = self.category.trim().to_string();
        e.shortcode = self.shortcode.trim().to_string();
        e.status = self.status;
        e.internal = self.internal;
        e.persona = self.persona.clone();
        e.opening = self.opening.clone();
        e.turns = items(&self.turns, &['\n']);
        e.key_points = items(&self.key_points, &['\n']);
        e.options = items(&self.options, &['\n']);
        e.links = items(&self.links, &['\n', ',', ' ']);
        e.owner = self.owner.clone();
        // What is not a number of days yet (typing goes on) leaves the interval as it was.
        match self.verify_every.trim() {
            "" | "0" => e.verify_every_days = None,
            days => {
                if let Ok(days) = days.parse::<u32>() {
                    e.verify_every_days = Some(days);
                }
            }
        }
        e
    }
}

/// An open editor.
#[derive(Debug)]
pub struct Editor {
    /// `None` until a new entry is first saved.
    pub id: Option<String>,
    /// The version the draft is an edit of.
    base: Vec<String>,
    /// The entry as last known in full.
    entry: Entry,
    /// What the form shows, typing included.
    pub draft: Draft,
    /// The draft as last saved (or loaded).
    saved: Draft,
    /// A save under way, with the draft it sent.
    sent: Option<Draft>,
    last_change: Instant,
    /// The team's tags, to pick from.
    vocabulary: Vec<String>,
    /// Finding entries to link: what is typed, the search to send, what it found.
    link_query: String,
    link_search: Option<String>,
    link_hits: Vec<Hit>,
    /// Titles of linked entries, by id.
    link_titles: BTreeMap<String, String>,
}

impl Editor {
    /// An editor on `entry` at the version `heads`, offering the team's tags.
    pub fn open(entry: Entry, heads: Vec<String>, vocabulary: Vec<String>) -> Editor {
        Editor::on(Some(entry.id.clone()), heads, entry, vocabulary)
    }

    /// A new, empty entry of `kind` (saved as a draft once it has a title).
    pub fn new_entry(kind: Kind, vocabulary: Vec<String>) -> Editor {
        let mut entry = Entry::new(kind, "");
        entry.status = Status::Draft;
        Editor::on(None, Vec::new(), entry, vocabulary)
    }

    /// A new entry filled in from `entry`, unsaved: saved as a draft once due.
    pub fn new_from(mut entry: Entry, vocabulary: Vec<String>) -> Editor {
        entry.status = Status::Draft;
        let mut editor = Editor::on(None, Vec::new(), entry, vocabulary);
        editor.saved = Draft::of(&Entry::new(editor.entry.kind, ""));
        editor
    }

    fn on(id: Option<String>, base: Vec<String>, entry: Entry, vocabulary: Vec<String>) -> Editor {
        let draft = Draft::of(&entry);
        Editor {
            id,
            base,
            saved: draft.clone(),
            draft,
            entry,
            sent: None,
            last_change: Instant::now(),
            vocabulary,
            link_query: String::new(),
            link_search: None,
            link_hits: Vec::new(),
            link_titles: BTreeMap::new(),
        }
    }

    /// The search for entries to link that the typing asked for, once.
    pub fn link_job(&mut self) -> Option<Job> {
        self.link_search.take().map(Job::FindLinks)
    }

    /// Entries found to link.
    pub fn link_hits(&mut self, hits: Vec<Hit>) {
        self.link_hits = hits;
    }

    /// Titles of entries, for the links shown.
    pub fn titles(&mut self, titles: &[(String, String)]) {
        self.link_titles.extend(titles.iter().cloned());
    }

    /// Whether something typed here is not saved yet.
    pub fn unsaved(&self) -> bool {
        self.draft != self.saved || self.sent.is_some()
    }

    /// A save went through: `entry` is the merged result.
    pub fn saved(&mut self, entry: Entry, heads: Vec<String>, own: Vec<String>) {
        let sent = self.sent.take();
        self.id = Some(entry.id.clone());
        if sent.as_ref() == Some(&self.draft) {
            // Nothing typed since: show the merged version (a teammate's edit included).
            self.draft = Draft::of(&entry);
            self.saved = self.draft.clone();
            self.base = heads;
        } else if let Some(sent) = sent {
            // Typing went on: the draft is still an edit of what was sent.
            self.saved = sent;
            self.base = own;
        }
        self.entry = entry;
    }

    /// The save under way failed (the message says why): stop retrying until the next
    /// keystroke; what is typed stays on screen.
    pub fn failed(&mut self) {
        if self.sent.take().is_some() {
            self.saved = self.draft.clone();
        }
    }

    /// The entry changed elsewhere.
    pub fn changed(&mut self, entry: Entry, heads: Vec<String>) {
        if !self.unsaved() {
            self.draft = Draft::of(&entry);
            self.saved = self.draft.clone();
            self.base = heads;
            self.entry = entry;
        }
    }

    /// The save due now, if typing has paused and something is unsaved.
    pub fn due(&mut self, force: bool) -> Option<Job> {
        let pending = self.draft != self.saved && self.sent.is_none();
        let paused = force || self.last_change.elapsed() >= SAVE_AFTER;
        if !pending || !paused || self.draft.title.trim().is_empty() {
            return None;
        }
        self.sent = Some(self.draft.clone());
        Some(Job::Save {
            id: self.id.clone(),
            base: self.base.clone(),
            entry: Box::new(self.draft.apply(&self.entry)),
        })
    }

    /// Draws the form, the owner picked from `members` (member id → display name);
    /// returns whether the user asked to close it.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        members: &BTreeMap<String, String>,
    ) -> bool {
        let before = self.draft.clone();
        let mut close = false;
        ui.horizontal(|ui| {
            close = ui.button(lang.t(Key::DoneEditing)).clicked();
            let state = if self.unsaved() {
                lang.t(Key::Saving)
            } else {
                lang.t(Key::Saved)
            };
            ui.label(RichText::new(state).weak());
        });
        egui::ScrollArea::vertical().show(ui, |ui| {
            let d = &mut self.draft;
            if self.id.is_none() {
                ui.horizontal(|ui| {
                    let label = ui.label(lang.t(Key::Kind));
                    let combo = egui::ComboBox::from_id_salt("edit-kind")
                        .selected_text(lang.kind(d.kind))
                        .show_ui(ui, |ui| {
                            for k in [Kind::Faq, Kind::Script, Kind::Sop, Kind::Training] {
                                ui.selectable_value(&mut d.kind, k, lang.kind(k));
                            }
                        });
                    let _ = combo.response.labelled_by(label.id);
                });
            }
            let field = |ui: &mut egui::Ui, key: Key, text: &mut String, rows: usize| {
                let label = ui.label(RichText::new(lang.t(key)).strong());
                let edit = if rows > 1 {
                    egui::TextEdit::multiline(text).desired_rows(rows)
                } else {
                    egui::TextEdit::singleline(text)
                };
                // Each field keeps its id (and so its focus and cursor) whatever is drawn
                // above it.
                ui.add(
                    edit.id_salt(("edit-field", key))
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            };
            field(ui, Key::Title, &mut d.title, 1);
            field(ui, Key::Body, &mut d.body, 10);
            field(ui, Key::Questions, &mut d.questions, 3);
            field(ui, Key::Tags, &mut d.tags, 1);
            let present = items(&d.tags, &[',', '，', '、', ';', '\n']);
            ui.horizontal_wrapped(|ui| {
                for tag in self
                    .vocabulary
                    .iter()
                    .filter(|t| !present.contains(t))
                    .take(24)
                {
                    if ui.small_button(format!("+ {tag}")).clicked() {
                        if !d.tags.trim().is_empty() {
                            d.tags.push_str(", ");
                        }
                        d.tags.push_str(tag);
                    }
                }
            });
            field(ui, Key::Category, &mut d.category, 1);
            if d.kind == Kind::Script {
                field(ui, Key::Shortcode, &mut d.shortcode, 1);
            }
            if d.kind == Kind::Training {
                field(ui, Key::Persona, &mut d.persona, 2);
                field(ui, Key::Opening, &mut d.opening, 2);
                field(ui, Key::Turns, &mut d.turns, 4);
                field(ui, Key::KeyPointsEdit, &mut d.key_points, 4);
                field(ui, Key::Options, &mut d.options, 3);
            }
            field(ui, Key::LinksEdit, &mut d.links, 2);
            for id in items(&d.links, &['\n', ',', ' ']) {
                if let Some(title) = self.link_titles.get(&id) {
                    ui.label(RichText::new(format!("→ {title}")).weak());
                }
            }
            ui.horizontal(|ui| {
                let label = ui.label(lang.t(Key::FindLink));
                let find = ui
                    .add(egui::TextEdit::singleline(&mut self.link_query).desired_width(220.0))
                    .labelled_by(label.id);
                if find.changed() {
                    self.link_search = Some(self.link_query.clone());
                }
            });
            let mut picked = None;
            ui.horizontal_wrapped(|ui| {
                for hit in self.link_hits.iter().take(6) {
                    if ui.small_button(format!("+ {}", hit.title)).clicked() {
                        picked = Some((hit.id.clone(), hit.title.clone()));
                    }
                }
            });
            if let Some((id, title)) = picked {
                if !d.links.trim().is_empty() {
                    d.links.push('\n');
                }
                d.links.push_str(&id);
                self.link_titles.insert(id, title);
                self.link_query.clear();
                self.link_hits.clear();
            }
            ui.horizontal(|ui| {
                let label = ui.label(lang.t(Key::Status));
                let combo = egui::ComboBox::from_id_salt("edit-status")
                    .selected_text(lang.status(d.status))
                    .show_ui(ui, |ui| {
                        for s in [Status::Draft, Status::Published, Status::Archived] {
                            ui.selectable_value(&mut d.status, s, lang.status(s));
                        }
                    });
                let _ = combo.response.labelled_by(label.id);
                ui.checkbox(&mut d.internal, lang.t(Key::Internal));
            });
            freshness_ui(ui, lang, d, members);
        });
        if self.draft != before {
            self.last_change = Instant::now();
        }
        close
    }
}

/// The owner (负责人), picked from the roster, and the interval in days (核实周期).
fn freshness_ui(ui: &mut egui::Ui, lang: Lang, d: &mut Draft, members: &BTreeMap<String, String>) {
    let none = lang.pick("（无）", "(none)");
    ui.horizontal(|ui| {
        let label = ui.label(lang.pick("负责人", "Owner"));
        let shown = match &d.owner {
            Some(id) => members.get(id).map_or(id.as_str(), String::as_str),
            None => none,
        };
        let mut sorted: Vec<(&String, &String)> = members.iter().collect();
        sorted.sort_by(|a, b| a.1.cmp(b.1).then_with(|| a.0.cmp(b.0)));
        let combo = egui::ComboBox::from_id_salt("edit-owner")
            .selected_text(shown.to_string())
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut d.owner, None, none);
                for (id, name) in sorted {
                    ui.selectable_value(&mut d.owner, Some(id.clone()), name.as_str());
                }
            });
        let _ = combo.response.labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label(lang.pick("核实周期（天）", "Verify every (days)"));
        ui.add(
            egui::TextEdit::singleline(&mut d.verify_every)
                .hint_text(lang.pick("留空：团队默认", "empty: the team's default"))
                .desired_width(80.0),
        )
        .labelled_by(label.id);
    });
}
