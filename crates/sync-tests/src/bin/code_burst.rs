//! The code burst benchmark (figures, not a test): the send caps of ownership codes under a burst.
//! The reference server runs with its default caps (`SendCaps::default()`: per account and per
//! destination 5 an hour and 10 a day, per client address 30 an hour and 100 a day) and delivers
//! to a dev inbox; ACCOUNTS accounts are created, signed in and agreed; then REQUESTS
//! `POST /v1/identity/verifications` are fired at once (all from loopback, i.e. one client
//! address), spread over the accounts round-robin and over DESTINATIONS distinct destinations
//! (half e-mail, half Korean mobile; each destination asked for by several accounts).
//!
//! `cargo run --release -p sync-tests --bin code_burst -- [--accounts 20] [--requests 1000]
//!  [--destinations 250]`
//!
//! Printed: how many codes were sent (201), refused by the caps (429 `verification_rate_limited`),
//! the other answers by status and code, how many messages the inbox received (it must be the
//! number sent: a code is delivered before its 201, and a refused one is never sent), and the
//! wall time of the burst.

use dev_inbox::code_in;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use sync_tests::inbox::{deliver_to, start_inbox};

struct Args {
    accounts: usize,
    requests: usize,
    destinations: usize,
}

fn args() -> Args {
    let mut out = Args {
        accounts: 20,
        requests: 1000,
        destinations: 250,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        let value = pair
            .get(1)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&v| v > 0)
            .unwrap_or_else(|| {
                eprintln!("usage: code_burst [--accounts N] [--requests N] [--destinations N]");
                std::process::exit(2)
            });
        match pair[0].as_str() {
            "--accounts" => out.accounts = value,
            "--requests" => out.requests = value,
            "--destinations" => out.destinations = value,
            _ => {
                eprintln!("unknown option {}", pair[0]);
                std::process::exit(2)
            }
        }
    }
    out
}

/// The start body of destination `d`: even ones an e-mail, odd ones a Korean mobile.
fn start_body(d: usize) -> Value {
    if d.is_multiple_of(2) {
        json!({"channel": "email", "email": format!("burst.{d}@naver.com"), "locale": "ko"})
    } else {
        json!({
            "channel": "phone",
            "phone": {"number": format!("010-7{:03}-{:04}", d / 10_000, d % 10_000), "overseas": false},
            "locale": "ko",
        })
    }
}

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).expect("json"));
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let bytes = response.bytes().await.unwrap_or_default();
            (
                status,
                serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            )
        }
        Err(error) => {
            let kind = if error.is_timeout() {
                "timeout"
            } else if error.is_connect() {
                "connect"
            } else {
                "transport"
            };
            (0, json!({ "code": kind }))
        }
    }
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = start_inbox().await;
    let mut config = account_api::Config::new(
        "127.0.0.1:0".parse().expect("address"),
        dir.path().join("server.db"),
    );
    deliver_to(&mut config, &inbox);
    let caps = config.send_caps;
    let server = account_api::serve(config)
        .await
        .expect("the reference server starts");
    let base = server.base_url();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .user_agent("mail-identity-code-burst/1 (linux)")
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");

    // The accounts: created, signed in, agreed to the notice (codes need consent).
    let (status, notice) = send(
        &http,
        reqwest::Method::GET,
        format!("{base}/v1/identity/notice?locale=ko"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "notice: {notice}");
    let mut tokens = Vec::new();
    for i in 0..args.accounts {
        let address = format!("burst{i}@corp.example");
        server
            .create_account(&address, "burst", sync_tests::PASSWORD)
            .await
            .expect("account");
        let (status, body) = send(
            &http,
            reqwest::Method::POST,
            format!("{base}/v1/auth/token"),
            None,
            Some(json!({"grant_type": "password", "username": address, "password": sync_tests::PASSWORD})),
        )
        .await;
        assert_eq!(status, 200, "sign-in: {body}");
        let token = body["access_token"].as_str().expect("token").to_string();
        let (status, body) = send(
            &http,
            reqwest::Method::PUT,
            format!("{base}/v1/identity/consent"),
            Some(&token),
            Some(json!({
                "decision": "agreed",
                "notice_version": notice["version"],
                "notice_sha256": notice["sha256"],
            })),
        )
        .await;
        assert_eq!(status, 200, "consent: {body}");
        tokens.push(token);
    }
    println!(
        "caps: per account {}/h {}/day, per destination {}/h {}/day, per client address {}/h {}/day",
        caps.per_account.per_hour,
        caps.per_account.per_day,
        caps.per_destination.per_hour,
        caps.per_destination.per_day,
        caps.per_client.per_hour,
        caps.per_client.per_day
    );
    println!(
        "burst: {} requests, {} accounts, {} destinations, one client address (loopback)",
        args.requests, args.accounts, args.destinations
    );

    // The burst: every request waits at the barrier, then all go at once.
    let start = Arc::new(tokio::sync::Barrier::new(args.requests + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for j in 0..args.requests {
        let (http, start, base) = (http.clone(), Arc::clone(&start), base.clone());
        let token = tokens[j % tokens.len()].clone();
        let body = start_body(j % args.destinations);
        tasks.spawn(async move {
            start.wait().await;
            let request = http
                .post(format!("{base}/v1/identity/verifications"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .header("idempotency-key", format!("burst-{j}"))
                .body(serde_json::to_vec(&body).expect("json"));
            match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let bytes = response.bytes().await.unwrap_or_default();
                    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                    let code = answer["code"].as_str().unwrap_or("").to_string();
                    (status, code)
                }
                Err(error) => (0, format!("transport error: {error}")),
            }
        });
    }
    start.wait().await;
    let t0 = Instant::now();
    let mut answers: BTreeMap<(u16, String), usize> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        *answers.entry(done.expect("request task")).or_default() += 1;
    }
    let wall = t0.elapsed();

    let sent = answers
        .iter()
        .filter(|((status, _), _)| *status == 201)
        .map(|(_, n)| n)
        .sum::<usize>();
    let capped = answers
        .get(&(429, "verification_rate_limited".to_string()))
        .copied()
        .unwrap_or(0);
    let others: Vec<String> = answers
        .iter()
        .filter(|((status, code), _)| {
            *status != 201 && !(*status == 429 && code == "verification_rate_limited")
        })
        .map(|((status, code), n)| format!("{n} × {status} {code}"))
        .collect();
    // Every code was delivered before its 201; a moment for any message still being written.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = inbox.messages();
    let received = messages.mails.len() + messages.sms.len();
    let with_code = messages
        .mails
        .iter()
        .map(|m| &m.text)
        .chain(messages.sms.iter().map(|s| &s.text))
        .filter(|text| code_in(text).is_some())
        .count();
    println!("sent (201): {sent}");
    println!("refused by the caps (429 verification_rate_limited): {capped}");
    println!(
        "other answers: {}",
        if others.is_empty() {
            "none".to_string()
        } else {
            others.join(", ")
        }
    );
    println!(
        "inbox received: {received} messages ({} mails, {} SMS; {with_code} with a code)",
        messages.mails.len(),
        messages.sms.len()
    );
    println!(
        "wall time of the burst: {:.3} s ({:.0} requests/s)",
        wall.as_secs_f64(),
        args.requests as f64 / wall.as_secs_f64()
    );
    assert_eq!(
        received, sent,
        "every code sent was received, and nothing else"
    );
    assert_eq!(with_code, sent, "every message received carries a code");
    server.shutdown().await;
}
