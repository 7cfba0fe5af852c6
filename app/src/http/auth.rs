//! Bearer tokens: every `/v1/` path but the OpenAPI document asks for one. The token is
//! looked up by its secret's hash in the team document (revoked ones are refused), then
//! its bucket is charged; the handler finds it in the request's extensions.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lore_core::ApiToken;

use super::Api;
use super::cache::Admitted;
use super::error::ApiError;

/// Authenticates and rate-limits a request.
pub async fn require_token(State(api): State<Api>, mut request: Request, next: Next) -> Response {
    let secret = bearer(&request);
    match caller(&api, secret).await {
        Ok((token, admitted)) => {
            request.extensions_mut().insert(token);
            request.extensions_mut().insert(admitted);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

/// The secret of an `Authorization: Bearer …` header.
fn bearer(request: &Request) -> Option<String> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|s| s.trim().to_string())
}

/// The token, and the search index's generation as it was admitted.
async fn caller(api: &Api, secret: Option<String>) -> Result<(ApiToken, Admitted), ApiError> {
    let secret = secret.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "no token: send `Authorization: Bearer lore_…` (an admin creates one with `lore token create`)",
            )
        })?;
    let (token, generation) = api
        .look_up(move |library| {
            let token = library.token_for(&secret)?;
            Ok((token, library.search_index()?.generation()))
        })
        .await?;
    let token = token.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the token is unknown or was revoked; ask an admin for a new one",
        )
    })?;
    api.limits.take(&token.name)?;
    Ok((token, Admitted(generation)))
}

/// Refuses a token whose scope records nothing.
pub fn require_record(token: &ApiToken) -> Result<(), ApiError> {
    if token.scope.may_record() {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        format!(
            "token “{}” has the scope {}, which records nothing; an admin creates one with --scope reply",
            token.name, token.scope
        ),
    ))
}
