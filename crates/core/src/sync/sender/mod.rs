//! The outbox sender: one tokio task per service that sends the outbox head, and nothing else.
//!
//! It wakes when a write is queued, a retry is due, a sign-in or a conflict answer unblocks it;
//! otherwise it sleeps, so an idle client sends nothing. Only the head is sent, so writes are applied
//! in the order they were made, each exactly once: its idempotency key makes a retry after a lost
//! answer a replay, not a second write.
//!
//! - connect error, timeout, 5xx, 429, an answer outside the contract → keep it, retry with
//!   [`super::backoff`] (honouring `Retry-After`);
//! - 401 → renew the token once; failing that, `sign_in_required` (the outbox stays);
//! - 412 on a save → read the server's version and let the user choose (never overwrite);
//!   on a consent or delete → rebase on the server's version and send again (those writes state an
//!   intent that does not depend on the info the user saw);
//! - 422, 409 → refused for good, with the reason (and the field errors) for the user.
//!
//! The façade starts it and wakes it; it works on the shared [`Runtime`] (store, session, API
//! client, live state) and knows nothing of the façade.

use super::api_client::ApiError;
use super::clock::rfc3339_in;
use super::code_sender::{self, CodesOutcome};
use super::outbox_body;
use super::overview;
use super::runtime::{Reach, RetrySchedule, Runtime};
use super::server_view::fetch_identity;
use super::store::outbox::{self, Op, OpKind, OpState, Refusal};
use super::store::{snapshot, verifications};
use super::types::{Channel, SyncReason};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

mod attempt;
use attempt::attempt;

/// What the loop does next.
enum Next {
    /// Sleep until woken.
    Idle,
    /// Sleep at most this long.
    Wait(Duration),
}

/// What one attempt came to.
enum Outcome {
    Applied,
    /// Send again at once (rebased on the server's current version).
    Again,
    Retry(ApiError),
    SignIn,
    Conflict,
    Rejected(Refusal),
    /// The local store or key failed: retried like a network failure.
    Local,
    /// `401` step-up: the op waits at the head for the password.
    StepUp,
    /// `409 consent_outdated`: the op waits for the current notice's decision.
    ConsentOutdated,
    /// `422 verification_required`: these channels need (new) codes first.
    NeedsCodes(Vec<Channel>),
    /// `410 account_deleted`: nothing more is sent; everything kept for the account is wiped.
    AccountGone,
}

/// The sender of one service. Holds the runtime only weakly, so dropping the last
/// [`super::Service`] ends it.
pub(crate) struct OutboxSender {
    runtime: Weak<Runtime>,
    wake: Arc<Notify>,
}

impl OutboxSender {
    /// Starts the sender of `runtime`: it runs until the service is closed or dropped.
    pub(crate) fn start(runtime: &Arc<Runtime>) {
        let sender = OutboxSender {
            runtime: Arc::downgrade(runtime),
            wake: Arc::clone(&runtime.wake),
        };
        tokio::spawn(sender.run());
    }

    /// The loop: a step, then sleep until woken or the next retry is due.
    async fn run(self) {
        loop {
            let next = {
                let Some(rt) = self.runtime.upgrade() else {
                    return;
                };
                if rt.live.lock().map(|l| l.stopped).unwrap_or(true) {
                    return;
                }
                let next = step(&rt).await;
                overview::publish(&rt).await;
                next
            };
            match next {
                Next::Idle => self.wake.notified().await,
                Next::Wait(delay) if delay.is_zero() => {}
                Next::Wait(delay) => {
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = self.wake.notified() => {}
                    }
                }
            }
        }
    }
}

