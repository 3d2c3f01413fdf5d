//! `GET`, `PUT` and `DELETE /v1/identity`: the info itself.

use super::{client, mail_locale, require_consent};
use crate::alerts::{self, Alert, Change, Event};
use crate::audit::{self, field_change, Kind};
use crate::auth::Account;
use crate::body::JsonBody;
use crate::clock::Clock;
use crate::idempotency::{self, Reply};
use crate::identity::{self, ConsentState, Phone, Record, Served, VerifiedAt};
use crate::precondition::{self, IfMatch};
use crate::problem::Problem;
use crate::state::AppState;
use crate::stats::Write;
use crate::step_up;
use crate::store::{Store, StoreError};
use crate::verification::{self, routes::mask_registered_phone, ProofCheck};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mail_identity_core::email::mask_email;
use mail_identity_core::identity::{IdentityInput, InputError};
use mail_identity_core::wire::{Channel, IdentityWrite, ProblemField, Proofs};
use rusqlite::Transaction;
use serde_json::json;
use std::time::Duration;

pub async fn get(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let served = state.served.clone();
    let record = state
        .store
        .call(move |conn| identity::load(conn, account.id, &served).map_err(Problem::from))
        .await?;
    let etag = record.etag();
    let etag_value = HeaderValue::from_str(&etag).map_err(|_| Problem::internal())?;
    if precondition::none_match_hits(&headers, &etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(header::ETAG, etag_value);
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(response);
    }
    let mut response = super::json(StatusCode::OK, record.body());
    response.headers_mut().insert(header::ETAG, etag_value);
    Ok(response)
}

/// What a write did, for the idempotency wrapper.
pub(super) struct Applied {
    pub reply: Reply,
    pub write: Write,
    /// Personal data was removed or replaced: scrub the WAL after the commit.
    pub scrub: bool,
    /// The change alert to send once committed.
    pub alert: Option<Alert>,
}

/// What a write's closure gets besides the transaction: the request's settled facts.
#[derive(Clone)]
pub(super) struct Context {
    pub account: Account,
    pub now: i64,
    pub now_text: String,
    pub served: std::sync::Arc<Served>,
    pub max_age: Duration,
    pub client: String,
    pub locale: mail_identity_core::locale::Locale,
}

impl Context {
    pub fn new(state: &AppState, account: Account, headers: &HeaderMap) -> Context {
        let clock: &Clock = &state.clock;
        let now = clock.now();
        Context {
            account,
            now: now.unix_timestamp(),
            now_text: crate::clock::rfc3339(now),
            served: state.served.clone(),
            max_age: state.step_up_max_age,
            client: client(headers),
            locale: mail_locale(headers),
        }
    }

    /// A change alert of this request.
    pub fn alert(&self, event: Event, old: &Record, email: Change, phone: Change) -> Alert {
        Alert {
            event,
            account: self.account.address.clone(),
            previous_email: old.identity.email.clone(),
            email,
            phone,
            at: time::OffsetDateTime::from_unix_timestamp(self.now)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
            client: self.client.clone(),
            locale: self.locale,
        }
    }
}

/// Runs a write in one transaction with its idempotency check, keeps a successful reply for its
/// key, and scrubs the WAL when personal data was removed.
pub(super) async fn write<F>(
    state: &AppState,
    account_id: i64,
    headers: &HeaderMap,
    method: &'static str,
    path: &'static str,
    raw: Bytes,
    apply: F,
) -> Result<Response, Problem>
where
    F: FnOnce(&Transaction<'_>) -> Result<Applied, Problem> + Send + 'static,
{
    let key = idempotency::key(headers)?;
    let now = state.clock.now_unix();
    let (reply, applied) = state
        .store
        .call(move |conn| {
            let tx = conn.transaction().map_err(StoreError::from)?;
            let fingerprint = match &key {
                Some(_) => Some(idempotency::fingerprint(&tx, method, path, &raw)?),
                None => None,
            };
            if let (Some(key), Some(fp)) = (&key, &fingerprint) {
                if let Some(reply) = idempotency::lookup(&tx, now, account_id, key, fp)? {
                    return Ok((reply, None));
                }
            }
            let applied = apply(&tx)?;
            if let (Some(key), Some(fp)) = (&key, &fingerprint) {
                idempotency::keep(&tx, now, account_id, key, fp, &applied.reply)?;
            }
            tx.commit().map_err(StoreError::from)?;
            if applied.scrub {
                // Committed: the answer is the write's, whatever the clean-up does.
                Store::scrub_wal_after_commit(conn);
            }
            Ok::<_, Problem>((applied.reply, Some((applied.write, applied.alert))))
        })
        .await?;
    match applied {
        Some((write, alert)) => {
            state.stats.applied(write);
            if let Some(alert) = alert {
                alerts::spawn(state.senders.clone(), alert);
            }
        }
        None => state.stats.replay(),
    }
    Ok(reply.into_response())
}

/// A 200 with the identity as it now is.
pub(super) fn current(
    tx: &Transaction<'_>,
    account_id: i64,
    served: &Served,
) -> Result<(Reply, Record), Problem> {
    let record = identity::load(tx, account_id, served)?;
    let reply = Reply {
        status: StatusCode::OK,
        etag: Some(record.etag()),
        body: Some(record.body()),
        replayed: false,
    };
    Ok((reply, record))
}

/// Judges the body with the form's own rule ([`IdentityInput::check`]): the same reasons, at the
/// same JSON pointers, as the client shows before sending.
fn validate(body: IdentityWrite, account_address: &str) -> Result<Validated, Problem> {
    match IdentityInput::from_write(body).check(account_address) {
        Ok(valid) => Ok(Validated {
            email: valid.email.map(|e| e.address),
            phone: valid.phone.map(|p| Phone {
                e164: p.e164,
                country: p.country,
                overseas: valid.overseas,
            }),
        }),
        Err(errors) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Some fields are not valid",
        )
        .errors(errors.iter().map(InputError::to_problem_field).collect())),
    }
}

