//! The SQLite database: opening it with the pragmas that make deletion real, the schema, and a way
//! to run blocking SQL off the async workers.
//!
//! One connection behind a mutex: the reference server favours obviously-serial writes (idempotency
//! checks, precondition checks and the write itself happen in one transaction under one lock) over
//! throughput. `secure_delete` overwrites freed cells with zeros, and after any write that removes
//! or replaces personal data the WAL is checkpointed and truncated (see [`Store::scrub_wal`]), so
//! that neither file keeps an old copy.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A failure of the database or of the task that ran it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database task panicked or was cancelled")]
    Task,
    #[error("the database lock was poisoned by an earlier panic")]
    Poisoned,
    #[error("database file: {0}")]
    Io(#[from] std::io::Error),
    #[error("corrupt row: {0}")]
    Corrupt(&'static str),
}

/// Creates the database file readable by its owner only (SQLite gives the `-wal` and `-shm` files
/// the same permissions): it holds personal data.
fn create_private(path: &Path) -> Result<(), StoreError> {
    if path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Io(e)),
    }
}

/// The shared database handle.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS accounts (
    id            INTEGER PRIMARY KEY,
    address       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    organisation  TEXT NOT NULL,
    password_hash TEXT NOT NULL
) STRICT;

-- One row per account. Personal data lives only in email and phone_*; DELETE sets them to NULL
-- (secure_delete zeroes the freed bytes) and scrubs the WAL.
CREATE TABLE IF NOT EXISTS identity (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts(id),
    consent        TEXT NOT NULL DEFAULT 'pending'
                   CHECK (consent IN ('pending', 'agreed', 'refused', 'withdrawn')),
    notice_version TEXT,
    notice_sha256  TEXT,
    decided_at     TEXT,
    email          TEXT,
    phone_e164     TEXT,
    phone_country  TEXT,
    phone_overseas INTEGER,
    updated_at     TEXT NOT NULL,
    revision       INTEGER NOT NULL DEFAULT 0,
    audit_salt     BLOB NOT NULL
) STRICT;

