//! Which language the app speaks.
//!
//! Korean is the product's first language; English is offered to overseas staff. The user's explicit
//! choice wins; without one, the operating system's language decides, and anything that is not
//! English falls back to Korean rather than to English, because the notice is authoritative in Korean.

use serde::{Deserialize, Serialize};

/// A language the app has a complete catalog for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Korean: the default and the source language of every notice text.
    #[default]
    Ko,
    /// English.
    En,
}

impl Locale {
    /// Every supported locale, Korean first.
    pub const ALL: [Locale; 2] = [Locale::Ko, Locale::En];

    /// The BCP 47 tag used for the catalog file name and for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ko => "ko",
            Locale::En => "en",
        }
    }

    /// Parses a stored or requested tag; accepts region variants (`en-US`, `ko_KR.UTF-8`).
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Locale::Ko),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The locale to use when the user has not chosen one: English only when the OS is in English.
    pub fn from_os(os_locale: Option<&str>) -> Locale {
        match os_locale.and_then(Locale::from_tag) {
            Some(Locale::En) => Locale::En,
            _ => Locale::Ko,
        }
    }

    /// The effective locale: the user's choice when it is a supported one, else the OS default.
    pub fn resolve(user_choice: Option<&str>, os_locale: Option<&str>) -> Locale {
        user_choice
            .and_then(Locale::from_tag)
            .unwrap_or_else(|| Locale::from_os(os_locale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_is_the_default_without_any_hint() {
        assert_eq!(Locale::resolve(None, None), Locale::Ko);
    }

    #[test]
    fn english_os_gives_english_when_user_has_not_chosen() {
        assert_eq!(Locale::resolve(None, Some("en-US")), Locale::En);
        assert_eq!(Locale::resolve(None, Some("en_GB.UTF-8")), Locale::En);
    }

    #[test]
    fn other_os_languages_fall_back_to_korean() {
        assert_eq!(Locale::resolve(None, Some("ja-JP")), Locale::Ko);
        assert_eq!(Locale::resolve(None, Some("ko-KR")), Locale::Ko);
        assert_eq!(Locale::resolve(None, Some("")), Locale::Ko);
    }

    #[test]
    fn the_users_choice_wins_over_the_os() {
        assert_eq!(Locale::resolve(Some("ko"), Some("en-US")), Locale::Ko);
        assert_eq!(Locale::resolve(Some("en"), Some("ko-KR")), Locale::En);
    }

    #[test]
    fn an_unsupported_stored_choice_is_ignored() {
        assert_eq!(Locale::resolve(Some("fr"), Some("en-US")), Locale::En);
    }

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }
}
