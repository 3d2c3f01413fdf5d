//! The harness shared by the sync tests, the crash child and the stampede: the reference server
//! started in-process (in fault mode, so that `/_test/stats` and `set_faults` work) with its codes
//! delivered to a dev inbox of its own, accounts, and services configured for tests (short backoff,
//! a credential store of their own).
//!
//! Never a mock: every request goes over loopback HTTP to `account_api::serve`, and every code
//! goes over SMTP or the SMS webhook to `dev_inbox`.

pub mod gate;
pub mod inbox;
pub mod world;

use account_api::{Config, FaultSpec, ServerHandle};
use dev_inbox::DevInbox;
use mail_identity_core::sync::{
    BackoffPolicy, CredentialChoice, Overview, Service, ServiceConfig, SyncStatus,
};
use std::path::Path;
use std::time::Duration;

/// The password of every test account.
pub const PASSWORD: &str = "Test-2026!pw";

/// The recovery e-mail the crash test registers once (with its code) and its children then save
/// again and again: a value the server holds needs no new code.
pub const CRASH_EMAIL: &str = "crash.child@naver.com";

/// A running reference server and the dev inbox its codes (and change alerts) are delivered to.
/// It dereferences to the server's handle (`stats`, `create_account`, `base_url`, …).
pub struct TestServer {
    pub handle: ServerHandle,
    pub inbox: DevInbox,
}

impl std::ops::Deref for TestServer {
    type Target = ServerHandle;

    fn deref(&self) -> &ServerHandle {
        &self.handle
    }
}

impl TestServer {
    /// Stops the server and gives its inbox back (to restart a server on the same database and
    /// inbox with [`start_server_with`]).
    pub async fn shutdown(self) -> DevInbox {
        self.handle.shutdown().await;
        self.inbox
    }
}

/// A reference server on a free loopback port, with its database in `dir`, delivering to a fresh
/// dev inbox, with send caps no ordinary test reaches ([`inbox::roomy_caps`]).
pub async fn start_server(dir: &Path) -> TestServer {
    start_server_with(dir, inbox::start_inbox().await, |_| {}).await
}

/// As [`start_server`], delivering to `inbox`, with `adjust` applied to the configuration last
/// (e.g. `listen` to restart on the same port, `notice_version`, `send_caps`).
pub async fn start_server_with(
    dir: &Path,
    inbox: DevInbox,
    adjust: impl FnOnce(&mut Config),
) -> TestServer {
    let mut config = Config::new(
        "127.0.0.1:0".parse().expect("address"),
        dir.join("server.db"),
    );
    config.faults = Some(FaultSpec::default());
    config.send_caps = inbox::roomy_caps();
    inbox::deliver_to(&mut config, &inbox);
    adjust(&mut config);
    let handle = account_api::serve(config)
        .await
        .expect("the reference server starts");
    TestServer { handle, inbox }
}

/// Sets a fault spec (e.g. `503@1-3,retry-after=1,scope=writes`); `none` stops the faults.
pub fn set_faults(server: &ServerHandle, spec: &str) {
    let spec: FaultSpec = spec.parse().expect("a valid fault spec");
    assert!(server.set_faults(spec), "the server is in fault mode");
}

/// A test configuration: short backoff and timeouts, the given credential store.
pub fn config(server_url: &str, data_dir: &Path, store: CredentialChoice) -> ServiceConfig {
    let mut config = ServiceConfig::new(data_dir, server_url, "0.1.0-test", "linux-test");
    config.credential_store = store;
    config.backoff = BackoffPolicy {
        base: Duration::from_millis(50),
        max: Duration::from_millis(800),
    };
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_secs(5);
    config
}

/// Waits (generously: tests must not flake on a busy machine) until the overview satisfies `done`.
pub async fn wait_for(
    service: &Service,
    what: &str,
    timeout: Duration,
    done: impl Fn(&Overview) -> bool,
) -> Overview {
    let mut rx = service.subscribe();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let current = service.overview().await;
        if done(&current) {
            return current;
        }
        tokio::select! {
            _ = rx.changed() => {}
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            _ = tokio::time::sleep_until(deadline) => {
                panic!("timed out waiting for {what}; last overview: {current:?}");
            }
        }
    }
}

/// True when the overview says everything was sent.
pub fn synced(overview: &Overview) -> bool {
    matches!(overview.sync, SyncStatus::Synced { .. })
}

/// Signs in a fresh service and agrees to the current notice, waiting until the server has it.
pub async fn agree(service: &Service) {
    let notice = service
        .notice(mail_identity_core::locale::Locale::Ko)
        .await
        .expect("the notice");
    service
        .decide_consent(
            mail_identity_core::sync::ConsentDecision::Agreed,
            &notice.version,
            &notice.sha256,
        )
        .await
        .expect("the decision is queued");
    wait_for(service, "consent synced", Duration::from_secs(60), synced).await;
}

/// Every byte of every regular file under `dir`, with its path.
pub fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out
}

/// Where `needle` occurs in `haystack`, case-insensitively for ASCII.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The ways a phone number's digits can be written: `010-4821-7395` gives `01048217395`,
/// `010-4821-7395`, `010 4821 7395`, `010.4821.7395`, `+821048217395`, `821048217395`,
/// `+82 10-4821-7395`, `10-4821-7395`, `48217395`, `4821-7395`, `4821 7395`.
pub fn phone_spellings(national: &str) -> Vec<String> {
    let groups: Vec<&str> = national.split('-').collect();
    let digits: String = groups.concat();
    let without_trunk = digits.trim_start_matches('0').to_string();
    let mut out = vec![
        digits.clone(),
        format!("+82{without_trunk}"),
        format!("82{without_trunk}"),
        format!("+82 {}", national.trim_start_matches('0')),
        national.trim_start_matches('0').to_string(),
    ];
    for sep in ["-", " ", "."] {
        out.push(groups.join(sep));
        out.push(groups[1..].join(sep));
    }
    out.push(groups[1..].concat());
    out.sort();
    out.dedup();
    out
}

/// Is a Secret Service (or another OS store) usable here? Probed with a throwaway service name.
pub fn os_store_available() -> bool {
    mail_identity_core::sync::OsCredentialStore::probe("mail-identity-tests-probe").is_ok()
}

pub use mail_identity_core::wine::under_wine;

/// The outbox rows of the app's database at `db`: each sequence number and its sealed body, in
/// order, to show that nothing was deleted, re-keyed or swapped.
pub fn sealed_outbox_rows(db: &Path) -> Vec<(i64, Vec<u8>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut statement = conn
        .prepare("SELECT seq, sealed_body FROM outbox ORDER BY seq")
        .unwrap();
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
