//! Password checks, a bounded number at a time, on threads of their own.
//!
//! One argon2id check holds about 19 MiB for its duration; unbounded, a burst of sign-ins grows the
//! server by that much per request in flight (60 at once took it from under 100 MB to over 1 GB).
//! A semaphore admits `concurrency` checks; the rest wait at most `queue_wait` for a permit and are
//! then answered `503 sign_in_busy` with `Retry-After`, which a client retries shortly, instead of
//! piling up memory and latency.
//!
//! The checks run on `concurrency` dedicated threads, each with its argon2 memory allocated once
//! and reused: a fresh 19 MiB per check, freed into whichever allocator arena the thread shares,
//! left the server several times the bound in resident memory after a burst (measured: 250 MB
//! after 60 sign-ins with two checks at a time).

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

/// Why a password was not checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("every password check slot stayed busy for the whole queue wait")]
    Busy,
    #[error("the password check thread is gone")]
    Gone,
}

/// One check for a worker; the permit goes back when the worker is done with it.
struct Job {
    password: String,
    phc: String,
    permit: OwnedSemaphorePermit,
    answer: oneshot::Sender<bool>,
}

/// The gate every sign-in's password check passes.
pub struct HashGate {
    permits: Arc<Semaphore>,
    queue_wait: Duration,
    jobs: Mutex<mpsc::Sender<Job>>,
    peak: Arc<AtomicUsize>,
}

impl HashGate {
    /// Starts `concurrency` worker threads; they end when the gate is dropped.
    pub fn new(concurrency: usize, queue_wait: Duration) -> HashGate {
        let concurrency = concurrency.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        for n in 0..concurrency {
            let (queue, running, peak) =
                (Arc::clone(&queue), Arc::clone(&running), Arc::clone(&peak));
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || work(&queue, &running, &peak));
            if let Err(error) = spawned {
                // Fewer workers only means fewer checks at once; none at all shows as `Gone`.
                tracing::error!(%error, "could not start a password check thread");
            }
        }
        HashGate {
            permits: Arc::new(Semaphore::new(concurrency)),
            queue_wait,
            jobs: Mutex::new(jobs),
            peak,
        }
    }

    /// The default bound: one check per CPU (more would only queue inside the CPU anyway).
    pub fn default_concurrency() -> usize {
        std::thread::available_parallelism().map_or(2, usize::from)
    }

    /// Checks `password` against `phc` once a slot is free. The slot is held by the worker, so a
    /// request abandoned mid-check still counts until its hash is done.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, HashError> {
        let permit =
            tokio::time::timeout(self.queue_wait, Arc::clone(&self.permits).acquire_owned())
                .await
                .map_err(|_| HashError::Busy)?
                .map_err(|_| HashError::Busy)?;
        let (answer, answered) = oneshot::channel();
        let job = Job {
            password,
            phc,
            permit,
            answer,
        };
        self.jobs
            .lock()
            .map_err(|_| HashError::Gone)?
            .send(job)
            .map_err(|_| HashError::Gone)?;
        answered.await.map_err(|_| HashError::Gone)
    }

    /// The most checks that ever ran at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// A worker: takes jobs until the gate is dropped, with its own argon2 memory.
fn work(queue: &Mutex<mpsc::Receiver<Job>>, running: &AtomicUsize, peak: &AtomicUsize) {
    let mut memory = Vec::new();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        let verified = verify_into(&job.password, &job.phc, &mut memory);
        running.fetch_sub(1, Ordering::SeqCst);
        drop(job.permit);
        // The request may have gone away meanwhile: nobody to tell.
        let _ = job.answer.send(verified);
    }
}

/// Checks `password` against the PHC string `phc` as argon2's `PasswordVerifier` does, computing
/// into `memory` (resized only when a hash has other parameters) instead of a fresh allocation.
/// A corrupt or foreign hash verifies nothing.
fn verify_into(password: &str, phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let mut salt_buffer = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buffer) else {
        return false;
    };
    memory.resize(params.block_count(), Block::default());
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, &mut memory[..])
        .is_ok()
        && bool::from(computed.ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::hash_password;
    use argon2::password_hash::PasswordVerifier;

    /// argon2's own check, the reference.
    fn verify_password(password: &str, phc: &str) -> bool {
        PasswordHash::new(phc).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    }

    #[test]
    fn checks_into_reused_memory_agree_with_argon2() {
        let phc = hash_password("correct horse").unwrap();
        let mut memory = Vec::new();
        for (password, phc) in [
            ("correct horse", phc.as_str()),
            ("wrong horse", phc.as_str()),
            (
                "correct horse",
                "$argon2id$v=19$m=19456,t=2,p=1$bm90IGEgc2FsdA$AAAA",
            ),
            ("correct horse", "not a hash"),
        ] {
            assert_eq!(
                verify_into(password, phc, &mut memory),
                verify_password(password, phc),
                "{password} against {phc}"
            );
        }
        assert!(verify_into("correct horse", &phc, &mut memory));
    }

    #[tokio::test]
    async fn beyond_the_bound_checks_wait_then_answer_busy() {
        let gate = Arc::new(HashGate::new(1, Duration::from_millis(1)));
        let phc = hash_password("pw").unwrap();
        let checks: Vec<_> = (0..4)
            .map(|_| {
                let (gate, phc) = (Arc::clone(&gate), phc.clone());
                tokio::spawn(async move { gate.verify("pw".into(), phc).await })
            })
            .collect();
        let mut busy = 0;
        for check in checks {
            match check.await.unwrap() {
                Ok(verified) => assert!(verified),
                Err(HashError::Busy) => busy += 1,
                Err(HashError::Gone) => panic!("the worker is gone"),
            }
        }
        assert!(busy >= 1);
        assert_eq!(gate.peak(), 1);
    }
}
