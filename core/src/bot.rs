//! The answering bot's rules, pure: how sure a customer message's best suggestion is,
//! when to hand the customer over to a person, and which messages ask for one (转人工).
//! The HTTP API's bot endpoint applies them to the library's suggestions.

use serde::Serialize;

use crate::search::Hit;

/// Below this confidence the bot hands over to a person, unless told otherwise.
pub const DEFAULT_THRESHOLD: f32 = 0.6;

/// Why the bot hands a customer over to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Handover {
    /// The customer asked for a person (转人工, 人工客服, human …).
    AskedForPerson,
    /// Nothing the bot may send matches the message.
    NoMatch,
    /// The best reply covers too little of what the message asks.
    LowConfidence,
    /// The best reply has placeholders the request did not fill.
    MissingFields,
}

impl Handover {
    pub fn as_str(self) -> &'static str {
        match self {
            Handover::AskedForPerson => "asked_for_person",
            Handover::NoMatch => "no_match",
            Handover::LowConfidence => "low_confidence",
            Handover::MissingFields => "missing_fields",
        }
    }
}

/// Phrases that ask for a person, matched anywhere in the message (lowercased).
const ASKS_PERSON: &[&str] = &[
    "转人工",
    "轉人工",
    "人工客服",
    "人工服务",
    "人工服務",
    "找人工",
    "要人工",
    "接人工",
    "人工坐席",
    "真人",
    "活人",
    "客服经理",
    "real person",
    "live agent",
    "customer service agent",
];

/// Latin words that ask for a person, matched as whole words.
const ASKS_PERSON_WORDS: &[&str] = &["human", "agent", "operator", "representative"];

/// Whether a customer message asks to talk to a person.
pub fn asks_for_person(message: &str) -> bool {
    let lower = message.to_lowercase();
    if ASKS_PERSON.iter().any(|p| lower.contains(p)) {
        return true;
    }
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| ASKS_PERSON_WORDS.contains(&w))
}

/// How sure the bot is of a suggestion, 0 to 1: the share of the message it covers, the
/// words no entry uses counted as not covered.
pub fn confidence(hit: &Hit) -> f32 {
    hit.confidence.clamp(0.0, 1.0)
}

/// Whether `threshold` is a confidence the bot can be held to (0 to 1).
pub fn valid_threshold(threshold: f32) -> bool {
    (0.0..=1.0).contains(&threshold)
}
