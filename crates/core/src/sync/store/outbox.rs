//! The outbox: the writes the user made, in order, each with its idempotency key (so that a retry
//! after a lost response is applied once), the ETag it is based on, and its state.
//!
//! Only the head is ever sent: a later write waits for the earlier ones, which keeps the order the
//! user made them in. `conflict` and `rejected` entries hold the head until the user acts.

use super::{now_ms, snapshot, StoreError};
use crate::identity::InputError;
use crate::sync::types::{MaskedInfo, SyncReason};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// What a queued write does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// `PUT /v1/identity/consent`.
    Consent,
    /// `PUT /v1/identity`.
    Save,
    /// `DELETE /v1/identity`.
    Delete,
    /// `POST /v1/identity/reconfirm`: the registered info is still right (re-confirm's "keep").
    Reconfirm,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Consent => "consent",
            OpKind::Save => "save",
            OpKind::Delete => "delete",
            OpKind::Reconfirm => "reconfirm",
        }
    }

    fn parse(s: &str) -> Option<OpKind> {
        match s {
            "consent" => Some(OpKind::Consent),
            "save" => Some(OpKind::Save),
            "delete" => Some(OpKind::Delete),
            "reconfirm" => Some(OpKind::Reconfirm),
            _ => None,
        }
    }
}

/// Where a queued write stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    Queued,
    /// 412: the server changed; the user chooses.
    Conflict,
    /// Refused for good (422, 409): kept until the user acts so the reason can be shown.
    Rejected,
    /// A save whose new or changed values wait for their codes (see `store::verifications`):
    /// sent, with the proofs in its sealed body, once every code is confirmed.
    AwaitingCodes,
    /// The server asked for the password again (step-up): it keeps its place at the head until
    /// the password is entered, then is sent again.
    PasswordRequired,
    /// The server said the agreement is on an older notice (`409 consent_outdated`): it keeps its
    /// place and is sent once the current notice is agreed to (that decision goes first).
    WaitingForConsent,
}

impl OpState {
    pub fn as_str(self) -> &'static str {
        match self {
            OpState::Queued => "queued",
            OpState::Conflict => "conflict",
            OpState::Rejected => "rejected",
            OpState::AwaitingCodes => "awaiting_codes",
            OpState::PasswordRequired => "password_required",
            OpState::WaitingForConsent => "waiting_for_consent",
        }
    }

    fn parse(s: &str) -> Option<OpState> {
        match s {
            "queued" => Some(OpState::Queued),
            "conflict" => Some(OpState::Conflict),
            "rejected" => Some(OpState::Rejected),
            "awaiting_codes" => Some(OpState::AwaitingCodes),
            "password_required" => Some(OpState::PasswordRequired),
            "waiting_for_consent" => Some(OpState::WaitingForConsent),
            _ => None,
        }
    }
}

/// Why the server refused a write for good: the reason the status shows and, for a save, the
/// reasons the form shows next to its fields, typed as core's form rule gives them. Kept as JSON
/// in the entry's `reason` column (codes and what they name, never a typed value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    #[serde(flatten)]
    pub reason: SyncReason,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_errors: Vec<InputError>,
}

impl Refusal {
    /// A refusal without field errors.
    pub fn because(reason: SyncReason) -> Refusal {
        Refusal {
            reason,
            field_errors: Vec::new(),
        }
    }
}

/// One outbox entry. The body is sealed: `Debug` shows its length only.
#[derive(Clone)]
pub struct Op {
    pub seq: i64,
    pub kind: OpKind,
    pub idempotency_key: String,
    pub sealed_body: Option<Vec<u8>>,
    pub masked: Option<MaskedInfo>,
    pub base_etag: Option<String>,
    pub state: OpState,
    pub attempts: u32,
    pub refusal: Option<Refusal>,
    pub created_at: i64,
    /// The associated-data scheme the body is sealed under: [`AAD_ROW`], or [`AAD_KIND_ONLY`] for
    /// a body sealed before rows were named in it.
    pub aad: u32,
}

/// The body's associated data names the record kind only (rows sealed before schema version 3).
pub const AAD_KIND_ONLY: u32 = 1;
/// The body's associated data names its row: sequence number, kind and account.
pub const AAD_ROW: u32 = 2;

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Op")
            .field("seq", &self.seq)
            .field("kind", &self.kind)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A write to queue.
pub struct NewOp<'a> {
    pub kind: OpKind,
    pub idempotency_key: &'a str,
    pub sealed_body: Option<&'a [u8]>,
    pub masked: Option<&'a MaskedInfo>,
    pub base_etag: Option<&'a str>,
}

