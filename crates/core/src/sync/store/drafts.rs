//! The one draft of the info form, sealed. Expired drafts are deleted when read.

use super::{now_ms, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

/// Writes the draft (sealed by the caller), replacing any other, valid for `lifetime_ms`.
pub fn put(conn: &Connection, sealed: &[u8], lifetime_ms: i64) -> Result<(), StoreError> {
    let now = now_ms();
    conn.execute(
        "INSERT INTO draft (id, sealed, saved_at, expires_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET sealed = ?1, saved_at = ?2, expires_at = ?3",
        params![sealed, now, now.saturating_add(lifetime_ms)],
    )?;
    Ok(())
}

/// The sealed draft and when it was saved, unless there is none or it expired (then it is deleted).
pub fn get(conn: &Connection) -> Result<Option<(Vec<u8>, i64)>, StoreError> {
    conn.execute("DELETE FROM draft WHERE expires_at <= ?1", [now_ms()])?;
    Ok(conn
        .query_row("SELECT sealed, saved_at FROM draft WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// Deletes the draft.
pub fn delete(conn: &Connection) -> Result<(), StoreError> {
    conn.execute("DELETE FROM draft", [])?;
    Ok(())
}

/// Deletes the draft if it was saved no later than `at` (a submit of it was applied since).
pub fn delete_if_older(conn: &Connection, at: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM draft WHERE saved_at <= ?1", [at])?;
    Ok(())
}

/// True when a live draft exists.
pub fn exists(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM draft WHERE expires_at > ?1",
            [now_ms()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::temp_store;

    #[test]
    fn a_draft_is_replaced_read_and_expires() {
        let (_dir, store) = temp_store();
        store
            .call_sync(|c| {
                put(c, b"one", 60_000)?;
                put(c, b"two", 60_000)?;
                assert_eq!(get(c)?.unwrap().0, b"two");
                assert!(exists(c)?);
                put(c, b"old", -1)?;
                assert!(get(c)?.is_none());
                assert!(!exists(c)?);
                Ok(())
            })
            .unwrap();
    }
}
