//! Domains that can never receive mail from outside: special-use and reserved names.
//!
//! A recovery address must be reachable from the internet when the company account is lost. The
//! names below are reserved so that they never are: RFC 2606 (`.test`, `.example`, `.invalid`,
//! `.localhost`, `example.com/net/org`), RFC 6761, RFC 6762 (`.local`, the multicast-DNS domain a
//! Windows domain sign-in such as `corp.gcloud.local` often uses), RFC 7686 (`.onion`), RFC 8375
//! (`home.arpa`; all of `.arpa` is infrastructure), ICANN's 2024 reservation of `.internal`, and
//! the private-network names RFC 6762 appendix G lists as in common use and ICANN has resolved
//! never to delegate (`.corp`, `.home`, `.lan`, `.intranet`, `.private`).

/// Top-level domains under which no address receives mail from the internet.
const RESERVED_TLDS: &[&str] = &[
    "arpa",
    "corp",
    "example",
    "home",
    "internal",
    "intranet",
    "invalid",
    "lan",
    "local",
    "localdomain",
    "localhost",
    "onion",
    "private",
    "test",
];

/// Second-level domains reserved for documentation (RFC 2606 §3).
const RESERVED_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// True when `domain` (lower-case ASCII, no trailing dot) is or is under a reserved name.
pub fn is_reserved(domain: &str) -> bool {
    let under = |name: &str| domain == name || domain.ends_with(&format!(".{name}"));
    let tld = domain.rsplit('.').next().unwrap_or_default();
    RESERVED_TLDS.contains(&tld) || RESERVED_DOMAINS.iter().any(|name| under(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_and_everything_under_them_are_refused() {
        for domain in [
            "gcloud.local",
            "corp.gcloud.local",
            "mail.localhost",
            "naver.test",
            "a.invalid",
            "site.example",
            "example.com",
            "mail.example.org",
            "example.net",
            "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion",
            "router.home.arpa",
            "hr.internal",
            "gcloud.corp",
            "nas.lan",
        ] {
            assert!(is_reserved(domain), "{domain}");
        }
    }

    #[test]
    fn public_domains_pass() {
        for domain in [
            "naver.com",
            "example.co.kr",
            "myexample.com",
            "local.co.kr",
            "test.com",
            "localhost.kr",
            "company.co.kr",
            "homeplus.co.kr",
        ] {
            assert!(!is_reserved(domain), "{domain}");
        }
    }
}
