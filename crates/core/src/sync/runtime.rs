//! What an open service holds while it runs, shared by the façade ([`super::Service`]) and the
//! outbox sender: the local store, the credential store and the local key, the API client, the
//! sign-in, what is known about the connection and the retry schedule, and the channels that wake
//! the sender and publish the overview.
//!
//! The façade holds it strongly and the sender weakly, so that the sender ends when the last
//! [`super::Service`] is dropped.

use super::api_client::{ApiClient, ApiConfig, ApiError};
use super::backoff::Jitter;
use super::blocking::blocking;
use super::config::ServiceConfig;
use super::credentials::{CredentialStore, STORE_KEY};
use super::crypto::Sealer;
use super::error::ServiceError;
use super::keychain::Keychain;
use super::session::Session;
use super::store::{meta, server_binding, Store, StoreError};
use super::types::{CredentialStoreKind, Overview, SyncReason, Unreachable};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{watch, Notify};

/// When the outbox head is tried again, and why it waits.
#[derive(Debug, Clone)]
pub(crate) struct RetrySchedule {
    /// The write being retried.
    pub seq: i64,
    /// How many attempts of it have failed in a row.
    pub failures: u32,
    /// When it is tried next.
    pub next_attempt: Instant,
    /// The same moment on the wall clock (RFC 3339), for the status chip.
    pub next_attempt_at: String,
    /// Why it waits, for the status chip.
    pub reason: SyncReason,
}

/// What the last contact with the server showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Reach {
    /// It answered (or nothing has been asked yet: no reason to say otherwise).
    #[default]
    Answering,
    /// A start-up from the local store is asking it for the first time.
    Checking,
    /// It could not be asked, and why.
    Unreachable(Unreachable),
}

impl Reach {
    /// Whether the server is known to be out of reach (the window's offline banner).
    pub fn online(self) -> bool {
        !matches!(self, Reach::Unreachable(_))
    }
}

/// What is known beyond the store: the connection, whether sign-in is needed, the retry schedule.
#[derive(Debug, Default)]
pub(crate) struct Live {
    /// What the last contact with the server showed; `Checking` while a start-up from the local
    /// store asks it for the first time.
    pub reach: Reach,
    pub sign_in_required: bool,
    /// The outbox head's retry schedule, while it waits after a failed attempt.
    pub retry: Option<RetrySchedule>,
    /// The service was closed: the sender ends.
    pub stopped: bool,
    /// Starting a code for a registered value met a step-up: the password is asked for. (A
    /// queued write that meets one keeps that in its own state, across restarts.)
    pub password_required: bool,
    /// The UI's language: the language of the messages that carry codes.
    pub locale: crate::locale::Locale,
}

/// The state of an open service.
pub(crate) struct Runtime {
    pub config: ServiceConfig,
    pub api: ApiClient,
    pub store: Store,
    pub creds: Arc<dyn CredentialStore>,
    /// The same store, with whether it answers (see [`super::keychain`]).
    pub keychain: Arc<Keychain>,
    pub session: Session,
    /// The local key, loaded on first use.
    sealer: Mutex<Option<Arc<Sealer>>>,
    pub live: Mutex<Live>,
    /// The retry jitter's generator.
    pub jitter: Mutex<Jitter>,
    /// Wakes the sender: a write was queued, a sign-in or a conflict answer unblocked it.
    pub wake: Arc<Notify>,
    /// The overview as last published.
    pub overview_tx: watch::Sender<Overview>,
    /// Counts the sender's attempts, for a caller waiting for a write's first answer.
    pub attempts_tx: watch::Sender<u64>,
    /// Ends the password sign-in waiting on the network (the window's 취소 while it waits).
    pub cancel_sign_in: Notify,
}

/// Wakes the sender so that it sees the service is gone.
impl Drop for Runtime {
    fn drop(&mut self) {
        self.wake.notify_one();
    }
}

