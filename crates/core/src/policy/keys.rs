//! The policy keys: their names, their typed values, and the check of one raw value per key.
//!
//! Every source (registry, managed preferences, `policy.json`, the user's settings) is first turned
//! into raw JSON values; this module is the only place that decides whether such a value is
//! acceptable, so that a key means the same thing whichever source sets it. A refused value is
//! described by a [`ProblemKind`] and never echoed back: reports name the key, not the value.

use super::values::{
    absolute_path, api_url, country, helpdesk, https_url, integer_in, locale, locales, log_level,
    proxy_url, updates,
};
use crate::locale::Locale;
use serde::Serialize;
use serde_json::Value;

/// Longest accepted URL, in characters.
pub const MAX_URL_CHARS: usize = 2048;
/// Longest accepted helpdesk phone text (it may hold an extension: `02-1234-5678 (내선 2)`).
pub const MAX_PHONE_CHARS: usize = 64;
/// Longest accepted helpdesk hours text.
pub const MAX_HOURS_CHARS: usize = 200;
/// Longest accepted file path, in characters.
pub const MAX_PATH_CHARS: usize = 1024;
/// Length of a country code (ISO 3166-1 alpha-2), once trimmed.
pub const COUNTRY_CODE_CHARS: usize = 2;
/// Draft lifetime bounds, in days: long enough for a holiday, short enough that personal data
/// typed but never sent does not linger.
pub const DRAFT_LIFETIME_DAYS_MIN: u32 = 1;
/// See [`DRAFT_LIFETIME_DAYS_MIN`].
pub const DRAFT_LIFETIME_DAYS_MAX: u32 = 90;
/// The draft lifetime when nothing sets it.
pub const DEFAULT_DRAFT_LIFETIME_DAYS: u32 = 7;
/// Re-confirm bounds, in days: 0 turns the question off; at most ten years.
pub const RECONFIRM_DAYS_MAX: u32 = 3650;

/// A policy key. The names are the same in every source (`api_base_url`), compared without regard
/// to ASCII case; nested fields are written with dots where a source is flat (`helpdesk.phone.ko`).
///
/// There is deliberately no key about consent: consent is the employee's own act in the app, and
/// no administrator setting can give, withdraw or pre-tick it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Key {
    ApiBaseUrl,
    WebmailUrl,
    Helpdesk,
    DefaultLocale,
    AllowedLocales,
    DefaultOverseasCountry,
    Proxy,
    ExtraRootCa,
    DraftLifetimeDays,
    ReconfirmDays,
    Updates,
    LogLevel,
}

impl Key {
    /// Every key, in the order the admin guide lists them.
    pub const ALL: [Key; 12] = [
        Key::ApiBaseUrl,
        Key::WebmailUrl,
        Key::Helpdesk,
        Key::DefaultLocale,
        Key::AllowedLocales,
        Key::DefaultOverseasCountry,
        Key::Proxy,
        Key::ExtraRootCa,
        Key::DraftLifetimeDays,
        Key::ReconfirmDays,
        Key::Updates,
        Key::LogLevel,
    ];

    /// The key's name in every source.
    pub fn name(self) -> &'static str {
        match self {
            Key::ApiBaseUrl => "api_base_url",
            Key::WebmailUrl => "webmail_url",
            Key::Helpdesk => "helpdesk",
            Key::DefaultLocale => "default_locale",
            Key::AllowedLocales => "allowed_locales",
            Key::DefaultOverseasCountry => "default_overseas_country",
            Key::Proxy => "proxy",
            Key::ExtraRootCa => "extra_root_ca",
            Key::DraftLifetimeDays => "draft_lifetime_days",
            Key::ReconfirmDays => "reconfirm_days",
            Key::Updates => "updates",
            Key::LogLevel => "log_level",
        }
    }

    /// The key named `name` (any ASCII case, surrounding spaces ignored).
    pub fn from_name(name: &str) -> Option<Key> {
        let name = name.trim();
        Key::ALL
            .into_iter()
            .find(|key| key.name().eq_ignore_ascii_case(name))
    }
}

