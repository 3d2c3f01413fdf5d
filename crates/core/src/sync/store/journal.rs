//! The consent journal: append-only (triggers refuse rewriting or deleting an entry), what was
//! decided, when, on which notice version and text hash, by which client. No e-mail, no phone.

use super::StoreError;
use crate::sync::types::{ConsentReceipt, ReceiptDecision};
use rusqlite::{params, Connection, OptionalExtension};

/// A new entry.
pub struct NewEntry<'a> {
    pub account: &'a str,
    pub decision: ReceiptDecision,
    pub decided_at: &'a str,
    pub notice_version: Option<&'a str>,
    pub notice_sha256: Option<&'a str>,
    pub app_version: &'a str,
    pub os: &'a str,
    /// The queued write that carries the decision, if any.
    pub outbox_seq: Option<i64>,
    pub synced: bool,
}

pub fn append(conn: &Connection, entry: &NewEntry<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO journal (account, decision, decided_at, notice_version, notice_sha256,
                              app_version, os, outbox_seq, synced)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            entry.account,
            entry.decision.as_str(),
            entry.decided_at,
            entry.notice_version,
            entry.notice_sha256,
            entry.app_version,
            entry.os,
            entry.outbox_seq,
            entry.synced
        ],
    )?;
    Ok(())
}

/// Marks the entry carried by outbox write `seq` as sent (the one column that may change).
pub fn mark_synced(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute("UPDATE journal SET synced = 1 WHERE outbox_seq = ?1", [seq])?;
    Ok(())
}

/// A decision journaled with a queued write: what the overview shows until the write is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedDecision {
    pub decision: ReceiptDecision,
    pub decided_at: String,
    pub notice_version: Option<String>,
}

/// The decision journaled with outbox write `seq`, if any.
pub fn queued_decision(conn: &Connection, seq: i64) -> Result<Option<QueuedDecision>, StoreError> {
    let row = conn
        .query_row(
            "SELECT decision, decided_at, notice_version FROM journal WHERE outbox_seq = ?1",
            [seq],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .optional()?;
    row.map(|(decision, decided_at, notice_version)| {
        Ok(QueuedDecision {
            decision: ReceiptDecision::parse(&decision)
                .ok_or(StoreError::Corrupt("journal decision"))?,
            decided_at,
            notice_version,
        })
    })
    .transpose()
}

/// The entries of `account`, newest first.
pub fn receipts(conn: &Connection, account: &str) -> Result<Vec<ConsentReceipt>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT decision, decided_at, notice_version, notice_sha256, app_version, os, synced
         FROM journal WHERE account = ?1 ORDER BY id DESC",
    )?;
    let rows = statement.query_map([account], |r| {
        Ok((
            r.get::<_, String>(0)?,
            ConsentReceipt {
                decision: ReceiptDecision::Agreed,
                decided_at: r.get(1)?,
                notice_version: r.get(2)?,
                notice_sha256: r.get(3)?,
                app_version: r.get(4)?,
                os: r.get(5)?,
                synced: r.get(6)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (decision, mut receipt) = row?;
        receipt.decision =
            ReceiptDecision::parse(&decision).ok_or(StoreError::Corrupt("journal decision"))?;
        out.push(receipt);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::temp_store;

    #[test]
    fn entries_are_appended_listed_newest_first_and_never_rewritten() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                for (decision, at) in [
                    (ReceiptDecision::Agreed, "2026-01-01T00:00:00Z"),
                    (ReceiptDecision::Withdrawn, "2026-01-02T00:00:00Z"),
                ] {
                    append(
                        c,
                        &NewEntry {
                            account: "a@corp.example",
                            decision,
                            decided_at: at,
                            notice_version: Some("v1"),
                            notice_sha256: Some("00"),
                            app_version: "0.1.0",
                            os: "linux",
                            outbox_seq: Some(7),
                            synced: false,
                        },
                    )?;
                }
                mark_synced(c, 7)?;
                let list = receipts(c, "a@corp.example")?;
                assert_eq!(list.len(), 2);
                assert_eq!(list[0].decision, ReceiptDecision::Withdrawn);
                assert!(list.iter().all(|r| r.synced));
                assert!(c.execute("DELETE FROM journal", []).is_err());
                assert!(c
                    .execute("UPDATE journal SET decision = 'refused'", [])
                    .is_err());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn the_decision_a_queued_write_carries_is_read_back_typed() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                append(
                    c,
                    &NewEntry {
                        account: "a@corp.example",
                        decision: ReceiptDecision::Refused,
                        decided_at: "2026-01-03T00:00:00Z",
                        notice_version: Some("v2"),
                        notice_sha256: Some("00"),
                        app_version: "0.1.0",
                        os: "linux",
                        outbox_seq: Some(3),
                        synced: false,
                    },
                )?;
                assert_eq!(
                    queued_decision(c, 3)?,
                    Some(QueuedDecision {
                        decision: ReceiptDecision::Refused,
                        decided_at: "2026-01-03T00:00:00Z".to_string(),
                        notice_version: Some("v2".to_string()),
                    })
                );
                assert_eq!(queued_decision(c, 4)?, None);
                Ok(())
            })
            .unwrap();
    }
}
