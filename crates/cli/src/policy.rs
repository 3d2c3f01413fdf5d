//! `policy show`: the effective policy, each value's source, and the problems found, for an
//! administrator checking a machine or a `policy.json` before deploying it.

use mail_identity_core::locale::Locale;
use mail_identity_core::policy::keys::{Expected, Reason};
use mail_identity_core::policy::protection::{Fault, Part};
use mail_identity_core::policy::{
    self, resolve, Key, LocalizedText, ProblemKind, Resolved, Setting, Source,
};
use rust_i18n::t;
use std::io::{self, Write};
use std::path::Path;

/// Resolves this machine's sources, or only `file`, and writes the result; `Ok(false)` when any
/// problem was found (exit status 1), so that a deployment script can check a file.
pub fn show(
    file: Option<&Path>,
    json: bool,
    locale: Locale,
    out: &mut impl Write,
) -> io::Result<bool> {
    let resolved = match file {
        // A file that does not exist is a problem worth saying here, unlike on a machine.
        Some(path) => resolve(&[policy::policy_file_layer(path).unwrap_or_else(|| {
            let mut layer = policy::Layer::new(Source::PolicyFile);
            layer.problems.push(policy::Problem::new(
                Source::PolicyFile,
                None,
                ProblemKind::Unreadable,
            ));
            layer
        })]),
        None => {
            policy::load_system_policy([policy::environment_layer(|name| std::env::var(name).ok())])
        }
    };
    if json {
        serde_json::to_writer_pretty(&mut *out, &resolved)?;
        writeln!(out)?;
    } else {
        render(&resolved, file, locale, out)?;
    }
    Ok(resolved.problems.is_empty())
}

/// The human-readable report.
pub fn render(
    resolved: &Resolved,
    file: Option<&Path>,
    locale: Locale,
    out: &mut impl Write,
) -> io::Result<()> {
    let l = locale.tag();
    writeln!(out, "{}", t!("cli.policy.title", locale = l))?;
    if let Some(path) = file {
        let path = path.display().to_string();
        writeln!(
            out,
            "{}",
            t!("cli.policy.checked_file", locale = l, path = path)
        )?;
    }
    writeln!(out)?;
    for key in Key::ALL {
        let value = value_text(resolved, key);
        let value = value.unwrap_or_else(|| t!("cli.policy.not_set", locale = l).into_owned());
        let origin = match resolved.source_of(key) {
            Some(source) => source_name(source, locale),
            None => "-".into(),
        };
        let lock = if resolved.is_managed(key) {
            format!(" · {}", t!("cli.policy.managed", locale = l))
        } else {
            String::new()
        };
        writeln!(out, "  {:<26} {value}  [{origin}{lock}]", key.name())?;
    }
    writeln!(out)?;
    if resolved.problems.is_empty() {
        writeln!(out, "{}", t!("cli.policy.no_problems", locale = l))?;
        return Ok(());
    }
    let count = resolved.problems.len().to_string();
    writeln!(
        out,
        "{}",
        t!("cli.policy.problems", locale = l, count = count)
    )?;
    for problem in &resolved.problems {
        let key = problem
            .key
            .clone()
            .unwrap_or_else(|| t!("cli.policy.whole_source", locale = l).into_owned());
        writeln!(
            out,
            "  [{}] {key}: {}",
            source_name(problem.source, locale),
            problem_text(&problem.kind, locale)
        )?;
    }
    Ok(())
}

