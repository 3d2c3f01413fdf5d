//! Encryption at rest for what holds personal data locally: the draft and queued saves.
//!
//! XChaCha20-Poly1305 under one 256-bit key kept in the credential store, never on disk: deleting
//! that key destroys every draft and queued body at once (sign-out does). A record is
//! `nonce (24 bytes) ‖ ciphertext+tag`, with a random nonce (192 bits: no counter to keep across
//! crashes) and associated data that names the record: a draft's kind, or a queued write's row,
//! kind and account ([`outbox_aad`]), so that no record can be passed off as another.

use super::credentials::{CredentialError, CredentialStore, STORE_KEY};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const NONCE_LEN: usize = 24;

/// The associated data of a sealed draft.
pub(crate) const DRAFT_AAD: &[u8] = b"mail-identity draft v1";
/// The associated data of a queued write's body sealed before rows were named in it (schema
/// version 2 and older): opened once more, then re-sealed under [`outbox_aad`].
pub(crate) const OUTBOX_AAD_KIND_ONLY: &[u8] = b"mail-identity outbox v1";

/// The associated data of the body of outbox row `seq`, a write of `kind` by `account`: a body
/// copied to another row, another kind of write or another account's queue does not open there
/// (a consent decision's body can never be sent as a save, nor one save's values as another's).
pub(crate) fn outbox_aad(seq: i64, kind: &str, account: &str) -> Vec<u8> {
    format!(
        "mail-identity outbox v2\0{seq}\0{kind}\0{}",
        account.to_ascii_lowercase()
    )
    .into_bytes()
}

/// The local key, held only while the service runs.
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    /// The key in `store`, created when missing.
    pub fn load_or_create(store: &dyn CredentialStore) -> Result<Sealer, CredentialError> {
        if let Some(key) = store.get(STORE_KEY)? {
            if key.len() == 32 {
                return Ok(Sealer::from_key(&key));
            }
            tracing::warn!(
                "the local key has the wrong length: replacing it (local drafts are lost)"
            );
        }
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(key.as_mut_slice())
            .map_err(|e| CredentialError(format!("no randomness: {e}")))?;
        store.set(STORE_KEY, key.as_slice())?;
        Ok(Sealer::from_key(key.as_slice()))
    }

    fn from_key(key: &[u8]) -> Sealer {
        Sealer {
            cipher: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key)),
        }
    }

    /// Encrypts `plaintext` for a record of kind `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).ok()?;
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    /// Decrypts a record; `None` when it was sealed under another key or kind, or is damaged.
    pub fn open(&self, aad: &[u8], record: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if record.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = record.split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad })
            .ok()
            .map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::credentials::MemoryCredentialStore;

    #[test]
    fn seals_opens_and_refuses_another_kind_or_key() {
        let store = MemoryCredentialStore::default();
        let sealer = Sealer::load_or_create(&store).unwrap();
        let record = sealer.seal(b"draft", b"010-1234-5678").unwrap();
        assert!(!record.windows(4).any(|w| w == b"1234"));
        assert_eq!(
            sealer.open(b"draft", &record).unwrap().as_slice(),
            b"010-1234-5678"
        );
        assert!(sealer.open(b"outbox", &record).is_none());
        // The same key comes back from the store.
        let again = Sealer::load_or_create(&store).unwrap();
        assert!(again.open(b"draft", &record).is_some());
        // A deleted key destroys every record.
        store.delete(STORE_KEY).unwrap();
        let fresh = Sealer::load_or_create(&store).unwrap();
        assert!(fresh.open(b"draft", &record).is_none());
    }
}
