//! Properties that must hold for every input, not only the ones we thought of.

use mail_identity_core::email::check_email;
use mail_identity_core::phone::normalize::normalize_input;
use mail_identity_core::phone::{check_phone, format_as_you_type, mask_phone, PhoneMode};
use proptest::prelude::*;

fn modes() -> impl Strategy<Value = PhoneMode> {
    prop_oneof![
        Just(PhoneMode::Domestic),
        Just(PhoneMode::Overseas { country: None }),
        prop::sample::select(vec!["US", "JP", "GB", "CN", "DE", "VN", "KR", "ZZ", "xx"]).prop_map(
            |c| PhoneMode::Overseas {
                country: Some(c.to_string())
            }
        ),
    ]
}

/// Strings that look like phone input: digits (some full-width), separators, `+`, `tel:` parts.
fn phoneish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::char::range('0', '9').prop_map(String::from),
            1 => prop::char::range('０', '９').prop_map(String::from),
            2 => prop::sample::select(vec![" ", "-", ".", "(", ")", "+", "　", "－"]).prop_map(String::from),
            1 => prop::sample::select(vec!["tel:", ";phone-context=", "+82", "0082", "001", ";ext=", "#", "*", "a"]).prop_map(String::from),
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_strings(input in any::<String>(), mode in modes()) {
        let _ = check_phone(&input, &mode);
        let _ = format_as_you_type(&input, 3, &mode);
        let _ = check_email(&input, Some(&input));
    }

    #[test]
    fn never_panics_on_phone_like_strings(input in phoneish(), mode in modes()) {
        let _ = check_phone(&input, &mode);
        let _ = format_as_you_type(&input, input.len() as u32, &mode);
    }

    #[test]
    fn normalization_is_idempotent(input in prop_oneof![any::<String>(), phoneish()]) {
        let once = normalize_input(&input);
        prop_assert_eq!(normalize_input(&once), once);
    }

    #[test]
    fn accepted_e164_reparses_to_itself(input in phoneish(), mode in modes()) {
        if let Ok(valid) = check_phone(&input, &mode) {
            prop_assert!(mask_phone(&valid).contains('*'), "a masked number hides digits");
            let again = check_phone(&valid.e164, &PhoneMode::Overseas { country: None })
                .expect("an accepted number stays valid from its E.164");
            prop_assert_eq!(&again.e164, &valid.e164);
            // And its own formats read back to the same number.
            let national = check_phone(&valid.national, &PhoneMode::Overseas { country: Some(valid.country.clone()) })
                .expect("the national format reads back");
            prop_assert_eq!(&national.e164, &valid.e164);
            let international = check_phone(&valid.international, &PhoneMode::Overseas { country: None })
                .expect("the international format reads back");
            prop_assert_eq!(&international.e164, &valid.e164);
        }
    }

    #[test]
    fn korean_mobiles_roundtrip_through_e164(prefix in prop::sample::select(vec!["10", "11", "16", "17", "18", "19"]), rest in "[2-9][0-9]{6,7}") {
        let e164 = format!("+82{prefix}{rest}");
        if let Ok(valid) = check_phone(&e164, &PhoneMode::Domestic) {
            prop_assert_eq!(&valid.e164, &e164);
            let from_national = check_phone(&valid.national, &PhoneMode::Domestic).expect("national reads back");
            prop_assert_eq!(&from_national.e164, &e164);
        }
    }

    #[test]
    fn as_you_type_keeps_the_digits(input in phoneish(), caret in 0u32..40) {
        let out = format_as_you_type(&input, caret, &PhoneMode::Domestic);
        let digits = |s: &str| normalize_input(s).chars().filter(char::is_ascii_digit).collect::<String>();
        prop_assert_eq!(digits(&out.text), digits(&input));
        prop_assert!(out.caret as usize <= out.text.encode_utf16().count());
    }
}
