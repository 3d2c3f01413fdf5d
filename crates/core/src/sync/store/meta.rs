//! Small facts about the local store itself, by name (no personal data).

use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

/// Where the local key lives: `os` once it was kept in the OS credential store.
pub const KEY_HOME: &str = "key_home";

pub fn get(conn: &Connection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set(conn: &Connection, name: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (name, value) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET value = ?2",
        params![name, value],
    )?;
    Ok(())
}
