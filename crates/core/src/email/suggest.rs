//! "Did you mean …?" for mistyped common mail domains (`naver.con`, `gmial.com`, `hanmai.net`).
//!
//! A recovery address on a misspelled domain silently never arrives, and the user learns it only
//! when locked out; so a domain one or two edits (a transposition counting as one) away from a
//! domain most Korean users have gets a suggestion. Exact matches and other domains get none.
//!
//! Domains are compared in Unicode (`navér.com` is one edit from `naver.com`; its punycode
//! `xn--navr-bpa.com` is not), and a domain that is itself a real mail provider is never
//! "corrected" into another one: `mail.com` is one edit from `gmail.com` and just as real.

/// Mail domains common among the app's users, most common first (ties go to the earlier one).
pub const COMMON_DOMAINS: &[&str] = &[
    "naver.com",
    "gmail.com",
    "daum.net",
    "hanmail.net",
    "kakao.com",
    "nate.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "yahoo.com",
    "korea.kr",
    "live.com",
    "me.com",
    "msn.com",
    "yahoo.co.kr",
    "empas.com",
    "dreamwiz.com",
    "hanmir.com",
    "lycos.co.kr",
    "paran.com",
    "chol.com",
    "korea.com",
    "protonmail.com",
    "proton.me",
];

/// Real mail providers outside [`COMMON_DOMAINS`] whose names are a small edit away from a common
/// one (`mail.com` ↔ `gmail.com`, `ymail.com` ↔ `gmail.com`, `gmx.com` ↔ `gmail.com`, `hotmail.co.kr`
/// ↔ `hotmail.com`): a typo suggestion for them would send the employee away from their own
/// provider.
pub const OTHER_PROVIDERS: &[&str] = &[
    "aol.com",
    "email.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.co.kr",
    "hotmail.co.uk",
    "live.co.kr",
    "mac.com",
    "mail.com",
    "mail.ru",
    "outlook.kr",
    "qq.com",
    "web.de",
    "yandex.com",
    "ymail.com",
    "zoho.com",
];

/// True for a domain that is a mail provider in its own right.
pub fn is_known_provider(domain: &str) -> bool {
    COMMON_DOMAINS.contains(&domain) || OTHER_PROVIDERS.contains(&domain)
}

/// How many of [`COMMON_DOMAINS`] are providers so well known that their name with another
/// ending (`hanmail.com`, `gmail.co`, `naver.co.kr`) is a typo rather than another domain.
const WELL_KNOWN: usize = 10;

/// The common domain `domain` (lower-case, in Unicode) is probably a typo of, if any.
pub fn suggest_domain(domain: &str) -> Option<&'static str> {
    if is_known_provider(domain) || domain.len() > 64 {
        return None;
    }
    let name = domain.split('.').next().unwrap_or_default();
    let same_name = COMMON_DOMAINS[..WELL_KNOWN]
        .iter()
        .find(|known| known.split('.').next() == Some(name));
    if let Some(known) = same_name {
        return Some(known);
    }
    let allowed = |candidate: &str| if candidate.len() <= 7 { 1 } else { 2 };
    COMMON_DOMAINS
        .iter()
        .map(|candidate| (osa_distance(domain, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= allowed(candidate))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, on characters
/// (an accented letter is one edit, not the several bytes it takes).
fn osa_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_typos_get_a_suggestion() {
        for (typed, meant) in [
            ("naver.con", "naver.com"),
            ("navre.com", "naver.com"),
            ("nvaer.com", "naver.com"),
            ("gmial.com", "gmail.com"),
            ("gmail.co", "gmail.com"),
            ("gmai.com", "gmail.com"),
            ("hanmial.net", "hanmail.net"),
            ("hanmail.com", "hanmail.net"),
            ("daum.com", "daum.net"),
            ("kakao.co", "kakao.com"),
            ("natee.com", "nate.com"),
            ("outlok.com", "outlook.com"),
            ("hotmial.com", "hotmail.com"),
            ("iclod.com", "icloud.com"),
            ("yaho.com", "yahoo.com"),
            ("navér.com", "naver.com"),
            ("gmäil.com", "gmail.com"),
            ("naver.net", "naver.com"),
        ] {
            assert_eq!(suggest_domain(typed), Some(meant), "{typed}");
        }
    }

    #[test]
    fn real_domains_get_none() {
        for domain in [
            "naver.com",
            "gmail.com",
            "example.com",
            "samsung.com",
            "korea.ac.kr",
            "yahoo.co.kr",
            "snu.ac.kr",
            "mail.com",
            "ymail.com",
            "gmx.com",
            "hotmail.co.kr",
            "googlemail.com",
        ] {
            assert_eq!(suggest_domain(domain), None, "{domain}");
        }
    }

    #[test]
    fn distance_counts_a_transposition_once() {
        assert_eq!(osa_distance("gmial.com", "gmail.com"), 1);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(osa_distance("abc", "abc"), 0);
        assert_eq!(osa_distance("navér.com", "naver.com"), 1);
    }
}
