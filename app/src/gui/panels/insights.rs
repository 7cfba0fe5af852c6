//! "Insights" (洞察): what customers ask and the library does not answer, for a lead who
//! would rather look than read — questions per day, top searches and hot words against
//! the period before (charts), content gaps grouped with one click to write the missing
//! entry, candidate phrasings a lead accepts in one click, the replies used most and least
//! and those under the solve-rate bar, the weekly report, and the team's query log
//! setting for admins.

use egui::{Color32, RichText};
use lore_core::FreshState;
use lore_core::insights::{EntryUse, Gap, Insights, date, trend};
use lore_core::{Entry, Kind};

use super::entry::EntryPane;
use crate::gui::i18n::Lang;
use crate::gui::jobs::{Done, InsightsView, Job};
use crate::gui::widgets::charts::{self, Series};

/// The periods offered: days (0: everything on record).
const PERIODS: [u32; 3] = [7, 30, 0];
/// Bars in each ranked chart.
const RANKED: usize = 8;

const BLUE: Color32 = Color32::from_rgb(0x3b, 0x82, 0xc4);
const ORANGE: Color32 = Color32::from_rgb(0xe0, 0x8a, 0x2c);
const GREY: Color32 = Color32::from_rgb(0xa8, 0xa8, 0xa8);

/// The tab's state.
#[derive(Debug, Default)]
pub struct InsightsPanel {
    view: Option<InsightsView>,
    /// The days of the period shown; 7 until chosen.
    days: Option<u32>,
    /// The query log setting as an admin edits it: on, days kept.
    setting: Option<(bool, u32)>,
}

impl InsightsPanel {
    /// The view to ask for when the tab opens.
    pub fn open(&mut self) -> Job {
        Job::Insights { days: self.days() }
    }

    fn days(&self) -> u32 {
        self.days.unwrap_or(7)
    }

    /// The insights shown, once there are some.
    pub fn insights(&self) -> Option<&Insights> {
        self.view.as_ref().map(|v| &v.insights)
    }

    pub fn absorb(&mut self, done: &Done) {
        if let Done::Insights(view) = done {
            self.setting = Some((view.setting.on, view.setting.retention_days));
            self.view = Some((**view).clone());
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, entry: &mut EntryPane) -> Vec<Job> {
        let mut jobs = entry.ui(ui, lang);
        egui::CentralPanel::default().show(ui, |ui| {
            jobs.extend(self.header_ui(ui, lang));
            let Some(view) = self.view.clone() else {
                ui.label(lang.pick("正在统计…", "Counting…"));
                return;
            };
            egui::ScrollArea::vertical().show(ui, |ui| {
                let i = &view.insights;
                summary_ui(ui, lang, &view);
                per_day_ui(ui, lang, i);
                ui.add_space(6.0);
                ranked_ui(ui, lang, i);
                ui.separator();
                jobs.extend(gaps_ui(ui, lang, &i.gaps, entry));
                ui.separator();
                jobs.extend(candidates_ui(ui, lang, &view));
                ui.separator();
                jobs.extend(usage_ui(ui, lang, i));
                ui.separator();
                jobs.extend(fresh_ui(ui, lang, i, &view.me));
                if view.admin {
                    ui.separator();
                    jobs.extend(self.setting_ui(ui, lang));
                }
            });
        });
        jobs
    }

    fn header_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        ui.horizontal(|ui| {
            ui.heading(lang.pick("洞察", "Insights"));
            for days in PERIODS {
                let label = match days {
                    7 => lang.pick("近 7 天", "7 days"),
                    30 => lang.pick("近 30 天", "30 days"),
                    _ => lang.pick("全部", "All"),
                };
                if ui.selectable_label(self.days() == days, label).clicked() {
                    self.days = Some(days);
                    jobs.push(Job::Insights { days });
                }
            }
            if ui.button(lang.pick("刷新", "Refresh")).clicked() {
                jobs.push(self.open());
            }
            if ui
                .button(lang.pick("导出周报", "Save the report"))
                .on_hover_text(lang.pick(
                    "写成网页文件，可直接发给同事或主管",
                    "Written as a web page to send on",
                ))
                .clicked()
            {
                let name = format!(
                    "知识库周报-{}.html",
                    date(lore_core::insights::log::local_day(
                        lore_core::model::now_millis(),
                    ))
                );
                let path = super::exchange::default_dir().join(name);
                jobs.push(Job::Report {
                    days: self.days(),
                    path,
                });
            }
        });
        jobs
    }

