//! Where this installation talks to and what IT decided for it: the resolved policy (core's
//! `policy` module: Windows machine and user policy, macOS managed preferences, the system-wide
//! `policy.json`, then `MAIL_IDENTITY_*` environment variables, then defaults), read once at start.
//!
//! A development build with no server configured anywhere falls back to the reference server on its
//! default port (`cargo xtask run`); a release build guesses no server, and signing in says so.

use mail_identity_core::locale::Locale;
use mail_identity_core::policy::{self, Key, Resolved};
use mail_identity_core::sync::trust::{self, CertificateDer, TrustError};
use serde::Serialize;

/// The reference server of `cargo xtask run` (`account-api serve --listen 127.0.0.1:8787`).
const DEV_API_BASE_URL: &str = "http://127.0.0.1:8787";

/// The company's helpdesk in the user's language, shown on the help screen instead of the
/// notice's own contact block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct Helpdesk {
    pub phone: Option<String>,
    /// An `https` page; the window opens it in the default browser through `open_helpdesk`.
    pub url: Option<String>,
    pub hours: Option<String>,
}

/// What became of policy `extra_root_ca`.
#[derive(Debug, Clone)]
pub enum ExtraRoots {
    /// No policy names a file: the OS trust store alone.
    NotSet,
    Loaded(Vec<CertificateDer<'static>>),
    /// The file adds nothing; the OS trust store alone is used and diagnostics say why.
    Refused(TrustError),
}

impl ExtraRoots {
    fn load(path: Option<&str>) -> ExtraRoots {
        let Some(path) = path else {
            return ExtraRoots::NotSet;
        };
        match trust::read_extra_roots(std::path::Path::new(path)) {
            Ok(roots) => ExtraRoots::Loaded(roots),
            Err(error) => ExtraRoots::Refused(error),
        }
    }

    /// The certificates to trust besides the OS store.
    pub fn certificates(&self) -> Vec<CertificateDer<'static>> {
        match self {
            ExtraRoots::Loaded(roots) => roots.clone(),
            ExtraRoots::NotSet | ExtraRoots::Refused(_) => Vec::new(),
        }
    }

    /// For diagnostics: `not_set`, `loaded:<count>` or `refused:<reason>`.
    pub fn summary(&self) -> String {
        match self {
            ExtraRoots::NotSet => "not_set".to_string(),
            ExtraRoots::Loaded(roots) => format!("loaded:{}", roots.len()),
            ExtraRoots::Refused(error) => format!("refused:{}", error.code()),
        }
    }
}

/// The policy in effect for this run.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub policy: Resolved,
    api_base_url: Option<String>,
    pub extra_roots: ExtraRoots,
}

impl Deployment {
    /// Reads every policy source of this OS and the environment (once, at start-up).
    pub fn load() -> Deployment {
        let environment = policy::environment_layer(|name| std::env::var(name).ok());
        Self::from_policy(
            policy::load_system_policy([environment]),
            cfg!(debug_assertions),
        )
    }

    fn from_policy(policy: Resolved, development_build: bool) -> Deployment {
        let api_base_url = policy
            .api_base_url
            .as_ref()
            .map(|setting| setting.value.clone())
            .or_else(|| development_build.then(|| DEV_API_BASE_URL.to_string()));
        let extra_roots = ExtraRoots::load(policy.extra_root_ca.as_ref().map(|s| s.value.as_str()));
        Deployment {
            policy,
            api_base_url,
            extra_roots,
        }
    }

    /// A release build's deployment from an already resolved policy.
    #[cfg(test)]
    pub fn for_tests(policy: Resolved) -> Deployment {
        Self::from_policy(policy, false)
    }

    /// The account server's base URL; `None` when nothing names one (a release build without policy).
    pub fn api_base_url(&self) -> Option<&str> {
        self.api_base_url.as_deref()
    }

    /// The country the overseas switch preselects (policy `default_overseas_country`).
    pub fn default_overseas_country(&self) -> Option<&str> {
        self.policy
            .default_overseas_country
            .as_ref()
            .map(|s| s.value.as_str())
    }

    pub fn webmail_url(&self) -> Option<&str> {
        self.policy.webmail_url.as_ref().map(|s| s.value.as_str())
    }

    /// The helpdesk in `locale`; `None` shows the notice's own contact block.
    pub fn helpdesk(&self, locale: Locale) -> Option<Helpdesk> {
        let helpdesk = &self.policy.helpdesk.as_ref()?.value;
        let text =
            |t: &Option<policy::LocalizedText>| t.as_ref().map(|t| t.get(locale).to_string());
        Some(Helpdesk {
            phone: text(&helpdesk.phone),
            url: text(&helpdesk.url),
            hours: text(&helpdesk.hours),
        })
    }

    /// The languages the user may choose from.
    pub fn allowed_locales(&self) -> &[Locale] {
        &self.policy.allowed_locales.value
    }

    /// The names of the keys an administrator set, for the UI's 관리자가 설정함 marks.
    pub fn managed_keys(&self) -> Vec<String> {
        self.policy
            .managed
            .iter()
            .map(|key: &Key| key.name().to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_identity_core::policy::{resolve, Layer, Source};

    fn deployment(layers: &[Layer], development_build: bool) -> Deployment {
        Deployment::from_policy(resolve(layers), development_build)
    }

    #[test]
    fn policy_names_the_server() {
        let d = deployment(
            &[Layer::new(Source::PolicyFile).with("api_base_url", "https://mail.example.com/api")],
            true,
        );
        assert_eq!(d.api_base_url(), Some("https://mail.example.com/api"));
        assert_eq!(d.managed_keys(), vec!["api_base_url".to_string()]);
    }

    #[test]
    fn development_build_defaults_to_the_local_reference_server() {
        assert_eq!(deployment(&[], true).api_base_url(), Some(DEV_API_BASE_URL));
    }

    #[test]
    fn release_build_guesses_no_server() {
        let d = deployment(&[], false);
        assert_eq!(d.api_base_url(), None);
        assert_eq!(d.webmail_url(), None);
        assert_eq!(d.helpdesk(Locale::Ko), None);
    }

    #[test]
    fn an_unreadable_extra_root_file_is_reported_and_the_os_store_stays() {
        let d = deployment(
            &[Layer::new(Source::PolicyFile)
                .with("extra_root_ca", "/nonexistent/company-root.pem")],
            false,
        );
        assert_eq!(d.extra_roots.summary(), "refused:unreadable");
        assert!(d.extra_roots.certificates().is_empty());
        assert_eq!(deployment(&[], false).extra_roots.summary(), "not_set");
    }

    #[test]
    fn helpdesk_is_shown_in_the_users_language() {
        let d = deployment(
            &[Layer::new(Source::PolicyFile)
                .with("helpdesk.phone", "02-1234-5678")
                .with("helpdesk.hours.ko", "평일 08:30 ~ 17:30")
                .with("helpdesk.hours.en", "Weekdays 08:30–17:30")],
            false,
        );
        let ko = d.helpdesk(Locale::Ko).expect("a helpdesk");
        assert_eq!(ko.phone.as_deref(), Some("02-1234-5678"));
        assert_eq!(ko.hours.as_deref(), Some("평일 08:30 ~ 17:30"));
        let en = d.helpdesk(Locale::En).expect("a helpdesk");
        assert_eq!(en.hours.as_deref(), Some("Weekdays 08:30–17:30"));
    }
}
