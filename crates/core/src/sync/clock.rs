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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_to_the_second() {
        let now = now_rfc3339();
        assert!(now.ends_with('Z') && !now.contains('.'), "{now}");
        let later = rfc3339_in(Duration::from_secs(3600));
        assert!(later > now, "{later} after {now}");
    }
}
