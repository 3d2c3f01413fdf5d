//! Korean numbers as people really type and paste them, and what the form says to each.

use mail_identity_core::phone::{check_phone, mask_phone, NumberKind, PhoneError, PhoneMode};

const MOBILE: &str = "+821012345678";

/// (what was typed, the E.164 accepted or the reason code refused) in domestic mode.
const DOMESTIC: &[(&str, &str)] = &[
    // The usual ways.
    ("010-1234-5678", MOBILE),
    ("01012345678", MOBILE),
    ("010 1234 5678", MOBILE),
    ("010.1234.5678", MOBILE),
    ("010)1234-5678", MOBILE),
    ("(010) 1234-5678", MOBILE),
    ("010 - 1234 - 5678", MOBILE),
    ("  010-1234-5678  ", MOBILE),
    ("010–1234–5678", MOBILE),
    ("010/1234/5678", MOBILE),
    // A Korean IME in full-width mode, and the ideographic space.
    ("０１０－１２３４－５６７８", MOBILE),
    ("０１０　１２３４　５６７８", MOBILE),
    ("010-１２３４-5678", MOBILE),
    // Country code in every form seen in the wild.
    ("+82 10-1234-5678", MOBILE),
    ("+82-10-1234-5678", MOBILE),
    ("+821012345678", MOBILE),
    ("+82 010-1234-5678", MOBILE),
    ("+82 (0)10-1234-5678", MOBILE),
    ("＋８２ １０ １２３４ ５６７８", MOBILE),
    ("82 10 1234 5678", MOBILE),
    ("821012345678", MOBILE),
    ("0082 10 1234 5678", MOBILE),
    ("0082-10-1234-5678", MOBILE),
    ("001 82 10 1234 5678", MOBILE),
    ("00182 1012345678", MOBILE),
    ("tel:+82-10-1234-5678", MOBILE),
    ("tel:010-1234-5678;phone-context=+82", MOBILE),
    // A label pasted in front, as on a signature or a business card.
    ("휴대폰: 010-1234-5678", MOBILE),
    ("휴대전화 010-1234-5678", MOBILE),
    ("H.P 010-1234-5678", MOBILE),
    ("HP. 010.1234.5678", MOBILE),
    ("Mobile +82 10-1234-5678", MOBILE),
    ("Tel. 010-1234-5678", MOBILE),
    ("Tel. 02-123-4567", "not_mobile"),
    // The dash key through a Japanese or Korean IME.
    ("010ー1234ー5678", MOBILE),
    // `00` then 82 is Korea, not the carrier prefix 008 then Tunisia (+216).
    ("0082-16-9083-8947", "+821690838947"),
    ("0082 10 9083 8947", "+821090838947"),
    // Legacy 01x numbers (still valid mobiles).
    ("011-123-4567", "+82111234567"),
    ("016-1234-5678", "+821612345678"),
    ("019 987 6543", "+82199876543"),
    // Not mobiles: landlines, VoIP, representative numbers.
    ("02-123-4567", "not_mobile"),
    ("02-1234-5678", "not_mobile"),
    ("031-123-4567", "not_mobile"),
    ("064-712-3456", "not_mobile"),
    ("070-1234-5678", "not_mobile"),
    ("1588-1234", "not_mobile"),
    ("1668-2590", "not_mobile"),
    ("080-123-4567", "not_mobile"),
    // Lengths.
    ("010-123-456", "too_short"),
    ("010-123", "too_short"),
    ("1", "too_short"),
    ("01", "too_short"),
    ("010-1234-56789", "too_long"),
    ("010-1234-5678-9", "too_long"),
    ("010123456789012345678", "too_long"),
    // Digits no plan assigns.
    ("013-1234-5678", "invalid_for_country"),
    ("014-1234-5678", "invalid_for_country"),
    // Nothing, and not a number.
    ("", "empty"),
    ("   ", "empty"),
    ("--", "empty"),
    ("()", "empty"),
    ("공일공-1234-5678", "not_a_number"),
    ("010-1234-5678 (휴대폰)", "not_a_number"),
    ("휴대폰 없음", "not_a_number"),
    ("abc", "not_a_number"),
    ("010;phone-context=+82;tel:1", "not_a_number"),
    (";phone-context=a;tel:", "not_a_number"),
    // Foreign numbers point to the overseas toggle.
    ("+1 201-555-0123", "foreign_number_in_domestic_mode"),
    ("+81 90-1234-5678", "foreign_number_in_domestic_mode"),
    ("+86 139 1234 5678", "foreign_number_in_domestic_mode"),
    ("0044 7400 123456", "foreign_number_in_domestic_mode"),
    // Unknown country codes.
    ("+999 1234 5678", "invalid_country_code"),
];

