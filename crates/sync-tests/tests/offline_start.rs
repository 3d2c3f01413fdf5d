//! Offline-first: a start-up shows what is kept before the server answers and asks it behind the
//! screen; a write never holds the window longer than the hold limit on the network and is sent
//! once; and offline, not answering and cut off are told apart, each against a real socket that
//! does exactly that (a closed port, a listener that never answers, one that closes mid-body).
//! The slow and silent networks are a TCP gate in front of the reference server
//! (`sync_tests::gate`).

use mail_identity_core::sync::api_client::{ApiClient, ApiConfig};
use mail_identity_core::sync::credentials::{refresh_token_entry, CredentialStore};
use mail_identity_core::sync::{
    CredentialChoice, MemoryCredentialStore, Service, ServiceError, SyncStatus, Unreachable,
    HOLD_LIMIT,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sync_tests::gate::{Gate, Mode};
use sync_tests::world::{draft, register_both, world, World};
use sync_tests::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MINUTE: Duration = Duration::from_secs(60);
const EMAIL: &str = "jiho.park@naver.com";
const PHONE: &str = "010-3377-2468";
const PHONE_E164: &str = "+821033772468";
/// Generous, so that a busy machine does not fail the test: the point is "not the request
/// timeout", and the hold limit itself is a constant the service uses.
const HELD_AT_MOST: Duration = Duration::from_secs(5);

/// The app on this world's data directory, talking to the server through `gate`.
async fn open_behind(w: &World, gate: &Gate) -> Service {
    let store: Arc<dyn CredentialStore> = w.creds.clone();
    Service::open(config(
        &gate.base_url(),
        &w.dir.path().join("client"),
        CredentialChoice::Given(store),
    ))
    .await
    .unwrap()
}

/// Signed in through the gate, agreed, both values registered with their codes.
async fn registered_behind(w: &World, gate: &Gate, address: &str) -> Service {
    let service = open_behind(w, gate).await;
    register_both(w, &service, address, (EMAIL, PHONE, PHONE_E164)).await;
    service
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_start_shows_the_kept_info_before_the_server_answers_then_checks_behind_it() {
    let w = world("start@corp.example").await;
    let gate = Gate::start(&w.server.base_url(), Mode::Pass).await;
    let first = registered_behind(&w, &gate, "start@corp.example").await;
    let kept = first.overview().await.info.expect("registered info");
    first.close();
    drop(first);

    // The server falls silent (a proxy dropping packets); the app starts.
    gate.set(Mode::Silent);
    let service = open_behind(&w, &gate).await;
    let started = Instant::now();
    let account = service.open_session().await.unwrap();
    let shown = started.elapsed();
    assert_eq!(account.unwrap().address, "start@corp.example");
    assert!(
        shown < HOLD_LIMIT,
        "the start-up waited {shown:?} for a silent server"
    );
    let overview = service.overview().await;
    assert_eq!(
        overview.info.as_ref(),
        Some(&kept),
        "the masked info as kept"
    );
    assert_eq!(overview.sync, SyncStatus::Checking);
    assert!(overview.online, "checking is not offline");
    assert!(!overview.needs_consent);

    // Behind the screen the check runs into the request timeout: not answering, info still shown.
    let overview = wait_for(&service, "not answering", MINUTE, |o| {
        o.sync
            == SyncStatus::Unreachable {
                why: Unreachable::NotAnswering,
            }
    })
    .await;
    assert_eq!(overview.info.as_ref(), Some(&kept));
    assert!(!overview.online);

    // The network comes back: the check is made again without the user, and finds the same.
    gate.set(Mode::Pass);
    let overview = wait_for(&service, "synced again", MINUTE, synced).await;
    assert_eq!(overview.info.as_ref(), Some(&kept));
    assert!(overview.online);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_changes_nothing_on_screen_until_it_answers() {
    let w = world("slow@corp.example").await;
    let gate = Gate::start(&w.server.base_url(), Mode::Pass).await;
    let first = registered_behind(&w, &gate, "slow@corp.example").await;
    first.close();
    drop(first);

    gate.set(Mode::Delay(Duration::from_millis(1500)));
    let service = open_behind(&w, &gate).await;
    let started = Instant::now();
    assert!(service.open_session().await.unwrap().is_some());
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "shown before the answer"
    );
    assert!(service.overview().await.info.is_some());
    assert_eq!(service.overview().await.sync, SyncStatus::Checking);
    wait_for(&service, "the slow answer", MINUTE, synced).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_while_the_server_is_silent_returns_within_the_hold_limit_and_is_sent_once() {
    let w = world("hold@corp.example").await;
    let gate = Gate::start(&w.server.base_url(), Mode::Pass).await;
    let service = registered_behind(&w, &gate, "hold@corp.example").await;
    let before = w.server.stats();

    // The same values again: no code is needed, so the save goes to the network at once.
    gate.set(Mode::Silent);
    let started = Instant::now();
    let outcome = service.submit_identity(&draft(EMAIL, PHONE)).await.unwrap();
    let held = started.elapsed();
    assert!(outcome.field_errors.is_empty());
    assert!(held < HELD_AT_MOST, "the save held the window {held:?}");
    assert!(
        held >= HOLD_LIMIT - Duration::from_millis(100),
        "it waited for the first answer up to the hold limit ({held:?})"
    );
    assert!(
        matches!(outcome.overview.sync, SyncStatus::Pending { .. }),
        "{:?}",
        outcome.overview.sync
    );

    gate.set(Mode::Pass);
    wait_for(&service, "the save sent", MINUTE, synced).await;
    let after = w.server.stats();
    assert_eq!(
        after.identity_writes - before.identity_writes,
        1,
        "sent once"
    );
    assert_eq!(after.idempotent_replays, before.idempotent_replays);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_ended_elsewhere_is_learned_behind_the_kept_screen_and_shows_sign_in() {
    let w = world("ended.bg@corp.example").await;
    let gate = Gate::start(&w.server.base_url(), Mode::Pass).await;
    let first = open_behind(&w, &gate).await;
    first
        .sign_in("ended.bg@corp.example", PASSWORD)
        .await
        .unwrap();
    agree(&first).await;
    first.close();
    drop(first);

    let refresh = refresh_token_entry(&gate.base_url());
    let token = String::from_utf8(w.creds.get(&refresh).unwrap().unwrap().to_vec()).unwrap();
    let api = ApiClient::new(&ApiConfig::new(&w.server.base_url(), "0", "test")).unwrap();
    api.revoke(&token).await.unwrap();

    let service = open_behind(&w, &gate).await;
    let account = service.open_session().await.unwrap();
    assert!(account.is_some(), "the kept account first");
    wait_for(&service, "sign-in shown", MINUTE, |o| o.account.is_none()).await;
    assert!(
        w.creds.get(&refresh).unwrap().is_none(),
        "refresh token forgotten"
    );
}

/// A sign-in against `url`, as the window makes it: the error code it shows.
async fn sign_in_code(url: &str) -> (ServiceError, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(
        url,
        dir.path(),
        CredentialChoice::Given(Arc::new(MemoryCredentialStore::default())),
    );
    config.request_timeout = Duration::from_secs(1);
    let service = Service::open(config).await.unwrap();
    let started = Instant::now();
    let error = service
        .sign_in("who@corp.example", PASSWORD)
        .await
        .unwrap_err();
    (error, started.elapsed())
}

/// A loopback listener that answers every connection with `answer` (after reading the request),
/// then closes; `None` never answers and keeps the connection open.
async fn listener(answer: Option<&'static [u8]>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 8192];
            let _ = socket.read(&mut request).await;
            match answer {
                Some(bytes) => {
                    let _ = socket.write_all(bytes).await;
                    let _ = socket.shutdown().await;
                }
                None => held.push(socket),
            }
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_not_answering_and_cut_off_are_told_apart_against_real_sockets() {
    // A port where nothing listens: refused.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (error, _) = sign_in_code(&url).await;
    assert_eq!(error, ServiceError::Offline);
    assert_eq!(error.code(), "offline");

    // A listener that takes the request and never answers: not answering, after the timeout.
    let (error, took) = sign_in_code(&listener(None).await).await;
    assert_eq!(error, ServiceError::Timeout);
    assert!(took >= Duration::from_millis(900), "{took:?}");

    // A listener that starts the answer and closes in the middle of its body.
    let mid_body: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"access_token\":\"abc";
    let (error, _) = sign_in_code(&listener(Some(mid_body)).await).await;
    assert_eq!(error, ServiceError::CutOff);
    assert_eq!(error.code(), "cut_off");

    // A listener that closes after the request, before any answer.
    let (error, _) = sign_in_code(&listener(Some(b"")).await).await;
    assert_eq!(error, ServiceError::CutOff);

    // A body whose length is honest but whose JSON stops early (something in between cut it).
    let truncated: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 20\r\n\r\n{\"access_token\":\"abc";
    let (error, _) = sign_in_code(&listener(Some(truncated)).await).await;
    assert_eq!(error, ServiceError::CutOff);

    // An answer that is whole but not what the contract says stays "the server failed".
    let portal: &[u8] =
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 13\r\n\r\n<html></html>";
    let (error, _) = sign_in_code(&listener(Some(portal)).await).await;
    assert_eq!(error, ServiceError::ServerError);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_waiting_on_a_silent_server_can_be_cancelled_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let creds = Arc::new(MemoryCredentialStore::default());
    let service = Service::open(config(
        &listener(None).await,
        dir.path(),
        CredentialChoice::Given(creds.clone()),
    ))
    .await
    .unwrap();
    let waiting = {
        let service = service.clone();
        tokio::spawn(async move { service.sign_in("who@corp.example", PASSWORD).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cancelled = Instant::now();
    service.cancel_sign_in();
    let answer = waiting.await.unwrap();
    assert_eq!(answer.unwrap_err(), ServiceError::SignInCancelled);
    assert!(
        cancelled.elapsed() < Duration::from_secs(2),
        "the wait ended when cancelled, not at the request timeout"
    );
    assert_eq!(service.overview().await.account, None);
    assert_eq!(service.open_session().await.unwrap(), None, "nothing kept");
}
