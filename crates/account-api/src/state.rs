//! What every handler shares.

use crate::auth::Lifetimes;
use crate::clock::Clock;
use crate::faults::Faults;
use crate::hashing::HashGate;
use crate::identity::Served;
use crate::limits::Limiter;
use crate::notice::Notice;
use crate::senders::Senders;
use crate::stats::Stats;
use crate::store::Store;
use crate::verification::caps::SendCaps;
use crate::verification::Pending;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub notice: Arc<Notice>,
    /// What every identity representation carries beside the row.
    pub served: Arc<Served>,
    pub limiter: Arc<Limiter>,
    /// Bounds the password checks running at once.
    pub hashing: Arc<HashGate>,
    pub stats: Arc<Stats>,
    /// Present only when the server was started with fault injection.
    pub faults: Option<Arc<Faults>>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub step_up_max_age: Duration,
    pub send_caps: SendCaps,
    pub senders: Arc<Senders>,
    /// The destinations of codes on their way, in memory only (see [`Pending`]).
    pub pending: Arc<Pending>,
}

impl AppState {
    pub fn lifetimes(&self) -> Lifetimes {
        Lifetimes {
            access: self.access_token_ttl,
            refresh: self.refresh_token_ttl,
        }
    }
}
