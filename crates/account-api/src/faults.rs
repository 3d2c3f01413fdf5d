//! Fault injection for the client's sync tests, on only when the server is started with
//! `--faults SPEC` (or [`crate::Config::faults`]): a server in normal operation never misbehaves.
//!
//! A SPEC is a comma-separated list of rules and options:
//!
//! ```text
//! rule    = KIND "@" SELECTOR
//! KIND    = latency:<ms>ms | 503 | 429 | drop | drop-after | malformed | html
//! SELECTOR= all | <percent>% | <n> | <from>-<to>     (request numbers count from 1, in scope)
//! option  = retry-after=<s> | seed=<n> | scope=all|identity|writes | until=<s>s
//! ```
//!
//! e.g. `503@30%,retry-after=2,until=60s` or `drop-after@1-2,scope=writes`. Latency rules add up
//! and do not stop other rules; of the others, the first that selects a request applies.
//! `503`, `429`, `html` (a captive portal's page with status 200) and `drop` happen *before* the
//! request is handled: nothing is applied. `drop-after` and `malformed` happen *after*: the write is
//! applied and its response lost or garbled — what tests idempotent retries. A share is decided by
//! a seeded hash of the request number, so a run repeats exactly. `/_test/*` is never faulted.
//! `none` (or an empty SPEC) turns fault mode on with no rules, for `/_test/stats` alone.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultKind {
    Latency(Duration),
    Unavailable,
    TooManyRequests,
    Drop,
    DropAfter,
    Malformed,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selector {
    All,
    /// A share in [0, 1].
    Share(f64),
    /// Request numbers `from..=to`, counting from 1.
    Range(u64, u64),
}

/// Which requests are counted and may be faulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// `/v1/identity` and below.
    Identity,
    /// The identity writes (PUT and DELETE on `/v1/identity*`): consent, save, delete.
    Writes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub kind: FaultKind,
    pub select: Selector,
}

/// A parsed `--faults` SPEC.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultSpec {
    pub rules: Vec<Rule>,
    pub retry_after: u64,
    pub seed: u64,
    pub scope: Scope,
    /// Faults stop this long after the spec was set.
    pub until: Option<Duration>,
}

impl Default for FaultSpec {
    fn default() -> Self {
        FaultSpec {
            rules: Vec::new(),
            retry_after: 1,
            seed: 1,
            scope: Scope::All,
            until: None,
        }
    }
}

/// Why a SPEC was not understood.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("fault spec: `{item}` is not understood ({why})")]
pub struct SpecError {
    pub item: String,
    pub why: &'static str,
}

impl FromStr for FaultSpec {
    type Err = SpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut out = FaultSpec::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let err = |why| SpecError {
                item: item.to_string(),
                why,
            };
            if item == "none" {
                continue;
            }
            if let Some((key, value)) = item.split_once('=') {
                match key {
                    "retry-after" => out.retry_after = value.parse().map_err(|_| err("seconds"))?,
                    "seed" => out.seed = value.parse().map_err(|_| err("a number"))?,
                    "scope" => {
                        out.scope = match value {
                            "all" => Scope::All,
                            "identity" => Scope::Identity,
                            "writes" => Scope::Writes,
                            _ => return Err(err("all, identity or writes")),
                        }
                    }
                    "until" => {
                        let secs = value.strip_suffix('s').unwrap_or(value);
                        out.until = Some(Duration::from_secs(
                            secs.parse().map_err(|_| err("seconds"))?,
                        ));
                    }
                    _ => return Err(err("unknown option")),
                }
                continue;
            }
            let (kind, select) = item.split_once('@').ok_or_else(|| err("KIND@SELECTOR"))?;
            let kind = match kind {
                "503" => FaultKind::Unavailable,
                "429" => FaultKind::TooManyRequests,
                "drop" => FaultKind::Drop,
                "drop-after" => FaultKind::DropAfter,
                "malformed" => FaultKind::Malformed,
                "html" => FaultKind::Html,
                other => {
                    let ms = other
                        .strip_prefix("latency:")
                        .and_then(|v| v.strip_suffix("ms"))
                        .and_then(|v| v.parse().ok())
                        .ok_or_else(|| err("unknown kind"))?;
                    FaultKind::Latency(Duration::from_millis(ms))
                }
            };
            let select = if select == "all" {
                Selector::All
            } else if let Some(pct) = select.strip_suffix('%') {
                let pct: f64 = pct.parse().map_err(|_| err("a percentage"))?;
                if !(0.0..=100.0).contains(&pct) {
                    return Err(err("a percentage from 0 to 100"));
                }
                Selector::Share(pct / 100.0)
            } else if let Some((from, to)) = select.split_once('-') {
                let from = from.parse().map_err(|_| err("a request range"))?;
                let to = to.parse().map_err(|_| err("a request range"))?;
                Selector::Range(from, to)
            } else {
                let n = select.parse().map_err(|_| err("all, N%, N or N-M"))?;
                Selector::Range(n, n)
            };
            out.rules.push(Rule { kind, select });
        }
        Ok(out)
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Decision {
    pub latency: Duration,
    /// A fault other than latency.
    pub fault: Option<FaultKind>,
    pub retry_after: u64,
}

