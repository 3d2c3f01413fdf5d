//! Text typed with the keyboard still in 한글 mode, read back to the keys that were pressed.
//!
//! On the standard Korean 2-set (두벌식, KS X 5002) layout every Hangul letter sits on one Latin
//! key: `hong@naver.com` typed after a 한/영 slip arrives as `ㅙㅜㅎ@ㅜㅁㅍㄷㄱ.채ㅡ`, because the
//! input method turns the keys into jamo and composes what it can into syllables. No domain label
//! may hold jamo (IDNA2008, RFC 5892, leaves them out), so such an address can never receive mail;
//! but the keys can be read back — syllables decomposed to their jamo, each jamo to its key (a
//! double consonant or a `ㅒ`/`ㅖ` is the shifted key, a compound vowel or final cluster two
//! keys) — and offered as what the employee meant, as Naver's search does for queries typed in
//! the wrong mode.

/// Keys of the 19 leading consonants, in Unicode order (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ).
const LEADING: [&str; 19] = [
    "r", "R", "s", "e", "E", "f", "a", "q", "Q", "t", "T", "d", "w", "W", "c", "z", "x", "v", "g",
];

/// Keys of the 21 vowels, in Unicode order (ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ).
const VOWELS: [&str; 21] = [
    "k", "o", "i", "O", "j", "p", "u", "P", "h", "hk", "ho", "hl", "y", "n", "nj", "np", "nl", "b",
    "m", "ml", "l",
];

/// Keys of the 27 trailing consonants, in Unicode order (ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ … ㅎ).
const TRAILING: [&str; 27] = [
    "r", "R", "rt", "s", "sw", "sg", "e", "f", "fr", "fa", "fq", "ft", "fx", "fv", "fg", "a", "q",
    "qt", "t", "T", "d", "w", "c", "z", "x", "v", "g",
];

/// Keys of the 30 compatibility consonants U+3131–U+314E (ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄸ ㄹ ㄺ … ㅎ), the
/// letters an input method leaves standing alone.
const COMPATIBILITY_CONSONANTS: [&str; 30] = [
    "r", "R", "rt", "s", "sw", "sg", "e", "E", "f", "fr", "fa", "fq", "ft", "fx", "fv", "fg", "a",
    "q", "Q", "qt", "t", "T", "d", "w", "W", "c", "z", "x", "v", "g",
];

const SYLLABLES: std::ops::RangeInclusive<u32> = 0xAC00..=0xD7A3;

/// Hangul jamo of any block: conjoining (U+1100–11FF), compatibility (U+3131–318E) and the
/// extended blocks (U+A960–A97F, U+D7B0–D7FF). Never valid in a domain label.
pub fn is_jamo(c: char) -> bool {
    matches!(
        c,
        '\u{1100}'..='\u{11FF}'
            | '\u{3131}'..='\u{318E}'
            | '\u{A960}'..='\u{A97F}'
            | '\u{D7B0}'..='\u{D7FF}'
    )
}

/// A composed Hangul syllable (가–힣).
pub fn is_syllable(c: char) -> bool {
    SYLLABLES.contains(&u32::from(c))
}

/// Jamo or a syllable: a letter typed in 한글 mode.
pub fn is_hangul(c: char) -> bool {
    is_jamo(c) || is_syllable(c)
}

/// `text` with conjoining jamo sequences (a leading consonant, a vowel, maybe a trailing
/// consonant) composed into the syllable they spell, as Unicode normalisation (NFC) does: `나`
/// written as U+1102 U+1161 is the same text as `나`, and no slip. What stays jamo is jamo.
pub fn compose_conjoining(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        let last = out.last().map(|l| u32::from(*l));
        let composed = match last {
            Some(lead @ 0x1100..=0x1112) if (0x1161..=0x1175).contains(&code) => {
                Some(SYLLABLES.start() + ((lead - 0x1100) * 21 + (code - 0x1161)) * 28)
            }
            Some(syllable) if SYLLABLES.contains(&syllable) => {
                let no_trail = (syllable - SYLLABLES.start()).is_multiple_of(28);
                (no_trail && (0x11A8..=0x11C2).contains(&code)).then(|| syllable + code - 0x11A7)
            }
            _ => None,
        };
        match composed.and_then(char::from_u32) {
            Some(syllable) => {
                out.pop();
                out.push(syllable);
            }
            None => out.push(c),
        }
    }
    out.into_iter().collect()
}

