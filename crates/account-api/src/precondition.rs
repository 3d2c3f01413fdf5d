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

/// `If-Match`, when present.
pub fn if_match(headers: &HeaderMap) -> Option<IfMatch> {
    let value = headers.get(header::IF_MATCH)?.to_str().ok().unwrap_or("");
    if value.trim() == "*" {
        return Some(IfMatch::Any);
    }
    Some(IfMatch::Tags(
        value
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
    ))
}

/// `If-Match`, required.
pub fn require_if_match(headers: &HeaderMap) -> Result<IfMatch, Problem> {
    if_match(headers).ok_or_else(|| {
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
