//! Masked numbers for the result screen, settings and logs: enough to recognise one's own number,
//! not enough to call it.

use super::ValidPhone;

/// Masks a formatted number: the first group (and the `+CC` of an international number) and the
/// last four digits stay, every other digit becomes `*`, separators stay where they are.
/// Korean numbers use the national format (`010-****-5678`), others the international one
/// (`+44 7400 **3456`), because that is how each is read.
pub fn mask_phone(phone: &ValidPhone) -> String {
    let shown = if phone.country == "KR" {
        &phone.national
    } else {
        &phone.international
    };
    mask_formatted(shown)
}

/// Masks a formatted number as described on [`mask_phone`]: a `+CC` stays, then at most three
/// digits of the first group, and the last four digits of a number of ten or more digits (two of
/// six to nine, one of fewer), while at least three digits (all but one of a tiny number) are
/// always hidden: a five-digit Falklands number shows one digit of each end.
pub fn mask_formatted(formatted: &str) -> String {
    let digits_of = |s: &str| s.chars().filter(char::is_ascii_digit).count();
    let total = digits_of(formatted);
    let (calling_code, national) = match formatted.strip_prefix('+') {
        Some(rest) => {
            let cc: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (cc.len(), &rest[cc.len()..])
        }
        None => (0, formatted),
    };
    let national_digits = total - calling_code;
    let first_group = national
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .count();
    let tail = match national_digits {
        10.. => 4,
        6..=9 => 2,
        _ => 1,
    };
    let head = calling_code
        + first_group
            .min(3)
            .min(national_digits.saturating_sub(tail + 3));
    let hidden_until = total.saturating_sub(tail).max(head);
    let mut seen = 0;
    formatted
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > hidden_until {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_mobiles_show_the_prefix_and_the_last_four() {
        assert_eq!(mask_formatted("010-1234-5678"), "010-****-5678");
        assert_eq!(mask_formatted("011-123-4567"), "011-***-4567");
    }

    #[test]
    fn international_numbers_keep_the_country_code_and_first_group() {
        assert_eq!(mask_formatted("+44 7400 123456"), "+44 740* **3456");
        assert_eq!(mask_formatted("+1 201-555-0123"), "+1 201-***-0123");
        assert_eq!(mask_formatted("+81 90-1234-5678"), "+81 90-****-5678");
    }

    #[test]
    fn short_numbers_still_hide_at_least_three_digits() {
        assert_eq!(mask_formatted("+372 5123 4567"), "+372 512* **67");
        assert_eq!(mask_formatted("+33 6 12 34 56 78"), "+33 6 ** ** ** 78");
        assert_eq!(mask_formatted("+500 56868"), "+500 5***8");
        assert_eq!(mask_formatted("+683 7290"), "+683 ***0");
    }
}
