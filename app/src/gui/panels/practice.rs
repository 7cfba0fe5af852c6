//! "Practice" (练习): the training items, those assigned to this member first with their
//! due day and standing; a role-play played turn by turn — the persona, the customer's
//! messages one at a time, the trainee's reply to each — then the score, each key point
//! hit (with the words that hit it) or missed, the team's model replies and a retry. A
//! result whose scenario or linked SOP changed since says so. Trainers see the grid of
//! members × items below.

use std::time::Instant;

use egui::{Color32, RichText};
use lore_core::Entry;
use lore_core::training::{Attempt, Cell, Grid, PointKind};

use super::assign::{AssignForm, assign_ui};
use super::quiz::{QUESTIONS, QuizSession};
use crate::gui::i18n::Lang;
use crate::gui::jobs::{Done, Job, PracticeView};
use crate::gui::widgets::local_time;

/// The tab's state.
#[derive(Debug, Default)]
pub struct PracticePanel {
    view: Option<PracticeView>,
    playing: Option<Session>,
    /// The last attempt's result, with the scenario's model replies.
    result: Option<(Attempt, Vec<(String, String)>)>,
    /// A trainer looks at the grid instead of their own list.
    grid: bool,
    /// The trainer's assignment being filled in.
    form: AssignForm,
    /// A generated quiz being answered.
    quiz: Option<QuizSession>,
}

/// A role-play under way.
#[derive(Debug)]
struct Session {
    entry: Entry,
    models: Vec<(String, String)>,
    said: Vec<String>,
    draft: String,
    started: Instant,
    /// The replies went for scoring.
    sent: bool,
    /// The reply box takes the keyboard on the next frame.
    focus: bool,
    /// A multiple-choice quiz's ticked choices.
    picks: Vec<bool>,
}

impl Session {
    /// The customer's messages: the opening, then each turn.
    fn customer(&self) -> Vec<&str> {
        std::iter::once(self.entry.opening.as_str())
            .filter(|o| !o.trim().is_empty())
            .chain(self.entry.turns.iter().map(String::as_str))
            .collect()
    }
}

impl PracticePanel {
    /// What to ask for when the tab opens.
    pub fn open(&mut self) -> Job {
        Job::Practice
    }

    /// The last result shown, for tests.
    pub fn result(&self) -> Option<&Attempt> {
        self.result.as_ref().map(|(a, _)| a)
    }

    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Practice(view) => self.view = Some((**view).clone()),
            Done::Scenario { entry, models } => {
                self.result = None;
                self.playing = Some(Session {
                    entry: (**entry).clone(),
                    models: models.clone(),
                    said: Vec::new(),
                    draft: String::new(),
                    started: Instant::now(),
                    sent: false,
                    focus: true,
                    picks: vec![false; entry.options.len()],
                });
            }
            Done::Quiz(questions) => {
                self.result = None;
                self.quiz = Some(QuizSession::new(questions.clone()));
            }
            Done::Attempted(attempt) => {
                self.quiz = None;
                let models = self.playing.take().map(|s| s.models).unwrap_or_default();
                self.result = Some(((**attempt).clone(), models));
            }
            Done::Failed(_) => {
                if let Some(s) = &mut self.playing {
                    s.sent = false;
                }
                if let Some(q) = &mut self.quiz {
                    q.failed();
                }
            }
            _ => {}
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if let Some(session) = &mut self.playing {
                    jobs.extend(play_ui(ui, lang, session));
                } else if let Some(quiz) = &mut self.quiz {
                    jobs.extend(quiz.ui(ui, lang));
                } else if let Some((attempt, models)) = &self.result {
                    match result_ui(ui, lang, attempt, models) {
                        Some(Back::Retry) if attempt.item == lore_core::QUIZ_ITEM => {
                            jobs.push(Job::Quiz { count: QUESTIONS });
                        }
                        Some(Back::Retry) => jobs.push(Job::Scenario(attempt.item.clone())),
                        Some(Back::List) => {
                            self.result = None;
                            jobs.push(Job::Practice);
                        }
                        None => {}
                    }
                } else {
                    jobs.extend(self.list_ui(ui, lang));
                }
            });
        });
        jobs
    }

    fn list_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        let trainer = self.view.as_ref().is_some_and(|v| v.grid.is_some());
        ui.horizontal(|ui| {
            ui.heading(lang.pick("练习", "Practice"));
            if trainer {
                for (grid, label) in [
                    (false, lang.pick("我的练习", "My practice")),
                    (true, lang.pick("培训进度", "Team progress")),
                ] {
                    if ui.selectable_label(self.grid == grid, label).clicked() {
                        self.grid = grid;
                    }
                }
            }
        });
        let Some(view) = &self.view else {
            ui.label(lang.pick("正在读取…", "Loading…"));
            return jobs;
        };
        if let Some(grid) = view.grid.as_ref().filter(|_| self.grid) {
            grid_ui(ui, lang, grid);
            ui.separator();
            jobs.extend(assign_ui(
                ui,
                lang,
                &view.items,
                &view.sets,
                grid,
                &mut self.form,
            ));
            return jobs;
        }
        for (_, changed) in &view.stale {
            let day = local_time(changed.at);
            ui.label(
                RichText::new(format!(
                    "「{}」{} {}{}",
                    changed.title,
                    lang.pick("在", "changed on"),
                    day.get(5..10).unwrap_or(&day),
                    lang.pick(" 改过：请重新练习", ": practise again")
                ))
                .color(ui.visuals().warn_fg_color),
            );
        }
        if ui
            .button(lang.pick("生成测验（常见问题）", "A quiz on the FAQs"))
            .clicked()
        {
            jobs.push(Job::Quiz { count: QUESTIONS });
        }
        if view.items.is_empty() {
            ui.label(lang.pick("还没有培训条目。", "No training items yet."));
        }
        for (id, title) in &view.items {
            let cell = view.mine.iter().find(|c| c.item == *id);
            ui.horizontal_wrapped(|ui| {
                if ui.button(lang.pick("开始练习", "Practise")).clicked() {
                    jobs.push(Job::Scenario(id.clone()));
                }
                ui.label(RichText::new(title).strong());
                if let Some(c) = cell {
                    ui.label(RichText::new(standing(lang, c)).weak());
                }
            });
        }
        jobs
    }
}

