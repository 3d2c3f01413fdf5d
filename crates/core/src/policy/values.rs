//! The check of one raw policy value: each function turns a JSON value into the typed value of a
//! key, or a [`ProblemKind`] that says what was wrong without echoing the value.
//!
//! Kept apart from [`super::keys`] (the keys and their typed values) so that each file has one job.

use super::keys::{
    invalid, is_consent_like, wrong, Expected, FieldProblem, Helpdesk, LocalizedText, LogLevel,
    ProblemKind, Reason, Updates, COUNTRY_CODE_CHARS, MAX_HOURS_CHARS, MAX_PATH_CHARS,
    MAX_PHONE_CHARS, MAX_URL_CHARS,
};
use crate::locale::Locale;
use serde_json::{Map, Value};
use url::Url;

/// A trimmed, non-empty text of at most `max` characters without control characters.
pub fn text(value: &Value, max: usize) -> Result<String, ProblemKind> {
    let Value::String(raw) = value else {
        return Err(wrong(Expected::Text));
    };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(invalid(Reason::Empty));
    }
    if trimmed.chars().nth(max).is_some() {
        return Err(ProblemKind::TooLarge { limit: max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(invalid(Reason::ControlCharacters));
    }
    Ok(trimmed.to_string())
}

/// An integer, also when written as decimal text (MSI properties and `REG_SZ` values are text).
pub fn integer_in(value: &Value, min: u32, max: u32) -> Result<u32, ProblemKind> {
    let out_of_range = invalid(Reason::OutOfRange {
        min: i64::from(min),
        max: i64::from(max),
    });
    let number = match value {
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => return Err(out_of_range),
        Value::Number(n) => n.as_i64().ok_or(wrong(Expected::Integer))?,
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| wrong(Expected::Integer))?,
        _ => return Err(wrong(Expected::Integer)),
    };
    let number = u32::try_from(number).map_err(|_| out_of_range.clone())?;
    if (min..=max).contains(&number) {
        Ok(number)
    } else {
        Err(out_of_range)
    }
}

/// A boolean; also `0`/`1` (`REG_DWORD`) and the texts `true`/`false`/`1`/`0` (any case).
pub fn boolean(value: &Value) -> Result<bool, ProblemKind> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(wrong(Expected::Boolean)),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(wrong(Expected::Boolean)),
        },
        _ => Err(wrong(Expected::Boolean)),
    }
}

/// True for a host that names this machine: the one place clear-text HTTP is allowed.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn parsed_url(value: &Value) -> Result<(String, Url), ProblemKind> {
    let raw = text(value, MAX_URL_CHARS)?;
    let url = Url::parse(&raw).map_err(|_| invalid(Reason::NotAUrl))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(Reason::NotAUrl));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(Reason::CredentialsInUrl));
    }
    Ok((raw, url))
}

/// An `https` URL; `http` only to a loopback host.
pub fn https_url(value: &Value) -> Result<String, ProblemKind> {
    let (raw, url) = parsed_url(value)?;
    match url.scheme() {
        "https" => Ok(raw),
        "http" if is_loopback(&url) => Ok(raw),
        "http" | "ws" | "ftp" => Err(ProblemKind::Insecure),
        _ => Err(invalid(Reason::SchemeNotAllowed)),
    }
}

/// The account API's base URL: [`https_url`], without query or fragment, since the client
/// appends paths to it. A trailing `/` is dropped so that `…/api` and `…/api/` mean the same.
pub fn api_url(value: &Value) -> Result<String, ProblemKind> {
    let raw = https_url(value)?;
    let url = Url::parse(&raw).map_err(|_| invalid(Reason::NotAUrl))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(Reason::QueryOrFragment));
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// A proxy: `http`, `https`, `socks5` or `socks5h`, without credentials (a proxy that needs them
/// is configured in the system instead, where they are not readable by every user).
pub fn proxy_url(value: &Value) -> Result<String, ProblemKind> {
    let (raw, url) = parsed_url(value)?;
    match url.scheme() {
        "http" | "https" | "socks5" | "socks5h" => Ok(raw),
        _ => Err(invalid(Reason::SchemeNotAllowed)),
    }
}

