//! The one module that speaks HTTP: the account API of `docs/api/openapi.yaml`, and nothing else.
//! Adapting the client to another server means changing this file.
//!
//! reqwest with rustls and the platform verifier (the OS trust store, so that a company's TLS
//! inspection CA is trusted like in the browser), ring as the crypto provider; connect timeout 5 s,
//! request timeout 15 s; the proxy from policy, else the system's; `https` only, except to
//! loopback (the reference server in development and tests). Every answer becomes a typed
//! [`ApiError`] or a typed value; nothing here logs a body, a token or a header value.

use super::types::{Account, ConsentView, Draft, IdentityInput, MaskedInfo, Notice};
use crate::email::mask_email;
use crate::identity::InputError;
use crate::locale::Locale;
use crate::phone::{check_phone, mask::mask_formatted, mask_phone, PhoneMode};
use crate::wire::{Identity, Problem, RevokeRequest, TokenRequest, TokenResponse};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH};
use reqwest::{Method, StatusCode, Url};
use rustls::pki_types::CertificateDer;
use std::borrow::Cow;
use std::time::Duration;
use zeroize::Zeroizing;

/// How the client is built.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub base_url: String,
    pub app_version: String,
    pub os: String,
    /// A proxy URL from policy; `None` uses the system's.
    pub proxy: Option<String>,
    /// Root certificates trusted in addition to the OS store (policy `extra_root_ca`, read by
    /// [`crate::sync::trust`]).
    pub extra_roots: Vec<CertificateDer<'static>>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ApiConfig {
    pub fn new(base_url: &str, app_version: &str, os: &str) -> ApiConfig {
        ApiConfig {
            base_url: base_url.to_string(),
            app_version: app_version.to_string(),
            os: os.to_string(),
            proxy: None,
            extra_roots: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
        }
    }
}

/// What went wrong with a request. The variants are what the sync engine branches on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The base URL is not `https` (or loopback `http`), or the client could not be built.
    #[error("the server URL is not usable")]
    InvalidUrl,
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

impl ApiError {
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

/// A token pair. No `Debug` that shows a token.
pub struct Tokens {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    /// The access token's lifetime, when the server said it (the contract requires it; an answer
    /// without it still signs in, and the token is then not kept between runs).
    pub expires_in: Option<Duration>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(…)")
    }
}

impl From<TokenResponse> for Tokens {
    fn from(answer: TokenResponse) -> Tokens {
        Tokens {
            access_token: Zeroizing::new(answer.access_token),
            refresh_token: Zeroizing::new(answer.refresh_token),
            expires_in: answer.expires_in.map(Duration::from_secs),
        }
    }
}

/// The identity as the server sent it, already masked: raw values never leave this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteIdentity {
    pub consent: ConsentView,
    pub info: Option<MaskedInfo>,
    pub updated_at: Option<String>,
    pub etag: Option<String>,
}

impl RemoteIdentity {
    /// The answer masked for the snapshot and the screens.
    fn masked(identity: Identity, etag: Option<String>) -> RemoteIdentity {
        let phone = identity.phone.as_ref().map(|p| {
            // The number's own country gives its national format, whatever mode it was typed in.
            let own_country = PhoneMode::Overseas {
                country: Some(p.country.clone()),
            };
            match check_phone(&p.e164, &own_country) {
                Ok(valid) => mask_phone(&valid),
                Err(_) => mask_formatted(&p.e164),
            }
        });
        let info = (identity.email.is_some() || phone.is_some()).then(|| MaskedInfo {
            email: identity.email.as_deref().map(mask_email),
            phone,
            phone_country: identity.phone.as_ref().map(|p| p.country.clone()),
            overseas: identity.phone.as_ref().is_some_and(|p| p.overseas),
        });
        RemoteIdentity {
            consent: identity.consent.into(),
            info,
            updated_at: Some(identity.updated_at),
            etag,
        }
    }
}

/// The registered values as the form shows them: the phone in its national format, the way a
/// person types it, with the overseas toggle and country it was registered with.
fn form_values(identity: Identity) -> Draft {
    let (phone, overseas, country) = match identity.phone {
        Some(p) => {
            let mode = PhoneMode::for_form(p.overseas, Some(&p.country));
            let shown = check_phone(&p.e164, &mode)
                .map(|valid| valid.national)
                .unwrap_or(p.e164);
            (shown, p.overseas, p.overseas.then_some(p.country))
        }
        None => (String::new(), false, None),
    };
    Draft {
        input: IdentityInput {
            email: identity.email.unwrap_or_default(),
            phone,
            overseas,
            country,
        },
        focus: None,
        caret: None,
    }
}

/// What a conditional read found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: what the client has is current.
    NotModified,
    Fresh(RemoteIdentity),
}

/// The account API client.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
}