impl Runtime {
    /// Opens the store and the credential store. Makes no network request.
    pub async fn open(config: ServiceConfig) -> Result<Runtime, ServiceError> {
        let api = ApiClient::new(&ApiConfig {
            base_url: config.api_base_url.clone(),
            app_version: config.app_version.clone(),
            os: config.os.clone(),
            proxy: config.proxy.clone(),
            extra_roots: config.extra_roots.clone(),
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
        })?;
        let data_dir = config.data_dir.clone();
        let server = server_binding::normalize(&config.api_base_url);
        let (store, key_in_os) = blocking(move || -> Result<_, StoreError> {
            let store = Store::open(&data_dir)?;
            let key_in_os = store.call_sync(|c| {
                let parked = server_binding::bind(c, &server)?;
                if parked > 0 {
                    tracing::warn!(
                        parked,
                        "writes queued for another server are kept sealed and not sent"
                    );
                }
                Ok(meta::get(c, meta::KEY_HOME)?.as_deref() == Some("os"))
            })?;
            Ok((store, key_in_os))
        })
        .await??;
        let choice = config.credential_store.clone();
        let (inner, answered) = blocking(move || choice.open(key_in_os)).await?;
        let credential_store = inner.kind();
        if answered && credential_store == CredentialStoreKind::Os {
            // From now on a store that does not answer is "unavailable", never "none".
            store.call(|c| meta::set(c, meta::KEY_HOME, "os")).await?;
        }
        let keychain = Arc::new(Keychain::new(inner, answered));
        let creds: Arc<dyn CredentialStore> = keychain.clone();
        let (overview_tx, _) = watch::channel(Overview::signed_out(true, credential_store));
        let (attempts_tx, _) = watch::channel(0);
        let session = Session::new(api.clone(), Arc::clone(&creds), &config.api_base_url);
        let locale = config.locale;
        Ok(Runtime {
            config,
            api,
            store,
            creds,
            keychain,
            session,
            sealer: Mutex::new(None),
            live: Mutex::new(Live {
                reach: Reach::Answering,
                locale,
                ..Live::default()
            }),
            jitter: Mutex::new(Jitter::from_entropy()),
            wake: Arc::new(Notify::new()),
            overview_tx,
            attempts_tx,
            cancel_sign_in: Notify::new(),
        })
    }

    /// The local key, loaded (or created) from the credential store on first use.
    pub fn sealer(&self) -> Result<Arc<Sealer>, ServiceError> {
        let mut slot = self.sealer.lock().map_err(|_| ServiceError::LocalStore)?;
        if let Some(sealer) = slot.as_ref() {
            return Ok(Arc::clone(sealer));
        }
        let sealer = Arc::new(Sealer::load_or_create(self.creds.as_ref())?);
        *slot = Some(Arc::clone(&sealer));
        Ok(sealer)
    }

    /// Deletes the local key from the credential store and forgets it here: every draft and queued
    /// body sealed under it can no longer be opened.
    pub async fn forget_key(&self) -> Result<(), ServiceError> {
        let creds = Arc::clone(&self.creds);
        blocking(move || creds.delete(STORE_KEY)).await??;
        if let Ok(mut sealer) = self.sealer.lock() {
            *sealer = None;
        }
        Ok(())
    }

    /// The server answered (`true`), or could not be reached (`false`, taken as offline when the
    /// failure is not known: prefer [`Runtime::note_failure`]).
    pub fn set_online(&self, online: bool) {
        self.set_reach(if online {
            Reach::Answering
        } else {
            Reach::Unreachable(Unreachable::Offline)
        });
    }

    /// What a failed request showed about the connection: the server is unreachable and why, or
    /// (any HTTP answer) that it answers.
    pub fn note_failure(&self, error: &ApiError) {
        self.set_reach(match error.unreachable() {
            Some(why) => Reach::Unreachable(why),
            None => Reach::Answering,
        });
    }

    pub fn set_reach(&self, reach: Reach) {
        if let Ok(mut live) = self.live.lock() {
            live.reach = reach;
        }
    }

    pub fn set_sign_in_required(&self, required: bool) {
        if let Ok(mut live) = self.live.lock() {
            live.sign_in_required = required;
        }
    }

    /// Forgets the retry schedule (the head was sent, dropped, or the outbox wiped).
    pub fn reset_retry(&self) {
        if let Ok(mut live) = self.live.lock() {
            live.retry = None;
        }
    }

    pub fn set_password_required(&self, required: bool) {
        if let Ok(mut live) = self.live.lock() {
            live.password_required = required;
        }
    }

    /// The UI's language.
    pub fn locale(&self) -> crate::locale::Locale {
        self.live
            .lock()
            .map(|l| l.locale)
            .unwrap_or(crate::locale::Locale::Ko)
    }

    /// Stops the sender.
    pub fn stop(&self) {
        if let Ok(mut live) = self.live.lock() {
            live.stopped = true;
        }
        self.wake.notify_one();
    }
}
