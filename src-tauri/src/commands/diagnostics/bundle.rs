//! The diagnostics zip itself, apart from Tauri so that every rule is tested: what the sync state
//! may say, how the file is created, and how much of each log is copied.
//!
//! - **No values.** A conflict holds both sides' masked e-mail and phone: masked, but still part of
//!   a person's data, and a helpdesk needs none of it. The sync state is exported as kinds, flags,
//!   reason codes and timestamps only ([`sync_summary`]).
//! - **A new file, never an existing one.** The zip goes to the Downloads folder, where anything
//!   running as the user could have placed a file or a symlink under a name it guessed. The name
//!   carries a random suffix and the file is created exclusively (`create_new`: `O_EXCL`, which
//!   also refuses to follow a symlink at that name), retried under a new name if taken.
//! - **Bounded reads.** Only regular files are copied from the log folder (a symlink there could
//!   point at any file the user can read), each as its last [`MAX_LOG_BYTES`], newest first, until
//!   [`MAX_LOGS_BYTES`] in all.

use mail_identity_core::sync::{MaskedInfo, Overview, SyncStatus};
use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// The most copied from one log: its end, where the trouble being reported is.
pub const MAX_LOG_BYTES: u64 = 1024 * 1024;
/// The most copied from all logs together (uncompressed), so the zip stays mailable.
pub const MAX_LOGS_BYTES: u64 = 8 * 1024 * 1024;
/// Names tried before giving up (each collision means someone created that exact random name).
const NAME_ATTEMPTS: usize = 8;

/// The sync state without who the user is or what they registered: kinds, flags, reason codes and
/// timestamps. Reason parameters are left out too: they are for the user's screen, not a report.
pub fn sync_summary(overview: &Overview) -> Value {
    json!({
        "signed_in": overview.account.is_some(),
        "consent": overview.consent.state,
        "notice_version": overview.consent.notice_version,
        "needs_consent": overview.needs_consent,
        "info": overview.info.as_ref().map(info_flags),
        "updated_at": overview.updated_at,
        "sync": status(&overview.sync),
        "online": overview.online,
        "verification": overview.verification.as_ref().map(|v| json!({
            "purpose": v.purpose,
            "codes": v.codes.iter().map(|c| json!({
                "channel": c.channel,
                "state": c.state,
                "expires_at": c.expires_at,
                "resend_at": c.resend_at,
                "attempts_left": c.attempts_left,
                "reason": c.reason.as_ref().map(|r| &r.code),
                "retry_at": c.retry_at,
            })).collect::<Vec<_>>(),
        })),
        "reconfirm": overview.reconfirm,
    })
}

/// Which parts of the identity info exist, never the (masked) values.
fn info_flags(info: &MaskedInfo) -> Value {
    json!({
        "email": info.email.is_some(),
        "phone": info.phone.is_some(),
        "overseas": info.overseas,
        "email_verified_at": info.email_verified_at,
        "phone_verified_at": info.phone_verified_at,
    })
}

fn status(sync: &SyncStatus) -> Value {
    match sync {
        SyncStatus::Synced { at } => json!({ "state": "synced", "at": at }),
        SyncStatus::Checking => json!({ "state": "checking" }),
        // Why the server could not be asked is what the helpdesk needs: offline, not answering, cut off.
        SyncStatus::Unreachable { why } => json!({ "state": "unreachable", "why": why }),
        SyncStatus::SavedLocally => json!({ "state": "saved_locally" }),
        SyncStatus::Pending { retry_at, reason } => json!({
            "state": "pending",
            "retry_at": retry_at,
            "reason": reason.as_ref().map(|r| &r.code),
        }),
        SyncStatus::Error { reason } => json!({ "state": "error", "reason": reason.code }),
        SyncStatus::Conflict { server, mine, .. } => json!({
            "state": "conflict",
            "server": server.as_ref().map(info_flags),
            "mine": mine.as_ref().map(info_flags),
        }),
        SyncStatus::SignInRequired => json!({ "state": "sign_in_required" }),
        SyncStatus::PasswordRequired => json!({ "state": "password_required" }),
        SyncStatus::CredentialStoreUnavailable => {
            json!({ "state": "credential_store_unavailable" })
        }
    }
}

