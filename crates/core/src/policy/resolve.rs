//! Which value wins: the sources in precedence order, key by key, with the source of each value.
//!
//! Pure: the readers in [`super::sources`] hand over raw entries, and everything decided here can
//! be tested without a registry, a managed-preferences folder or a file.

use super::keys::{
    is_consent_like, Helpdesk, Key, LogLevel, Policy, ProblemKind, Reason, Updates,
    DEFAULT_DRAFT_LIFETIME_DAYS,
};
use crate::locale::Locale;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Where a value came from, highest precedence first (the derived order is the precedence).
///
/// Windows and macOS sources never coexist on one machine, but the rule is the same everywhere:
/// machine-wide before per-user, administrator before user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `HKLM\SOFTWARE\Policies\Mailplug\MailIdentity` (Group Policy, the MSI's properties).
    HklmPolicy,
    /// `HKCU\SOFTWARE\Policies\Mailplug\MailIdentity` (user Group Policy; not writable by users).
    HkcuPolicy,
    /// macOS forced managed preferences for the whole computer:
    /// `/Library/Managed Preferences/com.mailplug.mailidentity.plist`.
    ManagedPreferences,
    /// macOS forced managed preferences for this user:
    /// `/Library/Managed Preferences/<user>/com.mailplug.mailidentity.plist`. Below the computer's,
    /// as HKCU is below HKLM.
    UserManagedPreferences,
    /// The system-wide `policy.json` ([`super::sources::policy_file_path`]).
    PolicyFile,
    /// The process environment (`MAIL_IDENTITY_*`), read by development builds only (`cargo xtask
    /// run`, the tests): see [`super::environment`]. Not managed.
    Environment,
    /// The user's own settings, handed in by the app.
    UserSettings,
    /// The app's built-in default.
    Default,
}

impl Source {
    /// True for a source only an administrator can write: its keys are locked in the UI
    /// (관리자가 설정함) and the user's settings cannot override them.
    pub fn is_managed(self) -> bool {
        matches!(
            self,
            Source::HklmPolicy
                | Source::HkcuPolicy
                | Source::ManagedPreferences
                | Source::UserManagedPreferences
                | Source::PolicyFile
        )
    }
}

/// Longest key name kept in a report; longer names are cut, never echoed in full.
const MAX_REPORTED_NAME_CHARS: usize = 64;
/// Most entries read from one source; the rest are ignored and reported once.
pub const MAX_ENTRIES: usize = 256;

/// Something wrong in one source, for diagnostics. It names the key, never the value: values are
/// configuration, not personal data, but a report has no reason to carry them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    pub source: Source,
    /// The key or field as the source spelled it (`helpdesk.url`), cut to 64 characters with
    /// control and invisible characters escaped; `None` for a problem with the whole source.
    pub key: Option<String>,
    /// Flattened in JSON: `{"source": …, "key": …, "kind": "wrong_type", "expected": "integer"}`.
    #[serde(flatten)]
    pub kind: ProblemKind,
}

impl Problem {
    /// A problem with `key` in `source`; the name is made safe to print.
    pub fn new(source: Source, key: Option<&str>, kind: ProblemKind) -> Problem {
        Problem {
            source,
            key: key.map(printable_name),
            kind,
        }
    }
}

/// `name` cut and escaped so that a hostile source cannot flood or garble a report or a terminal.
fn printable_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == MAX_REPORTED_NAME_CHARS {
            out.push('…');
            break;
        }
        if c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// What one source holds, as read: raw entries (a name, possibly dotted, and a JSON value), and the
/// problems met while reading it (a file too large, not JSON…).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub source: Source,
    pub entries: Vec<(String, Value)>,
    pub problems: Vec<Problem>,
}