fn value_text(resolved: &Resolved, key: Key) -> Option<String> {
    fn text<T: ToString>(setting: &Option<Setting<T>>) -> Option<String> {
        setting.as_ref().map(|s| s.value.to_string())
    }
    let localized = |t: &LocalizedText| {
        if t.ko == t.en {
            t.ko.clone()
        } else {
            format!("ko: {} / en: {}", t.ko, t.en)
        }
    };
    match key {
        Key::ApiBaseUrl => text(&resolved.api_base_url),
        Key::WebmailUrl => text(&resolved.webmail_url),
        Key::Helpdesk => resolved.helpdesk.as_ref().map(|s| {
            let h = &s.value;
            [("phone", &h.phone), ("url", &h.url), ("hours", &h.hours)]
                .into_iter()
                .filter_map(|(name, field)| {
                    field.as_ref().map(|t| format!("{name}={}", localized(t)))
                })
                .collect::<Vec<_>>()
                .join("; ")
        }),
        Key::DefaultLocale => resolved
            .default_locale
            .as_ref()
            .map(|s| s.value.tag().into()),
        Key::AllowedLocales => Some(
            resolved
                .allowed_locales
                .value
                .iter()
                .map(|l| l.tag())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Key::DefaultOverseasCountry => text(&resolved.default_overseas_country),
        Key::Proxy => text(&resolved.proxy),
        Key::ExtraRootCa => text(&resolved.extra_root_ca),
        Key::DraftLifetimeDays => Some(resolved.draft_lifetime_days.value.to_string()),
        Key::ReconfirmDays => resolved
            .reconfirm_days
            .as_ref()
            .map(|s| s.value.to_string()),
        Key::Updates => {
            let u = &resolved.updates.value;
            Some(match &u.endpoint {
                Some(endpoint) => format!("enabled={}; endpoint={endpoint}", u.enabled),
                None => format!("enabled={}", u.enabled),
            })
        }
        Key::LogLevel => Some(resolved.log_level.value.name().into()),
    }
}

fn source_name(source: Source, locale: Locale) -> String {
    let l = locale.tag();
    match source {
        Source::HklmPolicy => t!("cli.policy.source.hklm_policy", locale = l),
        Source::HkcuPolicy => t!("cli.policy.source.hkcu_policy", locale = l),
        Source::ManagedPreferences => t!("cli.policy.source.managed_preferences", locale = l),
        Source::UserManagedPreferences => {
            t!("cli.policy.source.user_managed_preferences", locale = l)
        }
        Source::PolicyFile => t!("cli.policy.source.policy_file", locale = l),
        Source::Environment => t!("cli.policy.source.environment", locale = l),
        Source::UserSettings => t!("cli.policy.source.user_settings", locale = l),
        Source::Default => t!("cli.policy.source.default", locale = l),
    }
    .into_owned()
}

fn problem_text(kind: &ProblemKind, locale: Locale) -> String {
    let l = locale.tag();
    match kind {
        ProblemKind::UnknownKey => t!("cli.policy.problem.unknown_key", locale = l),
        ProblemKind::ConsentNotAllowed => t!("cli.policy.problem.consent_not_allowed", locale = l),
        ProblemKind::WrongType { expected } => {
            let expected = expected_text(*expected, locale);
            t!(
                "cli.policy.problem.wrong_type",
                locale = l,
                expected = expected
            )
        }
        ProblemKind::InvalidValue { reason } => {
            let reason = reason_text(*reason, locale);
            t!(
                "cli.policy.problem.invalid_value",
                locale = l,
                reason = reason
            )
        }
        ProblemKind::Insecure => t!("cli.policy.problem.insecure", locale = l),
        ProblemKind::TooLarge { limit } => {
            let limit = limit.to_string();
            t!("cli.policy.problem.too_large", locale = l, limit = limit)
        }
        ProblemKind::Duplicate => t!("cli.policy.problem.duplicate", locale = l),
        ProblemKind::Unreadable => t!("cli.policy.problem.unreadable", locale = l),
        ProblemKind::InvalidJson { line, column } => {
            let (line, column) = (line.to_string(), column.to_string());
            t!(
                "cli.policy.problem.invalid_json",
                locale = l,
                line = line,
                column = column
            )
        }
        ProblemKind::InvalidUtf8 => t!("cli.policy.problem.invalid_utf8", locale = l),
        ProblemKind::NotAnObject => t!("cli.policy.problem.not_an_object", locale = l),
        ProblemKind::NotProtected { part, fault } => {
            let part = match part {
                Part::File => t!("cli.policy.protection.file", locale = l),
                Part::Folder => t!("cli.policy.protection.folder", locale = l),
            };
            let fault = match fault {
                Fault::UntrustedOwner => t!("cli.policy.protection.untrusted_owner", locale = l),
                Fault::WritableByOthers => {
                    t!("cli.policy.protection.writable_by_others", locale = l)
                }
                Fault::Unknown => t!("cli.policy.protection.unknown", locale = l),
            };
            t!(
                "cli.policy.problem.not_protected",
                locale = l,
                part = part,
                fault = fault
            )
        }
        ProblemKind::EnvironmentIgnored => {
            t!("cli.policy.problem.environment_ignored", locale = l)
        }
    }
    .into_owned()
}

fn expected_text(expected: Expected, locale: Locale) -> String {
    let l = locale.tag();
    match expected {
        Expected::Text => t!("cli.policy.expected.text", locale = l),
        Expected::Integer => t!("cli.policy.expected.integer", locale = l),
        Expected::Boolean => t!("cli.policy.expected.boolean", locale = l),
        Expected::TextList => t!("cli.policy.expected.text_list", locale = l),
        Expected::Object => t!("cli.policy.expected.object", locale = l),
        Expected::LocalizedText => t!("cli.policy.expected.localized_text", locale = l),
        Expected::ObjectOrBoolean => t!("cli.policy.expected.object_or_boolean", locale = l),
    }
    .into_owned()
}

fn reason_text(reason: Reason, locale: Locale) -> String {
    let l = locale.tag();
    match reason {
        Reason::Empty => t!("cli.policy.reason.empty", locale = l),
        Reason::ControlCharacters => t!("cli.policy.reason.control_characters", locale = l),
        Reason::NotAUrl => t!("cli.policy.reason.not_a_url", locale = l),
        Reason::SchemeNotAllowed => t!("cli.policy.reason.scheme_not_allowed", locale = l),
        Reason::CredentialsInUrl => t!("cli.policy.reason.credentials_in_url", locale = l),
        Reason::QueryOrFragment => t!("cli.policy.reason.query_or_fragment", locale = l),
        Reason::OutOfRange { min, max } => {
            let (min, max) = (min.to_string(), max.to_string());
            t!(
                "cli.policy.reason.out_of_range",
                locale = l,
                min = min,
                max = max
            )
        }
        Reason::UnknownLocale => t!("cli.policy.reason.unknown_locale", locale = l),
        Reason::EmptyList => t!("cli.policy.reason.empty_list", locale = l),
        Reason::NotAllowedLocale => t!("cli.policy.reason.not_allowed_locale", locale = l),
        Reason::UnknownCountry => t!("cli.policy.reason.unknown_country", locale = l),
        Reason::NotAnAbsolutePath => t!("cli.policy.reason.not_an_absolute_path", locale = l),
        Reason::UnknownLogLevel => t!("cli.policy.reason.unknown_log_level", locale = l),
        Reason::NoUsableField => t!("cli.policy.reason.no_usable_field", locale = l),
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_identity_core::policy::Layer;

    fn report(layers: &[Layer], locale: Locale) -> String {
        let mut out = Vec::new();
        render(&resolve(layers), None, locale, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shows_every_key_with_its_source_and_lock() {
        let text = report(
            &[Layer::new(Source::HklmPolicy).with("api_base_url", "https://mail.example.co.kr")],
            Locale::Ko,
        );
        for key in Key::ALL {
            assert!(text.contains(key.name()), "{key:?}");
        }
        assert!(text.contains("https://mail.example.co.kr  [HKLM 정책 · 관리자가 설정함]"));
        assert!(text.contains("발견된 문제가 없습니다."));
    }

    #[test]
    fn lists_problems_by_key_without_their_values() {
        let text = report(
            &[Layer::new(Source::PolicyFile)
                .with("consent", true)
                .with("draft_lifetime_days", 400)
                .with("webmail_url", "http://secret-host.example")],
            Locale::En,
        );
        assert!(text.contains("Problems found: 3"));
        assert!(text.contains("[policy.json] consent: no policy can give consent"));
        assert!(text.contains("draft_lifetime_days: invalid value, ignored: must be from 1 to 90"));
        assert!(!text.contains("secret-host"));
    }

    #[test]
    fn a_missing_file_is_a_problem() {
        let mut out = Vec::new();
        let ok = show(
            Some(Path::new("/nonexistent/policy.json")),
            true,
            Locale::En,
            &mut out,
        )
        .unwrap();
        assert!(!ok);
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["problems"][0]["kind"], "unreadable");
    }
}
