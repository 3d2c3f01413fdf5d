//! A new notice version: the same database served under another `notice_version` answers a new
//! representation (200, new ETag) and refuses identity writes until the notice is agreed again.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn a_new_notice_changes_the_etag_and_needs_consent_again() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (old_etag, old) = server.identity(&token).await;
    assert_eq!(
        old["current_notice_version"],
        account_api::notice::DEFAULT_VERSION
    );
    assert_eq!(old["reconfirm_days"], 180);

    let server = server
        .restart(|c| c.notice_version = "2027-01-01".into())
        .await;
    let token = server.token(REGISTERED).await;
    let conditional = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .header("if-none-match", &old_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        conditional.status(),
        StatusCode::OK,
        "not 304: the notice changed"
    );
    let etag = header(&conditional, "etag").unwrap();
    assert_ne!(etag, old_etag);
    let body: Value = conditional.json().await.unwrap();
    assert_eq!(body["current_notice_version"], "2027-01-01");
    assert_eq!(
        body["consent"]["notice_version"],
        account_api::notice::DEFAULT_VERSION
    );

    let same = json!({"email": "seoyeon.lee@naver.com"});
    expect_problem(
        server.put_identity_as_is(&token, &etag, same.clone()).await,
        StatusCode::CONFLICT,
        "consent_outdated",
    )
    .await;
    expect_problem(
        server
            .start_verification(&token, json!({"channel": "email"}))
            .await,
        StatusCode::CONFLICT,
        "consent_outdated",
    )
    .await;
    let reconfirm = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    expect_problem(reconfirm, StatusCode::CONFLICT, "consent_outdated").await;

    // Agreeing on the current notice keeps the info and lets writes through.
    let agreed = server.consent(&token, "agreed").await;
    assert_eq!(agreed.status(), StatusCode::OK);
    let etag = header(&agreed, "etag").unwrap();
    let agreed: Value = agreed.json().await.unwrap();
    assert_eq!(agreed["consent"]["notice_version"], "2027-01-01");
    assert_eq!(agreed["email"], "seoyeon.lee@naver.com");
    let saved = server.put_identity_as_is(&token, &etag, same).await;
    assert_eq!(saved.status(), StatusCode::OK);
}

#[tokio::test]
async fn reconfirming_records_the_date_and_an_audit_entry() {
    let server = TestServer::start_with(|c| {
        c.faults = Some(account_api::FaultSpec::default());
        c.reconfirm_days = 30;
    })
    .await;
    let token = server.token(REGISTERED).await;
    let (etag, before) = server.identity(&token).await;
    assert_eq!(before["reconfirm_days"], 30);
    server
        .handle
        .advance_clock(std::time::Duration::from_secs(31 * 24 * 3600));
    let token = server.token(REGISTERED).await;
    let kept = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&token)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), StatusCode::OK);
    let after: Value = kept.json().await.unwrap();
    assert_ne!(after["confirmed_at"], before["confirmed_at"]);
    assert_eq!(after["email"], before["email"]);
    assert_eq!(
        after["updated_at"], before["updated_at"],
        "the info did not change"
    );
    let audit: Value = server
        .request(Method::GET, "/_test/audit")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "reconfirm"));
    let stale = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&token)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    expect_problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    )
    .await;

    let pending = server.token(PENDING).await;
    let no_consent = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&pending)
        .send()
        .await
        .unwrap();
    expect_problem(no_consent, StatusCode::CONFLICT, "consent_required").await;
    server.consent(&pending, "agreed").await;
    let nothing = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&pending)
        .send()
        .await
        .unwrap();
    expect_problem(nothing, StatusCode::CONFLICT, "no_info").await;
}