/// The live fault state: the spec, when it was set, and how many requests it has seen.
pub struct Faults {
    spec: RwLock<(FaultSpec, Instant)>,
    seen: AtomicU64,
}

impl Faults {
    pub fn new(spec: FaultSpec) -> Faults {
        Faults {
            spec: RwLock::new((spec, Instant::now())),
            seen: AtomicU64::new(0),
        }
    }

    /// Replaces the spec and restarts the request count and the `until` clock.
    pub fn set(&self, spec: FaultSpec) {
        if let Ok(mut guard) = self.spec.write() {
            *guard = (spec, Instant::now());
        }
        self.seen.store(0, Ordering::SeqCst);
    }

    /// Decides the fate of a request.
    pub fn decide(&self, method: &str, path: &str) -> Decision {
        if path.starts_with("/_test/") {
            return Decision::default();
        }
        let Ok(guard) = self.spec.read() else {
            return Decision::default();
        };
        let (spec, since) = &*guard;
        let in_scope = match spec.scope {
            Scope::All => true,
            Scope::Identity => path.starts_with("/v1/identity"),
            Scope::Writes => path.starts_with("/v1/identity") && matches!(method, "PUT" | "DELETE"),
        };
        if !in_scope || spec.until.is_some_and(|until| since.elapsed() >= until) {
            return Decision::default();
        }
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        let mut decision = Decision {
            retry_after: spec.retry_after,
            ..Decision::default()
        };
        for (index, rule) in spec.rules.iter().enumerate() {
            let selected = match rule.select {
                Selector::All => true,
                Selector::Range(from, to) => (from..=to).contains(&n),
                Selector::Share(share) => unit(spec.seed, index as u64, n) < share,
            };
            if !selected {
                continue;
            }
            match rule.kind {
                FaultKind::Latency(d) => decision.latency += d,
                other if decision.fault.is_none() => decision.fault = Some(other),
                _ => {}
            }
        }
        decision
    }
}

/// A deterministic number in [0, 1) from the seed, the rule and the request number (SplitMix64).
fn unit(seed: u64, rule: u64, n: u64) -> f64 {
    let mut z = seed
        .wrapping_add(rule.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(n.wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The page a captive portal answers with: status 200, HTML, nothing like the API.
pub const CAPTIVE_PORTAL_HTML: &str =
    "<!DOCTYPE html><html><head><title>Wi-Fi login</title></head>\
<body><h1>Welcome to Guest Wi-Fi</h1><p>Please accept the terms to continue.</p>\
<form method=\"post\"><button>Accept</button></form></body></html>";

/// A body that starts like JSON and stops in the middle.
pub const MALFORMED_JSON: &str = "{\"consent\": {\"state\": \"agr";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_options() {
        let spec: FaultSpec =
            "latency:250ms@all,503@30%,drop@2-3,html@5,retry-after=7,scope=writes,until=60s"
                .parse()
                .unwrap();
        assert_eq!(spec.rules.len(), 4);
        assert_eq!(
            spec.rules[0].kind,
            FaultKind::Latency(Duration::from_millis(250))
        );
        assert_eq!(spec.rules[1].select, Selector::Share(0.3));
        assert_eq!(spec.rules[2].select, Selector::Range(2, 3));
        assert_eq!(spec.rules[3].select, Selector::Range(5, 5));
        assert_eq!(spec.retry_after, 7);
        assert_eq!(spec.scope, Scope::Writes);
        assert_eq!(spec.until, Some(Duration::from_secs(60)));
        assert!("bogus@all".parse::<FaultSpec>().is_err());
        assert!("503@150%".parse::<FaultSpec>().is_err());
        assert_eq!("none".parse::<FaultSpec>().unwrap().rules, vec![]);
    }

    #[test]
    fn a_sequence_selects_exactly_those_requests_in_scope() {
        let faults = Faults::new("drop@2-3,scope=writes".parse().unwrap());
        assert_eq!(faults.decide("GET", "/v1/identity").fault, None);
        let seen: Vec<_> = (0..4)
            .map(|_| faults.decide("PUT", "/v1/identity").fault)
            .collect();
        assert_eq!(
            seen,
            vec![None, Some(FaultKind::Drop), Some(FaultKind::Drop), None]
        );
    }

    #[test]
    fn a_share_is_close_to_its_percentage_and_repeatable() {
        let run = || {
            let faults = Faults::new("503@30%,seed=9".parse().unwrap());
            (0..10_000)
                .filter(|_| faults.decide("GET", "/v1/identity").fault.is_some())
                .count()
        };
        let hits = run();
        assert!((2_800..3_200).contains(&hits), "{hits}");
        assert_eq!(hits, run());
    }
}
