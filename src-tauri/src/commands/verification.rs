//! Ownership codes: the code screen's 확인, 다시 받기 and 취소, and settings' 확인하기 for a value
//! registered before codes existed. The code goes to core and no further: it is never logged.

use crate::error::CommandError;
use crate::sync_link::SyncLink;
use mail_identity_core::sync::{Channel, Draft, Overview};
use tauri::State;

/// Confirms the code typed for `channel`; when every code of a waiting save is confirmed, the
/// save is sent.
#[tauri::command]
#[specta::specta]
pub async fn confirm_code(
    service: State<'_, SyncLink>,
    channel: Channel,
    code: String,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.confirm_code(channel, &code).await?)
}

/// Sends a new code to the same destination (다시 받기).
#[tauri::command]
#[specta::specta]
pub async fn resend_code(
    service: State<'_, SyncLink>,
    channel: Channel,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.resend_code(channel).await?)
}

/// Gives up on the codes: a waiting save comes back as the draft (nothing lost); a registered
/// value's verification just ends (`null`).
#[tauri::command]
#[specta::specta]
pub async fn cancel_verification(
    service: State<'_, SyncLink>,
) -> Result<Option<Draft>, CommandError> {
    Ok(service.get()?.cancel_verification().await?)
}

/// Sends a code to the registered value of `channel` (확인하기).
#[tauri::command]
#[specta::specta]
pub async fn verify_registered(
    service: State<'_, SyncLink>,
    channel: Channel,
) -> Result<Overview, CommandError> {
    Ok(service.get()?.verify_registered(channel).await?)
}
