//! One attempt at the outbox head against the server, and what its answer means for the row:
//! applied (the receipt, the snapshot and the journal in one transaction), a conflict to show, or a
//! failure the loop retries or parks.

use super::Outcome;
use crate::sync::api_client::{ApiError, RemoteIdentity};
use crate::sync::clock::now_rfc3339;
use crate::sync::outbox_body::{self, BodyError};
use crate::sync::runtime::Runtime;
use crate::sync::server_view::{fetch_identity, keep_remote};
use crate::sync::session::AuthFailure;
use crate::sync::store::outbox::{self, Op, OpKind, OpState, Refusal};
use crate::sync::store::{drafts, journal, snapshot, verifications};
use crate::sync::types::{ConsentState, ReceiptDecision, SyncReason};

pub(super) async fn attempt(rt: &Runtime, op: &Op) -> Outcome {
    let body = match &op.sealed_body {
        Some(_) => match outbox_body::open(rt, op).await {
            Ok(plain) => Some(plain),
            // The credential store cannot give the key now: keep the write, try later.
            Err(BodyError::Unavailable | BodyError::Seal) => return Outcome::Local,
            Err(BodyError::Unreadable) => {
                // Sealed for another row, kind or account (moved in the file), or under a key
                // that was deleted: it is never sent, not even as the row it sits in.
                tracing::warn!(
                    seq = op.seq,
                    "a queued write's body does not open for its row"
                );
                return Outcome::Rejected(Refusal::because(SyncReason::new("unreadable")));
            }
        },
        None => None,
    };
    let key = op.idempotency_key.as_str();
    let result = match op.kind {
        OpKind::Consent => {
            let body = body.as_deref().map(Vec::as_slice).unwrap_or_default();
            let base = op.base_etag.as_deref();
            rt.session
                .authed(|t| async move { rt.api.put_consent(&t, body, key, base).await })
                .await
                .map(|remote| (Some(remote), op.base_etag.clone()))
        }
        OpKind::Save => {
            let base = match &op.base_etag {
                Some(base) => base.clone(),
                // Queued before the server's version was ever known: base it on the server's
                // version only if that holds no info (else the user must choose).
                None => match fetch_identity(rt, false).await {
                    Ok(Some(remote)) if remote.info.is_none() => {
                        let etag = remote.etag.clone().unwrap_or_default();
                        let (seq, base) = (op.seq, etag.clone());
                        if rt
                            .store
                            .call(move |c| outbox::set_base(c, seq, Some(&base)))
                            .await
                            .is_err()
                        {
                            return Outcome::Local;
                        }
                        etag
                    }
                    Ok(_) => return mark_conflict(rt, op).await,
                    Err(failure) => return from_failure(failure),
                },
            };
            let body = body.as_deref().map(Vec::as_slice).unwrap_or_default();
            let sent = base.clone();
            rt.session
                .authed(|t| {
                    let base = base.clone();
                    async move { rt.api.put_identity(&t, body, key, &base).await }
                })
                .await
                .map(|remote| (Some(remote), Some(sent)))
        }
        OpKind::Delete => {
            let base = op.base_etag.as_deref();
            rt.session
                .authed(|t| async move { rt.api.delete_identity(&t, key, base).await })
                .await
                .map(|etag| (Some(RemoteIdentity::deleted(etag)), op.base_etag.clone()))
        }
        OpKind::Reconfirm => {
            let base = op.base_etag.as_deref();
            rt.session
                .authed(|t| async move { rt.api.reconfirm(&t, key, base).await })
                .await
                .map(|remote| (Some(remote), op.base_etag.clone()))
        }
    };
    match result {
        Ok((remote, sent_base)) => applied(rt, op, remote, sent_base).await,
        Err(AuthFailure::Api(ApiError::PreconditionFailed { .. })) => match op.kind {
            OpKind::Save => match fetch_identity(rt, false).await {
                Ok(_) => mark_conflict(rt, op).await,
                Err(failure) => from_failure(failure),
            },
            OpKind::Consent | OpKind::Delete | OpKind::Reconfirm => {
                match fetch_identity(rt, false).await {
                    Ok(Some(remote)) => {
                        let (seq, etag) = (op.seq, remote.etag.clone());
                        match rt
                            .store
                            .call(move |c| outbox::set_base(c, seq, etag.as_deref()))
                            .await
                        {
                            Ok(()) => Outcome::Again,
                            Err(_) => Outcome::Local,
                        }
                    }
                    Ok(None) => Outcome::Again,
                    Err(failure) => from_failure(failure),
                }
            }
        },
        Err(AuthFailure::Api(ApiError::Conflict { code }))
            if code == "idempotency_response_purged" =>
        {
            // Applied before; its kept answer held info destroyed since. Read the state now.
            match fetch_identity(rt, false).await {
                Ok(remote) => applied(rt, op, remote, op.base_etag.clone()).await,
                Err(failure) => from_failure(failure),
            }
        }
        Err(failure) => from_failure(failure),
    }
}

