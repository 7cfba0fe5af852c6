//! "Credits" (贡献榜): the board for a period — per member, teammates' uses of their text,
//! answers adopted, sentences in the library, entries created, solve rate — with the
//! period's stars called out and a bar chart; every number opens what is behind it. Leads
//! decide on new answers here (adopt, fold into the body, dismiss); everyone sees what
//! became of their own answers.

use std::collections::BTreeMap;

use egui::{Color32, RichText};
use lore_core::AnswerState;
use lore_core::credit::{Board, MemberCredit, MemberDetail};

use crate::gui::i18n::Lang;
use crate::gui::jobs::{CreditsView, Done, Job};
use crate::gui::widgets::local_time;

/// The periods offered: days (0: all time).
const PERIODS: [u32; 3] = [7, 30, 0];

/// The tab's state.
#[derive(Debug, Default)]
pub struct CreditsPanel {
    view: Option<CreditsView>,
    names: BTreeMap<String, String>,
    /// The days of the period shown (0: all time); 30 until chosen.
    days: Option<u32>,
    /// What is behind one member's numbers, when opened.
    detail: Option<(MemberDetail, BTreeMap<String, String>)>,
}

impl CreditsPanel {
    /// The board to ask for when the tab opens.
    pub fn open(&mut self) -> Job {
        Job::Credits { days: self.days() }
    }

    fn days(&self) -> u32 {
        self.days.unwrap_or(30)
    }

