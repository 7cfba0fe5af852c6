//! Search, suggest, an entry, its chat-ready reply, and a use recorded. What a token may
//! not see (internal entries and drafts, unless its scope is `internal`) is answered as
//! if it did not exist.

use std::collections::BTreeMap;

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lore_core::search::Mode;
use lore_core::{ApiToken, Hit, Kind, SearchRequest, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Api;
use super::auth::require_record;
use super::cache::{Admitted, Key};
use super::error::ApiError;
use super::limits::{Body, Params};

/// The most results one request gets.
const MAX_LIMIT: usize = 50;

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<usize>,
    kind: Option<String>,
    tag: Option<String>,
    category: Option<String>,
}

#[derive(Serialize)]
pub struct Hits {
    hits: Vec<Hit>,
}

/// `GET /v1/search?q=…`: what `lore search --json` prints, one object per hit.
pub async fn search(
    State(api): State<Api>,
    Extension(token): Extension<ApiToken>,
    Extension(admitted): Extension<Admitted>,
    Params(p): Params<SearchParams>,
) -> Result<Json<Hits>, ApiError> {
    let text = p.q.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(ApiError::bad_request(
            "q is empty; pass the words to search for as ?q=…",
        ));
    }
    let kind = match p.kind.as_deref() {
        Some(k) => Some(
            k.parse::<Kind>()
                .map_err(|e| ApiError::bad_request(format!("kind: {e}")))?,
        ),
        None => None,
    };
    let request = SearchRequest {
        text,
        kind,
        tag: p.tag,
        category: p.category,
        status: (token.scope != lore_core::Scope::Internal).then_some(Status::Published),
        limit: limit(p.limit)?,
    };
    let hits = found(&api, &token, admitted, request, Mode::Search).await?;
    Ok(Json(Hits { hits }))
}

#[derive(Deserialize)]
pub struct SuggestBody {
    message: String,
    limit: Option<usize>,
}

#[derive(Serialize)]
pub struct Suggestions {
    hits: Vec<Hit>,
    /// Nothing matches the message well.
    weak: bool,
}

/// `POST /v1/suggest`: the replies that answer a customer message, best first.
pub async fn suggest(
    State(api): State<Api>,
    Extension(token): Extension<ApiToken>,
    Extension(admitted): Extension<Admitted>,
    Body(body): Body<SuggestBody>,
) -> Result<Json<Suggestions>, ApiError> {
    let hits = suggestions(&api, &token, admitted, body.message, limit(body.limit)?).await?;
    let weak = hits.first().is_none_or(|h| h.weak);
    Ok(Json(Suggestions { hits, weak }))
}

/// The suggestions for a customer message a token may see.
pub(super) async fn suggestions(
    api: &Api,
    token: &ApiToken,
    admitted: Admitted,
    message: String,
    limit: usize,
) -> Result<Vec<Hit>, ApiError> {
    if message.trim().is_empty() {
        return Err(ApiError::bad_request(
            "message is empty; send the customer's message",
        ));
    }
    let request = SearchRequest {
        text: message,
        status: Some(Status::Published),
        limit,
        ..SearchRequest::default()
    };
    found(api, token, admitted, request, Mode::Suggest).await
}

/// Runs a search outside the library's lock and keeps what the token may see. More are
/// asked for than wanted, so hiding some still fills the page. A question asked again
/// while the index is unchanged is answered from the kept answers, without the library.
async fn found(
    api: &Api,
    token: &ApiToken,
    Admitted(generation): Admitted,
    mut request: SearchRequest,
    mode: Mode,
) -> Result<Vec<Hit>, ApiError> {
    let key = Key::new(&request, mode, token.scope);
    if let Some(hits) = api.answers.get(&key, generation) {
        return Ok(hits);
    }
    let index = api.with_library(|library| library.search_index()).await?;
    let wanted = request.limit;
    if token.scope != lore_core::Scope::Internal {
        request.limit = wanted + 5;
    }
    let hits = tokio::task::spawn_blocking(move || index.search(&request, mode))
        .await
        .map_err(|_| ApiError::internal("the search could not be run (an internal error)"))??;
    let scope = token.scope;
    let hits = api
        .with_library(move |library| {
            let mut hits = library.with_badges(hits);
            hits.retain(|h| scope.may_see(h.internal, h.status));
            hits.truncate(wanted);
            Ok(hits)
        })
        .await?;
    api.answers.put(key, generation, &hits);
    Ok(hits)
}