/// What a member's cell says in words.
fn standing(lang: Lang, c: &Cell) -> String {
    let mut parts = Vec::new();
    if let Some(due) = c.due.filter(|d| *d > 0) {
        let day = local_time(due);
        parts.push(format!(
            "{}{}",
            lang.pick("截止 ", "due "),
            day.get(..10).unwrap_or(&day)
        ));
    }
    if let Some(pass) = c.pass {
        parts.push(format!("{}{pass}", lang.pick("及格 ", "pass ")));
    }
    if let Some(best) = c.best {
        parts.push(format!(
            "{}{best} × {}",
            lang.pick("最好 ", "best "),
            c.attempts
        ));
    }
    if c.out_of_date {
        parts.push(lang.pick("需重练", "practise again").to_string());
    } else if c.passed {
        parts.push(lang.pick("已通过", "passed").to_string());
    } else if c.due.is_some() {
        parts.push(lang.pick("待完成", "to do").to_string());
    }
    parts.join(" · ")
}

/// The conversation so far and the box for the next reply.
fn play_ui(ui: &mut egui::Ui, lang: Lang, s: &mut Session) -> Option<Job> {
    ui.heading(&s.entry.title);
    if !s.entry.persona.is_empty() {
        ui.label(RichText::new(&s.entry.persona).weak());
    }
    if !s.entry.options.is_empty() {
        return choice_ui(ui, lang, s);
    }
    let customer: Vec<String> = s.customer().into_iter().map(str::to_string).collect();
    for (i, message) in customer.iter().enumerate().take(s.said.len() + 1) {
        bubble(
            ui,
            lang.pick("客户", "Customer"),
            message,
            Color32::from_rgb(0xe8, 0xe8, 0xe8),
        );
        if let Some(reply) = s.said.get(i) {
            bubble(
                ui,
                lang.pick("你", "You"),
                reply,
                Color32::from_rgb(0xd8, 0xf0, 0xd8),
            );
        }
    }
    if s.sent {
        ui.label(lang.pick("评分中…", "Scoring…"));
        return None;
    }
    let label = ui.label(lang.pick("你的回复", "Your reply"));
    let edit = ui
        .add(
            // A fixed id: the conversation above grows with every reply, and the box
            // must keep the keyboard across it.
            egui::TextEdit::multiline(&mut s.draft)
                .id_salt("practice-reply")
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if std::mem::take(&mut s.focus) {
        edit.request_focus();
    }
    let enter = edit.has_focus()
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter));
    let send = ui.button(lang.pick("发送", "Send")).clicked() || enter;
    if send && !s.draft.trim().is_empty() {
        s.said.push(std::mem::take(&mut s.draft).trim().to_string());
        s.focus = true;
        if s.said.len() >= customer.len() {
            s.sent = true;
            return Some(Job::Attempt {
                id: s.entry.id.clone(),
                replies: s.said.clone(),
                seconds: u32::try_from(s.started.elapsed().as_secs()).unwrap_or(u32::MAX),
            });
        }
    }
    None
}

/// A multiple-choice quiz: the question, a box per choice, 提交.
fn choice_ui(ui: &mut egui::Ui, lang: Lang, s: &mut Session) -> Option<Job> {
    let question = s
        .customer()
        .first()
        .map_or(s.entry.title.clone(), |q| q.to_string());
    ui.label(RichText::new(question).strong());
    let choices = lore_core::training::choices(&s.entry.options);
    for (i, (choice, _)) in choices.iter().enumerate() {
        ui.checkbox(&mut s.picks[i], choice.as_str());
    }
    if s.sent {
        ui.label(lang.pick("评分中…", "Scoring…"));
        return None;
    }
    let picked: Vec<String> = (0..s.picks.len())
        .filter(|i| s.picks[*i])
        .map(|i| (i + 1).to_string())
        .collect();
    let submit = ui.add_enabled(
        !picked.is_empty(),
        egui::Button::new(lang.pick("提交", "Submit")),
    );
    if !submit.clicked() {
        return None;
    }
    s.sent = true;
    Some(Job::Attempt {
        id: s.entry.id.clone(),
        replies: vec![picked.join(",")],
        seconds: u32::try_from(s.started.elapsed().as_secs()).unwrap_or(u32::MAX),
    })
}