    /// The board shown, once there is one.
    pub fn board(&self) -> Option<&Board> {
        self.view.as_ref().map(|v| &v.board)
    }

    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Credits(view) => {
                self.names = view.names.iter().cloned().collect();
                self.view = Some((**view).clone());
            }
            Done::CreditDetail { detail, titles } => {
                self.detail = Some(((**detail).clone(), titles.iter().cloned().collect()));
            }
            _ => {}
        }
    }

    fn name(&self, member: &str) -> String {
        self.names
            .get(member)
            .cloned()
            .unwrap_or_else(|| member.chars().take(10).collect())
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(lang.pick("贡献榜", "Credits"));
                for days in PERIODS {
                    let label = match days {
                        7 => lang.pick("近 7 天", "7 days"),
                        30 => lang.pick("近 30 天", "30 days"),
                        _ => lang.pick("全部", "All time"),
                    };
                    if ui.selectable_label(self.days() == days, label).clicked() {
                        self.days = Some(days);
                        self.detail = None;
                        jobs.push(Job::Credits { days });
                    }
                }
            });
            let Some(view) = self.view.clone() else {
                ui.label(lang.pick("正在计算…", "Counting…"));
                return;
            };
            egui::ScrollArea::vertical().show(ui, |ui| {
                self.stars_ui(ui, lang, &view.board);
                ui.add_space(6.0);
                bars_ui(ui, &view.board, |m| self.name(m));
                ui.add_space(6.0);
                jobs.extend(self.table_ui(ui, lang, &view.board));
                if let Some((detail, titles)) = &self.detail {
                    ui.separator();
                    self.detail_ui(ui, lang, detail, titles);
                }
                ui.separator();
                jobs.extend(self.answers_ui(ui, lang, &view));
            });
        });
        jobs
    }

    fn stars_ui(&self, ui: &mut egui::Ui, lang: Lang, board: &Board) {
        if board.stars.is_empty() {
            ui.label(lang.pick(
                "这段时间还没有同事使用过别人写的回复。",
                "Nobody used a teammate's text in this period yet.",
            ));
            return;
        }
        let gold = Color32::from_rgb(0xc8, 0x8a, 0x00);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(lang.pick("★ 月度之星", "★ Stars of the period"))
                        .strong()
                        .color(gold),
                );
                for m in &board.stars {
                    if let Some(row) = board.members.iter().find(|r| &r.member == m) {
                        ui.label(
                            RichText::new(format!(
                                "{} · {} {}",
                                row.name,
                                fmt(row.uses),
                                lang.pick("次被使用", "uses")
                            ))
                            .strong(),
                        );
                    }
                }
            });
        });
    }

    fn table_ui(&self, ui: &mut egui::Ui, lang: Lang, board: &Board) -> Vec<Job> {
        let mut jobs = Vec::new();
        let days = self.days();
        egui::Grid::new("credits-board")
            .striped(true)
            .num_columns(7)
            .show(ui, |ui| {
                for h in [
                    lang.pick("名次", "Rank"),
                    lang.pick("成员", "Member"),
                    lang.pick("被同事使用", "Teammates' uses"),
                    lang.pick("答案被采纳", "Answers adopted"),
                    lang.pick("库中句子", "Sentences"),
                    lang.pick("创建条目", "Entries created"),
                    lang.pick("解决率", "Solve rate"),
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (rank, row) in board
                    .members
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.is_empty())
                {
                    let star = if board.stars.contains(&row.member) {
                        "★"
                    } else {
                        ""
                    };
                    ui.label(format!("{}{star}", rank + 1));
                    ui.label(&row.name);
                    let numbers = [
                        fmt(row.uses),
                        row.answers_adopted.to_string(),
                        row.sentences.to_string(),
                        row.entries_created.to_string(),
                        rate(row),
                    ];
                    for n in numbers {
                        if ui.link(n).clicked() {
                            jobs.push(Job::CreditDetail {
                                member: row.member.clone(),
                                days,
                            });
                        }
                    }
                    ui.end_row();
                }
            });
        let idle: Vec<&str> = board
            .members
            .iter()
            .filter(|r| r.is_empty())
            .map(|r| r.name.as_str())
            .collect();
        if !idle.is_empty() {
            ui.label(
                RichText::new(format!(
                    "{}{}",
                    lang.pick("这段时间还没有贡献：", "Nothing yet in this period: "),
                    idle.join(lang.pick("、", ", "))
                ))
                .weak(),
            );
        }
        jobs
    }

    fn detail_ui(
        &self,
        ui: &mut egui::Ui,
        lang: Lang,
        detail: &MemberDetail,
        titles: &BTreeMap<String, String>,
    ) {
        let title = |id: &String| titles.get(id).cloned().unwrap_or_else(|| id.clone());
        ui.label(RichText::new(self.name(&detail.member)).strong());
        let section = |ui: &mut egui::Ui, head: &str, lines: Vec<String>| {
            if lines.is_empty() {
                return;
            }
            egui::CollapsingHeader::new(format!("{head} ({})", lines.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for line in lines.iter().take(200) {
                        ui.label(line);
                    }
                });
        };
        let uses = detail
            .uses
            .iter()
            .map(|u| {
                let mark = match u.solved {
                    Some(true) => lang.pick(" · 解决了", " · solved"),
                    Some(false) => lang.pick(" · 没解决", " · not solved"),
                    None => "",
                };
                format!(
                    "{}  {}  {}  ×{}{mark}",
                    local_time(u.at * 1000),
                    title(&u.entry),
                    self.name(&u.copier),
                    fmt(u.share)
                )
            })
            .collect();
        section(ui, lang.pick("被同事使用", "Teammates' uses"), uses);
        let adopted = detail.adopted.iter().map(|(id, _)| title(id)).collect();
        section(ui, lang.pick("答案被采纳", "Answers adopted"), adopted);
        let sentences = detail
            .sentences
            .iter()
            .map(|(id, n)| format!("{}  ×{n}", title(id)))
            .collect();
        section(ui, lang.pick("库中句子", "Sentences"), sentences);
        let created = detail.created.iter().map(title).collect();
        section(ui, lang.pick("创建条目", "Entries created"), created);
    }

    fn answers_ui(&self, ui: &mut egui::Ui, lang: Lang, view: &CreditsView) -> Vec<Job> {
        let mut jobs = Vec::new();
        if view.lead {
            ui.heading(lang.pick("待审核的答案", "Answers awaiting a decision"));
            if view.queue.is_empty() {
                ui.label(lang.pick("没有待审核的答案。", "Nothing awaits a decision."));
            }
            for item in &view.queue {
                ui.group(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "{} · {} · {}",
                            item.title,
                            self.name(&item.answer.author),
                            local_time(item.answer.time)
                        ))
                        .strong(),
                    );
                    ui.label(&item.answer.text);
                    ui.horizontal(|ui| {
                        for (decision, label) in [
                            (AnswerState::Adopted, lang.pick("采纳", "Adopt")),
                            (AnswerState::Folded, lang.pick("并入正文", "Fold into body")),
                            (AnswerState::Dismissed, lang.pick("不采用", "Dismiss")),
                        ] {
                            if ui.button(label).clicked() {
                                jobs.push(Job::Decide {
                                    id: item.entry.clone(),
                                    answer: item.answer.id.clone(),
                                    decision,
                                    days: view.days,
                                });
                            }
                        }
                    });
                });
            }
        }
        if !view.mine.is_empty() {
            ui.heading(lang.pick("我的答案", "My answers"));
            for item in &view.mine {
                let state = state_name(lang, item.state);
                ui.label(format!(
                    "{}  {}  [{state}]  {}",
                    local_time(item.answer.time),
                    item.title,
                    item.answer.text.lines().next().unwrap_or("")
                ));
            }
        }
        jobs
    }
}

