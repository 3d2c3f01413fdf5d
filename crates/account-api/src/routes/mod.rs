//! The HTTP surface: one module per area, all assembled here. The paths and methods are the ones
//! in `docs/api/openapi.yaml`; a test checks that the two agree.

mod admin;
mod auth;
mod consent;
mod identity;
mod me;
mod notice;
mod reconfirm;
mod test_support;

use crate::idempotency::Reply;
use crate::problem::Problem;
use crate::state::AppState;
use crate::verification::routes as verification;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use mail_identity_core::wire::{ConsentState, Identity};

/// Every route of the contract: (path, methods). The router is built from the handlers below, and
/// this table is what the contract test compares with the OpenAPI document and what 405 answers
/// name in `Allow`.
pub const ROUTES: &[(&str, &[&str])] = &[
    ("/v1/auth/token", &["POST"]),
    ("/v1/auth/revoke", &["POST"]),
    ("/v1/me", &["GET"]),
    ("/v1/identity/notice", &["GET"]),
    ("/v1/identity", &["GET", "PUT", "DELETE"]),
    ("/v1/identity/consent", &["PUT"]),
    ("/v1/identity/verifications", &["POST"]),
    ("/v1/identity/verifications/{id}/resend", &["POST"]),
    ("/v1/identity/verifications/{id}/confirm", &["POST"]),
    ("/v1/identity/reconfirm", &["POST"]),
    ("/v1/admin/account-deletions", &["POST"]),
    ("/v1/admin/report", &["GET"]),
    ("/v1/admin/audit", &["GET"]),
];

/// The application router; the `/_test/*` endpoints only in fault mode.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/v1/auth/token", post(auth::token))
        .route("/v1/auth/revoke", post(auth::revoke))
        .route("/v1/me", get(me::me))
        .route("/v1/identity/notice", get(notice::notice))
        .route(
            "/v1/identity",
            get(identity::get)
                .put(identity::put)
                .delete(identity::delete),
        )
        .route("/v1/identity/consent", put(consent::put))
        .route("/v1/identity/verifications", post(verification::start))
        .route(
            "/v1/identity/verifications/{id}/resend",
            post(verification::resend),
        )
        .route(
            "/v1/identity/verifications/{id}/confirm",
            post(verification::confirm),
        )
        .route("/v1/identity/reconfirm", post(reconfirm::post))
        .route("/v1/admin/account-deletions", post(admin::delete_account))
        .route("/v1/admin/report", get(admin::report))
        .route("/v1/admin/audit", get(admin::audit_trail));
    if state.faults.is_some() {
        router = router.merge(test_support::routes());
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found() -> Problem {
    Problem::not_found()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let _ = method;
    let mut response = Problem::method_not_allowed().into_response();
    if let Some((_, methods)) = ROUTES.iter().find(|(path, _)| *path == uri.path()) {
        let mut allow = methods.join(", ");
        if methods.contains(&"GET") {
            allow.push_str(", HEAD");
        }
        if let Ok(value) = HeaderValue::from_str(&allow) {
            response.headers_mut().insert(header::ALLOW, value);
        }
    }
    response
}

/// Identity writes, verifications and re-confirmations need consent agreed on the notice in force:
/// `409 consent_required` without it, `409 consent_outdated` when it was agreed on another version.
pub(crate) fn require_consent(identity: &Identity) -> Result<(), Problem> {
    if identity.consent.state != ConsentState::Agreed {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "consent_required",
            "The info can be registered only after agreeing to the notice",
        )
        .detail("PUT /v1/identity/consent with decision agreed first"));
    }
    if identity.consent_outdated() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "consent_outdated",
            "The consent was given on an earlier notice",
        )
        .detail("show the current notice and record a decision on it first"));
    }
    Ok(())
}

/// The language of a mail that answers this request: English when `Accept-Language` prefers it,
/// Korean otherwise.
pub(crate) fn mail_locale(headers: &axum::http::HeaderMap) -> mail_identity_core::locale::Locale {
    use mail_identity_core::locale::Locale;
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|tag| Locale::from_tag(tag.split(';').next().unwrap_or("").trim()))
        .unwrap_or(Locale::Ko)
}

/// A JSON response that is never cached: every body of this API is about one signed-in person.
pub fn json(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Some(body) => json(self.status, body),
            None => {
                let mut r = self.status.into_response();
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            }
        };
        let headers = response.headers_mut();
        if let Some(etag) = self.etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
            headers.insert(header::ETAG, etag);
        }
        if self.replayed {
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

/// The audit log's name for the client of a request.
pub(crate) fn client(headers: &axum::http::HeaderMap) -> String {
    crate::audit::client_name(
        headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    )
}
