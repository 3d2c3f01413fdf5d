//! Offline drafting and sync (the `sync` feature): the local store, the credential store, the API
//! client, the outbox sender and the [`Service`] façade the desktop app's commands call.
//!
//! - [`api_client`]: the only HTTP;
//! - [`credentials`]: the OS credential store, or memory where there is none;
//! - [`kept_access`]: the access token kept between runs, so that a start-up costs one GET;
//! - [`crypto`]: drafts and queued bodies sealed under a key in the credential store;
//! - [`store`]: SQLite (drafts, outbox, consent journal, masked snapshot);
//! - [`backoff`]: when to retry;
//! - [`trust`]: the company's extra root certificates from policy;
//! - `sender`: the task that sends the outbox;
//! - [`service`]: the façade, one method per command of docs/design/ipc.md.

pub mod api_client;
pub mod backoff;
mod blocking;
mod clock;
mod config;
pub mod credentials;
pub mod crypto;
pub mod error;
pub mod kept_access;
mod overview;
mod runtime;
mod sender;
mod server_view;
pub mod service;
mod session;
pub mod store;
pub mod trust;
pub mod types;

pub use backoff::BackoffPolicy;
pub use config::ServiceConfig;
pub use credentials::{
    CredentialChoice, CredentialStore, MemoryCredentialStore, OsCredentialStore,
};
pub use error::ServiceError;
pub use service::Service;
pub use types::*;