-- Only SHA-256 hashes of tokens are stored: a copy of the database signs no one in.
CREATE TABLE IF NOT EXISTS access_tokens (
    hash       BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    family     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS refresh_tokens (
    hash       BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    family     TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family);
CREATE INDEX IF NOT EXISTS access_tokens_family ON access_tokens(family);

-- Successful write responses, for Idempotency-Key replays. The fingerprint is a salted hash of the
-- request; a body holding personal data is purged when the info is destroyed.
CREATE TABLE IF NOT EXISTS idempotency (
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status      INTEGER NOT NULL,
    etag        TEXT,
    body        BLOB,
    purged      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) STRICT;

-- Append-only: the triggers refuse any UPDATE or DELETE. No raw e-mail or phone: salted hashes.
CREATE TABLE IF NOT EXISTS audit (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     INTEGER NOT NULL,
    at             TEXT NOT NULL,
    client         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    notice_version TEXT,
    detail         TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// The schema changes after the first release, in order: `PRAGMA user_version` says how many a
/// database has had. Each runs once, in a transaction with the version bump.
const MIGRATIONS: &[&str] = &[
    // 1: ownership codes, step-up and re-confirmation.
    r#"
    ALTER TABLE identity ADD COLUMN email_verified_at TEXT;
    ALTER TABLE identity ADD COLUMN phone_verified_at TEXT;
    ALTER TABLE identity ADD COLUMN confirmed_at TEXT;
    -- Info registered before this change was confirmed when it was last written; never verified.
    UPDATE identity SET confirmed_at = updated_at
        WHERE email IS NOT NULL OR phone_e164 IS NOT NULL;
    -- When the password of a token's sign-in was entered (Unix seconds); 0 for tokens issued
    -- before this change, so that they need a fresh sign-in for step-up.
    ALTER TABLE access_tokens ADD COLUMN auth_time INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE refresh_tokens ADD COLUMN auth_time INTEGER NOT NULL DEFAULT 0;

    -- A code on its way. No destination in plaintext: a keyed hash binds the proof to the value,
    -- the masked form is what the answer shows. The code itself only as a keyed, salted hash.
    CREATE TABLE verifications (
        id            TEXT PRIMARY KEY,
        account_id    INTEGER NOT NULL REFERENCES accounts(id),
        channel       TEXT NOT NULL CHECK (channel IN ('email', 'phone')),
        value_hash    BLOB NOT NULL,
        masked        TEXT NOT NULL,
        code_salt     BLOB NOT NULL,
        code_hash     BLOB NOT NULL,
        expires_at    INTEGER NOT NULL,
        resend_at     INTEGER NOT NULL,
        attempts_left INTEGER NOT NULL,
        confirmed     INTEGER NOT NULL DEFAULT 0,
        used          INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX verifications_account ON verifications(account_id);

    -- Proofs of ownership, as keyed hashes: single use, bound to account, channel and value.
    CREATE TABLE proofs (
        hash            BLOB PRIMARY KEY,
        verification_id TEXT NOT NULL REFERENCES verifications(id) ON DELETE CASCADE,
        account_id      INTEGER NOT NULL REFERENCES accounts(id),
        channel         TEXT NOT NULL,
        value_hash      BLOB NOT NULL,
        expires_at      INTEGER NOT NULL
    ) STRICT;

    -- Every code sent (or attempted), for the caps: keyed hashes of the destination and of the
    -- client address, never the values.
    CREATE TABLE verification_sends (
        at               INTEGER NOT NULL,
        account_id       INTEGER NOT NULL,
        destination_hash BLOB NOT NULL,
        client_hash      BLOB NOT NULL
    ) STRICT;
    CREATE INDEX verification_sends_at ON verification_sends(at);
    "#,
    // 2: a refresh retried after its answer was lost (see auth::refresh). When a refresh token was
    // used, the refresh token that use issued, whether the grace retry was spent, and which refresh
    // token each access token was issued with (so that a withdrawn pair goes whole).
    r#"
    ALTER TABLE refresh_tokens ADD COLUMN used_at INTEGER;
    ALTER TABLE refresh_tokens ADD COLUMN successor BLOB;
    ALTER TABLE refresh_tokens ADD COLUMN retried INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE access_tokens ADD COLUMN refresh_hash BLOB;
    CREATE INDEX access_tokens_refresh ON access_tokens(refresh_hash);
    "#,
    // 3: the administrator's side (see crate::admin). An account deleted by IT keeps its row, so
    // that its id is never given to another account, but nothing of its person: the address
    // becomes a placeholder, the name and password hash empty. What lets its app and its owner be
    // told "this account was deleted": a keyed hash of the address with the password hash (only
    // the right password learns it), and the SHA-256 hashes its tokens had. Admin tokens are
    // stored as SHA-256 hashes too, with their scopes; admin calls go into the audit log.
    r#"
    ALTER TABLE accounts ADD COLUMN deleted_at TEXT;
    CREATE TABLE deleted_accounts (
        address_key   BLOB PRIMARY KEY,
        password_hash TEXT NOT NULL,
        deleted_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE gone_tokens (
        hash       BLOB PRIMARY KEY,
        deleted_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE admin_tokens (
        id           TEXT PRIMARY KEY,
        hash         BLOB NOT NULL UNIQUE,
        name         TEXT NOT NULL,
        scopes       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        revoked_at   TEXT,
        last_used_at TEXT
    ) STRICT;
    CREATE INDEX audit_at ON audit(at);
    "#,
];

/// Brings the schema up to the newest migration.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(done.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

impl Store {
    /// Opens (creating when missing) the database at `path` and brings the schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        create_private(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // secure_delete first: it must be in force before any page is freed.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a write is acknowledged only once it is durable — what exactly-once sync relies on.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        migrate(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection in a blocking task, so that SQLite's fsyncs and argon2 never
    /// stall the async workers.
    pub async fn call<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| E::from(StoreError::Poisoned))?;
            f(&mut guard)
        })
        .await
        .map_err(|_| E::from(StoreError::Task))?
    }

    /// The same, for callers outside a runtime (seeding at start-up, tests).
    pub fn call_sync<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut Connection) -> Result<T, E>,
    {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| E::from(StoreError::Poisoned))?;
        f(&mut guard)
    }

    /// Moves every WAL frame into the database and truncates the WAL to zero bytes, so that no
    /// page image holding a destroyed value survives in the `-wal` file.
    pub fn scrub_wal(conn: &Connection) -> Result<(), StoreError> {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// [`Store::scrub_wal`] after a commit: the write is applied and durable by then, so a failing
    /// scrub must not turn its answer into a 500 (the client would retry or report a failure for
    /// a change that happened). It is logged instead (SQLite's message names no bound value); the
    /// old frames go at the next successful scrub or checkpoint. Returns whether it succeeded.
    pub fn scrub_wal_after_commit(conn: &Connection) -> bool {
        match Self::scrub_wal(conn) {
            Ok(()) => true,
            Err(error) => {
                tracing::error!(%error, "WAL scrub after a commit failed; the write stands");
                false
            }
        }
    }

    /// A per-database random secret (created once), used to salt audit and idempotency hashes so
    /// that a short value such as a phone number cannot be recovered by hashing every candidate.
    pub fn secret(conn: &Connection, name: &str) -> Result<Vec<u8>, StoreError> {
        let existing: Option<Vec<u8>> = conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [name], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        if let Some(value) = existing {
            return Ok(value);
        }
        let value = crate::random::bytes::<32>().to_vec();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            rusqlite::params![name, value],
        )?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkpoint that fails for real (a read-only handle cannot truncate the WAL): the raw scrub
    /// reports it, the after-commit form logs it and lets the committed write stand.
    #[test]
    fn a_failed_scrub_after_commit_is_logged_not_propagated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let store = Store::open(&path).unwrap();
        store
            .call_sync(|conn| {
                conn.execute("INSERT INTO meta (key, value) VALUES ('k', x'00')", [])
                    .map(|_| ())
                    .map_err(StoreError::from)
            })
            .unwrap();
        let read_only =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert!(Store::scrub_wal(&read_only).is_err());
        assert!(!Store::scrub_wal_after_commit(&read_only));
        let kept: i64 = store
            .call_sync(|conn| {
                conn.query_row("SELECT count(*) FROM meta WHERE key = 'k'", [], |r| {
                    r.get(0)
                })
                .map_err(StoreError::from)
            })
            .unwrap();
        assert_eq!(kept, 1);
        assert!(store
            .call_sync(|conn| Ok::<_, StoreError>(Store::scrub_wal_after_commit(conn)))
            .unwrap());
    }
}
