//! The local SQLite database: drafts, the outbox, the codes a queued save waits for, the consent
//! journal and the cached server view.
//!
//! One file in the app data directory, in WAL mode with `synchronous=FULL` (a save is on disk when
//! it returns: a power cut loses nothing acknowledged), `secure_delete` (deleted pages are zeroed,
//! so a purged draft leaves no trace in the file), owner-only permissions, and a schema versioned
//! with `PRAGMA user_version`. Every change is one transaction.
//!
//! Personal data is only ever stored sealed (see [`super::crypto`]); the snapshot holds masked
//! values, the journal none at all.

pub mod drafts;
pub mod journal;
pub mod meta;
pub mod outbox;
pub mod server_binding;
pub mod snapshot;
pub mod verifications;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file name inside the data directory.
pub const DB_FILE: &str = "mail-identity.sqlite3";

/// Why the local store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("the database schema {0} is newer than this app")]
    TooNew(i64),
    #[error("the store's worker stopped")]
    Task,
    #[error("corrupt record: {0}")]
    Corrupt(&'static str),
}

/// The schema, one entry per version: version `n` is reached by running `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE draft (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    sealed     BLOB    NOT NULL,      -- the form as typed, encrypted
    saved_at   INTEGER NOT NULL,      -- unix milliseconds
    expires_at INTEGER NOT NULL       -- unix milliseconds
);
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('consent', 'save', 'delete')),
    idempotency_key TEXT    NOT NULL UNIQUE,
    sealed_body     BLOB,             -- the exact request body, encrypted; NULL for a delete
    masked          TEXT,             -- a save's values, masked (JSON), for the overview
    base_etag       TEXT,             -- the server version this write is based on
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'conflict', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    reason          TEXT,             -- why it was refused (JSON, codes only)
    created_at      INTEGER NOT NULL  -- unix milliseconds
);
CREATE TABLE journal (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account        TEXT    NOT NULL,
    decision       TEXT    NOT NULL CHECK (decision IN ('agreed', 'refused', 'withdrawn')),
    decided_at     TEXT    NOT NULL,
    notice_version TEXT,
    notice_sha256  TEXT,
    app_version    TEXT    NOT NULL,
    os             TEXT    NOT NULL,
    outbox_seq     INTEGER,
    synced         INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER journal_no_rewrite BEFORE UPDATE OF account, decision, decided_at, notice_version,
    notice_sha256, app_version, os ON journal
BEGIN SELECT RAISE(ABORT, 'the consent journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the consent journal is append-only'); END;
CREATE TABLE snapshot (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    account    TEXT,                  -- Account (JSON)
    consent    TEXT,                  -- ConsentView (JSON)
    info       TEXT,                  -- MaskedInfo (JSON): masked values only
    updated_at TEXT,
    etag       TEXT,
    synced_at  TEXT
);
CREATE TABLE notice_cache (
    locale  TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    text    TEXT NOT NULL,
    sha256  TEXT NOT NULL
);
"#,
    // Ownership codes, step-up, re-consent and re-confirm. SQLite cannot change a CHECK, so the
    // outbox is rebuilt with its rows (sequence numbers kept: the journal points at them).
    r#"
CREATE TABLE outbox_v2 (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('consent', 'save', 'delete', 'reconfirm')),
    idempotency_key TEXT    NOT NULL UNIQUE,
    sealed_body     BLOB,             -- the exact request body, encrypted (proofs included)
    masked          TEXT,             -- a save's values, masked (JSON), for the overview
    base_etag       TEXT,
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'conflict', 'rejected',
                        'awaiting_codes', 'password_required', 'waiting_for_consent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    reason          TEXT,
    created_at      INTEGER NOT NULL
);
INSERT INTO outbox_v2 SELECT seq, kind, idempotency_key, sealed_body, masked, base_etag, state,
    attempts, reason, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE TABLE verification (
    channel       TEXT    PRIMARY KEY CHECK (channel IN ('email', 'phone')),
    purpose       TEXT    NOT NULL CHECK (purpose IN ('change', 'registered')),
    outbox_seq    INTEGER,            -- the save waiting for this code (purpose change)
    start_key     TEXT    NOT NULL,   -- the idempotency key of starting it: a lost answer replays
    id            TEXT,               -- the server's verification id, once sent
    destination   TEXT    NOT NULL,   -- masked only
    state         TEXT    NOT NULL,
    expires_at    TEXT,
    resend_at     TEXT,
    attempts_left INTEGER NOT NULL DEFAULT 5,
    reason        TEXT,               -- why it was not sent (JSON, codes only)
    retry_at      TEXT
);
ALTER TABLE snapshot ADD COLUMN current_notice_version TEXT;
ALTER TABLE snapshot ADD COLUMN confirmed_at TEXT;
ALTER TABLE snapshot ADD COLUMN reconfirm_days INTEGER NOT NULL DEFAULT 0;
"#,
    // A sealed body's associated data names its row: sequence number, kind and account
    // (`crypto::outbox_aad`), so that a body moved to another row no longer opens. Rows sealed
    // before name the record kind only (`aad` 1); the sender re-seals them under the new scheme
    // the first time the key and the account are at hand.
    r#"
