//! The overview the window shows: the server's last view (masked) with the writes the user made
//! but that are not sent yet laid over it, and the sync status (synced, saved locally, pending with
//! its retry time and reason, conflict, error, sign-in required).
//!
//! It is composed from the local store and the live state, never from the network, and published
//! on the runtime's watch channel only when it changed (the app forwards each value as
//! `overview-changed`).

use super::runtime::{RetrySchedule, Runtime};
use super::store::outbox::{self, OpKind, OpState};
use super::store::snapshot::{self, Snapshot};
use super::store::{drafts, journal, StoreError};
use super::types::{
    Account, ConsentState, ConsentView, CredentialStoreKind, Overview, ReceiptDecision,
    ReconfirmView, SyncReason, SyncStatus,
};
use rusqlite::Connection;

/// Recomputes the overview and publishes it if it changed.
pub(crate) async fn publish(rt: &Runtime) {
    let account = rt.session.account().await;
    let (online, sign_in_required, retry) = match rt.live.lock() {
        Ok(live) => (live.online, live.sign_in_required, live.retry.clone()),
        Err(_) => return,
    };
    let credential_store = rt.creds.kind();
    let computed = rt
        .store
        .call(move |c| {
            compose(
                c,
                account,
                online,
                sign_in_required,
                retry,
                credential_store,
            )
        })
        .await;
    match computed {
        Ok(overview) => {
            rt.overview_tx.send_if_modified(|current| {
                if *current == overview {
                    false
                } else {
                    *current = overview;
                    true
                }
            });
        }
        Err(error) => tracing::error!(%error, "overview"),
    }
}

/// The overview from the store and the live state.
fn compose(
    c: &Connection,
    account: Option<Account>,
    online: bool,
    sign_in_required: bool,
    retry: Option<RetrySchedule>,
    credential_store: CredentialStoreKind,
) -> Result<Overview, StoreError> {
    let snap: Snapshot = snapshot::get(c)?;
    let ops = outbox::all(c)?;
    let has_draft = drafts::exists(c)?;
    let notice_version = snapshot::notice_version(c)?;
    let mut consent = snap.consent.clone().unwrap_or_default();
    let mut info = snap.info.clone();
    // What the user last did, even if not sent: queued writes overlay the server's view.
    for op in ops
        .iter()
        .filter(|op| op.state == OpState::Queued || op.state == OpState::Conflict)
    {
        match op.kind {
            OpKind::Consent => {
                if let Ok(Some(queued)) = journal::queued_decision(c, op.seq) {
                    let agreed = queued.decision == ReceiptDecision::Agreed;
                    consent = ConsentView {
                        state: if agreed {
                            ConsentState::Agreed
                        } else {
                            ConsentState::Refused
                        },
                        notice_version: queued.notice_version,
                        decided_at: Some(queued.decided_at),
                    };
                    if !agreed {
                        info = None;
                    }
                }
            }
            OpKind::Save => info = op.masked.clone(),
            OpKind::Delete => {
                info = None;
                if consent.state == ConsentState::Agreed {
                    consent.state = ConsentState::Withdrawn;
                }
            }
        }
    }
    let needs_consent = account.is_some()
        && (consent.state == ConsentState::Pending
            || (matches!(consent.state, ConsentState::Agreed | ConsentState::Refused)
                && notice_version.is_some()
                && consent.notice_version != notice_version));
    let head = ops.first();
    let sync = if account.is_none() {
        SyncStatus::Synced { at: None }
    } else if sign_in_required {
        SyncStatus::SignInRequired
    } else if let Some(op) = head.filter(|op| op.state == OpState::Conflict) {
        SyncStatus::Conflict {
            server: snap.info.clone(),
            mine: op.masked.clone(),
        }
    } else if let Some(op) = head.filter(|op| op.state == OpState::Rejected) {
        SyncStatus::Error {
            reason: op
                .refusal
                .as_ref()
                .map(|r| r.reason.clone())
                .unwrap_or_else(|| SyncReason::new("unknown")),
        }
    } else if !ops.is_empty() {
        SyncStatus::Pending {
            retry_at: retry.as_ref().map(|r| r.next_attempt_at.clone()),
            reason: retry.map(|r| r.reason),
        }
    } else if has_draft {
        SyncStatus::SavedLocally
    } else {
        SyncStatus::Synced {
            at: snap.synced_at.clone(),
        }
    };
    Ok(Overview {
        account: account.clone(),
        consent: if account.is_some() {
            consent
        } else {
            ConsentView::default()
        },
        needs_consent,
        info: if account.is_some() { info } else { None },
        updated_at: if account.is_some() {
            snap.updated_at
        } else {
            None
        },
        sync,
        online,
        credential_store,
        verification: None,
        reconfirm: ReconfirmView::default(),
    })
}