    fn setting_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<Job> {
        let (on, keep) = self.setting.get_or_insert((true, 180));
        let mut job = None;
        ui.horizontal(|ui| {
            ui.checkbox(
                on,
                lang.pick(
                    "记录搜索和客户消息（用于洞察）",
                    "Log searches and messages",
                ),
            );
            let label = ui.label(lang.pick("保留天数", "Days kept"));
            ui.add(egui::DragValue::new(keep).range(1..=3650))
                .labelled_by(label.id);
            if ui.button(lang.pick("保存设置", "Save setting")).clicked() {
                job = Some(Job::QueryLog {
                    on: *on,
                    keep: *keep,
                    days: self.days.unwrap_or(7),
                });
            }
        });
        job
    }
}

fn summary_ui(ui: &mut egui::Ui, lang: Lang, view: &InsightsView) {
    let i = &view.insights;
    if !view.setting.on {
        ui.label(
            RichText::new(lang.pick(
                "团队已关闭搜索记录：下面只有关闭前的数据。",
                "The team turned the query log off: only earlier records are shown.",
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    ui.label(format!(
        "{} {}（{}） · {} {}（{}） · {} {}",
        lang.pick("搜索", "Searches"),
        i.searches,
        trend(i.searches, i.searches_before),
        lang.pick("客户消息", "Messages"),
        i.messages,
        trend(i.messages, i.messages_before),
        lang.pick("无结果", "Found nothing"),
        i.empty,
    ));
}

fn per_day_ui(ui: &mut egui::Ui, lang: Lang, i: &Insights) {
    ui.label(RichText::new(lang.pick("每日提问", "Questions per day")).strong());
    if i.per_day.is_empty() {
        ui.label(lang.pick("这段时间还没有人搜索。", "Nobody searched in this period."));
        return;
    }
    let labels = i
        .per_day
        .iter()
        .map(|d| date(d.day)[5..].to_string())
        .collect();
    charts::columns(
        ui,
        "insights-per-day",
        lang.pick("每日提问图表", "Questions per day chart"),
        labels,
        &[
            Series {
                name: lang.pick("搜索", "Searches"),
                color: BLUE,
                values: i.per_day.iter().map(|d| d.searches as f64).collect(),
            },
            Series {
                name: lang.pick("客户消息", "Messages"),
                color: ORANGE,
                values: i.per_day.iter().map(|d| d.messages as f64).collect(),
            },
        ],
    );
}

fn ranked_ui(ui: &mut egui::Ui, lang: Lang, i: &Insights) {
    ui.columns(2, |cols| {
        let top: Vec<_> = i.top.iter().take(RANKED).collect();
        cols[0].label(RichText::new(lang.pick("热门搜索", "Top searches")).strong());
        if top.is_empty() {
            cols[0].label(lang.pick("还没有搜索。", "No searches yet."));
        } else {
            charts::ranked(
                &mut cols[0],
                "insights-top",
                lang.pick("热门搜索图表", "Top searches chart"),
                top.iter().map(|q| short(&q.text)).collect(),
                &now_series(lang, top.iter().map(|q| q.count)),
                &before_series(lang, top.iter().map(|q| q.previous)),
            );
        }
        let hot: Vec<_> = i.hot_words.iter().take(RANKED).collect();
        cols[1].label(RichText::new(lang.pick("客户消息热词", "Hot words")).strong());
        if hot.is_empty() {
            cols[1].label(lang.pick("还没有粘贴过客户消息。", "No customer messages yet."));
        } else {
            charts::ranked(
                &mut cols[1],
                "insights-hot",
                lang.pick("客户消息热词图表", "Hot words chart"),
                hot.iter().map(|w| w.word.clone()).collect(),
                &now_series(lang, hot.iter().map(|w| w.count)),
                &before_series(lang, hot.iter().map(|w| w.previous)),
            );
        }
    });
}

fn now_series(lang: Lang, values: impl Iterator<Item = u64>) -> Series<'static> {
    Series {
        name: lang.pick("本期", "This period"),
        color: BLUE,
        values: values.map(|v| v as f64).collect(),
    }
}

fn before_series(lang: Lang, values: impl Iterator<Item = u64>) -> Series<'static> {
    Series {
        name: lang.pick("上期", "Period before"),
        color: GREY,
        values: values.map(|v| v as f64).collect(),
    }
}

/// A label short enough for a chart's axis.
fn short(text: &str) -> String {
    if text.chars().count() <= 10 {
        return text.to_string();
    }
    format!("{}…", text.chars().take(9).collect::<String>())
}

fn gaps_ui(ui: &mut egui::Ui, lang: Lang, gaps: &[Gap], entry: &mut EntryPane) -> Vec<Job> {
    ui.label(RichText::new(lang.pick("知识缺口：客户问了、知识库没答上", "Content gaps")).strong());
    if gaps.is_empty() {
        ui.label(lang.pick("没有发现缺口。", "No gaps found."));
        return Vec::new();
    }
    for (n, gap) in gaps.iter().enumerate() {
        ui.push_id(("gap", n), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(&gap.text).strong());
                    let what = if gap.found_nothing > 0 {
                        format!(
                            "{} {}",
                            lang.pick("无结果", "found nothing"),
                            gap.found_nothing
                        )
                    } else {
                        lang.pick("搜到了但没人复制", "nothing copied after")
                            .to_string()
                    };
                    ui.label(RichText::new(what).color(ui.visuals().warn_fg_color));
                    ui.weak(format!(
                        "{} {} · {} {}",
                        lang.pick("共", "asked"),
                        gap.count,
                        gap.askers,
                        lang.pick("人", "people"),
                    ));
                    if ui.button(lang.pick("新建条目", "Write an entry")).clicked() {
                        entry.new_entry_from(entry_for(gap));
                    }
                });
                if gap.phrasings.len() > 1 {
                    ui.weak(format!(
                        "{}{}",
                        lang.pick("相近问法：", "Also asked as: "),
                        gap.phrasings[1..].join(" / ")
                    ));
                }
            });
        });
    }
    Vec::new()
}

