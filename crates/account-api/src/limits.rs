//! Limits on failed sign-ins, so that a password cannot be guessed at speed, without letting one
//! guesser lock a whole office out.
//!
//! - **Per account and client address.** After `per_account_address` failures of one account from
//!   one address within `window`, that pair is refused (429 with `Retry-After`, even for the right
//!   password: otherwise a guesser would learn the password from the one attempt that does not
//!   fail) for the rest of the window. The same account from another address, and other accounts
//!   from the same address, are not affected: employees behind one NAT do not lock each other out.
//! - **Per client address**, only a slow-down: from `slow_after` failures within `window` on, each
//!   sign-in from that address waits `slow_step` longer before its password is checked, up to
//!   `slow_max`. Only a flood (`burst_per_minute` failures within a minute) is refused, for the
//!   rest of that minute.
//!
//! An attempt is *reserved* before its password is hashed and counts as a failure until it
//! succeeds: requests sent in parallel cannot all pass a check made before any of them failed.
//!
//! Kept in memory, under hashed keys in maps of bounded size: a restart clears them, which is
//! acceptable for a reference server, and attacker-chosen names neither grow the memory without
//! bound nor stay readable in it.

use crate::random::sha256;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The numbers of the rules above.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// Failures of one account from one address before that pair is locked.
    pub per_account_address: u32,
    /// How long failures are remembered, and a pair stays locked.
    pub window: Duration,
    /// Failures from one address (any accounts) before its sign-ins are slowed down.
    pub slow_after: u32,
    /// The delay added per failure beyond `slow_after`.
    pub slow_step: Duration,
    /// The longest delay.
    pub slow_max: Duration,
    /// Failures from one address within a minute before its sign-ins are refused for the rest of
    /// that minute.
    pub burst_per_minute: u32,
    /// The most keys each table holds; the oldest go first when it is full.
    pub max_keys: usize,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_account_address: 5,
            window: Duration::from_secs(15 * 60),
            slow_after: 20,
            slow_step: Duration::from_millis(250),
            slow_max: Duration::from_secs(3),
            burst_per_minute: 300,
            max_keys: 100_000,
        }
    }
}

/// The minute of the burst rule.
const BURST_WINDOW: Duration = Duration::from_secs(60);

/// The key of an account name: the SHA-256 of its lower-cased form. Every length maps to the same
/// 32 bytes, so that the check and the count can never disagree about a long name, and the map
/// holds no name.
pub fn account_key(account: &str) -> [u8; 32] {
    sha256(account.to_lowercase().as_bytes())
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    started: Instant,
    failures: u32,
    /// Attempts reserved and not yet settled; they count as failures until they succeed.
    in_flight: u32,
}

/// Counters per key over a fixed window, at most `max_keys` of them.
struct Table<K> {
    window: Duration,
    max_keys: usize,
    map: HashMap<K, Entry>,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new(window: Duration, max_keys: usize) -> Self {
        Table {
            window,
            max_keys: max_keys.max(1),
            map: HashMap::new(),
        }
    }

    /// Failures within the window, and reservations, of `key`.
    fn counted(&self, key: &K, now: Instant) -> u32 {
        self.map.get(key).map_or(0, |e| {
            let failures = if now.duration_since(e.started) < self.window {
                e.failures
            } else {
                0
            };
            failures.saturating_add(e.in_flight)
        })
    }

    /// Failures within the window of `key`.
    fn failures(&self, key: &K, now: Instant) -> u32 {
        self.map
            .get(key)
            .filter(|e| now.duration_since(e.started) < self.window)
            .map_or(0, |e| e.failures)
    }

    /// Seconds left in the window of `key`'s entry.
    fn remaining(&self, key: &K, now: Instant) -> u64 {
        self.map
            .get(key)
            .map(|e| {
                self.window
                    .saturating_sub(now.duration_since(e.started))
                    .as_secs()
                    .max(1)
            })
            .unwrap_or(1)
    }

    fn entry(&mut self, key: K, now: Instant) -> &mut Entry {
        if !self.map.contains_key(&key) && self.map.len() >= self.max_keys {
            self.evict(now);
        }
        let window = self.window;
        let entry = self.map.entry(key).or_insert(Entry {
            started: now,
            failures: 0,
            in_flight: 0,
        });
        if now.duration_since(entry.started) >= window {
            entry.started = now;
            entry.failures = 0;
        }
        entry
    }

