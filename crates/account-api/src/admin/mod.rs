//! The administrator's side: what IT, not the employee, does with the server.
//!
//! - [`tokens`]: admin tokens, created with the command line, stored as SHA-256 hashes, scoped and
//!   revocable; the only credential the `/v1/admin/*` routes accept (an employee's token is never
//!   looked up there, and an admin token is never looked up on an employee's route).
//! - [`deletion`]: deleting an account when its owner leaves: the identity info destroyed with the
//!   same byte-level guarantee as the employee's own delete, every session ended, and a tombstone
//!   that lets the app and its owner be told "this account was deleted" (`410 account_deleted`).
//! - [`report`]: the registration report: counts only, small groups suppressed.
//! - [`trail`]: the audit trail as an auditor reads it: kinds, times, app versions and a keyed
//!   reference of the account, never a value.
//! - [`cli`]: `account-api admin …`, the same operations on the database file.

pub mod cli;
mod cli_text;
pub mod deletion;
pub mod report;
pub mod tokens;
pub mod trail;

use crate::verification::codes::keyed;
use rusqlite::Connection;

/// The `meta` key of the secret that keys account references and deleted addresses.
const REFERENCE_SECRET: &str = "admin_reference_key";

/// The keyed reference of an account in admin answers: HMAC-SHA256 of its id under a per-database
/// secret, 32 hex digits. Stable, so that an auditor can follow one account through the trail;
/// without the database's secret it cannot be tied back to an id, an address or a person.
pub fn account_reference(conn: &Connection, account_id: i64) -> Result<String, crate::StoreError> {
    let secret = crate::store::Store::secret(conn, REFERENCE_SECRET)?;
    let mac = keyed(&secret, &[b"account", account_id.to_string().as_bytes()]);
    Ok(crate::random::hex(&mac)[..32].to_string())
}

/// The keyed hash of a (deleted) account's address, lower-cased: what the tombstone keeps instead
/// of the address.
pub(crate) fn address_key(conn: &Connection, address: &str) -> Result<Vec<u8>, crate::StoreError> {
    let secret = crate::store::Store::secret(conn, REFERENCE_SECRET)?;
    Ok(keyed(&secret, &[b"address", address.to_lowercase().as_bytes()]).to_vec())
}
