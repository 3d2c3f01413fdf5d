//! The readers: each turns one source into a [`Layer`] of raw entries, and nothing more.
//!
//! The OS-specific reads are kept thin (open, enumerate, convert the value types) so that every
//! decision stays in the pure, tested [`super::resolve`]. On an OS a source does not exist on, its
//! reader compiles to nothing.
//!
//! Naming scheme, the same everywhere: the key names of [`super::Key`], any ASCII case. A flat
//! source (the registry, environment variables) writes a nested field with dots in the value name
//! (`helpdesk.phone`, `helpdesk.phone.ko`, `updates.enabled`); a source with structure (JSON, a
//! plist) may nest objects or use the same dotted names. Registry subkeys are not read.
//!
//! [`REGISTRY_VALUES`] names the registry values each key is read from, with their types and
//! limits: what the Group Policy template offers, and is tested against.

use super::keys::{
    Key, ProblemKind, COUNTRY_CODE_CHARS, DRAFT_LIFETIME_DAYS_MAX, DRAFT_LIFETIME_DAYS_MIN,
    MAX_HOURS_CHARS, MAX_PATH_CHARS, MAX_PHONE_CHARS, MAX_URL_CHARS, RECONFIRM_DAYS_MAX,
};
use super::resolve::{Layer, Problem, Source, MAX_ENTRIES};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The registry key under `HKLM` and `HKCU` (Group Policy's conventional place; both hives'
/// `Policies` keys are writable by administrators only).
pub const REGISTRY_PATH: &str = r"SOFTWARE\Policies\Mailplug\MailIdentity";
/// The macOS preference domain: the app's bundle identifier, and the `.mobileconfig`'s
/// `PayloadType`.
pub const PREFERENCE_DOMAIN: &str = "com.mailplug.mailidentity";
/// The largest policy file or managed-preferences file read; a larger one is refused unread.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;
/// The largest single registry text read; a larger value is refused.
pub const MAX_REGISTRY_TEXT_BYTES: usize = 8 * 1024;

/// Where the system-wide `policy.json` lives on this OS. It and its folder must be an
/// administrator's, or the file is ignored ([`protected_policy_file_layer`]): on Windows,
/// `%ProgramData%` lets users create folders, so a user could make this one first; the installers
/// (re)set its ACL to administrators-only.
pub fn policy_file_path() -> PathBuf {
    #[cfg(windows)]
    {
        // `%ProgramData%` is an environment variable a user could change, but a user who points it
        // elsewhere only locks their own settings: nothing here grants more than they already have.
        let base = std::env::var_os("ProgramData")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"));
        base.join("Mailplug")
            .join("MailIdentity")
            .join("policy.json")
    }
    #[cfg(target_os = "macos")]
    {
        PathBuf::from("/Library/Application Support/Mailplug/MailIdentity/policy.json")
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    {
        PathBuf::from("/etc/mail-identity/policy.json")
    }
}

/// Reads at most [`MAX_FILE_BYTES`] of a regular file; `Ok(None)` when there is no file.
/// A file announcing a larger size is refused before any of it is read.
pub fn read_capped(path: &Path) -> Result<Option<Vec<u8>>, ProblemKind> {
    match open_regular(path)? {
        None => Ok(None),
        Some(file) => read_open(file).map(Some),
    }
}

/// Opens a regular file for reading; `Ok(None)` when there is no file.
fn open_regular(path: &Path) -> Result<Option<std::fs::File>, ProblemKind> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(ProblemKind::Unreadable),
    };
    let metadata = file.metadata().map_err(|_| ProblemKind::Unreadable)?;
    if !metadata.is_file() {
        return Err(ProblemKind::Unreadable);
    }
    Ok(Some(file))
}

