//! The form's decision: one normalized input, one mode, one verdict with the most specific reason.

use super::engine::{self, EngineFailure, LengthError};
use super::normalize::{self, MAX_INPUT_CHARS};
use super::{NumberKind, PhoneError, PhoneMode, ValidPhone};
use rlibphonenumber::{ParseError, PhoneNumber, PhoneNumberFormat, PhoneNumberType, Region};

/// Korea's calling code: domestic mode accepts nothing else.
const KOREA_CALLING_CODE: i32 = 82;

/// Everything the form and the batch front know about one input, beyond the verdict.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PhoneAnalysis {
    /// The form's decision in the mode asked for.
    pub verdict: Result<ValidPhone, PhoneError>,
    /// Whether the number is valid at all, whatever the mode.
    pub valid: bool,
    /// The line type, when the input parsed as a number (`Unknown` when not valid).
    pub kind: Option<NumberKind>,
    /// The region of the number, when the engine can tell.
    pub country: Option<String>,
    /// The formats, when the number is valid (also for a valid number the form refuses).
    pub formatted: Option<Formatted>,
}

/// A valid number in the three formats the form shows or stores.
#[derive(Clone, PartialEq, Eq)]
pub struct Formatted {
    pub e164: String,
    pub national: String,
    pub international: String,
}

/// Phone numbers never reach a log.
impl std::fmt::Debug for Formatted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Formatted { .. }")
    }
}

/// Judges `input` for `mode` and keeps what was learnt on the way.
pub fn analyze_phone(input: &str, mode: &PhoneMode) -> PhoneAnalysis {
    let refused = |error| PhoneAnalysis {
        verdict: Err(error),
        valid: false,
        kind: None,
        country: None,
        formatted: None,
    };
    if input.chars().count() > MAX_INPUT_CHARS {
        return refused(PhoneError::NotANumber);
    }
    let normalized = normalize::normalize_input(input);
    let normalized = normalize::strip_label(&normalized);
    let shape = normalize::shape(normalized);
    if shape.digits == 0 {
        return refused(if shape.others == 0 {
            PhoneError::Empty
        } else {
            PhoneError::NotANumber
        });
    }
    if shape.foreign_letters > 0 {
        return refused(PhoneError::NotANumber);
    }
    let number = match parse_best(normalized, mode) {
        Ok(number) => number,
        Err(failure) => {
            let error = match failure {
                EngineFailure::Parse(ParseError::InvalidCountryCode) => {
                    PhoneError::InvalidCountryCode
                }
                EngineFailure::Parse(ParseError::TooShortAfterIdd | ParseError::TooShortNsn) => {
                    PhoneError::TooShort
                }
                EngineFailure::Parse(ParseError::TooLongNsn) => PhoneError::TooLong,
                // A digit or two and nothing else is a number still being typed.
                EngineFailure::Parse(ParseError::NotANumber(_))
                    if shape.others == 0 && shape.digits <= 2 =>
                {
                    PhoneError::TooShort
                }
                EngineFailure::Parse(ParseError::NotANumber(_))
                | EngineFailure::Internal
                | EngineFailure::Panicked => PhoneError::NotANumber,
            };
            return refused(error);
        }
    };
    judge(&number, mode)
}

/// The region used for numbers typed without `+CC`.
fn default_region(mode: &PhoneMode) -> Option<Region> {
    match mode {
        PhoneMode::Domestic => Some(Region::KR),
        PhoneMode::Overseas { country } => country.as_deref().and_then(engine::region_from_code),
    }
}

