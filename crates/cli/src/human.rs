//! Answers for a person: the verdict in words from the catalog, then the details.

use mail_identity_core::email::{check_email, EmailError, EmailWarning};
use mail_identity_core::locale::Locale;
use mail_identity_core::phone::{check_phone, country, NumberKind, PhoneError, PhoneMode};
use rust_i18n::t;

/// Prints the verdict on a phone number; true when the form accepts it.
pub fn phone(input: &str, mode: &PhoneMode, locale: Locale) -> bool {
    let lang = locale.tag();
    match check_phone(input, mode) {
        Ok(valid) => {
            let heading = match mode {
                PhoneMode::Domestic => t!("cli.phone.ok", locale = lang),
                PhoneMode::Overseas { .. } => t!("cli.phone.ok_overseas", locale = lang),
            };
            println!("✔ {heading}");
            let rows = [
                (t!("cli.phone.e164", locale = lang), valid.e164.clone()),
                (
                    t!("cli.phone.national", locale = lang),
                    valid.national.clone(),
                ),
                (
                    t!("cli.phone.international", locale = lang),
                    valid.international.clone(),
                ),
                (
                    t!("cli.phone.kind", locale = lang),
                    kind_name(valid.kind, locale),
                ),
                (
                    t!("cli.phone.country", locale = lang),
                    country_label(&valid.country, locale),
                ),
            ];
            for (label, value) in rows {
                println!("  {label}: {value}");
            }
            if valid.suggest_domestic {
                println!("  ℹ {}", t!("phone.notice.suggest_domestic", locale = lang));
            }
            true
        }
        Err(error) => {
            println!(
                "✘ {}: {}",
                t!("cli.refused", locale = lang),
                phone_error(&error, locale)
            );
            false
        }
    }
}

/// The catalog's sentence for a phone refusal.
pub fn phone_error(error: &PhoneError, locale: Locale) -> String {
    let lang = locale.tag();
    let key = format!("phone.error.{}", error.code());
    match error {
        PhoneError::NotMobile { kind } => {
            t!(&key, locale = lang, kind = kind_name(*kind, locale)).into_owned()
        }
        PhoneError::ForeignNumberInDomesticMode { country } => t!(
            &key,
            locale = lang,
            country = country_label(country, locale)
        )
        .into_owned(),
        _ => t!(&key, locale = lang).into_owned(),
    }
}

fn kind_name(kind: NumberKind, locale: Locale) -> String {
    let key = format!("phone.kind.{}", kind.code());
    t!(&key, locale = locale.tag()).into_owned()
}

/// `대한민국 (KR)` / `South Korea (KR)`; the bare code when CLDR has no name for it.
fn country_label(code: &str, locale: Locale) -> String {
    match country(code) {
        Some(found) => format!("{} ({code})", found.name(locale)),
        None => code.to_string(),
    }
}

/// Prints the verdict on a recovery address; true when the form accepts it.
pub fn email(input: &str, account: Option<&str>, locale: Locale) -> bool {
    let lang = locale.tag();
    match check_email(input, account) {
        Ok(valid) => {
            println!("✔ {}", t!("cli.email.ok", locale = lang));
            println!(
                "  {}: {}",
                t!("cli.email.address", locale = lang),
                valid.address
            );
            println!(
                "  {}: {}",
                t!("cli.email.display", locale = lang),
                valid.display
            );
            for warning in &valid.warnings {
                println!(
                    "  ⚠ {}: {}",
                    t!("cli.email.note", locale = lang),
                    email_warning(warning, locale)
                );
            }
            true
        }
        Err(error) => {
            println!(
                "✘ {}: {}",
                t!("cli.refused", locale = lang),
                email_error(&error, locale)
            );
            false
        }
    }
}

pub fn email_error(error: &EmailError, locale: Locale) -> String {
    // A refusal with a suggestion has its own text naming it.
    let with_suggestion = match error {
        EmailError::LookAlikeDomain {
            suggestion: Some(suggestion),
        } => Some(("email.error.look_alike_domain_of", suggestion.as_str())),
        EmailError::KoreanKeyboard {
            suggestion: Some(suggestion),
        } => Some(("email.error.korean_keyboard_of", suggestion.0.as_str())),
        _ => None,
    };
    if let Some((key, suggestion)) = with_suggestion {
        return t!(key, locale = locale.tag(), suggestion = suggestion).into_owned();
    }
    let key = format!("email.error.{}", error.code());
    t!(&key, locale = locale.tag()).into_owned()
}

pub fn email_warning(warning: &EmailWarning, locale: Locale) -> String {
    let lang = locale.tag();
    match warning {
        EmailWarning::SameDomainAsAccount => {
            t!("email.warning.same_domain_as_account", locale = lang).into_owned()
        }
        EmailWarning::DidYouMean { suggestion } => t!(
            "email.warning.did_you_mean",
            locale = lang,
            suggestion = suggestion
        )
        .into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_identity_core::email::SuggestedAddress;
    use mail_identity_core::phone::NumberKind;

    /// Keys built at run time escape the catalog check: every code must resolve in every locale.
    #[test]
    fn every_reason_has_a_sentence_in_every_locale() {
        let phone_errors = [
            PhoneError::Empty,
            PhoneError::NotANumber,
            PhoneError::TooShort,
            PhoneError::TooLong,
            PhoneError::InvalidCountryCode,
            PhoneError::InvalidForCountry,
            PhoneError::NotMobile {
                kind: NumberKind::Voip,
            },
            PhoneError::ForeignNumberInDomesticMode {
                country: "JP".into(),
            },
        ];
        let email_errors = [
            EmailError::Empty,
            EmailError::TooLong,
            EmailError::MissingAt,
            EmailError::InvalidLocalPart,
            EmailError::QuotedLocalPart,
            EmailError::LocalPartTooLong,
            EmailError::InvalidDomain,
            EmailError::DomainTooLong,
            EmailError::SameAsAccount,
            EmailError::LookAlikeDomain { suggestion: None },
            EmailError::LookAlikeDomain {
                suggestion: Some("naver.com".into()),
            },
            EmailError::KoreanKeyboard { suggestion: None },
            EmailError::KoreanKeyboard {
                suggestion: Some(SuggestedAddress("hong@naver.com".into())),
            },
            EmailError::ReservedDomain,
            EmailError::InvalidTld,
        ];
        for locale in Locale::ALL {
            let mut texts: Vec<String> = phone_errors
                .iter()
                .map(|e| phone_error(e, locale))
                .collect();
            texts.extend(email_errors.iter().map(|e| email_error(e, locale)));
            texts.extend(NumberKind::ALL.iter().map(|k| kind_name(*k, locale)));
            for text in texts {
                assert!(
                    !text.contains("phone.") && !text.contains("email.") && !text.contains("%{"),
                    "{locale:?}: {text}"
                );
            }
        }
    }

    #[test]
    fn inserted_values_are_shown() {
        let text = phone_error(
            &PhoneError::ForeignNumberInDomesticMode {
                country: "JP".into(),
            },
            Locale::Ko,
        );
        assert!(text.contains("일본 (JP)"), "{text}");
        let text = phone_error(
            &PhoneError::NotMobile {
                kind: NumberKind::Voip,
            },
            Locale::En,
        );
        assert!(text.contains("VoIP"), "{text}");
    }
}
