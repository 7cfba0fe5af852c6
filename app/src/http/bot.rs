//! `POST /v1/bot`: the best reply to a customer message with how sure the bot is, or a
//! hand-over to a person — when the customer asks for one (转人工), when nothing the
//! token may send matches, below the confidence threshold, or when the reply has blanks
//! the request did not fill. Every question goes to the query log as a pasted message,
//! so the content gaps show what the bot could not answer; with a recording scope, an
//! answer is a use attributed to the token.

use std::collections::BTreeMap;

use axum::Extension;
use axum::Json;
use axum::extract::State;
use lore_core::bot::{self, Handover};
use lore_core::insights::{After, Asked};
use lore_core::{ApiToken, Hit, Scope};
use serde::{Deserialize, Serialize};

use super::Api;
use super::cache::Admitted;
use super::error::ApiError;
use super::limits::Body;
use super::routes::{suggestions, visible};

#[derive(Deserialize)]
pub struct BotBody {
    message: String,
    /// Placeholder values the platform knows (`{"订单号": "…"}`).
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

#[derive(Serialize)]
pub struct Suggestion {
    id: String,
    title: String,
    confidence: f32,
}

#[derive(Serialize, Default)]
pub struct BotAnswer {
    /// Hand the customer over to a person.
    handover: bool,
    /// Why (`asked_for_person`, `no_match`, `low_confidence`, `missing_fields`).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Handover>,
    /// How sure the bot is of its best reply, 0 to 1.
    confidence: f32,
    /// The threshold it was held to.
    threshold: f32,
    /// The reply to send (none on a hand-over).
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<BotReply>,
    /// The closest replies, for the person taking over.
    suggestions: Vec<Suggestion>,
    /// The answer was recorded as a use by the token.
    recorded: bool,
}

#[derive(Serialize)]
pub struct BotReply {
    entry: String,
    title: String,
    text: String,
}

pub async fn bot(
    State(api): State<Api>,
    Extension(token): Extension<ApiToken>,
    Extension(admitted): Extension<Admitted>,
    Body(body): Body<BotBody>,
) -> Result<Json<BotAnswer>, ApiError> {
    let threshold = api.threshold;
    let message = body.message;
    if bot::asks_for_person(&message) {
        return Ok(Json(BotAnswer {
            handover: true,
            reason: Some(Handover::AskedForPerson),
            threshold,
            ..BotAnswer::default()
        }));
    }
    let mut hits: Vec<Hit> = suggestions(&api, &token, admitted, message.clone(), 5).await?;
    hits.retain(|h| lore_core::reply::is_reply_kind(h.kind));
    // The surest first (ties in the order the library ranked them).
    hits.sort_by(|a, b| bot::confidence(b).total_cmp(&bot::confidence(a)));
    let mut answer = BotAnswer {
        confidence: hits.first().map_or(0.0, bot::confidence),
        threshold,
        suggestions: hits
            .iter()
            .map(|h| Suggestion {
                id: h.id.clone(),
                title: h.title.clone(),
                confidence: bot::confidence(h),
            })
            .collect(),
        ..BotAnswer::default()
    };
    let sure: Vec<String> = hits
        .iter()
        .filter(|h| bot::confidence(h) >= threshold)
        .map(|h| h.id.clone())
        .collect();
    let reason = match (hits.is_empty(), sure.is_empty()) {
        (true, _) => Some(Handover::NoMatch),
        (false, true) => Some(Handover::LowConfidence),
        (false, false) => None,
    };
    let record = token.scope.may_record();
    let answers = api.answers.clone();
    let work = move |library: &mut lore_core::Library| {
        // The surest reply the request's fields fill completely; a reply with blanks
        // left is never sent.
        let mut sent = None;
        for id in &sure {
            // Kept for every scope; whether this token may send it is checked here,
            // each time.
            let (reply, internal, status) = answers.reply(id, admitted.0, || {
                let entry = visible(library, id, Scope::Internal)?;
                let reply = lore_core::reply::reply_of(&entry, None)?;
                Ok((reply, entry.internal, entry.status))
            })?;
            if !token.scope.may_see(internal, status) {
                continue;
            }
            let filled = reply.fill(&body.fields);
            if filled.unfilled.is_empty() {
                if record {
                    library.record_api_use(&reply.entry, reply.answer_id(), &token)?;
                }
                sent = Some(BotReply {
                    entry: reply.entry,
                    title: reply.title,
                    text: filled.text,
                });
                break;
            }
        }
        let found = After::Asked {
            found: sent.is_some(),
        };
        library.log_query(Asked::Message, &message, found)?;
        if let Some(sent) = &sent {
            library.log_query(Asked::Message, &message, After::Copied(sent.entry.clone()))?;
        }
        Ok(sent)
    };
    // Recording a use is a durable write: it waits its turn on a blocking thread. The
    // rest is a lookup (the reply kept — read from its document once per entry and index
    // generation — and the question buffered in memory, written to the ledger at most
    // once in ten minutes, which this request may then pay for).
    let outcome = if record {
        let sent = api.with_library(work).await?;
        api.on_change.changed();
        sent
    } else {
        api.look_up(work).await?
    };
    match outcome {
        Some(reply) => {
            answer.confidence = hits
                .iter()
                .find(|h| h.id == reply.entry)
                .map_or(answer.confidence, bot::confidence);
            answer.reply = Some(reply);
            answer.recorded = record;
        }
        None => {
            answer.handover = true;
            answer.reason = Some(reason.unwrap_or(Handover::MissingFields));
        }
    }
    Ok(Json(answer))
}
