//! "Did you mean …?" for mistyped common mail domains (`naver.con`, `gmial.com`, `hanmai.net`).
//!
//! A recovery address on a misspelled domain silently never arrives, and the user learns it only
//! when locked out; so a domain one or two edits (a transposition counting as one) away from a
//! domain most Korean users have gets a suggestion. Exact matches and other domains get none.

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

/// How many of [`COMMON_DOMAINS`] are providers so well known that their name with another
/// ending (`hanmail.com`, `gmail.co`, `naver.co.kr`) is a typo rather than another domain.
const WELL_KNOWN: usize = 10;

/// The common domain `domain` (lower-case ASCII) is probably a typo of, if any.
pub fn suggest_domain(domain: &str) -> Option<&'static str> {
    if COMMON_DOMAINS.contains(&domain) || domain.len() > 64 {
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

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, on bytes (the
/// domains compared are ASCII).
fn osa_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
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
        ] {
            assert_eq!(suggest_domain(domain), None, "{domain}");
        }
    }

    #[test]
    fn distance_counts_a_transposition_once() {
        assert_eq!(osa_distance("gmial.com", "gmail.com"), 1);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(osa_distance("abc", "abc"), 0);
    }
}
