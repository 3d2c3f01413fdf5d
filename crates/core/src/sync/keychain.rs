//! The credential store as the running service sees it: the store itself, and whether it answered
//! last time.
//!
//! "The credential store cannot be read now" (a locked keychain, a Secret Service that does not
//! answer yet after log-in) is not "the key is gone": nothing sealed is deleted or re-keyed, the
//! overview says the store is unavailable, and the store is asked again on a timer (with backoff)
//! and when the user retries. Only sign-out forgets the key.

use super::credentials::{CredentialError, CredentialStore, STORE_KEY};
use super::types::CredentialStoreKind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;
use zeroize::Zeroizing;

/// A credential store that remembers whether its last call failed.
pub(crate) struct Keychain {
    inner: Arc<dyn CredentialStore>,
    unavailable: AtomicBool,
    /// Signalled when the store stops answering: the retry timer starts.
    pub went_away: Notify,
}

impl Keychain {
    /// `inner`, known to be unavailable when `available` is false (its probe failed at start).
    pub fn new(inner: Arc<dyn CredentialStore>, available: bool) -> Keychain {
        Keychain {
            inner,
            unavailable: AtomicBool::new(!available),
            went_away: Notify::new(),
        }
    }

    /// True while the last call to the store failed.
    pub fn is_unavailable(&self) -> bool {
        self.unavailable.load(Ordering::SeqCst)
    }

    /// Asks the store again (blocking: run it on the blocking pool); true when it answered.
    pub fn retry(&self) -> bool {
        self.get(STORE_KEY).is_ok()
    }

    fn note<T>(&self, result: Result<T, CredentialError>) -> Result<T, CredentialError> {
        match &result {
            Ok(_) => self.unavailable.store(false, Ordering::SeqCst),
            Err(error) => {
                if !self.unavailable.swap(true, Ordering::SeqCst) {
                    tracing::warn!(%error, "the credential store cannot be read now: everything sealed is kept, and it is asked again later");
                    self.went_away.notify_one();
                }
            }
        }
        result
    }
}

impl CredentialStore for Keychain {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CredentialError> {
        self.note(self.inner.get(name))
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CredentialError> {
        self.note(self.inner.set(name, secret))
    }

    fn delete(&self, name: &str) -> Result<(), CredentialError> {
        self.note(self.inner.delete(name))
    }

    fn kind(&self) -> CredentialStoreKind {
        self.inner.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::credentials::MemoryCredentialStore;
    use std::sync::atomic::AtomicBool;

    struct Switch {
        inner: MemoryCredentialStore,
        down: AtomicBool,
    }

    impl CredentialStore for Switch {
        fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CredentialError> {
            if self.down.load(Ordering::SeqCst) {
                return Err(CredentialError("locked".into()));
            }
            self.inner.get(name)
        }
        fn set(&self, name: &str, secret: &[u8]) -> Result<(), CredentialError> {
            self.inner.set(name, secret)
        }
        fn delete(&self, name: &str) -> Result<(), CredentialError> {
            self.inner.delete(name)
        }
        fn kind(&self) -> CredentialStoreKind {
            CredentialStoreKind::Os
        }
    }

    #[test]
    fn a_failed_read_marks_it_unavailable_until_it_answers_again() {
        let switch = Arc::new(Switch {
            inner: MemoryCredentialStore::default(),
            down: AtomicBool::new(true),
        });
        let keychain = Keychain::new(switch.clone(), true);
        assert!(!keychain.is_unavailable());
        assert!(keychain.get("x").is_err());
        assert!(keychain.is_unavailable());
        assert!(!keychain.retry());
        switch.down.store(false, Ordering::SeqCst);
        assert!(keychain.retry());
        assert!(!keychain.is_unavailable());
    }
}
