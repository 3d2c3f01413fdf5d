//! E-mail validation for the recovery address: a practical RFC 5321/5322 check, plus the checks a
//! person needs (not the account's own address; a warning inside the company domain; "did you mean"
//! for typos of common domains; no domain that only looks like another, see [`look_alike`]).
//!
//! "Practical" means: what mail systems accept and people use. A dot-atom local part of ASCII
//! `atext` (RFC 5322 §3.2.3), at most 64 octets; a domain of at least two LDH labels (IDN allowed,
//! converted with UTS #46), at most 253 octets with labels of at most 63; at most 254 octets in
//! all (RFC 5321 §4.5.3.1 with RFC 3696 errata). Quoted local parts, comments, domain literals
//! (`[192.0.2.1]`) and non-ASCII local parts are refused: legal in theory, undeliverable or
//! unreadable in practice, and a recovery address must work.
//!
//! For the same reason, addresses that parse but can never receive mail are refused: a domain
//! typed with the keyboard in 한글 mode (jamo, with the address the keys spell offered instead,
//! see [`keyboard`]), a special-use or internal domain ([`reserved`]), a top-level domain that is
//! not letters. Input is cleaned first ([`clean`]): full-width letters, invisible characters at
//! the ends, a pasted `Name <address>` or `mailto:` link.

use serde::{Deserialize, Serialize};

mod clean;
mod keyboard;
mod lookalike;
mod reserved;
mod suggest;

pub use clean::clean_input;
pub use keyboard::keys_typed;
pub use lookalike::{look_alike, LookAlike};
pub use reserved::is_reserved;
pub use suggest::{is_known_provider, suggest_domain, COMMON_DOMAINS, OTHER_PROVIDERS};

/// RFC 5321 §4.5.3.1.1.
const MAX_LOCAL_OCTETS: usize = 64;
/// RFC 1035 §2.3.4 without the trailing dot.
const MAX_DOMAIN_OCTETS: usize = 253;
/// RFC 1035 §2.3.4.
const MAX_LABEL_OCTETS: usize = 63;
/// The 256-octet path minus its angle brackets.
const MAX_ADDRESS_OCTETS: usize = 254;

/// An address the form accepts.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValidEmail {
    /// Normalized: trimmed, domain lower-cased and in ASCII (punycode) — what is stored and sent.
    pub address: String,
    /// For display: the domain in Unicode (IDN).
    pub display: String,
    /// Non-blocking advice shown under the field.
    pub warnings: Vec<EmailWarning>,
}

/// Advice that does not block saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EmailWarning {
    /// The address is in the account's own (company) domain: if the account is lost, so may be this.
    SameDomainAsAccount,
    /// A likely typo of a common domain: `naver.con` → `naver.com`. Holds the domain only, never
    /// the local part, so that the warning carries no personal data.
    DidYouMean { suggestion: String },
}

/// A whole address offered in place of what was typed. It holds the employee's own local part, so
/// `Debug` masks it (see [`mask_email`]) and it never reaches a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct SuggestedAddress(pub String);

impl std::fmt::Debug for SuggestedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&mask_email(&self.0))
    }
}

/// Why an address is refused; codes are shared with the server and the catalog (`email.error.<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EmailError {
    /// Nothing but blanks.
    #[error("empty")]
    Empty,
    /// Over 254 octets in all (with the domain in ASCII).
    #[error("too_long")]
    TooLong,
    /// No `@`.
    #[error("missing_at")]
    MissingAt,
    /// The part before `@` is empty, has characters outside RFC 5322 `atext` (spaces, a second
    /// `@`, non-ASCII letters …), or has a leading, trailing or doubled dot.
    #[error("invalid_local_part")]
    InvalidLocalPart,
    /// A `"quoted"@local part`: refused, because few mail systems deliver to one.
    #[error("quoted_local_part")]
    QuotedLocalPart,
    /// Over 64 octets before the `@`.
    #[error("local_part_too_long")]
    LocalPartTooLong,
    /// The part after `@` is not a domain name: empty, one label only, a bad label or hyphen,
    /// an address literal, or an IDN that does not convert.
    #[error("invalid_domain")]
    InvalidDomain,
    /// Over 253 octets in ASCII, or a label over 63.
    #[error("domain_too_long")]
    DomainTooLong,
    /// The recovery address may not be the account's own address (any case).
    #[error("same_as_account")]
    SameAsAccount,
    /// The domain only looks like another: Latin mixed with Cyrillic or Greek letters in one label
    /// (`nаver.com` with a Cyrillic `а`), or a label of Cyrillic or Greek letters that all pass for
    /// Latin ones. `suggestion` is the common domain it passes for, if any (a domain, never the
    /// local part).
    #[error("look_alike_domain")]
    LookAlikeDomain { suggestion: Option<String> },
    /// Typed with the keyboard in 한글 mode: Hangul jamo in the domain (never valid in a domain
    /// name), or jamo before the `@` of a known provider's address. `suggestion` is the address
    /// the same keys give in 영문 mode (`ㅙㅜㅎ@ㅜㅁㅍㄷㄱ.채ㅡ` → `hong@naver.com`), when that is
    /// a valid address.
    #[error("korean_keyboard")]
    KoreanKeyboard {
        suggestion: Option<SuggestedAddress>,
    },
    /// A special-use or internal domain (`gcloud.local`, `.internal`, `example.com` …) that no
    /// mail from outside can reach.
    #[error("reserved_domain")]
    ReservedDomain,
    /// The top-level domain is neither letters only nor an `xn--` label (`naver.c0m`, `co-uk`).
    #[error("invalid_tld")]
    InvalidTld,
}