    /// Drops expired entries, then, when still full, the oldest tenth: amortised, so that a flood
    /// of new names costs no full scan per request.
    fn evict(&mut self, now: Instant) {
        let window = self.window;
        self.map
            .retain(|_, e| e.in_flight > 0 || now.duration_since(e.started) < window);
        if self.map.len() < self.max_keys {
            return;
        }
        let mut starts: Vec<Instant> = self.map.values().map(|e| e.started).collect();
        let cut = (starts.len() / 10).max(1);
        let (_, oldest_kept, _) = starts.select_nth_unstable(cut - 1);
        let threshold = *oldest_kept;
        self.map.retain(|_, e| e.started > threshold);
    }

    fn settle(&mut self, key: &K, outcome: Outcome, reset_on_success: bool) {
        if let Some(entry) = self.map.get_mut(key) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
            match outcome {
                Outcome::Failed => entry.failures = entry.failures.saturating_add(1),
                Outcome::Succeeded if reset_on_success => entry.failures = 0,
                Outcome::Succeeded | Outcome::NotChecked => {}
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

type PairKey = (IpAddr, [u8; 32]);

struct Tables {
    pairs: Table<PairKey>,
    addresses: Table<IpAddr>,
    bursts: Table<IpAddr>,
}

/// Why a sign-in is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Seconds until it may be tried again.
    pub retry_after: u64,
}

/// The failure counters.
pub struct Limiter {
    limits: SignInLimits,
    tables: Mutex<Tables>,
}

impl Limiter {
    pub fn new(limits: SignInLimits) -> Limiter {
        Limiter {
            limits,
            tables: Mutex::new(Tables {
                pairs: Table::new(limits.window, limits.max_keys),
                addresses: Table::new(limits.window, limits.max_keys),
                bursts: Table::new(BURST_WINDOW, limits.max_keys),
            }),
        }
    }

    /// Checks and reserves one attempt of `account` from `address` in one step: either a refusal,
    /// or an [`Attempt`] that counts as a failure until [`Attempt::succeeded`] (a dropped attempt,
    /// such as one whose client went away, stays a failure).
    pub fn begin(self: &Arc<Self>, account: &str, address: IpAddr) -> Result<Attempt, Refused> {
        let now = Instant::now();
        let pair = (address, account_key(account));
        let limits = self.limits;
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        if tables.pairs.counted(&pair, now) >= limits.per_account_address {
            return Err(Refused {
                retry_after: tables.pairs.remaining(&pair, now),
            });
        }
        if tables.bursts.counted(&address, now) >= limits.burst_per_minute {
            return Err(Refused {
                retry_after: tables.bursts.remaining(&address, now),
            });
        }
        let address_failures = tables.addresses.failures(&address, now);
        let delay = match address_failures.checked_sub(limits.slow_after) {
            None => Duration::ZERO,
            Some(beyond) => limits
                .slow_step
                .saturating_mul(beyond.saturating_add(1))
                .min(limits.slow_max),
        };
        tables.pairs.entry(pair, now).in_flight += 1;
        tables.addresses.entry(address, now).in_flight += 1;
        tables.bursts.entry(address, now).in_flight += 1;
        Ok(Attempt {
            limiter: Arc::clone(self),
            pair,
            delay,
            settled: false,
        })
    }

    fn settle(&self, pair: &PairKey, outcome: Outcome) {
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        // A success clears the pair's count (the employee got in), not the address's: one right
        // password must not reset a guesser's budget for every other account.
        tables.pairs.settle(pair, outcome, true);
        tables.addresses.settle(&pair.0, outcome, false);
        tables.bursts.settle(&pair.0, outcome, false);
    }

    #[cfg(test)]
    fn pair_keys(&self) -> usize {
        self.tables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pairs
            .len()
    }
}

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Failed,
    Succeeded,
    /// The password was never checked (the server was too busy): neither a failure nor a success.
    NotChecked,
}

/// A reserved sign-in attempt.
pub struct Attempt {
    limiter: Arc<Limiter>,
    pair: PairKey,
    delay: Duration,
    settled: bool,
}

impl Attempt {
    /// How long to wait before checking the password (the per-address slow-down).
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The password was right.
    pub fn succeeded(mut self) {
        self.settled = true;
        self.limiter.settle(&self.pair, Outcome::Succeeded);
    }

