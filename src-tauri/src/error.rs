//! Errors as they cross IPC: a stable code and its parameters, never free text. The UI turns the code
//! into a sentence from the catalog (`error.<code>`), so a message is always in the user's language.

use serde::Serialize;
use std::collections::BTreeMap;

/// An error returned by a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{code}")]
pub struct CommandError {
    /// A key under `error.` in `locales/*.yml`, e.g. `preferences_unavailable`.
    pub code: String,
    /// Values for the message's `%{placeholders}`; never personal data.
    pub params: BTreeMap<String, String>,
}

impl CommandError {
    /// An error without parameters.
    pub fn new(code: &str) -> Self {
        Self {
            code: code.to_string(),
            params: BTreeMap::new(),
        }
    }
}

impl From<mail_identity_core::sync::ServiceError> for CommandError {
    fn from(error: mail_identity_core::sync::ServiceError) -> Self {
        Self {
            code: error.code().to_string(),
            params: error.params(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_params() {
        let json = serde_json::to_value(CommandError::new("preferences_unavailable")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "preferences_unavailable", "params": {} })
        );
    }
}
