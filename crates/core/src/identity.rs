//! The identity form's one rule: what an employee may register as recovery info, and why not.
//!
//! The desktop app checks the form with it before anything is queued, and the reference server
//! checks every `PUT /v1/identity` with it, so that the two can never disagree: the same fields,
//! the same order, the same reason codes. A blank field counts as not given; at least one of the
//! two is required; the phone's mode comes from the overseas toggle ([`PhoneMode::for_form`]).
//!
//! Errors are typed by where they point ([`InputPath`]): the server turns that into a JSON pointer
//! of its problem answer, the app into the form field the reason is shown next to, and the app
//! reads a server's pointer back into the same path, so nothing is lost on the way.

use crate::email::{check_email, EmailError, ValidEmail};
use crate::phone::{check_phone, PhoneError, PhoneMode, ValidPhone};
use crate::wire::{IdentityWrite, PhoneWrite, ProblemField};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The identity form's values as the employee typed them. Holds personal data: `Debug` shows none.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IdentityInput {
    pub email: String,
    pub phone: String,
    /// The form's overseas toggle ("are you an overseas user?").
    pub overseas: bool,
    /// ISO 3166-1 alpha-2, chosen in overseas mode.
    pub country: Option<String>,
}

impl std::fmt::Debug for IdentityInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityInput")
            .field(
                "email",
                &format_args!("<{} chars>", self.email.chars().count()),
            )
            .field(
                "phone",
                &format_args!("<{} chars>", self.phone.chars().count()),
            )
            .field("overseas", &self.overseas)
            .field("country", &self.country)
            .finish()
    }
}

/// The form's field a reason is shown next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    Email,
    Phone,
}

/// A reason next to a field: the UI shows `email.error.<code>` / `phone.error.<code>` with `params`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldError {
    pub field: FormField,
    pub code: String,
    pub params: BTreeMap<String, String>,
}

/// Where in the input a reason points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputPath {
    /// The input as a whole (neither part given).
    Whole,
    Email,
    PhoneNumber,
    PhoneCountry,
}

impl InputPath {
    /// The JSON pointer into `PUT /v1/identity`'s body.
    pub fn pointer(self) -> &'static str {
        match self {
            InputPath::Whole => "",
            InputPath::Email => "/email",
            InputPath::PhoneNumber => "/phone/number",
            InputPath::PhoneCountry => "/phone/country",
        }
    }

    /// A server's pointer read back; `None` for one outside the identity body.
    pub fn from_pointer(pointer: &str) -> Option<InputPath> {
        Some(match pointer {
            "" => InputPath::Whole,
            "/email" => InputPath::Email,
            "/phone" | "/phone/number" => InputPath::PhoneNumber,
            "/phone/country" | "/phone/overseas" => InputPath::PhoneCountry,
            _ => return None,
        })
    }

    /// The form field that shows it: the whole form's reason stands under the first field.
    pub fn form_field(self) -> FormField {
        match self {
            InputPath::Whole | InputPath::Email => FormField::Email,
            InputPath::PhoneNumber | InputPath::PhoneCountry => FormField::Phone,
        }
    }
}

/// Why the input cannot be registered, at one place of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub path: InputPath,
    /// The stable reason code (`missing_at`, `not_mobile`, `email_or_phone_required`, …).
    pub code: String,
    /// What the reason names (`country` of a foreign number); never a typed value.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

impl InputError {
    fn new(path: InputPath, code: &str) -> InputError {
        InputError {
            path,
            code: code.to_string(),
            params: BTreeMap::new(),
        }
    }

    /// An e-mail refusal; a look-alike domain names the common domain it passes for. A 한글-mode
    /// slip's suggestion is left out: it is the employee's own address, and a problem echoes no
    /// value (the form has already offered it from its own check).
    fn email(error: &EmailError) -> InputError {
        let mut input_error = InputError::new(InputPath::Email, error.code());
        if let EmailError::LookAlikeDomain {
            suggestion: Some(suggestion),
        } = error
        {
            input_error
                .params
                .insert("suggestion".to_string(), suggestion.clone());
        }
        input_error
    }

    fn phone(error: &PhoneError) -> InputError {
        let mut input_error = InputError::new(InputPath::PhoneNumber, error.code());
        if let PhoneError::ForeignNumberInDomesticMode { country } = error {
            input_error
                .params
                .insert("country".to_string(), country.clone());
        }
        input_error
    }

    /// As a 422 problem's field.
    pub fn to_problem_field(&self) -> ProblemField {
        ProblemField {
            field: self.path.pointer().to_string(),
            code: self.code.clone(),
            params: self.params.clone(),
        }
    }

    /// A 422 problem's field read back; a pointer outside the body is shown at the e-mail field.
    pub fn from_problem_field(field: &ProblemField) -> InputError {
        InputError {
            path: InputPath::from_pointer(&field.field).unwrap_or(InputPath::Email),
            code: field.code.clone(),
            params: field.params.clone(),
        }
    }

    /// As the form shows it.
    pub fn to_field_error(&self) -> FieldError {
        FieldError {
            field: self.path.form_field(),
            code: self.code.clone(),
            params: self.params.clone(),
        }
    }
}

/// Recovery info that passed the rule, normalized: what is stored and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidIdentity {
    pub email: Option<ValidEmail>,
    pub phone: Option<ValidPhone>,
    /// The phone was registered with the overseas toggle on.
    pub overseas: bool,
}