/// A body that passed: normalized values ready to store.
struct Validated {
    email: Option<String>,
    phone: Option<Phone>,
}

pub async fn put(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
    body: JsonBody<IdentityWrite>,
) -> Result<Response, Problem> {
    let if_match = precondition::require_if_match(&headers)?;
    let JsonBody { mut value, raw } = body;
    let proofs = value.proofs.take().unwrap_or_default();
    // Validation is pure and may be slow for odd input: done before taking the database lock,
    // reported only after the step-up, consent and precondition checks.
    let validated = validate(value, &account.address);
    let context = Context::new(&state, account, &headers);
    let id = context.account.id;
    write(
        &state,
        id,
        &headers,
        "PUT",
        "/v1/identity",
        raw,
        move |tx| put_info(tx, &context, &if_match, validated, &proofs),
    )
    .await
}

/// The masked form of a part as the alert shows it.
fn masked_email(email: Option<&str>) -> Option<String> {
    email.map(mask_email)
}

fn masked_phone(phone: Option<&Phone>) -> Option<String> {
    phone.map(mask_registered_phone)
}

/// Checks the proofs of the parts whose value is new: `Ok` with the verifications to consume, or
/// `422 verification_required` naming every unproven part.
/// A new value with a valid proof: its verification (consumed by the write) and when its code was
/// confirmed, which is when the channel was verified.
struct ProvenPart {
    channel: Channel,
    verification_id: String,
    verified_at: String,
}

fn check_proofs(
    tx: &Transaction<'_>,
    context: &Context,
    changed: &[(Channel, &str)],
    proofs: &Proofs,
) -> Result<Vec<ProvenPart>, Problem> {
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let key = verification::key(tx)?;
    let mut valid = Vec::new();
    let mut unproven = Vec::new();
    for (channel, value) in changed {
        let check = match proofs.get(*channel) {
            Some(proof) => verification::check_proof(
                tx,
                &key,
                context.account.id,
                *channel,
                value,
                proof,
                context.now,
            )?,
            None => ProofCheck::Invalid,
        };
        match check {
            ProofCheck::Valid { id, verified_at } => valid.push(ProvenPart {
                channel: *channel,
                verification_id: id,
                verified_at: crate::clock::unix_rfc3339(verified_at),
            }),
            ProofCheck::Invalid => unproven.push(ProblemField {
                field: channel.pointer().to_string(),
                code: "unverified".to_string(),
                params: Default::default(),
            }),
        }
    }
    if !unproven.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "verification_required",
            "A new value needs the proof that its owner received a code",
        )
        .detail("verify each new value (POST /v1/identity/verifications) and send its proof")
        .errors(unproven));
    }
    Ok(valid)
}

