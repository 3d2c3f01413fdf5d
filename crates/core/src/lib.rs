//! The domain of mail-identity.
//!
//! Everything that decides something lives here, free of Tauri and of any HTTP server, so that the
//! desktop app, the reference account server and the command-line front all apply the same rules.

pub mod email;
pub mod identity;
pub mod locale;
pub mod phone;
pub mod policy;
#[cfg(feature = "sync")]
pub mod sync;
pub mod wine;
pub mod wire;
