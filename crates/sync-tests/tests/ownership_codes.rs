//! Ownership codes, step-up, re-consent and re-confirm: the engine against the reference server,
//! the codes read from the real dev inbox (see `sync_tests::inbox`). Each test has its own server,
//! inbox and data directory.

use mail_identity_core::sync::{
    Channel, CodeState, CredentialChoice, Service, ServiceError, SyncStatus, VerificationPurpose,
};
use std::time::Duration;
use sync_tests::inbox::*;
use sync_tests::world::*;
use sync_tests::*;

const MINUTE: Duration = Duration::from_secs(60);
const EMAIL: &str = "seoyeon.lee@naver.com";
const PHONE: &str = "010-4821-7395";
const PHONE_E164: &str = "+821048217395";

/// Signs in, agrees, and registers both values with their codes.
async fn registered(w: &World, address: &str) -> Service {
    let service = open(w).await;
    register_both(w, &service, address, (EMAIL, PHONE, PHONE_E164)).await;
    service
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_asks_for_both_codes_a_wrong_one_costs_a_try_and_the_right_ones_save() {
    let w = world("codes@corp.example").await;
    let service = open(&w).await;
    service
        .sign_in("codes@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;
    let outcome = service.submit_identity(&draft(EMAIL, PHONE)).await.unwrap();
    assert!(outcome.field_errors.is_empty());
    let overview = wait_for(&service, "both codes sent", MINUTE, |o| {
        sent(o, Channel::Email) && sent(o, Channel::Phone)
    })
    .await;
    let codes = overview.verification.unwrap();
    assert_eq!(codes.purpose, VerificationPurpose::Change);
    assert_eq!(codes.codes[0].destination, "se***@naver.com");
    assert_eq!(codes.codes[1].destination, "010-****-7395");
    assert_eq!(
        w.server.stats().identity_writes,
        0,
        "no PUT before the codes"
    );

    assert_eq!(
        service.confirm_code(Channel::Email, "12345").await.err(),
        Some(ServiceError::CodeFormat)
    );
    let email_code = mail_code(&w.server.inbox, EMAIL).await;
    assert_eq!(
        service
            .confirm_code(Channel::Email, &wrong_code(&email_code))
            .await
            .err(),
        Some(ServiceError::CodeIncorrect { attempts_left: 4 })
    );
    // Typed as a person types it: blanks and a hyphen are fine.
    let spaced = format!("{} {}", &email_code[..3], &email_code[3..]);
    let after_email = service.confirm_code(Channel::Email, &spaced).await.unwrap();
    assert_eq!(
        code_state(&after_email, Channel::Email),
        Some(CodeState::Confirmed)
    );
    assert!(matches!(after_email.sync, SyncStatus::Pending { .. }));

    let phone_code = sms_code(&w.server.inbox, PHONE_E164).await;
    service
        .confirm_code(
            Channel::Phone,
            &format!("{}-{}", &phone_code[..3], &phone_code[3..]),
        )
        .await
        .unwrap();
    let overview = wait_for(&service, "saved with proofs", MINUTE, |o| {
        synced(o) && o.verification.is_none()
    })
    .await;
    let info = overview.info.unwrap();
    assert!(info.email_verified_at.is_some() && info.phone_verified_at.is_some());
    assert_eq!(
        w.server.stats().identity_writes,
        1,
        "one PUT, with both proofs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_up_in_the_middle_of_an_offline_queue_keeps_the_order_and_sends_once() {
    let w = world("stepup@corp.example").await;
    let service = registered(&w, "stepup@corp.example").await;
    let writes = w.server.stats().identity_writes;
    let confirmed_before = service.overview().await.reconfirm.confirmed_at;
    assert!(confirmed_before.is_some());

    // Offline: the same values again (no code needed, but a change needs a recent password) and
    // a "keep" behind it.
    set_faults(&w.server, "drop@1-100000");
    service.submit_identity(&draft(EMAIL, PHONE)).await.unwrap();
    service.keep_info().await.unwrap();
    wait_for(&service, "offline", MINUTE, |o| !o.online).await;

    // Back online with a sign-in whose password is older than max_age.
    advance_clock(&w.server, Duration::from_secs(6 * 60));
    set_faults(&w.server, "none");
    service.refresh().await.ok();
    let overview = wait_for(&service, "password asked for", MINUTE, |o| {
        o.sync == SyncStatus::PasswordRequired
    })
    .await;
    assert!(overview.account.is_some(), "a step-up is not a sign-out");
    assert_eq!(
        w.server.stats().identity_writes,
        writes,
        "nothing applied yet"
    );

    assert_eq!(
        service.step_up("wrong password").await.err(),
        Some(ServiceError::InvalidCredentials)
    );
    assert_eq!(service.overview().await.sync, SyncStatus::PasswordRequired);

    let replays = w.server.stats().idempotent_replays;
    service.step_up(PASSWORD).await.unwrap();
    wait_for(&service, "both sent", MINUTE, synced).await;
    let stats = w.server.stats();
    // Two identity writes: the save's PUT and the keep's `POST /v1/identity/reconfirm` (the
    // server counts a keep among the identity writes), each applied once: nothing was replayed,
    // and the keep moved `confirmed_at` on.
    assert_eq!(
        stats.identity_writes,
        writes + 2,
        "the save and the keep, each applied exactly once"
    );
    assert_eq!(stats.idempotent_replays, replays, "nothing sent twice");
    let overview = service.overview().await;
    assert!(!overview.reconfirm.due);
    assert!(
        overview.reconfirm.confirmed_at > confirmed_before,
        "the keep was applied"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_notice_after_a_server_restart_shows_consent_first_and_the_write_waits_for_it() {
    let mut w = world("notice@corp.example").await;
    let service = open(&w).await;
    service
        .sign_in("notice@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;
    let old = service.overview().await.consent.notice_version.unwrap();
    service.close();
    drop(service);

    // The server restarts on the same database with a new notice.
    let addr = w.server.addr();
    let inbox = w.server.shutdown().await;
    w.server = start_server_with(w.dir.path(), inbox, |config| {
        config.listen = addr;
        config.notice_version = "2027-01-01".into();
    })
    .await;

    let service = open(&w).await;
    assert!(service.restore_session().await.unwrap().is_some());
    let overview = service.overview().await;
    assert!(overview.needs_consent, "the consent screen, never the form");
    assert_eq!(
        overview.consent.notice_version.as_deref(),
        Some(old.as_str())
    );

    // A write made anyway is refused as consent_outdated and keeps its place.
    service.submit_identity(&draft(EMAIL, "")).await.unwrap();
    let overview = wait_for(&service, "write waits for consent", MINUTE, |o| {
        matches!(&o.sync, SyncStatus::Pending { reason: Some(r), .. } if r.code == "consent_outdated")
    })
    .await;
    assert!(overview.needs_consent);

    // Agreeing again (not `agree`, which waits for everything to be synced: the save still
    // waits for its code after the decision).
    let notice = service
        .notice(mail_identity_core::locale::Locale::Ko)
        .await
        .unwrap();
    assert_eq!(notice.version, "2027-01-01");
    service
        .decide_consent(
            mail_identity_core::sync::ConsentDecision::Agreed,
            &notice.version,
            &notice.sha256,
        )
        .await
        .unwrap();
    let overview = wait_for(&service, "code sent after the agreement", MINUTE, |o| {
        sent(o, Channel::Email)
    })
    .await;
    assert!(!overview.needs_consent);
    assert_eq!(
        overview.consent.notice_version.as_deref(),
        Some("2027-01-01")
    );
    let code = mail_code(&w.server.inbox, EMAIL).await;
    service.confirm_code(Channel::Email, &code).await.unwrap();
    wait_for(&service, "saved", MINUTE, |o| synced(o) && o.info.is_some()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_info_answers_the_reconfirm_card_at_once_and_is_recorded() {
    let w = world("keep@corp.example").await;
    let service = registered(&w, "keep@corp.example").await;
    let before = service.overview().await.reconfirm.confirmed_at.unwrap();
    // The server's setting (days) has passed.
    let days = service.overview().await.reconfirm.days.max(1);
    advance_clock(
        &w.server,
        Duration::from_secs(u64::from(days) * 86_400 + 60),
    );
    // That long after, the session is over (the refresh token lives 30 days): the employee signs
    // in again, and the app reads the identity as the server has it.
    assert_eq!(
        service.refresh().await.err(),
        Some(ServiceError::SessionExpired)
    );
    service
        .sign_in("keep@corp.example", PASSWORD)
        .await
        .unwrap();
    service.refresh().await.unwrap();
    // The card is due by the client's clock only when the days passed here too; the server's
    // confirmed_at moved on with "keep" either way.
    let overview = service.keep_info().await.unwrap();
    assert!(
        !overview.reconfirm.due,
        "answered at once, also before it is sent"
    );
    let overview = wait_for(&service, "keep sent", MINUTE, synced).await;
    assert!(overview.reconfirm.confirmed_at.unwrap() > before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_codes_gives_the_values_back_as_the_draft() {
    let w = world("cancel@corp.example").await;
    let service = open(&w).await;
    service
        .sign_in("cancel@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;
    service.discard_draft().await.unwrap();
    service.submit_identity(&draft(EMAIL, PHONE)).await.unwrap();
    wait_for(&service, "codes", MINUTE, |o| o.verification.is_some()).await;
    let back = service.cancel_verification().await.unwrap().unwrap();
    assert_eq!(back.input.email, EMAIL);
    assert_eq!(back.input.phone, PHONE);
    let overview = service.overview().await;
    assert!(overview.verification.is_none() && overview.info.is_none());
    assert_eq!(overview.sync, SyncStatus::SavedLocally);
    assert_eq!(service.load_draft().await.unwrap(), Some(back));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_registered_before_codes_is_verified_without_a_write() {
    // The demo account `registered@corp.example` was registered before ownership codes: its
    // e-mail and mobile are there, never verified.
    let dir = tempfile::tempdir().unwrap();
    let inbox = start_inbox().await;
    let server = start_server_with(dir.path(), inbox, |config| config.seed_demo = true).await;
    let service = Service::open(config(
        &server.base_url(),
        &dir.path().join("client"),
        CredentialChoice::Memory,
    ))
    .await
    .unwrap();
    service
        .sign_in("registered@corp.example", account_api::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    let overview = service.overview().await;
    let info = overview.info.expect("registered");
    assert_eq!(info.email.as_deref(), Some("se***@naver.com"));
    assert_eq!(info.email_verified_at, None);
    assert_eq!(info.phone_verified_at, None);
    assert!(overview.verification.is_none());

    let overview = service.verify_registered(Channel::Email).await.unwrap();
    let codes = overview.verification.expect("the code screen");
    assert_eq!(codes.purpose, VerificationPurpose::Registered);
    assert_eq!(codes.codes.len(), 1);
    assert_eq!(codes.codes[0].state, CodeState::Sent);
    // No value is sent: the code goes to the registered address.
    let code = mail_code(&server.inbox, "seoyeon.lee@naver.com").await;
    assert_eq!(
        service
            .confirm_code(Channel::Email, &wrong_code(&code))
            .await
            .err(),
        Some(ServiceError::CodeIncorrect { attempts_left: 4 })
    );
    let overview = service.confirm_code(Channel::Email, &code).await.unwrap();
    assert!(overview.verification.is_none());
    let info = overview.info.unwrap();
    assert!(info.email_verified_at.is_some());
    assert_eq!(info.phone_verified_at, None);

    service.verify_registered(Channel::Phone).await.unwrap();
    let code = sms_code(&server.inbox, "+821012345678").await;
    let overview = service.confirm_code(Channel::Phone, &code).await.unwrap();
    assert!(synced(&overview) && overview.verification.is_none());
    let info = overview.info.unwrap();
    assert!(info.email_verified_at.is_some() && info.phone_verified_at.is_some());
    let stats = server.stats();
    assert_eq!(stats.writes_applied, 0, "verified, no write");
}

/// Regression: 확인하기 while another write is on its way. The sender's step for that write had
/// begun before the code's row was put, and its end used to answer the call: the code screen came
/// back `waiting_for_network` although online, and a refusal (caps, sender) was not the call's
/// error. The call now waits for the step that takes its row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_asked_for_while_a_write_is_being_sent_is_answered_by_its_own_step() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = start_inbox().await;
    let server = start_server_with(dir.path(), inbox, |config| config.seed_demo = true).await;
    let service = Service::open(config(
        &server.base_url(),
        &dir.path().join("client"),
        CredentialChoice::Memory,
    ))
    .await
    .unwrap();
    service
        .sign_in("registered@corp.example", account_api::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    // The agreement again, its PUT slowed (well within the client's timeout).
    set_faults(&server, "latency:2000ms@1,scope=writes");
    let notice = service
        .notice(mail_identity_core::locale::Locale::Ko)
        .await
        .unwrap();
    service
        .decide_consent(
            mail_identity_core::sync::ConsentDecision::Agreed,
            &notice.version,
            &notice.sha256,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        matches!(service.overview().await.sync, SyncStatus::Pending { .. }),
        "the agreement is on its way"
    );
    let overview = service.verify_registered(Channel::Email).await.unwrap();
    assert_eq!(
        code_state(&overview, Channel::Email),
        Some(CodeState::Sent),
        "{overview:?}"
    );
    assert_eq!(server.stats().consent_writes, 1);
    let code = mail_code(&server.inbox, "seoyeon.lee@naver.com").await;
    let overview = service.confirm_code(Channel::Email, &code).await.unwrap();
    assert!(overview.info.unwrap().email_verified_at.is_some());
}
