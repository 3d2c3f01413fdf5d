//! The recovery-address check on what Korean employees really type and paste: 한/영 slips,
//! 전각 mode, invisible characters, names pasted from a mail client, internal and reserved
//! domains, and the did-you-mean between real providers.

use mail_identity_core::email::{check_email, EmailError, EmailWarning, SuggestedAddress};

fn code(input: &str) -> &'static str {
    match check_email(input, None) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn slip(suggestion: Option<&str>) -> EmailError {
    EmailError::KoreanKeyboard {
        suggestion: suggestion.map(|s| SuggestedAddress(s.to_string())),
    }
}

#[test]
fn a_domain_typed_in_hangul_mode_is_refused_with_what_the_keys_spell() {
    for (typed, meant) in [
        ("hong@ㅜㅁㅍㄷㄱ.채ㅡ", "hong@naver.com"),
        ("hong@naver.채ㅡ", "hong@naver.com"),
        ("hong@ㅎㅡ먀ㅣ.채ㅡ", "hong@gmail.com"),
        ("hong@ㅇ며ㅡ.ㅜㄷㅅ", "hong@daum.net"),
        ("hong@ㅗ무ㅡ먀ㅣ.ㅜㄷㅅ", "hong@hanmail.net"),
        ("hong@ㅏ마매.채ㅡ", "hong@kakao.com"),
        ("kim.minjun@ㅜㅁㅅㄷ.채ㅡ", "kim.minjun@nate.com"),
        ("hong＠ㅜㅁㅍㄷㄱ．채ㅡ", "hong@naver.com"),
        // The whole address in 한글 mode: the local part is read back too.
        ("ㅙㅜㅎ@ㅜㅁㅍㄷㄱ.채ㅡ", "hong@naver.com"),
    ] {
        assert_eq!(check_email(typed, None), Err(slip(Some(meant))), "{typed}");
    }
}

#[test]
fn conjoining_and_extended_jamo_are_refused_too() {
    // U+1100 block (what UTS #46 turns compatibility jamo into), U+A960 and U+D7B0 blocks.
    for typed in [
        "hong@\u{1102}ver.com",
        "hong@na\u{A960}.com",
        "hong@na\u{D7B0}.com",
    ] {
        assert_eq!(code(typed), "korean_keyboard", "{typed}");
    }
    // A leading consonant and a vowel in conjoining jamo are the syllable 나 (NFC): no slip.
    assert_eq!(code("hong@\u{1102}\u{1161}ver.com"), "ok");
    // Keys that spell an internal domain (gcloud.local) or no domain at all: nothing suggested.
    assert_eq!(
        check_email("hong@ㅎ치ㅐㅕㅇ.ㅣㅐㅊ미", None),
        Err(slip(None))
    );
    assert_eq!(check_email("hong@ㅜㅁㅍㄷㄱ", None), Err(slip(None)));
    // Archaic jamo no key types: refused, nothing suggested.
    assert_eq!(check_email("hong@ㆍ.com", None), Err(slip(None)));
}

#[test]
fn punycode_of_jamo_is_refused() {
    // What UTS #46 alone makes of `ㅜㅁㅍㄷㄱ.com`: conjoining jamo in punycode.
    let ascii = idna::domain_to_ascii("ㅜㅁㅍㄷㄱ.com").expect("UTS #46 accepts jamo");
    assert_eq!(ascii, "xn--ypdfi8b35a.com");
    assert_eq!(check_email(&format!("hong@{ascii}"), None), Err(slip(None)));
}

#[test]
fn a_local_part_typed_in_hangul_mode_is_read_back_for_known_providers() {
    assert_eq!(
        check_email("ㅙㅜㅎ@naver.com", None),
        Err(slip(Some("hong@naver.com")))
    );
    assert_eq!(
        check_email("ㅏㅑㅡ.ㅡㅑㅜㅓㅕㅜ@gmail.com", None),
        Err(slip(Some("kim.minjun@gmail.com")))
    );
    // A name written in Hangul is not a slip, and another domain gets the plain reason.
    assert_eq!(code("홍길동@naver.com"), "invalid_local_part");
    assert_eq!(code("ㅙㅜㅎ@company.co.kr"), "invalid_local_part");
}

#[test]
fn syllable_domains_stay_valid_idns() {
    for input in ["hong@한국.kr", "hong@카카오mail.kr", "hong@네이버.com"] {
        assert_eq!(code(input), "ok", "{input}");
    }
}

