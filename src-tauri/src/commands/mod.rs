//! The app's IPC commands, one module per area. Each is thin: it calls core and maps errors to
//! [`crate::error::CommandError`].

pub mod app;
pub mod consent;
pub mod diagnostics;
pub mod identity;
pub mod session;
pub mod settings;
pub mod updates;
pub mod validation;
pub mod verification;
