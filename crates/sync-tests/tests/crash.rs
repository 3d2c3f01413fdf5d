//! The crash test: the core runs in a child process that types into the draft and submits saves
//! non-stop while it syncs with the reference server; it is killed with SIGKILL 200 times at random
//! moments (during start-up, typing, saving, syncing). After every kill:
//! - the SQLite file opens and passes `PRAGMA integrity_check`;
//! - the restarted child finds a draft at least as new as the last one it acknowledged (every
//!   save is durable when acknowledged, so nothing acknowledged is lost — well within 300 ms), or
//!   none only when that draft had been submitted (an applied save removes its draft);
//!
//! and at the end, once a last child has drained the outbox, the server applied every submitted
//! save that was acknowledged and no more than were started: nothing lost, nothing applied twice.
//! Each save is counted under its child's run number and its own number: process ids are no
//! label, since Windows reuses the id of an ended process within a few starts.
//!
//! Every save carries the same recovery e-mail, which the test registers once with its code (read
//! from the server's dev inbox) before the kills start: an unchanged value needs no code, and no
//! one could type one into a child being killed. The drain enters the password again when the run
//! outlasted the step-up's 5 minutes.
//!
//! Drafts survive a restart only in the OS credential store (their key is there), so the test
//! needs one: `cargo xtask test` runs it in a D-Bus session with gnome-keyring. Without one it
//! says so and skips.

use mail_identity_core::sync::credentials::{
    access_token_entry, refresh_token_entry, CredentialStore, OsCredentialStore, STORE_KEY,
};
use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use sync_tests::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const KILLS: usize = 200;

struct Run {
    lines: Vec<String>,
    /// The child's process id, for the report of how often the OS reused one.
    pid: Option<u32>,
}

impl Run {
    /// `Some(None)`: started and found no draft.
    fn ready(&self) -> Option<Option<u64>> {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix("ready ").map(|v| v.parse().ok()))
    }

    /// The last acknowledged draft was then submitted.
    fn last_draft_submitted(&self) -> bool {
        let last_draft = self.lines.iter().rposition(|l| l.starts_with("draft "));
        let last_submit = self.lines.iter().rposition(|l| l.starts_with("op-start "));
        matches!((last_draft, last_submit), (Some(d), Some(s)) if s > d)
    }

    fn last_draft(&self) -> Option<u64> {
        self.lines
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("draft ").and_then(|v| v.parse().ok()))
    }

    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = String> + 'a {
        self.lines
            .iter()
            .filter_map(move |l| l.strip_prefix(prefix).map(str::to_string))
    }
}

fn child(
    mode: &str,
    base_url: &str,
    data: &Path,
    service: &str,
    address: &str,
    from: u64,
    run: usize,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crash-child"));
    command
        .args([
            mode,
            base_url,
            &data.display().to_string(),
            service,
            address,
        ])
        .args([from.to_string(), run.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    command
}

/// When to kill a child.
#[derive(Clone, Copy)]
enum Kill {
    /// Let it finish.
    Never,
    /// This long after it was started (a crash during start-up, migrations, the token refresh).
    AfterSpawn(Duration),
    /// This long after it said `ready` (a crash while typing and syncing).
    AfterReady(Duration),
}

/// Runs a child until it ends or is killed; returns every line it printed.
async fn run(mut command: Command, kill: Kill) -> (Run, Option<i32>) {
    let mut process = command.spawn().expect("the child starts");
    let pid = process.id();
    let stdout = process.stdout.take().expect("stdout");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let _ = tx.send(line);
        }
    });
    let far = Duration::from_secs(180);
    let mut deadline = tokio::time::Instant::now()
        + match kill {
            Kill::AfterSpawn(delay) => delay,
            _ => far,
        };
    let mut lines = Vec::new();
    let mut killed = false;
    let status = loop {
        tokio::select! {
            status = process.wait() => break status.expect("wait"),
            Some(line) = rx.recv() => {
                if let (Kill::AfterReady(delay), true) = (kill, line.starts_with("ready ")) {
                    deadline = tokio::time::Instant::now() + delay;
                }
                lines.push(line);
            }
            _ = tokio::time::sleep_until(deadline), if !killed => {
                assert!(!matches!(kill, Kill::Never), "the child did not finish in time");
                process.start_kill().expect("SIGKILL");
                killed = true;
            }
        }
    };
    reader.await.expect("reader");
    while let Ok(line) = rx.try_recv() {
        lines.push(line);
    }
    (Run { lines, pid }, status.code())
}

/// Registers [`CRASH_EMAIL`] with its code in the app the children share (same data directory, same
/// keyring entries), as the employee would once, and closes it.
async fn register(server: &TestServer, data: &Path, keyring_service: &str) {
    let service = mail_identity_core::sync::Service::open(config(
        &server.base_url(),
        data,
        mail_identity_core::sync::CredentialChoice::OsOrMemory {
            service: keyring_service.to_string(),
        },
    ))
    .await
    .expect("open");
    assert!(service.restore_session().await.unwrap().is_some());
    let draft = mail_identity_core::sync::Draft {
        input: mail_identity_core::identity::IdentityInput {
            email: CRASH_EMAIL.into(),
            ..Default::default()
        },
        ..Default::default()
    };
    service.submit_identity(&draft).await.unwrap();
    sync_tests::inbox::confirm_codes(&service, &server.inbox, Some(CRASH_EMAIL), None).await;
    wait_for(&service, "registered", Duration::from_secs(60), synced).await;
    service.close();
}