fn outcome(input: &str, mode: &PhoneMode) -> String {
    match check_phone(input, mode) {
        Ok(valid) => valid.e164,
        Err(error) => error.code().to_string(),
    }
}

#[test]
fn domestic_mode_reads_korean_numbers_as_typed() {
    let mut wrong = Vec::new();
    for (input, expected) in DOMESTIC {
        let got = outcome(input, &PhoneMode::Domestic);
        if got != *expected {
            wrong.push(format!("{input:?}: expected {expected}, got {got}"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn over_250_characters_is_refused_before_parsing() {
    let long = format!("010-1234-5678{}", " ".repeat(250));
    assert_eq!(
        check_phone(&long, &PhoneMode::Domestic),
        Err(PhoneError::NotANumber)
    );
}

#[test]
fn not_mobile_names_the_detected_kind() {
    let kind = |input| match check_phone(input, &PhoneMode::Domestic) {
        Err(PhoneError::NotMobile { kind }) => Some(kind),
        _ => None,
    };
    assert_eq!(kind("02-123-4567"), Some(NumberKind::FixedLine));
    assert_eq!(kind("070-1234-5678"), Some(NumberKind::Voip));
    assert_eq!(kind("1588-1234"), Some(NumberKind::Uan));
}

#[test]
fn foreign_number_names_its_country() {
    assert_eq!(
        check_phone("+81 90-1234-5678", &PhoneMode::Domestic),
        Err(PhoneError::ForeignNumberInDomesticMode {
            country: "JP".into()
        })
    );
}

#[test]
fn an_accepted_number_has_every_format() {
    let valid = check_phone("010 1234 5678", &PhoneMode::Domestic).expect("a mobile");
    assert_eq!(valid.national, "010-1234-5678");
    assert_eq!(valid.international, "+82 10-1234-5678");
    assert_eq!(valid.kind, NumberKind::Mobile);
    assert_eq!(valid.country, "KR");
    assert!(!valid.suggest_domestic);
    assert_eq!(mask_phone(&valid), "010-****-5678");
    assert!(!format!("{valid:?}").contains("5678"));
}

#[test]
fn overseas_mode_accepts_mobiles_of_the_chosen_country() {
    let mode = |cc: &str| PhoneMode::Overseas {
        country: Some(cc.into()),
    };
    let us = check_phone("(201) 555-0123", &mode("US")).expect("US numbers can be mobiles");
    assert_eq!(us.kind, NumberKind::FixedLineOrMobile);
    assert_eq!(us.e164, "+12015550123");
    assert_eq!(mask_phone(&us), "+1 20*-***-0123");
    let jp = check_phone("090-1234-5678", &mode("JP")).expect("a Japanese mobile");
    assert_eq!(jp.country, "JP");
    assert_eq!(
        outcome("03-1234-5678", &mode("JP")),
        "not_mobile",
        "a Tokyo landline"
    );
    assert_eq!(outcome("07400 123456", &mode("GB")), "+447400123456");
    assert_eq!(outcome("0044 7400 123456", &mode("US")), "+447400123456");
    assert_eq!(outcome("+1 201-555-012", &mode("US")), "too_short");
    // Without a country the number must carry its +CC.
    let anywhere = PhoneMode::Overseas { country: None };
    assert_eq!(outcome("+44 7400 123456", &anywhere), "+447400123456");
    assert_eq!(outcome("7400 123456", &anywhere), "invalid_country_code");
}

#[test]
fn a_korean_number_in_overseas_mode_is_flagged() {
    let mode = PhoneMode::Overseas {
        country: Some("US".into()),
    };
    let valid = check_phone("+82 10-1234-5678", &mode).expect("accepted");
    assert!(valid.suggest_domestic);
    assert_eq!(valid.country, "KR");
}