/// Reads at most [`MAX_FILE_BYTES`] of an opened file.
fn read_open(file: std::fs::File) -> Result<Vec<u8>, ProblemKind> {
    let metadata = file.metadata().map_err(|_| ProblemKind::Unreadable)?;
    let too_large = ProblemKind::TooLarge {
        limit: MAX_FILE_BYTES as usize,
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large);
    }
    // The size can change between the check and the read: never read more than the cap + 1.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| ProblemKind::Unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large);
    }
    Ok(bytes)
}

/// The policy file at `path` as a [`Source::PolicyFile`] layer, whoever wrote it; `None` when
/// there is no file. For checking a file an administrator names (`policy show --file`); the
/// app's own reading goes through [`protected_policy_file_layer`].
pub fn policy_file_layer(path: &Path) -> Option<Layer> {
    match read_capped(path) {
        Ok(None) => None,
        Ok(Some(bytes)) => Some(parse_policy_file(&bytes)),
        Err(kind) => Some(failed(Source::PolicyFile, kind)),
    }
}

/// The system policy file at `path`, read only when it and its folder are an administrator's
/// ([`super::protection`]); otherwise a layer holding only the problem
/// [`ProblemKind::NotProtected`], so that the report says why the file was ignored.
pub fn protected_policy_file_layer(path: &Path) -> Option<Layer> {
    let file = match open_regular(path) {
        Ok(None) => return None,
        Ok(Some(file)) => file,
        Err(kind) => return Some(failed(Source::PolicyFile, kind)),
    };
    if let Err((part, fault)) = super::protection::check(&file, path) {
        return Some(failed(
            Source::PolicyFile,
            ProblemKind::NotProtected { part, fault },
        ));
    }
    match read_open(file) {
        Ok(bytes) => Some(parse_policy_file(&bytes)),
        Err(kind) => Some(failed(Source::PolicyFile, kind)),
    }
}

fn failed(source: Source, kind: ProblemKind) -> Layer {
    let mut layer = Layer::new(source);
    layer.problems.push(Problem::new(source, None, kind));
    layer
}

/// Parses the content of a policy file: a JSON object in UTF-8 (a byte-order mark is allowed, and
/// so is UTF-16 with one, which is what Windows PowerShell 5's `Out-File` writes).
pub fn parse_policy_file(bytes: &[u8]) -> Layer {
    let source = Source::PolicyFile;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return failed(
            source,
            ProblemKind::TooLarge {
                limit: MAX_FILE_BYTES as usize,
            },
        );
    }
    let text = match decode(bytes) {
        Some(text) => text,
        None => return failed(source, ProblemKind::InvalidUtf8),
    };
    // serde_json refuses nesting deeper than 128 levels with an error, not a stack overflow.
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(object)) => Layer::from_object(source, object),
        Ok(_) => failed(source, ProblemKind::NotAnObject),
        Err(e) => failed(
            source,
            ProblemKind::InvalidJson {
                line: e.line(),
                column: e.column(),
            },
        ),
    }
}

fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| {
        if !rest.len().is_multiple_of(2) {
            return None;
        }
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| from([c[0], c[1]])).collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// A registry value, as far as policy cares about its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryValue {
    /// `REG_SZ`, or `REG_EXPAND_SZ` (not expanded).
    Text(String),
    /// `REG_MULTI_SZ`.
    MultiText(Vec<String>),
    /// `REG_DWORD`.
    Dword(u32),
    /// `REG_QWORD`.
    Qword(u64),
    /// Any other type (`REG_BINARY`…): refused by the key's check as the wrong type.
    Other,
}

/// What one registry value holds, as the reader and the key's check take it, and so what a Group
/// Policy template must offer for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryKind {
    /// `REG_SZ` of at most `max_chars` characters (a template's text box).
    Text { max_chars: usize },
    /// `REG_SZ` holding one word of a closed set that the key's check knows, such as a language
    /// or a log level (a template's drop-down list).
    Choice,
    /// A list: `REG_SZ` with the items separated by commas, or `REG_MULTI_SZ` (a template's
    /// drop-down list of the allowed combinations, or a multi-line text box).
    TextList,
    /// `REG_DWORD` from `min` to `max`.
    Integer { min: u32, max: u32 },
    /// `REG_DWORD` `1` for true, `0` for false (a template policy's own enabled/disabled state).
    Boolean,
}

