//! The one module that speaks HTTP: the account API of `docs/api/openapi.yaml`, and nothing else.
//! Adapting the client to another server means changing this module (and the bodies it sends and
//! reads, which are spelled once in [`crate::wire`]).
//!
//! reqwest with rustls and the platform verifier (the OS trust store, so that a company's TLS
//! inspection CA is trusted like in the browser), ring as the crypto provider; connect timeout 5 s,
//! request timeout 15 s; the proxy from policy, else the system's; `https` only, except to
//! loopback (the reference server in development and tests). Every answer becomes a typed
//! [`ApiError`] or a typed value; nothing here logs a body, a token or a header value.
//!
//! - `error`: what can go wrong, typed, and how a non-success answer reads;
//! - `answers`: what a success answer becomes (tokens, the masked identity, the form's values).

mod answers;
mod error;

pub use answers::{consent_outdated, Fetched, RemoteIdentity, Tokens};
pub use error::{ApiError, SetupPart};

use super::types::{Account, Draft, Notice};
use crate::locale::Locale;
use crate::wire::{
    CodeConfirm, Identity, RevokeRequest, TokenRequest, TokenResponse, Verification,
    VerificationProof, VerificationStart,
};
use answers::{etag_of, form_values, identity, json};
use error::failure;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, IF_MATCH, IF_NONE_MATCH};
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
            // The proxy's own error is not kept: its message may quote the URL.
            let proxy = reqwest::Proxy::all(proxy).map_err(|_| ApiError::ClientSetup {
                part: SetupPart::Proxy,
                cause: "the proxy URL is not usable".into(),
            })?;
            builder = builder.proxy(proxy);
        }
        if !config.extra_roots.is_empty() {
            // Merged with the platform verifier's roots: the OS store stays in force.
            let roots = config
                .extra_roots
                .iter()
                .map(|der| reqwest::Certificate::from_der(der))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ApiError::client_setup(SetupPart::ExtraRoot, &e))?;
            builder = builder.tls_certs_merge(roots);
        }
        // Every failure here is TLS's: the platform verifier (the OS trust store, and on Windows a
        // certificate chain engine holding the extra roots) or the TLS configuration itself.
        let http = builder
            .build()
            .map_err(|e| ApiError::client_setup(SetupPart::Tls, &e))?;
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
        let bytes = read_capped(response, MAX_RESPONSE_BYTES).await?;
        Ok((status, headers, bytes))
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
            StatusCode::OK => Ok(Fetched::Fresh(Box::new(identity(
                &response_headers,
                &bytes,
            )?))),
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
        .await
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
        .await
    }

    /// `DELETE /v1/identity`; returns the new ETag.
    pub async fn delete_identity(
        &self,
        access: &str,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<Option<String>, ApiError> {
        let headers = write_headers(key, if_match)?;
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

    /// `POST /v1/identity/reconfirm`: the registered info is still right.
    pub async fn reconfirm(
        &self,
        access: &str,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<RemoteIdentity, ApiError> {
        self.write(
            Method::POST,
            "v1/identity/reconfirm",
            access,
            None,
            key,
            if_match,
        )
        .await
    }

    /// `POST /v1/identity/verifications`: sends a code for one channel's value (or the registered
    /// one). `key` makes a retry after a lost answer a replay, not a second message.
    pub async fn start_verification(
        &self,
        access: &str,
        start: &VerificationStart,
        key: &str,
    ) -> Result<Verification, ApiError> {
        let body = Zeroizing::new(
            serde_json::to_vec(start).map_err(|_| ApiError::BadResponse("request"))?,
        );
        let headers = write_headers(key, None)?;
        let (status, response_headers, bytes) = self
            .send(
                Method::POST,
                "v1/identity/verifications",
                Some(access),
                headers,
                Some(body.to_vec()),
            )
            .await?;
        if status == StatusCode::CREATED || status == StatusCode::OK {
            return json(&response_headers, &bytes);
        }
        Err(failure(status, &response_headers, &bytes))
    }

    /// `POST /v1/identity/verifications/{id}/resend`: a new code to the same destination.
    pub async fn resend_verification(
        &self,
        access: &str,
        id: &str,
    ) -> Result<Verification, ApiError> {
        let path = format!("v1/identity/verifications/{}/resend", path_segment(id)?);
        let (status, response_headers, bytes) = self
            .send(Method::POST, &path, Some(access), HeaderMap::new(), None)
            .await?;
        if status == StatusCode::OK {
            return json(&response_headers, &bytes);
        }
        Err(failure(status, &response_headers, &bytes))
    }

    /// `POST /v1/identity/verifications/{id}/confirm`: the code as typed; the answer holds the proof.
    pub async fn confirm_verification(
        &self,
        access: &str,
        id: &str,
        code: &str,
    ) -> Result<VerificationProof, ApiError> {
        let path = format!("v1/identity/verifications/{}/confirm", path_segment(id)?);
        let body = Zeroizing::new(
            serde_json::to_vec(&CodeConfirm {
                code: code.to_string(),
            })
            .map_err(|_| ApiError::BadResponse("request"))?,
        );
        let (status, response_headers, bytes) = self
            .send(
                Method::POST,
                &path,
                Some(access),
                HeaderMap::new(),
                Some(body.to_vec()),
            )
            .await?;
        let bytes = Zeroizing::new(bytes);
        if status == StatusCode::OK {
            return json(&response_headers, &bytes);
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
    ) -> Result<RemoteIdentity, ApiError> {
        let headers = write_headers(key, if_match)?;
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
            return identity(&response_headers, &bytes);
        }
        Err(failure(status, &response_headers, &bytes))
    }
}

/// The headers of every write: its idempotency key, and the version it is based on when known.
fn write_headers(key: &str, if_match: Option<&str>) -> Result<HeaderMap, ApiError> {
    let mut headers = HeaderMap::new();
    headers.insert("idempotency-key", header(key)?);
    if let Some(etag) = if_match {
        headers.insert(IF_MATCH, header(etag)?);
    }
    Ok(headers)
}

/// A verification id as a path segment: the contract's `[A-Za-z0-9_-]{1,64}`, anything else refused
/// rather than escaped (an id is the server's, never the user's).
fn path_segment(id: &str) -> Result<&str, ApiError> {
    let valid = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(id)
    } else {
        Err(ApiError::BadResponse("verification id"))
    }
}

fn header(value: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(value).map_err(|_| ApiError::BadResponse("header"))
}

/// The most a response body may hold. Every answer of the contract is a few kilobytes; a server
/// (or a proxy, or a captive portal) sending more must not make the app hold it all in memory.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Reads the body chunk by chunk and stops as soon as it passes `cap` (a `Content-Length` above
/// it stops before the first chunk): [`ApiError::ResponseTooLarge`].
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, ApiError> {
    if response
        .content_length()
        .is_some_and(|length| length > cap as u64)
    {
        return Err(ApiError::ResponseTooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > cap {
            return Err(ApiError::ResponseTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A failed request, by what the user can do about it: no connection at all ([`ApiError::Offline`]:
/// check the network), connected but nothing in time ([`ApiError::Timeout`]: wait), or connected
/// and the answer broke off ([`ApiError::CutOff`]).
fn transport(error: reqwest::Error) -> ApiError {
    if error.is_timeout() {
        ApiError::Timeout
    } else if error.is_builder() {
        ApiError::InvalidUrl
    } else if error.is_connect() {
        // Refused, no route, or the name did not resolve (hyper's connector reports all three).
        ApiError::Offline
    } else {
        // The connection was made: closed or reset before the answer or inside its body.
        ApiError::CutOff
    }
}

#[cfg(test)]
mod tests;
