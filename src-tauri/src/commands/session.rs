//! Signing in and out. The refresh token goes to the OS credential store inside core; the window
//! never sees a token.

use crate::error::CommandError;
use crate::sync_link::SyncLink;
use mail_identity_core::sync::{Account, Overview};
use tauri::State;

/// The start-up's sign-in, from what this computer kept: the cached account at once (`null` shows
/// the sign-in screen) while the session is restored with the server behind it; what that finds
/// arrives as `overview-changed`.
#[tauri::command]
#[specta::specta]
pub async fn restore_session(
    service: State<'_, SyncLink>,
) -> Result<Option<Account>, CommandError> {
    Ok(service.get()?.open_session().await?)
}

/// Password sign-in against the configured account server.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    service: State<'_, SyncLink>,
    address: String,
    password: String,
) -> Result<Account, CommandError> {
    Ok(service.get()?.sign_in(&address, &password).await?)
}

/// Stops waiting for the server's answer to a sign-in (its `sign_in` then fails with
/// `sign_in_cancelled`); nothing is kept.
#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(service: State<'_, SyncLink>) -> Result<(), CommandError> {
    service.get()?.cancel_sign_in();
    Ok(())
}

/// Revokes the session and wipes drafts, the outbox, caches and the stored token.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(service: State<'_, SyncLink>) -> Result<(), CommandError> {
    Ok(service.get()?.sign_out().await?)
}

/// The password dialog of a step-up: signs in again as the same account, then the waiting write
/// goes on. The password goes to core and no further.
#[tauri::command]
#[specta::specta]
pub async fn step_up(
    service: State<'_, SyncLink>,
    password: String,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.step_up(&password).await?)
}

/// Asks the OS credential store again now (the status `credential_store_unavailable`'s retry);
/// nothing sealed was deleted while it did not answer.
#[tauri::command]
#[specta::specta]
pub async fn retry_credential_store(
    service: State<'_, SyncLink>,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.retry_credential_store().await?)
}
