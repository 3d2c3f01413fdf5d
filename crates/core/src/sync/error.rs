//! The errors of the service façade, as the window sees them: a stable `code` (catalog key
//! `error.<code>`) and string `params`, never free text.

use super::api_client::ApiError;
use super::credentials::CredentialError;
use super::store::StoreError;
use std::collections::BTreeMap;

/// Why a service call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// `error.invalid_credentials`: wrong address or password.
    #[error("invalid_credentials")]
    InvalidCredentials,
    /// `error.too_many_attempts {seconds}`: sign-in locked for a while.
    #[error("too_many_attempts")]
    TooManyAttempts { seconds: u64 },
    /// `error.offline`: the server cannot be reached.
    #[error("offline")]
    Offline,
    /// `error.timeout`: the server did not answer in time.
    #[error("timeout")]
    Timeout,
    /// `error.cut_off`: the server was reached but its answer broke off.
    #[error("cut_off")]
    CutOff,
    /// `error.server_unavailable {seconds}`: 503 or 429; try again later.
    #[error("server_unavailable")]
    ServerUnavailable { seconds: Option<u64> },
    /// `error.server_error`: the server failed or answered outside the contract.
    #[error("server_error")]
    ServerError,
    /// `error.server_url_invalid`: the configured server URL is not usable (https only).
    #[error("server_url_invalid")]
    ServerUrlInvalid,
    /// `error.connection_setup`: a secure connection could not be prepared on this computer (the
    /// proxy or company root certificate from policy, or the OS's certificate services); the
    /// cause is in the log.
    #[error("connection_setup")]
    ConnectionSetup,
    /// `error.sign_in_cancelled`: the user stopped waiting for the server's answer to a sign-in.
    #[error("sign_in_cancelled")]
    SignInCancelled,
    /// `error.not_signed_in`: the call needs a signed-in account.
    #[error("not_signed_in")]
    NotSignedIn,
    /// `error.session_expired`: the session could not be renewed; sign in again (nothing queued is lost).
    #[error("session_expired")]
    SessionExpired,
    /// `error.consent_required`: the info can be registered only after agreeing.
    #[error("consent_required")]
    ConsentRequired,
    /// `error.no_conflict`: there is no conflict to resolve.
    #[error("no_conflict")]
    NoConflict,
    /// `error.local_store`: the local database failed.
    #[error("local_store")]
    LocalStore,
    /// `error.credential_store`: the OS credential store failed.
    #[error("credential_store")]
    CredentialStore,
    /// `error.code_format`: not 6 digits (checked before any request: no try is spent).
    #[error("code_format")]
    CodeFormat,
    /// `error.code_incorrect {attempts_left}`: a wrong code.
    #[error("code_incorrect")]
    CodeIncorrect { attempts_left: u32 },
    /// `error.code_expired`: 3 minutes passed (or the server no longer knows the code): 다시 받기.
    #[error("code_expired")]
    CodeExpired,
    /// `error.code_exhausted`: the fifth wrong try ended the code: 다시 받기.
    #[error("code_exhausted")]
    CodeExhausted,
    /// `error.resend_too_soon {seconds}`: a new code can be asked for in `seconds`.
    #[error("resend_too_soon")]
    ResendTooSoon { seconds: u64 },
    /// `error.verification_rate_limited {seconds}`: too many codes were sent; try in `seconds`.
    #[error("verification_rate_limited")]
    VerificationRateLimited { seconds: u64 },
    /// `error.sender_not_configured`: the server cannot send this kind of code (IT's setup).
    #[error("sender_not_configured")]
    SenderNotConfigured,
    /// `error.sender_failed`: the mail relay or the SMS provider refused the message.
    #[error("sender_failed")]
    SenderFailed,
    /// `error.no_verification`: no code is being asked for on that channel.
    #[error("no_verification")]
    NoVerification,
    /// `error.password_required`: the server asks for the password again first (step-up).
    #[error("password_required")]
    PasswordRequired,
    /// `error.consent_outdated`: the notice changed; decide on the current one first.
    #[error("consent_outdated")]
    ConsentOutdated,
    /// `error.no_info`: nothing is registered to verify or keep.
    #[error("no_info")]
    NoInfo,
    /// `error.account_deleted`: the organisation deleted the account; this PC's copy is wiped.
    #[error("account_deleted")]
    AccountDeleted,
}

