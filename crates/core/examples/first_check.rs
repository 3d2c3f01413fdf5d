//! How long the first phone checks of a fresh process take: the engine's metadata is decoded on
//! first use and each region's regular expressions are compiled on that region's first use.
//! For the notes (run several times, take the median):
//! `for i in $(seq 11); do target/release/examples/first_check; done`
//! With `--warm`, the engine is warmed first (as the app does at start) and the checks after it
//! are timed.

use mail_identity_core::phone::{check_phone, engine, PhoneMode};
use std::time::Instant;

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed().as_secs_f64() * 1e3)
}

fn main() {
    let warm = std::env::args().any(|a| a == "--warm");
    let (_, load_ms) = timed(|| engine::guarded(|_| ()));
    let (_, warm_ms) = timed(|| {
        if warm {
            engine::warm_up();
        }
    });
    let (kr, kr_ms) = timed(|| check_phone("010-1234-5678", &PhoneMode::Domestic));
    let (us, us_ms) =
        timed(|| check_phone("+1 201-555-0123", &PhoneMode::Overseas { country: None }));
    let (again, again_ms) = timed(|| check_phone("010-9876-5432", &PhoneMode::Domestic));
    println!(
        "metadata load {load_ms:.2} ms{}, first KR check {kr_ms:.3} ms ({}), first US check {us_ms:.3} ms ({}), next KR check {:.1} µs ({})",
        if warm { format!(", warm-up {warm_ms:.2} ms") } else { String::new() },
        verdict(&kr),
        verdict(&us),
        again_ms * 1e3,
        verdict(&again),
    );
}

fn verdict<T, E>(result: &Result<T, E>) -> &'static str {
    if result.is_ok() {
        "ok"
    } else {
        "refused"
    }
}
