//! Phone-number validation for the identity form: what a person typed, judged for the mode the form
//! is in, with either a normalized number or one specific reason.
//!
//! Two modes: *domestic* (the number must be a Korean mobile number) and *overseas* (a number of a
//! chosen country: mobile, or fixed-line-or-mobile where that country's numbering plan cannot tell).

use serde::{Deserialize, Serialize};

/// An ISO 3166-1 alpha-2 region code in upper case, e.g. `KR`, `US`, `JP`.
pub type RegionCode = String;

/// Which rules apply to the phone field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum PhoneMode {
    /// 해외 사용자인가요? off: a Korean mobile number, typed in any common way.
    Domestic,
    /// 해외 사용자인가요? on: a number of `country`; without a country the input must carry a `+CC`.
    Overseas { country: Option<RegionCode> },
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PhoneError {
    /// Nothing but blanks and separators.
    #[error("empty")]
    Empty,
    /// Not a phone number at all (letters, too few digits to be one, over 250 characters, …).
    #[error("not_a_number")]
    NotANumber,
    /// Fewer digits than a number of this kind has.
    #[error("too_short")]
    TooShort,
    /// More digits than a number of this kind has (`010-1234-56789`).
    #[error("too_long")]
    TooLong,
    /// A `+CC` that no country uses.
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
    let _ = (input, mode);
    todo!("phone validation (issue: validation in core)")
}

/// Masks a number for display and logs: `+821012345678` → `010-****-5678`.
pub fn mask_phone(phone: &ValidPhone) -> String {
    let _ = phone;
    todo!("phone masking (issue: validation in core)")
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