impl ServiceError {
    /// The catalog key's last part: the UI shows the catalog's `error.<code>` with its params.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::InvalidCredentials => "invalid_credentials",
            ServiceError::TooManyAttempts { .. } => "too_many_attempts",
            ServiceError::Offline => "offline",
            ServiceError::Timeout => "timeout",
            ServiceError::CutOff => "cut_off",
            ServiceError::ServerUnavailable { .. } => "server_unavailable",
            ServiceError::ServerError => "server_error",
            ServiceError::ServerUrlInvalid => "server_url_invalid",
            ServiceError::ConnectionSetup => "connection_setup",
            ServiceError::SignInCancelled => "sign_in_cancelled",
            ServiceError::NotSignedIn => "not_signed_in",
            ServiceError::SessionExpired => "session_expired",
            ServiceError::ConsentRequired => "consent_required",
            ServiceError::NoConflict => "no_conflict",
            ServiceError::LocalStore => "local_store",
            ServiceError::CredentialStore => "credential_store",
            ServiceError::CodeFormat => "code_format",
            ServiceError::CodeIncorrect { .. } => "code_incorrect",
            ServiceError::CodeExpired => "code_expired",
            ServiceError::CodeExhausted => "code_exhausted",
            ServiceError::ResendTooSoon { .. } => "resend_too_soon",
            ServiceError::VerificationRateLimited { .. } => "verification_rate_limited",
            ServiceError::SenderNotConfigured => "sender_not_configured",
            ServiceError::SenderFailed => "sender_failed",
            ServiceError::NoVerification => "no_verification",
            ServiceError::PasswordRequired => "password_required",
            ServiceError::ConsentOutdated => "consent_outdated",
            ServiceError::NoInfo => "no_info",
            ServiceError::AccountDeleted => "account_deleted",
        }
    }

    /// The placeholders of the message.
    pub fn params(&self) -> BTreeMap<String, String> {
        let mut params = BTreeMap::new();
        match self {
            ServiceError::TooManyAttempts { seconds } => {
                params.insert("seconds".to_string(), seconds.to_string());
            }
            ServiceError::ServerUnavailable { seconds: Some(s) }
            | ServiceError::ResendTooSoon { seconds: s }
            | ServiceError::VerificationRateLimited { seconds: s } => {
                params.insert("seconds".to_string(), s.to_string());
            }
            ServiceError::CodeIncorrect { attempts_left } => {
                params.insert("attempts_left".to_string(), attempts_left.to_string());
            }
            _ => {}
        }
        params
    }

    /// Every code, for the catalog check.
    pub const CODES: &'static [&'static str] = &[
        "invalid_credentials",
        "too_many_attempts",
        "offline",
        "timeout",
        "cut_off",
        "server_unavailable",
        "server_error",
        "server_url_invalid",
        "connection_setup",
        "sign_in_cancelled",
        "not_signed_in",
        "session_expired",
        "consent_required",
        "no_conflict",
        "local_store",
        "credential_store",
        "code_format",
        "code_incorrect",
        "code_expired",
        "code_exhausted",
        "resend_too_soon",
        "verification_rate_limited",
        "sender_not_configured",
        "sender_failed",
        "no_verification",
        "password_required",
        "consent_outdated",
        "no_info",
        "account_deleted",
    ];
}

