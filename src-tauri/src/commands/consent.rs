//! The consent notice, the decision on it, and the receipts of past decisions.

use crate::error::CommandError;
use crate::sync_link::SyncLink;
use mail_identity_core::locale::Locale;
use mail_identity_core::sync::{ConsentDecision, ConsentReceipt, Notice, Overview};
use tauri::State;

/// The current notice in `locale`, from the server (or its cached copy offline).
#[tauri::command]
#[specta::specta]
pub async fn notice(service: State<'_, SyncLink>, locale: Locale) -> Result<Notice, CommandError> {
    Ok(service.get()?.notice(locale).await?)
}

/// Records the decision on the notice that was shown (its version and SHA-256); sent at once
/// when online, queued otherwise.
#[tauri::command]
#[specta::specta]
pub async fn decide_consent(
    service: State<'_, SyncLink>,
    decision: ConsentDecision,
    notice_version: String,
    notice_sha256: String,
) -> Result<Overview, CommandError> {
    Ok(service
        .get()?
        .decide_consent(decision, &notice_version, &notice_sha256)
        .await?)
}

/// The local journal of decisions, newest first.
#[tauri::command]
#[specta::specta]
pub async fn consent_receipts(
    service: State<'_, SyncLink>,
) -> Result<Vec<ConsentReceipt>, CommandError> {
    Ok(service.get()?.consent_receipts().await?)
}
