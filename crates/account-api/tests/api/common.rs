//! A server on a free loopback port with a fresh database, and a small HTTP client for it.
#![allow(dead_code)]

use account_api::{Config, FaultSpec, ServerHandle};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;

pub const PASSWORD: &str = account_api::demo::DEMO_PASSWORD;
pub const REGISTERED: &str = "registered@corp.example";
pub const PENDING: &str = "pending@corp.example";
pub const REFUSED: &str = "refused@corp.example";
pub const OVERSEAS: &str = "overseas@corp.example";
pub const OUTDATED: &str = "outdated@corp.example";

pub struct TestServer {
    pub handle: ServerHandle,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(([127, 0, 0, 1], 0).into(), dir.path().join("account.db"));
        config.seed_demo = true;
        adjust(&mut config);
        let handle = account_api::serve(config).await.expect("server starts");
        let http = http_client();
        TestServer { handle, dir, http }
    }

    pub async fn with_faults(spec: &str) -> TestServer {
        let spec: FaultSpec = spec.parse().expect("fault spec");
        Self::start_with(|c| c.faults = Some(spec)).await
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("account.db")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.handle.base_url(), path)
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    /// Signs in and returns the token response.
    pub async fn sign_in(&self, user: &str) -> Value {
        let response = self
            .request(Method::POST, "/v1/auth/token")
            .json(&json!({"grant_type": "password", "username": user, "password": PASSWORD}))
            .send()
            .await
            .expect("token request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "sign-in of a demo account"
        );
        response.json().await.expect("token json")
    }

    pub async fn token(&self, user: &str) -> String {
        self.sign_in(user).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// GET /v1/identity: (ETag, body).
    pub async fn identity(&self, token: &str) -> (String, Value) {
        let response = self
            .request(Method::GET, "/v1/identity")
            .bearer_auth(token)
            .send()
            .await
            .expect("get identity");
        assert_eq!(response.status(), StatusCode::OK);
        let etag = header(&response, "etag").expect("ETag");
        (etag, response.json().await.expect("identity json"))
    }

    /// The current notice (version, sha256) in `locale`.
    pub async fn notice(&self, locale: &str) -> (String, String) {
        let body: Value = self
            .request(Method::GET, &format!("/v1/identity/notice?locale={locale}"))
            .send()
            .await
            .expect("notice")
            .json()
            .await
            .expect("notice json");
        (
            body["version"].as_str().unwrap().to_string(),
            body["sha256"].as_str().unwrap().to_string(),
        )
    }

    pub async fn consent(&self, token: &str, decision: &str) -> reqwest::Response {
        let (version, sha256) = self.notice("ko").await;
        self.request(Method::PUT, "/v1/identity/consent")
            .bearer_auth(token)
            .json(
                &json!({"decision": decision, "notice_version": version, "notice_sha256": sha256}),
            )
            .send()
            .await
            .expect("consent")
    }

    pub async fn put_identity(&self, token: &str, etag: &str, body: Value) -> reqwest::Response {
        self.request(Method::PUT, "/v1/identity")
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&body)
            .send()
            .await
            .expect("put identity")
    }
}

pub fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Asserts a problem+json answer with `status` and `code`; returns the body.
pub async fn expect_problem(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "status for {code}");
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("application/problem+json"),
        "content type for {code}"
    );
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    body
}

/// The tests' HTTP client. In a workspace build reqwest comes without a bundled TLS provider (the
/// desktop client installs ring itself), so the tests install the same one before building.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent("mail-identity-tests/1 (linux)")
        .build()
        .expect("client")
}
