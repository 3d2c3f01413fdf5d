//! Format-as-you-type for the phone field, from the engine's own formatting rules, with a caret
//! that stays after the digit it was after.
//!
//! The engine has no incremental formatter, so a partial number is padded with zeros to the length
//! of the country's example mobile (or any longer length that formats), formatted, and cut back
//! after the last digit typed: `0101234` → `010-1234-0000` → `010-1234`. A complete valid number
//! is formatted as it is, so `011-123-4567` keeps its ten-digit shape. Only display depends on
//! this: the verdict always comes from [`super::check_phone`].

use super::engine;
use super::normalize;
use super::PhoneMode;
use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType, Region};
use serde::{Deserialize, Serialize};

/// The longest number E.164 allows, in digits.
const MAX_DIGITS: usize = 15;

/// The field's text after a keystroke, and where the caret goes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AsYouType {
    pub text: String,
    /// In UTF-16 code units, like the web's `selectionStart`.
    pub caret: u32,
}

/// What the user typed never reaches a log.
impl std::fmt::Debug for AsYouType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsYouType")
            .field("caret", &self.caret)
            .finish_non_exhaustive()
    }
}

/// Reformats the field's `input` for `mode`; `caret` is in UTF-16 code units of `input`.
/// Input with letters or too many digits is returned unchanged, caret included.
pub fn format_as_you_type(input: &str, caret: u32, mode: &PhoneMode) -> AsYouType {
    let unchanged = || AsYouType {
        text: input.to_string(),
        caret: caret.min(input.encode_utf16().count() as u32),
    };
    if input.chars().count() > normalize::MAX_INPUT_CHARS {
        return unchanged();
    }
    let normalized = normalize::normalize_input(input);
    let shape = normalize::shape(&normalized);
    if shape.others > 0 {
        return unchanged();
    }
    let plus = normalized.starts_with('+');
    let digits: String = normalized.chars().filter(char::is_ascii_digit).collect();
    if digits.len() > MAX_DIGITS + 3 {
        return unchanged();
    }
    let significant_before_caret = significant_before(input, caret);
    let typed = if plus {
        format!("+{digits}")
    } else {
        digits.clone()
    };
    let text = format_digits(&typed, plus, mode).unwrap_or(typed);
    let caret = caret_after(&text, significant_before_caret);
    AsYouType { text, caret }
}

/// How many digits (and a leading `+`) stand before the caret.
fn significant_before(input: &str, caret: u32) -> usize {
    let mut units = 0u32;
    let mut count = 0;
    let mut seen_digit = false;
    for c in input.chars() {
        if units >= caret {
            break;
        }
        units += c.len_utf16() as u32;
        let c = normalize::normalize_input(c.encode_utf8(&mut [0u8; 4]))
            .chars()
            .next()
            .unwrap_or(c);
        if c.is_ascii_digit() {
            seen_digit = true;
            count += 1;
        } else if c == '+' && !seen_digit && count == 0 {
            count += 1;
        }
    }
    count
}

/// The UTF-16 offset in `text` just after its `n`-th significant character.
fn caret_after(text: &str, n: usize) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut units = 0u32;
    let mut count = 0;
    for c in text.chars() {
        units += c.len_utf16() as u32;
        if c.is_ascii_digit() || c == '+' {
            count += 1;
            if count == n {
                return units;
            }
        }
    }
    units
}

