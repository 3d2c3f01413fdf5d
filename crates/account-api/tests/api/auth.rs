//! Sign-in, tokens, limits.

use crate::common::*;
use account_api::limits::SignInLimits;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn password_grant_issues_tokens_and_me_names_the_account() {
    let server = TestServer::start().await;
    let tokens = server.sign_in(REGISTERED).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    let me: serde_json::Value = server
        .request(Method::GET, "/v1/me")
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["address"], REGISTERED);
    assert_eq!(me["display_name"], "이서연");
}

#[tokio::test]
async fn wrong_password_and_unknown_account_are_the_same_invalid_grant() {
    let server = TestServer::start().await;
    for user in [REGISTERED, "nobody@corp.example"] {
        let response = server
            .request(Method::POST, "/v1/auth/token")
            .json(&json!({"grant_type": "password", "username": user, "password": "wrong"}))
            .send()
            .await
            .unwrap();
        let body = expect_problem(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
        assert_eq!(body["error"], "invalid_grant");
    }
    let response = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
}

/// Limits no ordinary test reaches; each limits test sets the one it is about.
fn roomy_limits() -> SignInLimits {
    SignInLimits {
        per_account_address: 1000,
        slow_after: 1000,
        burst_per_minute: 10_000,
        ..SignInLimits::default()
    }
}

fn sign_in_body(user: &str, password: &str) -> serde_json::Value {
    json!({"grant_type": "password", "username": user, "password": password})
}

/// A client whose connections come from another loopback address: a second office.
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .unwrap()
}