fn put_info(
    tx: &Transaction<'_>,
    context: &Context,
    if_match: &IfMatch,
    validated: Result<Validated, Problem>,
    proofs: &Proofs,
) -> Result<Applied, Problem> {
    let id = context.account.id;
    step_up::require(&context.account, context.now, context.max_age)?;
    let old = identity::load(tx, id, &context.served)?;
    require_consent(&old.identity)?;
    if !if_match.matches(&old.etag()) {
        return Err(precondition::stale(&old.etag()));
    }
    let Validated { email, phone } = validated?;
    let old_email = old.identity.email.as_deref();
    let old_phone = old.identity.phone.as_ref().map(|p| p.e164.as_str());
    let new_phone = phone.as_ref().map(|p| p.e164.as_str());
    // A part whose normalized value is new needs its proof; an unchanged one keeps its date.
    let mut changed = Vec::new();
    if let Some(new) = email.as_deref().filter(|e| Some(*e) != old_email) {
        changed.push((Channel::Email, new));
    }
    if let Some(new) = new_phone.filter(|p| Some(*p) != old_phone) {
        changed.push((Channel::Phone, new));
    }
    let proven = check_proofs(tx, context, &changed, proofs)?;
    for part in &proven {
        verification::consume(tx, &part.verification_id)?;
    }
    let now = context.now_text.as_str();
    // A new value was verified when its code was confirmed; an unchanged one keeps its date.
    let verified_at_of = |channel: Channel, new: Option<&str>, kept: &Option<String>| match new {
        None => None,
        Some(_) => match proven.iter().find(|p| p.channel == channel) {
            Some(part) => Some(part.verified_at.clone()),
            None => kept.clone(),
        },
    };
    let verified = VerifiedAt {
        email: verified_at_of(
            Channel::Email,
            email.as_deref(),
            &old.identity.email_verified_at,
        ),
        phone: verified_at_of(Channel::Phone, new_phone, &old.identity.phone_verified_at),
    };
    identity::set_info(tx, id, email.as_deref(), phone.as_ref(), &verified, now)?;
    let kind = if old_email.is_none() && old_phone.is_none() {
        Kind::InfoRegistered
    } else {
        Kind::InfoChanged
    };
    let detail = json!({
        "email": field_change(&old.audit_salt, "email", old_email, email.as_deref()),
        "phone": field_change(&old.audit_salt, "phone", old_phone, new_phone),
        "phone_country": phone.as_ref().map(|p| p.country.clone()),
        "phone_overseas": phone.as_ref().map(|p| p.overseas),
        "verified": changed.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
    });
    audit::record(
        tx,
        id,
        now,
        &context.client,
        kind,
        old.identity.consent.notice_version.as_deref(),
        detail,
    )?;
    let replaced = |old: Option<&str>, new: Option<&str>| old.is_some() && old != new;
    let scrub = replaced(old_email, email.as_deref()) || replaced(old_phone, new_phone);
    if scrub {
        // Kept replies may hold the replaced values.
        idempotency::purge(tx, id)?;
    }
    let event = match kind {
        Kind::InfoRegistered => Event::Registered,
        _ => Event::Changed,
    };
    let email_change = Change {
        before: masked_email(old_email),
        after: masked_email(email.as_deref()),
    };
    let phone_change = Change {
        before: masked_phone(old.identity.phone.as_ref()),
        after: masked_phone(phone.as_ref()),
    };
    // A write that changed no value (the same info sent again) alerts no one.
    let alert = (old_email != email.as_deref() || old_phone != new_phone)
        .then(|| context.alert(event, &old, email_change, phone_change));
    let (reply, _) = current(tx, id, &context.served)?;
    Ok(Applied {
        reply,
        write: Write::Identity,
        scrub,
        alert,
    })
}

/// `DELETE /v1/identity`: destroys the info and withdraws consent (when it was given).
pub async fn delete(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let if_match = precondition::if_match(&headers)?;
    let context = Context::new(&state, account, &headers);
    let id = context.account.id;
    write(
        &state,
        id,
        &headers,
        "DELETE",
        "/v1/identity",
        Bytes::new(),
        move |tx| {
            let old = identity::load(tx, id, &context.served)?;
            if has_info(&old) {
                step_up::require(&context.account, context.now, context.max_age)?;
            }
            if let Some(if_match) = &if_match {
                if !if_match.matches(&old.etag()) {
                    return Err(precondition::stale(&old.etag()));
                }
            }
            let now = context.now_text.as_str();
            let client = context.client.as_str();
            let was_agreed = old.identity.consent.state == ConsentState::Agreed;
            destroy(
                tx,
                &old,
                id,
                now,
                client,
                was_agreed.then_some(ConsentState::Withdrawn),
            )?;
            if was_agreed {
                audit::record(
                    tx,
                    id,
                    now,
                    client,
                    Kind::ConsentWithdrawn,
                    old.identity.consent.notice_version.as_deref(),
                    json!({}),
                )?;
            }
            let etag = identity::load(tx, id, &context.served)?.etag();
            Ok(Applied {
                reply: Reply {
                    status: StatusCode::NO_CONTENT,
                    etag: Some(etag),
                    body: None,
                    replayed: false,
                },
                write: Write::Delete,
                scrub: true,
                alert: deleted_alert(&context, &old),
            })
        },
    )
    .await
}

/// Destroys the info of `id` (shared by DELETE and a refusal), with its audit entry.
pub(super) fn destroy(
    tx: &Transaction<'_>,
    old: &Record,
    id: i64,
    now: &str,
    client: &str,
    consent: Option<ConsentState>,
) -> Result<(), Problem> {
    identity::destroy(tx, id, consent, now)?;
    idempotency::purge(tx, id)?;
    audit::record(
        tx,
        id,
        now,
        client,
        Kind::InfoDeleted,
        old.identity.consent.notice_version.as_deref(),
        json!({
            "had_email": old.identity.email.is_some(),
            "had_phone": old.identity.phone.is_some(),
        }),
    )?;
    Ok(())
}

/// True when `record` holds an e-mail or a phone number.
pub(super) fn has_info(record: &Record) -> bool {
    record.identity.email.is_some() || record.identity.phone.is_some()
}

/// The alert of destroying `old`'s info (none when there was nothing).
pub(super) fn deleted_alert(context: &Context, old: &Record) -> Option<Alert> {
    has_info(old).then(|| {
        context.alert(
            Event::Deleted,
            old,
            Change {
                before: masked_email(old.identity.email.as_deref()),
                after: None,
            },
            Change {
                before: masked_phone(old.identity.phone.as_ref()),
                after: None,
            },
        )
    })
}
