//! The admin routes: who may call them (admin tokens only, within their scopes, until revoked),
//! that every call is audited, and that deleting an account destroys its info byte for byte, ends
//! its sessions and tells its app `410 account_deleted`.

use crate::common::*;
use crate::destruction::{files_contents, find, NUMBER_FORMATS};
use account_api::admin::tokens::Scope;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const ALL_SCOPES: [Scope; 3] = Scope::ALL;
const EMAIL: &str = "leaving.soon.recovery@naver.com";

pub async fn admin_token(server: &TestServer, scopes: &[Scope]) -> String {
    server
        .handle
        .create_admin_token("tests", scopes)
        .await
        .expect("admin token")
}

pub async fn delete_account(server: &TestServer, token: &str, address: &str) -> reqwest::Response {
    server
        .request(Method::POST, "/v1/admin/account-deletions")
        .bearer_auth(token)
        .json(&json!({ "account": address }))
        .send()
        .await
        .unwrap()
}

pub async fn admin_get(server: &TestServer, token: &str, path: &str) -> reqwest::Response {
    server
        .request(Method::GET, path)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// The audit trail's entries of `kind`, read through the admin route.
async fn trail(server: &TestServer, token: &str, kind: &str) -> Vec<Value> {
    let response = admin_get(
        server,
        token,
        &format!("/v1/admin/audit?kind={kind}&limit=500"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn employee_tokens_never_reach_admin_routes_nor_admin_tokens_employee_routes() {
    let server = TestServer::start().await;
    let employee = server.token(REGISTERED).await;
    let admin = admin_token(&server, &ALL_SCOPES).await;
    for path in ["/v1/admin/report", "/v1/admin/audit"] {
        let refused = admin_get(&server, &employee, path).await;
        assert!(header(&refused, "www-authenticate")
            .unwrap()
            .contains("mail-identity-admin"));
        expect_problem(refused, StatusCode::UNAUTHORIZED, "unauthorized").await;
        let anonymous = server.request(Method::GET, path).send().await.unwrap();
        expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    let refused = delete_account(&server, &employee, PENDING).await;
    expect_problem(refused, StatusCode::UNAUTHORIZED, "unauthorized").await;
    for path in ["/v1/me", "/v1/identity"] {
        let refused = admin_get(&server, &admin, path).await;
        expect_problem(refused, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    // Nothing was deleted by any of it.
    assert!(server.handle.identity_of(PENDING).await.unwrap().is_some());
}

#[tokio::test]
async fn a_token_does_only_what_its_scopes_allow_and_every_call_is_audited() {
    let server = TestServer::start().await;
    let reader = admin_token(&server, &[Scope::ReportRead]).await;
    let auditor = admin_token(&server, &[Scope::AuditRead]).await;
    assert_eq!(
        admin_get(&server, &reader, "/v1/admin/report")
            .await
            .status(),
        StatusCode::OK
    );
    let refused = admin_get(&server, &reader, "/v1/admin/audit").await;
    let body = expect_problem(refused, StatusCode::FORBIDDEN, "insufficient_scope").await;
    assert!(body["detail"].as_str().unwrap().contains("audit:read"));
    let refused = delete_account(&server, &reader, PENDING).await;
    expect_problem(refused, StatusCode::FORBIDDEN, "insufficient_scope").await;
    assert!(server.handle.identity_of(PENDING).await.unwrap().is_some());
    let refused = admin_get(&server, &auditor, "/v1/admin/report").await;
    expect_problem(refused, StatusCode::FORBIDDEN, "insufficient_scope").await;

    let calls = trail(&server, &auditor, "admin_call").await;
    let seen: Vec<(String, u64)> = calls
        .iter()
        .map(|c| {
            (
                c["detail"]["action"].as_str().unwrap().to_string(),
                c["detail"]["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("report".to_string(), 200),
            ("audit".to_string(), 403),
            ("delete_account".to_string(), 403),
            ("report".to_string(), 403),
        ]
    );
    assert!(calls.iter().all(|c| c["account_ref"].is_null()));
    assert_eq!(calls[0]["app_version"], "mail-identity-tests/1");
}

#[tokio::test]
async fn a_revoked_token_is_refused_from_then_on() {
    let server = TestServer::start().await;
    let token = admin_token(&server, &[Scope::ReportRead]).await;
    assert_eq!(
        admin_get(&server, &token, "/v1/admin/report")
            .await
            .status(),
        StatusCode::OK
    );
    // Revoked with IT's command line, on the database the server is running on.
    let cli = env!("CARGO_BIN_EXE_account-api");
    let db = server.db_path();
    let listed = std::process::Command::new(cli)
        .args(["admin", "--json", "--db"])
        .arg(&db)
        .args(["token", "list"])
        .output()
        .unwrap();
    assert!(listed.status.success());
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    assert!(listed[0]["last_used_at"].is_string());
    assert!(!String::from_utf8_lossy(&serde_json::to_vec(&listed).unwrap()).contains(&token));
    let revoked = std::process::Command::new(cli)
        .args(["admin", "--db"])
        .arg(&db)
        .args(["token", "revoke", &id])
        .output()
        .unwrap();
    assert!(revoked.status.success(), "{revoked:?}");
    let refused = admin_get(&server, &token, "/v1/admin/report").await;
    expect_problem(refused, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let unknown = std::process::Command::new(cli)
        .args(["admin", "--lang", "en", "--db"])
        .arg(&db)
        .args(["token", "revoke", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(3));
}

#[tokio::test]
async fn deleting_an_account_destroys_its_bytes_ends_its_sessions_and_tells_its_app() {
    let server = TestServer::start().await;
    let signed_in = server.sign_in(PENDING).await;
    let access = signed_in["access_token"].as_str().unwrap().to_string();
    let refresh = signed_in["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(
        server.consent(&access, "agreed").await.status(),
        StatusCode::OK
    );
    let body = server
        .with_proofs(
            &access,
            json!({"email": EMAIL, "phone": {"number": "010-9876-1234"}}),
        )
        .await;
    let (etag, _) = server.identity(&access).await;
    let saved = server
        .request(Method::PUT, "/v1/identity")
        .bearer_auth(&access)
        .header("if-match", &etag)
        .header("idempotency-key", format!("save-{EMAIL}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    assert!(
        !find(&files_contents(&server), EMAIL).is_empty(),
        "stored (sanity)"
    );

    let admin = admin_token(&server, &ALL_SCOPES).await;
    let deleted = delete_account(&server, &admin, "Pending@Corp.Example").await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let deleted: Value = deleted.json().await.unwrap();
    assert_eq!(deleted["had_email"], true);
    assert_eq!(deleted["had_phone"], true);
    assert!(deleted["sessions_ended"].as_u64().unwrap() >= 2);

    // No file of the database holds the address, the number in any format, or the name.
    let files = files_contents(&server);
    assert!(files.iter().any(|(n, _)| n.ends_with("account.db")));
    for needle in [EMAIL, "김민준"].iter().chain(NUMBER_FORMATS) {
        let hits = find(&files, needle);
        assert!(
            hits.is_empty(),
            "`{needle}` survives the deletion in {hits:?}"
        );
    }

    // The app learns it on its next contact, whichever it is; the owner's password too.
    let read = admin_get(&server, &access, "/v1/identity").await;
    expect_problem(read, StatusCode::GONE, "account_deleted").await;
    let refreshed = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    expect_problem(refreshed, StatusCode::GONE, "account_deleted").await;
    let password = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "password", "username": PENDING, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_problem(password, StatusCode::GONE, "account_deleted").await;
    // Anyone without the password learns nothing.
    let guess = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "password", "username": PENDING, "password": "guess"}))
        .send()
        .await
        .unwrap();
    expect_problem(guess, StatusCode::BAD_REQUEST, "invalid_grant").await;

    // Twice, or an account that never existed: a clear answer.
    let again = delete_account(&server, &admin, PENDING).await;
    expect_problem(again, StatusCode::GONE, "account_deleted").await;
    let unknown = delete_account(&server, &admin, "nobody@corp.example").await;
    expect_problem(unknown, StatusCode::NOT_FOUND, "account_not_found").await;

    // The audit entry says what happened, without a value; other accounts are untouched.
    let entries = trail(&server, &admin, "account_deleted").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["account_ref"], deleted["account_ref"]);
    assert_eq!(entries[0]["detail"]["had_email"], true);
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains(EMAIL) && !text.contains("9876") && !text.contains("pending@"));
    let other = server.token(REGISTERED).await;
    assert_eq!(
        server.identity(&other).await.1["email"],
        "seoyeon.lee@naver.com"
    );
}
