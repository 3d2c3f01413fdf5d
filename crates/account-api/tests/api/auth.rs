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

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account_then_per_address() {
    let server = TestServer::start_with(|c| {
        c.sign_in_limits = SignInLimits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(600),
        }
    })
    .await;
    let attempt = |user: &'static str, password: &'static str| {
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&json!({"grant_type": "password", "username": user, "password": password}))
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
    // Another account from the same address still works until the address budget (5) is spent.
    assert_eq!(
        attempt(REFUSED, PASSWORD).await.unwrap().status(),
        StatusCode::OK
    );
    for _ in 0..2 {
        attempt(REFUSED, "wrong").await.unwrap();
    }
    let by_address = attempt(OVERSEAS, PASSWORD).await.unwrap();
    assert_eq!(by_address.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(header(&by_address, "retry-after").is_some());
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
    // The first refresh token again: reuse, the whole family is revoked.
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
