//! Passwords, tokens and the bearer-token extractor.
//!
//! Access tokens are opaque and short-lived; refresh tokens are rotated on every use and belong to
//! a *family* (one sign-in). Presenting a refresh token that was already rotated means it was
//! copied: the whole family is revoked (OAuth 2.0 Security BCP, refresh token reuse detection).
//! Only SHA-256 hashes of tokens are stored.
//!
//! Every token carries the `auth_time` of its sign-in: when the password was entered. A refresh
//! copies it to the new pair and never renews it, so that step-up ([`crate::step_up`], RFC 9470)
//! can ask for the password again however long the session has been refreshed.

use crate::problem::Problem;
use crate::random::{self, sha256};
use crate::state::AppState;
use crate::store::StoreError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
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

/// Checks `password` against a stored PHC string; a corrupt hash verifies nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that an unknown name costs the
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
        "INSERT INTO access_tokens (hash, account_id, family, expires_at, auth_time)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            sha256(access.as_bytes()).to_vec(),
            account_id,
            family,
            now + access_ttl.as_secs() as i64,
            auth_time
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
    type Row = (i64, String, i64, bool, bool, i64);
    let row: Option<Row> = tx
        .query_row(
            "SELECT account_id, family, expires_at, used, revoked, auth_time
             FROM refresh_tokens WHERE hash = ?1",
            [&hash],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let Some((account_id, family, expires_at, used, revoked, auth_time)) = row else {
        return Err(RefreshError::Invalid);
    };
    if revoked || expires_at <= now {
        return Err(RefreshError::Invalid);
    }
    if used {
        revoke_family(&tx, &family)?;
        tx.commit()?;
        return Err(RefreshError::Reused);
    }
    tx.execute(
        "UPDATE refresh_tokens SET used = 1 WHERE hash = ?1",
        [&hash],
    )?;
    let pair = issue(&tx, account_id, Some(family), auth_time, now, ttl)?;
    tx.commit()?;
    Ok(pair)
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
            .call(move |conn| authenticate(conn, &token, now).map_err(Problem::from))
            .await?
            .ok_or_else(|| {
                Problem::unauthorized(
                    Some("invalid_token"),
                    "the access token is unknown, expired or revoked",
                )
            })
    }
}