impl EmailError {
    /// The stable reason code.
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::TooLong => "too_long",
            EmailError::MissingAt => "missing_at",
            EmailError::InvalidLocalPart => "invalid_local_part",
            EmailError::QuotedLocalPart => "quoted_local_part",
            EmailError::LocalPartTooLong => "local_part_too_long",
            EmailError::InvalidDomain => "invalid_domain",
            EmailError::DomainTooLong => "domain_too_long",
            EmailError::SameAsAccount => "same_as_account",
            EmailError::LookAlikeDomain { .. } => "look_alike_domain",
            EmailError::KoreanKeyboard { .. } => "korean_keyboard",
            EmailError::ReservedDomain => "reserved_domain",
            EmailError::InvalidTld => "invalid_tld",
        }
    }
}

/// Judges `input` as a recovery address for `account` (the webmail address signed in, if known).
/// Never panics, whatever the input.
pub fn check_email(input: &str, account: Option<&str>) -> Result<ValidEmail, EmailError> {
    let parsed = parse_address(&clean_input(input))?;
    let (unicode_domain, shown) = idna::domain_to_unicode(&parsed.domain);
    if let Some(found) = look_alike(&unicode_domain) {
        return Err(EmailError::LookAlikeDomain {
            suggestion: found.suggestion.map(str::to_string),
        });
    }
    let mut warnings = Vec::new();
    if let Some(account) = account.and_then(|a| parse_address(&clean_input(a)).ok()) {
        if parsed.local.eq_ignore_ascii_case(&account.local) && parsed.domain == account.domain {
            return Err(EmailError::SameAsAccount);
        }
        if parsed.domain == account.domain
            || parsed.domain.ends_with(&format!(".{}", account.domain))
        {
            warnings.push(EmailWarning::SameDomainAsAccount);
        }
    }
    // After the comparison with the account: its own address is the clearer reason, and an
    // account on an internal domain is still recognised.
    if is_reserved(&parsed.domain) {
        return Err(EmailError::ReservedDomain);
    }
    if let Some(suggestion) = suggest_domain(&unicode_domain) {
        warnings.push(EmailWarning::DidYouMean {
            suggestion: suggestion.to_string(),
        });
    }
    let display_domain = if shown.is_ok() {
        unicode_domain
    } else {
        parsed.domain.clone()
    };
    Ok(ValidEmail {
        address: format!("{}@{}", parsed.local, parsed.domain),
        display: format!("{}@{display_domain}", parsed.local),
        warnings,
    })
}

/// An address split and normalized: the local part as typed, the domain lower-case ASCII.
struct Parsed {
    local: String,
    domain: String,
}

/// Splits and checks a cleaned address (see [`clean_input`]).
fn parse_address(input: &str) -> Result<Parsed, EmailError> {
    if input.is_empty() {
        return Err(EmailError::Empty);
    }
    if input.len() > MAX_ADDRESS_OCTETS * 4 {
        // Far too long to be anything: refuse before any IDN work.
        return Err(EmailError::TooLong);
    }
    if input.starts_with('"') {
        return Err(EmailError::QuotedLocalPart);
    }
    let (local, domain) = input.rsplit_once('@').ok_or(EmailError::MissingAt)?;
    if let Some(slip) = korean_keyboard_slip(local, domain) {
        return Err(slip);
    }
    check_local(local)?;
    let domain = check_domain(domain)?;
    if local.len() + 1 + domain.len() > MAX_ADDRESS_OCTETS {
        return Err(EmailError::TooLong);
    }
    Ok(Parsed {
        local: local.to_string(),
        domain,
    })
}

