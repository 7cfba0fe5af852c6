//! The form a trainer sets practice with, under the grid: an item, for everyone, a role or
//! a member, a due day, a pass mark.

use egui::RichText;
use lore_core::Role;
use lore_core::training::{Assignee, Grid};

use crate::gui::i18n::Lang;
use crate::gui::jobs::Job;

/// What a trainer sets: an item, for whom, due when, with what pass mark.
#[derive(Debug)]
pub struct AssignForm {
    item: usize,
    to: usize,
    /// YYYY-MM-DD, or empty for no date.
    due: String,
    pass: u32,
    /// Why the last try was not sent.
    problem: Option<String>,
}

impl Default for AssignForm {
    fn default() -> Self {
        AssignForm {
            item: 0,
            to: 0,
            due: String::new(),
            pass: lore_core::training::DEFAULT_PASS,
            problem: None,
        }
    }
}

/// Whom a trainer can set an item for: everyone, a role, or a member.
fn assignees(lang: Lang, grid: &Grid) -> Vec<(String, Assignee)> {
    let mut all = vec![
        (
            lang.pick("全部成员", "Everyone").to_string(),
            Assignee::Everyone,
        ),
        (
            lang.pick("所有客服", "All agents").to_string(),
            Assignee::Role(Role::Agent),
        ),
        (
            lang.pick("所有培训师", "All trainers").to_string(),
            Assignee::Role(Role::Trainer),
        ),
    ];
    all.extend(
        grid.rows
            .iter()
            .map(|(id, name, _)| (name.clone(), Assignee::Member(id.clone()))),
    );
    all
}

/// The form a trainer sets practice with.
pub fn assign_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    items: &[(String, String)],
    sets: &[(String, Vec<String>)],
    grid: &Grid,
    form: &mut AssignForm,
) -> Option<Job> {
    if items.is_empty() {
        return None;
    }
    // One item, or a set: every training item of a category.
    let items: Vec<(String, Vec<String>)> = items
        .iter()
        .map(|(id, title)| (title.clone(), vec![id.clone()]))
        .chain(sets.iter().map(|(category, ids)| {
            let label = match lang {
                Lang::Zh => format!("整套：{category}（{} 项）", ids.len()),
                Lang::En => format!("Set: {category} ({} items)", ids.len()),
            };
            (label, ids.clone())
        }))
        .collect();
    ui.label(RichText::new(lang.pick("布置练习", "Set practice")).strong());
    let targets = assignees(lang, grid);
    form.item = form.item.min(items.len() - 1);
    form.to = form.to.min(targets.len() - 1);
    egui::Grid::new("assign-form")
        .num_columns(2)
        .show(ui, |ui| {
            let item = ui.label(lang.pick("条目", "Item"));
            egui::ComboBox::from_id_salt("assign-item")
                .selected_text(items[form.item].0.as_str())
                .show_ui(ui, |ui| {
                    for (i, (title, _)) in items.iter().enumerate() {
                        ui.selectable_value(&mut form.item, i, title.as_str());
                    }
                })
                .response
                .labelled_by(item.id);
            ui.end_row();
            let to = ui.label(lang.pick("给谁", "For"));
            egui::ComboBox::from_id_salt("assign-to")
                .selected_text(targets[form.to].0.as_str())
                .show_ui(ui, |ui| {
                    for (i, (name, _)) in targets.iter().enumerate() {
                        ui.selectable_value(&mut form.to, i, name.as_str());
                    }
                })
                .response
                .labelled_by(to.id);
            ui.end_row();
            let due = ui.label(lang.pick("截止日期", "Due"));
            ui.add(egui::TextEdit::singleline(&mut form.due).hint_text("2026-12-31"))
                .labelled_by(due.id);
            ui.end_row();
            let pass = ui.label(lang.pick("及格分", "Pass mark"));
            ui.add(egui::DragValue::new(&mut form.pass).range(0..=100))
                .labelled_by(pass.id);
            ui.end_row();
        });
    if let Some(problem) = &form.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    if !ui.button(lang.pick("布置", "Set")).clicked() {
        return None;
    }
    let due = if form.due.trim().is_empty() {
        0
    } else {
        match crate::cli::output::end_of_day(&form.due) {
            Some(ms) => ms,
            None => {
                form.problem = Some(
                    lang.pick(
                        "截止日期请写成 2026-12-31 这样的格式。",
                        "Write the due day as 2026-12-31.",
                    )
                    .to_string(),
                );
                return None;
            }
        }
    };
    form.problem = None;
    Some(Job::Assign {
        items: items[form.item].1.clone(),
        to: targets[form.to].1.clone(),
        due,
        pass: form.pass,
    })
}
