//! The client's defences against what goes wrong around it: a credential store that cannot be
//! read at start-up, renewals that race, IT moving the app to another server, sealed bodies moved
//! between rows in the database file. Each test has its own reference server, dev inbox and data
//! directory.

use mail_identity_core::sync::credentials::{
    access_token_entry, refresh_token_entry, CredentialError, CredentialStore,
};
use mail_identity_core::sync::crypto::Sealer;
use mail_identity_core::sync::kept_access::{now_unix, KeptAccess};
use mail_identity_core::sync::{
    ConsentDecision, CredentialChoice, CredentialStoreKind, MemoryCredentialStore, Service,
    ServiceError, SyncStatus,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use sync_tests::world::{draft, world, World};
use sync_tests::*;

const MINUTE: Duration = Duration::from_secs(60);

/// A credential store in memory that can be made unreadable (the keychain locked, the Secret
/// Service not answering) and counts the refresh tokens written to it (one per rotation).
#[derive(Default)]
struct FlakyStore {
    inner: MemoryCredentialStore,
    down: AtomicBool,
    refresh_writes: AtomicUsize,
}

impl FlakyStore {
    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn refresh_writes(&self) -> usize {
        self.refresh_writes.load(Ordering::SeqCst)
    }

    fn peek(&self, name: &str) -> Option<Vec<u8>> {
        self.inner.get(name).unwrap().map(|s| s.to_vec())
    }

    fn check(&self) -> Result<(), CredentialError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(CredentialError("the keychain is locked".into()));
        }
        Ok(())
    }
}

