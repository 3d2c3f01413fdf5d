//! The codes asked for: one row per channel while a queued save waits for its new values' codes
//! (purpose `change`) or while the employee verifies a registered value (purpose `registered`).
//!
//! A row holds what the code screen shows and what the sender needs to go on after a restart: the
//! server's verification id (so a code is never sent twice on its own), the masked destination,
//! when the code expires and when a resend is allowed, the tries left, and why it was not sent.
//! Never the value, the code or the proof: the value and the proof live only in the save's sealed
//! body (see [`super::outbox::set_body`]).

use super::StoreError;
use crate::sync::types::{Channel, CodeState, SyncReason, VerificationPurpose};
use crate::wire::Verification;
use rusqlite::{params, Connection, OptionalExtension};

/// One channel's code as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub channel: Channel,
    pub purpose: VerificationPurpose,
    /// The save waiting for it (purpose `change`).
    pub outbox_seq: Option<i64>,
    /// The idempotency key of starting it: a retry after a lost answer replays, no second message.
    pub start_key: String,
    /// The server's id, once sent.
    pub id: Option<String>,
    /// Masked.
    pub destination: String,
    pub state: CodeState,
    pub expires_at: Option<String>,
    pub resend_at: Option<String>,
    pub attempts_left: u32,
    pub reason: Option<SyncReason>,
    pub retry_at: Option<String>,
}

impl CodeRow {
    /// A code still to be sent (when the connection allows).
    pub fn new(
        channel: Channel,
        purpose: VerificationPurpose,
        outbox_seq: Option<i64>,
        start_key: String,
        destination: String,
    ) -> CodeRow {
        CodeRow {
            channel,
            purpose,
            outbox_seq,
            start_key,
            id: None,
            destination,
            state: CodeState::WaitingForNetwork,
            expires_at: None,
            resend_at: None,
            attempts_left: 5,
            reason: None,
            retry_at: None,
        }
    }

    /// The server sent (or sent again) the code `sent`.
    pub fn sent(&mut self, sent: &Verification) {
        self.id = Some(sent.id.clone());
        self.destination = sent.destination.clone();
        self.state = CodeState::Sent;
        self.expires_at = Some(sent.expires_at.clone());
        self.resend_at = Some(sent.resend_at.clone());
        self.attempts_left = sent.attempts_left;
        self.reason = None;
        self.retry_at = None;
    }

    /// The server did not send it: `reason` says why, `retry_at` when sending may work again.
    pub fn not_sent(&mut self, reason: SyncReason, retry_at: Option<String>) {
        self.state = CodeState::NotSent;
        self.reason = Some(reason);
        self.retry_at = retry_at;
    }
}

fn purpose_str(purpose: VerificationPurpose) -> &'static str {
    match purpose {
        VerificationPurpose::Change => "change",
        VerificationPurpose::Registered => "registered",
    }
}

fn state_str(state: CodeState) -> &'static str {
    match state {
        CodeState::WaitingForNetwork => "waiting_for_network",
        CodeState::Sent => "sent",
        CodeState::Confirmed => "confirmed",
        CodeState::Expired => "expired",
        CodeState::Exhausted => "exhausted",
        CodeState::NotSent => "not_sent",
    }
}

fn parse_state(text: &str) -> Option<CodeState> {
    Some(match text {
        "waiting_for_network" => CodeState::WaitingForNetwork,
        "sent" => CodeState::Sent,
        "confirmed" => CodeState::Confirmed,
        "expired" => CodeState::Expired,
        "exhausted" => CodeState::Exhausted,
        "not_sent" => CodeState::NotSent,
        _ => return None,
    })
}

const COLUMNS: &str =
    "channel, purpose, outbox_seq, start_key, id, destination, state, expires_at, \
                       resend_at, attempts_left, reason, retry_at";

fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<CodeRow, StoreError>> {
    let channel: String = row.get(0)?;
    let purpose: String = row.get(1)?;
    let state: String = row.get(6)?;
    let attempts: i64 = row.get(9)?;
    let reason: Option<String> = row.get(10)?;
    let build = || -> Result<CodeRow, StoreError> {
        Ok(CodeRow {
            channel: Channel::parse(&channel).ok_or(StoreError::Corrupt("code channel"))?,
            purpose: match purpose.as_str() {
                "change" => VerificationPurpose::Change,
                "registered" => VerificationPurpose::Registered,
                _ => return Err(StoreError::Corrupt("code purpose")),
            },
            outbox_seq: row.get(2)?,
            start_key: row.get(3)?,
            id: row.get(4)?,
            destination: row.get(5)?,
            state: parse_state(&state).ok_or(StoreError::Corrupt("code state"))?,
            expires_at: row.get(7)?,
            resend_at: row.get(8)?,
            attempts_left: u32::try_from(attempts).unwrap_or(0),
            reason: reason
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(|_| StoreError::Corrupt("code reason"))?,
            retry_at: row.get(11)?,
        })
    };
    Ok(build())
}

/// Every row, e-mail first.
pub fn all(conn: &Connection) -> Result<Vec<CodeRow>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM verification ORDER BY channel"
    ))?;
    let rows = statement.query_map([], read)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// The rows of the save `seq`, e-mail first.
pub fn of_op(conn: &Connection, seq: i64) -> Result<Vec<CodeRow>, StoreError> {
    Ok(all(conn)?
        .into_iter()
        .filter(|r| r.outbox_seq == Some(seq))
        .collect())
}

/// The row of `channel`, if any.
pub fn get(conn: &Connection, channel: Channel) -> Result<Option<CodeRow>, StoreError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM verification WHERE channel = ?1"),
        [channel.as_str()],
        read,
    )
    .optional()?
    .transpose()
}

/// Keeps `row` (one per channel: a new one replaces the channel's old one).
pub fn put(conn: &Connection, row: &CodeRow) -> Result<(), StoreError> {
    let reason = row
        .reason
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| StoreError::Corrupt("code reason"))?;
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO verification ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            row.channel.as_str(),
            purpose_str(row.purpose),
            row.outbox_seq,
            row.start_key,
            row.id,
            row.destination,
            state_str(row.state),
            row.expires_at,
            row.resend_at,
            i64::from(row.attempts_left),
            reason,
            row.retry_at,
        ],
    )?;
    Ok(())
}

/// Forgets the row of `channel`.
pub fn remove(conn: &Connection, channel: Channel) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM verification WHERE channel = ?1",
        [channel.as_str()],
    )?;
    Ok(())
}

/// Forgets the rows of the save `seq` (applied, dropped).
pub fn remove_of_op(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM verification WHERE outbox_seq = ?1", [seq])?;
    Ok(())
}

/// Forgets the rows of saves no longer in the outbox, and of a purpose `registered` when a save
/// started its own (the code screen shows one purpose at a time).
pub fn remove_orphans(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM verification WHERE purpose = 'change'
           AND outbox_seq NOT IN (SELECT seq FROM outbox)",
        [],
    )?;
    Ok(())
}

/// Forgets every row (sign-out, delete).
pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM verification", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::temp_store;

    #[test]
    fn rows_round_trip_one_per_channel() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                let mut row = CodeRow::new(
                    Channel::Phone,
                    VerificationPurpose::Change,
                    Some(7),
                    "k".into(),
                    "010-****-5678".into(),
                );
                put(c, &row)?;
                put(
                    c,
                    &CodeRow::new(
                        Channel::Email,
                        VerificationPurpose::Change,
                        Some(7),
                        "k2".into(),
                        "ab***@naver.com".into(),
                    ),
                )?;
                assert_eq!(
                    all(c)?.iter().map(|r| r.channel).collect::<Vec<_>>(),
                    vec![Channel::Email, Channel::Phone]
                );
                row.not_sent(
                    SyncReason::new("rate_limited").with("seconds", "60"),
                    Some("2026-12-06T00:01:00Z".into()),
                );
                put(c, &row)?;
                assert_eq!(get(c, Channel::Phone)?, Some(row.clone()));
                assert_eq!(of_op(c, 7)?.len(), 2);
                remove_orphans(c)?;
                assert!(all(c)?.is_empty(), "seq 7 is not in the outbox");
                Ok(())
            })
            .unwrap();
    }
}
