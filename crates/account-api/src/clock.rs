//! Time as the server sees it: Unix seconds for the database's comparisons, RFC 3339 (UTC, whole
//! seconds) for the API.
//!
//! The clock is a value held in the application state rather than a free function, so that code
//! expiry, the step-up age, the send caps' windows and re-confirmation can be tested without
//! sleeping: a test (Rust, or HTTP through `/_test/clock` in fault mode) moves it forward. In normal
//! operation it is the system clock, and nothing can move it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The system clock plus an offset that only tests move. Cheap to clone; clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Moves this clock (and every clone) forward.
    pub fn advance(&self, by: Duration) {
        let seconds = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.offset.fetch_add(seconds, Ordering::SeqCst);
    }

    /// Now.
    pub fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        let now = now.replace_nanosecond(0).unwrap_or(now);
        now + time::Duration::seconds(self.offset.load(Ordering::SeqCst))
    }

    /// Seconds since the Unix epoch.
    pub fn now_unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Now, as RFC 3339 in UTC with whole seconds: `2026-11-28T19:07:20Z`.
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now())
    }
}

/// A time as the API writes it.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Unix seconds as the API writes them.
pub fn unix_rfc3339(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .map(rfc3339)
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_advance() {
        let clock = Clock::system();
        let clone = clock.clone();
        let before = clock.now_unix();
        clone.advance(Duration::from_secs(3600));
        assert!(clock.now_unix() >= before + 3600);
        assert!(clock.now_rfc3339().ends_with('Z'));
    }
}