/// The refusal for an address typed in 한글 mode, if it is one: jamo in the domain, or jamo
/// before the `@` of a known provider. Suggests what the same keys spell in 영문 mode.
fn korean_keyboard_slip(local: &str, domain: &str) -> Option<EmailError> {
    let jamo_in = |text: &str| {
        keyboard::compose_conjoining(text)
            .chars()
            .any(keyboard::is_jamo)
    };
    let slipped = jamo_in(domain)
        || (jamo_in(local)
            && check_domain(domain).is_ok_and(|ascii| suggest::is_known_provider(&ascii)));
    if !slipped {
        return None;
    }
    let meant = keys_typed(local)
        .zip(keys_typed(domain))
        .map(|(local, domain)| format!("{local}@{}", domain.to_lowercase()))
        .and_then(|address| parse_address(&address).ok())
        // An address that would be refused in turn is no help.
        .filter(|meant| !is_reserved(&meant.domain))
        .map(|meant| SuggestedAddress(format!("{}@{}", meant.local, meant.domain)));
    Some(EmailError::KoreanKeyboard { suggestion: meant })
}

/// RFC 5322 `atext`.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if local.contains('"') {
        return Err(EmailError::QuotedLocalPart);
    }
    if local.is_empty()
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
        || !local.chars().all(|c| c == '.' || is_atext(c))
    {
        return Err(EmailError::InvalidLocalPart);
    }
    if local.len() > MAX_LOCAL_OCTETS {
        return Err(EmailError::LocalPartTooLong);
    }
    Ok(())
}

/// Converts the domain to lower-case ASCII (UTS #46 with the STD3 rules) and checks its shape.
fn check_domain(domain: &str) -> Result<String, EmailError> {
    if domain.is_empty() || domain.starts_with('[') {
        return Err(EmailError::InvalidDomain);
    }
    let ascii = idna::uts46::Uts46::new()
        .to_ascii(
            domain.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::Check,
            idna::uts46::DnsLength::Ignore,
        )
        .map_err(|_| EmailError::InvalidDomain)?
        .into_owned();
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|label| label.is_empty()) {
        return Err(EmailError::InvalidDomain);
    }
    if ascii.len() > MAX_DOMAIN_OCTETS || labels.iter().any(|l| l.len() > MAX_LABEL_OCTETS) {
        return Err(EmailError::DomainTooLong);
    }
    let ldh = |label: &&str| {
        label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !labels.iter().all(ldh) {
        return Err(EmailError::InvalidDomain);
    }
    // Every delegated top-level domain is letters, or an IDN (`xn--`); digits would also make an
    // IP address in disguise.
    let tld = labels.last().copied().unwrap_or_default();
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(EmailError::InvalidDomain);
    }
    let tld_ok =
        (tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())) || tld.starts_with("xn--");
    if !tld_ok {
        return Err(EmailError::InvalidTld);
    }
    // Punycode that decodes to jamo (`xn--…` of a 한글-mode slip) is no domain either.
    let (unicode, _) = idna::domain_to_unicode(&ascii);
    if unicode.chars().any(keyboard::is_jamo) {
        return Err(EmailError::KoreanKeyboard { suggestion: None });
    }
    Ok(ascii)
}

/// Masks an address for display and logs: `abcdef@naver.com` → `ab***@naver.com`. Always three
/// stars, so the length of the local part does not show; at most half of it is kept.
pub fn mask_email(address: &str) -> String {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return "***".to_string();
    };
    let count = local.chars().count();
    let keep = if count >= 4 { 2 } else { count / 2 };
    let head: String = local.chars().take(keep).collect();
    format!("{head}***@{domain}")
}

