//! The sender's part of ownership codes: deciding that the head save waits for codes, starting
//! each code once (`POST /v1/identity/verifications`), and going back to codes when the server
//! refuses a save's proofs (`422 verification_required`).
//!
//! A code is started automatically only while its row has no server id: after a restart a code
//! that was sent is never sent again on its own (SMS costs money; an expired one waits for the
//! employee's 다시 받기). Offline, rows wait as `waiting_for_network` and are started when the
//! connection returns, with the save's own retry schedule.

use super::api_client::ApiError;
use super::clock::rfc3339_in;
use super::outbox_body;
use super::runtime::Runtime;
use super::session::AuthFailure;
use super::store::outbox::{self, Op, OpState, Refusal};
use super::store::verifications::{self, CodeRow};
use super::store::{snapshot, StoreError};
use super::types::{Channel, CodeState, SyncReason, VerificationPurpose};
use super::verification::{channels_certainly_new, drop_proofs, rows_for};
use crate::wire::{IdentityWrite, VerificationStart};
use zeroize::Zeroizing;

/// What starting the codes came to, for the sender's loop.
pub(crate) enum CodesOutcome {
    /// Nothing more to do until the employee acts (types a code, asks for a resend).
    Idle,
    /// A transient failure: retried with the write's backoff.
    Retry(ApiError),
    /// The password is asked for again (the op, or the live flag for a registered value, says so).
    StepUp,
    /// The agreement is outdated: the op waits for the current notice's decision.
    ConsentOutdated,
    /// The session could not be renewed.
    SignIn,
    /// The server refused the value for good (`422 validation_failed`).
    Rejected(Refusal),
    /// The local store or key failed.
    Local,
}

/// A fresh idempotency key for starting one code.
pub(crate) fn new_key() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Decides, for the queued save `op` at the head, whether it waits for codes: rows exist for it
/// and are not all confirmed, or (no rows yet) a channel's value certainly differs from the
/// server's. Idempotent (one transaction): the façade and the sender may both call it. Returns
/// the op's state afterwards.
pub(crate) async fn plan(rt: &Runtime, op: &Op) -> Result<OpState, StoreError> {
    let op = op.clone();
    rt.store
        .call(move |c| {
            let tx = c.transaction()?;
            let Some(current) = outbox::get(&tx, op.seq)? else {
                return Ok(OpState::Queued);
            };
            if current.state != OpState::Queued {
                return Ok(current.state);
            }
            let rows = verifications::of_op(&tx, op.seq)?;
            let waiting = if rows.is_empty() {
                let server = snapshot::get(&tx)?.info;
                let mine = op.masked.clone().unwrap_or_default();
                let channels = channels_certainly_new(&mine, server.as_ref());
                if channels.is_empty() {
                    false
                } else {
                    let rows = rows_for(&op, &channels, new_key)
                        .ok_or(StoreError::Corrupt("code rows"))?;
                    // A save's codes replace a registered value's (one code screen at a time).
                    for row in &rows {
                        verifications::put(&tx, row)?;
                    }
                    true
                }
            } else {
                rows.iter().any(|r| r.state != CodeState::Confirmed)
            };
            if waiting {
                outbox::set_state(&tx, op.seq, OpState::AwaitingCodes, None)?;
            }
            tx.commit()?;
            Ok(if waiting {
                OpState::AwaitingCodes
            } else {
                OpState::Queued
            })
        })
        .await
}

