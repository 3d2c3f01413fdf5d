//! Passwords, tokens and the bearer-token extractor.
//!
//! Access tokens are opaque and short-lived; refresh tokens are rotated on every use and belong to
//! a *family* (one sign-in). Presenting a refresh token that was already rotated means it was
//! copied: the whole family is revoked (OAuth 2.0 Security BCP, refresh token reuse detection).
//! Only SHA-256 hashes of tokens are stored.
//!
//! One exception keeps a lost answer from signing the user out: a client whose refresh answer
//! never arrived retries with the token it still holds. Within [`REFRESH_RETRY_GRACE`] of its
//! rotation, once, and only while the pair that rotation issued is still unused, that token is
//! accepted: the unused pair is withdrawn and a fresh pair issued in the same family (the server
//! keeps no token in the clear, so it cannot send the lost one again). Anything else, such as the
//! old token after the grace, a second retry, or a retry after the new pair was used, is reuse.
//!
//! Every token carries the `auth_time` of its sign-in: when the password was entered. A refresh
//! copies it to the new pair and never renews it, so that step-up ([`crate::step_up`], RFC 9470)
//! can ask for the password again however long the session has been refreshed.

use crate::problem::Problem;
use crate::random::{self, sha256};
use crate::state::AppState;
use crate::store::StoreError;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
pub use mail_identity_core::wire::TokenResponse;
use rusqlite::{params, Connection, OptionalExtension};
use std::time::Duration;

/// Hashes `password` with argon2id and a fresh salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&random::bytes::<16>())
        .map_err(|_| StoreError::Corrupt("salt encoding"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| StoreError::Corrupt("password hashing"))
}

/// A hash to verify against (see [`crate::hashing`]) when the account does not exist, so that an unknown name costs the
/// same time as a wrong password and names cannot be probed by timing.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default())
}

/// The lifetimes of the tokens issued.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub access: Duration,
    pub refresh: Duration,
}

/// How long after a refresh token's rotation a retry with it is taken for a lost answer.
pub const REFRESH_RETRY_GRACE: Duration = Duration::from_secs(60);

/// Issues a new access and refresh token for `account_id` in `family` (a new family when `None`),
/// for a sign-in whose password was entered at `auth_time` (Unix seconds).
pub fn issue(
    conn: &Connection,
    account_id: i64,
    family: Option<String>,
    auth_time: i64,
    now: i64,
    ttl: Lifetimes,
) -> Result<TokenResponse, StoreError> {
    let (access_ttl, refresh_ttl) = (ttl.access, ttl.refresh);
    conn.execute(
        "DELETE FROM access_tokens WHERE account_id = ?1 AND expires_at <= ?2",
        params![account_id, now],
    )?;
    // Expired refresh tokens go too; used but live ones stay, for reuse detection.
    conn.execute(
        "DELETE FROM refresh_tokens WHERE account_id = ?1 AND expires_at <= ?2",
        params![account_id, now],
    )?;
    let family = family.unwrap_or_else(random::token);
    let access = random::token();
    let refresh = random::token();
    conn.execute(
        "INSERT INTO access_tokens (hash, account_id, family, expires_at, auth_time, refresh_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            sha256(access.as_bytes()).to_vec(),
            account_id,
            family,
            now + access_ttl.as_secs() as i64,
            auth_time,
            sha256(refresh.as_bytes()).to_vec()
        ],
    )?;
    conn.execute(
        "INSERT INTO refresh_tokens (hash, account_id, family, expires_at, auth_time)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            sha256(refresh.as_bytes()).to_vec(),
            account_id,
            family,
            now + refresh_ttl.as_secs() as i64,
            auth_time
        ],
    )?;
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".to_string(),
        expires_in: Some(access_ttl.as_secs()),
        refresh_token: refresh,
        refresh_token_expires_in: Some(refresh_ttl.as_secs()),
    })
}

/// Why a refresh token was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the refresh token is unknown, expired or revoked")]
    Invalid,
    #[error("the refresh token was already used: its family is revoked")]
    Reused,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for RefreshError {
    fn from(e: rusqlite::Error) -> Self {
        RefreshError::Store(e.into())
    }
}

