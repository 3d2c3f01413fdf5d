//! The service's flows against the reference server: sign-in, consent, save, restart, conflict,
//! delete, sign-out, session renewal. Each test has its own server, dev inbox and data directory;
//! a new value is saved once its owner's code (read from the inbox) is confirmed.

use mail_identity_core::identity::IdentityInput;
use mail_identity_core::sync::api_client::{ApiClient, ApiConfig};
use mail_identity_core::sync::credentials::{
    access_token_entry, refresh_token_entry, CredentialStore,
};
use mail_identity_core::sync::kept_access::{now_unix, KeptAccess};
use mail_identity_core::sync::{
    ConflictChoice, ConsentState, CredentialChoice, Draft, DraftField, MemoryCredentialStore,
    ReceiptDecision, Service, ServiceError, SyncStatus,
};
use std::sync::Arc;
use std::time::Duration;
use sync_tests::inbox::confirm_codes;
use sync_tests::world::{world, World};
use sync_tests::*;

const MINUTE: Duration = Duration::from_secs(60);

async fn open(world: &World, name: &str, creds: &Arc<MemoryCredentialStore>) -> Service {
    let store: Arc<dyn CredentialStore> = creds.clone();
    Service::open(config(
        &world.server.base_url(),
        &world.dir.path().join(name),
        CredentialChoice::Given(store),
    ))
    .await
    .unwrap()
}

