//! The façade the desktop app's commands call, one method per command of docs/design/ipc.md.
//!
//! A [`Service`] opens the local store and the credential store (the shared `Runtime`) and starts
//! the outbox sender (a tokio task). Every method answers from the local store first; network work
//! that the user is not waiting for happens in the sender, which publishes each new [`Overview`] on
//! a watch channel (the app forwards it as the `overview-changed` event).
//!
//! The methods are grouped as the app's commands are (`src-tauri/src/commands/`): `session`
//! (restore, sign in, sign out, step-up), `consent` (notice, decision, receipts), `identity`
//! (overview, refresh, drafts, submit, delete, conflicts, keep) and `verification` (codes: confirm,
//! resend, cancel, verify a registered value).

mod consent;
mod identity;
mod keychain;
mod session;
mod start;
mod verification;

pub use super::config::ServiceConfig;

use super::error::ServiceError;
use super::outbox_body;
use super::overview;
use super::runtime::Runtime;
use super::sender::OutboxSender;
use super::store::outbox::{self, OpKind};
use super::store::{server_binding, StoreError};
use super::types::{CredentialStoreKind, MaskedInfo, Overview};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use zeroize::Zeroizing;

/// The longest a command holds the window on the network. A write is durable in the outbox before
/// it is sent, so after this the command answers with the queued state and the sender finishes
/// it (once: its idempotency key makes a late duplicate a replay); a read answers with what is
/// kept. People take a pause of more than about two seconds for a hang: 1.5 s leaves the screen
/// its own time to come back within two.
pub const HOLD_LIMIT: Duration = Duration::from_millis(1500);

/// The service. Cheap to clone; the sender stops when the last clone is dropped or on
/// [`Service::close`].
#[derive(Clone)]
pub struct Service {
    rt: Arc<Runtime>,
}

impl Service {
    /// Opens the store and the credential store and starts the outbox sender. Makes no network
    /// request.
    pub async fn open(config: ServiceConfig) -> Result<Service, ServiceError> {
        let rt = Arc::new(Runtime::open(config).await?);
        overview::publish(&rt).await;
        OutboxSender::start(&rt);
        keychain::start_retry(&rt);
        Ok(Service { rt })
    }

    /// Stops the outbox sender (also when the last clone is dropped).
    pub fn close(&self) {
        self.rt.stop();
    }

    /// The overview as it changes: the app forwards each value as `overview-changed`.
    pub fn subscribe(&self) -> watch::Receiver<Overview> {
        self.rt.overview_tx.subscribe()
    }

    /// The UI's language, for the messages that carry codes (the app calls it at start-up and on
    /// every language switch).
    pub fn set_locale(&self, locale: crate::locale::Locale) {
        if let Ok(mut live) = self.rt.live.lock() {
            live.locale = locale;
        }
    }

    /// Which credential store is in use.
    pub fn credential_store(&self) -> CredentialStoreKind {
        self.rt.creds.kind()
    }

    /// The local database file (diagnostics, tests).
    pub fn database_path(&self) -> PathBuf {
        self.rt.store.path().to_path_buf()
    }

    /// Recomputes the overview and publishes it if it changed.
    async fn publish(&self) {
        overview::publish(&self.rt).await;
    }

    /// Queues a write of `kind` under a fresh idempotency key, its body sealed, in one transaction
    /// with `also` (see [`outbox::queue`]); returns its sequence number. The body is sealed for
    /// its row (see `outbox_body`). A write without a body never loads the local key.
    async fn queue_write(
        &self,
        kind: OpKind,
        body: Option<&[u8]>,
        masked: Option<MaskedInfo>,
        also: impl FnOnce(&rusqlite::Connection, i64) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<i64, ServiceError> {
        let rt = &self.rt;
        rt.session.require_account().await?;
        let seal = match body {
            Some(body) => Some((
                outbox_body::sealer_for(rt, kind)
                    .await
                    .map_err(ServiceError::from)?,
                Zeroizing::new(body.to_vec()),
            )),
            None => None,
        };
        let key = new_key()?;
        let server = server_binding::normalize(&rt.config.api_base_url);
        let seq = rt
            .store
            .call(move |c| {
                let for_row = seal.as_ref().map(|(sealer, plain)| {
                    move |seq: i64| sealer(seq, plain).map_err(StoreError::from)
                });
                let for_row = for_row.as_ref().map(|f| f as outbox::SealFor<'_>);
                let also = move |c: &rusqlite::Connection, seq: i64| {
                    server_binding::stamp(c, seq, &server)?;
                    also(c, seq)
                };
                outbox::queue(c, kind, &key, for_row, masked.as_ref(), also)
            })
            .await?;
        Ok(seq)
    }
}

/// A fresh idempotency key: 128 random bits in hex.
fn new_key() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| ServiceError::LocalStore)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