/// True for a name that looks like an attempt to give consent by policy (`consent`,
/// `auto_consent`, `agree`, `accept_notice`, `opt_in`, `동의`…): such keys get their own problem so
/// that an administrator reading the diagnostics learns why, not just that the key is unknown.
pub fn is_consent_like(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    ["consent", "agree", "accept", "optin", "동의", "승낙"]
        .iter()
        .any(|word| folded.contains(word))
}

/// What a value should have been.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    Text,
    Integer,
    Boolean,
    /// A list of texts (a JSON array, a REG_MULTI_SZ, or one text with commas).
    TextList,
    Object,
    /// A text, or an object with `ko` and/or `en` texts.
    LocalizedText,
    /// An object, or `true`/`false` for `updates`.
    ObjectOrBoolean,
}

/// Why a value of the right type was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    Empty,
    ControlCharacters,
    NotAUrl,
    SchemeNotAllowed,
    /// A user name or password inside a URL: policy is readable by every user of the machine.
    CredentialsInUrl,
    /// `api_base_url` must not carry `?query` or `#fragment`; paths are appended to it.
    QueryOrFragment,
    OutOfRange {
        min: i64,
        max: i64,
    },
    UnknownLocale,
    EmptyList,
    /// `default_locale` is not among the effective `allowed_locales`.
    NotAllowedLocale,
    UnknownCountry,
    NotAnAbsolutePath,
    /// `trace` is refused on purpose: at that level HTTP libraries log bodies.
    UnknownLogLevel,
    /// An object with none of its fields usable.
    NoUsableField,
}

/// What is wrong with one key, one value or one whole source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    /// A key no version of the app knows: ignored.
    UnknownKey,
    /// A key that looks like consent: ignored, because no policy can consent for a user.
    ConsentNotAllowed,
    WrongType {
        expected: Expected,
    },
    InvalidValue {
        reason: Reason,
    },
    /// Plain `http` (or another clear-text scheme) where the value must be `https`; only a
    /// loopback host may use `http`, for tests against a local server.
    Insecure,
    /// A value, a file or a registry key larger than `limit` (characters, bytes or entries).
    TooLarge {
        limit: usize,
    },
    /// The same key twice in one source (`helpdesk` and `helpdesk.phone`, or two spellings):
    /// the first one counts.
    Duplicate,
    /// The source exists but could not be read (permissions, I/O).
    Unreadable,
    InvalidJson {
        line: usize,
        column: usize,
    },
    InvalidUtf8,
    /// A policy file whose top level is not an object.
    NotAnObject,
    /// A policy file ignored unread: it or its folder could have been written by a non-administrator.
    NotProtected {
        part: super::protection::Part,
        fault: super::protection::Fault,
    },
    /// A `MAIL_IDENTITY_*` variable a release build does not honour (it is for development).
    EnvironmentIgnored,
}

impl ProblemKind {
    /// A stable code for logs and message catalogs (`cli.policy.problem.<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::UnknownKey => "unknown_key",
            ProblemKind::ConsentNotAllowed => "consent_not_allowed",
            ProblemKind::WrongType { .. } => "wrong_type",
            ProblemKind::InvalidValue { .. } => "invalid_value",
            ProblemKind::Insecure => "insecure",
            ProblemKind::TooLarge { .. } => "too_large",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::InvalidJson { .. } => "invalid_json",
            ProblemKind::InvalidUtf8 => "invalid_utf8",
            ProblemKind::NotAnObject => "not_an_object",
            ProblemKind::NotProtected { .. } => "not_protected",
            ProblemKind::EnvironmentIgnored => "environment_ignored",
        }
    }
}

pub(super) fn invalid(reason: Reason) -> ProblemKind {
    ProblemKind::InvalidValue { reason }
}

pub(super) fn wrong(expected: Expected) -> ProblemKind {
    ProblemKind::WrongType { expected }
}

/// A text shown to the user, possibly different per language. A plain text is used for both
/// languages; an object with only one of `ko`/`en` uses that one for both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LocalizedText {
    pub ko: String,
    pub en: String,
}