/// One registry value under [`REGISTRY_PATH`] that the reader turns into (part of) a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryValueSpec {
    pub key: Key,
    /// The value name: the key's name, or `key.field` and `key.field.ko`/`.en` for a field of a
    /// composite key.
    pub name: &'static str,
    pub kind: RegistryKind,
    /// A valid value, written as an administrator would type it (a number for `REG_DWORD`).
    pub example: &'static str,
}

const URL: RegistryKind = RegistryKind::Text {
    max_chars: MAX_URL_CHARS,
};
const PHONE: RegistryKind = RegistryKind::Text {
    max_chars: MAX_PHONE_CHARS,
};
const HOURS: RegistryKind = RegistryKind::Text {
    max_chars: MAX_HOURS_CHARS,
};

const fn value(
    key: Key,
    name: &'static str,
    kind: RegistryKind,
    example: &'static str,
) -> RegistryValueSpec {
    RegistryValueSpec {
        key,
        name,
        kind,
        example,
    }
}

/// The registry values by which Group Policy sets each key: one per input an administrator fills
/// in, every key of [`Key::ALL`] at least once. The Group Policy template
/// (`installer/windows/policy-templates/mail-identity.admx`) offers exactly these, which its test
/// checks.
///
/// A helpdesk field is listed per language (`helpdesk.phone.ko`, `helpdesk.phone.en`) so that each
/// language can have its own text; the reader uses one language's text for both when only one is
/// given, and also reads a field written once for both (`helpdesk.phone`, which the installers
/// write).
pub const REGISTRY_VALUES: [RegistryValueSpec; 18] = [
    value(
        Key::ApiBaseUrl,
        "api_base_url",
        URL,
        "https://mail.example.co.kr/api",
    ),
    value(
        Key::WebmailUrl,
        "webmail_url",
        URL,
        "https://mail.example.co.kr",
    ),
    value(
        Key::Helpdesk,
        "helpdesk.phone.ko",
        PHONE,
        "02-1234-5678 (내선 2)",
    ),
    value(
        Key::Helpdesk,
        "helpdesk.phone.en",
        PHONE,
        "+82 2-1234-5678 (ext. 2)",
    ),
    value(
        Key::Helpdesk,
        "helpdesk.url.ko",
        URL,
        "https://help.example.co.kr/ko",
    ),
    value(
        Key::Helpdesk,
        "helpdesk.url.en",
        URL,
        "https://help.example.co.kr/en",
    ),
    value(
        Key::Helpdesk,
        "helpdesk.hours.ko",
        HOURS,
        "평일 09:00-18:00",
    ),
    value(
        Key::Helpdesk,
        "helpdesk.hours.en",
        HOURS,
        "Weekdays 9:00-18:00 KST",
    ),
    value(
        Key::DefaultLocale,
        "default_locale",
        RegistryKind::Choice,
        "ko",
    ),
    value(
        Key::AllowedLocales,
        "allowed_locales",
        RegistryKind::TextList,
        "ko,en",
    ),
    value(
        Key::DefaultOverseasCountry,
        "default_overseas_country",
        RegistryKind::Text {
            max_chars: COUNTRY_CODE_CHARS,
        },
        "US",
    ),
    value(Key::Proxy, "proxy", URL, "http://proxy.example.co.kr:8080"),
    value(
        Key::ExtraRootCa,
        "extra_root_ca",
        RegistryKind::Text {
            max_chars: MAX_PATH_CHARS,
        },
        r"C:\ProgramData\Mailplug\MailIdentity\corp-root.pem",
    ),
    value(
        Key::DraftLifetimeDays,
        "draft_lifetime_days",
        RegistryKind::Integer {
            min: DRAFT_LIFETIME_DAYS_MIN,
            max: DRAFT_LIFETIME_DAYS_MAX,
        },
        "14",
    ),
    value(
        Key::ReconfirmDays,
        "reconfirm_days",
        RegistryKind::Integer {
            min: 0,
            max: RECONFIRM_DAYS_MAX,
        },
        "365",
    ),
    value(Key::Updates, "updates.enabled", RegistryKind::Boolean, "0"),
    value(
        Key::Updates,
        "updates.endpoint",
        URL,
        "https://updates.example.co.kr/mail-identity/{{target}}/{{arch}}/{{current_version}}",
    ),
    value(Key::LogLevel, "log_level", RegistryKind::Choice, "info"),
];

