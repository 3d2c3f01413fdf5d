//! Counters that tests read to check exactly-once delivery: how many writes were really applied
//! (not replayed), and how many faults were injected. Served at `/_test/stats` in fault mode.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    faults_injected: AtomicU64,
    consent_writes: AtomicU64,
    identity_writes: AtomicU64,
    identity_deletes: AtomicU64,
    idempotent_replays: AtomicU64,
}

/// Which write was applied.
#[derive(Debug, Clone, Copy)]
pub enum Write {
    Consent,
    Identity,
    Delete,
}

/// A snapshot of [`Stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StatsSnapshot {
    pub requests: u64,
    pub faults_injected: u64,
    pub consent_writes: u64,
    pub identity_writes: u64,
    pub identity_deletes: u64,
    /// Writes applied, all kinds: what "count writes on the server" means.
    pub writes_applied: u64,
    pub idempotent_replays: u64,
}

impl Stats {
    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn fault(&self) {
        self.faults_injected.fetch_add(1, Ordering::Relaxed);
    }

    pub fn replay(&self) {
        self.idempotent_replays.fetch_add(1, Ordering::Relaxed);
    }

    pub fn applied(&self, write: Write) {
        let counter = match write {
            Write::Consent => &self.consent_writes,
            Write::Identity => &self.identity_writes,
            Write::Delete => &self.identity_deletes,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let consent_writes = self.consent_writes.load(Ordering::Relaxed);
        let identity_writes = self.identity_writes.load(Ordering::Relaxed);
        let identity_deletes = self.identity_deletes.load(Ordering::Relaxed);
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            faults_injected: self.faults_injected.load(Ordering::Relaxed),
            consent_writes,
            identity_writes,
            identity_deletes,
            writes_applied: consent_writes + identity_writes + identity_deletes,
            idempotent_replays: self.idempotent_replays.load(Ordering::Relaxed),
        }
    }
}
