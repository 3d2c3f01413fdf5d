//! Password checks, a bounded number at a time.
//!
//! One argon2id check holds about 19 MiB for its duration on a blocking thread; unbounded, a burst
//! of sign-ins grows the server by that much per request in flight (60 at once took it from under
//! 100 MB to over 1 GB). A semaphore admits `concurrency` checks; the rest wait at most
//! `queue_wait` for a permit and are then answered `503 sign_in_busy` with `Retry-After`, which a
//! client retries shortly, instead of piling up memory and latency.

use crate::auth::verify_password;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Why a password was not checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("every password check slot stayed busy for the whole queue wait")]
    Busy,
    #[error("the password check task panicked or was cancelled")]
    Task,
}

/// The gate every sign-in's password check passes.
pub struct HashGate {
    permits: Arc<Semaphore>,
    queue_wait: Duration,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl HashGate {
    pub fn new(concurrency: usize, queue_wait: Duration) -> HashGate {
        HashGate {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            queue_wait,
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The default bound: one check per CPU (more would only queue inside the CPU anyway).
    pub fn default_concurrency() -> usize {
        std::thread::available_parallelism().map_or(2, usize::from)
    }

    /// Checks `password` against `phc` once a slot is free. The slot is held by the blocking task
    /// itself, so a request abandoned mid-check still counts until its hash is done.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, HashError> {
        let permit =
            tokio::time::timeout(self.queue_wait, Arc::clone(&self.permits).acquire_owned())
                .await
                .map_err(|_| HashError::Busy)?
                .map_err(|_| HashError::Busy)?;
        let (running, peak) = (Arc::clone(&self.running), Arc::clone(&self.peak));
        tokio::task::spawn_blocking(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let verified = verify_password(&password, &phc);
            running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            verified
        })
        .await
        .map_err(|_| HashError::Task)
    }

    /// The most checks that ever ran at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}
