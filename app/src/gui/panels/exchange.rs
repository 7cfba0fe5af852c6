//! The import and export dialogs. Import: files are added by dropping them on the window
//! or typing their path; the dialog shows what importing them would do (each entry created,
//! updated or unchanged, with its kind, title and `FILE:LINE`; every problem with its
//! `FILE:LINE`) before anything is written, and imports only when there is no problem. It
//! also saves the CSV template. Export: the whole library as CSV (UTF-8 with a BOM, or
//! GBK), JSON Lines or Markdown to a path. The worker does all of the disk work.

use std::path::{Path, PathBuf};

use egui::RichText;
use lore_core::exchange::{CsvEncoding, ExportFormat, ImportPreview, PreviewAction};

use crate::gui::i18n::{Key, Lang};
use crate::gui::jobs::{Done, Job};
use crate::gui::widgets::field::field_with_button_ui;

/// The name the template is saved under by default.
const TEMPLATE_NAME: &str = "导入模板.csv";

/// The export formats offered, with their names and default file names.
const FORMATS: [(ExportFormat, &str, &str); 4] = [
    (
        ExportFormat::Csv(CsvEncoding::Utf8),
        "CSV (UTF-8, Excel)",
        "知识库导出.csv",
    ),
    (
        ExportFormat::Csv(CsvEncoding::Gbk),
        "CSV (GBK)",
        "知识库导出-GBK.csv",
    ),
    (ExportFormat::Jsonl, "JSON Lines", "知识库导出.jsonl"),
    (ExportFormat::Markdown, "Markdown", "知识库导出"),
];

/// Which dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Import,
    Export,
}

/// The dialogs' state.
#[derive(Debug, Default)]
pub struct ExchangeDialog {
    open: Option<Open>,
    /// The files to import.
    files: Vec<PathBuf>,
    /// A path being typed.
    typed: String,
    /// The preview of exactly `files`, once the worker answered.
    preview: Option<ImportPreview>,
    /// Where the template goes.
    template: String,
    /// The chosen export format (an index into [`FORMATS`]) and where it goes.
    format: usize,
    export_to: String,
}

