//! Ownership codes against the real server and the real dev-inbox: format, hashing at rest,
//! expiry by the injectable clock, tries, resends, caps under parallel requests, proofs.

use crate::common::*;
use account_api::{Cap, SendCaps};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const NEW_EMAIL: &str = "fresh.recovery@gmail.com";

/// A server whose PENDING account has agreed: (server, token).
async fn agreed(adjust: impl FnOnce(&mut account_api::Config)) -> (TestServer, String) {
    let server = TestServer::start_with(adjust).await;
    let token = server.token(PENDING).await;
    assert_eq!(
        server.consent(&token, "agreed").await.status(),
        StatusCode::OK
    );
    (server, token)
}

async fn start_email(server: &TestServer, token: &str, email: &str) -> reqwest::Response {
    server
        .start_verification(token, json!({"channel": "email", "email": email}))
        .await
}

fn rows(server: &TestServer, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn a_six_digit_code_is_mailed_and_its_proof_registers_the_address() {
    let (server, token) = agreed(|_| {}).await;
    let started = start_email(&server, &token, NEW_EMAIL).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let started: Value = started.json().await.unwrap();
    assert_eq!(started["channel"], "email");
    assert_eq!(started["destination"], "fr***@gmail.com");
    assert_eq!(started["attempts_left"], 5);
    let mail = server
        .inbox
        .wait_for_mail(NEW_EMAIL, Duration::from_secs(5))
        .await
        .expect("the code arrives over SMTP");
    assert!(mail.subject.contains("인증번호"), "{}", mail.subject);
    assert!(mail.text.contains("인증번호는 누구에게도 알려 주지 마세요"));
    assert!(mail.text.contains("3분"));
    let code = code_in(&mail.text).unwrap();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    // Typed with a blank and a hyphen.
    let typed = format!(" {}-{} ", &code[..3], &code[3..]);
    let confirmed = server
        .confirm(&token, started["id"].as_str().unwrap(), &typed)
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let proof: Value = confirmed.json().await.unwrap();
    assert_eq!(proof["registered"], false);
    assert_eq!(proof["channel"], "email");
    // The save comes a little later: the address was verified when its code was confirmed.
    server.handle.advance_clock(Duration::from_secs(30));
    let (etag, _) = server.identity(&token).await;
    let body = json!({"email": NEW_EMAIL, "proofs": {"email": proof["proof"]}});
    let saved = server.put_identity_as_is(&token, &etag, body.clone()).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["email"], NEW_EMAIL);
    assert_eq!(saved["email_verified_at"], proof["verified_at"]);
    assert_ne!(saved["email_verified_at"], saved["updated_at"]);
    assert_eq!(saved["confirmed_at"], saved["updated_at"]);
    assert_eq!(saved["phone_verified_at"], Value::Null);
    // Single use: the same proof for another change of the same value is refused.
    server.handle.advance_clock(Duration::from_secs(1));
    let (etag, _) = server.identity(&token).await;
    let reused = server
        .put_identity_as_is(
            &token,
            &etag,
            json!({"email": "second.choice@gmail.com", "proofs": {"email": proof["proof"]}}),
        )
        .await;
    let problem = expect_problem(
        reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "verification_required",
    )
    .await;
    assert_eq!(
        problem["errors"],
        json!([{"field": "/email", "code": "unverified"}])
    );
}

