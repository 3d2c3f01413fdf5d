//! Wall-clock times as the journal, the snapshot and the status chip show them: RFC 3339 in UTC, to
//! the second.

use std::time::Duration;

/// Now, in RFC 3339 (UTC, to the second).
pub(crate) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The moment `delay` from now, in RFC 3339 (when the next retry is due).
pub(crate) fn rfc3339_in(delay: Duration) -> String {
    let at = time::OffsetDateTime::now_utc() + delay;
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
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
}