/// Creates a new zip file in `folder`, named `mail-identity-diagnostics-<time>-<random>.zip`; never
/// opens an existing file or follows a symlink.
pub fn create_target(folder: &Path, unix_time: u64) -> io::Result<(PathBuf, File)> {
    let random = RandomState::new();
    for attempt in 0..NAME_ATTEMPTS {
        // RandomState's keys come from the OS's random source: an unguessable 64-bit suffix.
        let suffix = random.hash_one(attempt);
        let path = folder.join(format!(
            "mail-identity-diagnostics-{unix_time}-{suffix:016x}.zip"
        ));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::from(io::ErrorKind::AlreadyExists))
}

/// The end of the regular file at `path`, at most `limit` bytes; `None` for a symlink, a folder,
/// anything else that is not a regular file, or a file that cannot be read.
pub fn log_tail(path: &Path, limit: u64) -> Option<Vec<u8>> {
    if !std::fs::symlink_metadata(path).ok()?.file_type().is_file() {
        return None;
    }
    let mut file = File::open(path).ok()?;
    let length = file.metadata().ok().filter(|m| m.is_file())?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(limit)))
        .ok()?;
    let mut bytes = Vec::new();
    // A log being written right now is copied as far as it goes, and never past the limit.
    file.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Writes the documents and the logs' tails (newest first until the total budget is spent) into