#[test]
fn internal_and_reserved_domains_are_refused() {
    for input in [
        "hong@gcloud.local",
        "hong@corp.gcloud.local",
        "hong@mail.localhost",
        "hong@naver.test",
        "hong@naver.invalid",
        "hong@company.example",
        "hong@example.com",
        "hong@example.net",
        "hong@mail.example.org",
        "hong@abcdefghijklmnop.onion",
        "hong@nas.home.arpa",
        "hong@hr.internal",
        "hong@GCLOUD.LOCAL",
    ] {
        assert_eq!(code(input), "reserved_domain", "{input}");
    }
    for input in ["hong@example.co.kr", "hong@local.co.kr", "hong@test.com"] {
        assert_eq!(code(input), "ok", "{input}");
    }
}

#[test]
fn the_top_level_domain_is_letters_or_an_idn() {
    for input in [
        "hong@naver.c0m",
        "hong@daum.ne7",
        "hong@bbc.co-uk",
        "hong@naver.c_m",
    ] {
        assert_ne!(code(input), "ok", "{input}");
    }
    for input in ["hong@naver.c0m", "hong@daum.ne7", "hong@bbc.co-uk"] {
        assert_eq!(code(input), "invalid_tld", "{input}");
    }
    for input in [
        "hong@xn--3e0b707e.xn--3e0b707e",
        "hong@한국.한국",
        "hong@mail.museum",
    ] {
        assert_eq!(code(input), "ok", "{input}");
    }
}

#[test]
fn full_width_invisible_and_pasted_input_is_cleaned_and_stored_clean() {
    for input in [
        "ｈｏｎｇ＠ｎａｖｅｒ．ｃｏｍ",
        "\u{200B}hong@naver.com",
        "hong@naver.com\u{200B}",
        "\u{FEFF}hong@naver.com",
        "\u{2060}hong@naver.com\u{200D}",
        "홍길동 <hong@naver.com>",
        "\"Hong\" <hong@naver.com>",
        "mailto:hong@naver.com",
        "  Mailto:hong@NAVER.com  ",
    ] {
        let valid = check_email(input, None).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(valid.address, "hong@naver.com", "{input:?}");
        assert_eq!(valid.display, "hong@naver.com", "{input:?}");
    }
}

#[test]
fn a_pasted_own_address_is_still_the_own_address() {
    assert_eq!(
        check_email("홍길동 <hong@company.co.kr>", Some("hong@company.co.kr")),
        Err(EmailError::SameAsAccount)
    );
    assert_eq!(
        check_email("ｈｏｎｇ@company.co.kr", Some("mailto:HONG@company.co.kr")),
        Err(EmailError::SameAsAccount)
    );
}

#[test]
fn a_real_provider_is_not_corrected_into_another() {
    for input in [
        "hong@mail.com",
        "hong@ymail.com",
        "hong@gmx.com",
        "hong@hotmail.co.kr",
    ] {
        let valid = check_email(input, None).expect("a real provider");
        assert!(valid.warnings.is_empty(), "{input}: {:?}", valid.warnings);
    }
    // Typos still get one, compared in Unicode: é is one edit from e.
    for (input, meant) in [
        ("hong@navér.com", "naver.com"),
        ("hong@gmial.com", "gmail.com"),
    ] {
        let valid = check_email(input, None).expect("a typo is still an address");
        assert_eq!(
            valid.warnings,
            vec![EmailWarning::DidYouMean {
                suggestion: meant.into()
            }],
            "{input}"
        );
    }
}

#[test]
fn a_suggested_address_never_shows_in_debug_output() {
    let error = check_email("secretperson@ㅜㅁㅍㄷㄱ.채ㅡ", None).expect_err("a slip");
    let shown = format!("{error:?}");
    assert!(!shown.contains("secretperson"), "{shown}");
    assert!(shown.contains("naver.com"), "{shown}");
    let json = serde_json::to_value(&error).expect("serialisable");
    assert_eq!(
        json,
        serde_json::json!({"code": "korean_keyboard", "suggestion": "secretperson@naver.com"})
    );
}

#[test]
fn an_account_on_an_internal_domain_is_still_recognised() {
    let account = Some("hong@corp.gcloud.local");
    assert_eq!(
        check_email("HONG@corp.gcloud.local", account),
        Err(EmailError::SameAsAccount)
    );
    assert_eq!(
        check_email("kim@corp.gcloud.local", account),
        Err(EmailError::ReservedDomain)
    );
}
