//! Field checks for the identity form, straight from core: the UI never judges input itself.
//!
//! A refused input is an answer, not a failure: the verdicts come back as values with a reason
//! code the UI localizes (`phone.error.<code>`, `email.error.<code>`).

use mail_identity_core::email::{self, EmailError, ValidEmail};
use mail_identity_core::locale::Locale;
use mail_identity_core::phone::{
    self, AsYouType, Country, PhoneError, PhoneExample, PhoneMode, ValidPhone,
};
use serde::Serialize;

/// The phone field's verdict: exactly one of the two is set.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PhoneVerdict {
    pub valid: Option<ValidPhone>,
    pub error: Option<PhoneError>,
}

impl PhoneVerdict {
    fn of(input: &str, mode: &PhoneMode) -> Self {
        let (valid, error) = split(phone::check_phone(input, mode));
        PhoneVerdict { valid, error }
    }
}

/// The e-mail field's verdict: exactly one of the two is set (warnings travel inside `valid`).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct EmailVerdict {
    pub valid: Option<ValidEmail>,
    pub error: Option<EmailError>,
}

/// A verdict as the pair the UI reads. (Concrete verdict types rather than one generic struct:
/// the TypeScript generator cannot name a generic's parameters at a command's return.)
fn split<T, E>(result: Result<T, E>) -> (Option<T>, Option<E>) {
    match result {
        Ok(valid) => (Some(valid), None),
        Err(error) => (None, Some(error)),
    }
}

/// Judges the phone field as it stands, for the mode the form is in: after a mode change, or a
/// restored draft, where nothing is typed and so nothing is reformatted.
#[tauri::command]
#[specta::specta]
pub fn validate_phone(input: String, mode: PhoneMode) -> PhoneVerdict {
    PhoneVerdict::of(&input, &mode)
}

/// The phone field after a keystroke: its text reformatted, the caret moved with it, and the
/// verdict on that text. One answer per keystroke, so that typing costs one round trip.
#[derive(Clone, Serialize, specta::Type)]
pub struct PhoneInputCheck {
    /// What the field should show (what was typed when it cannot be formatted).
    pub text: String,
    /// Where the caret goes in `text`, in UTF-16 code units like the web's `selectionStart`.
    pub caret: u32,
    /// The verdict on `text`, which is what the form would submit.
    pub verdict: PhoneVerdict,
}

/// What the user typed never reaches a log.
impl std::fmt::Debug for PhoneInputCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneInputCheck")
            .field("caret", &self.caret)
            .field("verdict", &self.verdict)
            .finish_non_exhaustive()
    }
}

/// Reformats and judges the phone field as the user types; `caret` in UTF-16 code units, as the
/// web counts. The verdict is on the reformatted text, the one the field will hold.
#[tauri::command]
#[specta::specta]
pub fn check_phone_input(input: String, caret: u32, mode: PhoneMode) -> PhoneInputCheck {
    let AsYouType { text, caret } = phone::format_as_you_type(&input, caret, &mode);
    let verdict = PhoneVerdict::of(&text, &mode);
    PhoneInputCheck {
        text,
        caret,
        verdict,
    }
}

/// Judges the e-mail field; `account` is the signed-in webmail address, which may not be reused.
#[tauri::command]
#[specta::specta]
pub fn validate_email(input: String, account: Option<String>) -> EmailVerdict {
    let (valid, error) = split(email::check_email(&input, account.as_deref()));
    EmailVerdict { valid, error }
}

/// The country picker's entries matching `query` (Korean name, English name or calling code),
/// sorted for `locale`; every country for an empty query.
#[tauri::command]
#[specta::specta]
pub fn search_countries(query: String, locale: Locale) -> Vec<Country> {
    phone::search_countries(&query, locale)
}

/// The placeholder for the phone field: the example mobile number of `country`.
#[tauri::command]
#[specta::specta]
pub fn phone_example(country: String) -> Option<PhoneExample> {
    phone::example_mobile(&country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_korean_mobile_typed_with_dashes_is_valid_in_domestic_mode() {
        let verdict = validate_phone("010-1234-5678".into(), PhoneMode::Domestic);
        assert_eq!(verdict.valid.map(|v| v.e164), Some("+821012345678".into()));
        assert!(verdict.error.is_none());
    }

    #[test]
    fn a_landline_is_refused_with_its_reason() {
        let verdict = validate_phone("02-312-3456".into(), PhoneMode::Domestic);
        assert_eq!(verdict.error.map(|e| e.code()), Some("not_mobile"));
        assert!(verdict.valid.is_none());
    }

    #[test]
    fn the_accounts_own_address_is_refused() {
        let verdict = validate_email("Kim@Example.co.kr".into(), Some("kim@example.co.kr".into()));
        assert_eq!(verdict.error.map(|e| e.code()), Some("same_as_account"));
    }

    #[test]
    fn korea_is_found_by_its_calling_code_and_its_example_is_the_placeholder() {
        let found = search_countries("+82".into(), Locale::Ko);
        assert_eq!(found.first().map(|c| c.code.as_str()), Some("KR"));
        let example = phone_example("KR".into()).expect("an example for Korea");
        assert_eq!(example.national, "010-2000-0000");
    }

    #[test]
    fn a_keystroke_is_reformatted_and_judged_in_one_answer() {
        let check = check_phone_input("01012345678".into(), 11, PhoneMode::Domestic);
        assert_eq!(check.text, "010-1234-5678");
        assert_eq!(check.caret, 13);
        assert_eq!(
            check.verdict.valid.map(|v| v.e164),
            Some("+821012345678".into())
        );
    }

    #[test]
    fn a_partial_number_keeps_its_caret_and_says_what_is_missing() {
        // The caret was after the fourth digit: it stays after it, past the inserted dash.
        let check = check_phone_input("0101234".into(), 4, PhoneMode::Domestic);
        assert_eq!(check.text, "010-1234");
        assert_eq!(check.caret, 5);
        assert_eq!(check.verdict.error.map(|e| e.code()), Some("too_short"));
    }

    #[test]
    fn the_verdict_follows_the_mode() {
        let japan = PhoneMode::Overseas {
            country: Some("JP".into()),
        };
        let check = check_phone_input("09012345678".into(), 11, japan);
        assert_eq!(check.verdict.valid.map(|v| v.country), Some("JP".into()));
        let check = check_phone_input("09012345678".into(), 11, PhoneMode::Domestic);
        assert!(check.verdict.valid.is_none());
    }

    /// The keystroke answer the UI relies on: `{ text, caret, verdict: { valid, error } }`, and no
    /// digit of the number in its `Debug`.
    #[test]
    fn a_keystroke_answer_serializes_flat_and_debugs_without_the_number() {
        let check = check_phone_input("02-312-3456".into(), 11, PhoneMode::Domestic);
        let json = serde_json::to_value(&check).unwrap();
        assert_eq!(json["text"], "02-312-3456");
        assert_eq!(json["caret"], 11);
        assert_eq!(json["verdict"]["error"]["code"], "not_mobile");
        assert!(!format!("{check:?}").contains("3456"));
    }

    /// The verdict shape the UI relies on: `{ valid, error }` with the reason's `code` inside.
    #[test]
    fn a_verdict_serializes_with_the_reason_code() {
        let verdict = validate_phone("+1 650-253-0000".into(), PhoneMode::Domestic);
        let json = serde_json::to_value(verdict).unwrap();
        assert_eq!(json["valid"], serde_json::Value::Null);
        assert_eq!(json["error"]["code"], "foreign_number_in_domestic_mode");
        assert_eq!(json["error"]["country"], "US");
    }
}