/// `file`.
pub fn write_zip(
    file: File,
    documents: &[(&str, Value)],
    logs: &[PathBuf],
) -> Result<(), zip::result::ZipError> {
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default();
    for (name, value) in documents {
        zip.start_file(*name, options)?;
        let text = serde_json::to_vec_pretty(value).unwrap_or_default();
        zip.write_all(&text)?;
    }
    let mut budget = MAX_LOGS_BYTES;
    for log in logs.iter().rev() {
        if budget == 0 {
            break;
        }
        let Some(name) = log.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(bytes) = log_tail(log, MAX_LOG_BYTES.min(budget)) {
            budget = budget.saturating_sub(bytes.len() as u64);
            zip.start_file(format!("logs/{name}"), options)?;
            zip.write_all(&bytes)?;
        }
    }
    zip.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_identity_core::sync::{CredentialStoreKind, SyncReason};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh folder under the system's temp folder, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn tempdir() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("mail-identity-diag-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn masked(email: &str, phone: &str) -> MaskedInfo {
        MaskedInfo {
            email: Some(email.into()),
            phone: Some(phone.into()),
            phone_country: Some("KR".into()),
            overseas: false,
            email_verified_at: Some("2026-11-28T09:00:00Z".into()),
            phone_verified_at: None,
        }
    }

    #[test]
    fn a_conflict_is_exported_without_either_sides_values() {
        let mut overview = Overview::signed_out(true, CredentialStoreKind::Os);
        overview.info = Some(masked("mi***@naver.com", "010-****-5678"));
        overview.sync = SyncStatus::Conflict {
            server: Some(masked("ho***@daum.net", "010-****-1234")),
            mine: Some(masked("mi***@naver.com", "010-****-5678")),
            mine_at: Some("2026-11-28T09:00:00Z".into()),
        };
        let text = sync_summary(&overview).to_string();
        for value in ["***", "naver", "daum", "5678", "1234", "KR"] {
            assert!(!text.contains(value), "{value} leaked: {text}");
        }
        let summary = sync_summary(&overview);
        assert_eq!(summary["sync"]["state"], "conflict");
        assert_eq!(summary["sync"]["server"]["email"], true);
        assert_eq!(
            summary["sync"]["mine"]["email_verified_at"],
            "2026-11-28T09:00:00Z"
        );
    }

    #[test]
    fn reasons_keep_their_code_and_drop_their_parameters() {
        let mut overview = Overview::signed_out(false, CredentialStoreKind::Memory);
        overview.sync = SyncStatus::Error {
            reason: SyncReason::new("rejected").with("address", "secret@naver.com"),
        };
        let text = sync_summary(&overview).to_string();
        assert!(text.contains("rejected"));
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn the_target_is_new_and_unpredictable_and_an_existing_symlink_is_not_followed() {
        let dir = tempdir();
        let (first, _) = create_target(dir.path(), 1_700_000_000).unwrap();
        let (second, _) = create_target(dir.path(), 1_700_000_000).unwrap();
        assert_ne!(first, second, "the same second gives two names");
        let name = first.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("mail-identity-diagnostics-1700000000-"));
        assert!(name.ends_with(".zip"));
        // The old, guessable name is not what is created any more, and create_new refuses a
        // symlink planted under a name.
        #[cfg(unix)]
        {
            let victim = dir.path().join("victim");
            std::fs::write(&victim, "keep").unwrap();
            let planted = dir.path().join("planted.zip");
            std::os::unix::fs::symlink(&victim, &planted).unwrap();
            let refused = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&planted);
            assert_eq!(refused.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
            assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        }
    }

    #[test]
    fn only_the_end_of_a_log_is_read() {
        let dir = tempdir();
        let log = dir.path().join("mail-identity.2026-11-28.log");
        std::fs::write(&log, b"0123456789").unwrap();
        assert_eq!(log_tail(&log, 4).unwrap(), b"6789");
        assert_eq!(log_tail(&log, 100).unwrap(), b"0123456789");
        assert_eq!(log_tail(dir.path(), 4), None, "a folder is not a log");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_named_like_a_log_is_skipped() {
        let dir = tempdir();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "private").unwrap();
        let link = dir.path().join("mail-identity.2026-11-29.log");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert_eq!(log_tail(&link, MAX_LOG_BYTES), None);
        assert!(crate::logging::files(dir.path()).is_empty());
    }

    #[test]
    fn the_zip_holds_the_documents_and_the_logs_within_the_caps() {
        use std::io::Read;
        let dir = tempdir();
        let small = dir.path().join("mail-identity.2026-11-27.log");
        std::fs::write(&small, "INFO sync: synced\n").unwrap();
        let big = dir.path().join("mail-identity.2026-11-28.log");
        let mut content = vec![b'a'; (MAX_LOG_BYTES + 10) as usize];
        content.extend_from_slice(b"END\n");
        std::fs::write(&big, &content).unwrap();
        let (target, file) = create_target(dir.path(), 1).unwrap();
        write_zip(
            file,
            &[("about.json", json!({"version": "0.1.0"}))],
            &[small, big],
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(File::open(&target).unwrap()).unwrap();
        let mut text = String::new();
        zip.by_name("logs/mail-identity.2026-11-27.log")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "INFO sync: synced\n");
        let mut tail = Vec::new();
        zip.by_name("logs/mail-identity.2026-11-28.log")
            .unwrap()
            .read_to_end(&mut tail)
            .unwrap();
        assert_eq!(tail.len() as u64, MAX_LOG_BYTES);
        assert!(tail.ends_with(b"END\n"));
        assert!(zip.by_name("about.json").is_ok());
    }

    #[test]
    fn the_logs_together_stop_at_the_total_cap() {
        let dir = tempdir();
        let logs: Vec<PathBuf> = (0..10)
            .map(|day| {
                let log = dir
                    .path()
                    .join(format!("mail-identity.2026-11-{day:02}.log"));
                std::fs::write(&log, vec![b'x'; MAX_LOG_BYTES as usize]).unwrap();
                log
            })
            .collect();
        let (target, file) = create_target(dir.path(), 2).unwrap();
        write_zip(file, &[], &logs).unwrap();
        let mut zip = zip::ZipArchive::new(File::open(&target).unwrap()).unwrap();
        let total: u64 = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().size())
            .sum();
        assert_eq!(total, MAX_LOGS_BYTES);
        // Newest first: the oldest days are the ones left out.
        assert!(zip.by_name("logs/mail-identity.2026-11-09.log").is_ok());
        assert!(zip.by_name("logs/mail-identity.2026-11-00.log").is_err());
    }
}