fn limit(limit: Option<usize>) -> Result<usize, ApiError> {
    match limit.unwrap_or(10) {
        n @ 1..=MAX_LIMIT => Ok(n),
        n => Err(ApiError::bad_request(format!(
            "limit {n} is out of range: 1 to {MAX_LIMIT}"
        ))),
    }
}

/// `GET /v1/entries/{id}`: an entry by id or shortcode (`#2`, written `%232`), as
/// `lore show --json` prints it.
pub async fn entry(
    State(api): State<Api>,
    Extension(token): Extension<ApiToken>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let scope = token.scope;
    api.with_library(move |library| {
        let entry = visible(library, &id, scope)?;
        let record = lore_core::exchange::Record::from_entry(&entry);
        Ok(serde_json::to_value(record).unwrap_or(Value::Null))
    })
    .await
    .map(Json)
}

/// The entry `id` names, when `scope` may see it; otherwise not found, as if it did not
/// exist.
pub(super) fn visible(
    library: &mut lore_core::Library,
    id: &str,
    scope: lore_core::Scope,
) -> lore_core::Result<lore_core::Entry> {
    let missing = || lore_core::Error::NotFound(format!("no entry `{id}`"));
    let resolved = library.resolve(id).map_err(|_| missing())?;
    let entry = library.get(&resolved)?;
    if !scope.may_see(entry.internal, entry.status) {
        return Err(missing());
    }
    Ok(entry)
}

#[derive(Deserialize, Default)]
pub struct ReplyBody {
    /// Placeholder → value (`{"订单号": "20261129001"}`).
    #[serde(default)]
    fields: BTreeMap<String, String>,
    /// An answer of the entry other than the adopted one.
    answer: Option<String>,
}

#[derive(Serialize)]
pub struct ReplyText {
    entry: String,
    title: String,
    answer: Option<String>,
    text: String,
}

/// `POST /v1/entries/{id}/reply`: the chat-ready reply with its placeholders filled;
/// refused while any is left unfilled.
pub async fn reply(
    State(api): State<Api>,
    Extension(token): Extension<ApiToken>,
    Path(id): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<ReplyText>, ApiError> {
    let body = body.map_err(super::limits::bytes_refused)?;
    // The body is optional: none asks for the reply as it is.
    let body: ReplyBody = if body.iter().all(u8::is_ascii_whitespace) {
        ReplyBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("the body is not a reply request: {e}")))?
    };
    let scope = token.scope;
    let (reply, filled) = api
        .with_library(move |library| {
            let entry = visible(library, &id, scope)?;
            let reply = lore_core::reply::reply_of(&entry, body.answer.as_deref())?;
            let filled = reply.fill(&body.fields);
            Ok((reply, filled))
        })
        .await?;
    if !filled.unfilled.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unfilled_fields",
            format!(
                "{} has placeholders left to fill: {}; give each in `fields`",
                reply.entry,
                filled.unfilled.join(", ")
            ),
        ));
    }
    Ok(Json(ReplyText {
        answer: reply.answer_id().map(str::to_string),
        entry: reply.entry,
        title: reply.title,
        text: filled.text,
    }))
}

#[derive(Deserialize)]
pub struct UseBody {
    entry: String,
    answer: Option<String>,
}

#[derive(Serialize)]
pub struct UseRecorded {
    entry: String,
    /// This node's uses of the entry, the token's among them.
    uses: u64,
    /// The token the use is attributed to.
    via: String,
}

/// `POST /v1/uses`: a reply sent to a customer, recorded in this node's ledger and
/// attributed to the token's name (scopes `reply` and `internal`).
pub async fn record_use(
    State(api): State<Api>,
    Extension(token): Extension<ApiToken>,
    Body(body): Body<UseBody>,
) -> Result<(StatusCode, Json<UseRecorded>), ApiError> {
    require_record(&token)?;
    let via = token.name.clone();
    let (entry, recorded) = api
        .with_library(move |library| {
            let entry = visible(library, &body.entry, token.scope)?;
            lore_core::reply::reply_of(&entry, body.answer.as_deref())?;
            let recorded = library.record_api_use(&entry.id, body.answer.as_deref(), &token)?;
            Ok((entry.id, recorded))
        })
        .await?;
    api.on_change.changed();
    Ok((
        StatusCode::CREATED,
        Json(UseRecorded {
            entry,
            uses: recorded.uses,
            via,
        }),
    ))
}