impl CredentialStore for FlakyStore {
    fn get(&self, name: &str) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, CredentialError> {
        self.check()?;
        self.inner.get(name)
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CredentialError> {
        self.check()?;
        if name.starts_with("refresh-token ") {
            self.refresh_writes.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.set(name, secret)
    }

    fn delete(&self, name: &str) -> Result<(), CredentialError> {
        self.check()?;
        self.inner.delete(name)
    }

    fn kind(&self) -> CredentialStoreKind {
        CredentialStoreKind::Os
    }
}

async fn open_at(url: &str, w: &World, creds: &Arc<FlakyStore>) -> Service {
    let store: Arc<dyn CredentialStore> = creds.clone();
    Service::open(config(
        url,
        &w.dir.path().join("client"),
        CredentialChoice::Given(store),
    ))
    .await
    .unwrap()
}

async fn open(w: &World, creds: &Arc<FlakyStore>) -> Service {
    open_at(&w.server.base_url(), w, creds).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_racing_another_renewal_rotates_the_refresh_token_once() {
    let address = "race@corp.example";
    let w = world(address).await;
    let creds = Arc::new(FlakyStore::default());
    let service = open(&w, &creds).await;
    service.sign_in(address, PASSWORD).await.unwrap();
    service.close();
    drop(service);
    // The app was closed longer than the access token lives: a start-up renews first.
    creds
        .delete(&access_token_entry(&w.server.base_url()))
        .unwrap();
    let rotations = creds.refresh_writes();

    let before = w.server.stats().requests;
    let service = open(&w, &creds).await;
    let (a, b) = tokio::join!(service.restore_session(), service.restore_session());
    assert_eq!(a.unwrap().map(|a| a.address).as_deref(), Some(address));
    assert_eq!(b.unwrap().map(|a| a.address).as_deref(), Some(address));
    assert_eq!(
        creds.refresh_writes() - rotations,
        1,
        "exactly one refresh: the second start-up used the first one's token"
    );
    assert_eq!(
        w.server.stats().requests - before,
        3,
        "one token refresh and each start-up's GET"
    );
    // The sign-in is still alive (a reused refresh token would have ended it).
    service.refresh().await.unwrap();
    assert!(creds
        .peek(&refresh_token_entry(&w.server.base_url()))
        .is_some());
    let kept = creds
        .peek(&access_token_entry(&w.server.base_url()))
        .and_then(|b| KeptAccess::decode(&b))
        .unwrap();
    assert!(kept.usable_at(now_unix()));
}

/// Signs in, agrees, then queues a refusal and an agreement that the server does not get (its
/// writes are dropped before they are handled), and closes the app: two sealed consent bodies wait.
async fn two_decisions_queued_then_closed(w: &World, creds: &Arc<FlakyStore>, address: &str) {
    let service = open(w, creds).await;
    service.sign_in(address, PASSWORD).await.unwrap();
    agree(&service).await;
    set_faults(&w.server, "drop@all,scope=writes");
    let notice = service
        .notice(mail_identity_core::locale::Locale::Ko)
        .await
        .unwrap();
    for decision in [ConsentDecision::Refused, ConsentDecision::Agreed] {
        service
            .decide_consent(decision, &notice.version, &notice.sha256)
            .await
            .unwrap();
    }
    wait_for(&service, "a failed attempt", MINUTE, |o| {
        matches!(
            &o.sync,
            SyncStatus::Pending {
                reason: Some(_),
                ..
            }
        )
    })
    .await;
    service.close();
    drop(service);
    // An attempt already on its way when the app closed meets the fault too: the faults are lifted
    // only once it has had its answer (on a loaded machine it can take a moment to leave).
    tokio::time::sleep(Duration::from_secs(2)).await;
    set_faults(&w.server, "none");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_bodies_swapped_between_rows_never_open_and_nothing_is_sent() {
    let address = "swap@corp.example";
    let w = world(address).await;
    let creds = Arc::new(FlakyStore::default());
    two_decisions_queued_then_closed(&w, &creds, address).await;
    let db = w.dir.path().join("client").join("mail-identity.sqlite3");
    let rows = sealed_outbox_rows(&db);
    assert_eq!(rows.len(), 2, "the refusal and the agreement wait");
    {
        // Someone with the file moves the agreement's body into the refusal's row and back.
        let conn = rusqlite::Connection::open(&db).unwrap();
        for ((seq, _), (_, body)) in rows.iter().zip(rows.iter().rev()) {
            conn.execute(
                "UPDATE outbox SET sealed_body = ?2 WHERE seq = ?1",
                rusqlite::params![seq, body],
            )
            .unwrap();
        }
    }
    let before = w.server.stats();
    let service = open(&w, &creds).await;
    service.restore_session().await.unwrap().unwrap();
    let overview = wait_for(&service, "the head refused", MINUTE, |o| {
        matches!(&o.sync, SyncStatus::Error { .. })
    })
    .await;
    let SyncStatus::Error { reason } = overview.sync else {
        unreachable!()
    };
    assert_eq!(reason.code, "unreadable");
    let after = w.server.stats();
    assert_eq!(
        after.writes_applied, before.writes_applied,
        "neither body was sent, not even under the other row's key"
    );
    assert_eq!(after.idempotent_replays, before.idempotent_replays);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_sealed_before_rows_were_named_are_resealed_and_sent_once() {
    let address = "legacy@corp.example";
    let w = world(address).await;
    let creds = Arc::new(FlakyStore::default());
    two_decisions_queued_then_closed(&w, &creds, address).await;
    let db = w.dir.path().join("client").join("mail-identity.sqlite3");
    {
        // As an older version left them: sealed under the record kind only.
        let sealer = Sealer::load_or_create(creds.as_ref()).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        for (seq, body) in sealed_outbox_rows(&db) {
            let kind = "consent";
            let plain = sealer
                .open(
                    format!("mail-identity outbox v2\0{seq}\0{kind}\0{address}").as_bytes(),
                    &body,
                )
                .expect("a fresh body opens for its own row");
            let old = sealer.seal(b"mail-identity outbox v1", &plain).unwrap();
            conn.execute(
                "UPDATE outbox SET sealed_body = ?2, aad = 1 WHERE seq = ?1",
                rusqlite::params![seq, old],
            )
            .unwrap();
        }
    }
    let before = w.server.stats();
    let service = open(&w, &creds).await;
    service.restore_session().await.unwrap().unwrap();
    wait_for(&service, "both decisions synced", MINUTE, synced).await;
    let after = w.server.stats();
    assert_eq!(after.consent_writes - before.consent_writes, 2);
    assert_eq!(after.idempotent_replays, before.idempotent_replays);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_store_that_cannot_be_read_at_start_keeps_everything_and_sends_once_back() {
    let address = "keychain@corp.example";
    let w = world(address).await;
    let creds = Arc::new(FlakyStore::default());
    two_decisions_queued_then_closed(&w, &creds, address).await;
    let typed = draft("seoyeon.lee@naver.com", "010-1234-5678");
    {
        let service = open(&w, &creds).await;
        service.save_draft(&typed).await.unwrap();
        service.close();
    }
    let db = w.dir.path().join("client").join("mail-identity.sqlite3");
    let sealed_before = sealed_outbox_rows(&db);

    // The next start-up: the keychain is locked.
    creds.set_down(true);
    let before = w.server.stats();
    let service = open(&w, &creds).await;
    let restored = service.restore_session().await.unwrap();
    assert_eq!(restored.map(|a| a.address).as_deref(), Some(address));
    let overview = service.overview().await;
    assert_eq!(overview.sync, SyncStatus::CredentialStoreUnavailable);
    assert!(matches!(
        service.load_draft().await,
        Err(ServiceError::CredentialStore)
    ));
    assert!(service.retry_credential_store().await.is_ok());
    tokio::time::sleep(Duration::from_millis(1500)).await; // several timer retries
    assert_eq!(
        service.overview().await.sync,
        SyncStatus::CredentialStoreUnavailable
    );
    assert_eq!(
        sealed_outbox_rows(&db),
        sealed_before,
        "nothing deleted or re-keyed"
    );
    assert_eq!(w.server.stats().writes_applied, before.writes_applied);

    // The keychain answers again: the timer notices, both decisions go out once, the draft is
    // there as it was typed.
    creds.set_down(false);
    wait_for(
        &service,
        "both decisions sent, the draft kept",
        MINUTE,
        |o| o.sync == SyncStatus::SavedLocally,
    )
    .await;
    let after = w.server.stats();
    assert_eq!(after.consent_writes - before.consent_writes, 2);
    assert_eq!(after.idempotent_replays, before.idempotent_replays);
    assert_eq!(service.load_draft().await.unwrap(), Some(typed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_queued_for_another_server_are_never_sent_to_the_new_one() {
    let address = "moved@corp.example";
    let w = world(address).await;
    let creds = Arc::new(FlakyStore::default());
    two_decisions_queued_then_closed(&w, &creds, address).await;

    // IT moves the app to server B (the same account exists there).
    let b_dir = tempfile::tempdir().unwrap();
    let b = start_server(b_dir.path()).await;
    b.create_account(address, "테스트", PASSWORD).await.unwrap();
    let service = open_at(&b.base_url(), &w, &creds).await;
    let overview = service.overview().await;
    assert_eq!(overview.other_server_writes, 2);
    assert_eq!(overview.account, None, "B's sign-in is its own");
    service.sign_in(address, PASSWORD).await.unwrap();
    agree(&service).await;
    assert_eq!(
        b.stats().consent_writes,
        1,
        "only the decision made for B reached B"
    );
    assert_eq!(service.overview().await.other_server_writes, 2);
    let after = service.discard_other_server_writes().await.unwrap();
    assert_eq!(after.other_server_writes, 0);
    service.close();
    drop(service);

    // Pointed back to A, nothing of the discarded writes is left to send.
    let service = open(&w, &creds).await;
    assert_eq!(service.overview().await.other_server_writes, 0);
    let before = w.server.stats().writes_applied;
    service.restore_session().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(w.server.stats().writes_applied, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_parked_for_another_server_go_out_once_when_the_app_is_pointed_back() {
    let address = "back@corp.example";
    let w = world(address).await;
    let creds = Arc::new(FlakyStore::default());
    two_decisions_queued_then_closed(&w, &creds, address).await;
    {
        let service = open_at("http://127.0.0.1:9", &w, &creds).await;
        assert_eq!(service.overview().await.other_server_writes, 2);
        service.close();
    }
    let before = w.server.stats();
    let service = open(&w, &creds).await;
    assert_eq!(service.overview().await.other_server_writes, 0);
    service.restore_session().await.unwrap().unwrap();
    wait_for(&service, "both decisions synced", MINUTE, synced).await;
    assert_eq!(w.server.stats().consent_writes - before.consent_writes, 2);
}
