//! `POST /v1/identity/verifications`, `/{id}/resend` and `/{id}/confirm`.

use super::caps::{self, SendKey};
use super::codes;
use super::{
    NewCode, Stored, CODE_LIFETIME_SECS, MAX_ATTEMPTS, PROOF_LIFETIME_SECS, RESEND_AFTER_SECS,
};
use crate::auth::Account;
use crate::body::JsonBody;
use crate::clock::unix_rfc3339;
use crate::idempotency;
use crate::identity::{self, Phone};
use crate::problem::Problem;
use crate::routes::{json, require_consent};
use crate::senders::SendError;
use crate::state::AppState;
use crate::step_up;
use crate::store::StoreError;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mail_identity_core::email::mask_email;
use mail_identity_core::identity::{IdentityInput, InputError};
use mail_identity_core::locale::Locale;
use mail_identity_core::phone::{check_phone, mask_phone, PhoneMode};
use mail_identity_core::wire::{
    Channel, CodeConfirm, IdentityWrite, Verification, VerificationProof, VerificationStart,
};
use rusqlite::params;
use std::net::SocketAddr;

/// A destination judged and normalized: the value codes go to, and its masked form.
struct Target {
    value: String,
    masked: String,
}

/// The value of the start body for its channel, judged by the identity write's own rule;
/// `Ok(None)` when it is left out (the registered value is meant).
fn judge(start: &VerificationStart, account: &str) -> Result<Option<Target>, Problem> {
    let write = match start.channel {
        Channel::Email => match &start.email {
            Some(email) if !email.trim().is_empty() => IdentityWrite {
                email: Some(email.clone()),
                ..IdentityWrite::default()
            },
            _ => return Ok(None),
        },
        Channel::Phone => match &start.phone {
            Some(phone) if !phone.number.trim().is_empty() => IdentityWrite {
                phone: Some(phone.clone()),
                ..IdentityWrite::default()
            },
            _ => return Ok(None),
        },
    };
    match IdentityInput::from_write(write).check(account) {
        Ok(valid) => Ok(match (valid.email, valid.phone) {
            (Some(email), _) => Some(Target {
                masked: mask_email(&email.address),
                value: email.address,
            }),
            (None, Some(phone)) => Some(Target {
                masked: mask_phone(&phone),
                value: phone.e164,
            }),
            (None, None) => None,
        }),
        Err(errors) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Some fields are not valid",
        )
        .errors(errors.iter().map(InputError::to_problem_field).collect())),
    }
}

/// A registered phone number, masked as the form masks it.
pub fn mask_registered_phone(phone: &Phone) -> String {
    let mode = PhoneMode::for_form(phone.overseas, Some(&phone.country));
    check_phone(&phone.e164, &mode)
        .map(|valid| mask_phone(&valid))
        .unwrap_or_else(|_| mail_identity_core::phone::mask::mask_formatted(&phone.e164))
}

fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "verification_not_found",
        "No such verification",
    )
    .detail("unknown, another account's, or already confirmed: start a new one")
}

fn not_configured() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "sender_not_configured",
        "The server cannot send codes on this channel",
    )
    .detail("the administrator has not configured an SMTP relay or SMS webhook for it")
    .retry_after(3600)
}

fn rate_limited(wait: u64) -> Problem {
    Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "verification_rate_limited",
        "Too many codes were sent",
    )
    .detail("a send cap per account, destination or client address is reached")
    .retry_after(wait)
}

fn answer(stored: &Stored) -> Verification {
    Verification {
        id: stored.id.clone(),
        channel: stored.channel,
        destination: stored.masked.clone(),
        expires_at: unix_rfc3339(stored.expires_at),
        resend_at: unix_rfc3339(stored.resend_at),
        attempts_left: stored.attempts_left,
    }
}

/// The keyed hash of the client's address, for its cap.
fn client_hash(key: &[u8], peer: SocketAddr) -> Vec<u8> {
    codes::keyed(key, &[b"client", peer.ip().to_string().as_bytes()]).to_vec()
}

/// What the first transaction of a start decided.
enum Started {
    Replay(idempotency::Reply),
    Recorded {
        stored: Stored,
        code: String,
        destination: String,
    },
}

pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    account: Account,
    headers: HeaderMap,
    body: JsonBody<VerificationStart>,
) -> Result<Response, Problem> {
    let key_header = idempotency::key(&headers)?;
    let keep_key = key_header.clone();
    let JsonBody { value, raw } = body;
    let keep_raw = raw.clone();
    let other_given = match value.channel {
        Channel::Email => value.phone.is_some(),
        Channel::Phone => value.email.is_some(),
    };
    if other_given {
        return Err(Problem::invalid_body(
            "give only the value of the channel being verified",
        ));
    }
    let now = state.clock.now_unix();
    let judged = judge(&value, &account.address);
    let channel = value.channel;
    let locale = value.locale.unwrap_or_default();
    let caps_config = state.send_caps;
    let configured = state.senders.configured(channel);
    let served = state.served.clone();
    let max_age = state.step_up_max_age;
    let id = account.id;
    let started = state
        .store
        .call(move |conn| {
            let tx = conn.transaction().map_err(StoreError::from)?;
            let fingerprint = match &key_header {
                Some(_) => Some(idempotency::fingerprint(&tx, "POST", START_PATH, &raw)?),
                None => None,
            };
            if let (Some(k), Some(fp)) = (&key_header, &fingerprint) {
                if let Some(reply) = idempotency::lookup(&tx, now, id, k, fp)? {
                    return Ok(Started::Replay(reply));
                }
            }
            step_up::require(&account, now, max_age)?;
            let record = identity::load(&tx, id, &served)?;
            require_consent(&record.identity)?;
            let target = match judged? {
                Some(target) => target,
                None => match channel {
                    Channel::Email => record.identity.email.as_ref().map(|e| Target {
                        masked: mask_email(e),
                        value: e.clone(),
                    }),
                    Channel::Phone => record.identity.phone.as_ref().map(|p| Target {
                        masked: mask_registered_phone(p),
                        value: p.e164.clone(),
                    }),
                }
                .ok_or_else(|| {
                    Problem::new(
                        StatusCode::CONFLICT,
                        "no_info",
                        "Nothing is registered on this channel",
                    )
                })?,
            };
            // Before anything is recorded: an unconfigured channel costs no cap and leaves no row.
            if !configured {
                return Err(not_configured());
            }
            let key = super::key(&tx)?;
            let value_hash = super::value_hash(&key, channel, &target.value).to_vec();
            let send = SendKey {
                account_id: id,
                destination_hash: &value_hash,
                client_hash: &client_hash(&key, peer),
            };
            if let Err(wait) = caps::reserve(&tx, &caps_config, now, &send)? {
                // The refusal is not kept: nothing was recorded.
                return Err(rate_limited(wait));
            }
            let code = NewCode::draw(&key);
            let stored = Stored {
                id: crate::random::token(),
                channel,
                value_hash,
                masked: target.masked,
                code_salt: code.salt,
                code_hash: code.hash,
                expires_at: now + CODE_LIFETIME_SECS,
                resend_at: now + RESEND_AFTER_SECS,
                attempts_left: MAX_ATTEMPTS,
                confirmed: false,
                used: false,
            };
            tx.execute(
                "INSERT INTO verifications (id, account_id, channel, value_hash, masked, code_salt,
                     code_hash, expires_at, resend_at, attempts_left, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    stored.id,
                    id,
                    channel.as_str(),
                    stored.value_hash,
                    stored.masked,
                    stored.code_salt,
                    stored.code_hash,
                    stored.expires_at,
                    stored.resend_at,
                    stored.attempts_left,
                    now
                ],
            )
            .map_err(StoreError::from)?;
            tx.commit().map_err(StoreError::from)?;
            Ok::<_, Problem>(Started::Recorded {
                stored,
                code: code.code,
                destination: target.value,
            })
        })
        .await?;
    let (stored, code, destination) = match started {
        Started::Replay(reply) => return Ok(reply.into_response()),
        Started::Recorded {
            stored,
            code,
            destination,
        } => (stored, code, destination),
    };
    deliver(&state, &stored, &destination, &code, locale).await?;
    state.pending.insert(&stored.id, destination, locale, now);
    let body = serde_json::to_vec(&answer(&stored)).unwrap_or_default();
    if let Some(key) = keep_key {
        // Kept only once the code is out, so that a retry after a failed send sends again.
        let reply = idempotency::Reply {
            status: StatusCode::CREATED,
            etag: None,
            body: Some(body.clone()),
            replayed: false,
        };
        let kept = state
            .store
            .call(move |conn| {
                let fp = idempotency::fingerprint(conn, "POST", START_PATH, &keep_raw)?;
                idempotency::keep(conn, now, id, &key, &fp, &reply)
            })
            .await;
        if let Err(error) = kept {
            // A concurrent request with the same key kept its answer first: this one still stands.
            tracing::debug!(%error, "an idempotent start was not kept");
        }
    }
    Ok(json(StatusCode::CREATED, body))
}

