//! The binary's log, at its most verbose, holds no e-mail address, phone number, token or password.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn debug_logs_of_a_full_flow_hold_no_personal_data_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["serve", "--listen", "127.0.0.1:0", "--seed-demo", "--db"])
        .arg(dir.path().join("account.db"))
        .env("ACCOUNT_API_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(std::fs::File::create(&log_path).unwrap()))
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("account-api listening on ")
        .unwrap()
        .to_string();
    let http = crate::common::http_client();
    let tokens: Value = http
        .post(format!("{base}/v1/auth/token"))
        .json(&json!({"grant_type": "password", "username": "pending@corp.example", "password": "Demo-2026!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_string();
    let notice: Value = http
        .get(format!("{base}/v1/identity/notice"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let consent = http
        .put(format!("{base}/v1/identity/consent"))
        .bearer_auth(&token)
        .json(&json!({"decision": "agreed", "notice_version": notice["version"], "notice_sha256": notice["sha256"]}))
        .send()
        .await
        .unwrap();
    let etag = consent.headers()["etag"].to_str().unwrap().to_string();
    for body in [
        json!({"email": "log.probe@naver.com", "phone": {"number": "010-4444-7777"}}),
        json!({"email": "log.probe@", "phone": {"number": "010-4444-77778"}}),
    ] {
        http.request(Method::PUT, format!("{base}/v1/identity"))
            .bearer_auth(&token)
            .header("if-match", &etag)
            .header("idempotency-key", "log-probe-key")
            .json(&body)
            .send()
            .await
            .unwrap();
    }
    let deleted = http
        .delete(format!("{base}/v1/identity"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("/v1/identity"), "debug logging was on: {log}");
    for secret in [
        "log.probe",
        "010-4444-7777",
        "01044447777",
        "1044447777",
        "4444-7777",
        "Demo-2026!",
        token.as_str(),
        tokens["refresh_token"].as_str().unwrap(),
        "log-probe-key",
    ] {
        assert!(!log.contains(secret), "the log holds `{secret}`");
    }
}