/// The keys pressed for one Hangul letter, or `None` for a letter no 2-set key gives (an
/// archaic jamo, the filler).
fn keys_of(c: char, out: &mut String) -> Option<()> {
    let code = u32::from(c);
    let index = |base: u32| usize::try_from(code - base).ok();
    match c {
        _ if is_syllable(c) => {
            let offset = code - SYLLABLES.start();
            let (lead, rest) = (offset / (21 * 28), offset % (21 * 28));
            let (vowel, trail) = (rest / 28, rest % 28);
            out.push_str(LEADING.get(usize::try_from(lead).ok()?)?);
            out.push_str(VOWELS.get(usize::try_from(vowel).ok()?)?);
            if trail > 0 {
                out.push_str(TRAILING.get(usize::try_from(trail - 1).ok()?)?);
            }
        }
        '\u{3131}'..='\u{314E}' => out.push_str(COMPATIBILITY_CONSONANTS.get(index(0x3131)?)?),
        '\u{314F}'..='\u{3163}' => out.push_str(VOWELS.get(index(0x314F)?)?),
        '\u{1100}'..='\u{1112}' => out.push_str(LEADING.get(index(0x1100)?)?),
        '\u{1161}'..='\u{1175}' => out.push_str(VOWELS.get(index(0x1161)?)?),
        '\u{11A8}'..='\u{11C2}' => out.push_str(TRAILING.get(index(0x11A8)?)?),
        _ => return None,
    }
    Some(())
}

/// `text` with every Hangul letter replaced by the 2-set keys that type it; other characters are
/// kept. `None` when a Hangul letter has no key (archaic jamo).
pub fn keys_typed(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if is_hangul(c) {
            keys_of(c, &mut out)?;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jamo_and_syllables_read_back_to_their_keys() {
        for (typed, keys) in [
            ("ㅜㅁㅍㄷㄱ", "naver"),
            ("채ㅡ", "com"),
            ("ㅙㅜㅎ", "hong"),
            ("ㅎ먀ㅣ", "gail"),
            ("ㅇ며ㅡ.ㅜㄷㅅ", "daum.net"),
            ("ㅗ무ㅡ먀ㅣ", "hanmail"),
            ("ㅃ", "Q"),
            ("ㅘ", "hk"),
            ("ㅒㅖ", "OP"),
            ("닭", "ekfr"),
            ("값", "rkqt"),
            ("ㄳ", "rt"),
            // Conjoining jamo, as UTS #46 maps compatibility jamo: ᄎ ᅢ ᅳ.
            ("\u{110E}\u{1162}\u{1173}", "com"),
            ("\u{11AB}", "s"),
            ("naver.com", "naver.com"),
        ] {
            assert_eq!(keys_typed(typed).as_deref(), Some(keys), "{typed}");
        }
    }

    #[test]
    fn every_modern_syllable_reads_back_to_two_to_six_keys() {
        for code in SYLLABLES {
            let c = char::from_u32(code).expect("the syllable block is all scalar values");
            let keys = keys_typed(&c.to_string()).expect("every modern syllable has keys");
            assert!((2..=6).contains(&keys.len()), "{c} → {keys}");
            assert!(
                keys.chars().all(|k| k.is_ascii_alphabetic()),
                "{c} → {keys}"
            );
        }
    }

    #[test]
    fn conjoining_sequences_compose_as_nfc_does() {
        assert_eq!(compose_conjoining("\u{1102}\u{1161}ver"), "나ver");
        assert_eq!(compose_conjoining("\u{1112}\u{1161}\u{11AB}"), "한");
        assert_eq!(compose_conjoining("가\u{11A8}"), "각");
        // A lone consonant, a syllable that has its trailing consonant, compatibility jamo: kept.
        assert_eq!(compose_conjoining("\u{1102}x"), "\u{1102}x");
        assert_eq!(compose_conjoining("각\u{11A8}"), "각\u{11A8}");
        assert_eq!(compose_conjoining("ㄴㅏ"), "ㄴㅏ");
    }

    #[test]
    fn letters_no_key_types_have_no_reading() {
        assert_eq!(keys_typed("ㆍ"), None); // U+318D arae-a, archaic
        assert_eq!(keys_typed("\u{3164}"), None); // the Hangul filler
    }

    #[test]
    fn the_blocks_are_recognised() {
        for c in [
            '\u{1100}', '\u{11FF}', 'ㄱ', 'ㆎ', '\u{A960}', '\u{D7B0}', '\u{D7FF}',
        ] {
            assert!(is_jamo(c), "{c:?}");
        }
        for c in ['가', '힣', 'a', '한'] {
            assert!(!is_jamo(c), "{c:?}");
        }
    }
}
