//! The account API's bodies as they travel (`docs/api/openapi.yaml`), spelled once for both ends:
//! the desktop client (`sync::api_client`) writes requests and reads answers with these types, and
//! the reference server (`account-api`) reads the same requests and writes the same answers. A change
//! of the contract is a change here, and the contract test checks the server's side of it against the
//! document.
//!
//! Only shapes live here: no HTTP, no validation (that is [`crate::identity`]), no storage. Types
//! that carry personal data or secrets have a `Debug` that shows none of it.

use crate::locale::Locale;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// `POST /v1/auth/token`: the password and the refresh-token grants (RFC 6749 §4.3, §6).
///
/// Borrowing on the client's side so that the password is never copied into a string that outlives
/// the request body; owned on the server's. No `Debug`: it holds a password or a token.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest<'a> {
    /// `password` or `refresh_token`; anything else is `unsupported_grant_type`.
    pub grant_type: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Cow<'a, str>>,
    /// Accepted and ignored: the API has one scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Cow<'a, str>>,
}

impl<'a> TokenRequest<'a> {
    /// The password grant.
    pub fn password(username: &'a str, password: &'a str) -> Self {
        TokenRequest {
            grant_type: Cow::Borrowed("password"),
            username: Some(Cow::Borrowed(username)),
            password: Some(Cow::Borrowed(password)),
            ..TokenRequest::default()
        }
    }

    /// The refresh-token grant (the refresh token is single use: the answer carries the next).
    pub fn refresh(refresh_token: &'a str) -> Self {
        TokenRequest {
            grant_type: Cow::Borrowed("refresh_token"),
            refresh_token: Some(Cow::Borrowed(refresh_token)),
            ..TokenRequest::default()
        }
    }
}

/// The token answer (RFC 6749 §5.1). The lifetimes are optional for the reader: an answer without
/// them still signs in (the access token is then not kept between runs); the server always sends them.
#[derive(Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: String,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    pub refresh_token: String,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("expires_in", &self.expires_in)
            .field("refresh_token_expires_in", &self.refresh_token_expires_in)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/auth/revoke` (RFC 7009). No `Debug`: it holds a token.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest<'a> {
    pub token: Cow<'a, str>,
    /// Accepted and ignored: the server finds the token's kind by itself (RFC 7009 §2.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type_hint: Option<Cow<'a, str>>,
}

/// `GET /v1/me`: the signed-in webmail account (also what the app shows as the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Account {
    pub address: String,
    pub display_name: String,
    pub organisation: String,
}

/// `GET /v1/identity/notice`: the consent notice as served, and as the consent screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notice {
    pub version: String,
    pub locale: Locale,
    /// The consent box, exactly as hashed (UTF-8, LF line ends).
    pub text: String,
    /// SHA-256 (lowercase hex) of `text`.
    pub sha256: String,
}

/// Where an account stands on the optional consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// Never decided: the consent screen is shown.
    #[default]
    Pending,
    Agreed,
    Refused,
    /// Agreed once, then withdrew (the info was deleted).
    Withdrawn,
}

impl ConsentState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Pending => "pending",
            ConsentState::Agreed => "agreed",
            ConsentState::Refused => "refused",
            ConsentState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ConsentState> {
        Some(match text {
            "pending" => ConsentState::Pending,
            "agreed" => ConsentState::Agreed,
            "refused" => ConsentState::Refused,
            "withdrawn" => ConsentState::Withdrawn,
            _ => return None,
        })
    }
}

/// A decision on the consent screen (`PUT /v1/identity/consent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConsentDecision {
    Agreed,
    Refused,
}

impl ConsentDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentDecision::Agreed => "agreed",
            ConsentDecision::Refused => "refused",
        }
    }
}

/// The body of `PUT /v1/identity/consent`: the decision on the exact text shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentWrite {
    pub decision: ConsentDecision,
    /// The version of the notice shown.
    pub notice_version: String,
    /// SHA-256 (hex) of the text shown.
    pub notice_sha256: String,
}

