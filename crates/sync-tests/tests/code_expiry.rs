//! A code that expired while the app was closed. A test binary of its own: it moves the engine's
//! clock for the whole process (`advance_clock_for_tests`), which would age the codes of any test
//! running beside it.

use mail_identity_core::sync::{
    advance_clock_for_tests, Channel, CodeState, ServiceError, SyncStatus,
};
use std::time::Duration;
use sync_tests::inbox::*;
use sync_tests::world::*;
use sync_tests::*;

const MINUTE: Duration = Duration::from_secs(60);
const EMAIL: &str = "seoyeon.lee@naver.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_that_expired_while_the_app_was_closed_shows_expired_and_a_resend_works() {
    let w = world("expired@corp.example").await;
    let service = open(&w).await;
    service
        .sign_in("expired@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&service).await;
    service.submit_identity(&draft(EMAIL, "")).await.unwrap();
    wait_for(&service, "code sent", MINUTE, |o| sent(o, Channel::Email)).await;
    let first = mail_code(&w.server.inbox, EMAIL).await;
    service.close();
    drop(service);

    // The app stays closed past the code's lifetime and the step-up's 5 minutes: the server's
    // clock and the engine's (which judges a code's expiry by itself: no server time reaches it)
    // both move on six minutes.
    advance_clock(&w.server, 6 * MINUTE);
    advance_clock_for_tests(6 * MINUTE);
    let sends = w.server.stats().requests;
    let service = open(&w).await;
    assert!(service.restore_session().await.unwrap().is_some());
    let overview = service.overview().await;
    assert_eq!(
        code_state(&overview, Channel::Email),
        Some(CodeState::Expired)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        w.server.stats().requests - sends <= 2,
        "no code is sent again on its own after a restart"
    );
    assert_eq!(
        service.confirm_code(Channel::Email, &first).await.err(),
        Some(ServiceError::CodeExpired)
    );
    assert_eq!(
        mail_codes(&w.server.inbox, EMAIL).len(),
        1,
        "one code so far"
    );

    let overview = service.resend_code(Channel::Email).await.unwrap();
    assert_eq!(code_state(&overview, Channel::Email), Some(CodeState::Sent));
    let second = mail_code_after(&w.server.inbox, EMAIL, 1).await;
    assert_eq!(
        service.confirm_code(Channel::Email, &first).await.err(),
        Some(ServiceError::CodeIncorrect { attempts_left: 4 }),
        "the old code no longer works"
    );
    service.confirm_code(Channel::Email, &second).await.unwrap();
    // The password was entered more than 5 minutes ago: the save waits for it, with its proof.
    wait_for(&service, "password asked for", MINUTE, |o| {
        o.sync == SyncStatus::PasswordRequired
    })
    .await;
    assert_eq!(w.server.stats().identity_writes, 0);
    service.step_up(PASSWORD).await.unwrap();
    let overview = wait_for(&service, "saved", MINUTE, |o| {
        synced(o) && o.verification.is_none()
    })
    .await;
    assert!(overview.info.unwrap().email_verified_at.is_some());
    assert_eq!(w.server.stats().identity_writes, 1);
}