/// Queues a write; returns its sequence number.
pub fn push(conn: &Connection, op: &NewOp<'_>) -> Result<i64, StoreError> {
    let masked = op
        .masked
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| StoreError::Corrupt("masked info"))?;
    conn.execute(
        "INSERT INTO outbox (kind, idempotency_key, sealed_body, masked, base_etag, state, created_at, aad)
         VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?7)",
        params![
            op.kind.as_str(),
            op.idempotency_key,
            op.sealed_body,
            masked,
            op.base_etag,
            now_ms(),
            AAD_ROW
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Seals a write's body for the row it will be in (its sequence number is part of the associated
/// data, so it is sealed once the row exists, inside the same transaction).
pub type SealFor<'a> = &'a dyn Fn(i64) -> Result<Vec<u8>, StoreError>;

/// Queues a write the user made, in one transaction: the writes refused for good go (making a new
/// one is acting on them), the new one is based on the server version last seen, its body is
/// sealed for its row by `seal`, and `also` adds what else the write changes locally (the journal
/// entry a decision carries, the draft a delete ends), given the write's sequence number. Nothing
/// is kept if any part fails.
pub fn queue(
    conn: &mut Connection,
    kind: OpKind,
    idempotency_key: &str,
    seal: Option<SealFor<'_>>,
    masked: Option<&MaskedInfo>,
    also: impl FnOnce(&Connection, i64) -> Result<(), StoreError>,
) -> Result<i64, StoreError> {
    let tx = conn.transaction()?;
    clear_rejected(&tx)?;
    let base = snapshot::get(&tx)?.etag;
    let seq = push(
        &tx,
        &NewOp {
            kind,
            idempotency_key,
            sealed_body: None,
            masked,
            base_etag: base.as_deref(),
        },
    )?;
    if let Some(seal) = seal {
        set_body(&tx, seq, &seal(seq)?)?;
    }
    also(&tx, seq)?;
    tx.commit()?;
    Ok(seq)
}

const COLUMNS: &str = "seq, kind, idempotency_key, sealed_body, masked, base_etag, state, attempts, reason, created_at, aad";

fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Op, StoreError>> {
    let kind: String = row.get(1)?;
    let state: String = row.get(6)?;
    let masked: Option<String> = row.get(4)?;
    let reason: Option<String> = row.get(8)?;
    let attempts: i64 = row.get(7)?;
    let build = || -> Result<Op, StoreError> {
        Ok(Op {
            seq: row.get(0)?,
            kind: OpKind::parse(&kind).ok_or(StoreError::Corrupt("outbox kind"))?,
            idempotency_key: row.get(2)?,
            sealed_body: row.get(3)?,
            masked: masked
                .map(|m| serde_json::from_str(&m))
                .transpose()
                .map_err(|_| StoreError::Corrupt("outbox masked"))?,
            base_etag: row.get(5)?,
            state: OpState::parse(&state).ok_or(StoreError::Corrupt("outbox state"))?,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            refusal: reason
                .map(|m| serde_json::from_str(&m))
                .transpose()
                .map_err(|_| StoreError::Corrupt("outbox reason"))?,
            created_at: row.get(9)?,
            aad: row.get(10)?,
        })
    };
    Ok(build())
}

/// The first entry, whatever its state.
pub fn head(conn: &Connection) -> Result<Option<Op>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM outbox ORDER BY seq LIMIT 1"),
        [],
        read,
    )
    .optional()?
    .transpose()
}

/// Every entry, in order.
pub fn all(conn: &Connection) -> Result<Vec<Op>, StoreError> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM outbox ORDER BY seq"))?;
    let rows = statement.query_map([], read)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// The entry `seq`, if it is still queued.
pub fn get(conn: &Connection, seq: i64) -> Result<Option<Op>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM outbox WHERE seq = ?1"),
        [seq],
        read,
    )
    .optional()?
    .transpose()
}

/// Counts an attempt (before it is made, so that a crash mid-request still counts it).
pub fn attempted(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1",
        [seq],
    )?;
    Ok(())
}

/// Removes an entry (applied, or dropped by the user), with the codes it waited for.
pub fn remove(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM verification WHERE outbox_seq = ?1", [seq])?;
    conn.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
    Ok(())
}

/// Moves an entry to `state`, with why when the server refused it.
pub fn set_state(
    conn: &Connection,
    seq: i64,
    state: OpState,
    refusal: Option<&Refusal>,
) -> Result<(), StoreError> {
    let reason = refusal
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| StoreError::Corrupt("reason"))?;
    conn.execute(
        "UPDATE outbox SET state = ?2, reason = ?3 WHERE seq = ?1",
        params![seq, state.as_str(), reason],
    )?;
    Ok(())
}

/// Sets the ETag an entry is based on.
pub fn set_base(conn: &Connection, seq: i64, etag: Option<&str>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET base_etag = ?2 WHERE seq = ?1",
        params![seq, etag],
    )?;
    Ok(())
}

/// After one of our own writes moved the server from `from` to `to`, the queued writes that were
/// based on `from` are based on `to`: our own change is not a conflict.
pub fn rebase(conn: &Connection, from: Option<&str>, to: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET base_etag = ?2
         WHERE state NOT IN ('conflict', 'rejected') AND base_etag IS ?1",
        params![from, to],
    )?;
    Ok(())
}

/// Replaces an entry's sealed body (a save's proofs added or dropped, or a body re-sealed under
/// the row-naming scheme), sealed under [`AAD_ROW`]. The old ciphertext is overwritten in place
/// (`secure_delete`).
pub fn set_body(conn: &Connection, seq: i64, sealed: &[u8]) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET sealed_body = ?2, aad = ?3 WHERE seq = ?1",
        params![seq, sealed, AAD_ROW],
    )?;
    Ok(())
}