/// True for `http` to a loopback host, the one place plain HTTP is allowed.
fn loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl ApiClient {
    pub fn new(config: &ApiConfig) -> Result<ApiClient, ApiError> {
        // reqwest is built without a bundled provider: ring is ours (an error means one is set).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut base = Url::parse(config.base_url.trim()).map_err(|_| ApiError::InvalidUrl)?;
        let allowed = match base.scheme() {
            "https" => true,
            "http" => loopback(&base),
            _ => false,
        };
        if !allowed || base.cannot_be_a_base() {
            return Err(ApiError::InvalidUrl);
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(format!(
                "mail-identity/{} ({})",
                config.app_version, config.os
            ))
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!loopback(&base));
        if let Some(proxy) = &config.proxy {
            builder = builder.proxy(reqwest::Proxy::all(proxy).map_err(|_| ApiError::InvalidUrl)?);
        }
        if !config.extra_roots.is_empty() {
            // Merged with the platform verifier's roots: the OS store stays in force.
            let roots = config
                .extra_roots
                .iter()
                .map(|der| reqwest::Certificate::from_der(der))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| ApiError::InvalidUrl)?;
            builder = builder.tls_certs_merge(roots);
        }
        let http = builder.build().map_err(|_| ApiError::InvalidUrl)?;
        Ok(ApiClient { http, base })
    }

    fn url(&self, path: &str) -> Result<Url, ApiError> {
        self.base.join(path).map_err(|_| ApiError::InvalidUrl)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        access: Option<&str>,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), ApiError> {
        let mut request = self.http.request(method, self.url(path)?).headers(headers);
        if let Some(token) = access {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(transport)?;
        Ok((status, headers, bytes.to_vec()))
    }

    /// Password sign-in.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Tokens, ApiError> {
        self.token(&TokenRequest::password(username, password))
            .await
    }

    /// Rotates the refresh token (single use: the answer carries the next one).
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, ApiError> {
        self.token(&TokenRequest::refresh(refresh_token)).await
    }

    async fn token(&self, request: &TokenRequest<'_>) -> Result<Tokens, ApiError> {
        let body = Zeroizing::new(
            serde_json::to_vec(request).map_err(|_| ApiError::BadResponse("request"))?,
        );
        let (status, headers, bytes) = self
            .send(
                Method::POST,
                "v1/auth/token",
                None,
                HeaderMap::new(),
                Some(body.to_vec()),
            )
            .await?;
        let bytes = Zeroizing::new(bytes);
        if status == StatusCode::OK {
            let answer: TokenResponse = json(&headers, &bytes)?;
            return Ok(answer.into());
        }
        Err(failure(status, &headers, &bytes))
    }

    /// Revokes a token (its whole sign-in for a refresh token). Unknown tokens are fine.
    pub async fn revoke(&self, token: &str) -> Result<(), ApiError> {
        let request = RevokeRequest {
            token: Cow::Borrowed(token),
            token_type_hint: None,
        };
        let body = Zeroizing::new(
            serde_json::to_vec(&request).map_err(|_| ApiError::BadResponse("request"))?,
        );
        let (status, headers, bytes) = self
            .send(
                Method::POST,
                "v1/auth/revoke",
                None,
                HeaderMap::new(),
                Some(body.to_vec()),
            )
            .await?;
        if status.is_success() {
            return Ok(());
        }
        Err(failure(status, &headers, &bytes))
    }

    /// The signed-in account.
    pub async fn me(&self, access: &str) -> Result<Account, ApiError> {
        let (status, headers, bytes) = self
            .send(Method::GET, "v1/me", Some(access), HeaderMap::new(), None)
            .await?;
        if status == StatusCode::OK {
            return json(&headers, &bytes);
        }
        Err(failure(status, &headers, &bytes))
    }

    /// The current consent notice.
    pub async fn notice(&self, locale: Locale) -> Result<Notice, ApiError> {
        let path = format!("v1/identity/notice?locale={}", locale.tag());
        let (status, headers, bytes) = self
            .send(Method::GET, &path, None, HeaderMap::new(), None)
            .await?;
        if status == StatusCode::OK {
            return json(&headers, &bytes);
        }
        Err(failure(status, &headers, &bytes))
    }

    /// `GET /v1/identity`, conditional on `known` (the ETag the client has).
    pub async fn identity(&self, access: &str, known: Option<&str>) -> Result<Fetched, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(etag) = known {
            headers.insert(IF_NONE_MATCH, header(etag)?);
        }
        let (status, response_headers, bytes) = self
            .send(Method::GET, "v1/identity", Some(access), headers, None)
            .await?;
        match status {
            StatusCode::NOT_MODIFIED => Ok(Fetched::NotModified),
            StatusCode::OK => Ok(Fetched::Fresh(identity(&response_headers, &bytes)?)),
            _ => Err(failure(status, &response_headers, &bytes)),
        }
    }

    /// `GET /v1/identity` for the change form: the registered values themselves, to prefill the
    /// form in memory. Never kept anywhere but in the encrypted draft the user then edits.
    pub async fn current_values(&self, access: &str) -> Result<Draft, ApiError> {
        let (status, response_headers, bytes) = self
            .send(
                Method::GET,
                "v1/identity",
                Some(access),
                HeaderMap::new(),
                None,
            )
            .await?;
        if status != StatusCode::OK {
            return Err(failure(status, &response_headers, &bytes));
        }
        let identity: Identity = json(&response_headers, &bytes)?;
        Ok(form_values(identity))
    }

    /// `PUT /v1/identity/consent` with the exact body queued.
    pub async fn put_consent(
        &self,
        access: &str,
        body: &[u8],
        key: &str,
        if_match: Option<&str>,
    ) -> Result<RemoteIdentity, ApiError> {
        self.write(
            Method::PUT,
            "v1/identity/consent",
            access,
            Some(body),
            key,
            if_match,
        )
        .await?
        .ok_or(ApiError::BadResponse("no body"))
    }

    /// `PUT /v1/identity` with the exact body queued.
    pub async fn put_identity(
        &self,
        access: &str,
        body: &[u8],
        key: &str,
        if_match: &str,
    ) -> Result<RemoteIdentity, ApiError> {
        self.write(
            Method::PUT,
            "v1/identity",
            access,
            Some(body),
            key,
            Some(if_match),
        )
        .await?
        .ok_or(ApiError::BadResponse("no body"))
    }

    /// `DELETE /v1/identity`; returns the new ETag.
    pub async fn delete_identity(
        &self,
        access: &str,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert("idempotency-key", header(key)?);
        if let Some(etag) = if_match {
            headers.insert(IF_MATCH, header(etag)?);
        }
        let (status, response_headers, bytes) = self
            .send(Method::DELETE, "v1/identity", Some(access), headers, None)
            .await?;
        if status == StatusCode::NO_CONTENT {
            return Ok(etag_of(&response_headers));
        }
        if status.is_success() {
            // A captive portal answers 200 with a page: not the contract's 204.
            return Err(ApiError::BadResponse("not 204"));
        }
        Err(failure(status, &response_headers, &bytes))
    }

    async fn write(
        &self,
        method: Method,
        path: &str,
        access: &str,
        body: Option<&[u8]>,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<Option<RemoteIdentity>, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert("idempotency-key", header(key)?);
        if let Some(etag) = if_match {
            headers.insert(IF_MATCH, header(etag)?);
        }
        let (status, response_headers, bytes) = self
            .send(
                method,
                path,
                Some(access),
                headers,
                body.map(<[u8]>::to_vec),
            )
            .await?;
        if status == StatusCode::OK {
            return Ok(Some(identity(&response_headers, &bytes)?));
        }
        Err(failure(status, &response_headers, &bytes))
    }
}

