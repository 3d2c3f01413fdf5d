//! Deleting an account when its owner leaves the company.
//!
//! The notice promises the info is destroyed at once when the account is deleted. Deletion does,
//! in one transaction: the identity row and everything derived from it (codes on their way and
//! their proofs, kept idempotent answers, send records) are deleted, which `secure_delete` zeroes;
//! every access and refresh token is ended; the account row keeps only its id (so that no later
//! account inherits its audit trail) and the organisation, with a placeholder for the address and
//! nothing of the name or password. After the commit the WAL is checkpointed and truncated, as
//! after an employee's own delete, so that no file of the database holds a destroyed byte.
//!
//! What stays is a tombstone that lets the right people be told, and no one else: the SHA-256
//! hashes the account's tokens had (its app, presenting one, gets `410 account_deleted` instead of
//! a sign-in prompt), and a keyed hash of the address with the password hash (only someone who
//! types that password learns the account is gone; anyone else gets the usual `invalid_grant`).

use crate::audit::{self, Kind};
use crate::problem::Problem;
use crate::random::sha256;
use crate::store::{Store, StoreError};
use axum::http::StatusCode;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

/// What a deletion did, as the admin route and the command line answer it: no address, no value.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Deleted {
    /// The keyed reference of the account, as the audit trail names it.
    pub account_ref: String,
    pub deleted_at: String,
    pub had_email: bool,
    pub had_phone: bool,
    /// Access and refresh tokens ended.
    pub sessions_ended: u64,
    /// The ids of the codes that were on their way: the running server forgets their destinations,
    /// which it holds in memory only (not part of the answer).
    #[serde(skip)]
    pub codes_cancelled: Vec<String>,
}

/// Why an account was not deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("no account has this address")]
    NotFound,
    #[error("this account was already deleted at {0}")]
    AlreadyDeleted(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DeleteError {
    fn from(e: rusqlite::Error) -> Self {
        DeleteError::Store(e.into())
    }
}

impl From<DeleteError> for Problem {
    fn from(error: DeleteError) -> Problem {
        match error {
            DeleteError::NotFound => Problem::new(
                StatusCode::NOT_FOUND,
                "account_not_found",
                "No account has this address",
            ),
            DeleteError::AlreadyDeleted(at) => {
                Problem::account_deleted().detail(format!("the account was deleted at {at}"))
            }
            DeleteError::Store(e) => e.into(),
        }
    }
}

/// Who asked: the audit entry's client and actor.
pub struct Actor<'a> {
    /// The User-Agent of an HTTP call, or the command line's name.
    pub client: &'a str,
    /// `token:<id>` for an admin token, `cli` for the command line on the server.
    pub by: &'a str,
}

/// Deletes the account whose webmail address is `address` (case-insensitive).
pub fn delete_account(
    conn: &mut Connection,
    address: &str,
    now: &str,
    actor: &Actor<'_>,
) -> Result<Deleted, DeleteError> {
    let tx = conn.transaction()?;
    let account: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, password_hash FROM accounts
             WHERE address = ?1 COLLATE NOCASE AND deleted_at IS NULL",
            [address],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, password_hash)) = account else {
        let key = super::address_key(&tx, address)?;
        let deleted_at: Option<String> = tx
            .query_row(
                "SELECT deleted_at FROM deleted_accounts WHERE address_key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        return Err(match deleted_at {
            Some(at) => DeleteError::AlreadyDeleted(at),
            None => DeleteError::NotFound,
        });
    };
    let (had_email, had_phone, notice_version): (bool, bool, Option<String>) = tx
        .query_row(
            "SELECT email IS NOT NULL, phone_e164 IS NOT NULL, notice_version FROM identity
             WHERE account_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .unwrap_or((false, false, None));
    let codes_cancelled = {
        let mut stmt = tx.prepare("SELECT id FROM verifications WHERE account_id = ?1")?;
        let ids = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        ids.collect::<Result<Vec<_>, _>>()?
    };
    // The info first, by the same path as the employee's own delete, then the row itself.
    crate::identity::destroy(&tx, id, None, now)?;
    tx.execute("DELETE FROM proofs WHERE account_id = ?1", [id])?;
    tx.execute("DELETE FROM identity WHERE account_id = ?1", [id])?;
    tx.execute("DELETE FROM idempotency WHERE account_id = ?1", [id])?;
    tx.execute("DELETE FROM verification_sends WHERE account_id = ?1", [id])?;
    let sessions_ended = end_sessions(&tx, id, now)?;
    tx.execute(
        "INSERT OR REPLACE INTO deleted_accounts (address_key, password_hash, deleted_at)
         VALUES (?1, ?2, ?3)",
        params![super::address_key(&tx, address)?, password_hash, now],
    )?;
    tx.execute(
        "UPDATE accounts SET address = 'deleted:' || id, display_name = '', password_hash = '',
                deleted_at = ?2
         WHERE id = ?1",
        params![id, now],
    )?;
    audit::record(
        &tx,
        id,
        now,
        actor.client,
        Kind::AccountDeleted,
        notice_version.as_deref(),
        json!({ "had_email": had_email, "had_phone": had_phone, "by": actor.by }),
    )?;
    let account_ref = super::account_reference(&tx, id)?;
    tx.commit()?;
    // Committed: the answer is the deletion's, whatever the clean-up does.
    Store::scrub_wal_after_commit(conn);
    Ok(Deleted {
        account_ref,
        deleted_at: now.to_string(),
        had_email,
        had_phone,
        sessions_ended,
        codes_cancelled,
    })
}

/// Ends every session of `id`: the token rows go, their hashes stay as "gone".
fn end_sessions(conn: &Connection, id: i64, now: &str) -> Result<u64, StoreError> {
    let mut ended = 0;
    for table in ["access_tokens", "refresh_tokens"] {
        conn.execute(
            &format!(
                "INSERT OR IGNORE INTO gone_tokens (hash, deleted_at)
                 SELECT hash, ?2 FROM {table} WHERE account_id = ?1"
            ),
            params![id, now],
        )?;
        ended += conn.execute(&format!("DELETE FROM {table} WHERE account_id = ?1"), [id])? as u64;
    }
    Ok(ended)
}

/// Whether `token` (an access or refresh token) belonged to an account deleted since.
pub fn token_gone(conn: &Connection, token: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM gone_tokens WHERE hash = ?1)",
        [sha256(token.as_bytes()).to_vec()],
        |r| r.get(0),
    )?)
}

/// The password hash of the deleted account that had `address`, to check a sign-in against.
pub fn deleted_sign_in(conn: &Connection, address: &str) -> Result<Option<String>, StoreError> {
    let key = super::address_key(conn, address)?;
    Ok(conn
        .query_row(
            "SELECT password_hash FROM deleted_accounts WHERE address_key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}
