//! The phone-number engine (`rlibphonenumber`, libphonenumber metadata 9.0.42) behind two guards.
//!
//! Everything else in `phone` reaches the engine through this module, so the guards cannot be
//! forgotten:
//! - `parse` panics (a slice with `begin > end`) when `tel:` follows a valid `;phone-context=`
//!   (`;phone-context=a;tel:`, `010;phone-context=+82;tel:1`). Every engine call runs under
//!   [`std::panic::catch_unwind`] (`panic = "unwind"` is set in every profile), and a panic means
//!   "not a number". While a guarded call runs, the default panic hook is silenced on that thread
//!   only, so stray input cannot spray a backtrace over the CLI or the app's log.
//! - `is_valid_for_region(r)` ignores the calling code, so a `+1` number whose digits happen to fit
//!   a Korean pattern would pass for `KR`. [`is_valid_for_region`] also requires the region's
//!   calling code to be the number's.

use rlibphonenumber::{
    ParseError, PhoneNumber, PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil, Region,
    PHONE_NUMBER_UTIL,
};
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

pub use rlibphonenumber::ValidationError as LengthError;

thread_local! {
    /// True while this thread runs an engine call under the guard: its panics are expected.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Installs, once per process, a panic hook that stays silent for guarded engine calls and hands
/// every other panic to the hook that was there before, so real bugs still print.
fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Why a guarded engine call produced nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineFailure {
    /// The engine refused the input with a reason.
    Parse(ParseError),
    /// No reading of the input was tried (never expected): treated as not a number.
    Internal,
    /// The engine panicked on this input: treated as not a number.
    Panicked,
}

/// Runs `f` against the engine; a panic inside becomes `None` instead of unwinding further.
pub fn guarded<T>(f: impl FnOnce(&'static PhoneNumberUtil) -> T) -> Option<T> {
    install_quiet_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| f(&PHONE_NUMBER_UTIL)));
    GUARDED.with(|g| g.set(was_guarded));
    outcome.ok()
}

/// Parses `text` with `default_region` for numbers written without `+CC`.
pub fn parse(text: &str, default_region: Option<Region>) -> Result<PhoneNumber, EngineFailure> {
    match guarded(|util| util.parse(text, default_region)) {
        None => Err(EngineFailure::Panicked),
        Some(Ok(number)) => Ok(number),
        Some(Err(reason)) => Err(EngineFailure::Parse(reason)),
    }
}

/// Whether the number is valid anywhere (its own region decides).
pub fn is_valid(number: &PhoneNumber) -> bool {
    guarded(|util| util.is_valid_number(number)).unwrap_or(false)
}

/// Whether the number is valid *for `region`*, calling code included (the engine's own check
/// ignores the calling code).
pub fn is_valid_for_region(number: &PhoneNumber, region: Region) -> bool {
    guarded(|util| {
        util.get_country_code_for_region(region) == Some(number.country_code)
            && util.is_valid_number_for_region(number, region)
    })
    .unwrap_or(false)
}

/// The line type the numbering plan gives the number (`Unknown` when it is not valid).
pub fn number_type(number: &PhoneNumber) -> PhoneNumberType {
    guarded(|util| util.get_number_type(number)).unwrap_or(PhoneNumberType::Unknown)
}

/// The region a number belongs to, when the engine can tell.
pub fn region_of(number: &PhoneNumber) -> Option<Region> {
    guarded(|util| util.get_region_for_number(number)).flatten()
}

/// The main region of a calling code (`1` → `US`, `44` → `GB`, `800` → the non-geographic `001`).
pub fn main_region_of_calling_code(calling_code: i32) -> Option<Region> {
    guarded(|util| util.get_region_for_country_code(calling_code)).flatten()
}

/// The calling code of a region the engine knows.
pub fn calling_code_of(region: Region) -> Option<i32> {
    guarded(|util| util.get_country_code_for_region(region)).flatten()
}

/// Every region the engine has metadata for (the non-geographic `001` excluded).
pub fn supported_regions() -> Vec<Region> {
    guarded(|util| {
        util.get_supported_regions()
            .filter(|r| *r != Region::World)
            .collect()
    })
    .unwrap_or_default()
}

/// Whether the number's length fits numbers of `kind` in its plan; `Err` says which way it is off.
pub fn length_for_type(number: &PhoneNumber, kind: PhoneNumberType) -> Result<(), LengthError> {
    guarded(|util| {
        util.is_possible_number_for_type_with_reason(number, kind)
            .map(|_| ())
    })
    .unwrap_or(Err(LengthError::InvalidLength))
}

/// Formats the number; an engine failure yields `None`.
pub fn format(number: &PhoneNumber, style: PhoneNumberFormat) -> Option<String> {
    guarded(|util| util.format(number, style).into_owned())
}

/// The metadata's example number of `kind` for `region`.
pub fn example_number(region: Region, kind: PhoneNumberType) -> Option<PhoneNumber> {
    guarded(|util| {
        util.get_example_number_for_type_and_region(region, kind)
            .ok()
    })
    .flatten()
}

/// Maps one character to its ASCII digit the way the engine does (every Unicode decimal digit).
pub fn digit_value(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    if c.is_ascii() {
        return None;
    }
    let mut buf = [0u8; 4];
    guarded(|util| {
        util.normalize_digits_only(c.encode_utf8(&mut buf))
            .chars()
            .next()
    })
    .flatten()
}

/// Parses a region code the engine knows (`kr`, `KR`); `None` for anything else.
pub fn region_from_code(code: &str) -> Option<Region> {
    let region = Region::from_code(code.trim()).ok()?;
    calling_code_of(region).map(|_| region)
}

/// Loads the engine's metadata and compiles its hot regular expressions now, so that the first
/// keystroke in the form does not pay for it. Call it on a background thread at app start.
pub fn warm_up() {
    for (text, region) in [
        ("010-2000-0000", Some(Region::KR)),
        ("+1 201-555-0123", None),
    ] {
        if let Ok(number) = parse(text, region) {
            let _ = is_valid(&number);
            let _ = format(&number, PhoneNumberFormat::International);
            let _ = format(&number, PhoneNumberFormat::National);
        }
    }
}

/// [`warm_up`] on its own thread, for the app's start: the window does not wait for it, and a
/// check that arrives first simply waits for the metadata on its own.
pub fn warm_up_in_background() -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("phone-engine-warm-up".into())
        .spawn(warm_up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_parse_panics_are_caught() {
        for input in [";phone-context=a;tel:", "010;phone-context=+82;tel:1"] {
            // The engine does panic on these (the day it stops, this says the guard is moot)...
            assert_eq!(
                parse(input, Some(Region::KR)),
                Err(EngineFailure::Panicked),
                "{input}"
            );
        }
        // ...and the guard leaves the thread usable.
        assert!(parse("010-1234-5678", Some(Region::KR)).is_ok());
    }

    #[test]
    fn region_validity_requires_the_calling_code() {
        let us = parse("+1 10-1234-5678", None);
        if let Ok(number) = us {
            assert!(!is_valid_for_region(&number, Region::KR));
        }
        let kr = parse("010-1234-5678", Some(Region::KR)).expect("a Korean mobile parses");
        assert!(is_valid_for_region(&kr, Region::KR));
    }

    #[test]
    fn unicode_digits_map_like_the_engine() {
        assert_eq!(digit_value('７'), Some('7'));
        assert_eq!(digit_value('٣'), Some('3'));
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('가'), None);
    }
}