/// The entries whose body is sealed under the record kind only (before schema version 3).
pub fn kind_only_sealed(conn: &Connection) -> Result<Vec<Op>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE aad = ?1 AND sealed_body IS NOT NULL ORDER BY seq"
    ))?;
    let rows = statement.query_map([AAD_KIND_ONLY], read)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// The first queued consent decision: it goes ahead of writes waiting for consent, which the
/// server refuses until the current notice is decided on.
pub fn next_queued_consent(conn: &Connection) -> Result<Option<Op>, StoreError> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM outbox WHERE kind = 'consent' AND state = 'queued'
             ORDER BY seq LIMIT 1"
        ),
        [],
        read,
    )
    .optional()?
    .transpose()
}

/// A decision was applied: the writes that waited for it are queued again, in their places.
pub fn release_waiting_for_consent(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET state = 'queued', reason = NULL WHERE state = 'waiting_for_consent'",
        [],
    )?;
    Ok(())
}

/// Removes the entries refused for good (the user acted on them), with the codes they waited for.
pub fn clear_rejected(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM verification WHERE outbox_seq IN
             (SELECT seq FROM outbox WHERE state = 'rejected')",
        [],
    )?;
    conn.execute("DELETE FROM outbox WHERE state = 'rejected'", [])?;
    Ok(())
}

/// Removes everything (sign-out, delete), the codes the writes waited for too.
pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM verification WHERE purpose = 'change'", [])?;
    conn.execute("DELETE FROM outbox", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::temp_store;

    fn new(kind: OpKind, key: &str, base: Option<&str>) -> NewOp<'static> {
        NewOp {
            kind,
            idempotency_key: Box::leak(key.to_string().into_boxed_str()),
            sealed_body: None,
            masked: None,
            base_etag: base.map(|b| &*Box::leak(b.to_string().into_boxed_str())),
        }
    }

    #[test]
    fn entries_keep_their_order_and_rebase_only_what_was_based_on_the_old_version() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                let a = push(c, &new(OpKind::Consent, "k1", Some("\"e1\"")))?;
                let b = push(c, &new(OpKind::Save, "k2", Some("\"e1\"")))?;
                let d = push(c, &new(OpKind::Save, "k3", Some("\"e0\"")))?;
                assert!(
                    push(c, &new(OpKind::Delete, "k1", None)).is_err(),
                    "keys are unique"
                );
                assert_eq!(head(c)?.unwrap().seq, a);
                attempted(c, a)?;
                assert_eq!(head(c)?.unwrap().attempts, 1);
                rebase(c, Some("\"e1\""), "\"e2\"")?;
                remove(c, a)?;
                let rest = all(c)?;
                assert_eq!(rest.iter().map(|o| o.seq).collect::<Vec<_>>(), vec![b, d]);
                assert_eq!(rest[0].base_etag.as_deref(), Some("\"e2\""));
                assert_eq!(rest[1].base_etag.as_deref(), Some("\"e0\""));
                set_state(
                    c,
                    b,
                    OpState::Rejected,
                    Some(&Refusal::because(SyncReason::new("invalid_fields"))),
                )?;
                assert_eq!(
                    get(c, b)?.unwrap().refusal.unwrap().reason.code,
                    "invalid_fields"
                );
                clear_rejected(c)?;
                assert_eq!(head(c)?.unwrap().seq, d);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_queued_write_replaces_the_refused_ones_and_is_based_on_the_last_seen_version() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                let mut snap = snapshot::get(c)?;
                snap.etag = Some("\"e5\"".to_string());
                snapshot::put(c, &snap)?;
                let refused = push(c, &new(OpKind::Save, "k1", None))?;
                set_state(c, refused, OpState::Rejected, None)?;
                let mut seen = None;
                let seq = queue(c, OpKind::Delete, "k2", None, None, |_, seq| {
                    seen = Some(seq);
                    Ok(())
                })?;
                assert_eq!(seen, Some(seq));
                let entries = all(c)?;
                assert_eq!(entries.len(), 1);
                assert_eq!(entries[0].seq, seq);
                assert_eq!(entries[0].kind, OpKind::Delete);
                assert_eq!(entries[0].state, OpState::Queued);
                assert_eq!(entries[0].base_etag.as_deref(), Some("\"e5\""));

                // What goes with the write fails: neither the write nor the clean-up is kept.
                let refused = push(c, &new(OpKind::Save, "k3", None))?;
                set_state(c, refused, OpState::Rejected, None)?;
                let seal = |_seq: i64| Ok(b"sealed".to_vec());
                let failed = queue(c, OpKind::Save, "k4", Some(&seal), None, |_, _| {
                    Err(StoreError::Corrupt("test"))
                });
                assert!(failed.is_err());
                let entries = all(c)?;
                assert_eq!(entries.len(), 2);
                assert_eq!(entries[1].state, OpState::Rejected);
                Ok(())
            })
            .unwrap();
    }
}