fn draft(email: &str, phone: &str) -> Draft {
    Draft {
        input: IdentityInput {
            email: email.into(),
            phone: phone.into(),
            ..IdentityInput::default()
        },
        focus: Some(DraftField::Phone),
        caret: Some(3),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_agree_save_then_a_restart_costs_one_conditional_get_and_idle_sends_nothing() {
    let w = world("flow@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    assert_eq!(service.overview().await.account, None);
    let account = service
        .sign_in("flow@corp.example", PASSWORD)
        .await
        .unwrap();
    assert_eq!(account.address, "flow@corp.example");
    let overview = service.overview().await;
    assert!(overview.needs_consent);
    assert_eq!(overview.consent.state, ConsentState::Pending);
    agree(&service).await;

    let outcome = service
        .submit_identity(&draft("seoyeon.lee@naver.com", "010-1234-5678"))
        .await
        .unwrap();
    assert!(outcome.field_errors.is_empty());
    confirm_codes(
        &service,
        &w.server.inbox,
        Some("seoyeon.lee@naver.com"),
        Some("+821012345678"),
    )
    .await;
    let overview = wait_for(&service, "save synced", MINUTE, synced).await;
    let info = overview.info.unwrap();
    assert_eq!(info.email.as_deref(), Some("se***@naver.com"));
    assert_eq!(info.phone.as_deref(), Some("010-****-5678"));
    assert_eq!(w.server.stats().writes_applied, 2);
    service.close();
    drop(service);

    // A restart: the kept access token carries the one conditional GET (304); no token request.
    let before = w.server.stats().requests;
    let service = open(&w, "client", &creds).await;
    let restored = service.restore_session().await.unwrap();
    assert_eq!(restored, Some(account));
    assert_eq!(w.server.stats().requests - before, 1);
    let overview = service.overview().await;
    assert!(synced(&overview), "{overview:?}");
    assert_eq!(
        overview.info.unwrap().phone.as_deref(),
        Some("010-****-5678")
    );
    // Idle: nothing is sent.
    let idle = w.server.stats().requests;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(w.server.stats().requests, idle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_bad_urls_and_local_validation_have_codes() {
    let w = world("codes@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    let error = service
        .sign_in("codes@corp.example", "wrong")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "invalid_credentials");
    assert_eq!(
        service
            .submit_identity(&Draft::default())
            .await
            .unwrap_err(),
        ServiceError::NotSignedIn
    );
    let bad = Service::open(config(
        "http://example.com",
        &w.dir.path().join("bad"),
        CredentialChoice::Memory,
    ))
    .await;
    assert_eq!(bad.err().map(|e| e.code()), Some("server_url_invalid"));

    service
        .sign_in("codes@corp.example", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        service
            .submit_identity(&draft("a@naver.com", ""))
            .await
            .unwrap_err(),
        ServiceError::ConsentRequired
    );
    agree(&service).await;
    let outcome = service
        .submit_identity(&draft("codes@corp.example", "02-123-4567"))
        .await
        .unwrap();
    let codes: Vec<_> = outcome
        .field_errors
        .iter()
        .map(|e| e.code.as_str())
        .collect();
    assert_eq!(codes, vec!["same_as_account", "not_mobile"]);
    assert!(synced(&outcome.overview), "nothing was queued");
    assert_eq!(
        service
            .resolve_conflict(ConflictChoice::Mine)
            .await
            .unwrap_err(),
        ServiceError::NoConflict
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_from_another_device_is_never_overwritten_silently() {
    let w = world("two@corp.example").await;
    let (ca, cb) = (
        Arc::new(MemoryCredentialStore::default()),
        Arc::new(MemoryCredentialStore::default()),
    );
    let a = open(&w, "a", &ca).await;
    let b = open(&w, "b", &cb).await;
    a.sign_in("two@corp.example", PASSWORD).await.unwrap();
    agree(&a).await;
    b.sign_in("two@corp.example", PASSWORD).await.unwrap();
    assert_eq!(b.overview().await.consent.state, ConsentState::Agreed);

    // A saves; B, still on the version before, saves something else.
    a.submit_identity(&draft("first.one@naver.com", ""))
        .await
        .unwrap();
    confirm_codes(&a, &w.server.inbox, Some("first.one@naver.com"), None).await;
    wait_for(&a, "a synced", MINUTE, synced).await;
    b.submit_identity(&draft("second.two@gmail.com", ""))
        .await
        .unwrap();
    // B's code is asked for before its save is sent (the conflict shows at the PUT).
    confirm_codes(&b, &w.server.inbox, Some("second.two@gmail.com"), None).await;
    let overview = wait_for(&b, "a conflict", MINUTE, |o| {
        matches!(o.sync, SyncStatus::Conflict { .. })
    })
    .await;
    let SyncStatus::Conflict {
        server,
        mine,
        mine_at,
    } = overview.sync
    else {
        unreachable!()
    };
    // The dialog shows when the change on this computer was made.
    assert!(
        mine_at.is_some_and(|at| at.ends_with('Z') && at.len() == 20),
        "mine_at is an RFC 3339 time"
    );
    assert_eq!(server.unwrap().email.as_deref(), Some("fi***@naver.com"));
    assert_eq!(mine.unwrap().email.as_deref(), Some("se***@gmail.com"));
    let writes = w.server.stats().identity_writes;
    assert_eq!(writes, 1, "B's save was not applied");

    // "Mine": B's version goes over A's.
    b.resolve_conflict(ConflictChoice::Mine).await.unwrap();
    let overview = wait_for(&b, "b synced", MINUTE, synced).await;
    assert_eq!(
        overview.info.unwrap().email.as_deref(),
        Some("se***@gmail.com")
    );

    // Again, and this time "the server's": A's version stays, B's is dropped.
    a.refresh().await.unwrap();
    a.submit_identity(&draft("third.three@daum.net", ""))
        .await
        .unwrap();
    confirm_codes(&a, &w.server.inbox, Some("third.three@daum.net"), None).await;
    wait_for(&a, "a synced", MINUTE, synced).await;
    b.submit_identity(&draft("fourth.four@naver.com", ""))
        .await
        .unwrap();
    confirm_codes(&b, &w.server.inbox, Some("fourth.four@naver.com"), None).await;
    wait_for(&b, "a conflict", MINUTE, |o| {
        matches!(o.sync, SyncStatus::Conflict { .. })
    })
    .await;
    let overview = b.resolve_conflict(ConflictChoice::Server).await.unwrap();
    assert_eq!(
        overview.info.unwrap().email.as_deref(),
        Some("th***@daum.net")
    );
    wait_for(&b, "b synced", MINUTE, synced).await;
    assert_eq!(w.server.stats().identity_writes, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_comes_back_exactly_and_expires() {
    let w = world("draft@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    let typed = Draft {
        input: IdentityInput {
            email: "half.typed@nav".into(),
            phone: "090-1234".into(),
            overseas: true,
            country: Some("JP".into()),
        },
        focus: Some(DraftField::Email),
        caret: Some(9),
    };
    service.save_draft(&typed).await.unwrap();
    assert!(
        matches!(service.overview().await.sync, SyncStatus::Synced { .. }),
        "signed out"
    );
    drop(service);
    let service = open(&w, "client", &creds).await;
    assert_eq!(service.load_draft().await.unwrap(), Some(typed.clone()));
    service.discard_draft().await.unwrap();
    assert_eq!(service.load_draft().await.unwrap(), None);

    let mut short = config(
        &w.server.base_url(),
        &w.dir.path().join("short"),
        CredentialChoice::Memory,
    );
    short.draft_lifetime_days = 0;
    let service = Service::open(short).await.unwrap();
    service.save_draft(&typed).await.unwrap();
    assert_eq!(service.load_draft().await.unwrap(), None, "expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_reads_back_purges_and_journals_and_sign_out_wipes() {
    let w = world("delete@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    service
        .sign_in("delete@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;
    service
        .submit_identity(&draft("to.delete@naver.com", "010-2222-3333"))
        .await
        .unwrap();
    confirm_codes(
        &service,
        &w.server.inbox,
        Some("to.delete@naver.com"),
        Some("+821022223333"),
    )
    .await;
    wait_for(&service, "saved", MINUTE, synced).await;
    service
        .save_draft(&draft("later@naver.com", ""))
        .await
        .unwrap();

    service.delete_identity().await.unwrap();
    let overview = wait_for(&service, "deleted", MINUTE, synced).await;
    assert_eq!(overview.info, None);
    assert_eq!(overview.consent.state, ConsentState::Withdrawn);
    assert_eq!(service.load_draft().await.unwrap(), None, "drafts purged");
    assert_eq!(w.server.stats().identity_deletes, 1);
    let receipts = service.consent_receipts().await.unwrap();
    let decisions: Vec<_> = receipts.iter().map(|r| r.decision).collect();
    assert_eq!(
        decisions,
        vec![ReceiptDecision::Withdrawn, ReceiptDecision::Agreed]
    );
    assert!(receipts
        .iter()
        .all(|r| r.synced && r.app_version == "0.1.0-test"));

    service
        .save_draft(&draft("again@naver.com", ""))
        .await
        .unwrap();
    service.sign_out().await.unwrap();
    assert!(
        creds
            .get(&refresh_token_entry(&w.server.base_url()))
            .unwrap()
            .is_none(),
        "token deleted"
    );
    assert!(
        creds
            .get(&access_token_entry(&w.server.base_url()))
            .unwrap()
            .is_none(),
        "kept access token deleted"
    );
    assert_eq!(service.load_draft().await.unwrap(), None, "drafts wiped");
    assert_eq!(service.overview().await.account, None);
    assert_eq!(service.restore_session().await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_asks_to_sign_in_again_and_keeps_the_outbox() {
    let w = world("revoked@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    service
        .sign_in("revoked@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;

    // The sign-in is revoked behind the app's back (the webmail's "sign out everywhere").
    let token = String::from_utf8(
        creds
            .get(&refresh_token_entry(&w.server.base_url()))
            .unwrap()
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    let api = ApiClient::new(&ApiConfig::new(&w.server.base_url(), "0", "test")).unwrap();
    api.revoke(&token).await.unwrap();

    service
        .submit_identity(&draft("kept@naver.com", ""))
        .await
        .unwrap();
    let overview = wait_for(&service, "sign-in required", MINUTE, |o| {
        o.sync == SyncStatus::SignInRequired
    })
    .await;
    assert_eq!(
        overview.info.unwrap().email.as_deref(),
        Some("ke***@naver.com")
    );
    assert_eq!(w.server.stats().identity_writes, 0);

    service
        .sign_in("revoked@corp.example", PASSWORD)
        .await
        .unwrap();
    // The code could not be asked for while signed out: it is, now.
    confirm_codes(&service, &w.server.inbox, Some("kept@naver.com"), None).await;
    let overview = wait_for(&service, "synced after sign-in", MINUTE, synced).await;
    assert_eq!(
        overview.info.unwrap().email.as_deref(),
        Some("ke***@naver.com")
    );
    assert_eq!(w.server.stats().identity_writes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_on_an_outdated_notice_is_refused_with_its_reason_until_decided_again() {
    let w = world("outdated@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    service
        .sign_in("outdated@corp.example", PASSWORD)
        .await
        .unwrap();
    service
        .decide_consent(
            mail_identity_core::sync::ConsentDecision::Agreed,
            "2019-01",
            &"0".repeat(64),
        )
        .await
        .unwrap();
    let overview = wait_for(&service, "refused decision", MINUTE, |o| {
        matches!(o.sync, SyncStatus::Error { .. })
    })
    .await;
    let SyncStatus::Error { reason } = overview.sync else {
        unreachable!()
    };
    assert_eq!(reason.code, "notice_outdated");
    assert_eq!(w.server.stats().writes_applied, 0);
    // The journal keeps what the user decided, unsent.
    let receipts = service.consent_receipts().await.unwrap();
    assert_eq!(receipts.len(), 1);
    assert!(!receipts[0].synced);

    agree(&service).await;
    let overview = service.overview().await;
    assert_eq!(overview.consent.state, ConsentState::Agreed);
    assert!(!overview.needs_consent);
    assert_eq!(w.server.stats().writes_applied, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_form_starts_from_the_registered_values_so_one_part_is_never_lost() {
    let w = world("change@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = open(&w, "client", &creds).await;
    service
        .sign_in("change@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;
    service
        .submit_identity(&draft("seoyeon.lee@naver.com", "01012345678"))
        .await
        .unwrap();
    confirm_codes(
        &service,
        &w.server.inbox,
        Some("seoyeon.lee@naver.com"),
        Some("+821012345678"),
    )
    .await;
    wait_for(&service, "save synced", MINUTE, synced).await;

    // Nothing typed yet: the form is the registered info, the phone as a person writes it.
    let prefilled = service.load_draft().await.unwrap().expect("prefilled");
    assert_eq!(prefilled.input.email, "seoyeon.lee@naver.com");
    assert_eq!(prefilled.input.phone, "010-1234-5678");
    assert!(!prefilled.input.overseas);

    // Changing the phone alone keeps the e-mail.
    let changed = Draft {
        input: IdentityInput {
            phone: "010-9876-5432".into(),
            ..prefilled.input
        },
        ..prefilled
    };
    service.submit_identity(&changed).await.unwrap();
    // Only the new phone needs a code: the e-mail is unchanged.
    confirm_codes(&service, &w.server.inbox, None, Some("+821098765432")).await;
    let overview = wait_for(&service, "change synced", MINUTE, |o| {
        synced(o)
            && o.info
                .as_ref()
                .is_some_and(|i| i.phone.as_deref() == Some("010-****-5432"))
    })
    .await;
    assert_eq!(
        overview.info.unwrap().email.as_deref(),
        Some("se***@naver.com")
    );
}

/// Signs in, agrees, and closes the app: what a restart then finds in the credential store.
async fn signed_in_then_closed(w: &World, creds: &Arc<MemoryCredentialStore>, address: &str) {
    let service = open(w, "client", creds).await;
    service.sign_in(address, PASSWORD).await.unwrap();
    agree(&service).await;
    wait_for(&service, "consent synced", MINUTE, synced).await;
    service.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_the_access_token_expired_refreshes_first_then_gets() {
    let w = world("expired@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    signed_in_then_closed(&w, &creds, "expired@corp.example").await;

    // The kept token is past its lifetime (the app was closed longer than 15 minutes).
    let entry = access_token_entry(&w.server.base_url());
    let kept = KeptAccess::decode(&creds.get(&entry).unwrap().unwrap()).unwrap();
    assert!(
        kept.usable_at(now_unix()),
        "a fresh sign-in keeps a usable token"
    );
    let expired = KeptAccess {
        expires_at: now_unix() - 1,
        ..kept
    };
    creds.set(&entry, &expired.encode()).unwrap();

    let before = w.server.stats().requests;
    let service = open(&w, "client", &creds).await;
    let restored = service.restore_session().await.unwrap();
    assert_eq!(restored.unwrap().address, "expired@corp.example");
    assert_eq!(w.server.stats().requests - before, 2, "token refresh + GET");
    let renewed = KeptAccess::decode(&creds.get(&entry).unwrap().unwrap()).unwrap();
    assert!(renewed.usable_at(now_unix()), "the renewed token is kept");
    assert_ne!(renewed.token.as_str(), expired.token.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_token_the_server_refuses_is_renewed_once_and_the_start_up_goes_on() {
    let w = world("refused@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    signed_in_then_closed(&w, &creds, "refused@corp.example").await;

    // The server no longer knows the kept token (e.g. its database was restored), but the
    // refresh token is still good: a 401, a refresh, the GET again.
    let entry = access_token_entry(&w.server.base_url());
    let kept = KeptAccess::decode(&creds.get(&entry).unwrap().unwrap()).unwrap();
    let api = ApiClient::new(&ApiConfig::new(&w.server.base_url(), "0", "test")).unwrap();
    api.revoke(&kept.token).await.unwrap();

    let before = w.server.stats().requests;
    let service = open(&w, "client", &creds).await;
    let restored = service.restore_session().await.unwrap();
    assert_eq!(restored.unwrap().address, "refused@corp.example");
    assert_eq!(
        w.server.stats().requests - before,
        3,
        "GET 401, token refresh, GET"
    );
    let overview = service.overview().await;
    assert!(synced(&overview), "{overview:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_ended_elsewhere_shows_sign_in_at_the_next_start_and_forgets_the_tokens() {
    let w = world("ended@corp.example").await;
    let creds = Arc::new(MemoryCredentialStore::default());
    signed_in_then_closed(&w, &creds, "ended@corp.example").await;

    // "Sign out everywhere" in the webmail: the whole sign-in is revoked, the kept access token
    // with it.
    let refresh = refresh_token_entry(&w.server.base_url());
    let token = String::from_utf8(creds.get(&refresh).unwrap().unwrap().to_vec()).unwrap();
    let api = ApiClient::new(&ApiConfig::new(&w.server.base_url(), "0", "test")).unwrap();
    api.revoke(&token).await.unwrap();

    let service = open(&w, "client", &creds).await;
    assert_eq!(service.restore_session().await.unwrap(), None);
    assert!(
        creds.get(&refresh).unwrap().is_none(),
        "refresh token forgotten"
    );
    let access = access_token_entry(&w.server.base_url());
    assert!(
        creds.get(&access).unwrap().is_none(),
        "access token forgotten"
    );
    let overview = service.overview().await;
    assert_eq!(overview.account, None);
    assert_ne!(
        overview.sync,
        SyncStatus::SignInRequired,
        "the sign-in screen, not a banner"
    );
}
