//! The fault-injection mode: each fault over real HTTP, and the write counter tests rely on.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn without_the_flag_there_are_no_test_endpoints() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, "/_test/stats")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_fault_kind_on_a_sequence_of_requests() {
    // Scope `identity`: sign-in and the notice stay healthy; requests 1.. on /v1/identity* fault.
    let server = TestServer::with_faults(
        "503@1,429@2,html@3,malformed@4,drop@5,latency:300ms@6,retry-after=3,scope=identity",
    )
    .await;
    let token = server.token(REGISTERED).await;
    let get = || {
        server
            .request(Method::GET, "/v1/identity")
            .bearer_auth(&token)
            .send()
    };

    let unavailable = get().await.unwrap();
    assert_eq!(header(&unavailable, "retry-after").as_deref(), Some("3"));
    expect_problem(
        unavailable,
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
    )
    .await;
    let limited = get().await.unwrap();
    assert_eq!(header(&limited, "retry-after").as_deref(), Some("3"));
    expect_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let portal = get().await.unwrap();
    assert_eq!(portal.status(), StatusCode::OK);
    assert!(header(&portal, "content-type")
        .unwrap()
        .starts_with("text/html"));
    let malformed = get().await.unwrap();
    assert_eq!(malformed.status(), StatusCode::OK);
    assert!(malformed.json::<Value>().await.is_err());
    assert!(
        get().await.is_err(),
        "the connection is dropped without an answer"
    );
    let started = Instant::now();
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        get().await.unwrap().status(),
        StatusCode::OK,
        "healthy after the sequence"
    );

    let stats: Value = server
        .request(Method::GET, "/_test/stats")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["faults_injected"], 5);
}

#[tokio::test]
async fn drop_after_applies_the_write_and_a_keyed_retry_applies_it_once() {
    let server = TestServer::with_faults("drop-after@1,scope=writes").await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let body = server
        .with_proofs(&token, json!({"email": "exactly.once@gmail.com"}))
        .await;
    let put = || {
        server
            .request(Method::PUT, "/v1/identity")
            .bearer_auth(&token)
            .header("if-match", &etag)
            .header("idempotency-key", "once")
            .json(&body)
            .send()
    };
    assert!(put().await.is_err(), "the response is lost");
    let retry = put().await.unwrap();
    assert_eq!(retry.status(), StatusCode::OK);
    assert_eq!(
        header(&retry, "idempotent-replayed").as_deref(),
        Some("true")
    );
    let stats: Value = server
        .request(Method::GET, "/_test/stats")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["identity_writes"], 1);
    assert_eq!(stats["writes_applied"], 1);
    assert_eq!(stats["idempotent_replays"], 1);
}

#[tokio::test]
async fn a_share_of_requests_fails_and_faults_can_be_changed_at_run_time() {
    let server = TestServer::with_faults("503@50%,seed=3,scope=identity").await;
    let token = server.token(REGISTERED).await;
    let mut failed = 0;
    for _ in 0..100 {
        let r = server
            .request(Method::GET, "/v1/identity")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert!(header(&r, "retry-after").is_some());
            failed += 1;
        }
    }
    assert!((30..=70).contains(&failed), "{failed}");
    let cleared = server
        .request(Method::DELETE, "/_test/faults")
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    for _ in 0..20 {
        let r = server
            .request(Method::GET, "/v1/identity")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let set = server
        .request(Method::PUT, "/_test/faults")
        .json(&json!({"spec": "429@all,scope=identity"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    let r = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let bad = server
        .request(Method::PUT, "/_test/faults")
        .json(&json!({"spec": "explode@all"}))
        .send()
        .await
        .unwrap();
    expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_fault_spec").await;
}

#[tokio::test]
async fn faults_stop_after_until() {
    let server = TestServer::with_faults("503@all,until=1s,scope=identity").await;
    let token = server.token(REGISTERED).await;
    let r = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_mode_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = account_api::Config::new(([0, 0, 0, 0], 0).into(), dir.path().join("a.db"));
    config.faults = Some("none".parse().unwrap());
    let Err(refused) = account_api::serve(config).await else {
        panic!("fault mode started on 0.0.0.0")
    };
    assert!(
        matches!(refused, account_api::ServeError::FaultsNotOnLoopback(_)),
        "{refused}"
    );
    assert!(refused.to_string().contains("loopback"), "{refused}");

    // The binary says so and exits before binding, creating nothing.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_account-api"))
        .args(["serve", "--listen", "0.0.0.0:0", "--faults", "none", "--db"])
        .arg(dir.path().join("b.db"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("loopback"), "{stderr}");
    assert!(!dir.path().join("b.db").exists());

    // Without faults, any address is fine; with faults, loopback is.
    let mut config = account_api::Config::new(([127, 0, 0, 1], 0).into(), dir.path().join("c.db"));
    config.faults = Some("none".parse().unwrap());
    account_api::serve(config).await.unwrap().shutdown().await;
}