    /// The password was not checked at all: the reservation is returned uncounted.
    pub fn not_checked(mut self) {
        self.settled = true;
        self.limiter.settle(&self.pair, Outcome::NotChecked);
    }

    /// The password was wrong (the same as dropping the attempt; says so where it happens).
    pub fn failed(self) {}
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter.settle(&self.pair, Outcome::Failed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> SignInLimits {
        SignInLimits {
            per_account_address: 2,
            window: Duration::from_secs(60),
            slow_after: 3,
            slow_step: Duration::from_millis(100),
            slow_max: Duration::from_millis(250),
            burst_per_minute: 8,
            max_keys: 1000,
        }
    }

    const HOME: [u8; 4] = [10, 0, 0, 1];
    const AWAY: [u8; 4] = [10, 0, 0, 2];

    #[test]
    fn a_pair_locks_after_its_limit_and_names_the_wait() {
        let limiter = Arc::new(Limiter::new(limits()));
        let ip: IpAddr = HOME.into();
        limiter.begin("a@x.kr", ip).unwrap().failed();
        limiter.begin("A@X.KR", ip).unwrap().failed();
        let refused = limiter.begin("a@x.kr", ip).err().unwrap();
        assert!((1..=60).contains(&refused.retry_after));
        // Another account from the same address, and the same account from another address.
        assert!(limiter.begin("b@x.kr", ip).is_ok_and(|a| {
            a.succeeded();
            true
        }));
        assert!(limiter.begin("a@x.kr", AWAY.into()).is_ok());
    }

    #[test]
    fn reservations_hold_before_any_outcome() {
        let limiter = Arc::new(Limiter::new(limits()));
        let ip: IpAddr = HOME.into();
        let first = limiter.begin("a@x.kr", ip).unwrap();
        let second = limiter.begin("a@x.kr", ip).unwrap();
        assert!(limiter.begin("a@x.kr", ip).is_err());
        // A success releases its reservation and clears the pair's failures.
        first.succeeded();
        drop(second);
        assert!(limiter.begin("a@x.kr", ip).is_ok());
    }

    #[test]
    fn an_address_is_slowed_then_refused_only_in_a_flood() {
        let limiter = Arc::new(Limiter::new(limits()));
        let ip: IpAddr = HOME.into();
        let mut delays = Vec::new();
        for n in 0..8 {
            let attempt = limiter.begin(&format!("user{n}@x.kr"), ip).unwrap();
            delays.push(attempt.delay().as_millis());
        }
        assert_eq!(delays, vec![0, 0, 0, 100, 200, 250, 250, 250]);
        let flood = limiter.begin("user9@x.kr", ip).err().unwrap();
        assert!((1..=60).contains(&flood.retry_after));
        assert!(limiter.begin("user9@x.kr", AWAY.into()).is_ok());
    }

    #[test]
    fn a_long_name_is_checked_under_the_key_it_is_counted_under() {
        let limiter = Arc::new(Limiter::new(limits()));
        let ip: IpAddr = HOME.into();
        let long = format!("{}@x.kr", "a".repeat(10_000));
        limiter.begin(&long, ip).unwrap().failed();
        limiter.begin(&long.to_uppercase(), ip).unwrap().failed();
        assert!(limiter.begin(&long, ip).is_err());
        // The same first 320 characters are not the same name.
        let other = format!("{}b@x.kr", "a".repeat(10_000));
        assert!(limiter.begin(&other, ip).is_ok());
    }

    #[test]
    fn the_tables_stay_bounded() {
        let limiter = Arc::new(Limiter::new(SignInLimits {
            max_keys: 100,
            burst_per_minute: u32::MAX,
            ..limits()
        }));
        for n in 0..1000u32 {
            let ip = IpAddr::from((n + 1).to_be_bytes());
            limiter.begin(&format!("user{n}"), ip).unwrap().failed();
        }
        assert!(limiter.pair_keys() <= 100, "{}", limiter.pair_keys());
    }
}