/// Parses every reading of the input and keeps the first valid one, else the first that parses,
/// else the first failure. In domestic mode a Korean reading comes first when it is valid or when
/// the `00` was read as `+82`: `0082-16-9083-8947` is +82 16… typed with `00`, not a Tunisian
/// number dialled through the carrier prefix `008`, even when only the latter is valid.
fn parse_best(normalized: &str, mode: &PhoneMode) -> Result<PhoneNumber, EngineFailure> {
    let region = default_region(mode);
    let readings: Vec<Result<PhoneNumber, EngineFailure>> = normalize::candidates(normalized)
        .iter()
        .map(|candidate| engine::parse(candidate, region))
        .collect();
    let korean = |number: &PhoneNumber| number.country_code == KOREA_CALLING_CODE;
    // The first reading is the text as typed; the others read its `00` as `+`.
    let pick = |from: usize, accept: &dyn Fn(&PhoneNumber) -> bool| {
        readings
            .iter()
            .skip(from)
            .find(|reading| reading.as_ref().is_ok_and(accept))
            .cloned()
    };
    let korean_reading =
        || pick(0, &|n| korean(n) && engine::is_valid(n)).or_else(|| pick(1, &|n| korean(n)));
    matches!(mode, PhoneMode::Domestic)
        .then(korean_reading)
        .flatten()
        .or_else(|| pick(0, &engine::is_valid))
        .or_else(|| pick(0, &|_| true))
        .or_else(|| readings.into_iter().next())
        .unwrap_or(Err(EngineFailure::Internal))
}

fn judge(number: &PhoneNumber, mode: &PhoneMode) -> PhoneAnalysis {
    let valid = engine::is_valid(number);
    let kind = NumberKind::from(engine::number_type(number));
    let region = engine::region_of(number);
    let country = region.map(|r| r.to_string());
    let formatted = valid.then(|| formats(number)).flatten();
    let verdict = match mode {
        PhoneMode::Domestic => judge_domestic(number, kind, region),
        PhoneMode::Overseas { .. } => judge_overseas(number, valid, kind),
    }
    .and_then(|()| {
        let formatted = formatted.clone().ok_or(PhoneError::NotANumber)?;
        Ok(ValidPhone {
            e164: formatted.e164,
            national: formatted.national,
            international: formatted.international,
            kind,
            country: country.clone().unwrap_or_else(|| "001".to_string()),
            suggest_domestic: matches!(mode, PhoneMode::Overseas { .. })
                && number.country_code == KOREA_CALLING_CODE,
        })
    });
    PhoneAnalysis {
        verdict,
        valid,
        kind: Some(kind),
        country,
        formatted,
    }
}

fn judge_domestic(
    number: &PhoneNumber,
    kind: NumberKind,
    region: Option<Region>,
) -> Result<(), PhoneError> {
    if number.country_code != KOREA_CALLING_CODE {
        let country = region
            .or_else(|| engine::main_region_of_calling_code(number.country_code))
            .map_or_else(|| "001".to_string(), |r| r.to_string());
        return Err(PhoneError::ForeignNumberInDomesticMode { country });
    }
    if engine::is_valid_for_region(number, Region::KR) {
        return match kind {
            NumberKind::Mobile => Ok(()),
            other => Err(PhoneError::NotMobile { kind: other }),
        };
    }
    Err(length_reason(number))
}

fn judge_overseas(number: &PhoneNumber, valid: bool, kind: NumberKind) -> Result<(), PhoneError> {
    if valid {
        return if kind.receives_texts_overseas() {
            Ok(())
        } else {
            Err(PhoneError::NotMobile { kind })
        };
    }
    Err(length_reason(number))
}

/// Why an invalid number is invalid: judged against mobile lengths, so that one digit too many
/// in `010-1234-56789` reads as too long rather than as merely invalid.
fn length_reason(number: &PhoneNumber) -> PhoneError {
    match engine::length_for_type(number, PhoneNumberType::Mobile) {
        Err(LengthError::TooShort) => PhoneError::TooShort,
        Err(LengthError::TooLong) => PhoneError::TooLong,
        Err(LengthError::InvalidCountryCode) => PhoneError::InvalidCountryCode,
        Err(LengthError::InvalidLength) | Ok(()) => PhoneError::InvalidForCountry,
    }
}

fn formats(number: &PhoneNumber) -> Option<Formatted> {
    Some(Formatted {
        e164: engine::format(number, PhoneNumberFormat::E164)?,
        national: engine::format(number, PhoneNumberFormat::National)?,
        international: engine::format(number, PhoneNumberFormat::International)?,
    })
}
