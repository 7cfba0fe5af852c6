//! The API's one error shape: `{ "error": { "code": "...", "message": "..." } }` with a
//! fitting status. Codes are stable words programs match on; messages are for people.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The API stopped while the request waited its turn.
    pub fn stopping() -> ApiError {
        ApiError::internal("the API is stopping; try again")
    }
}

impl From<lore_core::Error> for ApiError {
    /// The library's refusals of what a request asked (an unknown id, a value it does not
    /// take) are the caller's to fix; anything else is the node's.
    fn from(e: lore_core::Error) -> ApiError {
        match e {
            lore_core::Error::NotFound(_) => ApiError::not_found(e.to_string()),
            lore_core::Error::Invalid(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string())
            }
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": { "code": self.code, "message": self.message }
        });
        (self.status, Json(body)).into_response()
    }
}
