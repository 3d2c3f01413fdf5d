//! The diagnostics export: one zip for the helpdesk with the logs (the end of each), the policy in
//! effect (each key with its source, and every problem found in it, such as a policy file ignored
//! because it is not protected), versions, the OS and the sync state as kinds, flags and times —
//! and nothing personal: no e-mail, no phone, not even masked, no token, not the account's address.
//! The rules of the zip itself live in [`bundle`].

use crate::deployment::Deployment;
use crate::error::CommandError;
use crate::logging;
use crate::sync_link::SyncLink;
use serde_json::json;
use tauri::{AppHandle, Manager};

mod bundle;

/// Writes the zip to the Downloads folder (else the home folder), as a new file under a name no
/// one can guess in advance, and returns its path.
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
    // The sync state without who the user is or what they registered (not even masked).
    let sync = bundle::sync_summary(&overview);
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
    let exported_at = unix_now();
    let written = tauri::async_runtime::spawn_blocking(move || {
        let (target, file) = bundle::create_target(&folder, exported_at)?;
        let documents = [
            ("about.json", about),
            ("policy.json", policy),
            ("sync.json", sync),
        ];
        match bundle::write_zip(file, &documents, &logs) {
            Ok(()) => Ok(target),
            Err(e) => {
                // A half-written zip is no use to the helpdesk: remove what this call created.
                let _ = std::fs::remove_file(&target);
                Err(std::io::Error::other(e))
            }
        }
    })
    .await
    .map_err(|_| CommandError::new("diagnostics_failed"))?
    .map_err(|_: std::io::Error| CommandError::new("diagnostics_failed"))?;
    Ok(written.display().to_string())
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