fn format_digits(typed: &str, plus: bool, mode: &PhoneMode) -> Option<String> {
    let digit_count = typed.chars().filter(char::is_ascii_digit).count();
    if digit_count < 3 {
        return None;
    }
    let style = if plus {
        PhoneNumberFormat::International
    } else {
        PhoneNumberFormat::National
    };
    let region = if plus {
        None
    } else {
        match mode {
            PhoneMode::Domestic => Some(Region::KR),
            PhoneMode::Overseas { country } => {
                Some(country.as_deref().and_then(engine::region_from_code)?)
            }
        }
    };
    if let Ok(number) = engine::parse(typed, region) {
        if engine::is_valid(&number) {
            if let Some(text) = engine::format(&number, style) {
                if digits_of(&text) == digits_of(typed) {
                    return Some(text);
                }
            }
        }
    }
    let example_len = example_length(typed, plus, region);
    let lengths = example_len
        .into_iter()
        .chain(digit_count + 1..=MAX_DIGITS + 2)
        .filter(|len| *len > digit_count);
    for len in lengths {
        let padded = format!("{typed}{}", "0".repeat(len - digit_count));
        let Ok(number) = engine::parse(&padded, region) else {
            continue;
        };
        let Some(text) = engine::format(&number, style) else {
            continue;
        };
        let formatted_something = text.chars().any(|c| !c.is_ascii_digit() && c != '+');
        if formatted_something && digits_of(&text) == digits_of(&padded) {
            return Some(cut_after_digits(&text, digit_count));
        }
    }
    None
}

/// The digit count of the example mobile number the typed digits are heading for.
fn example_length(typed: &str, plus: bool, region: Option<Region>) -> Option<usize> {
    let region = match region {
        Some(region) => region,
        None => {
            let digits = digits_of(typed);
            (1..=3)
                .filter_map(|n| digits.get(..n)?.parse::<i32>().ok())
                .find_map(engine::main_region_of_calling_code)?
        }
    };
    let example = engine::example_number(region, PhoneNumberType::Mobile)
        .or_else(|| engine::example_number(region, PhoneNumberType::FixedLineOrMobile))?;
    let style = if plus {
        PhoneNumberFormat::E164
    } else {
        PhoneNumberFormat::National
    };
    Some(digits_of(&engine::format(&example, style)?).len())
}

fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// `text` up to and including its `n`-th digit, without trailing separators.
fn cut_after_digits(text: &str, n: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        if count == n {
            break;
        }
        if c.is_ascii_digit() {
            count += 1;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(input: &str, mode: &PhoneMode) -> String {
        format_as_you_type(input, input.encode_utf16().count() as u32, mode).text
    }

    #[test]
    fn korean_mobile_grows_into_its_format() {
        let steps = [
            ("01", "01"),
            ("010", "010"),
            ("0101", "010-1"),
            ("0101234", "010-1234"),
            ("01012345", "010-1234-5"),
            ("01012345678", "010-1234-5678"),
            ("0111234567", "011-123-4567"),
            ("+82101234", "+82 10-1234"),
        ];
        for (input, shown) in steps {
            assert_eq!(typed(input, &PhoneMode::Domestic), shown, "{input}");
        }
    }

    #[test]
    fn overseas_uses_the_chosen_country() {
        let us = PhoneMode::Overseas {
            country: Some("US".into()),
        };
        assert_eq!(typed("2015550", &us), "(201) 555-0");
        assert_eq!(typed("2015550123", &us), "(201) 555-0123");
    }

    #[test]
    fn caret_stays_after_the_same_digit() {
        // Caret after "0101" (4 digits) in a field that then gains a dash.
        let out = format_as_you_type("01012345678", 4, &PhoneMode::Domestic);
        assert_eq!(out.text, "010-1234-5678");
        assert_eq!(out.caret, 5);
        let out = format_as_you_type("010-1234-5678", 0, &PhoneMode::Domestic);
        assert_eq!(out.caret, 0);
        // Full-width digits typed with a Korean IME count as digits.
        let out = format_as_you_type("０１０１２", 5, &PhoneMode::Domestic);
        assert_eq!((out.text.as_str(), out.caret), ("010-12", 6));
    }

    #[test]
    fn letters_leave_the_field_alone() {
        let out = format_as_you_type("010-abc", 3, &PhoneMode::Domestic);
        assert_eq!((out.text.as_str(), out.caret), ("010-abc", 3));
    }
}
