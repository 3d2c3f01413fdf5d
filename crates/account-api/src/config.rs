//! How a server is started: the same settings from the command line and from tests.

use crate::faults::FaultSpec;
use crate::limits::SignInLimits;
pub use crate::senders::{SmsSettings, SmtpSettings};
pub use crate::verification::caps::{Cap, SendCaps};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default of [`Config::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

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
    /// How long after the password was entered identity changes are still allowed (RFC 9470
    /// `max_age`); older sign-ins get `401 step_up_required`.
    pub step_up_max_age: Duration,
    /// Days after `confirmed_at` the client asks whether the info is still right; 0 is off.
    pub reconfirm_days: u32,
    /// How many codes may be sent per account, destination and client address.
    pub send_caps: SendCaps,
    /// The SMTP relay for e-mail codes and change alerts; `None`: e-mail codes answer
    /// `503 sender_not_configured` and alerts are not sent.
    pub smtp: Option<SmtpSettings>,
    /// The SMS provider's webhook; `None`: phone codes answer `503 sender_not_configured`.
    pub sms: Option<SmsSettings>,
    /// How many password checks (argon2, ~19 MiB each) run at once; the default is the CPU count.
    pub hash_concurrency: usize,
    /// How long a sign-in waits for a free check before `503 sign_in_busy`.
    pub hash_queue_wait: Duration,
    /// How long a request's body may take to arrive, whole (`408` after it).
    pub body_timeout: Duration,
    /// How long a connection may take to send a request's headers.
    pub header_timeout: Duration,
    /// Connections served at once; further ones wait in the listen backlog. Well below the usual
    /// 1024 file descriptors, which also hold the database, its WAL and the senders' sockets.
    pub max_connections: usize,
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
            step_up_max_age: Duration::from_secs(300),
            reconfirm_days: 180,
            send_caps: SendCaps::default(),
            smtp: None,
            sms: None,
            hash_concurrency: crate::hashing::HashGate::default_concurrency(),
            hash_queue_wait: Duration::from_secs(1),
            body_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}
