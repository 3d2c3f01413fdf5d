//! DELETE destroys for real: after it, neither the database nor its WAL holds the number (in any
//! format) or the address, byte for byte; the audit log holds no raw value and refuses changes.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const EMAIL: &str = "unforgettable.recovery@naver.com";
const FIRST_EMAIL: &str = "first.choice.addr@daum.net";
pub const NUMBER_FORMATS: &[&str] = &[
    "01098761234",
    "010-9876-1234",
    "010 9876 1234",
    "+821098761234",
    "821098761234",
    "1098761234",
    "+82 10-9876-1234",
    "98761234",
];

pub fn files_contents(server: &TestServer) -> Vec<(String, Vec<u8>)> {
    let dir = server.dir.path();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

pub fn find(files: &[(String, Vec<u8>)], needle: &str) -> Vec<String> {
    let variants = [needle.to_string(), needle.to_uppercase()];
    files
        .iter()
        .filter(|(_, bytes)| {
            variants
                .iter()
                .any(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes()))
        })
        .map(|(name, _)| name.clone())
        .collect()
}

#[tokio::test]
async fn after_delete_no_file_of_the_database_holds_the_number_or_the_address() {
    let server = TestServer::start().await;
    let token = server.token(PENDING).await;
    let consent = server.consent(&token, "agreed").await;
    assert_eq!(consent.status(), StatusCode::OK);
    // Register, then change: both the first and the second values must go. The idempotency keys
    // hold the address too, as a careless client might do: keys are stored hashed.
    for (email, number) in [(FIRST_EMAIL, "010-9876-1234"), (EMAIL, "010 9876 1234")] {
        let body = server
            .with_proofs(&token, json!({"email": email, "phone": {"number": number}}))
            .await;
        // Verifying the unchanged number marked it verified: the identity moved on.
        let etag = server.identity(&token).await.0;
        let response = server
            .request(Method::PUT, "/v1/identity")
            .bearer_auth(&token)
            .header("if-match", &etag)
            .header("idempotency-key", format!("save-{email}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let files = files_contents(&server);
    assert!(
        !find(&files, EMAIL).is_empty(),
        "the value is stored before the delete (sanity)"
    );

    let deleted = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&token)
        .header("idempotency-key", "delete")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let files = files_contents(&server);
    assert!(files.iter().any(|(n, _)| n.ends_with("account.db")));
    for needle in [EMAIL, FIRST_EMAIL].iter().chain(NUMBER_FORMATS) {
        let hits = find(&files, needle);
        assert!(
            hits.is_empty(),
            "`{needle}` survives the delete in {hits:?}"
        );
    }

    // The audit log recorded every step, without values.
    let db = server.db_path();
    let _dir = server.dir;
    server.handle.shutdown().await;
    let conn = rusqlite::Connection::open(db).unwrap();
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM audit WHERE account_id = (SELECT id FROM accounts WHERE address = ?1) ORDER BY id")
        .unwrap()
        .query_map([PENDING], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        kinds,
        [
            "consent_agreed",
            "info_registered",
            "info_changed",
            "info_deleted",
            "consent_withdrawn"
        ]
    );
    let client: String = conn
        .query_row(
            "SELECT client FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(client, "mail-identity-tests/1 (linux)");
    assert!(
        conn.execute("UPDATE audit SET kind = 'x'", []).is_err(),
        "append-only"
    );
    assert!(
        conn.execute("DELETE FROM audit", []).is_err(),
        "append-only"
    );
}

#[tokio::test]
async fn the_audit_log_holds_salted_hashes_not_values() {
    let server = TestServer::with_faults("none").await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let response = server
        .put_identity(&token, &etag, json!({"email": EMAIL}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let audit: Value = server
        .request(Method::GET, "/_test/audit")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = audit.to_string();
    assert!(
        !text.contains(EMAIL) && !text.contains("seoyeon.lee"),
        "{text}"
    );
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "info_changed");
    assert_eq!(last["detail"]["email"]["op"], "changed");
    assert_eq!(last["detail"]["phone"]["op"], "cleared");
    assert_eq!(
        last["detail"]["email"]["salted_sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
}
