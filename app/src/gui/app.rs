//! What the app shows: the welcome screen until there is a library, then search first —
//! a search box with focus, results that follow every keystroke, the entry beside them —
//! with tabs for a customer's message and the team, and a status bar. While the demo's
//! sandbox is open a banner says so above everything, with the button that closes it.
//!
//! As in egui's demo app, the state is a struct of panels. Each frame the worker's answers
//! are handed to every panel, the panels draw and return the jobs they want done, and the
//! jobs go to the worker after drawing.

use egui::RichText;
use lore_core::insights::Asked;

use super::asked::Questions;
use super::backend::Backend;
use super::background::{self, Background};
use super::clipboard::Clipboard;
use super::i18n::{Key, Lang};
use super::jobs::{Done, Job};
use super::panels::copy::CopyDialog;
use super::panels::credits::{CreditsPanel, solve_ui};
use super::panels::entry::EntryPane;
use super::panels::exchange::ExchangeDialog;
use super::panels::insights::InsightsPanel;
use super::panels::message::MessagePanel;
use super::panels::picker::{Picker, SIZE as PICKER_SIZE};
use super::panels::practice::PracticePanel;
use super::panels::search::{Ask, SearchPanel};
use super::panels::status::StatusBar;
use super::panels::team::TeamPanel;
use super::panels::welcome::WelcomePanel;

/// The app's state.
pub struct LoreApp {
    backend: Backend,
    /// The UI language.
    pub lang: Lang,
    /// The last thing to tell the user: whether it is an error, and the text (copied,
    /// failed, ...).
    pub message: Option<(bool, String)>,
    screen: Screen,
    tab: Tab,
    clipboard: Clipboard,
    welcome: WelcomePanel,
    status: StatusBar,
    search: SearchPanel,
    customer: MessagePanel,
    team: TeamPanel,
    credits: CreditsPanel,
    practice: PracticePanel,
    insights: InsightsPanel,
    /// The question on screen, followed for the team's query log.
    questions: Questions,
    /// The last copy's key while its solve mark is asked for.
    solve: Option<String>,
    entry: EntryPane,
    copy: CopyDialog,
    exchange: ExchangeDialog,
    picker: Picker,
    /// The shortcut, the tray and how a close is taken, in the real window.
    background: Option<Background>,
    /// The entry count, roster fingerprint and searchable write last reported: a change
    /// (a teammate's, through sync) refreshes what shows them.
    seen: (usize, u64, u64),
    /// Whether the open library is the demo's sandbox.
    sandbox: bool,
    /// The screen left for another library, to go back to if that one fails to open.
    left: Option<Screen>,
}

/// What fills the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    /// A library is being opened.
    Loading,
    /// No library yet.
    Welcome,
    /// The library, with its tabs.
    Main,
}

/// The tabs of the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Search,
    Message,
    Team,
    Credits,
    Practice,
    Insights,
}

