//! E-mail validation for the recovery address: a practical RFC 5321/5322 check, plus the checks a
//! person needs (not the account's own address; a warning inside the company domain; "did you mean"
//! for typos of common domains).

use serde::{Deserialize, Serialize};

/// An address the form accepts.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidEmail {
    /// Normalized: trimmed, domain lower-cased and in ASCII (punycode) — what is stored and sent.
    pub address: String,
    /// For display: the domain in Unicode (IDN).
    pub display: String,
    /// Non-blocking advice shown under the field.
    pub warnings: Vec<EmailWarning>,
}

/// Advice that does not block saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EmailWarning {
    /// The address is in the account's own (company) domain: if the account is lost, so may be this.
    SameDomainAsAccount,
    /// A likely typo of a common domain: `naver.con` → `naver.com`.
    DidYouMean { suggestion: String },
}

/// Why an address is refused; codes are shared with the server and the catalog (`email.error.<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EmailError {
    #[error("empty")]
    Empty,
    #[error("too_long")]
    TooLong,
    #[error("missing_at")]
    MissingAt,
    #[error("invalid_local_part")]
    InvalidLocalPart,
    #[error("quoted_local_part")]
    QuotedLocalPart,
    #[error("local_part_too_long")]
    LocalPartTooLong,
    #[error("invalid_domain")]
    InvalidDomain,
    #[error("domain_too_long")]
    DomainTooLong,
    /// The recovery address may not be the account's own address (any case).
    #[error("same_as_account")]
    SameAsAccount,
}

impl EmailError {
    /// The stable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::TooLong => "too_long",
            EmailError::MissingAt => "missing_at",
            EmailError::InvalidLocalPart => "invalid_local_part",
            EmailError::QuotedLocalPart => "quoted_local_part",
            EmailError::LocalPartTooLong => "local_part_too_long",
            EmailError::InvalidDomain => "invalid_domain",
            EmailError::DomainTooLong => "domain_too_long",
            EmailError::SameAsAccount => "same_as_account",
        }
    }
}

/// Judges `input` as a recovery address for `account` (the webmail address signed in, if known).
pub fn check_email(input: &str, account: Option<&str>) -> Result<ValidEmail, EmailError> {
    let _ = (input, account);
    todo!("e-mail validation (issue: validation in core)")
}

/// Masks an address for display and logs: `abcdef@naver.com` → `ab***@naver.com`.
pub fn mask_email(address: &str) -> String {
    let _ = address;
    todo!("e-mail masking (issue: validation in core)")
}

/// Addresses never reach a log: `Debug` shows nothing of the address.
impl std::fmt::Debug for ValidEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidEmail")
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}
