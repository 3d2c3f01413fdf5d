//! Ownership codes (`/v1/identity/verifications*`): a 6-digit code sent to a new (or the
//! registered) e-mail address or phone number proves that the person registering it receives what
//! is sent there. The rules are the contract's:
//!
//! - a code is valid [`CODE_LIFETIME_SECS`] (3 minutes) and [`MAX_ATTEMPTS`] (5) wrong tries end it;
//! - a resend is accepted no sooner than [`RESEND_AFTER_SECS`] (60 s) after the last send;
//! - sends are capped ([`caps`]);
//! - confirming answers a proof: random, stored as a keyed hash, single use, bound to the account,
//!   the channel and the exact normalized value, valid [`PROOF_LIFETIME_SECS`] (1 hour).
//!
//! The database holds no destination in plaintext: a keyed hash binds the proof to the value and
//! the masked form is what answers show. The destination itself, needed only to resend, is kept in
//! memory ([`Pending`]) until the verification ends; after a restart a resend answers 404 and the
//! client starts again.

pub mod caps;
pub mod codes;
pub mod routes;

use crate::store::{Store, StoreError};
use mail_identity_core::locale::Locale;
use mail_identity_core::wire::Channel;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long a code works.
pub const CODE_LIFETIME_SECS: i64 = 3 * 60;
/// Wrong tries that end a code.
pub const MAX_ATTEMPTS: u32 = 5;
/// The least time between two sends of one verification.
pub const RESEND_AFTER_SECS: i64 = 60;
/// How long a proof works.
pub const PROOF_LIFETIME_SECS: i64 = 3600;

/// The name of the per-database key of every keyed hash here.
const KEY_NAME: &str = "verification_key";

/// The per-database HMAC key (created once, kept in the `meta` table).
pub fn key(conn: &Connection) -> Result<Vec<u8>, StoreError> {
    Store::secret(conn, KEY_NAME)
}

/// The keyed hash that stands for a normalized value of `channel`.
pub fn value_hash(key: &[u8], channel: Channel, value: &str) -> [u8; 32] {
    codes::keyed(
        key,
        &[b"value", channel.as_str().as_bytes(), value.as_bytes()],
    )
}

/// The keyed hash that stands for a proof.
pub fn proof_hash(key: &[u8], proof: &str) -> [u8; 32] {
    codes::keyed(key, &[b"proof", proof.as_bytes()])
}

/// Where a code of a verification goes, in memory only.
#[derive(Clone)]
pub struct Destination {
    /// The address or the E.164 number.
    pub value: String,
    pub locale: Locale,
    /// Unix seconds after which it is forgotten.
    forget_at: i64,
}

/// The destinations of verifications on their way, by id. Entries are forgotten when the
/// verification is confirmed or an hour after its last send.
#[derive(Default)]
pub struct Pending(Mutex<HashMap<String, Destination>>);

impl Pending {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Destination>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn insert(&self, id: &str, value: String, locale: Locale, now: i64) {
        let mut map = self.map();
        map.retain(|_, d| d.forget_at > now);
        map.insert(
            id.to_string(),
            Destination {
                value,
                locale,
                forget_at: now + PROOF_LIFETIME_SECS,
            },
        );
    }

    pub fn get(&self, id: &str, now: i64) -> Option<Destination> {
        self.map().get(id).filter(|d| d.forget_at > now).cloned()
    }

    pub fn remove(&self, id: &str) {
        self.map().remove(id);
    }
}

/// A verification as stored.
pub struct Stored {
    pub id: String,
    pub channel: Channel,
    pub value_hash: Vec<u8>,
    pub masked: String,
    pub code_salt: Vec<u8>,
    pub code_hash: Vec<u8>,
    pub expires_at: i64,
    pub resend_at: i64,
    pub attempts_left: u32,
    pub confirmed: bool,
    pub used: bool,
}

/// The verification `id` of `account_id`, if any.
pub fn load(conn: &Connection, account_id: i64, id: &str) -> Result<Option<Stored>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, channel, value_hash, masked, code_salt, code_hash, expires_at, resend_at,
                    attempts_left, confirmed, used
             FROM verifications WHERE id = ?1 AND account_id = ?2",
            params![id, account_id],
            |r| {
                Ok(Stored {
                    id: r.get(0)?,
                    channel: Channel::parse(&r.get::<_, String>(1)?).unwrap_or(Channel::Email),
                    value_hash: r.get(2)?,
                    masked: r.get(3)?,
                    code_salt: r.get(4)?,
                    code_hash: r.get(5)?,
                    expires_at: r.get(6)?,
                    resend_at: r.get(7)?,
                    attempts_left: r.get(8)?,
                    confirmed: r.get(9)?,
                    used: r.get(10)?,
                })
            },
        )
        .optional()?)
}

/// A fresh code for a verification: its salt and keyed hash, and the code to send.
pub struct NewCode {
    pub code: String,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl NewCode {
    pub fn draw(key: &[u8]) -> NewCode {
        let code = codes::generate();
        let salt = crate::random::bytes::<16>().to_vec();
        let hash = codes::keyed(key, &[b"code", &salt, code.as_bytes()]).to_vec();
        NewCode { code, salt, hash }
    }
}

/// Why a proof was not accepted (the write answers `unverified` for the field either way).
pub enum ProofCheck {
    /// Valid: the verification it came from, to consume in the same transaction as the write, and
    /// when its code was confirmed (Unix seconds): the moment the value was proven.
    Valid {
        id: String,
        verified_at: i64,
    },
    Invalid,
}

/// Checks `proof` for `channel` and the normalized `value` of `account_id` at `now`.
pub fn check_proof(
    conn: &Connection,
    key: &[u8],
    account_id: i64,
    channel: Channel,
    value: &str,
    proof: &str,
    now: i64,
) -> Result<ProofCheck, StoreError> {
    let hash = proof_hash(key, proof);
    let row: Option<(String, Vec<u8>, i64)> = conn
        .query_row(
            "SELECT p.verification_id, p.value_hash, p.expires_at FROM proofs p
             JOIN verifications v ON v.id = p.verification_id
             WHERE p.hash = ?1 AND p.account_id = ?2 AND p.channel = ?3 AND p.expires_at > ?4
               AND v.used = 0",
            params![hash.to_vec(), account_id, channel.as_str(), now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        // A proof is issued at the confirmation and lives PROOF_LIFETIME_SECS from then.
        Some((id, bound, expires_at)) if codes::same(&bound, &value_hash(key, channel, value)) => {
            ProofCheck::Valid {
                id,
                verified_at: expires_at - PROOF_LIFETIME_SECS,
            }
        }
        _ => ProofCheck::Invalid,
    })
}

/// Uses up the proof of verification `id`: it cannot be presented again.
pub fn consume(conn: &Connection, id: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE verifications SET used = 1 WHERE id = ?1", [id])?;
    conn.execute("DELETE FROM proofs WHERE verification_id = ?1", [id])?;
    Ok(())
}
