//! No personal data at rest or in logs, and no token in any file: the flows run with known values
//! and every log line (all targets, TRACE) and every file the app wrote is searched for the e-mail
//! address and the phone digits in any common spelling, and for every token the credential store
//! held (the refresh token and the kept access token); once the ownership codes arrive in the dev
//! inbox, every file of the app and the server (databases, WALs) and the log are searched for them
//! too, and for a wrong code typed first.
//!
//! The only copies of the values are in the sealed (encrypted) records; a hit anywhere is a leak.

use mail_identity_core::sync::credentials::{
    access_token_entry, refresh_token_entry, CredentialStore,
};
use mail_identity_core::sync::kept_access::KeptAccess;
use mail_identity_core::sync::{
    CredentialChoice, Draft, DraftField, MemoryCredentialStore, OsCredentialStore, Service,
    SyncStatus,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_tests::*;

const EMAIL: &str = "pii.probe.7391@naver.com";
const PHONE: &str = "010-4821-7395";

/// A log sink that appends to a file, like the app's log file.
#[derive(Clone)]
struct FileLog(Arc<Mutex<std::fs::File>>);

impl Write for FileLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

fn needles() -> Vec<String> {
    let mut out = vec![EMAIL.to_string(), "pii.probe.7391".to_string()];
    out.extend(phone_spellings(PHONE));
    out
}

fn scan(what: &str, dirs: &[&Path], log: &Path, secrets: &[String]) {
    let mut files: Vec<(PathBuf, Vec<u8>)> = dirs.iter().flat_map(|d| files_under(d)).collect();
    files.push((log.to_path_buf(), std::fs::read(log).unwrap()));
    assert!(files.len() >= 2, "{what}: nothing to search");
    for (path, bytes) in &files {
        for needle in needles() {
            assert!(
                !contains(bytes, needle.as_bytes()),
                "{what}: personal data `{needle}` found in {}",
                path.display()
            );
        }
        for (i, token) in secrets.iter().enumerate() {
            assert!(
                !contains(bytes, token.as_bytes()),
                "{what}: token #{i} found in {}",
                path.display()
            );
        }
    }
}

/// The log of this test binary (TRACE, every target), one file for its tests: `tracing`'s global
/// subscriber can be set once per process.
fn global_log() -> &'static Path {
    static LOG: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("mail-identity.log");
        let log = FileLog(Arc::new(Mutex::new(std::fs::File::create(&path).unwrap())));
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || log.clone())
            .init();
        path
    })
}

/// Codes (and their spellings with a blank or a hyphen) in every file under `dirs` (the app's
/// database, its WAL and shared memory; the server's too, which keeps only keyed hashes of codes)
/// and in the log (the engine's and the in-process server's lines): a code is as secret as a
/// password while it lives. (The proofs never leave the engine; they are only in the save's sealed
/// body, which `scan` already proves holds no value in clear.)
///
/// A code counts as found when it stands alone (no ASCII letter or digit on either side), as it
/// would in JSON, a log field or a form: the random hex keys in both databases hold digit runs that
/// would match a 6-digit code by chance now and then, and a code glued to other digits or letters
/// is no code a person could read.
fn scan_codes(what: &str, dirs: &[&Path], log: &Path, codes: &[String]) {
    let mut files: Vec<(PathBuf, Vec<u8>)> = dirs.iter().flat_map(|d| files_under(d)).collect();
    files.push((log.to_path_buf(), std::fs::read(log).unwrap()));
    assert!(!codes.is_empty(), "{what}: no code to search for");
    for (path, bytes) in &files {
        for code in codes {
            for spelling in [
                code.clone(),
                format!("{} {}", &code[..3], &code[3..]),
                format!("{}-{}", &code[..3], &code[3..]),
            ] {
                assert!(
                    !contains_alone(bytes, spelling.as_bytes()),
                    "{what}: a code found in {}",
                    path.display()
                );
            }
        }
    }
}

/// `needle` in `haystack` with no ASCII letter or digit right before or after it.
fn contains_alone(haystack: &[u8], needle: &[u8]) -> bool {
    let n = needle.len();
    n > 0
        && haystack.len() >= n
        && (0..=haystack.len() - n).any(|i| {
            haystack[i..i + n] == *needle
                && (i == 0 || !haystack[i - 1].is_ascii_alphanumeric())
                && haystack
                    .get(i + n)
                    .is_none_or(|b| !b.is_ascii_alphanumeric())
        })
}

