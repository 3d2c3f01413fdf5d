//! What every handler shares.

use crate::faults::Faults;
use crate::limits::Limiter;
use crate::notice::Notice;
use crate::stats::Stats;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub notice: Arc<Notice>,
    pub limiter: Arc<Limiter>,
    pub stats: Arc<Stats>,
    /// Present only when the server was started with fault injection.
    pub faults: Option<Arc<Faults>>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
}
