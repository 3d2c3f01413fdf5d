//! Offline drafting and sync (the `sync` feature): the local store, the credential store, the API
//! client, the outbox sender and the [`Service`] façade the desktop app's commands call.
//!
//! From the top down (a module uses only those below it):
//!
//! - [`service`]: the façade, one method per command of docs/design/ipc.md, grouped by area like
//!   the app's commands (session, consent, identity); it opens the runtime and starts the sender;
//! - `account_gone`: the organisation deleted the account: wipe this PC's copy, say so;
//! - `sender`: the task that sends the outbox head, retries, rebases and records what was applied;
//! - `overview`: the overview composed from the store and the live state, and its publication;
//! - `server_view`: the server's view of the identity, read and kept in the snapshot;
//! - `runtime`: what an open service shares between the façade and the sender (store, credential
//!   store, local key, API client, session, live state and retry schedule, channels);
//! - `session`: who is signed in, the access token, the stored tokens, renewal on 401;
//! - `config`: what a service is opened with;
//! - [`api_client`]: the only HTTP;
//! - [`credentials`]: the OS credential store, or memory where there is none;
//! - [`kept_access`]: the access token kept between runs, so that a start-up costs one GET;
//! - [`crypto`]: drafts and queued bodies sealed under a key in the credential store;
//! - [`store`]: SQLite (drafts, outbox, consent journal, masked snapshot);
//! - [`backoff`]: when to retry;
//! - [`trust`]: the company's extra root certificates from policy;
//! - `clock`, `blocking`: wall-clock times in RFC 3339; blocking calls off the async workers.

mod account_gone;
pub mod api_client;
pub mod backoff;
mod blocking;
mod clock;
#[cfg(feature = "test-clock")]
pub use clock::advance_for_tests as advance_clock_for_tests;
mod code_sender;
mod config;
pub mod credentials;
pub mod crypto;
pub mod error;
pub mod kept_access;
mod keychain;
mod outbox_body;
mod overview;
pub mod reconfirm;
mod runtime;
mod sender;
mod server_view;
pub mod service;
mod session;
pub mod store;
pub mod trust;
pub mod types;
pub mod verification;

pub use backoff::BackoffPolicy;
pub use config::ServiceConfig;
pub use credentials::{
    CredentialChoice, CredentialStore, MemoryCredentialStore, OsCredentialStore,
};
pub use error::ServiceError;
pub use service::{Service, HOLD_LIMIT};
pub use types::*;
