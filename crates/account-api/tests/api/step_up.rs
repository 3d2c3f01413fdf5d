//! Step-up (RFC 9470): changes need a password entered within max_age; a refresh does not renew it.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const CHALLENGE: &str = "Bearer error=\"insufficient_user_authentication\", \
                         error_description=\"A recent sign-in is required\", max_age=300";

async fn expect_step_up(response: reqwest::Response) {
    assert_eq!(
        header(&response, "www-authenticate").as_deref(),
        Some(CHALLENGE)
    );
    let problem = expect_problem(response, StatusCode::UNAUTHORIZED, "step_up_required").await;
    assert_eq!(problem["max_age"], 300);
}

#[tokio::test]
async fn an_old_sign_in_must_enter_the_password_again_and_a_refresh_does_not_count() {
    let server = TestServer::start().await;
    let tokens = server.sign_in(REGISTERED).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let (etag, _) = server.identity(&access).await;
    let same = json!({"email": "seoyeon.lee@naver.com", "phone": {"number": "010-1234-5678"}});
    server.handle.advance_clock(Duration::from_secs(301));
    expect_step_up(
        server
            .put_identity_as_is(&access, &etag, same.clone())
            .await,
    )
    .await;
    let delete = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    expect_step_up(delete).await;
    expect_step_up(server.consent(&access, "refused").await).await;
    let start = server
        .start_verification(&access, json!({"channel": "phone"}))
        .await;
    expect_step_up(start).await;
    // Reading and re-confirming change nothing: no step-up.
    let (_, body) = server.identity(&access).await;
    assert!(body["email"].is_string(), "nothing was destroyed");
    let kept = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), StatusCode::OK);

    // A refresh gives a new access token with the old auth_time.
    let refreshed: Value = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = refreshed["access_token"].as_str().unwrap();
    let (etag, _) = server.identity(access).await;
    expect_step_up(server.put_identity_as_is(access, &etag, same.clone()).await).await;

    // The password again: the same write goes through.
    let fresh = server.token(REGISTERED).await;
    let saved = server.put_identity_as_is(&fresh, &etag, same).await;
    assert_eq!(saved.status(), StatusCode::OK);
    // And within max_age it stays enough.
    server.handle.advance_clock(Duration::from_secs(299));
    let deleted = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn deleting_nothing_needs_no_step_up_and_max_age_is_configurable() {
    let server = TestServer::start_with(|c| c.step_up_max_age = Duration::from_secs(60)).await;
    let token = server.token(PENDING).await;
    server.handle.advance_clock(Duration::from_secs(61));
    let deleted = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let agreed = server.consent(&token, "agreed").await;
    assert_eq!(agreed.status(), StatusCode::OK, "agreeing destroys nothing");
    let start = server
        .start_verification(
            &token,
            json!({"channel": "email", "email": "a.b@gmail.com"}),
        )
        .await;
    assert!(header(&start, "www-authenticate")
        .unwrap()
        .ends_with("max_age=60"));
    let problem = expect_problem(start, StatusCode::UNAUTHORIZED, "step_up_required").await;
    assert_eq!(problem["max_age"], 60);
}