fn bubble(ui: &mut egui::Ui, who: &str, text: &str, fill: Color32) {
    egui::Frame::group(ui.style()).fill(fill).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(format!("{who}：{text}")).color(Color32::BLACK));
    });
}

/// Where the result's buttons lead.
enum Back {
    Retry,
    List,
}

fn result_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    attempt: &Attempt,
    models: &[(String, String)],
) -> Option<Back> {
    let quiz = attempt.item == lore_core::QUIZ_ITEM;
    let verdict = if attempt.passed {
        lang.pick("通过", "passed")
    } else {
        lang.pick("未通过", "not passed")
    };
    ui.heading(format!(
        "{} {} / 100 · {verdict}",
        lang.pick("得分", "Score"),
        attempt.score
    ));
    for p in &attempt.points {
        let (mark, color) = match (p.kind, p.hit) {
            (PointKind::Forbidden, true) => ("✘", Color32::from_rgb(0xc0, 0x30, 0x30)),
            (PointKind::Forbidden, false) => ("✔", Color32::from_rgb(0x20, 0x90, 0x40)),
            (_, true) => ("✔", Color32::from_rgb(0x20, 0x90, 0x40)),
            (_, false) => ("✘", Color32::from_rgb(0xc0, 0x30, 0x30)),
        };
        let kind = match p.kind {
            PointKind::Required => lang.pick("必须 · ", "required · "),
            PointKind::Forbidden => lang.pick("禁止 · ", "forbidden · "),
            PointKind::Normal => "",
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(mark).color(color).strong());
            ui.label(format!("{kind}{}", p.point));
            if !p.matched.is_empty() {
                ui.label(RichText::new(format!("「{}」", p.matched.join("、"))).weak());
            }
            if !p.hit && p.kind != PointKind::Forbidden && !p.missing.is_empty() {
                let lead = if quiz {
                    lang.pick("答案：", "answer: ")
                } else {
                    lang.pick("缺：", "missing: ")
                };
                ui.label(RichText::new(format!("{lead}{}", p.missing.join("、"))).weak());
            }
        });
    }
    ui.separator();
    if !quiz {
        ui.label(RichText::new(lang.pick("你的回复", "Your replies")).strong());
        for reply in &attempt.replies {
            ui.label(format!("• {reply}"));
        }
    }
    for (title, text) in models {
        ui.separator();
        ui.label(
            RichText::new(format!(
                "{} · {title}",
                lang.pick("团队的参考回复", "The team's reply")
            ))
            .strong(),
        );
        ui.label(text);
    }
    let mut back = None;
    ui.horizontal(|ui| {
        if ui.button(lang.pick("再练一次", "Try again")).clicked() {
            back = Some(Back::Retry);
        }
        if ui
            .button(lang.pick("返回列表", "Back to the list"))
            .clicked()
        {
            back = Some(Back::List);
        }
    });
    back
}

/// The trainer's grid: a row per member, a column per item.
fn grid_ui(ui: &mut egui::Ui, lang: Lang, grid: &Grid) {
    for (n, (_, title)) in grid.items.iter().enumerate() {
        ui.label(RichText::new(format!("[{}] {title}", n + 1)).weak());
    }
    egui::Grid::new("training-grid")
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new(lang.pick("成员", "Member")).strong());
            for n in 0..grid.items.len() {
                ui.label(RichText::new(format!("[{}]", n + 1)).strong());
            }
            ui.end_row();
            for (_, name, cells) in &grid.rows {
                ui.label(name);
                for c in cells {
                    let best = c.best.map_or("-".to_string(), |b| b.to_string());
                    let text = if c.out_of_date {
                        RichText::new(format!("{best} {}", lang.pick("需重练", "again")))
                            .color(ui.visuals().warn_fg_color)
                    } else if c.passed {
                        RichText::new(format!("{best} ✔"))
                            .color(Color32::from_rgb(0x20, 0x90, 0x40))
                    } else if c.due.is_some() && c.attempts == 0 {
                        RichText::new(lang.pick("待完成", "to do")).weak()
                    } else {
                        RichText::new(best)
                    };
                    let last = c.last.map(|t| local_time(t * 1000)).unwrap_or_default();
                    ui.label(text).on_hover_text(format!(
                        "{} {} · {}",
                        c.attempts,
                        lang.pick("次", "attempts"),
                        last
                    ));
                }
                ui.end_row();
            }
        });
}