/// The consent part of `GET /v1/identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Consent {
    pub state: ConsentState,
    pub notice_version: Option<String>,
    /// RFC 3339.
    pub decided_at: Option<String>,
}

/// A registered phone number. `Debug` never shows the number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// E.164, `+821012345678`.
    pub e164: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Registered with the form's overseas toggle on.
    pub overseas: bool,
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phone")
            .field("country", &self.country)
            .field("overseas", &self.overseas)
            .finish_non_exhaustive()
    }
}

/// `GET /v1/identity` and the answer of every identity write: the consent and the info itself.
/// `Debug` shows neither the e-mail nor the number.
///
/// The members after `updated_at` came with ownership codes and re-consent; a reader accepts an
/// answer without them (a server that predates them) as "not verified, nothing newer".
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub consent: Consent,
    pub email: Option<String>,
    pub phone: Option<Phone>,
    /// RFC 3339.
    pub updated_at: String,
    /// The notice in force. An agreement on another version is outdated: the consent screen comes
    /// first, and the server refuses identity writes until the current notice is decided on.
    #[serde(default)]
    pub current_notice_version: String,
    /// RFC 3339: when the owner of `email` last confirmed a code sent to it; `None` for an address
    /// registered before codes existed.
    #[serde(default)]
    pub email_verified_at: Option<String>,
    /// RFC 3339, as `email_verified_at` for the phone number.
    #[serde(default)]
    pub phone_verified_at: Option<String>,
    /// RFC 3339: when the employee last registered, changed or kept the info.
    #[serde(default)]
    pub confirmed_at: Option<String>,
    /// The server's setting for asking "is this still right?", in days after `confirmed_at`; 0 is off.
    #[serde(default)]
    pub reconfirm_days: u32,
}

impl Identity {
    /// True when the consent was agreed on a notice other than the one in force.
    pub fn consent_outdated(&self) -> bool {
        self.consent.state == ConsentState::Agreed
            && !self.current_notice_version.is_empty()
            && self.consent.notice_version.as_deref() != Some(self.current_notice_version.as_str())
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("consent", &self.consent)
            .field("email", &self.email.as_ref().map(|_| "…"))
            .field("phone", &self.phone)
            .field("updated_at", &self.updated_at)
            .field("current_notice_version", &self.current_notice_version)
            .field("email_verified_at", &self.email_verified_at)
            .field("phone_verified_at", &self.phone_verified_at)
            .field("confirmed_at", &self.confirmed_at)
            .field("reconfirm_days", &self.reconfirm_days)
            .finish()
    }
}

/// The phone part of `PUT /v1/identity`: the number as typed (the server normalizes it with the
/// same rule as the client) and the form's mode.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneWrite {
    pub number: String,
    /// The form's overseas toggle: judged for `country` rather than as a Korean mobile.
    #[serde(default)]
    pub overseas: bool,
    /// ISO 3166-1 alpha-2, for an overseas number typed without `+CC`.
    #[serde(default)]
    pub country: Option<String>,
}

/// The body of `PUT /v1/identity`: either part may be absent, not both. `Debug` shows no value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct IdentityWrite {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneWrite>,
    /// The proofs of ownership of the new or changed values; an unchanged value needs none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proofs: Option<Proofs>,
}

impl std::fmt::Debug for IdentityWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityWrite")
            .field("email", &self.email.as_ref().map(|_| "…"))
            .field("phone", &self.phone.as_ref().map(|_| "…"))
            .field("proofs", &self.proofs)
            .finish()
    }
}

/// The proofs an identity write carries, one per channel whose value is new or changed: what
/// confirming a code answered. Secrets: `Debug` says only which are present.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Proofs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Proofs {
    /// The proof for `channel`, if any.
    pub fn get(&self, channel: Channel) -> Option<&str> {
        match channel {
            Channel::Email => self.email.as_deref(),
            Channel::Phone => self.phone.as_deref(),
        }
    }

    /// Sets the proof for `channel`.
    pub fn set(&mut self, channel: Channel, proof: String) {
        match channel {
            Channel::Email => self.email = Some(proof),
            Channel::Phone => self.phone = Some(proof),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none()
    }
}

