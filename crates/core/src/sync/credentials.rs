//! Where the secrets live: the tokens and the key that encrypts drafts and queued writes.
//!
//! The OS credential store when there is one (Windows Credential Manager, macOS Keychain, the
//! Secret Service); otherwise — a headless CI machine, a session without a keyring — a store in
//! memory, named as such everywhere (`"memory"` in the overview) so that nobody mistakes it for
//! persistence. There is deliberately no file fallback: a token in a plaintext file is the leak
//! the credential store exists to prevent.
//!
//! The calls block (the Secret Service is a D-Bus round trip): the service runs them on tokio's
//! blocking pool.

use super::types::CredentialStoreKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

/// The prefix of a refresh token's entry; the server's base URL completes the name.
pub const REFRESH_TOKEN: &str = "refresh-token";

/// The prefix of the kept access token's entry (see [`super::kept_access`]).
pub const ACCESS_TOKEN: &str = "access-token";

/// The entry of the refresh token issued by the server at `api_base_url`. One entry per server:
/// when IT points the app at another server, the old server's token is never presented to it.
pub fn refresh_token_entry(api_base_url: &str) -> String {
    per_server(REFRESH_TOKEN, api_base_url)
}

/// The entry of the access token issued by the server at `api_base_url`, one per server like the
/// refresh token.
pub fn access_token_entry(api_base_url: &str) -> String {
    per_server(ACCESS_TOKEN, api_base_url)
}

fn per_server(prefix: &str, api_base_url: &str) -> String {
    let base = api_base_url
        .trim()
        .trim_end_matches('/')
        .to_ascii_lowercase();
    format!("{prefix} {base}")
}
/// The name of the entry holding the local encryption key.
pub const STORE_KEY: &str = "store-key";

/// Why the credential store failed (never with the secret in it).
#[derive(Debug, thiserror::Error)]
#[error("credential store: {0}")]
pub struct CredentialError(pub String);

/// A place for small secrets, by name.
pub trait CredentialStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CredentialError>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CredentialError>;
    /// Removing an entry that does not exist is not an error.
    fn delete(&self, name: &str) -> Result<(), CredentialError>;
    fn kind(&self) -> CredentialStoreKind;
}

/// The operating system's credential store, entries named `(service, name)`.
pub struct OsCredentialStore {
    service: String,
}

impl OsCredentialStore {
    /// A store for `service` (e.g. `mail-identity`; tests use their own service name) if the OS
    /// store works here: a probe entry is written, read back and removed.
    pub fn probe(service: &str) -> Result<OsCredentialStore, CredentialError> {
        let store = OsCredentialStore {
            service: service.to_string(),
        };
        let probe = b"probe";
        store.set("probe", probe)?;
        let back = store.get("probe")?;
        store.delete("probe")?;
        match back {
            Some(value) if value.as_slice() == probe => Ok(store),
            _ => Err(CredentialError("the probe entry did not read back".into())),
        }
    }

    /// The OS store for `service` without a probe: where the local key is known to live in it but
    /// the store does not answer now (it is asked again later; see `keychain`).
    pub fn unprobed(service: &str) -> OsCredentialStore {
        OsCredentialStore {
            service: service.to_string(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, CredentialError> {
        keyring::Entry::new(&self.service, name).map_err(|e| CredentialError(e.to_string()))
    }
}

impl CredentialStore for OsCredentialStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CredentialError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(CredentialError(e.to_string())),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CredentialError> {
        self.entry(name)?
            .set_secret(secret)
            .map_err(|e| CredentialError(e.to_string()))
    }

    fn delete(&self, name: &str) -> Result<(), CredentialError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(CredentialError(e.to_string())),
        }
    }

    fn kind(&self) -> CredentialStoreKind {
        CredentialStoreKind::Os
    }
}

/// Secrets in this process's memory only: everything is gone when the app quits.
#[derive(Default)]
pub struct MemoryCredentialStore {
    entries: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl CredentialStore for MemoryCredentialStore {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, CredentialError> {
        let entries = self
            .entries
            .lock()
            .map_err(|_| CredentialError("poisoned".into()))?;
        Ok(entries.get(name).cloned())
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), CredentialError> {
        let mut entries = self
            .entries
            .lock()
            .map_err(|_| CredentialError("poisoned".into()))?;
        entries.insert(name.to_string(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), CredentialError> {
        let mut entries = self
            .entries
            .lock()
            .map_err(|_| CredentialError("poisoned".into()))?;
        entries.remove(name);
        Ok(())
    }

    fn kind(&self) -> CredentialStoreKind {
        CredentialStoreKind::Memory
    }
}

/// Which store a service uses.
#[derive(Clone)]
pub enum CredentialChoice {
    /// The OS store for this service name, else memory (with a warning in the log).
    OsOrMemory { service: String },
    /// Memory only (tests, benchmarks).
    Memory,
    /// A store given by the caller.
    Given(Arc<dyn CredentialStore>),
}

impl std::fmt::Debug for CredentialChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialChoice::OsOrMemory { service } => {
                write!(f, "OsOrMemory({service})")
            }
            CredentialChoice::Memory => f.write_str("Memory"),
            CredentialChoice::Given(store) => write!(f, "Given({:?})", store.kind()),
        }
    }
}

impl CredentialChoice {
    /// Resolves the choice; blocking (see the module note). `key_in_os` says the local key was
    /// kept in the OS store before: then a probe that fails means the store is unavailable *now*
    /// (the store is returned all the same, with `false`), never that there is none, because a
    /// memory store would mean a new key and every sealed draft and queued write lost.
    pub fn open(&self, key_in_os: bool) -> (Arc<dyn CredentialStore>, bool) {
        match self {
            CredentialChoice::OsOrMemory { service } => match OsCredentialStore::probe(service) {
                Ok(store) => (Arc::new(store), true),
                Err(error) if key_in_os => {
                    tracing::warn!(%error, "the OS credential store does not answer now");
                    (Arc::new(OsCredentialStore::unprobed(service)), false)
                }
                Err(error) => {
                    tracing::warn!(%error, "no OS credential store: secrets are kept in memory only and nothing survives a restart");
                    (Arc::new(MemoryCredentialStore::default()), true)
                }
            },
            CredentialChoice::Memory => (Arc::new(MemoryCredentialStore::default()), true),
            CredentialChoice::Given(store) => (Arc::clone(store), true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trips_and_deletes() {
        let store = MemoryCredentialStore::default();
        assert!(store.get("a").unwrap().is_none());
        store.set("a", b"secret").unwrap();
        assert_eq!(store.get("a").unwrap().unwrap().as_slice(), b"secret");
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert!(store.get("a").unwrap().is_none());
        assert_eq!(store.kind(), CredentialStoreKind::Memory);
    }

    #[test]
    fn each_server_has_its_own_refresh_token_entry() {
        assert_eq!(
            refresh_token_entry("https://Mail.Example.com/api/"),
            refresh_token_entry("https://mail.example.com/api")
        );
        assert_ne!(
            refresh_token_entry("https://mail.example.com"),
            refresh_token_entry("https://other.example.com")
        );
    }

    #[test]
    fn the_access_token_has_an_entry_of_its_own_per_server() {
        assert_eq!(
            access_token_entry("https://Mail.Example.com/api/"),
            "access-token https://mail.example.com/api"
        );
        assert_ne!(
            access_token_entry("https://mail.example.com/api"),
            refresh_token_entry("https://mail.example.com/api")
        );
    }
}
