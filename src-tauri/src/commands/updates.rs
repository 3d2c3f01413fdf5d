//! The Updates section of settings: the updater's state, a check on request, and the installation the
//! employee chose. The updater plugin's own commands are not granted to the page.

use crate::error::CommandError;
use crate::updates::{UpdateStatus, Updates};
use tauri::{AppHandle, Manager, State};

#[tauri::command]
#[specta::specta]
pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
    updates.status()
}

/// Checks now (the "Check for updates" button); off plans answer with their state unchanged.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(app: AppHandle) -> UpdateStatus {
    app.state::<Updates>().check(&app).await
}

/// Installs the update on offer and restarts into it. On Windows the installer ends the app
/// itself; a per-machine installation shows the OS's elevation prompt first.
#[tauri::command]
#[specta::specta]
pub async fn install_update(app: AppHandle) -> Result<(), CommandError> {
    app.state::<Updates>()
        .install()
        .await
        .map_err(|_| CommandError::new("update_failed"))?;
    app.restart()
}
