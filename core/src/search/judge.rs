//! Whether a reply says what a key point asks, judged with the analysis search uses: the
//! point's words are found by jieba, the reply is normalised (Traditional → Simplified,
//! full-width → half-width, lowercase), and a word counts as said when the reply holds it
//! or one of the team's synonyms of it; English words match by stem. A point is hit when
//! the reply says at least [`SAID`] of its words (all of a one- or two-word point), so
//! "帮您登记补发" and "幫您登記補發" both hit "登记补发".

use serde::Serialize;

use super::analysis::{ChineseTokenizer, Normalised, is_cjk, latin_words, normalise, stem};
use super::query::{STOP_ZH, Synonyms};

/// The share of a key point's words a reply must say.
pub const SAID: f64 = 0.6;

/// Words a trainer writes about what the agent does, not words the agent says
/// ("说明…", "给出…的选择", "不质疑客户…").
const META_ZH: &[&str] = &[
    "说明",
    "告知",
    "给出",
    "按要求",
    "要求",
    "询问",
    "引导",
    "提醒",
    "表示",
    "解释",
    "客户",
    "顾客",
    "以下",
    "以上",
    "选择",
];

/// English words that carry no meaning in a key point.
const STOP_EN: &[&str] = &[
    "a", "an", "the", "to", "of", "and", "or", "is", "are", "be", "for", "in", "on", "with", "you",
    "your", "we", "our", "it", "that", "this", "not", "do", "if",
];

/// How a key point fared against a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PointMatch {
    /// Whether the reply says it.
    pub hit: bool,
    /// The words of the reply that said it, as the trainee wrote them.
    pub matched: Vec<String>,
    /// The key point's words the reply does not say.
    pub missing: Vec<String>,
}

/// The content words of a key point: Chinese words of two characters or more, numbers,
/// English words, without stopwords; each once.
fn words(zh: &ChineseTokenizer, point: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in zh.cut(point) {
        let cjk = w.chars().any(is_cjk);
        let keep = if cjk {
            w.chars().count() >= 2
                && !STOP_ZH.contains(&w.as_str())
                && !META_ZH.contains(&w.as_str())
        } else {
            !STOP_EN.contains(&w.as_str())
        };
        if keep && !words.contains(&w) {
            words.push(w);
        }
    }
    words
}

/// Judges `point` against `reply`.
pub(crate) fn judge(
    zh: &ChineseTokenizer,
    synonyms: &Synonyms,
    point: &str,
    reply: &str,
) -> PointMatch {
    let said = Normalised::new(reply);
    let english: Vec<(String, usize, usize)> = latin_words(reply)
        .into_iter()
        .map(|(w, from, to)| (stem(&w), from, to))
        .collect();
    let words = words(zh, point);
    if words.is_empty() {
        let whole = normalise(point.trim());
        let hit = !whole.is_empty() && said.text.contains(&whole);
        return PointMatch {
            hit,
            matched: if hit {
                vec![point.trim().to_string()]
            } else {
                Vec::new()
            },
            missing: if hit {
                Vec::new()
            } else {
                vec![point.trim().to_string()]
            },
        };
    }
    let mut result = PointMatch::default();
    for word in &words {
        let found = if word.chars().any(is_cjk) {
            std::iter::once(word.as_str())
                .chain(synonyms.of(word).iter().map(String::as_str))
                .find_map(|w| said.text.find(w).map(|at| (at, at + w.len())))
                .map(|(from, to)| {
                    reply[said.original_offset(from)..said.original_offset(to)].to_string()
                })
        } else {
            let wanted = stem(word);
            english
                .iter()
                .find(|(s, _, _)| *s == wanted)
                .map(|(_, from, to)| reply[*from..*to].to_string())
        };
        match found {
            Some(text) => result.matched.push(text),
            None => result.missing.push(word.clone()),
        }
    }
    let needed = ((words.len() as f64) * SAID).ceil() as usize;
    result.hit = result.matched.len() >= needed.max(1);
    result
}
