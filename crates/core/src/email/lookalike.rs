//! Domains that only look like another: `nаver.com` with a Cyrillic `а` is a different domain from
//! `naver.com`, converts cleanly to punycode (`xn--nver-…`), and is shown back to the employee
//! looking exactly like the real one. A recovery address there would never reach them, or would
//! reach whoever registered the look-alike.
//!
//! The rule is Unicode TR 39's, restricted to the scripts whose letters pass for Latin ones:
//!
//! - **mixed scripts**: a label that mixes Latin, Cyrillic and Greek letters (TR 39 §5.2,
//!   "highly restrictive" forbids exactly these combinations; Latin with Hangul or Han stays
//!   allowed, as in `카카오mail.kr`);
//! - **whole-script confusable**: a label written entirely in Cyrillic or Greek with only letters
//!   that look like Latin ones (`сосо`, `ехаmрlе` in Cyrillic), TR 39 §4's whole-script case.
//!
//! A hand-written table rather than the `unicode-security` crate: only lower-case letters reach
//! this check (UTS 46 has already mapped the domain), the scripts that matter for look-alikes of
//! Latin domains are two, and the letters that pass for Latin ones in them are the few dozen below,
//! taken from TR 39's `confusables.txt`. A full confusables table would add a pre-1.0 dependency
//! and ~100 KB of data to answer the same question.
//!
//! The skeleton (each look-alike letter replaced by the Latin one it passes for) is what the
//! did-you-mean compares with the common domains: `nаver.com` is refused with "did you mean
//! naver.com".

use super::suggest::{suggest_domain, COMMON_DOMAINS};

/// A script, as far as look-alikes of Latin letters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    /// Digits and the hyphen: at home in every script.
    Common,
    /// Hangul, Han, Kana and every other script: not confusable with Latin here.
    Other,
}

fn script(c: char) -> Script {
    match c {
        '0'..='9' | '-' => Script::Common,
        'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => Script::Latin,
        '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{2DE0}'..='\u{2DFF}' => {
            Script::Cyrillic
        }
        '\u{A640}'..='\u{A69F}' => Script::Cyrillic,
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        _ => Script::Other,
    }
}

/// Cyrillic and Greek lower-case letters that pass for Latin ones, with the letter they pass for
/// (TR 39 `confusables.txt`, the entries whose target is one Latin lower-case letter).
const CONFUSABLES: &[(char, char)] = &[
    // Cyrillic
    ('а', 'a'),
    ('с', 'c'),
    ('ԁ', 'd'),
    ('е', 'e'),
    ('ҽ', 'e'),
    ('һ', 'h'),
    ('і', 'i'),
    ('ј', 'j'),
    ('ӏ', 'l'),
    ('о', 'o'),
    ('р', 'p'),
    ('ԛ', 'q'),
    ('ѕ', 's'),
    ('ѵ', 'v'),
    ('ԝ', 'w'),
    ('х', 'x'),
    ('у', 'y'),
    ('ү', 'y'),
    // Greek
    ('α', 'a'),
    ('ϲ', 'c'),
    ('ι', 'i'),
    ('ϳ', 'j'),
    ('ν', 'v'),
    ('ο', 'o'),
    ('ρ', 'p'),
    ('υ', 'u'),
    ('χ', 'x'),
    ('γ', 'y'),
];

fn latin_look_alike(c: char) -> Option<char> {
    CONFUSABLES
        .iter()
        .find(|(from, _)| *from == c)
        .map(|(_, to)| *to)
}

/// The domain with every look-alike letter replaced by the Latin letter it passes for.
fn skeleton(domain: &str) -> String {
    domain
        .chars()
        .map(|c| latin_look_alike(c).unwrap_or(c))
        .collect()
}

/// True when `label` mixes Latin, Cyrillic and Greek, or is Cyrillic or Greek made only of
/// letters that pass for Latin ones.
fn is_look_alike_label(label: &str) -> bool {
    let mut latin = false;
    let mut cyrillic = false;
    let mut greek = false;
    for c in label.chars() {
        match script(c) {
            Script::Latin => latin = true,
            Script::Cyrillic => cyrillic = true,
            Script::Greek => greek = true,
            Script::Common | Script::Other => {}
        }
    }
    let mixed = [latin, cyrillic, greek].iter().filter(|s| **s).count() > 1;
    let whole_script = (cyrillic || greek)
        && !latin
        && label
            .chars()
            .all(|c| script(c) == Script::Common || latin_look_alike(c).is_some())
        && label.chars().any(|c| latin_look_alike(c).is_some());
    mixed || whole_script
}

/// A domain that passes for another: `Some(suggestion)` with the common domain its skeleton is
/// (or is a typo of), when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookAlike {
    pub suggestion: Option<&'static str>,
}

/// Judges `domain` in Unicode, lower-case (what UTS 46 gives back); `None` for a domain that is
/// not a look-alike.
pub fn look_alike(domain: &str) -> Option<LookAlike> {
    if !domain.split('.').any(is_look_alike_label) {
        return None;
    }
    let skeleton = skeleton(domain);
    let suggestion = COMMON_DOMAINS
        .iter()
        .find(|known| **known == skeleton)
        .copied()
        .or_else(|| {
            skeleton
                .is_ascii()
                .then(|| suggest_domain(&skeleton))
                .flatten()
        });
    Some(LookAlike { suggestion })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_scripts_are_look_alikes_with_the_real_domain_suggested() {
        for (domain, meant) in [
            ("nаver.com", Some("naver.com")), // Cyrillic а
            ("gmаil.com", Some("gmail.com")), // Cyrillic а
            ("dаum.net", Some("daum.net")),   // Cyrillic а
            ("kаkао.com", Some("kakao.com")), // Cyrillic а, о
            ("gοogle.com", None),             // Greek ο: not a common mail domain
            ("nаver.cοm", Some("naver.com")), // Cyrillic а, Greek ο in the TLD
            ("hanmаil.net", Some("hanmail.net")),
        ] {
            assert_eq!(
                look_alike(domain),
                Some(LookAlike { suggestion: meant }),
                "{domain}"
            );
        }
    }

    #[test]
    fn whole_script_look_alikes_are_caught() {
        // Every letter Cyrillic, every one passing for Latin: "coco" and "naver" in disguise.
        assert!(look_alike("сосо.com").is_some());
        assert_eq!(
            look_alike("nаvеr.com").map(|l| l.suggestion),
            Some(Some("naver.com"))
        );
    }

    #[test]
    fn real_domains_in_one_script_pass() {
        for domain in [
            "naver.com",
            "한국.kr",
            "카카오mail.kr",
            "münchen.de",
            "яндекс.рф",
            "почта.рф",
            "ελλάδα.gr",
            "mail-2.example.co.kr",
        ] {
            assert_eq!(look_alike(domain), None, "{domain}");
        }
    }
}