async fn step(rt: &Runtime) -> Next {
    if rt.live.lock().map(|l| l.sign_in_required).unwrap_or(true) {
        return Next::Idle;
    }
    // Without the key nothing can be opened (and nothing must be judged unreadable): the
    // credential store's retry wakes the sender when it answers again.
    if rt.keychain.is_unavailable() {
        return Next::Idle;
    }
    if rt.session.account().await.is_none() {
        return Next::Idle;
    }
    let head = match rt.store.call(|c| outbox::head(c)).await {
        Ok(head) => head,
        Err(error) => {
            tracing::error!(%error, "outbox");
            return Next::Wait(Duration::from_secs(5));
        }
    };
    let Some(head) = head else {
        rt.reset_retry();
        return registered_codes(rt).await;
    };
    // Bodies sealed before rows were named in them are re-sealed for their rows first.
    if let Err(error) = outbox_body::upgrade_kind_only(rt).await {
        tracing::info!(%error, "queued bodies could not be re-sealed yet");
    }
    if let Some(wait) = retry_due(rt, head.seq) {
        return Next::Wait(wait);
    }
    let op = match head.state {
        OpState::Queued if head.kind == OpKind::Save => match code_sender::plan(rt, &head).await {
            Ok(OpState::AwaitingCodes) => return codes_of(rt, &head).await,
            Ok(_) => head,
            Err(_) => return Next::Wait(Duration::from_secs(5)),
        },
        OpState::Queued => head,
        OpState::AwaitingCodes => return codes_of(rt, &head).await,
        // The current notice's decision goes ahead of the writes that wait for it.
        OpState::WaitingForConsent => match rt.store.call(|c| outbox::next_queued_consent(c)).await
        {
            Ok(Some(consent)) => consent,
            Ok(None) => return Next::Idle,
            Err(_) => return Next::Wait(Duration::from_secs(5)),
        },
        // The user's turn on the head; a registered value's code does not wait for it.
        OpState::Conflict | OpState::Rejected => return registered_codes(rt).await,
        OpState::PasswordRequired => return Next::Idle,
    };
    let seq = op.seq;
    if rt
        .store
        .call(move |c| outbox::attempted(c, seq))
        .await
        .is_err()
    {
        return Next::Wait(Duration::from_secs(5));
    }
    let outcome = attempt(rt, &op).await;
    rt.attempts_tx.send_modify(|n| *n += 1);
    tracing::debug!(
        kind = op.kind.as_str(),
        seq,
        outcome = outcome_name(&outcome),
        "sync attempt"
    );
    match outcome {
        Outcome::Applied | Outcome::Again => {
            rt.reset_retry();
            rt.set_online(true);
            Next::Wait(Duration::ZERO)
        }
        Outcome::Retry(error) => schedule_retry(rt, seq, Some(&error)),
        Outcome::Local => schedule_retry(rt, seq, None),
        Outcome::SignIn => {
            rt.set_sign_in_required(true);
            Next::Idle
        }
        Outcome::AccountGone => {
            if let Err(error) = super::account_gone::wipe(rt).await {
                tracing::error!(%error, "the deleted account's data could not all be wiped");
            }
            Next::Idle
        }
        Outcome::Conflict => {
            rt.set_online(true);
            Next::Idle
        }
        Outcome::StepUp => park(rt, seq, OpState::PasswordRequired).await,
        Outcome::ConsentOutdated => consent_outdated(rt, seq).await,
        Outcome::NeedsCodes(channels) => {
            rt.set_online(true);
            match code_sender::codes_again(rt, &op, channels).await {
                Ok(()) => Next::Wait(Duration::ZERO),
                Err(_) => schedule_retry(rt, seq, None),
            }
        }
        Outcome::Rejected(refusal) => {
            rt.set_online(true);
            let stored = rt
                .store
                .call(move |c| outbox::set_state(c, seq, OpState::Rejected, Some(&refusal)))
                .await;
            if stored.is_err() {
                return Next::Wait(Duration::from_secs(5));
            }
            Next::Idle
        }
    }
}

/// How long the head `seq` still waits after a failed attempt, if it does.
fn retry_due(rt: &Runtime, seq: i64) -> Option<Duration> {
    let live = rt.live.lock().ok()?;
    let retry = live.retry.as_ref()?;
    let now = Instant::now();
    (retry.seq == seq && retry.next_attempt > now).then(|| retry.next_attempt - now)
}

/// Keeps the op `seq` at the head in `state` until the employee acts (step-up: the password).
async fn park(rt: &Runtime, seq: i64, state: OpState) -> Next {
    rt.reset_retry();
    rt.set_online(true);
    match rt
        .store
        .call(move |c| outbox::set_state(c, seq, state, None))
        .await
    {
        Ok(()) => Next::Idle,
        Err(_) => Next::Wait(Duration::from_secs(5)),
    }
}

/// `409 consent_outdated`: the op keeps its place and waits for the current notice's decision;
/// the identity (with the notice in force) and the notice are read so that the consent screen
/// shows, also after a restart.
async fn consent_outdated(rt: &Runtime, seq: i64) -> Next {
    let next = park(rt, seq, OpState::WaitingForConsent).await;
    if let Err(failure) = fetch_identity(rt, false).await {
        tracing::info!(
            ?failure,
            "consent outdated: the identity could not be read again"
        );
    }
    let locale = rt.locale();
    match rt.api.notice(locale).await {
        Ok(notice) => {
            let _ = rt
                .store
                .call(move |c| snapshot::put_notice(c, &notice))
                .await;
        }
        Err(error) => tracing::info!(%error, "consent outdated: the notice could not be read"),
    }
    next
}

/// The codes of the save at the head: started when never sent, then the employee's turn.
async fn codes_of(rt: &Runtime, op: &Op) -> Next {
    let outcome = code_sender::start_for_op(rt, op).await;
    after_codes(rt, Some(op.seq), outcome).await
}

/// The codes of registered values (settings' 확인하기), when the outbox is empty.
async fn registered_codes(rt: &Runtime) -> Next {
    if rt.live.lock().map(|l| l.password_required).unwrap_or(false) {
        return Next::Idle;
    }
    let outcome = code_sender::start_registered(rt).await;
    after_codes(rt, None, outcome).await
}