impl ValidIdentity {
    /// The body of `PUT /v1/identity`: the normalized values, the toggle and the number's country.
    pub fn to_write(&self) -> IdentityWrite {
        IdentityWrite {
            email: self.email.as_ref().map(|e| e.address.clone()),
            phone: self.phone.as_ref().map(|p| PhoneWrite {
                number: p.e164.clone(),
                overseas: self.overseas,
                country: Some(p.country.clone()),
            }),
            proofs: None,
        }
    }
}

impl IdentityInput {
    /// The phone field's mode.
    pub fn phone_mode(&self) -> PhoneMode {
        PhoneMode::for_form(self.overseas, self.country.as_deref())
    }

    /// The values of a `PUT /v1/identity` body, to be judged by the same rule as the form.
    pub fn from_write(write: IdentityWrite) -> IdentityInput {
        let (phone, overseas, country) = match write.phone {
            Some(p) => (p.number, p.overseas, p.country),
            None => (String::new(), false, None),
        };
        IdentityInput {
            email: write.email.unwrap_or_default(),
            phone,
            overseas,
            country,
        }
    }

    /// Judges the input for the signed-in `account` (whose own address may not be the recovery
    /// address). Every field's reason at once, in the form's order; never panics.
    pub fn check(&self, account: &str) -> Result<ValidIdentity, Vec<InputError>> {
        let email = self.email.trim();
        let phone = self.phone.trim();
        if email.is_empty() && phone.is_empty() {
            return Err(vec![InputError::new(
                InputPath::Whole,
                "email_or_phone_required",
            )]);
        }
        let mut errors = Vec::new();
        let valid_email = if email.is_empty() {
            None
        } else {
            check_email(&self.email, Some(account))
                .map_err(|e| errors.push(InputError::email(&e)))
                .ok()
        };
        let valid_phone = if phone.is_empty() {
            None
        } else if !self.country.as_deref().is_none_or(is_region_code) {
            errors.push(InputError::new(InputPath::PhoneCountry, "invalid_country"));
            None
        } else {
            check_phone(&self.phone, &self.phone_mode())
                .map_err(|e| errors.push(InputError::phone(&e)))
                .ok()
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidIdentity {
            email: valid_email,
            phone: valid_phone,
            overseas: self.overseas,
        })
    }
}

/// ISO 3166-1 alpha-2 as the contract spells it: two upper-case ASCII letters.
fn is_region_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: &str, phone: &str) -> IdentityInput {
        IdentityInput {
            email: email.into(),
            phone: phone.into(),
            ..IdentityInput::default()
        }
    }

    fn reasons(result: Result<ValidIdentity, Vec<InputError>>) -> Vec<(&'static str, String)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path.pointer(), e.code))
            .collect()
    }

    #[test]
    fn a_valid_form_becomes_the_normalized_write() {
        let valid = input(" seoyeon.lee@naver.com ", "010 1234 5678")
            .check("registered@corp.example")
            .unwrap();
        let write = serde_json::to_value(valid.to_write()).unwrap();
        assert_eq!(write["email"], "seoyeon.lee@naver.com");
        assert_eq!(
            write["phone"],
            serde_json::json!({"number": "+821012345678", "overseas": false, "country": "KR"})
        );
    }

    #[test]
    fn every_field_gets_its_reason_in_the_forms_order() {
        let result =
            input("registered@corp.example", "02-123-4567").check("registered@corp.example");
        assert_eq!(
            reasons(result),
            vec![
                ("/email", "same_as_account".to_string()),
                ("/phone/number", "not_mobile".to_string())
            ]
        );
        assert_eq!(
            reasons(input(" ", "").check("a@b.example")),
            vec![("", "email_or_phone_required".to_string())]
        );
    }

    #[test]
    fn the_country_is_checked_before_the_number_and_a_foreign_number_names_its_country() {
        let bad_country = IdentityInput {
            phone: "1234".into(),
            overseas: true,
            country: Some("jp".into()),
            ..IdentityInput::default()
        };
        assert_eq!(
            reasons(bad_country.check("a@b.example")),
            vec![("/phone/country", "invalid_country".to_string())]
        );
        let foreign = input("", "+1 650-253-0000")
            .check("a@b.example")
            .unwrap_err();
        assert_eq!(foreign[0].params["country"], "US");
        let shown = foreign[0].to_field_error();
        assert_eq!(shown.field, FormField::Phone);
        assert_eq!(shown.params["country"], "US");
    }

    #[test]
    fn a_servers_field_error_reads_back_to_the_same_place_with_its_params() {
        let sent = input("", "+1 650-253-0000")
            .check("a@b.example")
            .unwrap_err();
        let over_the_wire = sent[0].to_problem_field();
        assert_eq!(InputError::from_problem_field(&over_the_wire), sent[0]);
        let required = InputError::from_problem_field(&ProblemField {
            field: String::new(),
            code: "email_or_phone_required".into(),
            params: BTreeMap::new(),
        });
        assert_eq!(required.to_field_error().field, FormField::Email);
    }

    #[test]
    fn the_server_judges_a_write_exactly_as_the_form() {
        let form = IdentityInput {
            email: String::new(),
            phone: "090-1234-5678".into(),
            overseas: true,
            country: Some("JP".into()),
        };
        let write = form.check("a@b.example").unwrap().to_write();
        let read_back = IdentityInput::from_write(write.clone());
        assert_eq!(read_back.check("a@b.example").unwrap().to_write(), write);
    }

    #[test]
    fn debug_shows_no_personal_data() {
        let shown = format!("{:?}", input("seoyeon.lee@naver.com", "010-1234-5678"));
        assert!(
            !shown.contains("seoyeon") && !shown.contains("1234"),
            "{shown}"
        );
    }
}