/// An absolute path, judged the same on every OS (`/…`, `C:\…`, `\\server\share\…`) so that
/// the checks are the same in tests; environment variables are not expanded.
pub fn absolute_path(value: &Value) -> Result<String, ProblemKind> {
    let path = text(value, MAX_PATH_CHARS)?;
    let bytes = path.as_bytes();
    let unix = bytes.first() == Some(&b'/');
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    let unc = path.starts_with("\\\\") && path.len() > 2;
    if unix || drive || unc {
        Ok(path)
    } else {
        Err(invalid(Reason::NotAnAbsolutePath))
    }
}

/// `ko` or `en` (region variants such as `ko-KR` are accepted).
pub fn locale(value: &Value) -> Result<Locale, ProblemKind> {
    let tag = text(value, 32)?;
    Locale::from_tag(&tag).ok_or(invalid(Reason::UnknownLocale))
}

/// A non-empty list of supported locales, without repeats, in the order given. One unknown
/// locale refuses the whole list: a partial list would quietly narrow what the admin meant.
pub fn locales(value: &Value) -> Result<Vec<Locale>, ProblemKind> {
    let items = text_list(value)?;
    let mut out = Vec::new();
    for item in &items {
        let locale = locale(item)?;
        if !out.contains(&locale) {
            out.push(locale);
        }
    }
    if out.is_empty() {
        return Err(invalid(Reason::EmptyList));
    }
    Ok(out)
}

/// A list of texts: a JSON array, or one text split at commas and line breaks.
fn text_list(value: &Value) -> Result<Vec<Value>, ProblemKind> {
    const MAX_ITEMS: usize = 16;
    let items: Vec<Value> = match value {
        Value::Array(items) => items.clone(),
        Value::String(s) => s
            .split([',', '\n', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.to_string()))
            .collect(),
        _ => return Err(wrong(Expected::TextList)),
    };
    if items.len() > MAX_ITEMS {
        return Err(ProblemKind::TooLarge { limit: MAX_ITEMS });
    }
    Ok(items)
}

/// An ISO 3166-1 alpha-2 code the phone engine and the country picker know, upper-cased.
pub fn country(value: &Value) -> Result<String, ProblemKind> {
    let code = text(value, 8)?;
    if code.len() != COUNTRY_CODE_CHARS || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(invalid(Reason::UnknownCountry));
    }
    crate::phone::country(&code)
        .map(|c| c.code)
        .ok_or(invalid(Reason::UnknownCountry))
}

/// `error`, `warn`, `info` or `debug`.
pub fn log_level(value: &Value) -> Result<LogLevel, ProblemKind> {
    match text(value, 16)?.to_ascii_lowercase().as_str() {
        "error" => Ok(LogLevel::Error),
        "warn" | "warning" => Ok(LogLevel::Warn),
        "info" => Ok(LogLevel::Info),
        "debug" => Ok(LogLevel::Debug),
        _ => Err(invalid(Reason::UnknownLogLevel)),
    }
}

/// The fields of a composite value, matched case-insensitively against `known`; the others are
/// reported under `parent.field`.
fn fields<'a>(
    object: &'a Map<String, Value>,
    parent: &str,
    known: &[&str],
    problems: &mut Vec<FieldProblem>,
) -> Vec<(&'static str, &'a Value)> {
    let mut out: Vec<(&'static str, &'a Value)> = Vec::new();
    for (name, value) in object {
        let field = format!("{parent}.{name}");
        match KNOWN_FIELDS
            .iter()
            .copied()
            .filter(|k| known.contains(k))
            .find(|k| k.eq_ignore_ascii_case(name.trim()))
        {
            Some(k) if out.iter().any(|(seen, _)| *seen == k) => {
                problems.push((field, ProblemKind::Duplicate));
            }
            Some(k) => out.push((k, value)),
            None if is_consent_like(name) => problems.push((field, ProblemKind::ConsentNotAllowed)),
            None => problems.push((field, ProblemKind::UnknownKey)),
        }
    }
    out
}

