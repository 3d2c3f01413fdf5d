//! The reference account API server: the contract in `docs/api/openapi.yaml`, implemented for real
//! over HTTP and SQLite, for development, the demo and every test of the client.
//!
//! Start it from Rust with [`serve`] (tests do) or from the command line with
//! `account-api serve --listen 127.0.0.1:8787 --db PATH [--seed-demo] [--faults SPEC]
//! [--smtp URL] [--sms-webhook URL] …` (see `main.rs` for every option).

pub mod admin;
mod alerts;
mod audit;
mod auth;
mod body;
mod clock;
pub mod config;
mod deadline;
pub mod demo;
pub mod faults;
mod hashing;
mod idempotency;
mod identity;
pub mod limits;
mod log_throttle;
pub mod notice;
mod precondition;
mod problem;
mod random;
mod routes;
pub mod senders;
mod server;
mod state;
pub mod stats;
mod step_up;
mod store;
pub mod verification;

// The texts of the mails and SMS the server sends, from the app's own catalog.
rust_i18n::i18n!("../../locales", fallback = "ko");

pub use audit::Entry as AuditEntry;
pub use config::{Cap, Config, SendCaps, SmsSettings, SmtpSettings};
pub use faults::FaultSpec;
pub use routes::ROUTES;
pub use server::{serve, ServeError, ServerHandle};
pub use stats::StatsSnapshot;
pub use store::StoreError;
