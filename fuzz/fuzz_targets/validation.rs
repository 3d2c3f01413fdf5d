//! Whatever bytes arrive, the checks answer and never panic (the phone engine's own panics are
//! caught by its guard and must not reach here).

#![no_main]

use libfuzzer_sys::fuzz_target;
use mail_identity_core::email::{check_email, mask_email};
use mail_identity_core::phone::{check_phone, format_as_you_type, mask_phone, PhoneMode};

const COUNTRIES: [&str; 8] = ["US", "JP", "GB", "CN", "DE", "BR", "IN", "ZZ"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mode = match selector % 10 {
        0..=3 => PhoneMode::Domestic,
        4 => PhoneMode::Overseas { country: None },
        n => PhoneMode::Overseas {
            country: Some(COUNTRIES[usize::from(n + selector / 10) % COUNTRIES.len()].to_string()),
        },
    };
    if let Ok(valid) = check_phone(text, &mode) {
        assert!(valid.e164.starts_with('+'));
        let masked = mask_phone(&valid);
        assert!(masked.contains('*'));
        let again = check_phone(&valid.e164, &PhoneMode::Overseas { country: None });
        assert_eq!(again.map(|v| v.e164), Ok(valid.e164));
    }
    let caret = u32::from(selector) % 32;
    let shown = format_as_you_type(text, caret, &mode);
    assert!(shown.caret as usize <= shown.text.encode_utf16().count() || shown.text == text);
    let (address, account) = text.split_once('\n').unwrap_or((text, "me@company.co.kr"));
    if let Ok(valid) = check_email(address, Some(account)) {
        assert!(valid.address.contains('@'));
        let _ = mask_email(&valid.address);
    }
});
