//! The identity-verification info of one account as stored and as represented, and the SQL that
//! reads and changes it. Handlers decide *whether* a change is allowed; this module only does it.

use crate::random::{hex, sha256};
use crate::store::StoreError;
pub use mail_identity_core::wire::{Consent, ConsentState, Identity, Phone};
use rusqlite::{params, Connection, OptionalExtension};

/// What every representation carries beside the stored row: the server's settings.
#[derive(Debug, Clone)]
pub struct Served {
    /// The notice in force (`current_notice_version`): part of the body, so the ETag changes with it.
    pub notice_version: String,
    /// Days after `confirmed_at` the client asks whether the info is still right; 0 is off.
    pub reconfirm_days: u32,
}

/// A loaded identity with what the server needs beside the representation.
pub struct Record {
    pub identity: Identity,
    pub revision: i64,
    /// Per-account salt for the audit log's hashes; replaced when the info is destroyed, so that
    /// the hashes of destroyed values can no longer be tested against guesses.
    pub audit_salt: Vec<u8>,
}

impl Record {
    /// The JSON body, byte for byte what is sent: the strong ETag is computed over it.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.identity).unwrap_or_default()
    }

    /// A strong ETag: a hash of the revision and of the exact representation.
    pub fn etag(&self) -> String {
        let mut input = self.revision.to_be_bytes().to_vec();
        input.extend(self.body());
        format!("\"{}\"", &hex(&sha256(&input))[..32])
    }
}

/// Creates the row of a new account (consent pending, no info).
pub fn create(conn: &Connection, account_id: i64, now: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO identity (account_id, updated_at, audit_salt) VALUES (?1, ?2, ?3)",
        params![account_id, now, crate::random::bytes::<32>().to_vec()],
    )?;
    Ok(())
}

/// The row of `account_id` as the API represents it under `served`.
pub fn load(conn: &Connection, account_id: i64, served: &Served) -> Result<Record, StoreError> {
    let (verified_email, verified_phone, confirmed_at): (
        Option<String>,
        Option<String>,
        Option<String>,
    ) = conn.query_row(
        "SELECT email_verified_at, phone_verified_at, confirmed_at FROM identity
         WHERE account_id = ?1",
        [account_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let row = conn
        .query_row(
            "SELECT consent, notice_version, decided_at, email, phone_e164, phone_country,
                    phone_overseas, updated_at, revision, audit_salt
             FROM identity WHERE account_id = ?1",
            [account_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<bool>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, Vec<u8>>(9)?,
                ))
            },
        )
        .optional()?
        .ok_or(StoreError::Corrupt("an account without an identity row"))?;
    let (
        state,
        notice_version,
        decided_at,
        email,
        e164,
        country,
        overseas,
        updated_at,
        revision,
        salt,
    ) = row;
    let phone = match (e164, country) {
        (Some(e164), Some(country)) => Some(Phone {
            e164,
            country,
            overseas: overseas.unwrap_or(false),
        }),
        _ => None,
    };
    Ok(Record {
        identity: Identity {
            consent: Consent {
                state: ConsentState::parse(&state).ok_or(StoreError::Corrupt("consent state"))?,
                notice_version,
                decided_at,
            },
            email,
            phone,
            updated_at,
            current_notice_version: served.notice_version.clone(),
            email_verified_at: verified_email,
            phone_verified_at: verified_phone,
            confirmed_at,
            reconfirm_days: served.reconfirm_days,
        },
        revision,
        audit_salt: salt,
    })
}

/// Records a consent decision.
pub fn set_consent(
    conn: &Connection,
    account_id: i64,
    state: ConsentState,
    notice_version: &str,
    notice_sha256: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE identity SET consent = ?2, notice_version = ?3, notice_sha256 = ?4, decided_at = ?5,
                updated_at = ?5, revision = revision + 1
         WHERE account_id = ?1",
        params![account_id, state.as_str(), notice_version, notice_sha256.to_ascii_lowercase(), now],
    )?;
    Ok(())
}

/// When each part was last proven to be its owner's (RFC 3339; `None`: never, or cleared).
#[derive(Debug, Clone, Default)]
pub struct VerifiedAt {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Replaces the info (either part may be absent), with when each part was proven; the info counts
/// as confirmed by the employee now.
pub fn set_info(
    conn: &Connection,
    account_id: i64,
    email: Option<&str>,
    phone: Option<&Phone>,
    verified: &VerifiedAt,
    now: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE identity SET email = ?2, phone_e164 = ?3, phone_country = ?4, phone_overseas = ?5,
                updated_at = ?6, revision = revision + 1, email_verified_at = ?7,
                phone_verified_at = ?8, confirmed_at = ?6
         WHERE account_id = ?1",
        params![
            account_id,
            email,
            phone.map(|p| p.e164.as_str()),
            phone.map(|p| p.country.as_str()),
            phone.map(|p| p.overseas),
            now,
            verified.email,
            verified.phone,
        ],
    )?;
    Ok(())
}

/// Marks the registered value of `channel` as proven now (a code sent to it was confirmed).
pub fn mark_verified(
    conn: &Connection,
    account_id: i64,
    channel: mail_identity_core::wire::Channel,
    now: &str,
) -> Result<(), StoreError> {
    let sql = match channel {
        mail_identity_core::wire::Channel::Email => {
            "UPDATE identity SET email_verified_at = ?2, revision = revision + 1 WHERE account_id = ?1"
        }
        mail_identity_core::wire::Channel::Phone => {
            "UPDATE identity SET phone_verified_at = ?2, revision = revision + 1 WHERE account_id = ?1"
        }
    };
    conn.execute(sql, params![account_id, now])?;
    Ok(())
}

/// Records that the employee confirmed the info is still right.
pub fn set_confirmed(conn: &Connection, account_id: i64, now: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE identity SET confirmed_at = ?2, revision = revision + 1 WHERE account_id = ?1",
        params![account_id, now],
    )?;
    Ok(())
}

/// Destroys the info: the values become NULL (secure_delete zeroes the old bytes), the audit salt is
/// replaced, and the consent becomes `consent` when given.
pub fn destroy(
    conn: &Connection,
    account_id: i64,
    consent: Option<ConsentState>,
    now: &str,
) -> Result<(), StoreError> {
    // Codes and proofs on their way name (masked) values of the info: they go with it.
    conn.execute(
        "DELETE FROM verifications WHERE account_id = ?1",
        [account_id],
    )?;
    conn.execute(
        "UPDATE identity SET email = NULL, phone_e164 = NULL, phone_country = NULL,
                phone_overseas = NULL, audit_salt = ?2, updated_at = ?3, revision = revision + 1,
                email_verified_at = NULL, phone_verified_at = NULL, confirmed_at = NULL,
                consent = COALESCE(?4, consent),
                decided_at = CASE WHEN ?4 IS NULL THEN decided_at ELSE ?3 END
         WHERE account_id = ?1",
        params![
            account_id,
            crate::random::bytes::<32>().to_vec(),
            now,
            consent.map(ConsentState::as_str)
        ],
    )?;
    Ok(())
}
