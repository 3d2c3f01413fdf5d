//! Conditional requests (RFC 9110 §13): `If-None-Match` on reads (304), `If-Match` on writes
//! (required on `PUT /v1/identity`: 428 without it or with `*`, 412 when stale). A lost update is
//! refused rather than silently applied: the client then shows the user both versions.

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

/// `If-Match`, required, naming a version. `*` only says "whatever is there", which is exactly
/// the blind overwrite the requirement exists to prevent: it is refused like a missing header
/// (428), so that a client cannot satisfy the rule without having read the version it changes.
pub fn require_if_match(headers: &HeaderMap) -> Result<IfMatch, Problem> {
    match if_match(headers)? {
        Some(IfMatch::Tags(tags)) => Ok(IfMatch::Tags(tags)),
        Some(IfMatch::Any) => Err(precondition_required().detail(
            "If-Match: * is not accepted here: send the ETag of the version this change is based \
             on (GET /v1/identity)",
        )),
        None => Err(precondition_required()
            .detail("send the ETag of the version this change is based on (GET /v1/identity)")),
    }
}

fn precondition_required() -> Problem {
    Problem::new(
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
        "If-Match with an ETag is required",
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_if_match(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_required_if_match_must_name_a_version() {
        let any = require_if_match(&with_if_match("*"))
            .err()
            .map(|p| p.code().to_string());
        assert_eq!(any.as_deref(), Some("precondition_required"));
        let mixed = require_if_match(&with_if_match("\"abc\", *"))
            .err()
            .map(|p| p.code().to_string());
        assert_eq!(mixed.as_deref(), Some("precondition_required"));
        assert!(require_if_match(&with_if_match("\"abc\"")).is_ok());
        // Where If-Match is optional (DELETE, consent), `*` keeps its RFC meaning.
        assert!(matches!(
            if_match(&with_if_match("*")),
            Ok(Some(IfMatch::Any))
        ));
    }
}
