//! Masked numbers for the result screen, settings and logs: enough to recognise one's own number,
//! not enough to call it.
//!
//! One rule for every country: how many digits are hidden depends only on how many digits the
//! number has (its national significant number, without the `+CC` or a trunk `0`), never on how a
//! country groups them, so two numbers of the same length hide the same number of digits.

use super::ValidPhone;

/// Masks a number for display: Korean numbers in the national format (`010-****-5678`), others in
/// the international one (`+44 74** **3456`), because that is how each is read.
pub fn mask_phone(phone: &ValidPhone) -> String {
    let shown = if phone.country == "KR" {
        &phone.national
    } else {
        &phone.international
    };
    mask_formatted(shown)
}

/// How many of a number's significant digits stay at the start, are hidden, and stay at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaskShape {
    pub head: usize,
    pub hidden: usize,
    pub tail: usize,
}

/// The one rule, by the number of significant digits: the last four digits of a number of ten or
/// more stay (two of six to nine, one of fewer), four digits are hidden from eight digits up and
/// three below (all but one of a tiny number), and what is left stays at the start.
pub fn mask_shape(significant_digits: usize) -> MaskShape {
    let n = significant_digits;
    let tail = match n {
        10.. => 4,
        6..=9 => 2,
        _ => 1.min(n),
    };
    let hidden = match n {
        8.. => 4,
        _ => 3.min(n.saturating_sub(tail)),
    };
    MaskShape {
        head: n - tail - hidden,
        hidden,
        tail,
    }
}

/// Masks a formatted number with [`mask_shape`]: a `+CC` and a national trunk `0` stay and are not
/// counted, separators stay where they are. An unformatted E.164 (the fallback for a number that no
/// longer passes the checks) is masked over all its digits.
pub fn mask_formatted(formatted: &str) -> String {
    let digits: Vec<char> = formatted.chars().filter(char::is_ascii_digit).collect();
    let prefix = match formatted.strip_prefix('+') {
        // A calling code has one to three digits; a longer run is an unformatted E.164 (`+8210…`),
        // whose code cannot be told apart here, so all its digits count.
        Some(rest) => match rest.chars().take_while(char::is_ascii_digit).count() {
            run @ 1..=3 => run,
            _ => 0,
        },
        // A national format starts with the trunk prefix (`010-…`), which says nothing about the number.
        None => usize::from(digits.first() == Some(&'0') && digits.len() > 1),
    };
    let shape = mask_shape(digits.len() - prefix);
    let shown_until = prefix + shape.head;
    let hidden_until = shown_until + shape.hidden;
    let mut seen = 0;
    formatted
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= shown_until || seen > hidden_until {
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

    fn hidden(masked: &str) -> usize {
        masked.chars().filter(|&c| c == '*').count()
    }

    #[test]
    fn korean_mobiles_show_the_prefix_and_the_last_four() {
        assert_eq!(mask_formatted("010-1234-5678"), "010-****-5678");
        assert_eq!(mask_formatted("011-123-4567"), "011-1**-**67");
    }

    #[test]
    fn international_numbers_keep_the_country_code() {
        assert_eq!(mask_formatted("+44 7400 123456"), "+44 74** **3456");
        assert_eq!(mask_formatted("+1 201-555-0123"), "+1 20*-***-0123");
        assert_eq!(mask_formatted("+81 90-1234-5678"), "+81 90-****-5678");
        assert_eq!(mask_formatted("+86 138 0013 8000"), "+86 138 **** 8000");
    }

    #[test]
    fn short_numbers_still_hide_at_least_three_digits() {
        assert_eq!(mask_formatted("+372 5123 4567"), "+372 51** **67");
        assert_eq!(mask_formatted("+33 6 12 34 56 78"), "+33 6 12 ** ** 78");
        assert_eq!(mask_formatted("+500 56868"), "+500 5***8");
        assert_eq!(mask_formatted("+683 7290"), "+683 ***0");
    }

    #[test]
    fn the_same_length_hides_the_same_number_of_digits_in_every_country() {
        // Ten significant digits, grouped four different ways.
        let ten = [
            "010-1234-5678",
            "+82 10-1234-5678",
            "+81 90-1234-5678",
            "+1 201-555-0123",
            "+44 7400 123456",
            "+91 98765 43210",
        ];
        for number in ten {
            assert_eq!(hidden(&mask_formatted(number)), 4, "{number}");
        }
        // Nine: France, Vietnam and an old Korean 011 number.
        for number in ["+33 6 12 34 56 78", "+84 91 234 56 78", "011-123-4567"] {
            assert_eq!(hidden(&mask_formatted(number)), 4, "{number}");
        }
    }

    #[test]
    fn an_unformatted_number_is_masked_too() {
        assert_eq!(mask_formatted("+821012345678"), "+8210****5678");
        assert_eq!(mask_formatted("01012345678"), "010****5678");
    }

    #[test]
    fn every_length_leaves_something_hidden_and_adds_up() {
        for n in 1..=15 {
            let shape = mask_shape(n);
            assert_eq!(shape.head + shape.hidden + shape.tail, n);
            assert!(shape.hidden >= 1.min(n.saturating_sub(1)), "{n}: {shape:?}");
            if n >= 4 {
                assert!(shape.hidden >= 3, "{n}: {shape:?}");
            }
        }
    }
}