/// What became of an answer, in words.
pub fn state_name(lang: Lang, state: AnswerState) -> &'static str {
    match state {
        AnswerState::Open => lang.pick("待审核", "awaiting a decision"),
        AnswerState::Adopted => lang.pick("已采纳", "adopted"),
        AnswerState::Folded => lang.pick("已并入正文", "folded into the body"),
        AnswerState::Dismissed => lang.pick("未采用", "dismissed"),
    }
}

/// A bar per member with uses, longest first (the board's order).
fn bars_ui(ui: &mut egui::Ui, board: &Board, name: impl Fn(&str) -> String) {
    let rows: Vec<&MemberCredit> = board
        .members
        .iter()
        .filter(|r| r.uses > 0.0)
        .take(10)
        .collect();
    let Some(max) = rows.first().map(|r| r.uses) else {
        return;
    };
    let width = ui.available_width().min(520.0);
    let fill = ui.visuals().selection.bg_fill;
    for row in rows {
        ui.horizontal(|ui| {
            ui.add_sized([90.0, 18.0], egui::Label::new(name(&row.member)).truncate());
            let bar = (width - 160.0).max(40.0) * (row.uses / max) as f32;
            let (rect, _) = ui.allocate_exact_size(egui::vec2(bar, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, fill);
            ui.label(fmt(row.uses));
        });
    }
}

/// A count that may be shared out: whole when it is, one decimal otherwise.
fn fmt(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x.round())
    } else {
        format!("{x:.1}")
    }
}

fn rate(row: &MemberCredit) -> String {
    row.solve_rate()
        .map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0))
}

/// After a copy: one click says whether it solved the customer's problem (解决了 /
/// 没解决); the mark goes on that copy. Drawn until answered or the next copy.
pub fn solve_ui(ui: &mut egui::Ui, lang: Lang, pending: &mut Option<String>) -> Option<Job> {
    let key = pending.clone()?;
    let mut job = None;
    egui::Panel::bottom("solve").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(lang.pick("这条回复解决客户的问题了吗？", "Did this reply solve it?"));
            for (solved, label) in [
                (true, lang.pick("解决了", "Solved")),
                (false, lang.pick("没解决", "Not solved")),
            ] {
                if ui.button(label).clicked() {
                    job = Some(Job::MarkSolved {
                        key: key.clone(),
                        solved,
                    });
                }
            }
            if ui.small_button("×").clicked() {
                *pending = None;
            }
        });
    });
    if job.is_some() {
        *pending = None;
    }
    job
}
