//! The overview the window shows: the server's last view (masked) with the writes the user made
//! but that are not sent yet laid over it, and the sync status (synced, saved locally, pending with
//! its retry time and reason, conflict, error, sign-in required).
//!
//! It is composed from the local store and the live state, never from the network, and published
//! on the runtime's watch channel only when it changed (the app forwards each value as
//! `overview-changed`).

use super::clock::{now_rfc3339, rfc3339_of_millis};
use super::reconfirm::{self, ReconfirmInput};
use super::runtime::{Reach, RetrySchedule, Runtime};
use super::store::outbox::{self, OpKind, OpState};
use super::store::snapshot::{self, Snapshot};
use super::store::{drafts, journal, server_binding, verifications, StoreError};
use super::types::{
    Account, ConsentState, ConsentView, CredentialStoreKind, Overview, ReceiptDecision, SyncReason,
    SyncStatus, VerificationPurpose,
};
use super::verification::{self, overlay_verified};
use rusqlite::Connection;

/// Recomputes the overview and publishes it if it changed.
pub(crate) async fn publish(rt: &Runtime) {
    let account = rt.session.account().await;
    let live = match rt.live.lock() {
        Ok(live) => LiveView {
            reach: live.reach,
            sign_in_required: live.sign_in_required,
            password_required: live.password_required,
            retry: live.retry.clone(),
            credential_store: rt.creds.kind(),
            credential_store_unavailable: rt.keychain.is_unavailable(),
            policy_reconfirm_days: rt.config.reconfirm_days,
        },
        Err(_) => return,
    };
    let computed = rt
        .store
        .call(move |c| compose(c, account, live, &now_rfc3339()))
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

/// What the overview takes from the live state and the configuration.
struct LiveView {
    reach: Reach,
    sign_in_required: bool,
    /// A registered value's code met a step-up.
    password_required: bool,
    retry: Option<RetrySchedule>,
    credential_store: CredentialStoreKind,
    /// The credential store did not answer last time (see `keychain`).
    credential_store_unavailable: bool,
    policy_reconfirm_days: Option<u32>,
}

/// The overview from the store and the live state (`now` in RFC 3339, for expiries and the
/// re-confirm date).
fn compose(
    c: &Connection,
    account: Option<Account>,
    live: LiveView,
    now: &str,
) -> Result<Overview, StoreError> {
    let LiveView {
        reach,
        sign_in_required,
        password_required,
        retry,
        credential_store,
        credential_store_unavailable,
        policy_reconfirm_days,
    } = live;
    let snap: Snapshot = snapshot::get(c)?;
    let ops = outbox::all(c)?;
    let has_draft = drafts::exists(c)?;
    // The notice in force: what the server's identity says (so that a restart after a new notice
    // shows the consent screen before anything else), else the cached notice's version.
    let notice_version = match snap.current_notice_version.clone() {
        Some(current) => Some(current),
        None => snapshot::notice_version(c)?,
    };
    let mut consent = snap.consent.clone().unwrap_or_default();
    let mut info = snap.info.clone();
    // What the user last did, even if not sent: queued writes overlay the server's view.
    for op in ops
        .iter()
        .filter(|op| !matches!(op.state, OpState::Rejected))
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
            OpKind::Save => {
                info = op
                    .masked
                    .as_ref()
                    .map(|mine| overlay_verified(mine, snap.info.as_ref()))
            }
            OpKind::Reconfirm => {}
            OpKind::Delete => {
                info = None;
                if consent.state == ConsentState::Agreed {
                    consent.state = ConsentState::Withdrawn;
                }
            }
        }
    }
    let head = ops.first();
    // The server refused a write as consent_outdated and no decision is queued yet.
    let refused_as_outdated = head.is_some_and(|op| op.state == OpState::WaitingForConsent)
        && !ops
            .iter()
            .any(|op| op.kind == OpKind::Consent && op.state == OpState::Queued);
    let needs_consent = account.is_some()
        && (consent.state == ConsentState::Pending
            || refused_as_outdated
            || (matches!(consent.state, ConsentState::Agreed | ConsentState::Refused)
                && notice_version.is_some()
                && consent.notice_version != notice_version));
    let sync = if account.is_none() {
        SyncStatus::Synced { at: None }
    } else if credential_store_unavailable {
        SyncStatus::CredentialStoreUnavailable
    } else if sign_in_required {
        SyncStatus::SignInRequired
    } else if password_required || head.is_some_and(|op| op.state == OpState::PasswordRequired) {
        SyncStatus::PasswordRequired
    } else if let Some(op) = head.filter(|op| op.state == OpState::Conflict) {
        SyncStatus::Conflict {
            server: snap.info.clone(),
            mine: op.masked.clone(),
            mine_at: rfc3339_of_millis(op.created_at),
        }
    } else if let Some(op) = head.filter(|op| op.state == OpState::Rejected) {
        SyncStatus::Error {
            reason: op
                .refusal
                .as_ref()
                .map(|r| r.reason.clone())
                .unwrap_or_else(|| SyncReason::new("unknown")),
        }
    } else if head.is_some_and(|op| op.state == OpState::WaitingForConsent) {
        SyncStatus::Pending {
            retry_at: None,
            reason: Some(SyncReason::new("consent_outdated")),
        }
    } else if !ops.is_empty() {
        SyncStatus::Pending {
            retry_at: retry.as_ref().map(|r| r.next_attempt_at.clone()),
            reason: retry.map(|r| r.reason),
        }
    } else if has_draft {
        SyncStatus::SavedLocally
    } else {
        match reach {
            Reach::Answering => SyncStatus::Synced {
                at: snap.synced_at.clone(),
            },
            Reach::Checking => SyncStatus::Checking,
            Reach::Unreachable(why) => SyncStatus::Unreachable { why },
        }
    };
    // The codes of the save at the head, or of a registered value being verified.
    let rows: Vec<_> = verifications::all(c)?
        .into_iter()
        .filter(|row| match row.purpose {
            VerificationPurpose::Change => {
                row.outbox_seq.is_some() && row.outbox_seq == head.map(|op| op.seq)
            }
            VerificationPurpose::Registered => true,
        })
        .collect();
    let verification = if account.is_some() {
        verification::view(&rows, now)
    } else {
        None
    };
    let reconfirm = reconfirm::view(&ReconfirmInput {
        policy_days: policy_reconfirm_days,
        server_days: snap.reconfirm_days,
        confirmed_at: snap.confirmed_at.as_deref(),
        registered: account.is_some() && info.is_some(),
        write_queued: !ops.is_empty(),
        now,
    });
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
        online: reach.online(),
        credential_store,
        verification,
        reconfirm,
        other_server_writes: server_binding::parked_count(c)?,
        account_gone: super::account_gone::marked(c)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::outbox::NewOp;
    use crate::sync::store::temp_store;
    use crate::sync::store::verifications::CodeRow;
    use crate::sync::types::{Channel, CodeState, MaskedInfo};

    const NOW: &str = "2026-12-06T00:00:00Z";

    fn live() -> LiveView {
        LiveView {
            reach: Reach::Answering,
            sign_in_required: false,
            password_required: false,
            retry: None,
            credential_store: CredentialStoreKind::Memory,
            credential_store_unavailable: false,
            policy_reconfirm_days: None,
        }
    }

    fn account() -> Option<Account> {
        Some(Account {
            address: "registered@corp.example".into(),
            display_name: "이서연".into(),
            organisation: "Corp".into(),
        })
    }

    fn agreed_on(version: &str, current: &str) -> Snapshot {
        Snapshot {
            account: account(),
            consent: Some(ConsentView {
                state: ConsentState::Agreed,
                notice_version: Some(version.into()),
                decided_at: Some("2026-11-28T00:00:00Z".into()),
            }),
            info: Some(MaskedInfo {
                email: Some("ab***@naver.com".into()),
                email_verified_at: Some("2026-06-01T00:00:00Z".into()),
                ..MaskedInfo::default()
            }),
            etag: Some("\"e1\"".into()),
            current_notice_version: Some(current.into()),
            confirmed_at: Some("2026-06-01T00:00:00Z".into()),
            reconfirm_days: 180,
            ..Snapshot::default()
        }
    }

    #[test]
    fn a_new_notice_in_the_identity_asks_for_consent_first_even_with_an_old_cached_notice() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                snapshot::put_notice(
                    c,
                    &crate::sync::types::Notice {
                        version: "2026-11-28".into(),
                        locale: crate::locale::Locale::Ko,
                        text: "old".into(),
                        sha256: "0".repeat(64),
                    },
                )?;
                snapshot::put(c, &agreed_on("2026-11-28", "2027-01-01"))?;
                let shown = compose(c, account(), live(), NOW)?;
                assert!(shown.needs_consent);
                snapshot::put(c, &agreed_on("2027-01-01", "2027-01-01"))?;
                let shown = compose(c, account(), live(), NOW)?;
                assert!(!shown.needs_consent);
                assert!(shown.reconfirm.due, "{:?}", shown.reconfirm);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_parked_write_shows_password_required_and_its_codes() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                snapshot::put(c, &agreed_on("2027-01-01", "2027-01-01"))?;
                let masked = MaskedInfo {
                    email: Some("ab***@naver.com".into()),
                    phone: Some("010-****-5678".into()),
                    phone_country: Some("KR".into()),
                    ..MaskedInfo::default()
                };
                let seq = outbox::push(
                    c,
                    &NewOp {
                        kind: OpKind::Save,
                        idempotency_key: "k1",
                        sealed_body: Some(b"sealed"),
                        masked: Some(&masked),
                        base_etag: Some("\"e1\""),
                    },
                )?;
                outbox::set_state(c, seq, OpState::AwaitingCodes, None)?;
                verifications::put(
                    c,
                    &CodeRow::new(
                        Channel::Phone,
                        VerificationPurpose::Change,
                        Some(seq),
                        "s1".into(),
                        "010-****-5678".into(),
                    ),
                )?;
                let shown = compose(c, account(), live(), NOW)?;
                let codes = shown.verification.expect("the code screen");
                assert_eq!(codes.codes.len(), 1);
                assert_eq!(codes.codes[0].state, CodeState::WaitingForNetwork);
                assert!(matches!(shown.sync, SyncStatus::Pending { .. }));
                assert!(!shown.reconfirm.due, "a queued write answers the question");
                let info = shown.info.expect("the queued values");
                assert_eq!(
                    info.email_verified_at.as_deref(),
                    Some("2026-06-01T00:00:00Z"),
                    "the unchanged e-mail keeps its date"
                );
                assert_eq!(info.phone_verified_at, None);

                outbox::set_state(c, seq, OpState::PasswordRequired, None)?;
                let shown = compose(c, account(), live(), NOW)?;
                assert_eq!(shown.sync, SyncStatus::PasswordRequired);

                outbox::set_state(c, seq, OpState::WaitingForConsent, None)?;
                let shown = compose(c, account(), live(), NOW)?;
                assert!(shown.needs_consent, "refused as consent_outdated");
                Ok(())
            })
            .unwrap();
    }
}
