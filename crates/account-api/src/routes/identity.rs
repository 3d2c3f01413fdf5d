//! `GET`, `PUT` and `DELETE /v1/identity`: the info itself.

use super::client;
use crate::audit::{self, field_change, Kind};
use crate::auth::Account;
use crate::body::JsonBody;
use crate::clock::now_rfc3339;
use crate::idempotency::{self, Reply};
use crate::identity::{self, ConsentState, Phone, Record};
use crate::precondition::{self, IfMatch};
use crate::problem::Problem;
use crate::state::AppState;
use crate::stats::Write;
use crate::store::{Store, StoreError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mail_identity_core::identity::{IdentityInput, InputError};
use mail_identity_core::wire::IdentityWrite;
use rusqlite::Transaction;
use serde_json::json;

pub async fn get(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let record = state
        .store
        .call(move |conn| identity::load(conn, account.id).map_err(Problem::from))
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
    let (reply, applied) = state
        .store
        .call(move |conn| {
            let tx = conn.transaction().map_err(StoreError::from)?;
            let fingerprint = match &key {
                Some(_) => Some(idempotency::fingerprint(&tx, method, path, &raw)?),
                None => None,
            };
            if let (Some(key), Some(fp)) = (&key, &fingerprint) {
                if let Some(reply) = idempotency::lookup(&tx, account_id, key, fp)? {
                    return Ok((reply, None));
                }
            }
            let applied = apply(&tx)?;
            if let (Some(key), Some(fp)) = (&key, &fingerprint) {
                idempotency::keep(&tx, account_id, key, fp, &applied.reply)?;
            }
            tx.commit().map_err(StoreError::from)?;
            if applied.scrub {
                Store::scrub_wal(conn)?;
            }
            Ok::<_, Problem>((applied.reply, Some(applied.write)))
        })
        .await?;
    match applied {
        Some(write) => state.stats.applied(write),
        None => state.stats.replay(),
    }
    Ok(reply.into_response())
}

/// A 200 with the identity as it now is.
pub(super) fn current(tx: &Transaction<'_>, account_id: i64) -> Result<(Reply, Record), Problem> {
    let record = identity::load(tx, account_id)?;
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
    let client = client(&headers);
    let JsonBody { value, raw } = body;
    // Validation is pure and may be slow for odd input: done before taking the database lock,
    // reported only after the consent and precondition checks.
    let validated = validate(value, &account.address);
    let id = account.id;
    write(
        &state,
        id,
        &headers,
        "PUT",
        "/v1/identity",
        raw,
        move |tx| put_info(tx, id, &if_match, validated, &client),
    )
    .await
}

fn put_info(
    tx: &Transaction<'_>,
    id: i64,
    if_match: &IfMatch,
    validated: Result<Validated, Problem>,
    client: &str,
) -> Result<Applied, Problem> {
    let old = identity::load(tx, id)?;
    if old.identity.consent.state != ConsentState::Agreed {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "consent_required",
            "The info can be registered only after agreeing to the notice",
        )
        .detail("PUT /v1/identity/consent with decision agreed first"));
    }
    if !if_match.matches(&old.etag()) {
        return Err(precondition::stale(&old.etag()));
    }
    let Validated { email, phone } = validated?;
    let now = now_rfc3339();
    identity::set_info(tx, id, email.as_deref(), phone.as_ref(), &now)?;
    let old_email = old.identity.email.as_deref();
    let old_phone = old.identity.phone.as_ref().map(|p| p.e164.as_str());
    let new_phone = phone.as_ref().map(|p| p.e164.as_str());
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
    });
    audit::record(
        tx,
        id,
        &now,
        client,
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
    let (reply, _) = current(tx, id)?;
    Ok(Applied {
        reply,
        write: Write::Identity,
        scrub,
    })
}

/// `DELETE /v1/identity`: destroys the info and withdraws consent (when it was given).
pub async fn delete(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let if_match = precondition::if_match(&headers)?;
    let client = client(&headers);
    let id = account.id;
    write(
        &state,
        id,
        &headers,
        "DELETE",
        "/v1/identity",
        Bytes::new(),
        move |tx| {
            let old = identity::load(tx, id)?;
            if let Some(if_match) = &if_match {
                if !if_match.matches(&old.etag()) {
                    return Err(precondition::stale(&old.etag()));
                }
            }
            let now = now_rfc3339();
            let was_agreed = old.identity.consent.state == ConsentState::Agreed;
            destroy(
                tx,
                &old,
                id,
                &now,
                &client,
                was_agreed.then_some(ConsentState::Withdrawn),
            )?;
            if was_agreed {
                audit::record(
                    tx,
                    id,
                    &now,
                    &client,
                    Kind::ConsentWithdrawn,
                    old.identity.consent.notice_version.as_deref(),
                    json!({}),
                )?;
            }
            let etag = identity::load(tx, id)?.etag();
            Ok(Applied {
                reply: Reply {
                    status: StatusCode::NO_CONTENT,
                    etag: Some(etag),
                    body: None,
                    replayed: false,
                },
                write: Write::Delete,
                scrub: true,
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
