//! Phone-number validation for the identity form: what a person typed, judged for the mode the form
//! is in, with either a normalized number or one specific reason.
//!
//! Two modes: *domestic* (the number must be a Korean mobile number) and *overseas* (a number of a
//! chosen country: mobile, or fixed-line-or-mobile where that country's numbering plan cannot tell).
//!
//! The numbering plans are libphonenumber's (metadata 9.0.42, through `rlibphonenumber`), reached
//! only through [`engine`], which guards the engine's known defects. The pieces:
//! - [`normalize`]: what people type (full-width digits, `0082`, dashes) made uniform;
//! - [`check`]: the form's decision and its reason;
//! - [`mask`]: `010-****-5678` for display and logs;
//! - [`example`], [`countries`], [`as_you_type`]: what the field shows around the number.

use serde::{Deserialize, Serialize};

pub mod as_you_type;
pub mod check;
pub mod countries;
pub mod engine;
pub mod example;
mod kind;
pub mod mask;
pub mod normalize;

pub use as_you_type::{format_as_you_type, AsYouType};
pub use check::{analyze_phone, Formatted, PhoneAnalysis};
pub use countries::{countries, country, search_countries, Country};
pub use engine::{warm_up, warm_up_in_background};
pub use example::{example_mobile, PhoneExample};

/// An ISO 3166-1 alpha-2 region code in upper case, e.g. `KR`, `US`, `JP`.
pub type RegionCode = String;

/// Which rules apply to the phone field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum PhoneMode {
    /// The overseas toggle off: a Korean mobile number, typed in any common way.
    Domestic,
    /// The overseas toggle on: a number of `country`; without a country the input must carry a `+CC`.
    Overseas { country: Option<RegionCode> },
}

impl PhoneMode {
    /// The mode of the identity form: the overseas toggle decides, and the chosen country counts
    /// only in overseas mode. The form, the server, the stored info and the command line all reach
    /// their mode through here.
    pub fn for_form(overseas: bool, country: Option<&str>) -> PhoneMode {
        if overseas {
            PhoneMode::Overseas {
                country: country.map(str::to_string),
            }
        } else {
            PhoneMode::Domestic
        }
    }
}

/// The kind of line a number belongs to, as the numbering plan says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    Mobile,
    FixedLine,
    FixedLineOrMobile,
    Voip,
    TollFree,
    PremiumRate,
    SharedCost,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    Unknown,
}

/// A number the form accepts.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidPhone {
    /// E.164, e.g. `+821012345678`: what is stored and sent.
    pub e164: String,
    /// National format, e.g. `010-1234-5678`.
    pub national: String,
    /// International format, e.g. `+82 10-1234-5678`.
    pub international: String,
    pub kind: NumberKind,
    /// The region the number belongs to.
    pub country: RegionCode,
    /// True for a Korean (`+82`) number entered in overseas mode: the UI suggests domestic mode.
    pub suggest_domestic: bool,
}

/// Why the form refuses what was typed. Each variant has a stable [`PhoneError::code`] shared by
/// the client, the reference server (422 field errors) and the catalog (`phone.error.<code>`).
///
/// The reasons are checked in this order: over 250 characters → `not_a_number`; no digit and
/// nothing but separators → `empty`; letters of a non-Latin script (Hangul spelling out digits), or letters or symbols
/// with no readable number → `not_a_number`;
/// then the engine's reading (an unknown `+CC`, or no `+CC` in overseas mode without a country →
/// `invalid_country_code`); then the mode (a non-`+82` number in domestic mode →
/// `foreign_number_in_domestic_mode`); a valid number of the wrong line type → `not_mobile`; an
/// invalid one → `too_short`/`too_long` against the country's *mobile* lengths, else
/// `invalid_for_country`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PhoneError {
    /// Nothing but blanks and separators.
    #[error("empty")]
    Empty,
    /// Not a phone number at all (letters, symbols, over 250 characters, a malformed `tel:` URI …).
    #[error("not_a_number")]
    NotANumber,
    /// Fewer digits than a mobile number of the country has (also one or two digits alone).
    #[error("too_short")]
    TooShort,
    /// More digits than a number of this kind has (`010-1234-56789`).
    #[error("too_long")]
    TooLong,
    /// A `+CC` that no country uses, or (overseas mode without a country) no `+CC` at all.
    #[error("invalid_country_code")]
    InvalidCountryCode,
    /// Well-formed digits that the chosen country's numbering plan does not assign.
    #[error("invalid_for_country")]
    InvalidForCountry,
    /// A valid number, but not one that can receive a text message (landline, 070 VoIP, 15xx …).
    #[error("not_mobile")]
    NotMobile { kind: NumberKind },
    /// A foreign number typed while the form is in domestic mode: the UI points to the overseas toggle.
    #[error("foreign_number_in_domestic_mode")]
    ForeignNumberInDomesticMode { country: RegionCode },
}

impl PhoneError {
    /// The stable reason code (`too_long`, `not_mobile`, …).
    pub fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "empty",
            PhoneError::NotANumber => "not_a_number",
            PhoneError::TooShort => "too_short",
            PhoneError::TooLong => "too_long",
            PhoneError::InvalidCountryCode => "invalid_country_code",
            PhoneError::InvalidForCountry => "invalid_for_country",
            PhoneError::NotMobile { .. } => "not_mobile",
            PhoneError::ForeignNumberInDomesticMode { .. } => "foreign_number_in_domestic_mode",
        }
    }
}

/// Judges `input` for `mode`. Never panics, whatever the input.
pub fn check_phone(input: &str, mode: &PhoneMode) -> Result<ValidPhone, PhoneError> {
    analyze_phone(input, mode).verdict
}

/// Masks a number for display and logs: `+821012345678` → `010-****-5678`.
pub fn mask_phone(phone: &ValidPhone) -> String {
    mask::mask_phone(phone)
}

/// Phone numbers never reach a log: `Debug` shows only the masked form.
impl std::fmt::Debug for ValidPhone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidPhone")
            .field("country", &self.country)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}
