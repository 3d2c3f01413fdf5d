//! The real Secret Service unreachable when the app starts, and back at the next start: nothing
//! queued or typed is lost or re-keyed, nothing is sent while it is away, and everything goes out
//! once when it returns.
//!
//! Each run of the app is a child process (this test binary started again on its ignored `child`
//! test), because an outage at start-up is what it tests: the second run starts with its D-Bus
//! session address pointing nowhere, as on a desktop whose keyring daemon did not come up. The
//! engine's own retry while running is `client_hardening`'s test. Runs only where the OS
//! credential store works (inside `cargo xtask test`'s keyring session) and says so otherwise.

use mail_identity_core::sync::{
    ConsentDecision, CredentialChoice, CredentialStoreKind, Draft, Service, ServiceError,
    SyncStatus,
};
use std::process::Command;
use std::time::Duration;
use sync_tests::world::draft;
use sync_tests::*;

const MINUTE: Duration = Duration::from_secs(60);
const BUS: &str = "DBUS_SESSION_BUS_ADDRESS";
const ADDRESS: &str = "outage@corp.example";
/// What the child is asked to do, and where: set by the parent only.
const PHASE: &str = "MAIL_IDENTITY_OUTAGE_PHASE";
const SERVER: &str = "MAIL_IDENTITY_OUTAGE_SERVER";
const DATA: &str = "MAIL_IDENTITY_OUTAGE_DATA";
const KEYRING: &str = "MAIL_IDENTITY_OUTAGE_KEYRING";

fn typed() -> Draft {
    draft("seoyeon.lee@naver.com", "010-1234-5678")
}

/// Runs one start of the app in a child process; panics with its output when it fails.
fn run_child(phase: &str, server: &str, data: &std::path::Path, keyring: &str, bus: &str) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PHASE, phase)
        .env(SERVER, server)
        .env(DATA, data)
        .env(KEYRING, keyring)
        .env(BUS, bus)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the {phase} run failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_service_gone_at_start_keeps_everything_and_it_all_goes_out_once_it_is_back() {
    let Some(bus) = std::env::var(BUS).ok().filter(|_| os_store_available()) else {
        println!("skipped: no Secret Service in this session (cargo xtask test runs one)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(dir.path()).await;
    server
        .create_account(ADDRESS, "테스트", PASSWORD)
        .await
        .unwrap();
    let url = server.base_url();
    let data = dir.path().join("client");
    // A keyring entry name of its own: the session's keyring is shared with other tests.
    let keyring = format!("mail-identity-outage-test-{}", std::process::id());
    let child = |phase: &'static str, bus: String| {
        let (url, data, keyring) = (url.clone(), data.clone(), keyring.clone());
        tokio::task::spawn_blocking(move || run_child(phase, &url, &data, &keyring, &bus))
    };

    // First starts: signed in and agreed; then a refusal queued while the server drops writes,
    // and a draft typed.
    child("setup", bus.clone()).await.unwrap();
    set_faults(&server, "drop@all,scope=writes");
    child("queue", bus.clone()).await.unwrap();
    set_faults(&server, "none");
    let db = data.join("mail-identity.sqlite3");
    let sealed = sealed_outbox_rows(&db);
    assert_eq!(sealed.len(), 1, "the refusal waits, sealed");

    // Second start: the Secret Service cannot be reached.
    let before = server.stats();
    child(
        "outage",
        "unix:path=/nonexistent/mail-identity-test-bus".into(),
    )
    .await
    .unwrap();
    assert_eq!(
        sealed_outbox_rows(&db),
        sealed,
        "nothing deleted or re-keyed"
    );
    assert_eq!(server.stats().writes_applied, before.writes_applied);

    // Third start: it is back; the refusal goes out once and the draft is as typed.
    child("back", bus).await.unwrap();
    let after = server.stats();
    assert_eq!(after.consent_writes - before.consent_writes, 1);
    assert_eq!(after.idempotent_replays, before.idempotent_replays);
    assert!(sealed_outbox_rows(&db).is_empty());
}

/// One start of the app, run by the test above in a child process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of the_secret_service_gone_at_start_…"]
async fn child() {
    let var = |name| std::env::var(name).expect("started by the outage test");
    let phase = var(PHASE);
    let service = Service::open(config(
        &var(SERVER),
        std::path::Path::new(&var(DATA)),
        CredentialChoice::OsOrMemory {
            service: var(KEYRING),
        },
    ))
    .await
    .unwrap();
    assert_eq!(service.credential_store(), CredentialStoreKind::Os);
    match phase.as_str() {
        "setup" => {
            service.sign_in(ADDRESS, PASSWORD).await.unwrap();
            agree(&service).await;
        }
        "queue" => {
            assert!(service.restore_session().await.unwrap().is_some());
            let notice = service
                .notice(mail_identity_core::locale::Locale::Ko)
                .await
                .unwrap();
            service
                .decide_consent(ConsentDecision::Refused, &notice.version, &notice.sha256)
                .await
                .unwrap();
            service.save_draft(&typed()).await.unwrap();
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
        }
        "outage" => {
            let restored = service.restore_session().await.unwrap();
            assert_eq!(restored.map(|a| a.address).as_deref(), Some(ADDRESS));
            assert_eq!(
                service.overview().await.sync,
                SyncStatus::CredentialStoreUnavailable
            );
            assert!(matches!(
                service.load_draft().await,
                Err(ServiceError::CredentialStore)
            ));
            // Its retries find nothing either, and send nothing.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            assert_eq!(
                service.overview().await.sync,
                SyncStatus::CredentialStoreUnavailable
            );
        }
        "back" => {
            assert!(service.restore_session().await.unwrap().is_some());
            wait_for(&service, "the refusal sent", MINUTE, |o| {
                matches!(o.sync, SyncStatus::SavedLocally | SyncStatus::Synced { .. })
            })
            .await;
            assert_eq!(service.load_draft().await.unwrap(), Some(typed()));
            service.sign_out().await.unwrap();
        }
        other => panic!("unknown phase {other}"),
    }
    service.close();
}