impl From<ApiError> for ServiceError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidUrl => ServiceError::ServerUrlInvalid,
            ApiError::ClientSetup { part, cause } => {
                // The only place the cause is kept: the window gets the code, IT reads the log.
                tracing::error!(%part, %cause, "the HTTP client could not be set up");
                ServiceError::ConnectionSetup
            }
            ApiError::Offline => ServiceError::Offline,
            ApiError::Timeout => ServiceError::Timeout,
            ApiError::CutOff => ServiceError::CutOff,
            ApiError::Unavailable { retry_after } | ApiError::RateLimited { retry_after } => {
                ServiceError::ServerUnavailable {
                    seconds: retry_after.map(|d| d.as_secs()),
                }
            }
            ApiError::TooManySignIns { retry_after } => ServiceError::TooManyAttempts {
                seconds: retry_after.map(|d| d.as_secs()).unwrap_or(60),
            },
            ApiError::Unauthorized => ServiceError::SessionExpired,
            ApiError::AccountDeleted => ServiceError::AccountDeleted,
            ApiError::StepUpRequired { .. } => ServiceError::PasswordRequired,
            ApiError::CodeIncorrect { attempts_left } => {
                ServiceError::CodeIncorrect { attempts_left }
            }
            ApiError::CodeGone { code } if code == "code_exhausted" => ServiceError::CodeExhausted,
            ApiError::CodeGone { .. } => ServiceError::CodeExpired,
            ApiError::SendLimited { code, retry_after } => {
                let seconds = retry_after.map(|d| d.as_secs().max(1)).unwrap_or(60);
                if code == "resend_too_soon" {
                    ServiceError::ResendTooSoon { seconds }
                } else {
                    ServiceError::VerificationRateLimited { seconds }
                }
            }
            ApiError::SenderUnavailable { code, .. } if code == "sender_failed" => {
                ServiceError::SenderFailed
            }
            ApiError::SenderUnavailable { .. } => ServiceError::SenderNotConfigured,
            ApiError::Conflict { code } if code == "consent_outdated" => {
                ServiceError::ConsentOutdated
            }
            ApiError::Conflict { code } if code == "no_info" => ServiceError::NoInfo,
            ApiError::InvalidGrant => ServiceError::InvalidCredentials,
            ApiError::Conflict { code } if code == "consent_required" => {
                ServiceError::ConsentRequired
            }
            ApiError::PreconditionFailed { .. }
            | ApiError::Unprocessable { .. }
            | ApiError::VerificationRequired { .. }
            | ApiError::NotFound { .. }
            | ApiError::Conflict { .. }
            | ApiError::Refused { .. }
            | ApiError::Server { .. }
            | ApiError::BadResponse(_)
            | ApiError::ResponseTooLarge => ServiceError::ServerError,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "local store");
        ServiceError::LocalStore
    }
}

impl From<super::outbox_body::BodyError> for ServiceError {
    fn from(error: super::outbox_body::BodyError) -> Self {
        tracing::error!(%error, "queued write's body");
        match error {
            super::outbox_body::BodyError::Unavailable => ServiceError::CredentialStore,
            super::outbox_body::BodyError::Unreadable | super::outbox_body::BodyError::Seal => {
                ServiceError::LocalStore
            }
        }
    }
}

impl From<CredentialError> for ServiceError {
    fn from(error: CredentialError) -> Self {
        tracing::error!(%error, "credential store");
        ServiceError::CredentialStore
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn codes_and_params_are_stable() {
        let e = ServiceError::from(ApiError::TooManySignIns {
            retry_after: Some(Duration::from_secs(30)),
        });
        assert_eq!(e.code(), "too_many_attempts");
        assert_eq!(e.params().get("seconds").map(String::as_str), Some("30"));
        assert_eq!(
            ServiceError::from(ApiError::InvalidGrant).code(),
            "invalid_credentials"
        );
        assert_eq!(
            ServiceError::from(ApiError::InvalidUrl).code(),
            "server_url_invalid"
        );
        let setup = ApiError::ClientSetup {
            part: crate::sync::api_client::SetupPart::Tls,
            cause: "Invalid parameter. (os error -2147024809)".into(),
        };
        assert_eq!(ServiceError::from(setup).code(), "connection_setup");
        let wrong = ServiceError::from(ApiError::CodeIncorrect { attempts_left: 2 });
        assert_eq!(wrong.code(), "code_incorrect");
        assert_eq!(
            wrong.params().get("attempts_left").map(String::as_str),
            Some("2")
        );
        assert_eq!(
            ServiceError::from(ApiError::StepUpRequired { max_age: Some(300) }).code(),
            "password_required"
        );
        let soon = ServiceError::from(ApiError::SendLimited {
            code: "resend_too_soon".into(),
            retry_after: Some(Duration::from_secs(42)),
        });
        assert_eq!(soon.code(), "resend_too_soon");
        assert_eq!(soon.params().get("seconds").map(String::as_str), Some("42"));
        for e in [
            ServiceError::CodeFormat,
            ServiceError::CodeExhausted,
            ServiceError::ConsentOutdated,
            ServiceError::ConnectionSetup,
            ServiceError::Offline,
            ServiceError::NoConflict,
            ServiceError::LocalStore,
            ServiceError::ServerUnavailable { seconds: None },
        ] {
            assert!(ServiceError::CODES.contains(&e.code()));
            assert_eq!(e.to_string(), e.code());
        }
    }
}
