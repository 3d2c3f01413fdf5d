//! The access token kept between runs, in the credential store next to the refresh token.
//!
//! A start-up within the token's lifetime (15 minutes on the reference server) then costs one
//! conditional GET instead of a token refresh followed by that GET: the refresh token is rotated
//! only when the access token has run out or the server refuses it. The entry holds the token and
//! the moment it expires, nothing else; it is as secret as the refresh token and lives in the same
//! store, never in a file.

use std::time::Duration;
use zeroize::Zeroizing;

/// A token this close to its expiry is not used at start-up: the GET it would carry could arrive
/// after the expiry and cost a 401 and a refresh on top.
pub const SAFETY_MARGIN: Duration = Duration::from_secs(60);

/// The version tag of the stored form; anything else reads as "no kept token".
const FORMAT: &str = "v1";

/// An access token and when it stops being valid (Unix seconds, the client's clock).
pub struct KeptAccess {
    pub token: Zeroizing<String>,
    pub expires_at: i64,
}

/// No `Debug` that shows the token.
impl std::fmt::Debug for KeptAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeptAccess(…, expires_at: {})", self.expires_at)
    }
}

impl KeptAccess {
    /// A token issued `now` (Unix seconds) that the server says lives `expires_in`.
    pub fn issued(token: &str, expires_in: Duration, now: i64) -> KeptAccess {
        let lifetime = i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX);
        KeptAccess {
            token: Zeroizing::new(token.to_string()),
            expires_at: now.saturating_add(lifetime),
        }
    }

    /// The stored form: `v1 <expires_at> <token>`.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(format!("{FORMAT} {} {}", self.expires_at, self.token.as_str()).into_bytes())
    }

    /// Reads the stored form; a damaged or foreign entry is `None` (the refresh token then serves).
    pub fn decode(stored: &[u8]) -> Option<KeptAccess> {
        let text = std::str::from_utf8(stored).ok()?;
        let mut parts = text.splitn(3, ' ');
        if parts.next()? != FORMAT {
            return None;
        }
        let expires_at = parts.next()?.parse().ok()?;
        let token = parts.next()?;
        if token.is_empty() || token.contains(char::is_whitespace) {
            return None;
        }
        Some(KeptAccess {
            token: Zeroizing::new(token.to_string()),
            expires_at,
        })
    }

    /// Whether the token still has more than [`SAFETY_MARGIN`] to live at `now`.
    pub fn usable_at(&self, now: i64) -> bool {
        let margin = i64::try_from(SAFETY_MARGIN.as_secs()).unwrap_or(i64::MAX);
        now.saturating_add(margin) < self.expires_at
    }
}

/// The current time in Unix seconds.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_stored_form() {
        let kept = KeptAccess::issued("opaque.token-123", Duration::from_secs(900), 1_000);
        assert_eq!(kept.expires_at, 1_900);
        let back = KeptAccess::decode(&kept.encode()).unwrap();
        assert_eq!(back.token.as_str(), "opaque.token-123");
        assert_eq!(back.expires_at, 1_900);
    }

    #[test]
    fn damaged_or_foreign_entries_read_as_none() {
        for stored in [
            &b""[..],
            b"v1",
            b"v1 1900",
            b"v1 1900 ",
            b"v2 1900 token",
            b"v1 soon token",
            b"v1 1900 two words",
            b"\xff\xfe",
        ] {
            assert!(KeptAccess::decode(stored).is_none(), "{stored:?}");
        }
    }

    #[test]
    fn is_not_used_within_the_margin_of_its_expiry() {
        let kept = KeptAccess::issued("t", Duration::from_secs(900), 0);
        assert!(kept.usable_at(0));
        assert!(kept.usable_at(900 - 61));
        assert!(!kept.usable_at(900 - 60));
        assert!(!kept.usable_at(900));
        assert!(!kept.usable_at(10_000));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let kept = KeptAccess::issued("secret-token", Duration::from_secs(900), 0);
        assert!(!format!("{kept:?}").contains("secret"));
    }
}
