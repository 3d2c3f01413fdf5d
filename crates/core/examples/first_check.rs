//! Prints how long the very first phone check of a fresh process takes (engine metadata loaded
//! and regular expressions compiled on first use), then a second one. For the notes:
//! `for i in $(seq 10); do cargo run -q --release -p mail-identity-core --example first_check; done`

use mail_identity_core::phone::{check_phone, PhoneMode};
use std::time::Instant;

fn main() {
    let started = Instant::now();
    let first = check_phone("010-1234-5678", &PhoneMode::Domestic);
    let first_took = started.elapsed();
    let started = Instant::now();
    let second = check_phone("+1 201-555-0123", &PhoneMode::Overseas { country: None });
    let second_took = started.elapsed();
    println!(
        "first check {:.3} ms ({}), second {:.1} µs ({})",
        first_took.as_secs_f64() * 1e3,
        if first.is_ok() { "ok" } else { "refused" },
        second_took.as_secs_f64() * 1e6,
        if second.is_ok() { "ok" } else { "refused" },
    );
}
