//! The diagnostics export: one zip for the helpdesk with the logs, the policy in effect (each key with its
//! source, and every problem found in it), versions, the OS and the sync state — and nothing
//! personal: no e-mail, no phone, no token, not even the account's address.

use crate::deployment::Deployment;
use crate::error::CommandError;
use crate::logging;
use crate::sync_link::SyncLink;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager};
use zip::write::SimpleFileOptions;

/// Writes the zip to the Downloads folder (else the home folder) and returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_diagnostics(app: AppHandle) -> Result<String, CommandError> {
    let overview = app.state::<SyncLink>().overview().await;
    let deployment = app.state::<Deployment>();
    let about = json!({
        "app": app.package_info().name,
        "version": app.package_info().version.to_string(),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "locale": crate::preferences::effective_locale(&app).tag(),
        "credential_store": overview.credential_store,
        "extra_root_ca": deployment.extra_roots.summary(),
        "exported_at_unix": unix_now(),
    });
    // The sync state without who the user is or what they registered.
    let sync = json!({
        "signed_in": overview.account.is_some(),
        "consent": overview.consent.state,
        "notice_version": overview.consent.notice_version,
        "needs_consent": overview.needs_consent,
        "info_registered": overview.info.is_some(),
        "updated_at": overview.updated_at,
        "sync": overview.sync,
        "online": overview.online,
    });
    let policy = serde_json::to_value(&deployment.policy).unwrap_or_default();
    let logs = app
        .path()
        .app_log_dir()
        .map(|dir| logging::files(&dir))
        .unwrap_or_default();
    let folder = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|_| CommandError::new("diagnostics_failed"))?;
    let target = folder.join(format!("mail-identity-diagnostics-{}.zip", unix_now()));
    let written = tauri::async_runtime::spawn_blocking(move || {
        write_zip(
            &target,
            &[
                ("about.json", about),
                ("policy.json", policy),
                ("sync.json", sync),
            ],
            &logs,
        )
        .map(|()| target)
    })
    .await
    .map_err(|_| CommandError::new("diagnostics_failed"))?
    .map_err(|_| CommandError::new("diagnostics_failed"))?;
    Ok(written.display().to_string())
}

fn write_zip(
    target: &Path,
    documents: &[(&str, serde_json::Value)],
    logs: &[PathBuf],
) -> Result<(), zip::result::ZipError> {
    let file = std::fs::File::create(target)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default();
    for (name, value) in documents {
        zip.start_file(*name, options)?;
        let text = serde_json::to_vec_pretty(value).unwrap_or_default();
        zip.write_all(&text)?;
    }
    for log in logs {
        let Some(name) = log.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        // A log being written right now is copied as far as it goes.
        if let Ok(bytes) = std::fs::read(log) {
            zip.start_file(format!("logs/{name}"), options)?;
            zip.write_all(&bytes)?;
        }
    }
    zip.finish()?;
    Ok(())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_zip_holds_the_documents_and_the_logs() {
        let dir = std::env::temp_dir().join(format!("mail-identity-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("mail-identity.2026-11-28.log");
        std::fs::write(&log, "INFO sync: synced\n").unwrap();
        let target = dir.join("out.zip");
        write_zip(
            &target,
            &[("about.json", json!({"version": "0.1.0"}))],
            &[log],
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&target).unwrap()).unwrap();
        let mut text = String::new();
        zip.by_name("logs/mail-identity.2026-11-28.log")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "INFO sync: synced\n");
        assert!(zip.by_name("about.json").is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
