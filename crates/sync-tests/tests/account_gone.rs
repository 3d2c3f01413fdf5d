//! The organisation deletes the account (the employee left): the app learns it from the server's
//! `410 account_deleted` at its next contact, wipes everything it kept for the account on this PC,
//! says so, and never sends a queued write, to that account or to anyone who signs in next.

use mail_identity_core::sync::credentials::{
    access_token_entry, refresh_token_entry, CredentialStore, STORE_KEY,
};
use mail_identity_core::sync::{Service, ServiceError, SyncStatus};
use std::time::Duration;
use sync_tests::world::{draft, open, register_both, world, World};
use sync_tests::*;

const MINUTE: Duration = Duration::from_secs(60);
const LEAVER: &str = "leaver@corp.example";
const NEXT: &str = "successor@corp.example";
const EMAIL: &str = "leaving.employee.5821@naver.com";
const PHONE: &str = "010-5821-3947";
const PHONE_E164: &str = "+821058213947";
const NEW_EMAIL: &str = "never.sent.8842@daum.net";
const NEW_PHONE: &str = "010-8842-1176";

/// Signs in as the leaver, agrees, and registers both values with their codes.
async fn registered(w: &World) -> Service {
    let service = open(w).await;
    register_both(w, &service, LEAVER, (EMAIL, PHONE, PHONE_E164)).await;
    service
}

/// IT deletes `address` through the admin route, with an admin token made as the CLI makes one.
async fn delete_account(w: &World, address: &str) {
    let token = w
        .server
        .create_admin_token(
            "offboarding",
            &[account_api::admin::tokens::Scope::AccountsDelete],
        )
        .await
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v1/admin/account-deletions",
            w.server.base_url()
        ))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(format!("{{\"account\":\"{address}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "the account is deleted");
}

/// The rows of `table` in the app's database at `db`.
fn rows(db: &std::path::Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every value of the leaver that could be left behind, in any spelling, with the masked forms the
/// overview showed.
fn needles(masked: &[String]) -> Vec<String> {
    let mut out = vec![EMAIL.to_string(), NEW_EMAIL.to_string()];
    out.extend(phone_spellings(PHONE));
    out.extend(phone_spellings(NEW_PHONE));
    out.extend(masked.iter().cloned());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_deleted_while_the_app_is_closed_is_wiped_at_the_next_start() {
    let w = world(LEAVER).await;
    w.server
        .create_account(NEXT, "후임", PASSWORD)
        .await
        .unwrap();
    let service = registered(&w).await;
    let info = service.overview().await.info.expect("registered info");
    let masked = vec![info.email.clone().unwrap(), info.phone.clone().unwrap()];
    // Left behind when the PC was shut: a delete the server never got, and a draft started after.
    set_faults(&w.server, "503@100%,retry-after=30,scope=writes");
    service.delete_identity().await.unwrap();
    let queued = wait_for(&service, "the delete waits", MINUTE, |o| {
        matches!(o.sync, SyncStatus::Pending { .. })
    })
    .await;
    service
        .save_draft(&draft(NEW_EMAIL, NEW_PHONE))
        .await
        .unwrap();
    assert!(!synced(&queued));
    service.close();
    drop(service);
    let db = w.dir.path().join("client").join("mail-identity.sqlite3");
    assert_eq!(rows(&db, "outbox"), 1, "queued (sanity)");
    assert_eq!(rows(&db, "draft"), 1, "drafted (sanity)");

    delete_account(&w, LEAVER).await;
    set_faults(&w.server, "none");
    let before = w.server.stats();

    // The next start: the stored session meets the deletion.
    let service = open(&w).await;
    assert_eq!(service.restore_session().await.unwrap(), None);
    let overview = service.overview().await;
    assert!(overview.account_gone, "{overview:?}");
    assert!(overview.account.is_none() && overview.info.is_none());

    // Nothing of the account is left on this PC: no token, no key, no row, no value.
    let url = w.server.base_url();
    for entry in [
        refresh_token_entry(&url),
        access_token_entry(&url),
        STORE_KEY.to_string(),
    ] {
        assert!(
            w.creds.get(&entry).unwrap().is_none(),
            "{entry} is still stored"
        );
    }
    assert_eq!(rows(&db, "outbox"), 0);
    assert_eq!(rows(&db, "draft"), 0);
    let files = files_under(&w.dir.path().join("client"));
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        for needle in needles(&masked) {
            assert!(
                !contains(bytes, needle.as_bytes()),
                "`{needle}` is still in {}",
                path.display()
            );
        }
    }

    // The next person to sign in on this PC gets nothing of the leaver's queue.
    service.sign_in(NEXT, PASSWORD).await.unwrap();
    let overview = service.overview().await;
    assert!(!overview.account_gone, "the notice ends with a new sign-in");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        w.server.stats().writes_applied,
        before.writes_applied,
        "the leaver's queued delete was never sent"
    );
    let next = w.server.identity_of(NEXT).await.unwrap().unwrap();
    assert_eq!(next["consent"]["state"], "pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_write_meeting_the_deletion_is_dropped_and_the_overview_says_so() {
    let w = world(LEAVER).await;
    let service = open(&w).await;
    service.sign_in(LEAVER, PASSWORD).await.unwrap();
    agree(&service).await;
    delete_account(&w, LEAVER).await;
    let before = w.server.stats();
    // The sync engine's next attempt is the contact that learns it.
    service.delete_identity().await.unwrap();
    let overview = wait_for(&service, "the account is gone", MINUTE, |o| o.account_gone).await;
    assert!(overview.account.is_none());
    let db = w.dir.path().join("client").join("mail-identity.sqlite3");
    assert_eq!(rows(&db, "outbox"), 0);
    assert_eq!(w.server.stats().writes_applied, before.writes_applied);
    // A password sign-in as the deleted account says the same, and signs no one in.
    assert_eq!(
        service.sign_in(LEAVER, PASSWORD).await.err(),
        Some(ServiceError::AccountDeleted)
    );
    assert!(service.overview().await.account_gone);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_a_deleted_address_leaves_another_accounts_copy_alone() {
    let w = world(NEXT).await;
    w.server
        .create_account(LEAVER, "퇴사자", PASSWORD)
        .await
        .unwrap();
    delete_account(&w, LEAVER).await;
    let service = open(&w).await;
    service.sign_in(NEXT, PASSWORD).await.unwrap();
    agree(&service).await;
    service
        .save_draft(&draft(NEW_EMAIL, NEW_PHONE))
        .await
        .unwrap();
    assert_eq!(
        service.sign_in(LEAVER, PASSWORD).await.err(),
        Some(ServiceError::AccountDeleted)
    );
    let overview = service.overview().await;
    assert!(!overview.account_gone);
    assert_eq!(overview.account.unwrap().address, NEXT);
    let url = w.server.base_url();
    assert!(w.creds.get(&refresh_token_entry(&url)).unwrap().is_some());
    let kept = service.load_draft().await.unwrap().unwrap();
    assert_eq!(kept.input.email, NEW_EMAIL);
}