impl std::fmt::Debug for Proofs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proofs")
            .field("email", &self.email.is_some())
            .field("phone", &self.phone.is_some())
            .finish()
    }
}

/// Where a code is sent: the recovery e-mail address or the mobile number.
///
/// In the window's TypeScript it is `VerificationChannel`: Tauri's runtime already exports a
/// `Channel` (its IPC streaming type), and tauri-specta refuses a second one. (The container name
/// is all it renames: the JSON stays `"email"` / `"phone"`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "VerificationChannel")]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Phone,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Phone => "phone",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        match text {
            "email" => Some(Channel::Email),
            "phone" => Some(Channel::Phone),
            _ => None,
        }
    }

    /// The JSON pointer of this channel's part in an identity write (`/email`, `/phone`).
    pub fn pointer(self) -> &'static str {
        match self {
            Channel::Email => "/email",
            Channel::Phone => "/phone",
        }
    }
}

/// `POST /v1/identity/verifications`: send a code for one channel's value, or, with no value, for
/// the registered one. `Debug` shows no value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationStart {
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneWrite>,
    /// The message's language; `ko` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
}

impl std::fmt::Debug for VerificationStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationStart")
            .field("channel", &self.channel)
            .field(
                "registered",
                &(self.email.is_none() && self.phone.is_none()),
            )
            .field("locale", &self.locale)
            .finish_non_exhaustive()
    }
}

/// A code on its way: the answer of starting or resending a verification. Holds only the masked
/// destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Verification {
    pub id: String,
    pub channel: Channel,
    /// Masked: `ab***@naver.com`, `010-****-5678`.
    pub destination: String,
    /// RFC 3339: the code stops working then.
    pub expires_at: String,
    /// RFC 3339: the earliest a resend is accepted.
    pub resend_at: String,
    pub attempts_left: u32,
}

/// `POST /v1/identity/verifications/{id}/confirm`. No `Debug`: it holds the code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeConfirm {
    /// As typed: blanks and hyphens are ignored.
    pub code: String,
}

/// What confirming a code answers: the proof the identity write sends. `Debug` hides the proof.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationProof {
    pub channel: Channel,
    /// Single use, bound to the account, the channel and the value; send it in `proofs`.
    pub proof: String,
    /// RFC 3339.
    pub proof_expires_at: String,
    /// RFC 3339.
    pub verified_at: String,
    /// The value was the registered one: it is now marked verified and no write follows.
    #[serde(default)]
    pub registered: bool,
}

impl std::fmt::Debug for VerificationProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationProof")
            .field("channel", &self.channel)
            .field("proof_expires_at", &self.proof_expires_at)
            .field("verified_at", &self.verified_at)
            .field("registered", &self.registered)
            .finish_non_exhaustive()
    }
}

/// One field that failed validation, in a 422 problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemField {
    /// JSON pointer into the request body: `/email`, `/phone/number`, `/phone/country`, or `""`
    /// for the body as a whole.
    pub field: String,
    /// The reason, the same code the client's own check gives (`too_long`, `not_mobile`, …).
    pub code: String,
    /// What the reason names, e.g. `country` for a foreign number in domestic mode. Never a value
    /// the user typed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