const START_PATH: &str = "/v1/identity/verifications";

/// Sends the code; when the relay refuses, the verification is removed (its send still counts
/// against the caps) and the answer is `503 sender_failed`.
async fn deliver(
    state: &AppState,
    stored: &Stored,
    destination: &str,
    code: &str,
    locale: Locale,
) -> Result<(), Problem> {
    let result = state
        .senders
        .send_code(stored.channel, destination, code, locale)
        .await;
    let failure = match result {
        Ok(()) => return Ok(()),
        Err(SendError::NotConfigured) => not_configured(),
        Err(SendError::Failed(cause)) => {
            tracing::warn!(channel = stored.channel.as_str(), %cause, "a code could not be sent");
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "sender_failed",
                "The code could not be sent",
            )
            .detail("the mail relay or SMS provider refused it; try again later")
            .retry_after(30)
        }
    };
    let id = stored.id.clone();
    state
        .store
        .call(move |conn| {
            conn.execute("DELETE FROM verifications WHERE id = ?1", [&id])
                .map_err(|e| Problem::from(StoreError::from(e)))
        })
        .await?;
    state.pending.remove(&stored.id);
    Err(failure)
}

pub async fn resend(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    account: Account,
    Path(vid): Path<String>,
) -> Result<Response, Problem> {
    let now = state.clock.now_unix();
    let destination = state.pending.get(&vid, now).ok_or_else(not_found)?;
    let senders = state.senders.clone();
    let caps_config = state.send_caps;
    let id = account.id;
    let updated = state
        .store
        .call(move |conn| {
            let tx = conn.transaction().map_err(StoreError::from)?;
            let Some(mut stored) = super::load(&tx, id, &vid)?.filter(|s| !s.confirmed && !s.used)
            else {
                return Err(not_found());
            };
            // Under the lock: of two resends at once, one sends and the other is too soon.
            if now < stored.resend_at {
                return Err(Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "resend_too_soon",
                    "A new code can be sent a little later",
                )
                .retry_after((stored.resend_at - now) as u64));
            }
            if !senders.configured(stored.channel) {
                return Err(not_configured());
            }
            let key = super::key(&tx)?;
            let send = SendKey {
                account_id: id,
                destination_hash: &stored.value_hash,
                client_hash: &client_hash(&key, peer),
            };
            if let Err(wait) = caps::reserve(&tx, &caps_config, now, &send)? {
                return Err(rate_limited(wait));
            }
            let code = NewCode::draw(&key);
            stored.code_salt = code.salt;
            stored.code_hash = code.hash;
            stored.expires_at = now + CODE_LIFETIME_SECS;
            stored.resend_at = now + RESEND_AFTER_SECS;
            stored.attempts_left = MAX_ATTEMPTS;
            tx.execute(
                "UPDATE verifications SET code_salt = ?2, code_hash = ?3, expires_at = ?4,
                     resend_at = ?5, attempts_left = ?6 WHERE id = ?1",
                params![
                    stored.id,
                    stored.code_salt,
                    stored.code_hash,
                    stored.expires_at,
                    stored.resend_at,
                    stored.attempts_left
                ],
            )
            .map_err(StoreError::from)?;
            tx.commit().map_err(StoreError::from)?;
            Ok::<_, Problem>((stored, code.code))
        })
        .await?;
    let (stored, code) = updated;
    deliver(
        &state,
        &stored,
        &destination.value,
        &code,
        destination.locale,
    )
    .await?;
    state
        .pending
        .insert(&stored.id, destination.value, destination.locale, now);
    Ok(json(
        StatusCode::OK,
        serde_json::to_vec(&answer(&stored)).unwrap_or_default(),
    ))
}

