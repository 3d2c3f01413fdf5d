//! What can go wrong with a request, typed for the sender to branch on, and how a non-success
//! answer (an RFC 9457 problem, or anything a proxy or a captive portal sends instead) reads.

use super::answers::etag_of;
use crate::identity::InputError;
use crate::wire::Problem;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::time::Duration;

/// What went wrong with a request. The variants are what the sync engine branches on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The base URL is not `https` (or loopback `http`).
    #[error("the server URL is not usable")]
    InvalidUrl,
    /// The HTTP client could not be set up: `part` says which part of the configuration, `cause`
    /// the library's or the OS's reason (configuration only: no URL, address or token is in it).
    #[error("the HTTP client could not be set up ({part}): {cause}")]
    ClientSetup { part: SetupPart, cause: String },
    /// No connection (refused, unreachable, DNS, or dropped before an answer).
    #[error("the server cannot be reached")]
    Offline,
    #[error("the server did not answer in time")]
    Timeout,
    /// 503.
    #[error("the server is unavailable")]
    Unavailable { retry_after: Option<Duration> },
    /// 429 `rate_limited`.
    #[error("too many requests")]
    RateLimited { retry_after: Option<Duration> },
    /// 429 `too_many_sign_in_attempts`.
    #[error("too many sign-in attempts")]
    TooManySignIns { retry_after: Option<Duration> },
    /// 401: the access token is missing, expired or revoked.
    #[error("unauthorized")]
    Unauthorized,
    /// 400 `invalid_grant`: wrong credentials, or a used/expired/revoked refresh token.
    #[error("invalid grant")]
    InvalidGrant,
    /// 412: the identity changed since `etag` we sent; `current` is the server's now.
    #[error("precondition failed")]
    PreconditionFailed { current: Option<String> },
    /// 422 `validation_failed`: the server's reasons, read back to where they point.
    #[error("validation failed")]
    Unprocessable { errors: Vec<InputError> },
    /// 409 (`consent_required`, `notice_outdated`, `idempotency_response_purged`).
    #[error("conflict: {code}")]
    Conflict { code: String },
    /// Another 4xx: the request itself is wrong; retrying will not help.
    #[error("refused: {status} {code}")]
    Refused { status: u16, code: String },
    /// 5xx other than 503.
    #[error("server error {status}")]
    Server { status: u16 },
    /// An answer that is not what the contract says (a captive portal's HTML, truncated JSON).
    #[error("unexpected answer: {0}")]
    BadResponse(&'static str),
}

/// The part of the client's configuration that could not be set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SetupPart {
    /// The proxy named by policy `proxy`.
    #[error("proxy")]
    Proxy,
    /// A certificate from policy `extra_root_ca`.
    #[error("extra root certificate")]
    ExtraRoot,
    /// TLS: the verifier over the OS trust store, with the extra roots when policy adds some.
    #[error("TLS verifier")]
    Tls,
}

impl ApiError {
    /// The client-setup failure of `part`, with the reasons `error` chains (the builder's own
    /// "builder error" wrapper left out).
    pub(super) fn client_setup(part: SetupPart, error: &reqwest::Error) -> ApiError {
        let mut reasons = Vec::new();
        let mut next = std::error::Error::source(error);
        while let Some(reason) = next {
            reasons.push(reason.to_string());
            next = reason.source();
        }
        if reasons.is_empty() {
            reasons.push(error.to_string());
        }
        ApiError::ClientSetup {
            part,
            cause: reasons.join(": "),
        }
    }

    /// Worth retrying later without the user: the network or the server's load.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Offline
                | ApiError::Timeout
                | ApiError::Unavailable { .. }
                | ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::BadResponse(_)
        )
    }

    /// The server's `Retry-After`, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Unavailable { retry_after }
            | ApiError::RateLimited { retry_after }
            | ApiError::TooManySignIns { retry_after } => *retry_after,
            _ => None,
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// A non-success answer, typed.
pub(super) fn failure(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> ApiError {
    let problem: Problem = serde_json::from_slice(bytes).unwrap_or_default();
    match status.as_u16() {
        401 => ApiError::Unauthorized,
        400 if problem.code == "invalid_grant" => ApiError::InvalidGrant,
        412 => ApiError::PreconditionFailed {
            current: etag_of(headers),
        },
        422 if problem.code == "validation_failed" => ApiError::Unprocessable {
            errors: problem
                .errors
                .iter()
                .map(InputError::from_problem_field)
                .collect(),
        },
        409 => ApiError::Conflict { code: problem.code },
        429 if problem.code == "too_many_sign_in_attempts" => ApiError::TooManySignIns {
            retry_after: retry_after(headers),
        },
        429 => ApiError::RateLimited {
            retry_after: retry_after(headers),
        },
        503 => ApiError::Unavailable {
            retry_after: retry_after(headers),
        },
        500..=599 => ApiError::Server {
            status: status.as_u16(),
        },
        300..=399 => ApiError::BadResponse("redirect"),
        s => ApiError::Refused {
            status: s,
            code: problem.code,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::answers::identity;
    use super::*;
    use reqwest::header::{HeaderValue, CONTENT_TYPE};

    #[test]
    fn failures_are_typed() {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(
            failure(StatusCode::SERVICE_UNAVAILABLE, &headers, b"{}"),
            ApiError::Unavailable {
                retry_after: Some(Duration::from_secs(2))
            }
        );
        assert_eq!(
            failure(
                StatusCode::UNPROCESSABLE_ENTITY,
                &HeaderMap::new(),
                br#"{"code":"validation_failed","errors":[{"field":"/email","code":"same_as_account"}]}"#
            ),
            ApiError::Unprocessable {
                errors: vec![InputError::from_problem_field(&crate::wire::ProblemField {
                    field: "/email".into(),
                    code: "same_as_account".into(),
                    params: Default::default(),
                })]
            }
        );
        assert!(matches!(
            failure(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>"),
            ApiError::Server { status: 502 }
        ));
        let mut html = HeaderMap::new();
        html.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        assert_eq!(
            identity(&html, b"<html></html>").err(),
            Some(ApiError::BadResponse("not JSON"))
        );
    }
}