impl LocalizedText {
    /// The same text in every language.
    pub fn same(text: impl Into<String>) -> LocalizedText {
        let text = text.into();
        LocalizedText {
            ko: text.clone(),
            en: text,
        }
    }

    /// The text for `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Ko => &self.ko,
            Locale::En => &self.en,
        }
    }
}

/// The company's helpdesk contact block, shown on the help screen instead of the notice's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Helpdesk {
    pub phone: Option<LocalizedText>,
    /// An `https` page, opened in the default browser.
    pub url: Option<LocalizedText>,
    pub hours: Option<LocalizedText>,
}

/// The in-app updater.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Updates {
    pub enabled: bool,
    /// An `https` update manifest URL (it may hold the updater's `{{target}}`, `{{arch}}` and
    /// `{{current_version}}` placeholders); `None` keeps the one built into the app.
    pub endpoint: Option<String>,
}

impl Default for Updates {
    fn default() -> Updates {
        Updates {
            enabled: true,
            endpoint: None,
        }
    }
}

/// How much the app logs. There is no `trace`: at that level HTTP libraries log request and
/// response bodies, which hold personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
}

impl LogLevel {
    /// Every level, from the least to the most detailed.
    pub const ALL: [LogLevel; 4] = [
        LogLevel::Error,
        LogLevel::Warn,
        LogLevel::Info,
        LogLevel::Debug,
    ];

    /// The level's name, as written in policy and understood by `tracing`'s filters.
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// The valid values one source sets: every key optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Policy {
    pub api_base_url: Option<String>,
    pub webmail_url: Option<String>,
    pub helpdesk: Option<Helpdesk>,
    pub default_locale: Option<Locale>,
    pub allowed_locales: Option<Vec<Locale>>,
    pub default_overseas_country: Option<String>,
    pub proxy: Option<String>,
    /// An absolute path as written; whether the file exists and holds PEM is the app's check.
    pub extra_root_ca: Option<String>,
    pub draft_lifetime_days: Option<u32>,
    /// Days after the last registration, change or "keep" before the app asks whether the info
    /// is still right; 0 turns the question off. Wins over the server's setting.
    pub reconfirm_days: Option<u32>,
    pub updates: Option<Updates>,
    pub log_level: Option<LogLevel>,
}

/// A problem inside a composite value (`helpdesk.url`), with the dotted name of the field.
pub type FieldProblem = (String, ProblemKind);

impl Policy {
    /// Checks `value` for `key` and stores it. `Err` leaves the policy unchanged; problems of
    /// single fields of a composite value that was otherwise kept go to `fields`.
    pub fn set(
        &mut self,
        key: Key,
        value: &Value,
        fields: &mut Vec<FieldProblem>,
    ) -> Result<(), ProblemKind> {
        match key {
            Key::ApiBaseUrl => self.api_base_url = Some(api_url(value)?),
            Key::WebmailUrl => self.webmail_url = Some(https_url(value)?),
            Key::Helpdesk => self.helpdesk = Some(helpdesk(value, fields)?),
            Key::DefaultLocale => self.default_locale = Some(locale(value)?),
            Key::AllowedLocales => self.allowed_locales = Some(locales(value)?),
            Key::DefaultOverseasCountry => self.default_overseas_country = Some(country(value)?),
            Key::Proxy => self.proxy = Some(proxy_url(value)?),
            Key::ExtraRootCa => self.extra_root_ca = Some(absolute_path(value)?),
            Key::DraftLifetimeDays => {
                self.draft_lifetime_days = Some(integer_in(
                    value,
                    DRAFT_LIFETIME_DAYS_MIN,
                    DRAFT_LIFETIME_DAYS_MAX,
                )?)
            }
            Key::ReconfirmDays => {
                self.reconfirm_days = Some(integer_in(value, 0, RECONFIRM_DAYS_MAX)?)
            }
            Key::Updates => self.updates = Some(updates(value, fields)?),
            Key::LogLevel => self.log_level = Some(log_level(value)?),
        }
        Ok(())
    }
}