/// Every field name of a composite value, with `'static` lifetime for [`fields`].
const KNOWN_FIELDS: [&str; 7] = ["phone", "url", "hours", "ko", "en", "enabled", "endpoint"];

/// A text for every language, each checked with `check`.
fn localized(
    value: &Value,
    name: &str,
    check: &dyn Fn(&Value) -> Result<String, ProblemKind>,
    problems: &mut Vec<FieldProblem>,
) -> Result<LocalizedText, ProblemKind> {
    match value {
        Value::String(_) => check(value).map(LocalizedText::same),
        Value::Object(object) => {
            let (mut ko, mut en) = (None, None);
            for (field, v) in fields(object, name, &["ko", "en"], problems) {
                match check(v) {
                    Ok(t) if field == "ko" => ko = Some(t),
                    Ok(t) => en = Some(t),
                    Err(kind) => problems.push((format!("{name}.{field}"), kind)),
                }
            }
            match (ko, en) {
                (Some(ko), Some(en)) => Ok(LocalizedText { ko, en }),
                (Some(one), None) | (None, Some(one)) => Ok(LocalizedText::same(one)),
                (None, None) => Err(invalid(Reason::NoUsableField)),
            }
        }
        _ => Err(wrong(Expected::LocalizedText)),
    }
}

/// The helpdesk block: any of `phone`, `url`, `hours`; a refused field is reported and left out.
pub fn helpdesk(value: &Value, problems: &mut Vec<FieldProblem>) -> Result<Helpdesk, ProblemKind> {
    let Value::Object(object) = value else {
        return Err(wrong(Expected::Object));
    };
    let mut out = Helpdesk::default();
    for (field, v) in fields(object, "helpdesk", &["phone", "url", "hours"], problems) {
        let name = format!("helpdesk.{field}");
        let result = match field {
            "phone" => localized(v, &name, &|v| text(v, MAX_PHONE_CHARS), problems)
                .map(|t| out.phone = Some(t)),
            "url" => localized(v, &name, &https_url, problems).map(|t| out.url = Some(t)),
            _ => localized(v, &name, &|v| text(v, MAX_HOURS_CHARS), problems)
                .map(|t| out.hours = Some(t)),
        };
        if let Err(kind) = result {
            problems.push((name, kind));
        }
    }
    if out == Helpdesk::default() {
        return Err(invalid(Reason::NoUsableField));
    }
    Ok(out)
}

/// The updater: `{ "enabled": bool, "endpoint": "https://…" }`, or just `true`/`false`.
pub fn updates(value: &Value, problems: &mut Vec<FieldProblem>) -> Result<Updates, ProblemKind> {
    let object = match value {
        Value::Object(object) => object,
        Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            return boolean(value)
                .map(|enabled| Updates {
                    enabled,
                    endpoint: None,
                })
                .map_err(|_| wrong(Expected::ObjectOrBoolean));
        }
        _ => return Err(wrong(Expected::ObjectOrBoolean)),
    };
    let mut out = Updates::default();
    let mut usable = false;
    for (field, v) in fields(object, "updates", &["enabled", "endpoint"], problems) {
        let result = if field == "enabled" {
            boolean(v).map(|b| out.enabled = b)
        } else {
            https_url(v).map(|u| out.endpoint = Some(u))
        };
        match result {
            Ok(()) => usable = true,
            Err(kind) => problems.push((format!("updates.{field}"), kind)),
        }
    }
    if usable {
        Ok(out)
    } else {
        Err(invalid(Reason::NoUsableField))
    }
}
