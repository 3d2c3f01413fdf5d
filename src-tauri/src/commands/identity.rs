//! The identity info: the overview every screen reads, the encrypted draft of the form, and the
//! writes (save, delete) with their conflicts.

use crate::error::CommandError;
use crate::sync_link::SyncLink;
use mail_identity_core::sync::{ConflictChoice, Draft, Overview, SubmitOutcome};
use tauri::{Manager, State};

/// Everything a screen needs, from the local cache at once; never fails. (It takes the app handle
/// rather than a borrowed state, which lets an async command return a plain value.)
#[tauri::command]
#[specta::specta]
pub async fn overview(app: tauri::AppHandle) -> Overview {
    app.state::<SyncLink>().overview().await
}

/// Asks the server whether anything changed (one conditional GET).
#[tauri::command]
#[specta::specta]
pub async fn refresh(service: State<'_, SyncLink>) -> Result<Overview, CommandError> {
    Ok(service.get()?.refresh().await?)
}

/// The form exactly as it was left, caret included.
#[tauri::command]
#[specta::specta]
pub async fn load_draft(service: State<'_, SyncLink>) -> Result<Option<Draft>, CommandError> {
    Ok(service.get()?.load_draft().await?)
}

/// Keeps the form as typed, encrypted; durable when this returns.
#[tauri::command]
#[specta::specta]
pub async fn save_draft(service: State<'_, SyncLink>, draft: Draft) -> Result<(), CommandError> {
    Ok(service.get()?.save_draft(&draft).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn discard_draft(service: State<'_, SyncLink>) -> Result<(), CommandError> {
    Ok(service.get()?.discard_draft().await?)
}

/// Validates the form in core and queues the save; field errors come back and nothing is queued.
#[tauri::command]
#[specta::specta]
pub async fn submit_identity(
    service: State<'_, SyncLink>,
    draft: Draft,
) -> Result<SubmitOutcome, CommandError> {
    Ok(service.get()?.submit_identity(&draft).await?)
}

/// Queues the deletion; once applied it is read back and every local copy is purged.
#[tauri::command]
#[specta::specta]
pub async fn delete_identity(service: State<'_, SyncLink>) -> Result<Overview, CommandError> {
    Ok(service.get()?.delete_identity().await?)
}

/// The user's answer to a conflict: keep mine (sent over the server's) or the server's.
#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    service: State<'_, SyncLink>,
    choice: ConflictChoice,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.resolve_conflict(choice).await?)
}

/// The re-confirm card's "keep": queued like any write.
#[tauri::command]
#[specta::specta]
pub async fn keep_info(service: State<'_, SyncLink>) -> Result<Overview, CommandError> {
    Ok(service.get()?.keep_info().await?)
}

/// Discards the writes queued while the app was set up for another server
/// (`Overview.other_server_writes`); they are never sent to this server either way.
#[tauri::command]
#[specta::specta]
pub async fn discard_other_server_writes(
    service: State<'_, SyncLink>,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.discard_other_server_writes().await?)
}
