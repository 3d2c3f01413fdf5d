//! Conditional requests (RFC 9110 §13): `If-None-Match` on reads (304), `If-Match` on writes
//! (required on `PUT /v1/identity`: 428 without it, 412 when stale). A lost update is refused
//! rather than silently applied: the client then shows the user both versions.

use crate::problem::Problem;
use axum::http::{header, HeaderMap, StatusCode};

/// A parsed `If-Match`.
pub enum IfMatch {
    Any,
    Tags(Vec<String>),
}

impl IfMatch {
    /// Strong comparison: a weak tag never matches.
    pub fn matches(&self, etag: &str) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Tags(tags) => tags.iter().any(|t| t == etag),
        }
    }
}

/// `If-Match`, when present. An empty or unreadable one is refused (400 `invalid_precondition`)
/// rather than ignored: the client meant a condition, and guessing which is worse than asking.
pub fn if_match(headers: &HeaderMap) -> Result<Option<IfMatch>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let tags: Vec<String> = value
        .to_str()
        .unwrap_or("")
        .split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if tags.is_empty() {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_precondition",
            "The If-Match header is empty or unreadable",
        ));
    }
    if tags.iter().any(|t| t == "*") {
        return Ok(Some(IfMatch::Any));
    }
    Ok(Some(IfMatch::Tags(tags)))
}

/// `If-Match`, required.
pub fn require_if_match(headers: &HeaderMap) -> Result<IfMatch, Problem> {
    if_match(headers)?.ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "If-Match is required",
        )
        .detail("send the ETag of the version this change is based on (GET /v1/identity)")
    })
}

/// The 412 for a stale `If-Match`, with the current ETag so that the client can fetch and compare.
pub fn stale(current_etag: &str) -> Problem {
    Problem::new(
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
        "The info changed since this version",
    )
    .detail("the identity was changed elsewhere; fetch it and let the user choose")
    .etag(current_etag.to_string())
}

/// True when `If-None-Match` names `etag` (weak comparison) or is `*`.
pub fn none_match_hits(headers: &HeaderMap, etag: &str) -> bool {
    let Some(value) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.split(',').map(str::trim).any(|t| {
        t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag.strip_prefix("W/").unwrap_or(etag)
    })
}
