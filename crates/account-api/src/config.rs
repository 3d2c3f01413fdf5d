//! How a server is started: the same settings from the command line and from tests.

use crate::faults::FaultSpec;
use crate::limits::SignInLimits;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything [`crate::serve`] needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (read it back from the handle).
    pub listen: SocketAddr,
    /// The SQLite database file (created when missing).
    pub db: PathBuf,
    /// Create the documented demo accounts (idempotent: existing accounts are left alone).
    pub seed_demo: bool,
    /// Fault injection for tests; `None` in normal operation. Also enables the `/_test/*` endpoints.
    pub faults: Option<FaultSpec>,
    /// The version of the consent notice served.
    pub notice_version: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub sign_in_limits: SignInLimits,
}

impl Config {
    /// Defaults for everything but the address and the database.
    pub fn new(listen: SocketAddr, db: impl Into<PathBuf>) -> Config {
        Config {
            listen,
            db: db.into(),
            seed_demo: false,
            faults: None,
            notice_version: crate::notice::DEFAULT_VERSION.to_string(),
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            sign_in_limits: SignInLimits::default(),
        }
    }
}