async fn after_codes(rt: &Runtime, seq: Option<i64>, outcome: CodesOutcome) -> Next {
    // Waiters for a first answer (submit) see the codes' state now.
    rt.attempts_tx.send_modify(|n| *n += 1);
    match (outcome, seq) {
        (CodesOutcome::Idle, _) => Next::Idle,
        (CodesOutcome::Retry(error), Some(seq)) => schedule_retry(rt, seq, Some(&error)),
        (CodesOutcome::Retry(error), None) => {
            rt.note_failure(&error);
            Next::Wait(Duration::from_secs(30))
        }
        (CodesOutcome::Local, _) => Next::Wait(Duration::from_secs(5)),
        (CodesOutcome::SignIn, _) => {
            rt.set_sign_in_required(true);
            Next::Idle
        }
        (CodesOutcome::StepUp, Some(seq)) => park(rt, seq, OpState::PasswordRequired).await,
        (CodesOutcome::StepUp, None) => {
            rt.set_password_required(true);
            Next::Idle
        }
        (CodesOutcome::ConsentOutdated, Some(seq)) => consent_outdated(rt, seq).await,
        (CodesOutcome::ConsentOutdated, None) => {
            // A registered value's code waits for the decision too: the screen asks for consent.
            let _ = rt.store.call(|c| verifications::clear(c)).await;
            let _ = fetch_identity(rt, false).await;
            Next::Idle
        }
        (CodesOutcome::Rejected(refusal), Some(seq)) => {
            match rt
                .store
                .call(move |c| outbox::set_state(c, seq, OpState::Rejected, Some(&refusal)))
                .await
            {
                Ok(()) => Next::Idle,
                Err(_) => Next::Wait(Duration::from_secs(5)),
            }
        }
        (CodesOutcome::Rejected(refusal), None) => {
            // A registered value the server will not verify: the screen says so; 다시 받기 retries.
            let _ = rt
                .store
                .call(move |c| {
                    for mut row in verifications::all(c)?
                        .into_iter()
                        .filter(code_sender::unsent)
                    {
                        row.not_sent(refusal.reason.clone(), None);
                        verifications::put(c, &row)?;
                    }
                    Ok(())
                })
                .await;
            Next::Idle
        }
    }
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Applied => "applied",
        Outcome::Again => "again",
        Outcome::Retry(_) => "retry",
        Outcome::SignIn => "sign_in_required",
        Outcome::AccountGone => "account_deleted",
        Outcome::Conflict => "conflict",
        Outcome::Rejected(_) => "rejected",
        Outcome::Local => "local_failure",
        Outcome::StepUp => "step_up_required",
        Outcome::ConsentOutdated => "consent_outdated",
        Outcome::NeedsCodes(_) => "verification_required",
    }
}

/// The reason a retry waits, for the status chip.
fn reason_of(error: &ApiError) -> SyncReason {
    let seconds = |r: Option<Duration>, reason: SyncReason| match r {
        Some(d) => reason.with("seconds", d.as_secs().to_string()),
        None => reason,
    };
    match error {
        ApiError::Offline => SyncReason::new("offline"),
        ApiError::Timeout => SyncReason::new("timeout"),
        ApiError::CutOff => SyncReason::new("cut_off"),
        ApiError::Unavailable { retry_after } => {
            seconds(*retry_after, SyncReason::new("server_unavailable"))
        }
        ApiError::RateLimited { retry_after } | ApiError::TooManySignIns { retry_after } => {
            seconds(*retry_after, SyncReason::new("rate_limited"))
        }
        ApiError::Server { .. } => SyncReason::new("server_error"),
        ApiError::BadResponse(_) | ApiError::ResponseTooLarge => SyncReason::new("bad_response"),
        _ => SyncReason::new("unknown"),
    }
}

fn schedule_retry(rt: &Runtime, seq: i64, error: Option<&ApiError>) -> Next {
    let unit = rt.jitter.lock().map(|mut j| j.unit()).unwrap_or(0.5);
    let Ok(mut live) = rt.live.lock() else {
        return Next::Wait(Duration::from_secs(5));
    };
    let failures = match &live.retry {
        Some(retry) if retry.seq == seq => retry.failures.saturating_add(1),
        _ => 1,
    };
    let delay = rt
        .config
        .backoff
        .delay(failures - 1, error.and_then(ApiError::retry_after), unit);
    let reason = error
        .map(reason_of)
        .unwrap_or_else(|| SyncReason::new("unknown"));
    if let Some(e) = error {
        live.reach = match e.unreachable() {
            Some(why) => Reach::Unreachable(why),
            None => Reach::Answering,
        };
    }
    live.retry = Some(RetrySchedule {
        seq,
        failures,
        next_attempt: Instant::now() + delay,
        next_attempt_at: rfc3339_in(delay),
        reason,
    });
    Next::Wait(delay)
}
