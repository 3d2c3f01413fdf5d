//! Codes and proofs as secrets: drawn from the operating system's CSPRNG, kept only as keyed
//! hashes (HMAC-SHA256 under a per-database key, with a per-verification salt for codes), and
//! compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2_hmac::Sha256;
use subtle::ConstantTimeEq;

/// Digits in a code.
pub const CODE_DIGITS: usize = 6;
const CODE_SPACE: u32 = 1_000_000;

/// A uniformly drawn 6-digit code (leading zeros kept). Rejection sampling: a 32-bit draw at or
/// above the largest multiple of 10^6 is drawn again, so that no code is likelier than another
/// (a plain `% 1_000_000` would favour the low codes).
pub fn generate() -> String {
    let zone = u32::MAX - (u32::MAX % CODE_SPACE);
    loop {
        let draw = u32::from_be_bytes(crate::random::bytes::<4>());
        if draw < zone {
            return format!("{:0width$}", draw % CODE_SPACE, width = CODE_DIGITS);
        }
    }
}

/// The code as typed, with blanks and hyphens dropped (`123 456`, `123-456`).
pub fn normalize(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// HMAC-SHA256 of length-prefixed `parts` under `key`: what is stored in place of a code, a proof
/// or a destination.
pub fn keyed(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length; the error arm cannot happen and yields a hash of nothing
    // under an empty key rather than a panic.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
        <Hmac<Sha256> as KeyInit>::new_from_slice(&[]).unwrap_or_else(|_| unreachable!())
    });
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// True when two stored hashes are equal. The one place codes, proofs and destinations are
/// compared: in constant time (`subtle`), so that the time taken says nothing about how many
/// leading bytes matched.
pub fn same(expected: &[u8], actual: &[u8]) -> bool {
    expected.ct_eq(actual).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_ascii_digits() {
        for _ in 0..1000 {
            let code = generate();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }

    #[test]
    fn typed_codes_lose_blanks_and_hyphens() {
        assert_eq!(normalize(" 123-456 "), "123456");
        assert_eq!(normalize("１２３"), "１２３");
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_every_part() {
        let a = keyed(b"key", &[b"code", b"123456"]);
        assert_eq!(a, keyed(b"key", &[b"code", b"123456"]));
        assert_ne!(a, keyed(b"other", &[b"code", b"123456"]));
        assert_ne!(a, keyed(b"key", &[b"code1", b"23456"]));
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same(&[1, 2, 3], &[1, 2, 3]));
        assert!(!same(&[1, 2, 3], &[1, 2, 4]));
        assert!(!same(&[1, 2, 3], &[1, 2]));
    }
}
