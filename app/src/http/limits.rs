//! What keeps a malformed or greedy client from affecting the node: a body limit checked
//! before anything is read, a token bucket per token, panics answered as errors, and
//! extractors whose refusals are JSON errors like every other.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::Json;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::Api;
use super::error::ApiError;

/// The largest request body taken, in bytes: a customer message with its fields is a
/// few kilobytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Refuses a request whose declared body is past [`BODY_LIMIT`] before reading any of it;
/// a body without a declared length is cut off at the limit by the extractors.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return too_large();
    }
    next.run(request).await
}

/// Answers requests at most [`super::ANSWERING`] at once, the others in the order they came.
pub async fn in_order(State(api): State<Api>, request: Request, next: Next) -> Response {
    match api.answering.clone().acquire_owned().await {
        Ok(_turn) => next.run(request).await,
        Err(_) => ApiError::stopping().into_response(),
    }
}

/// The body is left unread, so the connection is closed after the answer: a client must
/// not send its next request on it.
fn too_large() -> Response {
    let mut response = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        too_large_message(),
    )
    .into_response();
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    response
}

/// A panic in a handler answered as a 500 error; the node keeps serving.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("the request could not be answered (an internal error); the node is running")
        .into_response()
}

/// Per-token token buckets: `rate` requests a second with bursts of `burst`.
#[derive(Debug)]
pub struct RateLimits {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimits {
    /// A `rate` of 0 (or less) limits nothing.
    pub fn new(rate: f64, burst: u32) -> RateLimits {
        RateLimits {
            rate,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `token`'s bucket; refused when it is empty.
    pub fn take(&self, token: &str) -> Result<(), ApiError> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (level, last) = buckets
            .entry(token.to_string())
            .or_insert((self.burst, now));
        *level = (*level + now.duration_since(*last).as_secs_f64() * self.rate).min(self.burst);
        *last = now;
        if *level < 1.0 {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "token “{token}” made more than {} requests a second; slow down and retry",
                    self.rate
                ),
            ));
        }
        *level -= 1.0;
        Ok(())
    }
}

/// A JSON body, its refusals (malformed, too large, wrong type) as [`ApiError`]s.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_refused(rejection)),
        }
    }
}

/// A body that could not be read (past the limit without declaring its length).
pub fn bytes_refused(rejection: BytesRejection) -> ApiError {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(status, "too_large", too_large_message());
    }
    ApiError::new(status, "bad_request", rejection.body_text())
}

fn too_large_message() -> String {
    format!("the request body is larger than {} KB", BODY_LIMIT / 1024)
}

fn json_refused(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(status, "too_large", too_large_message());
    }
    let code = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "bad_request",
    };
    ApiError::new(status, code, rejection.body_text())
}

/// A query string, its refusals as [`ApiError`]s.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(query_refused(rejection)),
        }
    }
}

fn query_refused(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(rejection.body_text())
}
