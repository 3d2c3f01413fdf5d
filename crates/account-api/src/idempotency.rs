//! `Idempotency-Key` on writes: the same key with the same request replays the first successful
//! response (without applying the write again); the same key with another request is refused
//! (422 `idempotency_key_reused`).
//!
//! Only successful responses are kept: a refused request changed nothing, so repeating it is safe
//! and lets a client retry after fixing the cause (e.g. consenting first). Keys are per account and
//! kept 24 hours. The request is remembered as a salted fingerprint, never as its body. A kept
//! response that holds personal data is purged when that data is destroyed; a replay of it then
//! answers 409 `idempotency_response_purged` (the write *was* applied; read the current state).

use crate::problem::Problem;
use crate::random::salted_hash;
use crate::store::{Store, StoreError};
use axum::http::{HeaderMap, StatusCode};
use rusqlite::{params, Connection, OptionalExtension};

/// How long a key is remembered.
pub const KEY_LIFETIME_SECS: i64 = 24 * 3600;

/// A response as kept for replay.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub etag: Option<String>,
    pub body: Option<Vec<u8>>,
    /// True when this is a replay of a kept response.
    pub replayed: bool,
}

/// The `Idempotency-Key` header: 1 to 255 visible ASCII characters (a UUID fits).
pub fn key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "The Idempotency-Key header is malformed",
            )
            .detail("1 to 255 visible ASCII characters, e.g. a UUID")
        })?;
    Ok(Some(key.to_string()))
}

/// The salted fingerprint of a request.
pub fn fingerprint(
    conn: &Connection,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Vec<u8>, StoreError> {
    let salt = Store::secret(conn, "idempotency_salt")?;
    Ok(salted_hash(&salt, &[method.as_bytes(), path.as_bytes(), body]).to_vec())
}

/// The kept reply for `key`, a refusal when the key was used for another request, or `None`.
pub fn lookup(
    conn: &Connection,
    now: i64,
    account_id: i64,
    key: &str,
    fingerprint: &[u8],
) -> Result<Option<Reply>, Problem> {
    conn.execute(
        "DELETE FROM idempotency WHERE created_at < ?1",
        [now - KEY_LIFETIME_SECS],
    )
    .map_err(StoreError::from)?;
    type Kept = (Vec<u8>, u16, Option<String>, Option<Vec<u8>>, bool);
    let key = stored_key(conn, key)?;
    let row: Option<Kept> = conn
        .query_row(
            "SELECT fingerprint, status, etag, body, purged FROM idempotency
             WHERE account_id = ?1 AND key = ?2",
            params![account_id, key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .map_err(StoreError::from)?;
    let Some((kept, status, etag, body, purged)) = row else {
        return Ok(None);
    };
    if kept != fingerprint {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used for another request",
        )
        .detail("use a new key for a new request"));
    }
    if purged {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency_response_purged",
            "This request was applied; its response held personal data destroyed since",
        )
        .detail("the write was applied earlier; GET /v1/identity for the current state"));
    }
    Ok(Some(Reply {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        etag,
        body,
        replayed: true,
    }))
}

/// Keeps a successful reply for `key`.
pub fn keep(
    conn: &Connection,
    now: i64,
    account_id: i64,
    key: &str,
    fingerprint: &[u8],
    reply: &Reply,
) -> Result<(), StoreError> {
    let key = stored_key(conn, key)?;
    conn.execute(
        "INSERT INTO idempotency (account_id, key, fingerprint, status, etag, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            account_id,
            key,
            fingerprint,
            reply.status.as_u16(),
            reply.etag,
            reply.body,
            now
        ],
    )?;
    Ok(())
}

/// Drops every kept body of `account_id` (they may hold the info being destroyed).
pub fn purge(conn: &Connection, account_id: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE idempotency SET body = NULL, purged = 1 WHERE account_id = ?1 AND body IS NOT NULL",
        [account_id],
    )?;
    Ok(())
}

/// The key as stored: a salted hash too, since a key is whatever the client chose to send.
fn stored_key(conn: &Connection, key: &str) -> Result<String, StoreError> {
    let salt = Store::secret(conn, "idempotency_salt")?;
    Ok(crate::random::hex(&salted_hash(
        &salt,
        &[b"key", key.as_bytes()],
    )))
}