/// The server refused the save's proofs for `channels` (none sent, or one expired while queued):
/// they are dropped from the sealed body and codes are asked for again.
pub(crate) async fn codes_again(
    rt: &Runtime,
    op: &Op,
    channels: Vec<Channel>,
) -> Result<(), StoreError> {
    let plain = outbox_body::open(rt, op).await?;
    let mut write: IdentityWrite =
        serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt("sealed body"))?;
    drop_proofs(&mut write, &channels);
    let plain =
        Zeroizing::new(serde_json::to_vec(&write).map_err(|_| StoreError::Corrupt("sealed body"))?);
    let resealed = outbox_body::seal(rt, op.seq, op.kind, &plain).await?;
    let channels = if channels.is_empty() {
        // A server that names no channel: ask for every value the save carries.
        [Channel::Email, Channel::Phone]
            .into_iter()
            .filter(|&c| match c {
                Channel::Email => write.email.is_some(),
                Channel::Phone => write.phone.is_some(),
            })
            .collect()
    } else {
        channels
    };
    let rows = rows_for(op, &channels, new_key).ok_or(StoreError::Corrupt("code rows"))?;
    let seq = op.seq;
    rt.store
        .call(move |c| {
            let tx = c.transaction()?;
            outbox::set_body(&tx, seq, &resealed)?;
            for row in &rows {
                verifications::put(&tx, row)?;
            }
            outbox::set_state(&tx, seq, OpState::AwaitingCodes, None)?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Starts the codes of the save `op` that were never sent.
pub(crate) async fn start_for_op(rt: &Runtime, op: &Op) -> CodesOutcome {
    let seq = op.seq;
    let rows = match rt.store.call(move |c| verifications::of_op(c, seq)).await {
        Ok(rows) => rows,
        Err(_) => return CodesOutcome::Local,
    };
    let pending: Vec<CodeRow> = rows.into_iter().filter(unsent).collect();
    if pending.is_empty() {
        return CodesOutcome::Idle;
    }
    let write = match outbox_body::open(rt, op)
        .await
        .ok()
        .and_then(|plain| serde_json::from_slice::<IdentityWrite>(&plain).ok())
    {
        Some(write) => write,
        None => return CodesOutcome::Local,
    };
    for row in pending {
        let start = VerificationStart {
            channel: row.channel,
            email: write
                .email
                .clone()
                .filter(|_| row.channel == Channel::Email),
            phone: write
                .phone
                .clone()
                .filter(|_| row.channel == Channel::Phone),
            locale: Some(rt.locale()),
        };
        let outcome = start_one(rt, row, &start).await;
        if !matches!(outcome, CodesOutcome::Idle) {
            return outcome;
        }
    }
    CodesOutcome::Idle
}

/// Starts the codes of registered values (settings' 확인하기) that were never sent.
pub(crate) async fn start_registered(rt: &Runtime) -> CodesOutcome {
    let rows = match rt.store.call(|c| verifications::all(c)).await {
        Ok(rows) => rows,
        Err(_) => return CodesOutcome::Local,
    };
    for row in rows
        .into_iter()
        .filter(|r| r.purpose == VerificationPurpose::Registered && unsent(r))
    {
        let start = VerificationStart {
            channel: row.channel,
            email: None,
            phone: None,
            locale: Some(rt.locale()),
        };
        let outcome = start_one(rt, row, &start).await;
        if !matches!(outcome, CodesOutcome::Idle) {
            return outcome;
        }
    }
    CodesOutcome::Idle
}

/// True for a row the sender still has to send: never sent, and not refused by the server.
pub(crate) fn unsent(row: &CodeRow) -> bool {
    row.id.is_none() && row.state == CodeState::WaitingForNetwork
}

/// Sends one code and keeps what came of it in its row.
async fn start_one(rt: &Runtime, mut row: CodeRow, start: &VerificationStart) -> CodesOutcome {
    let key = row.start_key.clone();
    let result = rt
        .session
        .authed(|t| {
            let key = key.clone();
            async move { rt.api.start_verification(&t, start, &key).await }
        })
        .await;
    let outcome = match result {
        Ok(sent) => {
            row.sent(&sent);
            CodesOutcome::Idle
        }
        Err(AuthFailure::Api(error)) => match not_sent_reason(&error) {
            Some((reason, retry_at)) => {
                row.not_sent(reason, retry_at);
                CodesOutcome::Idle
            }
            None => return outcome_of(error),
        },
        Err(AuthFailure::SignInRequired) => return CodesOutcome::SignIn,
        Err(AuthFailure::Local(_)) => return CodesOutcome::Local,
    };
    rt.set_online(true);
    match rt.store.call(move |c| verifications::put(c, &row)).await {
        Ok(()) => outcome,
        Err(_) => CodesOutcome::Local,
    }
}

/// The failures that end a code's sending until the employee asks again: the reason the code
/// screen shows (`verify.reason.<code>`) and when sending may work again.
pub(crate) fn not_sent_reason(error: &ApiError) -> Option<(SyncReason, Option<String>)> {
    match error {
        ApiError::SendLimited { code, retry_after } => {
            let seconds = retry_after.map(|d| d.as_secs().max(1)).unwrap_or(60);
            let reason = if code == "resend_too_soon" {
                "resend_too_soon"
            } else {
                "rate_limited"
            };
            Some((
                SyncReason::new(reason).with("seconds", seconds.to_string()),
                Some(rfc3339_in(std::time::Duration::from_secs(seconds))),
            ))
        }
        ApiError::SenderUnavailable { code, .. } => Some((
            SyncReason::new(if code == "sender_failed" {
                "sender_failed"
            } else {
                "sender_not_configured"
            }),
            None,
        )),
        ApiError::Conflict { code } if code == "no_info" => {
            Some((SyncReason::new("no_info"), None))
        }
        _ => None,
    }
}

fn outcome_of(error: ApiError) -> CodesOutcome {
    match error {
        ApiError::StepUpRequired { .. } => CodesOutcome::StepUp,
        ApiError::Conflict { code } if code == "consent_outdated" => CodesOutcome::ConsentOutdated,
        ApiError::Unauthorized | ApiError::InvalidGrant => CodesOutcome::SignIn,
        ApiError::Unprocessable { errors } => CodesOutcome::Rejected(Refusal {
            reason: SyncReason::new("invalid_fields"),
            field_errors: errors,
        }),
        e if e.is_transient() => CodesOutcome::Retry(e),
        ApiError::Conflict { code } if code == "consent_required" => {
            CodesOutcome::Rejected(Refusal::because(SyncReason::new("consent_required")))
        }
        _ => CodesOutcome::Rejected(Refusal::because(SyncReason::new("unknown"))),
    }
}
