//! A server on a free loopback port with a fresh database, and a small HTTP client for it.
#![allow(dead_code)]

use account_api::{Cap, Config, FaultSpec, SendCaps, ServerHandle, SmsSettings, SmtpSettings};
use dev_inbox::DevInbox;
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
    /// The real mail catcher and SMS sink the server's senders deliver to.
    pub inbox: DevInbox,
}

/// Caps no ordinary test reaches; the caps tests set their own.
pub fn roomy_caps() -> SendCaps {
    let roomy = Cap {
        per_hour: 1000,
        per_day: 1000,
    };
    SendCaps {
        per_account: roomy,
        per_destination: roomy,
        per_client: roomy,
    }
}

/// The code of a code message, read as the tests of every layer read it.
pub use dev_inbox::code_in;

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let inbox = DevInbox::start().await.expect("dev-inbox starts");
        Self::start_in(dir, inbox, adjust).await
    }

    /// Stops this server and starts another on the same database and inbox.
    pub async fn restart(self, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let TestServer {
            handle, dir, inbox, ..
        } = self;
        handle.shutdown().await;
        Self::start_in(dir, inbox, adjust).await
    }

    async fn start_in(
        dir: tempfile::TempDir,
        inbox: DevInbox,
        adjust: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = Config::new(([127, 0, 0, 1], 0).into(), dir.path().join("account.db"));
        config.seed_demo = true;
        config.send_caps = roomy_caps();
        config.smtp = Some(SmtpSettings {
            url: inbox.smtp_url(),
            from: "no-reply@corp.example".into(),
            user: None,
            password: None,
        });
        config.sms = Some(SmsSettings {
            url: inbox.sms_webhook_url(),
            token: None,
        });
        adjust(&mut config);
        let handle = account_api::serve(config).await.expect("server starts");
        let http = http_client();
        TestServer {
            handle,
            dir,
            http,
            inbox,
        }
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

    /// `PUT /v1/identity` with `body` and the proofs of its values ([`TestServer::with_proofs`]).
    pub async fn put_identity(&self, token: &str, etag: &str, body: Value) -> reqwest::Response {
        let body = self.with_proofs(token, body).await;
        self.put_identity_as_is(token, etag, body).await
    }

    /// `PUT /v1/identity` with `body` exactly as given.
    pub async fn put_identity_as_is(
        &self,
        token: &str,
        etag: &str,
        body: Value,
    ) -> reqwest::Response {
        self.request(Method::PUT, "/v1/identity")
            .bearer_auth(token)
            .header("if-match", etag)
            .json(&body)
            .send()
            .await
            .expect("put identity")
    }
}

impl TestServer {
    /// `POST /v1/identity/verifications` with `body`.
    pub async fn start_verification(&self, token: &str, body: Value) -> reqwest::Response {
        self.request(Method::POST, "/v1/identity/verifications")
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("start verification")
    }

    /// `POST /v1/identity/verifications/{id}/confirm` with `code`.
    pub async fn confirm(&self, token: &str, id: &str, code: &str) -> reqwest::Response {
        self.request(
            Method::POST,
            &format!("/v1/identity/verifications/{id}/confirm"),
        )
        .bearer_auth(token)
        .json(&json!({ "code": code }))
        .send()
        .await
        .expect("confirm")
    }

    /// The code of the first code message on `channel` after the first `before` messages (change
    /// alerts, which hold no code, are passed over).
    pub async fn next_code(&self, channel: &str, before: usize) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let messages = self.inbox.messages();
            let texts: Vec<String> = match channel {
                "email" => messages.mails.iter().map(|m| m.text.clone()).collect(),
                _ => messages.sms.iter().map(|m| m.text.clone()).collect(),
            };
            if let Some(code) = texts.iter().skip(before).find_map(|t| code_in(t)) {
                return code;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no {channel} message arrived"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// How many messages of `channel` the inbox holds.
    pub fn count(&self, channel: &str) -> usize {
        let messages = self.inbox.messages();
        match channel {
            "email" => messages.mails.len(),
            _ => messages.sms.len(),
        }
    }

    /// Runs a whole verification of `value` (the e-mail string, or the phone object) on
    /// `channel` and answers the confirmation's body; `None` when the start was refused.
    pub async fn verify(&self, token: &str, channel: &str, value: &Value) -> Option<Value> {
        let before = self.count(channel);
        let started = self
            .start_verification(token, json!({ "channel": channel, channel: value }))
            .await;
        if started.status() != StatusCode::CREATED {
            return None;
        }
        let started: Value = started.json().await.expect("verification json");
        let code = self.next_code(channel, before).await;
        let confirmed = self
            .confirm(token, started["id"].as_str().expect("id"), &code)
            .await;
        assert_eq!(
            confirmed.status(),
            StatusCode::OK,
            "the right code confirms"
        );
        Some(confirmed.json().await.expect("proof json"))
    }

    /// `body` with the proofs of its e-mail and phone (each verified for real through the
    /// dev-inbox); a value whose verification is refused (invalid, no consent…) gets none, so the
    /// write answers its own refusal.
    pub async fn with_proofs(&self, token: &str, mut body: Value) -> Value {
        let mut proofs = serde_json::Map::new();
        for channel in ["email", "phone"] {
            let Some(value) = body.get(channel).filter(|v| !v.is_null()).cloned() else {
                continue;
            };
            if let Some(proof) = self.verify(token, channel, &value).await {
                proofs.insert(channel.to_string(), proof["proof"].clone());
            }
        }
        if !proofs.is_empty() {
            body["proofs"] = Value::Object(proofs);
        }
        body
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
