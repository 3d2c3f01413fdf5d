//! What can go wrong with a request, typed for the sender to branch on, and how a non-success
//! answer (an RFC 9457 problem, or anything a proxy or a captive portal sends instead) reads.

use super::answers::etag_of;
use crate::identity::InputError;
use crate::sync::types::Unreachable;
use crate::wire::{Channel, Problem};
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
    /// No connection: refused, no route, or the name did not resolve.
    #[error("the server cannot be reached")]
    Offline,
    /// Connected, but no complete answer within the request timeout.
    #[error("the server did not answer in time")]
    Timeout,
    /// Connected, but the answer broke off: the connection closed or reset before the answer or in
    /// the middle of its body, or a JSON body ended early.
    #[error("the answer was cut off")]
    CutOff,
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
    /// 401 with `WWW-Authenticate: Bearer error="insufficient_user_authentication"` (RFC 9470):
    /// the token is valid but the password was entered too long ago for this request. Not a
    /// token renewal (a refresh does not count as entering the password) and not a sign-out:
    /// the password is asked for again and the request repeated.
    #[error("step-up required")]
    StepUpRequired { max_age: Option<u64> },
    /// 422 `verification_required`: the write's new or changed values (these channels) need the
    /// proof of a confirmed code.
    #[error("verification required")]
    VerificationRequired { channels: Vec<Channel> },
    /// 422 `code_incorrect`: a wrong code; `attempts_left` tries remain.
    #[error("code incorrect")]
    CodeIncorrect { attempts_left: u32 },
    /// 410 `account_deleted`: the organisation deleted the account this token or password is for.
    /// Final: see `sync::account_gone`.
    #[error("account deleted")]
    AccountDeleted,
    /// 410 `code_expired` (3 minutes passed) or `code_exhausted` (5 wrong tries): send a new code.
    #[error("code gone: {code}")]
    CodeGone { code: String },
    /// 404 (`verification_not_found`: unknown, another account's, or already confirmed).
    #[error("not found: {code}")]
    NotFound { code: String },
    /// 429 `verification_rate_limited` or `resend_too_soon`: sending a code is capped for a while.
    #[error("sending limited: {code}")]
    SendLimited {
        code: String,
        retry_after: Option<Duration>,
    },
    /// 503 `sender_not_configured` or `sender_failed`: the server cannot send this channel's
    /// code now. Not retried on its own (an SMS costs money and the cause is the server's setup):
    /// the code screen says why and 다시 받기 tries again.
    #[error("sender unavailable: {code}")]
    SenderUnavailable {
        code: String,
        retry_after: Option<Duration>,
    },
    /// 400 `invalid_grant`: wrong credentials, or a used/expired/revoked refresh token.
    #[error("invalid grant")]
    InvalidGrant,
    /// 412: the identity changed since `etag` we sent; `current` is the server's now.
    #[error("precondition failed")]
    PreconditionFailed { current: Option<String> },
    /// 422 `validation_failed`: the server's reasons, read back to where they point.
    #[error("validation failed")]
    Unprocessable { errors: Vec<InputError> },
    /// 409 (`consent_required`, `consent_outdated`, `notice_outdated`, `no_info`,
    /// `idempotency_response_purged`).
    #[error("conflict: {code}")]
    Conflict { code: String },
    /// Another 4xx: the request itself is wrong; retrying will not help.
    #[error("refused: {status} {code}")]
    Refused { status: u16, code: String },
    /// 5xx other than 503.
    #[error("server error {status}")]
    Server { status: u16 },
    /// An answer that is not what the contract says (a captive portal's HTML, JSON of another shape).
    #[error("unexpected answer: {0}")]
    BadResponse(&'static str),
    /// The answer's body passed [`super::MAX_RESPONSE_BYTES`]: reading stopped there. A fault of
    /// the server (or of something in between), retried with backoff like a 5xx.
    #[error("the answer is too large")]
    ResponseTooLarge,
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
                | ApiError::CutOff
                | ApiError::Unavailable { .. }
                | ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::BadResponse(_)
                | ApiError::ResponseTooLarge
        )
    }

    /// Why the server could not be asked, when this failure says so; `None` when the server (or
    /// something speaking HTTP for it) answered.
    pub fn unreachable(&self) -> Option<Unreachable> {
        match self {
            ApiError::Offline => Some(Unreachable::Offline),
            ApiError::Timeout => Some(Unreachable::NotAnswering),
            ApiError::CutOff => Some(Unreachable::CutOff),
            _ => None,
        }
    }

    /// The server's `Retry-After`, when it gave one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Unavailable { retry_after }
            | ApiError::RateLimited { retry_after }
            | ApiError::TooManySignIns { retry_after }
            | ApiError::SendLimited { retry_after, .. }
            | ApiError::SenderUnavailable { retry_after, .. } => *retry_after,
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

/// The RFC 9470 step-up challenge of a 401, if it is one: `Some(max_age)` when a `Bearer`
/// challenge says `error="insufficient_user_authentication"` (`max_age` as given, if any).
///
/// Read from the header, not the problem body: the header is the standard, and a proxy that
/// replaces the body keeps it.
pub(crate) fn step_up_challenge(headers: &HeaderMap) -> Option<Option<u64>> {
    headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(parse_step_up)
}