fn integrity_ok(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("the database opens");
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check runs");
    assert_eq!(verdict, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_two_hundred_times_while_typing_and_syncing() {
    if !os_store_available() {
        eprintln!(
            "SKIPPED crash test: no OS credential store here (drafts cannot survive a restart with \
             the memory store). Run it through `cargo xtask test cargo-test`, which provides a \
             D-Bus session with gnome-keyring."
        );
        return;
    }
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(dir.path()).await;
    let address = "crash@corp.example";
    server
        .create_account(address, "크래시", PASSWORD)
        .await
        .unwrap();
    let base = server.base_url();
    let data = dir.path().join("app");
    let keyring_service = format!("mail-identity-crash-test-{}", std::process::id());

    let (setup, code) = run(
        child("setup", &base, &data, &keyring_service, address, 0, 0),
        Kill::Never,
    )
    .await;
    assert_eq!(code, Some(0), "setup: {:?}", setup.lines);
    assert!(setup.lines.iter().any(|l| l == "setup"));
    register(&server, &data, &keyring_service).await;
    let writes_before = server.stats().identity_writes;

    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |below: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % below
    };
    let mut acknowledged_draft = 0u64;
    let mut submitted = true;
    let (mut started_ops, mut done_ops) = (HashSet::new(), HashSet::new());
    let (mut restored, mut typing_kills) = (0, 0);
    let (mut pids, mut reused_pids) = (HashSet::new(), 0);
    for kill in 0..KILLS {
        // One kill in four during start-up, the others while typing and syncing.
        let when = if next(4) == 0 {
            Kill::AfterSpawn(Duration::from_millis(next(250)))
        } else {
            typing_kills += 1;
            Kill::AfterReady(Duration::from_millis(next(300)))
        };
        let (out, _) = run(
            child(
                "type",
                &base,
                &data,
                &keyring_service,
                address,
                acknowledged_draft,
                kill + 1,
            ),
            when,
        )
        .await;
        match out.ready() {
            Some(Some(ready)) => assert!(
                ready >= acknowledged_draft,
                "kill {kill}: the draft came back at {ready}, but {acknowledged_draft} was acknowledged"
            ),
            Some(None) => assert!(
                submitted,
                "kill {kill}: no draft came back, but {acknowledged_draft} was acknowledged and not submitted"
            ),
            None => {}
        }
        if out.ready().is_some() {
            restored += 1;
        }
        if let Some(last) = out.last_draft() {
            acknowledged_draft = last;
            submitted = out.last_draft_submitted();
        } else if out.with_prefix("op-start ").next().is_some() {
            submitted = true;
        }
        if let Some(pid) = out.pid {
            reused_pids += usize::from(!pids.insert(pid));
        }
        for op in out.with_prefix("op-start ") {
            assert!(
                started_ops.insert(op.clone()),
                "kill {kill}: save {op} was reported by an earlier child too"
            );
        }
        done_ops.extend(out.with_prefix("op-done "));
        integrity_ok(&data.join(mail_identity_core::sync::store::DB_FILE));
    }

    let (drain, code) = run(
        child(
            "drain",
            &base,
            &data,
            &keyring_service,
            address,
            0,
            KILLS + 1,
        ),
        Kill::Never,
    )
    .await;
    assert_eq!(code, Some(0), "drain: {:?}", drain.lines);
    integrity_ok(&data.join(mail_identity_core::sync::store::DB_FILE));
    let applied = server.stats().identity_writes - writes_before;
    println!(
        "{KILLS} kills in {:.1} s; {restored} restarts reached the draft; last draft {acknowledged_draft}; \
         saves started {}, acknowledged {}, applied {applied}; replays {}; {reused_pids} of \
         {KILLS} children had the process id of an earlier one",
        started.elapsed().as_secs_f64(),
        started_ops.len(),
        done_ops.len(),
        server.stats().idempotent_replays
    );
    assert!(
        restored >= typing_kills,
        "every run killed while typing had started"
    );
    assert!(
        acknowledged_draft > 0 && !done_ops.is_empty(),
        "the child typed and submitted"
    );
    assert!(
        applied >= done_ops.len() as u64,
        "an acknowledged save was lost: {applied} applied < {} acknowledged",
        done_ops.len()
    );
    assert!(
        applied <= started_ops.len() as u64,
        "a save was applied twice: {applied} applied > {} started",
        started_ops.len()
    );

    let store = OsCredentialStore::probe(&keyring_service).unwrap();
    // The test's own keyring entries go; the employee's (another service name) are never touched.
    for name in [
        refresh_token_entry(&base),
        access_token_entry(&base),
        STORE_KEY.to_string(),
    ] {
        store.delete(&name).unwrap();
    }
}
