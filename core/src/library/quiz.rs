//! Generated quizzes: a customer's phrasing from one of the team's FAQs, and the entry
//! that answers it among entries the search engine finds close to it — so the wrong
//! options are genuinely confusable. Answered, a quiz is kept as an attempt like a
//! role-play, bound to the versions of the FAQs it asked about.

use super::Library;
use crate::model::{Kind, Status, now_millis};
use crate::search::{PointMatch, SearchRequest};
use crate::training::{self, Attempt, DEFAULT_PASS, PointKind, PointResult, QuizQuestion};
use crate::{Error, Result};

/// The options a question offers: the answer and this many less one close entries.
const OPTIONS: usize = 4;

/// The item a generated quiz's attempts are kept under.
pub const QUIZ_ITEM: &str = "quiz";

/// A small deterministic generator (xorshift): the same seed asks the same questions.
struct Draw(u64);

impl Draw {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below.max(1) as u64) as usize
    }
}

impl Library {
    /// Up to `count` questions from the team's published FAQs, drawn by `seed`.
    pub fn generate_quiz(&mut self, count: usize, seed: u64) -> Result<Vec<QuizQuestion>> {
        let mut draw = Draw(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut faqs: Vec<String> = self
            .catalog
            .values()
            .filter(|r| r.kind == Kind::Faq && r.status == Status::Published && !r.internal)
            .map(|r| r.id.clone())
            .collect();
        // A shuffle by the seed (Fisher–Yates).
        for i in (1..faqs.len()).rev() {
            let j = draw.next(i + 1);
            faqs.swap(i, j);
        }
        let mut questions = Vec::new();
        for id in faqs {
            if questions.len() >= count {
                break;
            }
            let entry = self.get(&id)?;
            if entry.questions.is_empty() {
                continue;
            }
            let phrasing = entry.questions[draw.next(entry.questions.len())].clone();
            let close = self.search(&SearchRequest {
                text: phrasing.clone(),
                kind: Some(Kind::Faq),
                limit: 12,
                ..SearchRequest::default()
            })?;
            let mut options: Vec<(String, String)> = close
                .into_iter()
                .filter(|h| h.id != id && h.status == Status::Published && !h.internal)
                .take(OPTIONS - 1)
                .map(|h| (h.id, h.title))
                .collect();
            if options.len() < OPTIONS - 1 {
                continue;
            }
            let answer = draw.next(OPTIONS);
            options.insert(answer, (id.clone(), entry.title.clone()));
            questions.push(QuizQuestion {
                faq: id,
                phrasing,
                options,
                answer,
            });
        }
        if questions.is_empty() {
            return Err(Error::invalid(
                "no quiz can be made: it needs published FAQs with customer phrasings \
                 (questions) and others close to them",
            ));
        }
        Ok(questions)
    }

    /// Scores a reply to multiple-choice quiz `entry` (the numbers of the choices picked,
    /// as in "2" or "1,3"): right when exactly the right choices are picked.
    pub(super) fn answer_choice(
        &mut self,
        entry: &crate::model::Entry,
        replies: &[String],
        seconds: u32,
    ) -> Result<Attempt> {
        let all = training::choices(&entry.options);
        let picked = replies
            .first()
            .map(|r| training::chosen(r))
            .unwrap_or_default();
        let right: Vec<usize> = (0..all.len()).filter(|i| all[*i].1).collect();
        let hit = !right.is_empty() && picked == right;
        let texts = |which: &[usize]| -> Vec<String> {
            which
                .iter()
                .filter_map(|i| all.get(*i))
                .map(|c| c.0.clone())
                .collect()
        };
        let judged = PointMatch {
            hit,
            matched: texts(&picked),
            missing: if hit { Vec::new() } else { texts(&right) },
        };
        let question = if entry.opening.trim().is_empty() {
            entry.title.clone()
        } else {
            entry.opening.clone()
        };
        let points = vec![PointResult::new(&question, PointKind::Required, judged)];
        let (score, passed) = training::score(&points);
        let versions = self.versions_of(entry)?;
        self.keep_attempt(Attempt {
            item: entry.id.clone(),
            member: String::new(),
            at: now_millis() / 1000,
            seconds,
            replies: replies.iter().take(1).cloned().collect(),
            score,
            passed,
            points,
            versions,
        })
    }

    /// Scores `chosen` (an option index per question; none: not answered) and keeps the
    /// attempt in this writer's ledger, bound to the versions of the FAQs asked about.
    pub fn answer_quiz(
        &mut self,
        questions: &[QuizQuestion],
        chosen: &[Option<usize>],
        seconds: u32,
    ) -> Result<Attempt> {
        let mut points = Vec::new();
        let mut versions = Vec::new();
        for (n, q) in questions.iter().enumerate() {
            let pick = chosen.get(n).copied().flatten();
            let right = &q.options[q.answer].1;
            let judged = PointMatch {
                hit: pick == Some(q.answer),
                matched: pick
                    .and_then(|p| q.options.get(p))
                    .map(|o| vec![o.1.clone()])
                    .unwrap_or_default(),
                missing: if pick == Some(q.answer) {
                    Vec::new()
                } else {
                    vec![right.clone()]
                },
            };
            points.push(PointResult::new(&q.phrasing, PointKind::Normal, judged));
            versions.push((q.faq.clone(), self.entry_heads(&q.faq)?));
        }
        let (score, _) = training::score(&points);
        let attempt = Attempt {
            item: QUIZ_ITEM.to_string(),
            member: String::new(),
            at: now_millis() / 1000,
            seconds,
            replies: chosen
                .iter()
                .map(|c| c.map_or(String::new(), |i| (i + 1).to_string()))
                .collect(),
            score,
            passed: score >= DEFAULT_PASS,
            points,
            versions,
        };
        self.keep_attempt(attempt)
    }
}
