//! What a [`super::Service`] is opened with: where its data lives, which server it talks to and
//! how, and what policy sets (the draft lifetime, a proxy, extra root certificates).

use super::backoff::BackoffPolicy;
use super::credentials::CredentialChoice;
use crate::policy::keys::DEFAULT_DRAFT_LIFETIME_DAYS;
use std::path::PathBuf;
use std::time::Duration;

/// What [`super::Service::open`] needs.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The app data directory (created owner-only when missing).
    pub data_dir: PathBuf,
    /// The account API's base URL (policy, settings, or the reference server in dev builds).
    pub api_base_url: String,
    pub app_version: String,
    /// e.g. `windows 10.0.22631`, `macos 14.5`: sent in the User-Agent and kept in receipts.
    pub os: String,
    pub credential_store: CredentialChoice,
    /// How long a draft lives (policy; [`DEFAULT_DRAFT_LIFETIME_DAYS`] by default).
    pub draft_lifetime_days: u32,
    /// Policy's `reconfirm_days`, when IT set it: it wins over the server's setting and the
    /// re-confirm card shows it locked. `None`: the server's setting.
    pub reconfirm_days: Option<u32>,
    /// The language of the messages that carry codes, until [`super::Service::set_locale`] says
    /// otherwise (the UI's language).
    pub locale: crate::locale::Locale,
    /// A proxy URL from policy; `None` uses the system's.
    pub proxy: Option<String>,
    /// Root certificates trusted in addition to the OS store (policy `extra_root_ca`).
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    pub backoff: BackoffPolicy,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl ServiceConfig {
    /// The production defaults; the OS credential store under the service name `mail-identity`.
    pub fn new(
        data_dir: impl Into<PathBuf>,
        api_base_url: &str,
        app_version: &str,
        os: &str,
    ) -> Self {
        ServiceConfig {
            data_dir: data_dir.into(),
            api_base_url: api_base_url.to_string(),
            app_version: app_version.to_string(),
            os: os.to_string(),
            credential_store: CredentialChoice::OsOrMemory {
                service: "mail-identity".to_string(),
            },
            draft_lifetime_days: DEFAULT_DRAFT_LIFETIME_DAYS,
            reconfirm_days: None,
            locale: crate::locale::Locale::Ko,
            proxy: None,
            extra_roots: Vec::new(),
            backoff: BackoffPolicy::default(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
        }
    }
}
