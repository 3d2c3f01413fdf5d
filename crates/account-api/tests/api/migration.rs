//! A database from before ownership codes opens with its info confirmed at its last update and
//! not verified, and its old sign-ins needing the password again for changes.

use serde_json::Value;

#[tokio::test]
async fn info_registered_before_codes_is_confirmed_at_its_update_and_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("account.db");
    {
        // The tables as the first release created them.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE accounts (
                 id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE COLLATE NOCASE,
                 display_name TEXT NOT NULL, organisation TEXT NOT NULL, password_hash TEXT NOT NULL
             ) STRICT;
             CREATE TABLE identity (
                 account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
                 consent TEXT NOT NULL DEFAULT 'pending'
                     CHECK (consent IN ('pending', 'agreed', 'refused', 'withdrawn')),
                 notice_version TEXT, notice_sha256 TEXT, decided_at TEXT, email TEXT,
                 phone_e164 TEXT, phone_country TEXT, phone_overseas INTEGER,
                 updated_at TEXT NOT NULL, revision INTEGER NOT NULL DEFAULT 0,
                 audit_salt BLOB NOT NULL
             ) STRICT;
             INSERT INTO accounts VALUES (1, 'old@corp.example', 'Old', 'Old Corp.', 'x');
             INSERT INTO accounts VALUES (2, 'empty@corp.example', 'Empty', 'Old Corp.', 'x');
             INSERT INTO identity (account_id, consent, notice_version, email, updated_at, audit_salt)
                 VALUES (1, 'agreed', '2026-11-28', 'kept.address@naver.com',
                         '2026-01-02T03:04:05Z', x'00');
             INSERT INTO identity (account_id, updated_at, audit_salt)
                 VALUES (2, '2026-01-02T03:04:05Z', x'00');",
        )
        .unwrap();
    }
    let mut config = account_api::Config::new(([127, 0, 0, 1], 0).into(), &db);
    config.seed_demo = false;
    let handle = account_api::serve(config).await.unwrap();
    let old: Value = handle
        .identity_of("old@corp.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old["email"], "kept.address@naver.com");
    assert_eq!(old["confirmed_at"], "2026-01-02T03:04:05Z");
    assert_eq!(old["email_verified_at"], Value::Null);
    assert_eq!(
        old["current_notice_version"],
        account_api::notice::DEFAULT_VERSION
    );
    let empty: Value = handle
        .identity_of("empty@corp.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(empty["confirmed_at"], Value::Null);
    handle.shutdown().await;
    // Opening again runs nothing twice.
    let config = account_api::Config::new(([127, 0, 0, 1], 0).into(), &db);
    let handle = account_api::serve(config).await.unwrap();
    let again: Value = handle
        .identity_of("old@corp.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, old);
}