/// The searches above cover the app's database and its WAL: both are there (the WAL while the
/// app is open) and non-empty.
fn assert_database_and_wal_searched(app_dir: &Path) {
    let db = mail_identity_core::sync::store::DB_FILE;
    for name in [db.to_string(), format!("{db}-wal")] {
        let found = files_under(app_dir)
            .into_iter()
            .any(|(path, bytes)| path.file_name() == Some(name.as_ref()) && !bytes.is_empty());
        assert!(found, "{name} is among the files searched");
    }
}

/// The tokens the credential store holds for the server: the refresh token and the kept access
/// token, as they would appear if either leaked into a file.
fn tokens_held(creds: &dyn CredentialStore, base_url: &str) -> Vec<String> {
    let refresh = creds
        .get(&refresh_token_entry(base_url))
        .unwrap()
        .map(|t| String::from_utf8(t.to_vec()).unwrap());
    let access = creds
        .get(&access_token_entry(base_url))
        .unwrap()
        .map(|kept| KeptAccess::decode(&kept).unwrap().token.to_string());
    refresh.into_iter().chain(access).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_or_token_in_any_file_or_log() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = global_log().to_path_buf();

    let server_dir = dir.path().join("server");
    std::fs::create_dir_all(&server_dir).unwrap();
    // With ownership codes the save waits for them: they come from the server's dev inbox.
    let server = start_server(&server_dir).await;
    let inbox = &server.inbox;
    let mut codes: Vec<String> = Vec::new();
    server
        .create_account("pii@corp.example", "개인", PASSWORD)
        .await
        .unwrap();
    let app_dir = dir.path().join("app");
    // The real OS store where there is one (under `cargo xtask test`), else memory.
    let service_name = format!("mail-identity-pii-test-{}", std::process::id());
    let (choice, creds): (CredentialChoice, Arc<dyn CredentialStore>) = if os_store_available() {
        let os = OsCredentialStore::probe(&service_name).unwrap();
        (
            CredentialChoice::OsOrMemory {
                service: service_name.clone(),
            },
            Arc::new(os),
        )
    } else {
        let memory: Arc<dyn CredentialStore> = Arc::new(MemoryCredentialStore::default());
        (CredentialChoice::Given(Arc::clone(&memory)), memory)
    };
    let open = || Service::open(config(&server.base_url(), &app_dir, choice.clone()));
    let mut tokens = Vec::new();
    let service = open().await.unwrap();
    println!("credential store: {:?}", service.credential_store());
    service.sign_in("pii@corp.example", PASSWORD).await.unwrap();
    tokens.extend(tokens_held(creds.as_ref(), &server.base_url()));
    assert_eq!(
        tokens.len(),
        2,
        "a sign-in keeps a refresh and an access token"
    );
    agree(&service).await;

    // Typing, keystroke by keystroke, as the UI saves it.
    let mut draft = Draft {
        focus: Some(DraftField::Email),
        ..Draft::default()
    };
    for c in EMAIL.chars() {
        draft.input.email.push(c);
        draft.caret = Some(draft.input.email.len() as u32);
        service.save_draft(&draft).await.unwrap();
    }
    draft.focus = Some(DraftField::Phone);
    for c in PHONE.chars() {
        draft.input.phone.push(c);
        service.save_draft(&draft).await.unwrap();
    }
    tracing::info!(?draft, "the draft's Debug, logged on purpose");

    // Offline first: the save waits in the outbox (sealed) while the server refuses writes.
    set_faults(&server, "503@all,retry-after=1,scope=writes");
    service.submit_identity(&draft).await.unwrap();
    let waiting = service.overview().await;
    assert!(
        matches!(waiting.sync, SyncStatus::Pending { .. }),
        "{waiting:?}"
    );
    scan("queued", &[&app_dir], &log_path, &tokens);

    set_faults(&server, "none");
    {
        use mail_identity_core::sync::{Channel, CodeState, ServiceError};
        use sync_tests::inbox::{mail_code, sms_code, wrong_code};
        let both_sent = |o: &mail_identity_core::sync::Overview| {
            o.verification.as_ref().is_some_and(|v| {
                v.codes.len() == 2 && v.codes.iter().all(|c| c.state == CodeState::Sent)
            })
        };
        wait_for(&service, "codes sent", Duration::from_secs(60), both_sent).await;
        // The codes as they arrived (the inbox is the employee's mailbox and phone, not the app):
        // from now on they are searched for everywhere, the destinations too.
        let mail = mail_code(inbox, EMAIL).await;
        let sms = sms_code(inbox, "+821048217395").await;
        // A wrong code typed first: a typed code is kept nowhere either.
        let typo = wrong_code(&mail);
        // A control: the search finds each code where it must be, in the message that carried it.
        let mail_text = inbox.mails_to(EMAIL).pop().unwrap().text;
        let sms_text = inbox.sms_to("+821048217395").pop().unwrap().text;
        assert!(contains_alone(mail_text.as_bytes(), mail.as_bytes()));
        assert!(contains_alone(sms_text.as_bytes(), sms.as_bytes()));
        codes.extend([mail.clone(), sms.clone(), typo.clone()]);
        assert_database_and_wal_searched(&app_dir);
        scan("codes sent", &[&app_dir], &log_path, &tokens);
        scan_codes("codes sent", &[&app_dir, &server_dir], &log_path, &codes);
        assert!(matches!(
            service.confirm_code(Channel::Email, &typo).await,
            Err(ServiceError::CodeIncorrect { .. })
        ));
        service.confirm_code(Channel::Email, &mail).await.unwrap();
        assert_database_and_wal_searched(&app_dir);
        scan("one code confirmed", &[&app_dir], &log_path, &tokens);
        scan_codes(
            "one code confirmed",
            &[&app_dir, &server_dir],
            &log_path,
            &codes,
        );
        service.confirm_code(Channel::Phone, &sms).await.unwrap();
    }
    let overview = wait_for(&service, "synced", Duration::from_secs(60), synced).await;
    scan_codes(
        "saved with proofs",
        &[&app_dir, &server_dir],
        &log_path,
        &codes,
    );
    assert_eq!(
        overview.info.as_ref().and_then(|i| i.phone.as_deref()),
        Some("010-****-7395")
    );
    scan("synced", &[&app_dir], &log_path, &tokens);
    // A control: the same search finds the values where they must be, in the server's database.
    let server_files = files_under(&server_dir);
    assert!(
        server_files
            .iter()
            .any(|(_, b)| contains(b, EMAIL.as_bytes())),
        "the search finds the e-mail in the server's database"
    );

    // A restart: the kept access token carries it (and any token the restart renews is searched for too).
    service.close();
    drop(service);
    let service = open().await.unwrap();
    assert!(service.restore_session().await.unwrap().is_some());
    tokens.extend(tokens_held(creds.as_ref(), &server.base_url()));
    // Applied: the stored draft is gone, and the form starts from the server's values, which are
    // held in memory only (the scan below would find them otherwise).
    let prefilled = service.load_draft().await.unwrap();
    assert!(
        prefilled
            .as_ref()
            .is_some_and(|d| d.focus.is_none() && d.input.email == EMAIL),
        "applied: the form is prefilled from the server, not from a stored draft"
    );
    scan("prefilled", &[&app_dir], &log_path, &tokens);
    service.save_draft(&draft).await.unwrap();
    scan("restarted", &[&app_dir], &log_path, &tokens);
    scan_codes("restarted", &[&app_dir, &server_dir], &log_path, &codes);

    service.delete_identity().await.unwrap();
    wait_for(&service, "deleted", Duration::from_secs(60), synced).await;
    scan("deleted", &[&app_dir], &log_path, &tokens);
    scan_codes("deleted", &[&app_dir, &server_dir], &log_path, &codes);
    service.sign_out().await.unwrap();
    scan("signed out", &[&app_dir], &log_path, &tokens);
    scan_codes("signed out", &[&app_dir, &server_dir], &log_path, &codes);

    // The search can find things: the log is there and has the sync's lines in it.
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(logged.contains("sync attempt"), "the engine logged");
    assert!(
        logged.contains("Draft {"),
        "the draft's Debug was logged, masked"
    );
    assert!(
        tokens.len() >= 2 && tokens[0] != tokens[1],
        "the scans looked for both tokens"
    );
    assert!(
        tokens_held(creds.as_ref(), &server.base_url()).is_empty(),
        "sign-out deleted both tokens"
    );
}