impl std::fmt::Debug for LoreApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoreApp")
            .field("query", &self.search.shown().0)
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
            message: None,
            screen: Screen::Loading,
            tab: Tab::Search,
            clipboard: Clipboard::default(),
            welcome: WelcomePanel::default(),
            status: StatusBar::default(),
            search: SearchPanel::default(),
            customer: MessagePanel::default(),
            team: TeamPanel::default(),
            credits: CreditsPanel::default(),
            practice: PracticePanel::default(),
            insights: InsightsPanel::default(),
            questions: Questions::default(),
            solve: None,
            entry: EntryPane::default(),
            copy: CopyDialog::default(),
            exchange: ExchangeDialog::default(),
            picker: Picker::default(),
            background: None,
            seen: (0, 0, 0),
            sandbox: false,
            left: None,
        }
    }

    /// The app in the real window: with the picker's shortcut, the tray, and a close that
    /// may only hide the window.
    pub fn with_background(mut self, background: Background) -> LoreApp {
        self.background = Some(background);
        self
    }

    /// The app with the picker opening where the agent left it in an earlier run.
    pub fn with_picker_at(mut self, at: Option<[f32; 2]>) -> LoreApp {
        self.picker.remembered(at.map(egui::Pos2::from));
        self
    }

    /// What runs in every pass of the root, its window shown or hidden: the shortcut, the
    /// tray's and other processes' requests, a close that only hides the window. The picker
    /// opened here, with the window hidden, gets the root a UI pass to draw it from.
    pub fn logic(&mut self, ctx: &egui::Context) {
        let open_picker = self
            .background
            .as_mut()
            .is_some_and(|background| background.logic(ctx));
        if open_picker && self.screen == Screen::Main {
            self.open_picker();
            background::paint_while_hidden(ctx);
        }
    }

    /// Opens the quick picker, as its shortcut does.
    pub fn open_picker(&mut self) {
        let job = self.picker.open();
        self.backend.ask(job);
    }

    /// Whether the quick picker is showing.
    pub fn picker_open(&self) -> bool {
        self.picker.is_open()
    }

    /// The query in the search box and how many results are shown for it.
    pub fn shown(&self) -> (&str, usize) {
        self.search.shown()
    }

    /// The selected result's title, once the results of what is typed are in.
    pub fn selected_title(&self) -> Option<&str> {
        self.search.selected_title()
    }

    /// Whether the open library is the demo's sandbox.
    pub fn in_sandbox(&self) -> bool {
        self.sandbox
    }

    /// The last practice result the Practice tab shows.
    pub fn practice_result(&self) -> Option<&lore_core::training::Attempt> {
        self.practice.result()
    }

    /// The board the Credits tab shows, once it has one.
    pub fn credits_board(&self) -> Option<&lore_core::credit::Board> {
        self.credits.board()
    }

    /// The insights the Insights tab shows, once it has them.
    pub fn insights(&self) -> Option<&lore_core::insights::Insights> {
        self.insights.insights()
    }

    /// Whether everything asked of the worker has been answered and shown: what the window
    /// shows will not move but for a teammate's change or the network's state.
    pub fn settled(&self) -> bool {
        self.backend.settled()
    }

    /// The last text the app put on the clipboard.
    pub fn last_copy(&self) -> Option<&str> {
        self.clipboard.last()
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let mut jobs = Vec::new();
        for done in self.backend.answers() {
            jobs.extend(self.absorb(ui.ctx(), &done));
        }
        jobs.extend(self.entry.due());
        egui::Panel::bottom("status").show(ui, |ui| {
            let open = self.screen == Screen::Main;
            self.status
                .ui(ui, &mut self.lang, self.message.as_ref(), open);
        });
        match self.screen {
            Screen::Loading => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.centered_and_justified(|ui| ui.label(self.lang.t(Key::Loading)));
                });
            }
            Screen::Welcome => {
                let opening = egui::CentralPanel::default()
                    .show(ui, |ui| self.welcome.ui(ui, self.lang, &mut self.message))
                    .inner;
                if !opening.is_empty() {
                    self.screen = Screen::Loading;
                }
                jobs.extend(opening);
            }
            Screen::Main => {
                if self.sandbox {
                    jobs.extend(self.sandbox_ui(ui));
                }
                jobs.extend(solve_ui(ui, self.lang, &mut self.solve));
                jobs.extend(self.main_ui(ui));
                if !self.picker.is_open() {
                    jobs.extend(self.copy.ui(ui.ctx(), self.lang));
                }
                jobs.extend(self.exchange.ui(ui.ctx(), self.lang));
            }
        }
        if self.screen == Screen::Main && !self.picker.is_open() {
            let shown = match self.tab {
                Tab::Search => Some((Asked::Search, self.search.question())),
                Tab::Message => Some((Asked::Message, self.customer.question())),
                _ => None,
            };
            let shown = shown.map(|(asked, (text, found))| (asked, text, found));
            jobs.extend(self.questions.frame(ui.ctx(), shown, &jobs));
        }
        jobs.extend(self.picker_ui(ui.ctx()));
        jobs.extend(self.picker.remember());
        if self.screen == Screen::Main
            && jobs.iter().any(|j| matches!(j, Job::Demo | Job::CloseDemo))
        {
            self.leave_library();
        }
        for job in jobs {
            self.backend.ask(job);
        }
    }

    /// The banner of the demo's sandbox: what it is, and the button that closes it.
    fn sandbox_ui(&mut self, ui: &mut egui::Ui) -> Option<Job> {
        let fill = ui.visuals().warn_fg_color;
        let frame = egui::Frame::side_top_panel(ui.style()).fill(fill);
        egui::Panel::top("sandbox")
            .frame(frame)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let text = RichText::new(self.lang.t(Key::SandboxMark))
                        .strong()
                        .color(egui::Color32::BLACK);
                    ui.label(text);
                    ui.button(self.lang.t(Key::CloseDemo))
                        .clicked()
                        .then_some(Job::CloseDemo)
                })
                .inner
            })
            .inner
    }

    /// Another library is about to open (the sandbox, or the team's again): nothing of the
    /// one open now may be written to the next, so its entry, dialogs and message go.
    fn leave_library(&mut self) {
        // Only a team's library is gone back to: the sandbox is not reopened on failure.
        self.left = (!self.sandbox).then_some(Screen::Main);
        self.screen = Screen::Loading;
        self.tab = Tab::Search;
        self.entry = EntryPane::default();
        self.copy = CopyDialog::default();
        self.exchange = ExchangeDialog::default();
        self.customer = MessagePanel::default();
        self.picker.close();
        self.message = None;
    }

    /// Hands one answer to every panel; returns what it calls for beyond them.
    fn absorb(&mut self, ctx: &egui::Context, done: &Done) -> Vec<Job> {
        // A copy the picker made closes it: whose copy it was is known before.
        let picking = self.picker.is_open();
        self.status.absorb(done);
        self.welcome.absorb(done);
        self.exchange.absorb(done);
        self.search.absorb(done);
        self.customer.absorb(done);
        self.team.absorb(done);
        self.credits.absorb(done);
        self.practice.absorb(done);
        self.insights.absorb(done);
        let mut jobs = Vec::new();
        if picking {
            jobs.extend(super::asked::picked(self.picker.query(), done));
        } else {
            self.questions.absorb(done);
        }
        self.entry.absorb(done);
        self.picker.absorb(done);
        // An error shown stays until something the user does next succeeds (answers
        // the app asks for by itself, such as refreshed results, leave it).
        let answers_the_user = matches!(
            done,
            Done::Entry(_)
                | Done::Editing { .. }
                | Done::Saved { .. }
                | Done::Reply { .. }
                | Done::Copied { .. }
                | Done::Done(_)
                | Done::RoleSet { .. }
                | Done::Ticket { .. }
                | Done::Suggestions { .. }
        );
        if answers_the_user && self.message.as_ref().is_some_and(|(error, _)| *error) {
            self.message = None;
        }
        match done {
            Done::NeedsLibrary { .. } => {
                self.screen = Screen::Welcome;
                self.sandbox = false;
            }
            Done::Named(name) => {
                let saved = self.lang.t(Key::NameSaved);
                self.message = Some((false, format!("{saved} {name}")));
                if self.screen == Screen::Main {
                    jobs.push(Job::Team);
                }
            }
            Done::Imported {
                created,
                entries: _,
                updated,
                unchanged,
            } => {
                let imported = self.lang.t(Key::Imported);
                self.message = Some((
                    false,
                    format!("{imported}: {created} / {updated} / {unchanged}"),
                ));
                // The library changed: what is listed and the filters come from it again.
                jobs.push(self.search.search());
                jobs.push(Job::Vocabulary);
            }
            Done::Wrote { path, entries } => {
                let wrote = self.lang.t(Key::WroteFile);
                let count = entries.map_or(String::new(), |n| {
                    format!(" · {n} {}", self.lang.t(Key::Entries))
                });
                self.message = Some((false, format!("{wrote}{count} · {}", path.display())));
            }
            Done::Opened {
                repaired, sandbox, ..
            } => {
                self.screen = Screen::Main;
                self.sandbox = *sandbox;
                self.left = None;
                // A library rebuilt from a damaged file says so until the next message.
                self.message = repaired.as_ref().map(|r| (true, self.lang.repaired(r)));
                // A new library: everything shown comes from it.
                jobs.push(self.search.search());
                jobs.push(Job::Vocabulary);
                jobs.push(Job::Favourites);
                // The roster: the team panel's, and the names answers show.
                jobs.push(Job::Team);
            }
            Done::Done(what) => {
                self.message = Some((false, what.clone()));
                // The roster changed.
                jobs.push(Job::Team);
            }
            Done::RoleSet { name, role } => {
                self.message = Some((false, format!("{name} → {}", self.lang.role(*role))));
                jobs.push(Job::Team);
            }
            // An empty search lists favourites first.
            Done::Favourites(_) if self.search.shown().0.trim().is_empty() => {
                jobs.push(self.search.search());
            }
            Done::Status(net) if self.screen == Screen::Main => {
                let (entries, roster, searchable) = self.seen;
                // The results once what changed is searchable (an empty search lists the
                // catalog, which follows the count).
                if net.searchable != searchable || net.entries != entries {
                    jobs.push(self.search.search());
                }
                if net.entries != entries {
                    jobs.push(Job::Vocabulary);
                }
                if net.roster != roster {
                    jobs.push(Job::Team);
                }
                self.seen = (net.entries, net.roster, net.searchable);
            }
            Done::Entry(entry) | Done::Editing { entry, .. } if !entry.links.is_empty() => {
                jobs.push(Job::Titles(entry.links.clone()));
            }
            Done::Reply { reply, agent } => {
                jobs.extend(self.copy.offer((**reply).clone(), agent));
            }
            Done::Copied {
                id,
                text,
                uses,
                key,
            } => {
                self.clipboard.copy(ctx, text.clone());
                self.solve = Some(key.clone());
                let copied = self.lang.t(Key::Copied);
                let counted = self.lang.t(Key::Uses);
                self.message = Some((false, format!("{copied} · {id} · {uses} {counted}")));
            }
            Done::Failed(error) => {
                if self.screen == Screen::Loading {
                    // Opening failed: back to where the user was.
                    self.screen = self.left.take().unwrap_or(Screen::Welcome);
                }
                self.message = Some((true, self.lang.failure(error)));
            }
            _ => {}
        }
        jobs
    }

    /// The quick picker in a small window of its own on top of every other, and the copy
    /// dialog in it while a reply it picked waits.
    ///
    /// The window is made in the first pass and then only hidden and shown, never closed:
    /// eframe 0.37 runs the passes of a hidden or minimised root outside its event loop,
    /// where it cannot make a new window (the immediate viewport's callback is then never
    /// called, and egui panics), so the shortcut could not open a picker made then. The
    /// hidden picker also keeps the root's UI passes running while the main window is
    /// hidden or minimised. (Where viewports are embedded, as in tests, a hidden picker is
    /// simply not drawn.)
    fn picker_ui(&mut self, ctx: &egui::Context) -> Vec<Job> {
        let open = self.picker.is_open();
        if !open && ctx.embed_viewports() {
            return Vec::new();
        }
        let lang = self.lang;
        let (picker, copy) = (&mut self.picker, &mut self.copy);
        let title = if self.sandbox {
            format!(
                "{} · {}",
                lang.t(Key::PickerTitle),
                lang.t(Key::SandboxMark)
            )
        } else {
            lang.t(Key::PickerTitle).to_string()
        };
        let monitor = ctx.input(|i| i.viewport().monitor_size);
        let builder = egui::ViewportBuilder::default()
            .with_title(title)
            .with_inner_size(PICKER_SIZE)
            .with_position(picker.place(monitor))
            .with_always_on_top()
            .with_visible(open)
            .with_active(true);
        ctx.show_viewport_immediate(
            egui::ViewportId::from_hash_of("quick-picker"),
            builder,
            |ui, _class| {
                let mut jobs = Vec::new();
                if !open {
                    return jobs;
                }
                if picker.take_raise() {
                    // The agent was in another program: the picker takes the keyboard.
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Focus);
                }
                egui::CentralPanel::default().show(ui, |ui| {
                    let keys = !copy.is_open();
                    jobs.extend(picker.ui(ui, lang, keys));
                });
                jobs.extend(copy.ui(ui.ctx(), lang));
                if ui.input(|i| i.viewport().close_requested()) {
                    picker.close();
                }
                if picker.take_show_main() {
                    background::show_window(ui.ctx());
                }
                if let Some(rect) = ui.input(|i| i.viewport().outer_rect) {
                    picker.seen_at(rect.min);
                }
                jobs
            },
        )
    }

    /// The tabs, and the panel of the chosen one.
    fn main_ui(&mut self, ui: &mut egui::Ui) -> Vec<Job> {
        let mut jobs = Vec::new();
        egui::Panel::top("modes").show(ui, |ui| {
            ui.horizontal(|ui| {
                for (tab, key) in [
                    (Tab::Search, Key::FindAnswers),
                    (Tab::Message, Key::CustomerMessage),
                    (Tab::Team, Key::TeamTab),
                    (Tab::Practice, Key::PracticeTab),
                    (Tab::Credits, Key::CreditsTab),
                    (Tab::Insights, Key::InsightsTab),
                ] {
                    if ui
                        .selectable_label(self.tab == tab, self.lang.t(key))
                        .clicked()
                    {
                        self.tab = tab;
                        match tab {
                            Tab::Search => self.search.focus(),
                            Tab::Team => jobs.extend([Job::Team, Job::Api]),
                            Tab::Credits => jobs.push(self.credits.open()),
                            Tab::Practice => jobs.push(self.practice.open()),
                            Tab::Insights => jobs.push(self.insights.open()),
                            Tab::Message => {}
                        }
                    }
                }
            });
        });
        let lang = self.lang;
        jobs.extend(match self.tab {
            Tab::Search => self.search.ui(
                ui,
                lang,
                &mut self.entry,
                !self.copy.is_open() && !self.picker.is_open() && !self.exchange.is_open(),
            ),
            Tab::Message => self.customer.ui(ui, lang, &mut self.entry),
            Tab::Team => self.team.ui(ui, lang, &mut self.clipboard),
            Tab::Credits => self.credits.ui(ui, lang),
            Tab::Practice => self.practice.ui(ui, lang),
            Tab::Insights => self.insights.ui(ui, lang, &mut self.entry),
        });
        match self.search.take_asked() {
            Some(Ask::Import) => self.exchange.open_import(),
            Some(Ask::Export) => self.exchange.open_export(),
            Some(Ask::Invite) => {
                self.tab = Tab::Team;
                jobs.push(Job::Team);
            }
            None => {}
        }
        jobs
    }
}

impl eframe::App for LoreApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        LoreApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// The window closes for good (its close button when Lore does not stay in the
    /// background, a stop signal, 退出): the worker lets go of everything before the
    /// process ends.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.backend.stop();
    }
}
