//! A generated quiz in the Practice tab: each question a customer's phrasing with four
//! entries to choose from, handed in at once.

use std::time::Instant;

use egui::RichText;
use lore_core::training::QuizQuestion;

use crate::gui::i18n::Lang;
use crate::gui::jobs::Job;

/// How many questions a quiz from the Practice tab asks.
pub const QUESTIONS: usize = 5;

/// A quiz being answered.
#[derive(Debug)]
pub struct QuizSession {
    questions: Vec<QuizQuestion>,
    chosen: Vec<Option<usize>>,
    started: Instant,
    /// The answers went for scoring.
    sent: bool,
}

impl QuizSession {
    pub fn new(questions: Vec<QuizQuestion>) -> QuizSession {
        QuizSession {
            chosen: vec![None; questions.len()],
            questions,
            started: Instant::now(),
            sent: false,
        }
    }

    /// Scoring failed: the answers can be handed in again.
    pub fn failed(&mut self) {
        self.sent = false;
    }

    /// The questions with their options; 交卷 hands the answers in.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> Option<Job> {
        ui.heading(lang.pick(
            "测验：哪一条回答了客户？",
            "Quiz: which entry answers the customer?",
        ));
        for (n, q) in self.questions.iter().enumerate() {
            ui.add_space(6.0);
            ui.label(
                RichText::new(format!(
                    "{}. {}{}",
                    n + 1,
                    lang.pick("客户问：", "The customer asks: "),
                    q.phrasing
                ))
                .strong(),
            );
            for (i, (_, title)) in q.options.iter().enumerate() {
                ui.radio_value(&mut self.chosen[n], Some(i), title.as_str());
            }
        }
        ui.add_space(6.0);
        if self.sent {
            ui.label(lang.pick("评分中…", "Scoring…"));
            return None;
        }
        if !ui.button(lang.pick("交卷", "Hand in")).clicked() {
            return None;
        }
        self.sent = true;
        Some(Job::AnswerQuiz {
            questions: self.questions.clone(),
            chosen: self.chosen.clone(),
            seconds: u32::try_from(self.started.elapsed().as_secs()).unwrap_or(u32::MAX),
        })
    }
}
