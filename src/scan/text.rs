//! From a QR code's data bytes to text, or a refusal: a wrong character set makes a wrong payload
//! (a misread), and a misread matched to a roster is worse than no read at all.
//!
//! A code that declares its character set (an ECI) is decoded in it by the decoder. A code that
//! does not is, in this order:
//! 1. UTF-8 when the bytes are valid UTF-8 (ASCII included): what phones and every current
//!    generator write;
//! 2. Shift_JIS when ZXing's own test says so (a run of three double-byte or half-width katakana
//!    characters, or ZXing's tie-break against Latin-1) and the bytes are valid Shift_JIS: older
//!    Japanese codes, the other big family of codes without an ECI;
//! 3. GB 18030 when the bytes are valid GB 18030 and at least half of the characters are GB 2312
//!    pairs (both bytes in 0xA1..=0xFE): Chinese text from older generators. The GB 2312 test keeps
//!    Latin-1 words out (`ü` followed by a letter is a valid but rare GBK pair);
//! 4. ISO-8859-1, the standard's default, when every byte above 0x7F is a Latin-1 letter
//!    (0xC0..=0xFF but × and ÷): accented words, not binary data that happens to avoid C1;
//! 5. otherwise the payload is not text and is refused: no lossy guess.
//!
//! Steps 2–4 also refuse bytes with control characters other than tab, line breaks and the GS1
//! separator (0x1D): a NUL or an escape among non-UTF-8 bytes says binary data, not old text.
//!
//! Steps 2 and 4 follow ZXing's `guessCharset` (the reference the evaluation sets were labelled
//! with); step 3 is what a Chinese station adds where ZXing would fall back to Latin-1.

use encoding_rs::{GB18030, SHIFT_JIS};

/// The text of data bytes that carry no ECI, or `None` when they are not text in any character
/// set tried (see the module documentation for the order).
pub fn text_without_eci(bytes: &[u8]) -> Option<String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    if bytes
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1d))
    {
        return None;
    }
    let guess = zxing_guess(bytes);
    if guess.shift_jis
        && let Some(s) = strict(SHIFT_JIS, bytes)
    {
        return Some(s);
    }
    if mostly_gb2312(bytes)
        && let Some(s) = strict(GB18030, bytes)
    {
        return Some(s);
    }
    if bytes
        .iter()
        .all(|&b| b < 0x80 || (b >= 0xC0 && b != 0xD7 && b != 0xF7))
    {
        return Some(bytes.iter().map(|&b| char::from(b)).collect());
    }
    None
}

/// Decodes without replacement; private-use characters (user-defined Shift_JIS rows) count as
/// not text either.
fn strict(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> Option<String> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    if text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)) {
        return None;
    }
    Some(text.into_owned())
}

/// Whether at least half of the non-ASCII characters, read as GB 18030, are GB 2312 pairs.
fn mostly_gb2312(bytes: &[u8]) -> bool {
    let (mut pairs, mut other) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        if (0xA1..=0xF7).contains(&b) && (0xA1..=0xFE).contains(&next) {
            pairs += 1;
            i += 2;
        } else {
            other += 1;
            // A GB 18030 four-byte sequence has a digit second; a two-byte one anything else.
            i += if next.is_ascii_digit() { 4 } else { 2 };
        }
    }
    pairs > 0 && pairs >= other
}

struct Guess {
    shift_jis: bool,
}