fn header(value: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(value).map_err(|_| ApiError::BadResponse("header"))
}

fn etag_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn transport(error: reqwest::Error) -> ApiError {
    if error.is_timeout() {
        ApiError::Timeout
    } else if error.is_builder() {
        ApiError::InvalidUrl
    } else {
        // Refused, unreachable, reset, or closed before an answer: the same to the user.
        ApiError::Offline
    }
}

/// A success body: JSON by content type and by parse, else a [`ApiError::BadResponse`].
fn json<T: serde::de::DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> Result<T, ApiError> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::BadResponse("not JSON"));
    }
    serde_json::from_slice(bytes).map_err(|_| ApiError::BadResponse("malformed JSON"))
}

fn identity(headers: &HeaderMap, bytes: &[u8]) -> Result<RemoteIdentity, ApiError> {
    let body: Identity = json(headers, bytes)?;
    let etag = etag_of(headers);
    if etag.is_none() {
        return Err(ApiError::BadResponse("no ETag"));
    }
    Ok(RemoteIdentity::masked(body, etag))
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// A non-success answer, typed.
fn failure(status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> ApiError {
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
    use super::*;

    fn client(url: &str) -> Result<ApiClient, ApiError> {
        ApiClient::new(&ApiConfig::new(url, "0.1.0", "linux"))
    }

    #[test]
    fn https_only_except_loopback() {
        assert!(client("https://mail.example.com").is_ok());
        assert!(client("http://127.0.0.1:8787").is_ok());
        assert!(client("http://localhost:8787/api").is_ok());
        assert!(client("http://[::1]:8787").is_ok());
        assert_eq!(
            client("http://mail.example.com").err(),
            Some(ApiError::InvalidUrl)
        );
        assert_eq!(client("ftp://127.0.0.1").err(), Some(ApiError::InvalidUrl));
        assert_eq!(client("not a url").err(), Some(ApiError::InvalidUrl));
    }

    #[test]
    fn a_base_path_is_kept() {
        let api = client("https://mail.example.com/account").unwrap();
        assert_eq!(
            api.url("v1/identity").unwrap().as_str(),
            "https://mail.example.com/account/v1/identity"
        );
    }

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
