//! What an employee types or pastes, reduced to the address in it.
//!
//! Before any rule is applied, the input is cleaned the same way for the form, the CLI and the
//! server, and the cleaned address is what is stored and shown:
//!
//! - full-width ASCII (U+FF01–FF5E), which a Korean input method types in 전각 mode, becomes
//!   ASCII everywhere, so `ｈｏｎｇ＠ｎａｖｅｒ．ｃｏｍ` is `hong@naver.com` (UTS #46 already did
//!   this for the domain alone);
//! - blanks and invisible characters (zero-width space, BOM, ZWJ/ZWNJ, word joiner, direction
//!   marks, soft hyphen) are removed at both ends alike — copied text carries them at either end;
//! - an address pasted from a mail client as `홍길동 <hong@naver.com>`, `"Hong" <hong@naver.com>`
//!   or a `mailto:hong@naver.com` link is reduced to the address.

/// True for a character that takes no space and that copying from web pages, chat apps and
/// documents leaves at the ends of an address.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// A full-width ASCII character (U+FF01–FF5E) as ASCII; others as they are.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `text` without blanks or invisible characters at either end.
fn trim_all(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

/// The address in `input`: narrowed, trimmed, and taken out of `Name <…>` and `mailto:`.
pub fn clean_input(input: &str) -> String {
    let narrowed: String = input.chars().map(narrow).collect();
    let mut text = trim_all(&narrowed);
    // `Name <address>` or `"Name" <address>`: the address is in the last angle brackets.
    if let Some(inner) = text.strip_suffix('>') {
        if let Some((_, address)) = inner.rsplit_once('<') {
            text = trim_all(address);
        }
    }
    let scheme = text.get(..7).filter(|s| s.eq_ignore_ascii_case("mailto:"));
    if let (Some(_), Some(rest)) = (scheme, text.get(7..).filter(|r| !r.is_empty())) {
        let link = trim_all(rest);
        // `mailto:a@b?subject=…`: the query is not part of the address.
        text = link.split_once('?').map_or(link, |(address, _)| address);
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_is_narrowed_everywhere() {
        assert_eq!(
            clean_input("ｈｏｎｇ＠ｎａｖｅｒ．ｃｏｍ"),
            "hong@naver.com"
        );
        assert_eq!(clean_input("ｈｏｎｇ_１＠naver.com"), "hong_1@naver.com");
    }

    #[test]
    fn invisible_characters_go_at_both_ends_alike() {
        for input in [
            "\u{200B}hong@naver.com",
            "hong@naver.com\u{200B}",
            "\u{FEFF}hong@naver.com",
            "\u{2060} hong@naver.com \u{200D}",
            "\u{200C}hong@naver.com\u{00AD}",
            "\u{3000}hong@naver.com\u{3000}",
        ] {
            assert_eq!(clean_input(input), "hong@naver.com", "{input:?}");
        }
        // Inside the address it stays, to be judged (and refused) there.
        assert_eq!(
            clean_input("ho\u{200B}ng@naver.com"),
            "ho\u{200B}ng@naver.com"
        );
    }

    #[test]
    fn pasted_names_and_links_are_reduced_to_the_address() {
        for input in [
            "홍길동 <hong@naver.com>",
            "\"Hong, Gildong\" <hong@naver.com>",
            "<hong@naver.com>",
            "홍길동 ＜hong＠naver.com＞",
            "mailto:hong@naver.com",
            "MAILTO:hong@naver.com?subject=hello",
            "홍길동 <mailto:hong@naver.com>",
        ] {
            assert_eq!(clean_input(input), "hong@naver.com", "{input:?}");
        }
    }

    #[test]
    fn other_text_is_left_for_the_rules() {
        assert_eq!(clean_input("mailto:"), "mailto:");
        assert_eq!(clean_input("a<b"), "a<b");
        // Byte 7 inside a character: no slicing panic.
        assert_eq!(clean_input("홍길동mail"), "홍길동mail");
        assert_eq!(
            clean_input("\"hong gildong\"@naver.com"),
            "\"hong gildong\"@naver.com"
        );
    }
}