/// A new FAQ for a gap: titled by its most asked phrasing, the others as customer
/// questions.
fn entry_for(gap: &Gap) -> Entry {
    let mut e = Entry::new(Kind::Faq, &gap.text);
    e.questions = gap.phrasings[1..].to_vec();
    e
}

fn candidates_ui(ui: &mut egui::Ui, lang: Lang, view: &InsightsView) -> Vec<Job> {
    let mut jobs = Vec::new();
    ui.label(
        RichText::new(lang.pick(
            "候选问法：搜索后复制了该条目",
            "Candidate phrasings: searched, then this entry was copied",
        ))
        .strong(),
    );
    let list = &view.insights.candidates;
    if list.is_empty() {
        ui.label(lang.pick("暂无候选问法。", "No candidates."));
        return jobs;
    }
    for (n, c) in list.iter().enumerate() {
        ui.push_id(("candidate", n), |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("「{}」", c.text)).strong());
                ui.label("→");
                if ui.link(&c.title).clicked() {
                    jobs.push(Job::Show(c.entry.clone()));
                }
                ui.weak(format!("{} {}", c.count, lang.pick("次", "times")));
                if view.decides.contains(&c.entry) {
                    for (accept, label) in [
                        (true, lang.pick("采纳为客户问法", "Accept")),
                        (false, lang.pick("不采纳", "Turn down")),
                    ] {
                        let button = ui.button(label);
                        // Each row's buttons say which phrasing they decide on.
                        let named = format!("{label}：{}", c.text);
                        button.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, named.clone())
                        });
                        if button.clicked() {
                            jobs.push(Job::Phrasing {
                                id: c.entry.clone(),
                                text: c.text.clone(),
                                accept,
                                days: view.days,
                            });
                        }
                    }
                }
            });
        });
    }
    jobs
}

