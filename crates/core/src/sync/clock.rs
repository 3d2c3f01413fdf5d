//! Wall-clock times as the journal, the snapshot and the status chip show them: RFC 3339 in UTC, to
//! the second.

use std::time::Duration;

/// How far tests have moved this process's clock forward, in seconds (always 0 in the app: only
/// the `test-clock` feature can change it).
#[cfg(feature = "test-clock")]
static TEST_OFFSET_SECS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Moves the clock the engine judges code expiry and re-confirmation by, for this whole process:
/// a test of a code that expired while the app was closed moves it (and the reference server's)
/// past the code's lifetime instead of waiting the real three minutes. Only with the `test-clock`
/// feature, which the sync tests enable; a test that moves it runs in a test binary of its own.
#[cfg(feature = "test-clock")]
pub fn advance_for_tests(by: Duration) {
    let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
    TEST_OFFSET_SECS.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
}

/// The wall clock (moved by [`advance_for_tests`] in the sync tests).
fn now_utc() -> time::OffsetDateTime {
    let now = time::OffsetDateTime::now_utc();
    #[cfg(feature = "test-clock")]
    let now =
        now + time::Duration::seconds(TEST_OFFSET_SECS.load(std::sync::atomic::Ordering::SeqCst));
    now
}

/// Now, in RFC 3339 (UTC, to the second).
pub(crate) fn now_rfc3339() -> String {
    let now = now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The moment `delay` from now, in RFC 3339 (when the next retry is due).
pub(crate) fn rfc3339_in(delay: Duration) -> String {
    let at = now_utc() + delay;
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A stored Unix time in milliseconds as RFC 3339 (UTC, to the second); `None` when out of range.
pub(crate) fn rfc3339_of_millis(millis: i64) -> Option<String> {
    let at = time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000)).ok()?;
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// An RFC 3339 time, `None` when unreadable.
fn parse(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// True when `at` is not after `now` (both RFC 3339). An unreadable time is never past: a code
/// is not declared expired on a time the client cannot read.
pub(crate) fn is_past(at: &str, now: &str) -> bool {
    match (parse(at), parse(now)) {
        (Some(at), Some(now)) => at <= now,
        _ => false,
    }
}

/// True when `days` whole days have passed from `since` to `now` (both RFC 3339).
pub(crate) fn days_passed(since: &str, days: u32, now: &str) -> bool {
    match (parse(since), parse(now)) {
        (Some(since), Some(now)) => since + time::Duration::days(i64::from(days)) <= now,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_compare_across_offsets() {
        assert!(is_past("2026-12-06T00:00:00Z", "2026-12-06T00:00:00Z"));
        assert!(is_past("2026-12-06T08:59:59+09:00", "2026-12-06T00:00:00Z"));
        assert!(!is_past("2026-12-06T00:00:01Z", "2026-12-06T00:00:00Z"));
        assert!(!is_past("garbage", "2026-12-06T00:00:00Z"));
        assert!(days_passed(
            "2026-06-09T00:00:00Z",
            180,
            "2026-12-06T00:00:00Z"
        ));
        assert!(!days_passed(
            "2026-06-10T00:00:01Z",
            180,
            "2026-12-06T00:00:00Z"
        ));
    }

    #[test]
    fn times_are_utc_to_the_second() {
        let now = now_rfc3339();
        assert!(now.ends_with('Z') && !now.contains('.'), "{now}");
        let later = rfc3339_in(Duration::from_secs(3600));
        assert!(later > now, "{later} after {now}");
    }

    #[test]
    fn stored_milliseconds_read_as_utc_seconds() {
        assert_eq!(
            rfc3339_of_millis(1_764_320_400_999).as_deref(),
            Some("2025-11-28T09:00:00Z")
        );
        assert_eq!(
            rfc3339_of_millis(0).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
        assert_eq!(rfc3339_of_millis(i64::MAX), None);
    }
}