#[tokio::test]
async fn failures_lock_one_account_from_one_address_never_the_office() {
    let server = TestServer::start_with(|c| {
        c.sign_in_limits = SignInLimits {
            per_account_address: 3,
            window: Duration::from_secs(600),
            ..roomy_limits()
        }
    })
    .await;
    let attempt = |user: &'static str, password: &'static str| {
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&sign_in_body(user, password))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(
            attempt(PENDING, "wrong").await.unwrap().status(),
            StatusCode::BAD_REQUEST
        );
    }
    // Locked: even the right password is refused, with Retry-After.
    let locked = attempt(PENDING, PASSWORD).await.unwrap();
    let wait: u64 = header(&locked, "retry-after").unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait));
    expect_problem(
        locked,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_sign_in_attempts",
    )
    .await;
    // Colleagues behind the same address sign in, after many more failures than the old
    // per-address lockout (20) allowed.
    for n in 0..25 {
        let user = format!("guess{n}@corp.example");
        let response = server
            .request(Method::POST, "/v1/auth/token")
            .json(&sign_in_body(&user, "wrong"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        attempt(REFUSED, PASSWORD).await.unwrap().status(),
        StatusCode::OK
    );
    // The locked account itself, from another address.
    let elsewhere = client_from([127, 0, 0, 2])
        .post(server.url("/v1/auth/token"))
        .json(&sign_in_body(PENDING, PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_address_with_many_failures_is_slowed_and_refused_only_in_a_flood() {
    let server = TestServer::start_with(|c| {
        c.sign_in_limits = SignInLimits {
            slow_after: 2,
            slow_step: Duration::from_millis(200),
            slow_max: Duration::from_millis(300),
            burst_per_minute: 6,
            ..roomy_limits()
        }
    })
    .await;
    let attempt = |user: String, password: &'static str| {
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&sign_in_body(&user, password))
            .send()
    };
    for n in 0..4 {
        let status = attempt(format!("guess{n}@corp.example"), "wrong")
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    // Four failures, two beyond `slow_after`: the right password still works, after the delay.
    let started = std::time::Instant::now();
    let slowed = attempt(REGISTERED.to_string(), PASSWORD).await.unwrap();
    assert_eq!(slowed.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
    for n in 4..6 {
        attempt(format!("guess{n}@corp.example"), "wrong")
            .await
            .unwrap();
    }
    // Six failures within a minute: a flood. Refused for the rest of the minute, at most.
    let flood = attempt(REGISTERED.to_string(), PASSWORD).await.unwrap();
    let wait: u64 = header(&flood, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    expect_problem(
        flood,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_sign_in_attempts",
    )
    .await;
}

#[tokio::test]
async fn parallel_sign_ins_cannot_outrun_the_limit() {
    let server = TestServer::start_with(|c| {
        c.sign_in_limits = SignInLimits {
            per_account_address: 5,
            ..roomy_limits()
        };
        c.hash_queue_wait = Duration::from_secs(30);
    })
    .await;
    // 14 wrong passwords and the right one, all at once.
    let requests = (0..15).map(|n| {
        let password = if n == 7 { PASSWORD } else { "wrong" };
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&sign_in_body(PENDING, password))
            .send()
    });
    let responses = futures_join_all(requests).await;
    let mut evaluated = 0;
    for response in responses {
        let response = response.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(header(&response, "retry-after").is_some());
            expect_problem(
                response,
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_sign_in_attempts",
            )
            .await;
        } else {
            evaluated += 1;
        }
    }
    assert!(evaluated <= 5, "{evaluated} of 15 were evaluated");
}

#[tokio::test]
async fn password_checks_are_bounded_and_the_rest_answer_busy() {
    let server = TestServer::start_with(|c| {
        c.sign_in_limits = roomy_limits();
        c.hash_concurrency = 2;
        c.hash_queue_wait = Duration::from_millis(20);
    })
    .await;
    let requests = (0..40).map(|_| {
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&sign_in_body(REGISTERED, PASSWORD))
            .send()
    });
    let (mut ok, mut busy) = (0, 0);
    for response in futures_join_all(requests).await {
        let response = response.unwrap();
        if response.status() == StatusCode::OK {
            ok += 1;
            continue;
        }
        assert_eq!(header(&response, "retry-after").as_deref(), Some("1"));
        expect_problem(response, StatusCode::SERVICE_UNAVAILABLE, "sign_in_busy").await;
        busy += 1;
    }
    assert!(ok >= 2 && busy >= 1, "{ok} signed in, {busy} busy");
    assert!(server.handle.peak_concurrent_password_checks() <= 2);
    // Busy answers are not failures: the account is not locked by them.
    server.sign_in(REGISTERED).await;
}

#[tokio::test]
async fn a_very_long_name_locks_like_any_other() {
    let server = TestServer::start_with(|c| {
        c.sign_in_limits = SignInLimits {
            per_account_address: 2,
            ..roomy_limits()
        }
    })
    .await;
    let long = format!("{}@corp.example", "x".repeat(10_000));
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = server
            .request(Method::POST, "/v1/auth/token")
            .json(&sign_in_body(&long, "wrong"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

/// Runs every future at once and collects their outputs in order (tokio tasks, no extra crate).
async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_sign_in() {
    let server = TestServer::start().await;
    let first = server.sign_in(REGISTERED).await;
    let refresh = |token: String| {
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&json!({"grant_type": "refresh_token", "refresh_token": token}))
            .send()
    };
    let second = refresh(first["refresh_token"].as_str().unwrap().to_string())
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    let second: serde_json::Value = second.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let access = second["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        server
            .request(Method::GET, "/v1/me")
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // The first refresh token again, after the grace for lost answers: reuse, the whole family
    // is revoked.
    server.handle.advance_clock(Duration::from_secs(61));
    let reused = refresh(first["refresh_token"].as_str().unwrap().to_string())
        .await
        .unwrap();
    expect_problem(reused, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let after = server
        .request(Method::GET, "/v1/me")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let rotated = refresh(second["refresh_token"].as_str().unwrap().to_string())
        .await
        .unwrap();
    assert_eq!(rotated.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn revoke_ends_the_sign_in_and_never_reveals_whether_a_token_existed() {
    let server = TestServer::start().await;
    let tokens = server.sign_in(REGISTERED).await;
    for token in [tokens["refresh_token"].as_str().unwrap(), "not-a-token"] {
        let response = server
            .request(Method::POST, "/v1/auth/revoke")
            .json(&json!({"token": token}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let me = server
        .request(Method::GET, "/v1/me")
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let challenge = header(&me, "www-authenticate").unwrap();
    assert!(
        challenge.starts_with("Bearer ") && challenge.contains("invalid_token"),
        "{challenge}"
    );
    expect_problem(me, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn access_tokens_expire() {
    let server = TestServer::start_with(|c| c.access_token_ttl = Duration::from_secs(1)).await;
    let token = server.token(REGISTERED).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&response, "www-authenticate").is_some());
}

#[tokio::test]
async fn the_database_holds_only_token_hashes_and_argon2_password_hashes() {
    let server = TestServer::start().await;
    let tokens = server.sign_in(REGISTERED).await;
    let bytes = std::fs::read(server.db_path()).unwrap();
    let mut wal = std::fs::read(server.db_path().with_extension("db-wal")).unwrap_or_default();
    wal.extend(bytes);
    for needle in [
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
        PASSWORD,
    ] {
        assert!(
            !contains(&wal, needle.as_bytes()),
            "a secret is stored in the clear"
        );
    }
    assert!(contains(&wal, b"$argon2id$"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn tests_can_create_accounts_of_their_own() {
    let server = TestServer::start().await;
    server
        .handle
        .create_account("new.hire@corp.example", "신입", "a long pass phrase")
        .await
        .unwrap();
    let response = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "password", "username": "NEW.HIRE@corp.example", "password": "a long pass phrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "addresses compare without case"
    );
    let (_, body) = server.identity(&server.token(PENDING).await).await;
    assert_eq!(body["consent"]["state"], "pending");
    assert!(server
        .handle
        .create_account("new.hire@corp.example", "x", "y")
        .await
        .is_err());
}

async fn refresh_with(server: &TestServer, token: &serde_json::Value) -> reqwest::Response {
    server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "refresh_token", "refresh_token": token}))
        .send()
        .await
        .unwrap()
}

async fn me_status(server: &TestServer, tokens: &serde_json::Value) -> StatusCode {
    server
        .request(Method::GET, "/v1/me")
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_refresh_retried_after_a_lost_answer_keeps_the_sign_in() {
    let server = TestServer::start().await;
    let first = server.sign_in(REGISTERED).await;
    // The answer to this refresh is lost on the way.
    let lost: serde_json::Value = refresh_with(&server, &first["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    server.handle.advance_clock(Duration::from_secs(30));
    // The client retries with the token it still has: a fresh pair, the session lives on.
    let retried = refresh_with(&server, &first["refresh_token"]).await;
    assert_eq!(retried.status(), StatusCode::OK);
    let retried: serde_json::Value = retried.json().await.unwrap();
    assert_ne!(retried["refresh_token"], lost["refresh_token"]);
    assert_eq!(me_status(&server, &retried).await, StatusCode::OK);
    // The lost pair is withdrawn (without revoking the family).
    assert_eq!(me_status(&server, &lost).await, StatusCode::UNAUTHORIZED);
    let stale = refresh_with(&server, &lost["refresh_token"]).await;
    expect_problem(stale, StatusCode::BAD_REQUEST, "invalid_grant").await;
    let next = refresh_with(&server, &retried["refresh_token"]).await;
    assert_eq!(next.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_rotated_token_used_twice_or_late_or_after_its_successor_revokes_the_sign_in() {
    // Used twice within the grace: the second retry is reuse.
    let server = TestServer::start().await;
    let first = server.sign_in(REGISTERED).await;
    refresh_with(&server, &first["refresh_token"]).await;
    let retried: serde_json::Value = refresh_with(&server, &first["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    let again = refresh_with(&server, &first["refresh_token"]).await;
    expect_problem(again, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(me_status(&server, &retried).await, StatusCode::UNAUTHORIZED);

    // After the grace.
    let first = server.sign_in(REGISTERED).await;
    let second: serde_json::Value = refresh_with(&server, &first["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    server.handle.advance_clock(Duration::from_secs(61));
    let late = refresh_with(&server, &first["refresh_token"]).await;
    expect_problem(late, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(me_status(&server, &second).await, StatusCode::UNAUTHORIZED);

    // Within the grace, but the answer was not lost: its refresh token was used already.
    let first = server.sign_in(REGISTERED).await;
    let second: serde_json::Value = refresh_with(&server, &first["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    let third: serde_json::Value = refresh_with(&server, &second["refresh_token"])
        .await
        .json()
        .await
        .unwrap();
    let copied = refresh_with(&server, &first["refresh_token"]).await;
    expect_problem(copied, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(me_status(&server, &third).await, StatusCode::UNAUTHORIZED);
}