/// Addresses never reach a log: `Debug` shows nothing of the address.
impl std::fmt::Debug for ValidEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidEmail")
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(input: &str) -> &'static str {
        match check_email(input, None) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn practical_addresses_pass() {
        for input in [
            "hong.gildong@naver.com",
            "  user+tag@gmail.com ",
            "a_b-c@sub.example.co.kr",
            "o'brien@example.ie",
            "user＠naver.com",
            "x@xn--3e0b707e.kr",
        ] {
            assert_eq!(code(input), "ok", "{input}");
        }
    }

    #[test]
    fn each_refusal_names_its_reason() {
        let long_local = format!("{}@naver.com", "a".repeat(65));
        let long_label = format!("a@{}.com", "b".repeat(64));
        let long_domain = format!("a@{}.com", ["abcdefghij"; 25].join("."));
        let long_address = format!("{}@{}.com", "a".repeat(64), ["abcdefghi"; 19].join("."));
        for (input, expected) in [
            ("", "empty"),
            ("   ", "empty"),
            ("hong.naver.com", "missing_at"),
            ("\"hong gildong\"@naver.com", "quoted_local_part"),
            ("hong\"x\"@naver.com", "quoted_local_part"),
            ("@naver.com", "invalid_local_part"),
            (".hong@naver.com", "invalid_local_part"),
            ("hong.@naver.com", "invalid_local_part"),
            ("ho..ng@naver.com", "invalid_local_part"),
            ("ho ng@naver.com", "invalid_local_part"),
            ("a@b@naver.com", "invalid_local_part"),
            ("홍길동@naver.com", "invalid_local_part"),
            (long_local.as_str(), "local_part_too_long"),
            ("hong@", "invalid_domain"),
            ("hong@naver", "invalid_domain"),
            ("hong@naver..com", "invalid_domain"),
            ("hong@-naver.com", "invalid_domain"),
            ("hong@naver_mail.com", "invalid_domain"),
            ("hong@[192.0.2.1]", "invalid_domain"),
            ("hong@192.0.2.1", "invalid_domain"),
            (long_label.as_str(), "domain_too_long"),
            (long_domain.as_str(), "domain_too_long"),
            (long_address.as_str(), "too_long"),
            ("hong@nаver.com", "look_alike_domain"),
            ("hong@xn--nver-53d.com", "look_alike_domain"),
            ("hong@gmаil.com", "look_alike_domain"),
            ("hong@сосо.com", "look_alike_domain"),
        ] {
            assert_eq!(code(input), expected, "{input}");
        }
    }

    #[test]
    fn idn_is_stored_in_ascii_and_shown_in_unicode() {
        let valid = check_email("Hong@한국.KR", None).expect("an IDN domain is accepted");
        assert_eq!(valid.address, "Hong@xn--3e0b707e.kr");
        assert_eq!(valid.display, "Hong@한국.kr");
    }

    #[test]
    fn own_address_is_refused_in_any_case() {
        let account = Some("Hong@Company.co.kr");
        assert_eq!(
            check_email("hong@company.CO.KR", account),
            Err(EmailError::SameAsAccount)
        );
        let colleague = check_email("kim@company.co.kr", account).expect("allowed");
        assert_eq!(colleague.warnings, vec![EmailWarning::SameDomainAsAccount]);
        let sub = check_email("kim@mail.company.co.kr", account).expect("allowed");
        assert_eq!(sub.warnings, vec![EmailWarning::SameDomainAsAccount]);
        let private = check_email("hong@naver.com", account).expect("allowed");
        assert!(private.warnings.is_empty());
    }

    #[test]
    fn typos_of_common_domains_are_suggested() {
        let valid = check_email("hong@naver.con", None).expect("a typo is still an address");
        assert_eq!(
            valid.warnings,
            vec![EmailWarning::DidYouMean {
                suggestion: "naver.com".into()
            }]
        );
    }

    #[test]
    fn look_alike_domains_are_refused_with_the_real_one_suggested() {
        // Cyrillic а (U+0430), typed or arriving as punycode: the same refusal either way.
        for input in [
            "minjun@nаver.com",
            "minjun@xn--nver-53d.com",
            "minjun@NАVER.COM",
        ] {
            assert_eq!(
                check_email(input, None),
                Err(EmailError::LookAlikeDomain {
                    suggestion: Some("naver.com".into())
                }),
                "{input}"
            );
        }
        let json = serde_json::to_value(check_email("a@nаver.com", None).unwrap_err()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "look_alike_domain", "suggestion": "naver.com"})
        );
        // No common domain behind it: refused, nothing suggested.
        assert_eq!(
            check_email("a@exаmple.org", None),
            Err(EmailError::LookAlikeDomain { suggestion: None })
        );
        // Real IDNs in one script still pass.
        for input in ["a@한국.kr", "a@münchen.de", "a@яндекс.рф"] {
            assert!(check_email(input, None).is_ok(), "{input}");
        }
    }

    #[test]
    fn masking_keeps_at_most_two_characters() {
        assert_eq!(mask_email("abcdef@naver.com"), "ab***@naver.com");
        assert_eq!(mask_email("abc@naver.com"), "a***@naver.com");
        assert_eq!(mask_email("a@naver.com"), "***@naver.com");
        assert_eq!(mask_email("no-at-sign"), "***");
    }

    #[test]
    fn debug_shows_no_address() {
        let valid = check_email("secret.person@naver.com", None).expect("valid");
        let shown = format!("{valid:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