fn usage_ui(ui: &mut egui::Ui, lang: Lang, i: &Insights) -> Vec<Job> {
    let mut jobs = Vec::new();
    ui.label(RichText::new(lang.pick("回复的使用", "Use of replies")).strong());
    let threshold = format!(
        "{} {:.0}%",
        lang.pick("解决率低于", "Solve rate under"),
        i.solve_threshold * 100.0
    );
    let lists: [(String, &[EntryUse], bool); 4] = [
        (lang.pick("最常用", "Most used").into(), &i.most_used, true),
        (threshold, &i.low_solve, true),
        (
            lang.pick("用得最少", "Least used").into(),
            &i.least_used,
            false,
        ),
        (
            lang.pick("从未使用", "Never used").into(),
            &i.never_used,
            false,
        ),
    ];
    for (title, list, rate) in lists {
        egui::CollapsingHeader::new(format!("{title}（{}）", list.len()))
            .id_salt(("usage", title.clone()))
            .default_open(rate && !list.is_empty())
            .show(ui, |ui| {
                for u in list.iter().take(50) {
                    ui.horizontal(|ui| {
                        if ui.link(&u.title).clicked() {
                            jobs.push(Job::Show(u.id.clone()));
                        }
                        let mut figures = format!("{} {}", u.uses, lang.pick("次使用", "uses"));
                        if let Some(r) = u.solve_rate() {
                            figures.push_str(&format!(
                                " · {} {:.0}%（{}/{}）",
                                lang.pick("解决率", "solved"),
                                r * 100.0,
                                u.solved,
                                u.marked
                            ));
                        }
                        ui.weak(figures);
                    });
                }
            });
    }
    jobs
}

fn fresh_ui(ui: &mut egui::Ui, lang: Lang, i: &Insights, me: &str) -> Vec<Job> {
    let mut jobs = Vec::new();
    let c = i.freshness;
    ui.label(RichText::new(lang.pick("内容核实", "Freshness")).strong());
    ui.label(format!(
        "{} {} · {} {} · {} {} · {} {}",
        lang.pick("已过期", "overdue"),
        c.overdue,
        lang.pick("即将到期", "due soon"),
        c.due_soon,
        lang.pick("未核实", "unverified"),
        c.unverified,
        lang.pick("已核实", "verified"),
        c.fresh,
    ));
    if i.to_check.is_empty() {
        ui.label(lang.pick("没有需要核实的条目。", "Nothing to check."));
        return jobs;
    }
    egui::Grid::new("to-check").striped(true).show(ui, |ui| {
        for f in i.to_check.iter().take(50) {
            let color = match f.state {
                FreshState::Overdue => ui.visuals().error_fg_color,
                _ => ui.visuals().warn_fg_color,
            };
            ui.label(RichText::new(f.state.badge_zh().unwrap_or("")).color(color));
            if ui.link(&f.title).clicked() {
                jobs.push(Job::Show(f.id.clone()));
            }
            let owner = if f.owner.as_deref() == Some(me) {
                lang.pick("我负责", "mine").to_string()
            } else {
                f.owner_name.clone()
            };
            ui.label(owner);
            ui.weak(match &f.last {
                Some(v) => format!(
                    "{} {} {}",
                    lang.pick("上次核实", "last checked"),
                    v.by_name,
                    date(v.at.div_euclid(86_400))
                ),
                None => lang.pick("从未核实", "never checked").to_string(),
            });
            ui.weak(match f.due {
                Some(d) => format!(
                    "{} {}",
                    lang.pick("下次", "next"),
                    date(d.div_euclid(86_400))
                ),
                None => String::new(),
            });
            ui.end_row();
        }
    });
    jobs
}