ALTER TABLE outbox ADD COLUMN aad INTEGER NOT NULL DEFAULT 1;
"#,
    // Queued writes and the server view belong to the server they were made against (its base URL,
    // normalized); writes for another server than the configured one are parked, sealed and never
    // sent, until the user discards them or IT points the app back. `meta` remembers where the
    // local key lives, so that an OS credential store that cannot be read is never taken for none.
    r#"
ALTER TABLE outbox ADD COLUMN server TEXT;
ALTER TABLE snapshot ADD COLUMN server TEXT;
CREATE TABLE outbox_parked (
    seq             INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    sealed_body     BLOB,
    masked          TEXT,
    base_etag       TEXT,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    reason          TEXT,
    created_at      INTEGER NOT NULL,
    aad             INTEGER NOT NULL,
    server          TEXT    NOT NULL
);
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
];

/// The open database, shared by the service and its outbox sender; every call runs on the blocking pool.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl Store {
    /// Opens (creating when missing) the database in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        owner_only(data_dir, 0o700)?;
        let path = data_dir.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut conn)?;
        for file in [
            path.clone(),
            data_dir.join(format!("{DB_FILE}-wal")),
            data_dir.join(format!("{DB_FILE}-shm")),
        ] {
            if file.exists() {
                owner_only(&file, 0o600)?;
            }
        }
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the connection on tokio's blocking pool.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Task)?;
            f(&mut guard)
        })
        .await
        .map_err(|_| StoreError::Task)?
    }

    /// Runs `f` with the connection on this thread (start-up and tests).
    pub fn call_sync<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.conn.lock().map_err(|_| StoreError::Task)?;
        f(&mut guard)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = MIGRATIONS.len() as i64;
    if version > latest {
        return Err(StoreError::TooNew(version));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(unix)]
fn owner_only(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// Elsewhere the app data directory is already private to the user (Windows profile ACLs).
#[cfg(not(unix))]
fn owner_only(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data")).unwrap();
    (dir, store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_once_and_is_owner_only() {
        let (dir, store) = temp_store();
        let version: i64 = store
            .call_sync(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        let mode: String = store
            .call_sync(|c| Ok(c.pragma_query_value(None, "journal_mode", |r| r.get(0))?))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        // Reopening runs no migration again.
        Store::open(&dir.path().join("data")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join("data").join(DB_FILE)).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            let meta = std::fs::metadata(dir.path().join("data")).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn version_1_outbox_rows_keep_their_sequence_numbers_through_version_2() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(MIGRATIONS[0]).unwrap();
            tx.pragma_update(None, "user_version", 1).unwrap();
            tx.execute(
                "INSERT INTO outbox (seq, kind, idempotency_key, state, created_at)
                 VALUES (41, 'save', 'k41', 'queued', 0)",
                [],
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        store
            .call_sync(|c| {
                let head = outbox::head(c)?.unwrap();
                assert_eq!(head.seq, 41);
                outbox::set_state(c, 41, outbox::OpState::AwaitingCodes, None)?;
                let next = outbox::push(
                    c,
                    &outbox::NewOp {
                        kind: outbox::OpKind::Reconfirm,
                        idempotency_key: "k42",
                        sealed_body: None,
                        masked: None,
                        base_etag: None,
                    },
                )?;
                assert_eq!(next, 42, "the sequence goes on from the old rows");
                assert_eq!(snapshot::get(c)?.reconfirm_days, 0);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let (dir, store) = temp_store();
        store
            .call_sync(|c| Ok(c.pragma_update(None, "user_version", 99)?))
            .unwrap();
        drop(store);
        assert!(matches!(
            Store::open(&dir.path().join("data")),
            Err(StoreError::TooNew(99))
        ));
    }
}