#[tokio::test]
async fn a_new_value_without_a_proof_or_with_another_values_proof_is_refused() {
    let (server, token) = agreed(|_| {}).await;
    let proof = server
        .verify(&token, "email", &json!(NEW_EMAIL))
        .await
        .unwrap();
    let (etag, _) = server.identity(&token).await;
    for body in [
        json!({"email": "someone.else@gmail.com", "proofs": {"email": proof["proof"]}}),
        json!({"email": NEW_EMAIL, "phone": {"number": "010-2345-6789"},
               "proofs": {"email": proof["proof"]}}),
        json!({"phone": {"number": "010-2345-6789"}, "proofs": {"phone": proof["proof"]}}),
    ] {
        let refused = server.put_identity_as_is(&token, &etag, body).await;
        let problem = expect_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "verification_required",
        )
        .await;
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(!fields.is_empty());
        assert!(problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "unverified"));
    }
    // The refused writes consumed nothing: the proof still registers its own value.
    let saved = server
        .put_identity_as_is(
            &token,
            &etag,
            json!({"email": NEW_EMAIL, "proofs": {"email": proof["proof"]}}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
}

#[tokio::test]
async fn unchanged_values_need_no_proof_and_keep_their_verified_date() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, before) = server.identity(&token).await;
    assert_eq!(
        before["email_verified_at"],
        Value::Null,
        "registered before codes"
    );
    assert!(
        before["confirmed_at"].is_string(),
        "migrated from updated_at"
    );
    // The registered number itself is verified: no write follows.
    let proof = server
        .verify(&token, "phone", &Value::Null)
        .await
        .expect("the registered number is verified");
    assert_eq!(proof["registered"], true);
    let (etag2, after) = server.identity(&token).await;
    assert_ne!(etag, etag2);
    assert_eq!(after["phone_verified_at"], proof["verified_at"]);
    let sms = server.inbox.sms_to("+821012345678");
    assert_eq!(sms.len(), 1, "the code went to the registered number");
    assert!(sms[0].text.starts_with("[G-Cloud]"));
    // Same values in another format: no proof needed, dates kept.
    server.handle.advance_clock(Duration::from_secs(5));
    let same = server
        .put_identity_as_is(
            &token,
            &etag2,
            json!({"email": "seoyeon.lee@naver.com", "phone": {"number": "010 1234 5678"}}),
        )
        .await;
    assert_eq!(same.status(), StatusCode::OK);
    let same: Value = same.json().await.unwrap();
    assert_eq!(same["phone_verified_at"], proof["verified_at"]);
    assert_eq!(same["email_verified_at"], Value::Null);
    assert_ne!(same["confirmed_at"], before["confirmed_at"]);
    // Clearing a part clears its date.
    let etag3 = server.identity(&token).await.0;
    let cleared = server
        .put_identity_as_is(&token, &etag3, json!({"email": "seoyeon.lee@naver.com"}))
        .await;
    let cleared: Value = cleared.json().await.unwrap();
    assert_eq!(cleared["phone"], Value::Null);
    assert_eq!(cleared["phone_verified_at"], Value::Null);
}

