//! At most one log line per interval for an event that can repeat thousands of times a second
//! (a failing `accept` when file descriptors run out), with the count of lines left out, so that
//! the log neither floods the disk nor hides how often it happened.

use std::time::{Duration, Instant};

pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
    suppressed: u64,
}

impl Throttle {
    pub fn new(every: Duration) -> Throttle {
        Throttle {
            every,
            last: None,
            suppressed: 0,
        }
    }

    /// `Some(lines left out since the last one)` when a line may be written now.
    pub fn admit(&mut self, now: Instant) -> Option<u64> {
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < self.every)
        {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_interval_with_the_count_left_out() {
        let mut throttle = Throttle::new(Duration::from_secs(5));
        let start = Instant::now();
        assert_eq!(throttle.admit(start), Some(0));
        let between: Vec<_> = (1..=1000)
            .map(|ms| throttle.admit(start + Duration::from_millis(ms)))
            .collect();
        assert!(between.iter().all(Option::is_none));
        assert_eq!(throttle.admit(start + Duration::from_secs(5)), Some(1000));
        assert_eq!(throttle.admit(start + Duration::from_secs(6)), None);
    }
}
