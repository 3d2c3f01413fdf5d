//! What a person typed, made uniform before the engine sees it.
//!
//! People type and paste numbers with full-width characters from a Korean IME (`０１０－１２３４`),
//! digits of other scripts, ideographic spaces and all kinds of dashes. The engine already
//! understands most of this, but the form also needs to tell "nothing typed yet" from "letters",
//! and to read the `00`+country-code habit (`0082 10-…`) that the engine takes for a Korean
//! carrier prefix (`008`). Both are decided here, on the same normalized text.

use super::engine;

/// The longest input the form looks at; anything longer is refused before parsing.
pub const MAX_INPUT_CHARS: usize = 250;

/// Maps Unicode decimal digits to ASCII, full-width ASCII (U+FF01–U+FF5E) to ASCII, and the
/// ideographic space to a space, then trims. Idempotent: normalizing twice changes nothing more.
pub fn normalize_input(input: &str) -> String {
    let mapped: String = input.chars().map(normalize_char).collect();
    mapped.trim().to_string()
}

fn normalize_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        // The prolonged sound mark (ー, and its half-width ｰ) that Japanese and some Korean IMEs
        // give for the dash key: a separator, as `-` is.
        '\u{30FC}' | '\u{FF70}' => '-',
        '\u{FF01}'..='\u{FF5E}' => {
            // Full-width forms sit at a fixed offset from their ASCII counterparts.
            char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c)
        }
        _ => engine::digit_value(c).unwrap_or(c),
    }
}

/// Labels people paste in front of a number, from a signature, a business card or a form
/// (`휴대폰: 010-…`, `H.P 010-…`, `Mobile +82 …`, `Tel. …`), compared without spaces, dots, colons
/// and slashes, in lower case.
const LABELS: &[&str] = &[
    "휴대폰",
    "휴대폰번호",
    "휴대전화",
    "휴대전화번호",
    "핸드폰",
    "핸드폰번호",
    "전화",
    "전화번호",
    "연락처",
    "모바일",
    "hp",
    "cp",
    "handphone",
    "mobile",
    "mob",
    "cell",
    "cellphone",
    "phone",
    "tel",
    "m",
    "t",
];

/// The number without a label pasted in front of it (see [`LABELS`]), as libphonenumber reads a
/// number after a word. Anything else before the first digit or `+` stays, so that `공일공-…`
/// is still not a number; `tel:` directly followed by the number is an RFC 3966 URI the engine
/// reads itself.
pub fn strip_label(normalized: &str) -> &str {
    let Some(start) = normalized.find(|c: char| c.is_ascii_digit() || c == '+') else {
        return normalized;
    };
    let (label, number) = normalized.split_at(start);
    if label.is_empty() || label.eq_ignore_ascii_case("tel:") {
        return normalized;
    }
    let compact: String = label
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '.' | ':' | '/' | ')' | '(')))
        .flat_map(char::to_lowercase)
        .collect();
    if LABELS.contains(&compact.as_str()) {
        number
    } else {
        normalized
    }
}

/// Characters people put between digits; with nothing else, the field counts as empty.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.' | '(' | ')' | '/' | '[' | ']' | '~' | '+' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{00AD}' | '\u{30FB}' | '\u{00B7}'
        )
}

/// What the normalized text is made of, enough to pick `empty` or `not_a_number` early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub digits: usize,
    /// Anything that is neither a digit nor a separator (letters, `;`, `:` …).
    pub others: usize,
    /// Letters of scripts other than Latin (`공일공`, `휴대폰`): the engine would skip them and read
    /// the digits after them, but a field with words in it is not a number.
    pub foreign_letters: usize,
}

pub fn shape(normalized: &str) -> Shape {
    let mut shape = Shape {
        digits: 0,
        others: 0,
        foreign_letters: 0,
    };
    for c in normalized.chars() {
        if c.is_ascii_digit() {
            shape.digits += 1;
        } else if !is_separator(c) {
            shape.others += 1;
            if c.is_alphabetic() && !c.is_ascii() {
                shape.foreign_letters += 1;
            }
        }
    }
    shape
}

/// The texts to hand the engine, in order of preference: the text as typed, then — when it starts
/// with `00` and no `+` — the same with that `00` read as `+` (`0082 10-…` → `+82 10-…`, and
/// `0044 …` typed in a country whose international prefix is not `00`).
pub fn candidates(normalized: &str) -> Vec<String> {
    let mut out = vec![normalized.to_string()];
    let start = normalized
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || *c == '+')
        .map(|(i, _)| i);
    if let Some(start) = start {
        let rest = &normalized[start..];
        if let Some(after) = rest.strip_prefix("00") {
            if after.starts_with(|c: char| c.is_ascii_digit() && c != '0') {
                out.push(format!("+{after}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_other_scripts_become_ascii() {
        assert_eq!(
            normalize_input("　０１０－１２３４－５６７８　"),
            "010-1234-5678"
        );
        assert_eq!(normalize_input("＋８２ １０"), "+82 10");
        assert_eq!(normalize_input("٠١٠"), "010");
    }

    #[test]
    fn double_zero_is_also_read_as_plus() {
        assert_eq!(candidates("0082 10"), vec!["0082 10", "+82 10"]);
        assert_eq!(candidates("(0044) 7400"), vec!["(0044) 7400", "+44) 7400"]);
        assert_eq!(candidates("010"), vec!["010"]);
        assert_eq!(candidates("000"), vec!["000"]);
    }

    #[test]
    fn the_prolonged_sound_mark_is_a_dash() {
        assert_eq!(normalize_input("010ー1234ｰ5678"), "010-1234-5678");
    }

    #[test]
    fn a_label_in_front_is_dropped_and_nothing_else() {
        assert_eq!(strip_label("휴대폰: 010-1234-5678"), "010-1234-5678");
        assert_eq!(strip_label("휴대전화 번호 010-1234-5678"), "010-1234-5678");
        assert_eq!(strip_label("H.P 010-1234-5678"), "010-1234-5678");
        assert_eq!(strip_label("H/P. 010-1234-5678"), "010-1234-5678");
        assert_eq!(strip_label("Mobile +82 10-1234-5678"), "+82 10-1234-5678");
        assert_eq!(strip_label("Tel. 02-123-4567"), "02-123-4567");
        assert_eq!(strip_label("M. 010-1234-5678"), "010-1234-5678");
        assert_eq!(strip_label("tel:+82-10-1234-5678"), "tel:+82-10-1234-5678");
        assert_eq!(strip_label("공일공-1234-5678"), "공일공-1234-5678");
        assert_eq!(strip_label("회사 010-1234-5678"), "회사 010-1234-5678");
        assert_eq!(strip_label("010-1234-5678"), "010-1234-5678");
        assert_eq!(strip_label("휴대폰 없음"), "휴대폰 없음");
    }

    #[test]
    fn shape_counts_digits_and_the_rest() {
        let counts = |s: &str| {
            let found = shape(s);
            (found.digits, found.others, found.foreign_letters)
        };
        assert_eq!(counts(" - ( ) "), (0, 0, 0));
        assert_eq!(counts("010-abc"), (3, 3, 0));
        assert_eq!(counts("공일공-1234"), (4, 3, 3));
    }
}
