//! Limits on failed sign-ins, per account and per client address, so that a password cannot be
//! guessed at speed. A locked key answers 429 with `Retry-After` even for the right password;
//! otherwise a guesser would learn the password from the one attempt that does not fail.
//!
//! Kept in memory: a restart clears them, which is acceptable for a reference server and keeps the
//! database free of attacker-chosen strings.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures a key may have within a window before it is locked for the rest of it.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    pub per_account: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// The failure counters.
pub struct Limiter {
    limits: SignInLimits,
    accounts: Mutex<HashMap<String, Window>>,
    addresses: Mutex<HashMap<IpAddr, Window>>,
}

impl Limiter {
    pub fn new(limits: SignInLimits) -> Limiter {
        Limiter {
            limits,
            accounts: Mutex::new(HashMap::new()),
            addresses: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds to wait)` when either the account or the address is locked.
    pub fn locked(&self, account: &str, address: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let by_account = lock_remaining(
            &self.accounts,
            &account_key(account),
            self.limits.per_account,
            self.limits.window,
            now,
        );
        let by_address = lock_remaining(
            &self.addresses,
            &address,
            self.limits.per_address,
            self.limits.window,
            now,
        );
        match (by_account, by_address) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Counts a failed attempt against both keys.
    pub fn failed(&self, account: &str, address: IpAddr) {
        let now = Instant::now();
        count(
            &self.accounts,
            account.to_lowercase(),
            self.limits.window,
            now,
        );
        count(&self.addresses, address, self.limits.window, now);
    }

    /// A successful sign-in clears the account's count (not the address's: one right password
    /// must not reset a guesser's budget for every other account).
    pub fn succeeded(&self, account: &str) {
        if let Ok(mut map) = self.accounts.lock() {
            map.remove(&account_key(account));
        }
    }
}

/// The key of an account name: lower-cased and cut to the longest address there can be, so that a
/// flood of huge made-up names cannot grow the map without bound.
fn account_key(account: &str) -> String {
    account.chars().take(320).collect::<String>().to_lowercase()
}

fn lock_remaining<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, Window>>,
    key: &K,
    max: u32,
    window: Duration,
    now: Instant,
) -> Option<u64> {
    let map = map.lock().ok()?;
    let w = map.get(key)?;
    let elapsed = now.duration_since(w.started);
    if w.failures >= max && elapsed < window {
        Some((window - elapsed).as_secs().max(1))
    } else {
        None
    }
}

fn count<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, Window>>,
    key: K,
    window: Duration,
    now: Instant,
) {
    let Ok(mut map) = map.lock() else { return };
    // Forget expired windows now and then, so that a flood of names cannot grow the map forever.
    if map.len() > 10_000 {
        map.retain(|_, w| now.duration_since(w.started) < window);
        // Still huge: a flood of names within one window. Forget them; the per-address limit
        // still holds the flood back.
        if map.len() > 100_000 {
            map.clear();
        }
    }
    let entry = map.entry(key).or_insert(Window {
        started: now,
        failures: 0,
    });
    if now.duration_since(entry.started) >= window {
        *entry = Window {
            started: now,
            failures: 0,
        };
    }
    entry.failures += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_names_the_wait() {
        let limiter = Limiter::new(SignInLimits {
            per_account: 2,
            per_address: 10,
            window: Duration::from_secs(60),
        });
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert_eq!(limiter.locked("A@x.kr", ip), None);
        limiter.failed("a@x.kr", ip);
        limiter.failed("A@X.KR", ip);
        let wait = limiter.locked("a@x.kr", ip);
        assert!(wait.is_some_and(|s| (1..=60).contains(&s)));
        assert_eq!(limiter.locked("b@x.kr", ip), None);
    }
}