impl Layer {
    /// An empty layer of `source`.
    pub fn new(source: Source) -> Layer {
        Layer {
            source,
            entries: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Adds one entry (builder style, handy for the app's user settings and for tests).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Layer {
        self.entries.push((name.into(), value.into()));
        self
    }

    /// A layer of the members of a JSON object.
    pub fn from_object(source: Source, object: Map<String, Value>) -> Layer {
        Layer {
            source,
            entries: object.into_iter().collect(),
            problems: Vec::new(),
        }
    }
}

/// One effective value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    /// True when an administrator set this value (show it locked: 관리자가 설정함).
    pub fn is_managed(&self) -> bool {
        self.source.is_managed()
    }
}

/// The effective configuration. Keys without a built-in default are `None` when nothing sets them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Resolved {
    pub api_base_url: Option<Setting<String>>,
    pub webmail_url: Option<Setting<String>>,
    pub helpdesk: Option<Setting<Helpdesk>>,
    /// The language when the user has not chosen one; see [`Resolved::effective_locale`].
    pub default_locale: Option<Setting<Locale>>,
    pub allowed_locales: Setting<Vec<Locale>>,
    pub default_overseas_country: Option<Setting<String>>,
    /// `None`: the system's proxy settings.
    pub proxy: Option<Setting<String>>,
    /// An absolute path to a PEM file, added to the OS trust store's roots; the app checks it.
    pub extra_root_ca: Option<Setting<String>>,
    pub draft_lifetime_days: Setting<u32>,
    /// `None`: the server's setting (the re-confirm card is then not locked).
    pub reconfirm_days: Option<Setting<u32>>,
    pub updates: Setting<Updates>,
    pub log_level: Setting<LogLevel>,
    /// Every key an administrator set, validly or not: lock these in the UI. A key whose managed
    /// value was refused is still locked; it falls back to a lower managed source or the default,
    /// never to the user's setting, so that a typo in policy does not hand the key to the user.
    pub managed: BTreeSet<Key>,
    pub problems: Vec<Problem>,
}

impl Resolved {
    /// True when `key` is administered: show it locked (관리자가 설정함).
    pub fn is_managed(&self, key: Key) -> bool {
        self.managed.contains(&key)
    }

    /// Where the effective value of `key` comes from; `None` when it has no value.
    pub fn source_of(&self, key: Key) -> Option<Source> {
        match key {
            Key::ApiBaseUrl => self.api_base_url.as_ref().map(|s| s.source),
            Key::WebmailUrl => self.webmail_url.as_ref().map(|s| s.source),
            Key::Helpdesk => self.helpdesk.as_ref().map(|s| s.source),
            Key::DefaultLocale => self.default_locale.as_ref().map(|s| s.source),
            Key::AllowedLocales => Some(self.allowed_locales.source),
            Key::DefaultOverseasCountry => self.default_overseas_country.as_ref().map(|s| s.source),
            Key::Proxy => self.proxy.as_ref().map(|s| s.source),
            Key::ExtraRootCa => self.extra_root_ca.as_ref().map(|s| s.source),
            Key::DraftLifetimeDays => Some(self.draft_lifetime_days.source),
            Key::ReconfirmDays => self.reconfirm_days.as_ref().map(|s| s.source),
            Key::Updates => Some(self.updates.source),
            Key::LogLevel => Some(self.log_level.source),
        }
    }

    /// The language to show: the user's choice if allowed, else the policy's default, else the
    /// OS's language if allowed, else the first allowed one. A managed `default_locale` is a
    /// default, not a lock: restricting the choice is `allowed_locales`' job.
    pub fn effective_locale(&self, user_choice: Option<&str>, os_locale: Option<&str>) -> Locale {
        let allowed = &self.allowed_locales.value;
        let is_allowed = |l: &Locale| allowed.contains(l);
        user_choice
            .and_then(Locale::from_tag)
            .filter(is_allowed)
            .or_else(|| self.default_locale.as_ref().map(|s| s.value))
            .or_else(|| Some(Locale::from_os(os_locale)).filter(is_allowed))
            .or_else(|| allowed.first().copied())
            .unwrap_or_default()
    }
}

/// One source's valid values, the keys it mentions (valid or not) and its problems.
struct Checked {
    source: Source,
    policy: Policy,
    present: BTreeSet<Key>,
}

