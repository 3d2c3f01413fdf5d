//! Which server the queued writes and the cached view belong to.
//!
//! A write is made against one server (its ETag, its idempotency key, its account). When IT points
//! the app at another server, the writes queued for the old one must not go to the new one: at
//! start-up they are moved to `outbox_parked` (still sealed, never sent) and the overview says so
//! until the user discards them; if IT points the app back, they return to the outbox in their
//! places. The cached view of another server is dropped (the new server's is read).

use super::{snapshot, StoreError};
use rusqlite::{params, Connection};

/// A base URL as the store keeps it: trimmed, without a trailing slash, lower case.
pub fn normalize(api_base_url: &str) -> String {
    api_base_url
        .trim()
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

const COLUMNS: &str = "seq, kind, idempotency_key, sealed_body, masked, base_etag, state, attempts, reason, created_at, aad, server";

/// Binds the store to `server` (normalized), in one transaction: rows from before servers were
/// recorded are taken as this server's; writes parked for this server come back; writes for any
/// other server are parked (their codes dropped: a code belongs to the server that sent it); a
/// cached view of another server is forgotten. Returns how many writes stay parked.
pub fn bind(conn: &mut Connection, server: &str) -> Result<u32, StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE outbox SET server = ?1 WHERE server IS NULL",
        [server],
    )?;
    tx.execute(
        "UPDATE snapshot SET server = ?1 WHERE server IS NULL",
        [server],
    )?;
    let foreign_view: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM snapshot WHERE server IS NOT ?1)",
        [server],
        |r| r.get(0),
    )?;
    if foreign_view {
        snapshot::clear(&tx)?;
    }
    // Back in their places (sequence numbers are never reused): codes are asked for afresh.
    tx.execute(
        &format!(
            "INSERT INTO outbox ({COLUMNS}) SELECT {COLUMNS} FROM outbox_parked WHERE server = ?1"
        ),
        [server],
    )?;
    tx.execute("DELETE FROM outbox_parked WHERE server = ?1", [server])?;
    tx.execute(
        "DELETE FROM verification WHERE outbox_seq IN (SELECT seq FROM outbox WHERE server IS NOT ?1)",
        [server],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO outbox_parked ({COLUMNS}) SELECT {COLUMNS} FROM outbox WHERE server IS NOT ?1"
        ),
        [server],
    )?;
    tx.execute("DELETE FROM outbox WHERE server IS NOT ?1", [server])?;
    tx.execute(
        "UPDATE outbox SET state = 'queued' WHERE state = 'awaiting_codes' AND seq NOT IN
             (SELECT outbox_seq FROM verification WHERE outbox_seq IS NOT NULL)",
        [],
    )?;
    let parked = parked_count(&tx)?;
    tx.commit()?;
    Ok(parked)
}

/// Stamps the write `seq` with the server it is made against.
pub fn stamp(conn: &Connection, seq: i64, server: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox SET server = ?2 WHERE seq = ?1",
        params![seq, server],
    )?;
    Ok(())
}

/// How many writes wait for another server.
pub fn parked_count(conn: &Connection) -> Result<u32, StoreError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM outbox_parked", [], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Discards the writes made for another server (the user chose to; sign-out too). Their bodies
/// are overwritten in place (`secure_delete`).
pub fn discard_parked(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM outbox_parked", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::outbox::{self, NewOp, OpKind};
    use crate::sync::store::temp_store;

    fn push(c: &Connection, key: &str) -> i64 {
        outbox::push(
            c,
            &NewOp {
                kind: OpKind::Reconfirm,
                idempotency_key: key,
                sealed_body: None,
                masked: None,
                base_etag: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn writes_for_another_server_are_parked_and_come_back_in_their_places() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                let a = push(c, "k1");
                assert_eq!(
                    bind(c, "https://a.example")?,
                    0,
                    "legacy rows are this server's"
                );
                let b = push(c, "k2");
                stamp(c, b, "https://a.example")?;
                assert_eq!(bind(c, "https://b.example")?, 2);
                assert!(outbox::head(c)?.is_none(), "nothing of A is sent to B");
                let c_seq = push(c, "k3");
                stamp(c, c_seq, "https://b.example")?;
                assert_eq!(bind(c, "https://a.example")?, 1, "B's write waits in turn");
                let seqs: Vec<i64> = outbox::all(c)?.iter().map(|o| o.seq).collect();
                assert_eq!(seqs, vec![a, b]);
                discard_parked(c)?;
                assert_eq!(parked_count(c)?, 0);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn the_normal_form_ignores_case_blanks_and_a_trailing_slash() {
        assert_eq!(
            normalize(" https://Mail.Example.com/api/ "),
            normalize("https://mail.example.com/api")
        );
    }
}