/// Every error answer: `application/problem+json` (RFC 9457) with this API's `code`, the field
/// errors of a 422, and OAuth's `error` on `/v1/auth/*`. Clients branch on `code`, never on
/// `title` or `detail`. Read leniently: an error page that is not a problem reads as an empty one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Problem {
    #[serde(rename = "type", default)]
    pub type_uri: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: u16,
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// On `code_incorrect`: the tries the code has left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// On `step_up_required`: the seconds a password stays recent (as in `WWW-Authenticate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_request_names_only_its_grants_fields() {
        let body = serde_json::to_value(TokenRequest::password("a@b.example", "pw")).unwrap();
        assert_eq!(
            body,
            json!({"grant_type": "password", "username": "a@b.example", "password": "pw"})
        );
        let body = serde_json::to_value(TokenRequest::refresh("r1")).unwrap();
        assert_eq!(
            body,
            json!({"grant_type": "refresh_token", "refresh_token": "r1"})
        );
        let read: TokenRequest<'static> =
            serde_json::from_value(json!({"grant_type": "password", "scope": null})).unwrap();
        assert_eq!(read.grant_type, "password");
        assert!(serde_json::from_value::<TokenRequest<'static>>(
            json!({"grant_type": "x", "extra": 1})
        )
        .is_err());
    }

    #[test]
    fn an_identity_write_omits_what_is_absent_and_refuses_unknown_fields() {
        let write = IdentityWrite {
            email: None,
            phone: Some(PhoneWrite {
                number: "+821012345678".into(),
                overseas: false,
                country: Some("KR".into()),
            }),
            proofs: None,
        };
        assert_eq!(
            serde_json::to_value(&write).unwrap(),
            json!({"phone": {"number": "+821012345678", "overseas": false, "country": "KR"}})
        );
        assert!(serde_json::from_value::<IdentityWrite>(json!({"mail": "x"})).is_err());
        let shown = format!("{write:?}");
        assert!(!shown.contains("1012345678"), "{shown}");
    }

    #[test]
    fn a_problem_that_is_no_problem_reads_as_empty() {
        let problem: Problem = serde_json::from_str("{}").unwrap();
        assert_eq!(problem, Problem::default());
        let problem: Problem = serde_json::from_value(json!({
            "code": "validation_failed",
            "errors": [{"field": "/phone/number", "code": "foreign_number_in_domestic_mode",
                        "params": {"country": "US"}}]
        }))
        .unwrap();
        assert_eq!(problem.errors[0].params["country"], "US");
    }

    #[test]
    fn secrets_of_the_ownership_codes_never_reach_debug() {
        let proofs = Proofs {
            email: Some("proof-secret-1".into()),
            phone: None,
        };
        let write = IdentityWrite {
            email: Some("seoyeon.lee@naver.com".into()),
            phone: None,
            proofs: Some(proofs.clone()),
        };
        let answer = VerificationProof {
            channel: Channel::Email,
            proof: "proof-secret-2".into(),
            proof_expires_at: "2026-12-06T01:00:00Z".into(),
            verified_at: "2026-12-06T00:00:00Z".into(),
            registered: false,
        };
        let start = VerificationStart {
            channel: Channel::Email,
            email: Some("seoyeon.lee@naver.com".into()),
            phone: None,
            locale: None,
        };
        let shown = format!("{write:?} {answer:?} {start:?} {proofs:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("seoyeon"),
            "{shown}"
        );
        assert_eq!(
            serde_json::to_value(&write).unwrap()["proofs"],
            json!({"email": "proof-secret-1"})
        );
    }

    #[test]
    fn an_identity_from_a_server_before_codes_reads_as_unverified_and_current() {
        let identity: Identity = serde_json::from_value(json!({
            "consent": {"state": "agreed", "notice_version": "2026-11-28", "decided_at": null},
            "email": null, "phone": null, "updated_at": "2026-12-06T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(identity.email_verified_at, None);
        assert!(!identity.consent_outdated());
        let newer = Identity {
            current_notice_version: "2027-01-01".into(),
            ..identity
        };
        assert!(newer.consent_outdated());
    }

    #[test]
    fn identity_debug_shows_no_personal_data() {
        let identity = Identity {
            consent: Consent::default(),
            email: Some("seoyeon.lee@naver.com".into()),
            phone: Some(Phone {
                e164: "+821012345678".into(),
                country: "KR".into(),
                overseas: false,
            }),
            updated_at: "2026-12-06T00:00:00Z".into(),
            current_notice_version: "2026-11-28".into(),
            email_verified_at: None,
            phone_verified_at: None,
            confirmed_at: None,
            reconfirm_days: 180,
        };
        let shown = format!("{identity:?}");
        assert!(
            !shown.contains("seoyeon") && !shown.contains("12345678"),
            "{shown}"
        );
    }
}