/// ZXing's `StringUtils.guessCharset` tests for Shift_JIS and ISO-8859-1 (UTF-8 is tested first
/// and strictly by the caller).
fn zxing_guess(bytes: &[u8]) -> Guess {
    let mut latin1 = true;
    let mut sjis = true;
    let mut sjis_left = 0;
    let mut katakana = 0usize;
    let (mut kata_run, mut kata_max) = (0usize, 0usize);
    let (mut double_run, mut double_max) = (0usize, 0usize);
    let mut latin1_high_other = 0usize;
    for &b in bytes {
        if latin1 {
            if (0x80..0xA0).contains(&b) {
                latin1 = false;
            } else if b > 0x9F && (b < 0xC0 || b == 0xD7 || b == 0xF7) {
                latin1_high_other += 1;
            }
        }
        if sjis {
            if sjis_left > 0 {
                if b < 0x40 || b == 0x7F || b > 0xFC {
                    sjis = false;
                } else {
                    sjis_left -= 1;
                }
            } else if b == 0x80 || b == 0xA0 || b > 0xEF {
                sjis = false;
            } else if b > 0xA0 && b < 0xE0 {
                katakana += 1;
                double_run = 0;
                kata_run += 1;
                kata_max = kata_max.max(kata_run);
            } else if b > 0x7F {
                sjis_left += 1;
                kata_run = 0;
                double_run += 1;
                double_max = double_max.max(double_run);
            } else {
                kata_run = 0;
                double_run = 0;
            }
        }
    }
    if sjis_left > 0 {
        sjis = false;
    }
    // ZXing: Shift_JIS on a run of three; against Latin-1, on exactly two katakana or 10 % of
    // bytes that would be Latin-1 symbols; and whenever Latin-1 is impossible.
    let shift_jis = sjis
        && (kata_max >= 3
            || double_max >= 3
            || !latin1
            || (kata_max == 2 && katakana == 2)
            || latin1_high_other * 10 >= bytes.len());
    Guess { shift_jis }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(encoding: &'static encoding_rs::Encoding, s: &str) -> Vec<u8> {
        let (bytes, _, bad) = encoding.encode(s);
        assert!(!bad, "{s} is not encodable");
        bytes.into_owned()
    }

    #[test]
    fn utf8_and_ascii_are_taken_as_they_are() {
        assert_eq!(
            text_without_eci(b"TUCAI-2026-0001").as_deref(),
            Some("TUCAI-2026-0001")
        );
        let s = "MECARD:N:测试;;";
        assert_eq!(text_without_eci(s.as_bytes()).as_deref(), Some(s));
        // Control characters are text too (GS1 separators, ZXing's own samples).
        assert_eq!(
            text_without_eci(b"\x01\x10AD").as_deref(),
            Some("\x01\x10AD")
        );
    }

    #[test]
    fn shift_jis_katakana_and_kanji_are_shift_jis() {
        for s in [
            "*ﾃﾞｻﾞｲﾝQR*\r\nhttp://d-qr.net/ex/",
            "今度のバージョンでは文章の暗号化ができます。",
        ] {
            let bytes = encode(SHIFT_JIS, s);
            assert!(std::str::from_utf8(&bytes).is_err());
            assert_eq!(text_without_eci(&bytes).as_deref(), Some(s));
        }
    }

    #[test]
    fn gb2312_chinese_is_gb18030() {
        for s in ["报名照片采集：旅游管理学院", "张三 2026001"] {
            let bytes = encode(GB18030, s);
            assert_eq!(text_without_eci(&bytes).as_deref(), Some(s), "{bytes:02x?}");
        }
    }

    #[test]
    fn gb2312_that_zxing_takes_for_katakana_is_read_as_zxing_does() {
        // 学号 in GB 2312 is four bytes in 0xA1..=0xDF: valid half-width katakana too, and ZXing's
        // test says Shift_JIS. The known limit of a code without an ECI: the same bytes are
        // Japanese in ZXing's test photos, so the order follows ZXing (docs/PERFORMANCE.md).
        let bytes = encode(GB18030, "学号2026001");
        assert_eq!(text_without_eci(&bytes).as_deref(), Some("ﾑｧｺﾅ2026001"));
    }

    #[test]
    fn latin1_words_stay_latin1() {
        let bytes = encode(encoding_rs::WINDOWS_1252, "Müller, Zoë");
        assert_eq!(text_without_eci(&bytes).as_deref(), Some("Müller, Zoë"));
    }

    #[test]
    fn bytes_that_are_no_text_are_refused() {
        // C1 controls and broken multi-byte sequences: not Latin-1, not valid anywhere else.
        assert_eq!(text_without_eci(&[0x80, 0x81, 0x00, 0xff]), None);
        assert_eq!(text_without_eci(&[0x9f, 0x10, 0x85]), None);
        // No C1 byte, but symbols and no-break spaces between bytes are not a Latin-1 word.
        assert_eq!(
            text_without_eci(&[0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe]),
            None
        );
        // Latin-1 letters, but a NUL among them: binary.
        assert_eq!(text_without_eci(&[0xff, 0xfe, 0x00, 0x41]), None);
    }
}
