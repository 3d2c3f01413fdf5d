//! When to try again: exponential backoff with full jitter, never earlier than the server's
//! `Retry-After`.
//!
//! Full jitter (a uniform draw in `[0, cap]`) rather than a fixed schedule, and jitter added *on top
//! of* `Retry-After` rather than obeying it to the second: a thousand clients told "retry after 2 s"
//! at the same moment would otherwise come back at the same moment — the stampede the product
//! forbids.

use std::time::Duration;

/// The longest `Retry-After` obeyed: a server asking for more is probably misconfigured, and a
/// client that stays silent for days looks broken. Shorter ones are obeyed exactly (plus jitter),
/// whatever the policy's own maximum.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The retry schedule; tests shorten it through the service configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// The cap of the first retry.
    pub base: Duration,
    /// The largest cap.
    pub max: Duration,
}

impl Default for BackoffPolicy {
    /// 1 s, doubling, up to 5 min.
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(300),
        }
    }
}

impl BackoffPolicy {
    /// The cap for the `attempt`-th retry (0 for the first): `base * 2^attempt`, at most `max`.
    pub fn cap(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The wait before the `attempt`-th retry. `unit` is a uniform draw in `[0, 1)`; `retry_after`
    /// is the server's floor, to which the jitter is added.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let jitter = self.cap(attempt).mul_f64(unit);
        match retry_after {
            Some(floor) => floor.min(MAX_RETRY_AFTER).saturating_add(jitter),
            None => jitter,
        }
    }
}

/// A small seeded generator for the jitter (SplitMix64): no dependency, and every service draws its
/// own sequence.
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter(seed)
    }

    /// A seed from the operating system, or from the clock when that fails.
    pub fn from_entropy() -> Jitter {
        let mut bytes = [0u8; 8];
        let seed = match getrandom::fill(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9E37_79B9),
        };
        Jitter(seed)
    }

    /// A uniform draw in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn the_cap_doubles_from_one_second_up_to_five_minutes() {
        let policy = BackoffPolicy::default();
        assert_eq!(policy.cap(0), S(1));
        assert_eq!(policy.cap(1), S(2));
        assert_eq!(policy.cap(8), S(256));
        assert_eq!(policy.cap(9), S(300));
        assert_eq!(policy.cap(40), S(300));
    }

    #[test]
    fn full_jitter_spans_zero_to_the_cap() {
        let policy = BackoffPolicy::default();
        assert_eq!(policy.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(policy.delay(3, None, 0.5), S(4));
        assert!(policy.delay(3, None, 0.999_999) < S(8));
        assert_eq!(policy.delay(3, None, f64::NAN), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_a_floor_with_jitter_on_top() {
        let policy = BackoffPolicy::default();
        assert_eq!(policy.delay(0, Some(S(2)), 0.0), S(2));
        assert_eq!(policy.delay(1, Some(S(2)), 0.5), S(3));
        // Obeyed beyond the policy's own maximum, up to an hour.
        assert_eq!(policy.delay(0, Some(S(600)), 0.0), S(600));
        assert_eq!(policy.delay(0, Some(S(86_400)), 0.0), MAX_RETRY_AFTER);
    }

    #[test]
    fn jitter_is_uniform_enough_and_repeatable() {
        let draws: Vec<f64> = {
            let mut j = Jitter::new(7);
            (0..10_000).map(|_| j.unit()).collect()
        };
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let low = draws.iter().filter(|u| **u < 0.5).count();
        assert!((4_800..5_200).contains(&low), "{low}");
        let mut again = Jitter::new(7);
        assert_eq!(again.unit(), draws[0]);
    }
}
