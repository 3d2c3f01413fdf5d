//! The consent notice the server serves: the consent box of the seed notice, verbatim in Korean
//! (from `[선택] 본인 인증 정보 수집 및 이용 동의` to the refusal sentence) and in an English reading.
//!
//! A decision is valid only for the text the user was shown: the client sends back the version and
//! the SHA-256 of the exact text, and a decision on anything else is refused as `notice_outdated`.

use crate::random::{hex, sha256};
pub use mail_identity_core::locale::Locale;

const KO: &str = include_str!("../notice/consent.ko.txt");
const EN: &str = include_str!("../notice/consent.en.txt");

/// The version of the notice shipped with this server. Bump it whenever either text changes.
pub const DEFAULT_VERSION: &str = "2026-11-28";

/// The current notice: one version, one text per locale.
#[derive(Debug, Clone)]
pub struct Notice {
    pub version: String,
    ko_sha256: String,
    en_sha256: String,
}

impl Notice {
    /// The shipped texts under `version` (tests and `--notice-version` simulate a new notice).
    pub fn new(version: impl Into<String>) -> Notice {
        Notice {
            version: version.into(),
            ko_sha256: hex(&sha256(text(Locale::Ko).as_bytes())),
            en_sha256: hex(&sha256(text(Locale::En).as_bytes())),
        }
    }

    pub fn sha256(&self, locale: Locale) -> &str {
        match locale {
            Locale::Ko => &self.ko_sha256,
            Locale::En => &self.en_sha256,
        }
    }

    /// True when `version` and `sha256` name the current text in some locale.
    pub fn is_current(&self, version: &str, sha256: &str) -> bool {
        version == self.version
            && (sha256.eq_ignore_ascii_case(&self.ko_sha256)
                || sha256.eq_ignore_ascii_case(&self.en_sha256))
    }
}

/// The text in `locale`, exactly as hashed (no trailing newline).
pub fn text(locale: Locale) -> &'static str {
    match locale {
        Locale::Ko => KO.trim_end_matches('\n'),
        Locale::En => EN.trim_end_matches('\n'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_text_is_the_seed_consent_box_with_no_typo() {
        let ko = text(Locale::Ko);
        assert!(ko.starts_with("[선택] 본인 인증 정보 수집 및 이용 동의"));
        assert!(ko.ends_with("지장이 없음을 안내드립니다."));
        assert!(ko.contains("계정 완전 삭제 또는 사용자가"));
        assert!(!ko.contains("도는"));
    }

    #[test]
    fn a_decision_must_name_the_current_version_and_text() {
        let notice = Notice::new("v2");
        let ko = notice.sha256(Locale::Ko).to_string();
        assert!(notice.is_current("v2", &ko));
        assert!(notice.is_current("v2", notice.sha256(Locale::En)));
        assert!(!notice.is_current("v1", &ko));
        assert!(!notice.is_current("v2", &"0".repeat(64)));
    }
}