/// One `WWW-Authenticate` value: `Bearer error="insufficient_user_authentication", max_age=300`
/// (parameters in any order, values quoted or not, the scheme in any case).
fn parse_step_up(value: &str) -> Option<Option<u64>> {
    let rest = value.trim_start();
    let (scheme, params) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut step_up = false;
    let mut max_age = None;
    for param in params.split(',') {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "error" => step_up = value == "insufficient_user_authentication",
            "max_age" => max_age = value.parse::<u64>().ok(),
            _ => {}
        }
    }
    step_up.then_some(max_age)
}

/// The channels a `verification_required` problem names (`/email`, `/phone`).
fn unverified_channels(problem: &Problem) -> Vec<Channel> {
    let mut channels: Vec<Channel> = problem
        .errors
        .iter()
        .filter_map(|e| match e.field.as_str() {
            "/email" => Some(Channel::Email),
            f if f == "/phone" || f.starts_with("/phone/") => Some(Channel::Phone),
            _ => None,
        })
        .collect();
    channels.sort();
    channels.dedup();
    channels
}

/// A non-success answer, typed.
pub(super) fn failure(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> ApiError {
    let problem: Problem = serde_json::from_slice(bytes).unwrap_or_default();
    match status.as_u16() {
        401 => match step_up_challenge(headers) {
            Some(max_age) => ApiError::StepUpRequired {
                max_age: max_age.or(problem.max_age),
            },
            None => ApiError::Unauthorized,
        },
        400 if problem.code == "invalid_grant" => ApiError::InvalidGrant,
        422 if problem.code == "verification_required" => ApiError::VerificationRequired {
            channels: unverified_channels(&problem),
        },
        422 if problem.code == "code_incorrect" => ApiError::CodeIncorrect {
            attempts_left: problem.attempts_left.unwrap_or(0),
        },
        410 if problem.code == "account_deleted" => ApiError::AccountDeleted,
        410 => ApiError::CodeGone { code: problem.code },
        404 => ApiError::NotFound { code: problem.code },
        429 if problem.code == "verification_rate_limited" || problem.code == "resend_too_soon" => {
            ApiError::SendLimited {
                code: problem.code,
                retry_after: retry_after(headers),
            }
        }
        503 if problem.code == "sender_not_configured" || problem.code == "sender_failed" => {
            ApiError::SenderUnavailable {
                code: problem.code,
                retry_after: retry_after(headers),
            }
        }
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

    #[test]
    fn the_step_up_challenge_is_read_in_any_spelling() {
        let read = super::parse_step_up;
        assert_eq!(
            read(r#"Bearer error="insufficient_user_authentication", max_age=300"#),
            Some(Some(300))
        );
        assert_eq!(
            read(r#"bearer max_age="60",error=insufficient_user_authentication"#),
            Some(Some(60))
        );
        assert_eq!(
            read(r#"Bearer error="insufficient_user_authentication""#),
            Some(None)
        );
        assert_eq!(read(r#"Bearer error="invalid_token""#), None);
        assert_eq!(read(r#"Basic realm="x""#), None);
        assert_eq!(read("Bearer"), None);
    }
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
        let mut challenge = HeaderMap::new();
        challenge.insert(
            reqwest::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(
                r#"Bearer error="insufficient_user_authentication", max_age=300"#,
            ),
        );
        assert_eq!(
            failure(StatusCode::UNAUTHORIZED, &challenge, b"{}"),
            ApiError::StepUpRequired { max_age: Some(300) }
        );
        let mut expired = HeaderMap::new();
        expired.insert(
            reqwest::header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer error="invalid_token""#),
        );
        assert_eq!(
            failure(StatusCode::UNAUTHORIZED, &expired, b"{}"),
            ApiError::Unauthorized
        );
        assert_eq!(
            failure(
                StatusCode::UNPROCESSABLE_ENTITY,
                &HeaderMap::new(),
                br#"{"code":"verification_required","errors":[{"field":"/phone","code":"unverified"},{"field":"/email","code":"unverified"}]}"#
            ),
            ApiError::VerificationRequired {
                channels: vec![Channel::Email, Channel::Phone]
            }
        );
        assert_eq!(
            failure(
                StatusCode::UNPROCESSABLE_ENTITY,
                &HeaderMap::new(),
                br#"{"code":"code_incorrect","attempts_left":3}"#
            ),
            ApiError::CodeIncorrect { attempts_left: 3 }
        );
        assert_eq!(
            failure(
                StatusCode::TOO_MANY_REQUESTS,
                &headers,
                br#"{"code":"resend_too_soon"}"#
            ),
            ApiError::SendLimited {
                code: "resend_too_soon".into(),
                retry_after: Some(Duration::from_secs(2))
            }
        );
        let mut html = HeaderMap::new();
        html.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        assert_eq!(
            identity(&html, b"<html></html>").err(),
            Some(ApiError::BadResponse("not JSON"))
        );
    }
}
