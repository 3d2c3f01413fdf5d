//! `POST /v1/auth/token` (password and refresh_token grants) and `POST /v1/auth/revoke`, OAuth 2.0
//! style: the same fields and error codes as RFC 6749/7009, in JSON, errors as problem+json with
//! OAuth's `error` beside this API's `code`.

use crate::auth::{self as tokens, RefreshError};
use crate::body::JsonBody;
use crate::hashing::HashError;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mail_identity_core::wire::{RevokeRequest, TokenRequest};
use rusqlite::OptionalExtension;
use std::net::SocketAddr;

fn oauth(status: StatusCode, error: &'static str, title: &'static str) -> Problem {
    Problem::new(status, error, title).oauth_error(error)
}

fn invalid_request(detail: &'static str) -> Problem {
    oauth(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "The token request is incomplete",
    )
    .detail(detail)
}

fn invalid_grant() -> Problem {
    oauth(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "The credentials or the refresh token are not valid",
    )
}

pub async fn token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: JsonBody<TokenRequest<'static>>,
) -> Result<Response, Problem> {
    let request = body.value;
    let pair = match &*request.grant_type {
        "password" => {
            let (Some(username), Some(password)) = (request.username, request.password) else {
                return Err(invalid_request(
                    "the password grant needs username and password",
                ));
            };
            password_grant(&state, peer, username.into_owned(), password.into_owned()).await?
        }
        "refresh_token" => {
            let refresh = request
                .refresh_token
                .map(std::borrow::Cow::into_owned)
                .ok_or_else(|| invalid_request("the refresh_token grant needs refresh_token"))?;
            let (ttl, now) = (state.lifetimes(), state.clock.now_unix());
            state
                .store
                .call(
                    move |conn| match tokens::refresh(conn, &refresh, now, ttl) {
                        Ok(pair) => Ok(pair),
                        Err(RefreshError::Invalid)
                            if crate::admin::deletion::token_gone(conn, &refresh)? =>
                        {
                            Err(Problem::account_deleted())
                        }
                        Err(RefreshError::Invalid | RefreshError::Reused) => Err(invalid_grant()),
                        Err(RefreshError::Store(e)) => Err(Problem::from(e)),
                    },
                )
                .await?
        }
        _ => {
            return Err(oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type is password or refresh_token",
            ))
        }
    };
    let mut response = super::json(
        StatusCode::OK,
        serde_json::to_vec(&pair).unwrap_or_default(),
    );
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

async fn password_grant(
    state: &AppState,
    peer: SocketAddr,
    username: String,
    password: String,
) -> Result<tokens::TokenResponse, Problem> {
    // Reserved before anything is checked: parallel attempts count against the limit at once.
    let attempt = state
        .limiter
        .begin(&username, peer.ip())
        .map_err(|refused| {
            Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_sign_in_attempts",
                "Too many failed sign-ins: wait before trying again",
            )
            .retry_after(refused.retry_after)
        })?;
    if !attempt.delay().is_zero() {
        tokio::time::sleep(attempt.delay()).await;
    }
    let lookup = username;
    // A live account, or else the tombstone of a deleted one (`None` id): its password tells its
    // owner, and only its owner, that the account is gone.
    let account: Option<(Option<i64>, String)> = state
        .store
        .call(move |conn| {
            let live = conn
                .query_row(
                    "SELECT id, password_hash FROM accounts WHERE address = ?1",
                    [&lookup],
                    |r| Ok((Some(r.get(0)?), r.get(1)?)),
                )
                .optional()?;
            match live {
                Some(live) => Ok(Some(live)),
                None => Ok(crate::admin::deletion::deleted_sign_in(conn, &lookup)?
                    .map(|hash| (None, hash))),
            }
        })
        .await
        .map_err(|e: crate::store::StoreError| Problem::from(e))?;
    // argon2 on a blocking thread, outside the database lock; an unknown account costs the same.
    let (id, hash, gone) = match account {
        Some((id, hash)) => (id, hash, id.is_none()),
        None => (None, tokens::dummy_hash().to_string(), false),
    };
    let verified = match state.hashing.verify(password, hash).await {
        Ok(verified) => verified,
        Err(HashError::Busy) => {
            attempt.not_checked();
            return Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "sign_in_busy",
                "Too many sign-ins at once: try again in a moment",
            )
            .retry_after(1));
        }
        Err(HashError::Gone) => {
            attempt.not_checked();
            return Err(Problem::internal());
        }
    };
    if gone && verified {
        attempt.succeeded();
        return Err(Problem::account_deleted());
    }
    let Some(id) = id.filter(|_| verified) else {
        attempt.failed();
        return Err(invalid_grant());
    };
    attempt.succeeded();
    // A password sign-in is what step-up asks for: its time is the new family's auth_time.
    let (ttl, now) = (state.lifetimes(), state.clock.now_unix());
    state
        .store
        .call(move |conn| tokens::issue(conn, id, None, now, now, ttl).map_err(Problem::from))
        .await
}

/// RFC 7009: 200 whether or not the token was known, so that revocation reveals nothing.
pub async fn revoke(
    State(state): State<AppState>,
    body: JsonBody<RevokeRequest<'static>>,
) -> Result<Response, Problem> {
    let token = body.value.token.into_owned();
    state
        .store
        .call(move |conn| tokens::revoke(conn, &token).map_err(Problem::from))
        .await?;
    let mut response = StatusCode::OK.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
