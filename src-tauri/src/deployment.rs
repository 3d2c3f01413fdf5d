//! Where this installation talks to: the account server, the webmail and the helpdesk.
//!
//! Managed policy takes precedence once it exists; below it, environment variables let a developer,
//! the demo (`cargo xtask run`) and the end-to-end tests point the app at a reference server; a
//! development build falls back to the reference server on its default port. A release build with
//! nothing configured has no server, and signing in says so instead of guessing one.

use serde::Serialize;

/// The account server's base URL, e.g. `https://mail.example.com/api`.
pub const API_BASE_URL_ENV: &str = "MAIL_IDENTITY_API_BASE_URL";
/// The webmail the "go to webmail" button opens.
pub const WEBMAIL_URL_ENV: &str = "MAIL_IDENTITY_WEBMAIL_URL";

/// The reference server of `cargo xtask run` (`account-api serve --listen 127.0.0.1:8787`).
const DEV_API_BASE_URL: &str = "http://127.0.0.1:8787";

/// The company's helpdesk, shown on the help screen instead of the notice's own contact block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct Helpdesk {
    pub phone: Option<String>,
    pub url: Option<String>,
    pub hours: Option<String>,
}

/// The endpoints in effect for this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deployment {
    pub api_base_url: Option<String>,
    pub webmail_url: Option<String>,
    /// `None`: the notice's contact block from the catalog.
    pub helpdesk: Option<Helpdesk>,
}

impl Deployment {
    /// Reads the environment once at start-up.
    pub fn from_environment() -> Deployment {
        Self::resolve(
            non_empty_env(API_BASE_URL_ENV),
            non_empty_env(WEBMAIL_URL_ENV),
            cfg!(debug_assertions),
        )
    }

    fn resolve(
        api_base_url: Option<String>,
        webmail_url: Option<String>,
        development_build: bool,
    ) -> Deployment {
        let api_base_url =
            api_base_url.or_else(|| development_build.then(|| DEV_API_BASE_URL.to_string()));
        Deployment {
            api_base_url,
            webmail_url,
            helpdesk: None,
        }
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_wins_over_the_development_default() {
        let d = Deployment::resolve(Some("https://mail.example.com".into()), None, true);
        assert_eq!(d.api_base_url.as_deref(), Some("https://mail.example.com"));
    }

    #[test]
    fn development_build_defaults_to_the_local_reference_server() {
        let d = Deployment::resolve(None, None, true);
        assert_eq!(d.api_base_url.as_deref(), Some(DEV_API_BASE_URL));
    }

    #[test]
    fn release_build_guesses_no_server() {
        let d = Deployment::resolve(None, None, false);
        assert_eq!(d.api_base_url, None);
        assert_eq!(d.webmail_url, None);
    }
}