/// Turns one layer's raw entries into typed values, reporting everything it refuses.
fn check(layer: &Layer, problems: &mut Vec<Problem>) -> Checked {
    let source = layer.source;
    problems.extend(layer.problems.iter().cloned());
    if layer.entries.len() > MAX_ENTRIES {
        problems.push(Problem::new(
            source,
            None,
            ProblemKind::TooLarge { limit: MAX_ENTRIES },
        ));
    }
    let mut values: BTreeMap<Key, Value> = BTreeMap::new();
    let mut whole: BTreeSet<Key> = BTreeSet::new();
    for (name, value) in layer.entries.iter().take(MAX_ENTRIES) {
        let mut path = name.trim().split('.');
        let top = path.next().unwrap_or_default();
        let Some(key) = Key::from_name(top) else {
            let kind = if is_consent_like(name) {
                ProblemKind::ConsentNotAllowed
            } else {
                ProblemKind::UnknownKey
            };
            problems.push(Problem::new(source, Some(name), kind));
            continue;
        };
        // Field names are lower-case ASCII: `Helpdesk.Phone.KO` and `helpdesk.phone.ko` are one field.
        let rest: Vec<String> = path.map(str::to_ascii_lowercase).collect();
        let placed = if rest.is_empty() {
            let free = !values.contains_key(&key);
            if free {
                whole.insert(key);
                values.insert(key, value.clone());
            }
            free
        } else {
            !whole.contains(&key)
                && place(
                    values
                        .entry(key)
                        .or_insert_with(|| Value::Object(Map::new())),
                    &rest,
                    value,
                )
        };
        if !placed {
            problems.push(Problem::new(source, Some(name), ProblemKind::Duplicate));
        }
    }
    let mut policy = Policy::default();
    let mut present = BTreeSet::new();
    for (key, value) in &values {
        present.insert(*key);
        let mut fields = Vec::new();
        if let Err(kind) = policy.set(*key, value, &mut fields) {
            problems.push(Problem::new(source, Some(key.name()), kind));
        }
        for (field, kind) in fields {
            problems.push(Problem::new(source, Some(&field), kind));
        }
    }
    Checked {
        source,
        policy,
        present,
    }
}

/// Puts `value` at the dotted `path` inside `target`; false when something is already there.
fn place(target: &mut Value, path: &[String], value: &Value) -> bool {
    let Value::Object(object) = target else {
        return false;
    };
    match path {
        [] => false,
        [last] => {
            if object.contains_key(last) {
                return false;
            }
            object.insert(last.clone(), value.clone());
            true
        }
        [first, rest @ ..] => place(
            object
                .entry(first.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            rest,
            value,
        ),
    }
}

/// Resolves `layers` into the effective configuration.
///
/// Precedence follows [`Source`]'s order, whatever the order of `layers`. Each key is taken whole
/// from the highest source that sets it validly (the fields of `helpdesk` or `updates` are never
/// mixed across sources). A key that any managed source mentions ignores the non-managed sources.
/// Unknown keys, consent-like keys and refused values are reported in `problems` and ignored.
pub fn resolve(layers: &[Layer]) -> Resolved {
    let mut problems = Vec::new();
    let mut checked: Vec<Checked> = layers.iter().map(|l| check(l, &mut problems)).collect();
    checked.sort_by_key(|c| c.source);
    let managed: BTreeSet<Key> = checked
        .iter()
        .filter(|c| c.source.is_managed())
        .flat_map(|c| c.present.iter().copied())
        .collect();

    // The highest eligible source's valid value of one key.
    macro_rules! pick {
        ($key:expr, $field:ident) => {
            checked
                .iter()
                .filter(|c| c.source.is_managed() || !managed.contains(&$key))
                .find_map(|c| {
                    c.policy.$field.clone().map(|value| Setting {
                        value,
                        source: c.source,
                    })
                })
        };
    }
    fn or_default<T>(setting: Option<Setting<T>>, value: T) -> Setting<T> {
        setting.unwrap_or(Setting {
            value,
            source: Source::Default,
        })
    }

    let allowed_locales = or_default(
        pick!(Key::AllowedLocales, allowed_locales),
        Locale::ALL.to_vec(),
    );
    let mut default_locale = pick!(Key::DefaultLocale, default_locale);
    if let Some(setting) = &default_locale {
        if !allowed_locales.value.contains(&setting.value) {
            problems.push(Problem::new(
                setting.source,
                Some(Key::DefaultLocale.name()),
                ProblemKind::InvalidValue {
                    reason: Reason::NotAllowedLocale,
                },
            ));
            default_locale = None;
        }
    }

    Resolved {
        api_base_url: pick!(Key::ApiBaseUrl, api_base_url),
        webmail_url: pick!(Key::WebmailUrl, webmail_url),
        helpdesk: pick!(Key::Helpdesk, helpdesk),
        default_locale,
        allowed_locales,
        default_overseas_country: pick!(Key::DefaultOverseasCountry, default_overseas_country),
        proxy: pick!(Key::Proxy, proxy),
        extra_root_ca: pick!(Key::ExtraRootCa, extra_root_ca),
        draft_lifetime_days: or_default(
            pick!(Key::DraftLifetimeDays, draft_lifetime_days),
            DEFAULT_DRAFT_LIFETIME_DAYS,
        ),
        reconfirm_days: pick!(Key::ReconfirmDays, reconfirm_days),
        updates: or_default(pick!(Key::Updates, updates), Updates::default()),
        log_level: or_default(pick!(Key::LogLevel, log_level), LogLevel::default()),
        managed,
        problems,
    }
}