impl Key {
    /// The registry values by which Group Policy sets this key ([`REGISTRY_VALUES`]).
    pub fn registry_values(self) -> impl Iterator<Item = &'static RegistryValueSpec> {
        REGISTRY_VALUES.iter().filter(move |spec| spec.key == self)
    }
}

/// A registry key's values as a layer of `source`. Pure, so that it is tested on every OS.
///
/// A blank text in a field of a composite key (`helpdesk.url.en`, `updates.endpoint`) is read as
/// absent: that is how Group Policy writes an optional text box the administrator left empty, and
/// the policy's other fields are meant, not refused. A blank top-level value is still a refused
/// value that locks its key.
pub fn registry_layer(source: Source, values: Vec<(String, RegistryValue)>) -> Layer {
    let mut layer = Layer::new(source);
    for (name, value) in values.into_iter().take(MAX_ENTRIES + 1) {
        let value = match value {
            RegistryValue::Text(t) if t.trim().is_empty() && is_field_of_a_key(&name) => continue,
            RegistryValue::Text(t) if t.len() > MAX_REGISTRY_TEXT_BYTES => {
                let kind = ProblemKind::TooLarge {
                    limit: MAX_REGISTRY_TEXT_BYTES,
                };
                layer.problems.push(Problem::new(source, Some(&name), kind));
                continue;
            }
            RegistryValue::Text(t) => Value::String(t),
            RegistryValue::MultiText(items) => {
                if items.iter().map(String::len).sum::<usize>() > MAX_REGISTRY_TEXT_BYTES {
                    let kind = ProblemKind::TooLarge {
                        limit: MAX_REGISTRY_TEXT_BYTES,
                    };
                    layer.problems.push(Problem::new(source, Some(&name), kind));
                    continue;
                }
                Value::Array(items.into_iter().map(Value::String).collect())
            }
            RegistryValue::Dword(n) => Value::from(n),
            RegistryValue::Qword(n) => Value::from(n),
            // Kept as `null` so that the key check reports the type it expected and the key,
            // set by an administrator after all, stays locked.
            RegistryValue::Other => Value::Null,
        };
        layer.entries.push((name, value));
    }
    layer
}

/// True for `key.field…` where `key` is a policy key.
fn is_field_of_a_key(name: &str) -> bool {
    name.split_once('.')
        .is_some_and(|(top, _)| Key::from_name(top).is_some())
}

/// Every administrator source of this OS, read now: the registry on Windows, forced managed
/// preferences on macOS, and the policy file everywhere (only when protected).
pub fn system_layers() -> Vec<Layer> {
    let mut layers = Vec::new();
    #[cfg(windows)]
    layers.extend(windows::read_all());
    #[cfg(target_os = "macos")]
    layers.extend(macos::read_all());
    layers.extend(protected_policy_file_layer(&policy_file_path()));
    layers
}

#[cfg(windows)]
#[path = "sources/windows.rs"]
mod windows;

#[cfg(target_os = "macos")]
#[path = "sources/macos.rs"]
mod macos;
