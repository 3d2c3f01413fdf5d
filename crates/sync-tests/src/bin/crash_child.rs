//! The app's core in a child process, for the crash test: it types into the draft and submits
//! saves as fast as a person never could, printing what is durable, until the parent kills it.
//!
//! `crash-child MODE BASE_URL DATA_DIR KEYRING_SERVICE ADDRESS [FROM [RUN]]`, MODE one of
//! - `setup`: sign in, agree to the notice, wait until synced, print `setup`;
//! - `type`: print `ready <caret>` (the caret of the draft found) or `ready none`, then forever:
//!   save the draft with the caret one further (counting on from the draft's caret or FROM,
//!   whichever is larger) and print `draft <caret>`; every tenth time print `op-start RUN-<n>`,
//!   submit the draft as a save, print `op-done RUN-<n>`. (An applied save removes the draft it
//!   came from.) RUN is the parent's label for this child: a process id would not do, since
//!   Windows hands the id of an ended process to the next one within a few starts. The saves
//!   carry [`sync_tests::CRASH_EMAIL`], which the parent registered with its code after `setup`:
//!   an unchanged value needs no code (nobody is there to type one).
//! - `drain`: wait until the outbox is empty, print `drained <writes pending>`. When the server
//!   asks for the password again (the run outlasts the step-up's 5 minutes), enter it.
//!
//! Exits with 3 when only the memory credential store is available (drafts could not survive).

use mail_identity_core::identity::IdentityInput;
use mail_identity_core::sync::{
    CredentialChoice, CredentialStoreKind, Draft, DraftField, Service, SyncStatus,
};
use std::io::Write;
use std::time::Duration;

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, base_url, data_dir, service_name, address) = match args.as_slice() {
        [mode, base_url, data_dir, service_name, address, ..] => {
            (mode, base_url, data_dir, service_name, address)
        }
        _ => {
            eprintln!(
                "usage: crash-child MODE BASE_URL DATA_DIR KEYRING_SERVICE ADDRESS [FROM [RUN]]"
            );
            std::process::exit(2);
        }
    };
    let from: u32 = args.get(5).and_then(|f| f.parse().ok()).unwrap_or(0);
    let run = args
        .get(6)
        .cloned()
        .unwrap_or_else(|| std::process::id().to_string());
    let config = sync_tests::config(
        base_url,
        std::path::Path::new(data_dir),
        CredentialChoice::OsOrMemory {
            service: service_name.clone(),
        },
    );
    let service = Service::open(config).await.expect("open");
    if service.credential_store() == CredentialStoreKind::Memory {
        say("store memory".into());
        std::process::exit(3);
    }
    // The refresh token may be stale if a kill fell between its rotation and its storage.
    if service.restore_session().await.ok().flatten().is_none() {
        service
            .sign_in(address, sync_tests::PASSWORD)
            .await
            .expect("sign in");
    }
    match mode.as_str() {
        "setup" => {
            sync_tests::agree(&service).await;
            say("setup".into());
        }
        "drain" => {
            let drained = |o: &mail_identity_core::sync::Overview| {
                matches!(o.sync, SyncStatus::Synced { .. } | SyncStatus::SavedLocally)
            };
            let overview = loop {
                let overview =
                    sync_tests::wait_for(&service, "drained", Duration::from_secs(120), |o| {
                        drained(o) || o.sync == SyncStatus::PasswordRequired
                    })
                    .await;
                if drained(&overview) {
                    break overview;
                }
                service
                    .step_up(sync_tests::PASSWORD)
                    .await
                    .expect("step-up");
            };
            say(format!("drained {:?}", overview.sync));
        }
        "type" => type_forever(&service, from, &run).await,
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    }
}

async fn type_forever(service: &Service, from: u32, run: &str) {
    let draft = service.load_draft().await.expect("load");
    let found = draft.and_then(|d| d.caret);
    say(match found {
        Some(caret) => format!("ready {caret}"),
        None => "ready none".to_string(),
    });
    let mut caret = found.unwrap_or(0).max(from);
    let mut op = 0u32;
    loop {
        caret += 1;
        let draft = Draft {
            input: IdentityInput {
                email: sync_tests::CRASH_EMAIL.into(),
                phone: String::new(),
                overseas: false,
                country: None,
            },
            focus: Some(DraftField::Email),
            caret: Some(caret),
        };
        service.save_draft(&draft).await.expect("save draft");
        say(format!("draft {caret}"));
        if caret % 10 == 0 {
            op += 1;
            let id = format!("{run}-{op}");
            say(format!("op-start {id}"));
            let outcome = service.submit_identity(&draft).await.expect("submit");
            assert!(outcome.field_errors.is_empty());
            say(format!("op-done {id}"));
        }
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
}
