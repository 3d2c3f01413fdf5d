//! The binary's log, at its most verbose, holds no e-mail address, phone number, token, password,
//! code or proof: through sign-in, consent, codes sent over SMTP and the webhook (and one the
//! provider refuses), confirmation, proofs, writes, alerts and deletion.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn debug_logs_of_a_full_flow_hold_no_personal_data_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    // The webhook wants a token, given to the server through its environment.
    let inbox = dev_inbox::DevInbox::start_with(dev_inbox::Options {
        sms_token: Some("sms-token-probe".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["serve", "--listen", "127.0.0.1:0", "--seed-demo", "--db"])
        .arg(dir.path().join("account.db"))
        .args([
            "--smtp",
            &inbox.smtp_url(),
            "--sms-webhook",
            &inbox.sms_webhook_url(),
        ])
        .env("ACCOUNT_API_LOG", "debug")
        .env("MAIL_IDENTITY_SMS_TOKEN", "sms-token-probe")
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
    let _ = consent;
    // Codes over both channels, a wrong try, the right code: proofs for the write.
    let mut proofs = serde_json::Map::new();
    let mut secrets = Vec::new();
    for (channel, value) in [
        ("email", json!("log.probe@naver.com")),
        ("phone", json!({"number": "010-4444-7777"})),
    ] {
        let started: Value = http
            .post(format!("{base}/v1/identity/verifications"))
            .bearer_auth(&token)
            .json(&json!({"channel": channel, channel: value}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = started["id"].as_str().expect("a verification").to_string();
        let text = loop {
            let messages = inbox.messages();
            let text = match channel {
                "email" => messages.mails.first().map(|m| m.text.clone()),
                _ => messages.sms.first().map(|m| m.text.clone()),
            };
            if let Some(text) = text {
                break text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        let code = crate::common::code_in(&text).unwrap();
        let confirm = |code: String| {
            http.post(format!("{base}/v1/identity/verifications/{id}/confirm"))
                .bearer_auth(&token)
                .json(&json!({ "code": code }))
                .send()
        };
        let wrong = if code == "999999" { "999998" } else { "999999" };
        confirm(wrong.to_string()).await.unwrap();
        let proof: Value = confirm(code.clone()).await.unwrap().json().await.unwrap();
        proofs.insert(channel.to_string(), proof["proof"].clone());
        secrets.push(code);
        secrets.push(proof["proof"].as_str().unwrap().to_string());
    }
    let etag = http
        .get(format!("{base}/v1/identity"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    for body in [
        json!({"email": "log.probe@naver.com", "phone": {"number": "010-4444-7777"},
               "proofs": proofs}),
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
    // The change and delete alerts went out before the log is read.
    inbox
        .wait_for_mails("pending@corp.example", 2, std::time::Duration::from_secs(5))
        .await
        .expect("alerts");
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
        "sms-token-probe",
        "+821044447777",
        "pending@corp.example",
    ] {
        assert!(!log.contains(secret), "the log holds `{secret}`");
    }
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the log holds a code or proof"
        );
    }
}
