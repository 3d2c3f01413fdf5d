//! Every error the API answers with: `application/problem+json` (RFC 9457) with a stable `code`.
//!
//! Clients branch on `code` (and on `errors[].code` for fields), never on `title` or `detail`, which
//! are for people and may be reworded. A problem never carries the submitted values: a field error
//! names the field and the reason, so that no e-mail address or phone number is echoed into a log,
//! a proxy's error page or a crash report.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mail_identity_core::wire;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem with this API's extensions (`code`, `errors`, and OAuth's `error` on the
/// token endpoints), as [`wire::Problem`] spells it, with the headers that travel beside it.
/// Boxed: it travels in every `Result` of the request path, which stays small.
#[derive(Debug, Clone)]
pub struct Problem(Box<Body>);

#[derive(Debug, Clone)]
struct Body {
    problem: wire::Problem,
    retry_after: Option<u64>,
    www_authenticate: Option<String>,
    etag: Option<String>,
}

impl Problem {
    /// A problem with `status`, a stable `code` and a human `title`.
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Self {
        Problem(Box::new(Body {
            problem: wire::Problem {
                type_uri: format!("https://mail-identity.invalid/problems/{code}"),
                title: title.to_string(),
                status: status.as_u16(),
                code: code.to_string(),
                detail: None,
                errors: Vec::new(),
                error: None,
                attempts_left: None,
                max_age: None,
            },
            retry_after: None,
            www_authenticate: None,
            etag: None,
        }))
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.0.problem.detail = Some(detail.into());
        self
    }

    pub fn errors(mut self, errors: Vec<wire::ProblemField>) -> Self {
        self.0.problem.errors = errors;
        self
    }

    pub fn oauth_error(mut self, error: &'static str) -> Self {
        self.0.problem.error = Some(error.to_string());
        self
    }

    /// On `code_incorrect`: the tries the code has left.
    pub fn attempts_left(mut self, left: u32) -> Self {
        self.0.problem.attempts_left = Some(left);
        self
    }

    /// On `step_up_required`: the seconds a password stays recent.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.0.problem.max_age = Some(seconds);
        self
    }

    /// Adds `Retry-After` (seconds): 429 and 503 always carry it.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.0.retry_after = Some(seconds.max(1));
        self
    }

    /// Adds `WWW-Authenticate`: every 401 carries it (RFC 9110 §11.6.1, RFC 6750 §3).
    pub fn www_authenticate(mut self, challenge: String) -> Self {
        self.0.www_authenticate = Some(challenge);
        self
    }

    /// Adds the current `ETag` (on 412, so that the client knows what it is behind).
    pub fn etag(mut self, etag: String) -> Self {
        self.0.etag = Some(etag);
        self
    }

    /// The stable code, for the server's own decisions and tests.
    pub fn code(&self) -> &str {
        &self.0.problem.code
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    // The catalogue of problems, one constructor per stable code, so that a code is spelled once.

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "The request could not be read",
        )
        .detail(detail)
    }

    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "The body is not valid JSON",
        )
        .detail(detail)
    }

    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "The body does not match the schema",
        )
        .detail(detail)
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "The body must be application/json",
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The body is too large",
        )
        .detail(format!("bodies are limited to {limit} bytes"))
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "No such resource")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method not allowed",
        )
    }

    /// 401 for a missing, malformed, expired or revoked access token (RFC 6750 §3.1).
    pub fn unauthorized(error: Option<&'static str>, detail: &'static str) -> Self {
        let challenge = match error {
            Some(e) => format!(
                "Bearer realm=\"mail-identity\", error=\"{e}\", error_description=\"{detail}\""
            ),
            None => "Bearer realm=\"mail-identity\"".to_string(),
        };
        let mut p = Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication is required",
        )
        .detail(detail)
        .www_authenticate(challenge);
        p.0.problem.error = error.map(str::to_string);
        p
    }

    /// 410: the account this token, sign-in or request is about was deleted by IT. Everything the
    /// app keeps for it is to be wiped; nothing is to be sent again.
    pub fn account_deleted() -> Self {
        Self::new(
            StatusCode::GONE,
            "account_deleted",
            "This account was deleted by the organisation",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "The server failed to handle the request",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(mut self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self.0.problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.0.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(etag) = self
            .0
            .etag
            .take()
            .and_then(|e| HeaderValue::from_str(&e).ok())
        {
            headers.insert(header::ETAG, etag);
        }
        if let Some(challenge) = self.0.www_authenticate.take() {
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                headers.insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// A storage failure becomes a 500 whose body says nothing about the data; the cause is logged
/// without parameters (rusqlite errors name SQL, not bound values).
impl From<rusqlite::Error> for Problem {
    fn from(error: rusqlite::Error) -> Self {
        crate::store::StoreError::from(error).into()
    }
}

impl From<crate::store::StoreError> for Problem {
    fn from(error: crate::store::StoreError) -> Self {
        tracing::error!(%error, "storage failure");
        Problem::internal()
    }
}