/// Where files are saved by default: the downloads folder, else the home folder.
pub fn default_dir() -> PathBuf {
    dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where the template is saved by default.
pub fn template_path() -> PathBuf {
    default_dir().join(TEMPLATE_NAME)
}

impl ExchangeDialog {
    /// Opens the import dialog.
    pub fn open_import(&mut self) {
        self.open = Some(Open::Import);
        if self.template.is_empty() {
            self.template = template_path().display().to_string();
        }
    }

    /// Opens the export dialog.
    pub fn open_export(&mut self) {
        self.open = Some(Open::Export);
        if self.export_to.is_empty() {
            self.export_to = default_dir().join(FORMATS[0].2).display().to_string();
        }
    }

    /// Whether a dialog is open (it has the keyboard).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            // Only the preview of the files listed now: an older one may arrive late.
            Done::ImportPreview { paths, preview } if *paths == self.files => {
                self.preview = Some((**preview).clone());
            }
            Done::Imported { .. } => {
                self.files.clear();
                self.preview = None;
                self.open = None;
            }
            Done::Wrote {
                entries: Some(_), ..
            } => self.open = None,
            _ => {}
        }
    }

    /// Draws the open dialog; files dropped on the window join the import.
    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        let Some(open) = self.open else {
            return jobs;
        };
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if open == Open::Import {
            jobs.extend(self.add(dropped));
        }
        let title = match open {
            Open::Import => Key::ImportTitle,
            Open::Export => Key::ExportTitle,
        };
        let mut close = false;
        // Anchored at the top: the preview grows downwards and nothing above it moves.
        let id = egui::Id::unique("exchange");
        let area = egui::Modal::default_area(id).anchor(egui::Align2::CENTER_TOP, [0.0, 40.0]);
        egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_width(640.0);
            ui.heading(lang.t(title));
            match open {
                Open::Import => jobs.extend(self.import_ui(ui, lang)),
                Open::Export => jobs.extend(self.export_ui(ui, lang)),
            }
            ui.separator();
            close = ui.button(lang.t(Key::Close)).clicked();
        });
        if close {
            self.open = None;
        }
        jobs
    }

    /// Adds `paths` to the files to import (each once); a new preview is asked for.
    fn add(&mut self, paths: Vec<PathBuf>) -> Option<Job> {
        let before = self.files.len();
        for path in paths {
            if !path.as_os_str().is_empty() && !self.files.contains(&path) {
                self.files.push(path);
            }
        }
        (self.files.len() != before).then(|| self.ask_preview())
    }

    fn ask_preview(&mut self) -> Job {
        self.preview = None;
        Job::PreviewImport(self.files.clone())
    }

    /// The files, their preview, the import button, and the template.
    fn import_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Vec<Job> {
        let mut jobs = Vec::new();
        ui.label(lang.t(Key::DropFiles));
        let (label, add) = (lang.t(Key::FilePath), lang.t(Key::AddFile));
        if field_with_button_ui(ui, label, &mut self.typed, add) {
            // Pasted paths often come quoted.
            let path = self.typed.trim().trim_matches(['"', '\'']).to_string();
            self.typed.clear();
            jobs.extend(self.add(vec![PathBuf::from(path)]));
        }
        if !self.files.is_empty() {
            for file in &self.files {
                ui.label(RichText::new(file.display().to_string()).monospace());
            }
            if ui.small_button(lang.t(Key::ClearFiles)).clicked() {
                self.files.clear();
                self.preview = None;
            }
        }
        if let Some(preview) = &self.preview {
            preview_ui(ui, lang, preview);
        } else if !self.files.is_empty() {
            ui.label(lang.t(Key::Loading));
        }
        let ready = self
            .preview
            .as_ref()
            .is_some_and(|p| p.problems.is_empty() && !p.entries.is_empty());
        if ui
            .add_enabled(ready, egui::Button::new(lang.t(Key::ImportNow)))
            .clicked()
        {
            jobs.push(Job::Import(self.files.clone()));
        }
        ui.separator();
        let (label, save) = (lang.t(Key::SaveTo), lang.t(Key::SaveTemplate));
        if field_with_button_ui(ui, label, &mut self.template, save) {
            jobs.push(Job::SaveTemplate(PathBuf::from(self.template.trim())));
        }
        jobs
    }

    /// The format, where the export goes, and the export button.
    fn export_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<Job> {
        let before = self.format;
        let label = ui.label(lang.t(Key::Format));
        let combo = egui::ComboBox::from_id_salt("export-format")
            .selected_text(FORMATS[self.format].1)
            .show_ui(ui, |ui| {
                for (i, (_, name, _)) in FORMATS.iter().enumerate() {
                    ui.selectable_value(&mut self.format, i, *name);
                }
            });
        let _ = combo.response.labelled_by(label.id);
        if self.format != before {
            // The default name follows the format, in the folder chosen.
            let dir = Path::new(self.export_to.trim())
                .parent()
                .map_or_else(default_dir, Path::to_path_buf);
            self.export_to = dir.join(FORMATS[self.format].2).display().to_string();
        }
        let (label, export) = (lang.t(Key::SaveTo), lang.t(Key::ExportNow));
        field_with_button_ui(ui, label, &mut self.export_to, export).then(|| Job::Export {
            format: FORMATS[self.format].0,
            path: PathBuf::from(self.export_to.trim()),
        })
    }
}

/// Each entry the import would write, and every problem, each with its `FILE:LINE`.
fn preview_ui(ui: &mut egui::Ui, lang: Lang, preview: &ImportPreview) {
    let counts = [
        (PreviewAction::Create, Key::WillCreate),
        (PreviewAction::Update, Key::WillUpdate),
        (PreviewAction::Unchanged, Key::WillKeep),
    ];
    let summary: Vec<String> = counts
        .iter()
        .map(|(a, k)| format!("{} {}", lang.t(*k), preview.count(*a)))
        .collect();
    ui.label(RichText::new(summary.join(" · ")).strong());
    if !preview.problems.is_empty() {
        let red = ui.visuals().error_fg_color;
        ui.label(RichText::new(lang.t(Key::ImportProblems)).color(red));
        for p in &preview.problems {
            ui.label(RichText::new(format!("{}: {}", p.location, p.message)).color(red));
        }
    }
    egui::ScrollArea::vertical()
        .max_height(240.0)
        .show(ui, |ui| {
            for e in &preview.entries {
                let (_, key) = counts
                    .iter()
                    .find(|(a, _)| *a == e.action)
                    .copied()
                    .unwrap_or(counts[0]);
                ui.label(format!(
                    "{} · {} · {} · {}",
                    lang.t(key),
                    lang.kind(e.kind),
                    e.title,
                    e.location
                ));
            }
        });
}