fn from_failure(failure: AuthFailure) -> Outcome {
    match failure {
        AuthFailure::SignInRequired => Outcome::SignIn,
        AuthFailure::Local(_) => Outcome::Local,
        AuthFailure::Api(error) => match error {
            ApiError::Unauthorized | ApiError::InvalidGrant => Outcome::SignIn,
            ApiError::AccountDeleted => Outcome::AccountGone,
            ApiError::StepUpRequired { .. } => Outcome::StepUp,
            ApiError::VerificationRequired { channels } => Outcome::NeedsCodes(channels),
            ApiError::Conflict { code } if code == "consent_outdated" => Outcome::ConsentOutdated,
            e if e.is_transient() || matches!(e, ApiError::TooManySignIns { .. }) => {
                Outcome::Retry(e)
            }
            ApiError::Conflict { code } => {
                Outcome::Rejected(Refusal::because(SyncReason::new(match code.as_str() {
                    "notice_outdated" | "consent_required" | "no_info" => code.as_str(),
                    _ => "unknown",
                })))
            }
            ApiError::Unprocessable { errors } => Outcome::Rejected(Refusal {
                reason: SyncReason::new("invalid_fields"),
                field_errors: errors,
            }),
            ApiError::Refused { status, .. } => Outcome::Rejected(Refusal::because(
                SyncReason::new("unknown").with("status", status.to_string()),
            )),
            _ => Outcome::Rejected(Refusal::because(SyncReason::new("unknown"))),
        },
    }
}

async fn mark_conflict(rt: &Runtime, op: &Op) -> Outcome {
    let seq = op.seq;
    match rt
        .store
        .call(move |c| outbox::set_state(c, seq, OpState::Conflict, None))
        .await
    {
        Ok(()) => Outcome::Conflict,
        Err(_) => Outcome::Local,
    }
}

/// Records an applied write: the server's answer in the snapshot, later writes rebased on it, the
/// entry gone, and the follow-ups of its kind.
async fn applied(
    rt: &Runtime,
    op: &Op,
    remote: Option<RemoteIdentity>,
    sent_base: Option<String>,
) -> Outcome {
    // The server answered: say so before the write leaves the outbox, so that no overview composed
    // in between shows an empty outbox with the previous attempt's "unreachable".
    rt.set_online(true);
    let account = rt.session.account().await;
    let (app_version, os) = (rt.config.app_version.clone(), rt.config.os.clone());
    let (seq, kind, created_at) = (op.seq, op.kind, op.created_at);
    let kept = rt
        .store
        .call(move |c| {
            let tx = c.transaction()?;
            let mut withdrawn = false;
            if let Some(remote) = &remote {
                if kind == OpKind::Delete {
                    verifications::clear(&tx)?;
                    // The server withdraws an agreement with the info; the read-back confirms.
                    let mut snap = snapshot::get(&tx)?;
                    snap.info = None;
                    snap.etag = remote.etag.clone();
                    if let Some(consent) = snap.consent.as_mut() {
                        if consent.state == ConsentState::Agreed {
                            consent.state = ConsentState::Withdrawn;
                            withdrawn = true;
                        }
                    }
                    snapshot::put(&tx, &snap)?;
                } else {
                    keep_remote(&tx, remote)?;
                }
                if let Some(etag) = &remote.etag {
                    outbox::rebase(&tx, sent_base.as_deref(), etag)?;
                }
            }
            outbox::remove(&tx, seq)?;
            match kind {
                OpKind::Consent => {
                    journal::mark_synced(&tx, seq)?;
                    // The writes that waited for a decision on the current notice go on.
                    outbox::release_waiting_for_consent(&tx)?;
                }
                OpKind::Save => {
                    drafts::delete_if_older(&tx, created_at)?;
                    verifications::remove_of_op(&tx, seq)?;
                }
                OpKind::Reconfirm => {}
                OpKind::Delete => {
                    drafts::delete(&tx)?;
                    if let Some(account) = account.as_ref().filter(|_| withdrawn) {
                        journal::append(
                            &tx,
                            &journal::NewEntry {
                                account: &account.address,
                                decision: ReceiptDecision::Withdrawn,
                                decided_at: &now_rfc3339(),
                                notice_version: None,
                                notice_sha256: None,
                                app_version: &app_version,
                                os: &os,
                                outbox_seq: None,
                                synced: true,
                            },
                        )?;
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await;
    if kept.is_err() {
        return Outcome::Local;
    }
    if kind == OpKind::Delete {
        // Read back to confirm: the server must hold no info any more.
        match fetch_identity(rt, false).await {
            Ok(Some(remote)) if remote.info.is_some() => {
                tracing::error!("delete: the server still holds info after the delete");
            }
            Ok(_) => tracing::info!("delete confirmed by reading back; local copies purged"),
            Err(_) => {
                tracing::warn!("delete applied; the read-back will happen on the next refresh")
            }
        }
    }
    Outcome::Applied
}