/// What a confirmation decided (committed either way: a wrong try must count).
enum Confirmed {
    Proof(VerificationProof),
    Wrong(u32),
    Exhausted,
    Expired,
}

pub async fn confirm(
    State(state): State<AppState>,
    account: Account,
    Path(vid): Path<String>,
    body: JsonBody<CodeConfirm>,
) -> Result<Response, Problem> {
    let now = state.clock.now_unix();
    let now_text = unix_rfc3339(now);
    let typed = codes::normalize(&body.value.code);
    let served = state.served.clone();
    let id = account.id;
    let lookup = vid.clone();
    let outcome = state
        .store
        .call(move |conn| {
            let tx = conn.transaction().map_err(StoreError::from)?;
            let stored = super::load(&tx, id, &lookup)?
                .filter(|s| !s.used)
                .ok_or_else(not_found)?;
            if stored.attempts_left == 0 {
                return Ok(Confirmed::Exhausted);
            }
            if now >= stored.expires_at {
                return Ok(Confirmed::Expired);
            }
            let key = super::key(&tx)?;
            let hash = codes::keyed(&key, &[b"code", &stored.code_salt, typed.as_bytes()]);
            if !codes::same(&stored.code_hash, &hash) {
                let left = stored.attempts_left - 1;
                tx.execute(
                    "UPDATE verifications SET attempts_left = ?2 WHERE id = ?1",
                    params![stored.id, left],
                )
                .map_err(StoreError::from)?;
                tx.commit().map_err(StoreError::from)?;
                return Ok(if left == 0 {
                    Confirmed::Exhausted
                } else {
                    Confirmed::Wrong(left)
                });
            }
            // Right: a fresh proof replaces any earlier one of this verification.
            tx.execute("DELETE FROM proofs WHERE verification_id = ?1", [&stored.id])
                .map_err(StoreError::from)?;
            let proof = crate::random::token();
            let proof_expires_at = now + PROOF_LIFETIME_SECS;
            tx.execute(
                "INSERT INTO proofs (hash, verification_id, account_id, channel, value_hash, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    super::proof_hash(&key, &proof).to_vec(),
                    stored.id,
                    id,
                    stored.channel.as_str(),
                    stored.value_hash,
                    proof_expires_at
                ],
            )
            .map_err(StoreError::from)?;
            tx.execute(
                "UPDATE verifications SET confirmed = 1 WHERE id = ?1",
                [&stored.id],
            )
            .map_err(StoreError::from)?;
            // The registered value itself: marked verified now, no write follows.
            let record = identity::load(&tx, id, &served)?;
            let registered_value = match stored.channel {
                Channel::Email => record.identity.email.clone(),
                Channel::Phone => record.identity.phone.as_ref().map(|p| p.e164.clone()),
            };
            let registered = registered_value.is_some_and(|v| {
                codes::same(
                    &stored.value_hash,
                    &super::value_hash(&key, stored.channel, &v),
                )
            });
            if registered {
                identity::mark_verified(&tx, id, stored.channel, &now_text)?;
            }
            tx.commit().map_err(StoreError::from)?;
            Ok::<_, Problem>(Confirmed::Proof(VerificationProof {
                channel: stored.channel,
                proof,
                proof_expires_at: unix_rfc3339(proof_expires_at),
                verified_at: now_text,
                registered,
            }))
        })
        .await?;
    match outcome {
        Confirmed::Proof(proof) => {
            state.pending.remove(&vid);
            Ok(json(
                StatusCode::OK,
                serde_json::to_vec(&proof).unwrap_or_default(),
            ))
        }
        Confirmed::Wrong(left) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "code_incorrect",
            "The code is not correct",
        )
        .attempts_left(left)),
        Confirmed::Exhausted => Err(Problem::new(
            StatusCode::GONE,
            "code_exhausted",
            "Too many wrong codes: send a new one",
        )),
        Confirmed::Expired => Err(Problem::new(
            StatusCode::GONE,
            "code_expired",
            "The code has expired: send a new one",
        )),
    }
}