#[tokio::test]
async fn five_wrong_tries_end_a_code_and_time_ends_it_too() {
    let (server, token) = agreed(|c| c.faults = Some(account_api::FaultSpec::default())).await;
    let started: Value = start_email(&server, &token, NEW_EMAIL)
        .await
        .json()
        .await
        .unwrap();
    let id = started["id"].as_str().unwrap();
    let code = server.next_code("email", 0).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for left in (1..=4).rev() {
        let problem = expect_problem(
            server.confirm(&token, id, wrong).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "code_incorrect",
        )
        .await;
        assert_eq!(problem["attempts_left"], left);
    }
    expect_problem(
        server.confirm(&token, id, wrong).await,
        StatusCode::GONE,
        "code_exhausted",
    )
    .await;
    expect_problem(
        server.confirm(&token, id, &code).await,
        StatusCode::GONE,
        "code_exhausted",
    )
    .await;

    // Expiry, with the clock moved over HTTP as a client's test would.
    let before = server.count("email");
    let started: Value = start_email(&server, &token, "other.recovery@gmail.com")
        .await
        .json()
        .await
        .unwrap();
    let code = server.next_code("email", before).await;
    let moved = server
        .request(Method::POST, "/_test/clock")
        .json(&json!({"advance_seconds": 181}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    expect_problem(
        server
            .confirm(&token, started["id"].as_str().unwrap(), &code)
            .await,
        StatusCode::GONE,
        "code_expired",
    )
    .await;
}

#[tokio::test]
async fn a_resend_waits_60_seconds_and_replaces_the_code() {
    let (server, token) = agreed(|_| {}).await;
    let started: Value = start_email(&server, &token, NEW_EMAIL)
        .await
        .json()
        .await
        .unwrap();
    let id = started["id"].as_str().unwrap();
    let first = server.next_code("email", 0).await;
    let resend = |server: &TestServer| {
        server
            .request(
                Method::POST,
                &format!("/v1/identity/verifications/{id}/resend"),
            )
            .bearer_auth(&token)
            .send()
    };
    let early = resend(&server).await.unwrap();
    assert!(header(&early, "retry-after").is_some());
    expect_problem(early, StatusCode::TOO_MANY_REQUESTS, "resend_too_soon").await;
    server.handle.advance_clock(Duration::from_secs(60));
    let again = resend(&server).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], started["id"]);
    let mails = server
        .inbox
        .wait_for_mails(NEW_EMAIL, 2, Duration::from_secs(5))
        .await
        .unwrap();
    let second = code_in(&mails[1].text).unwrap();
    if first != second {
        expect_problem(
            server.confirm(&token, id, &first).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "code_incorrect",
        )
        .await;
    }
    let proof = server.confirm(&token, id, &second).await;
    assert_eq!(proof.status(), StatusCode::OK);
    // Confirmed: no more resends; a repeated right code answers a fresh proof, the old one dies.
    let first_proof: Value = proof.json().await.unwrap();
    expect_problem(
        resend(&server).await.unwrap(),
        StatusCode::NOT_FOUND,
        "verification_not_found",
    )
    .await;
    let fresh: Value = server
        .confirm(&token, id, &second)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(fresh["proof"], first_proof["proof"]);
    let (etag, _) = server.identity(&token).await;
    let stale = server
        .put_identity_as_is(
            &token,
            &etag,
            json!({"email": NEW_EMAIL, "proofs": {"email": first_proof["proof"]}}),
        )
        .await;
    expect_problem(
        stale,
        StatusCode::UNPROCESSABLE_ENTITY,
        "verification_required",
    )
    .await;
    let ok = server
        .put_identity_as_is(
            &token,
            &etag,
            json!({"email": NEW_EMAIL, "proofs": {"email": fresh["proof"]}}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    // Used: the verification is over.
    expect_problem(
        server.confirm(&token, id, &second).await,
        StatusCode::NOT_FOUND,
        "verification_not_found",
    )
    .await;
}

#[tokio::test]
async fn a_proof_expires_after_an_hour() {
    let (server, token) = agreed(|_| {}).await;
    let proof = server
        .verify(&token, "email", &json!(NEW_EMAIL))
        .await
        .unwrap();
    server.handle.advance_clock(Duration::from_secs(3601));
    // A fresh password sign-in, so that step-up is not what refuses.
    let token = server.token(PENDING).await;
    let (etag, _) = server.identity(&token).await;
    let late = server
        .put_identity_as_is(
            &token,
            &etag,
            json!({"email": NEW_EMAIL, "proofs": {"email": proof["proof"]}}),
        )
        .await;
    expect_problem(
        late,
        StatusCode::UNPROCESSABLE_ENTITY,
        "verification_required",
    )
    .await;
}

#[tokio::test]
async fn starts_are_judged_by_the_identity_rule_and_need_something_registered() {
    let (server, token) = agreed(|_| {}).await;
    let bad = start_email(&server, &token, "not-an-address").await;
    let problem = expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "/email");
    let own = start_email(&server, &token, PENDING).await;
    let problem = expect_problem(own, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "same_as_account");
    let landline = server
        .start_verification(
            &token,
            json!({"channel": "phone", "phone": {"number": "02-1234-5678"}}),
        )
        .await;
    let problem = expect_problem(
        landline,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "/phone/number");
    let mixed = server
        .start_verification(
            &token,
            json!({"channel": "email", "phone": {"number": "010-2345-6789"}}),
        )
        .await;
    expect_problem(mixed, StatusCode::BAD_REQUEST, "invalid_body").await;
    let nothing = server
        .start_verification(&token, json!({"channel": "email"}))
        .await;
    expect_problem(nothing, StatusCode::CONFLICT, "no_info").await;
    let pending = TestServer::start().await;
    let token = pending.token(PENDING).await;
    let refused = start_email(&pending, &token, NEW_EMAIL).await;
    expect_problem(refused, StatusCode::CONFLICT, "consent_required").await;
    assert!(server.inbox.messages().mails.is_empty());
}

#[tokio::test]
async fn without_a_sender_nothing_is_sent_or_recorded() {
    let (server, token) = agreed(|c| {
        c.smtp = None;
        c.sms = None;
    })
    .await;
    for body in [
        json!({"channel": "email", "email": NEW_EMAIL}),
        json!({"channel": "phone", "phone": {"number": "010-2345-6789"}}),
    ] {
        let refused = server.start_verification(&token, body).await;
        assert!(header(&refused, "retry-after").is_some());
        expect_problem(
            refused,
            StatusCode::SERVICE_UNAVAILABLE,
            "sender_not_configured",
        )
        .await;
    }
    assert_eq!(rows(&server, "verifications"), 0);
    assert_eq!(rows(&server, "verification_sends"), 0);
}

#[tokio::test]
async fn a_refused_send_is_503_sender_failed_and_still_counts() {
    // The webhook wants a token the server does not have: the provider refuses.
    let guarded = dev_inbox::DevInbox::start_with(dev_inbox::Options {
        sms_token: Some("provider-secret".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let url = guarded.sms_webhook_url();
    let (server, token) = agreed(move |c| {
        c.sms = Some(account_api::SmsSettings { url, token: None });
    })
    .await;
    let failed = server
        .start_verification(
            &token,
            json!({"channel": "phone", "phone": {"number": "010-2345-6789"}}),
        )
        .await;
    assert!(header(&failed, "retry-after").is_some());
    expect_problem(failed, StatusCode::SERVICE_UNAVAILABLE, "sender_failed").await;
    assert!(guarded.messages().sms.is_empty());
    assert_eq!(rows(&server, "verifications"), 0, "no code is pending");
    assert_eq!(rows(&server, "verification_sends"), 1, "the attempt counts");
}

#[tokio::test]
async fn codes_proofs_and_destinations_are_not_stored_in_plaintext() {
    let (server, token) = agreed(|_| {}).await;
    let proof_email = server
        .verify(&token, "email", &json!(NEW_EMAIL))
        .await
        .unwrap();
    let before = server.count("phone");
    let started = server
        .start_verification(
            &token,
            json!({"channel": "phone", "phone": {"number": "010-2345-6789"}}),
        )
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let code = server.next_code("phone", before).await;
    let email_code = code_in(&server.inbox.messages().mails[0].text).unwrap();
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(server.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(
        files.iter().any(|(n, _)| n.ends_with("-wal")),
        "the WAL is searched too"
    );
    let proof = proof_email["proof"].as_str().unwrap().to_string();
    for needle in [
        NEW_EMAIL,
        "fresh.recovery",
        "+821023456789",
        "01023456789",
        "1023456789",
        code.as_str(),
        email_code.as_str(),
        proof.as_str(),
    ] {
        for (name, bytes) in &files {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{name} holds `{needle}` in plaintext"
            );
        }
    }
}

fn caps(account: (u32, u32), destination: (u32, u32), client: (u32, u32)) -> SendCaps {
    let cap = |(per_hour, per_day)| Cap { per_hour, per_day };
    SendCaps {
        per_account: cap(account),
        per_destination: cap(destination),
        per_client: cap(client),
    }
}

/// Fires `n` starts at once for `token`, each with `body(i)`; answers the statuses.
async fn burst(
    server: &TestServer,
    tokens: &[String],
    n: usize,
    body: impl Fn(usize) -> Value,
) -> Vec<(StatusCode, Option<String>)> {
    let requests = (0..n).map(|i| {
        let request = server
            .request(Method::POST, "/v1/identity/verifications")
            .bearer_auth(&tokens[i % tokens.len()])
            .json(&body(i));
        async move {
            let response = request.send().await.unwrap();
            (response.status(), header(&response, "retry-after"))
        }
    });
    futures_join_all(requests).await
}

async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

fn tally(results: &[(StatusCode, Option<String>)]) -> (usize, usize) {
    let sent = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let limited = results
        .iter()
        .filter(|(s, retry)| *s == StatusCode::TOO_MANY_REQUESTS && retry.is_some())
        .count();
    (sent, limited)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_account_cap_holds_under_50_parallel_starts() {
    let (server, token) = agreed(|c| c.send_caps = caps((5, 10), (100, 100), (100, 100))).await;
    let results = burst(
        &server,
        std::slice::from_ref(&token),
        50,
        |i| json!({"channel": "email", "email": format!("parallel.{i}@gmail.com")}),
    )
    .await;
    assert_eq!(tally(&results), (5, 45), "{results:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        server.inbox.messages().mails.len(),
        5,
        "exactly 5 codes delivered"
    );
    // The hour passes; the day cap (10) still allows 5 more, then no more that day.
    server.handle.advance_clock(Duration::from_secs(3601));
    let token = server.token(PENDING).await;
    let results = burst(
        &server,
        std::slice::from_ref(&token),
        20,
        |i| json!({"channel": "email", "email": format!("later.{i}@gmail.com")}),
    )
    .await;
    assert_eq!(tally(&results), (5, 15));
    server.handle.advance_clock(Duration::from_secs(3601));
    let token = server.token(PENDING).await;
    let day = start_email(&server, &token, "next.hour@gmail.com").await;
    let wait: u64 = header(&day, "retry-after").unwrap().parse().unwrap();
    assert!(wait > 3600, "the day cap waits for the day: {wait}");
    expect_problem(
        day,
        StatusCode::TOO_MANY_REQUESTS,
        "verification_rate_limited",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_destination_cap_holds_across_accounts_in_parallel() {
    let server =
        TestServer::start_with(|c| c.send_caps = caps((100, 100), (5, 10), (100, 100))).await;
    let mut tokens = Vec::new();
    for i in 0..10 {
        let address = format!("user{i}@corp.example");
        server
            .handle
            .create_account(&address, "테스트", PASSWORD)
            .await
            .unwrap();
        let token = server.token(&address).await;
        assert_eq!(
            server.consent(&token, "agreed").await.status(),
            StatusCode::OK
        );
        tokens.push(token);
    }
    // The same number typed in several ways is one destination.
    let formats = ["010-2345-6789", "01023456789", "+82 10 2345 6789"];
    let results = burst(
        &server,
        &tokens,
        30,
        |i| json!({"channel": "phone", "phone": {"number": formats[i % formats.len()]}}),
    )
    .await;
    assert_eq!(tally(&results), (5, 25), "{results:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.inbox.sms_to("+821023456789").len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_client_address_cap_holds_in_parallel() {
    let server =
        TestServer::start_with(|c| c.send_caps = caps((100, 100), (100, 100), (3, 5))).await;
    let mut tokens = Vec::new();
    for i in 0..4 {
        let address = format!("desk{i}@corp.example");
        server
            .handle
            .create_account(&address, "테스트", PASSWORD)
            .await
            .unwrap();
        let token = server.token(&address).await;
        assert_eq!(
            server.consent(&token, "agreed").await.status(),
            StatusCode::OK
        );
        tokens.push(token);
    }
    let results = burst(
        &server,
        &tokens,
        20,
        |i| json!({"channel": "email", "email": format!("client.cap.{i}@gmail.com")}),
    )
    .await;
    assert_eq!(tally(&results), (3, 17), "{results:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.inbox.messages().mails.len(), 3);
}