/// Rotates `refresh_token`: marks it used and issues a new pair in the same family, with the
/// family's `auth_time` unchanged.
pub fn refresh(
    conn: &mut Connection,
    refresh_token: &str,
    now: i64,
    ttl: Lifetimes,
) -> Result<TokenResponse, RefreshError> {
    let tx = conn.transaction()?;
    let hash = sha256(refresh_token.as_bytes()).to_vec();
    let row: Option<Presented> = tx
        .query_row(
            "SELECT account_id, family, expires_at, used, revoked, auth_time, used_at, successor,
                    retried
             FROM refresh_tokens WHERE hash = ?1",
            [&hash],
            |r| {
                Ok(Presented {
                    account_id: r.get(0)?,
                    family: r.get(1)?,
                    expires_at: r.get(2)?,
                    used: r.get(3)?,
                    revoked: r.get(4)?,
                    auth_time: r.get(5)?,
                    used_at: r.get(6)?,
                    successor: r.get(7)?,
                    retried: r.get(8)?,
                })
            },
        )
        .optional()?;
    let Some(presented) = row else {
        return Err(RefreshError::Invalid);
    };
    if presented.revoked || presented.expires_at <= now {
        return Err(RefreshError::Invalid);
    }
    if presented.used {
        if !lost_answer_retry(&tx, &presented, now)? {
            revoke_family(&tx, &presented.family)?;
            tx.commit()?;
            return Err(RefreshError::Reused);
        }
        // The pair the first use issued never reached its client (or must not stay with whoever
        // has it): withdrawn, and the retry spent.
        if let Some(successor) = &presented.successor {
            tx.execute(
                "UPDATE refresh_tokens SET revoked = 1 WHERE hash = ?1",
                [successor],
            )?;
            tx.execute(
                "DELETE FROM access_tokens WHERE refresh_hash = ?1",
                [successor],
            )?;
        }
        tx.execute(
            "UPDATE refresh_tokens SET retried = 1 WHERE hash = ?1",
            [&hash],
        )?;
    }
    let pair = issue(
        &tx,
        presented.account_id,
        Some(presented.family),
        presented.auth_time,
        now,
        ttl,
    )?;
    tx.execute(
        "UPDATE refresh_tokens SET used = 1, used_at = COALESCE(used_at, ?2), successor = ?3
         WHERE hash = ?1",
        params![hash, now, sha256(pair.refresh_token.as_bytes()).to_vec()],
    )?;
    tx.commit()?;
    Ok(pair)
}

/// A refresh token row as presented.
struct Presented {
    account_id: i64,
    family: String,
    expires_at: i64,
    used: bool,
    revoked: bool,
    auth_time: i64,
    used_at: Option<i64>,
    successor: Option<Vec<u8>>,
    retried: bool,
}

/// Whether a used token is the retry of a refresh whose answer was lost: the first retry, within
/// the grace of its rotation, while the pair that rotation issued is still unused and live.
fn lost_answer_retry(
    tx: &Connection,
    presented: &Presented,
    now: i64,
) -> Result<bool, RefreshError> {
    let within_grace = presented
        .used_at
        .is_some_and(|at| now - at < REFRESH_RETRY_GRACE.as_secs() as i64);
    let (Some(successor), false, true) = (&presented.successor, presented.retried, within_grace)
    else {
        return Ok(false);
    };
    let untouched: Option<bool> = tx
        .query_row(
            "SELECT used = 0 AND revoked = 0 FROM refresh_tokens WHERE hash = ?1",
            [successor],
            |r| r.get(0),
        )
        .optional()?;
    Ok(untouched == Some(true))
}

/// Revokes `token` (RFC 7009): a refresh token ends its whole family, an access token ends itself.
/// Unknown tokens are not an error.
pub fn revoke(conn: &Connection, token: &str) -> Result<(), StoreError> {
    let hash = sha256(token.as_bytes()).to_vec();
    let family: Option<String> = conn
        .query_row(
            "SELECT family FROM refresh_tokens WHERE hash = ?1",
            [&hash],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(family) = family {
        revoke_family(conn, &family)?;
    } else {
        conn.execute("DELETE FROM access_tokens WHERE hash = ?1", [&hash])?;
    }
    Ok(())
}

fn revoke_family(conn: &Connection, family: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1",
        [family],
    )?;
    conn.execute("DELETE FROM access_tokens WHERE family = ?1", [family])?;
    Ok(())
}

/// The account an access token belongs to, when the token is live.
pub fn authenticate(
    conn: &Connection,
    access_token: &str,
    now: i64,
) -> Result<Option<Account>, StoreError> {
    let hash = sha256(access_token.as_bytes()).to_vec();
    Ok(conn
        .query_row(
            "SELECT a.id, a.address, t.auth_time FROM access_tokens t
             JOIN accounts a ON a.id = t.account_id
             WHERE t.hash = ?1 AND t.expires_at > ?2",
            params![hash, now],
            |r| {
                Ok(Account {
                    id: r.get(0)?,
                    address: r.get(1)?,
                    auth_time: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// The signed-in account of a request.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    /// The webmail address (the account's name, not personal recovery data).
    pub address: String,
    /// Unix seconds: when the password of this token's sign-in was entered.
    pub auth_time: i64,
}

impl FromRequestParts<AppState> for Account {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Err(Problem::unauthorized(None, "an access token is required"));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty() && t.len() <= 512)
            .ok_or_else(|| {
                Problem::unauthorized(
                    Some("invalid_token"),
                    "the Authorization header is not a bearer token",
                )
            })?
            .to_string();
        let now = state.clock.now_unix();
        state
            .store
            .call(move |conn| match authenticate(conn, &token, now)? {
                Some(account) => Ok(account),
                // The app of a deleted account learns it here, on its next call.
                None if crate::admin::deletion::token_gone(conn, &token)? => {
                    Err(Problem::account_deleted())
                }
                None => Err(Problem::unauthorized(
                    Some("invalid_token"),
                    "the access token is unknown, expired or revoked",
                )),
            })
            .await
    }
}
