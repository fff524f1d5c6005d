//! The ZXing readers through `rxing` (a pure-Rust port of ZXing and of zxing-cpp's QR reader),
//! and the one place where a code's data becomes text.
//!
//! Two detectors of rxing are used: zxing-cpp's (finder patterns found as concentric rings,
//! every finder triple tried, so a code inside a code and several codes in one picture are all
//! read) and, when it finds nothing, Java ZXing's (a different finder search and alignment-pattern
//! fit that reads some tilted photos the other misses). Both binarise with ZXing's hybrid
//! binariser (8×8 blocks, threshold from the 5×5 block neighbourhood), which copes with uneven
//! light. rqrr's grids (see `decode.rs`) are decoded here too, so every payload, whoever found the
//! code, goes through one ECI-aware decoder and one text rule (`text.rs`).

use super::decode::Decoded;
use super::text::text_without_eci;
use image::GrayImage;
use rxing::common::{BitMatrix, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, RXingResult,
    RXingResultMetadataType, RXingResultMetadataValue, Reader,
};
use std::collections::HashSet;

/// Which of rxing's QR readers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Detector {
    /// zxing-cpp's detector, every code in the picture.
    Cpp,
    /// Java ZXing's detector, one code.
    Java,
}

fn hints(try_harder: bool) -> DecodeHints {
    DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(try_harder),
        ..DecodeHints::default()
    }
}

/// Reads the codes in `grey`, dark on light first, then light on dark when nothing was found.
/// `try_harder` makes the finder search look at every row instead of every few (small codes).
pub(super) fn read(grey: &GrayImage, reader: Detector, try_harder: bool) -> Vec<Decoded> {
    for inverted in [false, true] {
        let found = read_polarity(grey, reader, try_harder, inverted);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn read_polarity(
    grey: &GrayImage,
    reader: Detector,
    try_harder: bool,
    inverted: bool,
) -> Vec<Decoded> {
    let (w, h) = grey.dimensions();
    let luma: Vec<u8> = if inverted {
        grey.as_raw().iter().map(|p| 255 - p).collect()
    } else {
        grey.as_raw().clone()
    };
    let Ok(source) = Luma8LuminanceSource::new(luma, w, h) else {
        return Vec::new();
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = hints(try_harder);
    let results = match reader {
        Detector::Cpp => QrReader
            .decode_multiple_with_hints(&mut bitmap, &hints)
            .unwrap_or_default(),
        Detector::Java => QRCodeReader
            .decode_with_hints(&mut bitmap, &hints)
            .map(|r| vec![r])
            .unwrap_or_default(),
    };
    let mut out: Vec<Decoded> = Vec::new();
    for r in &results {
        let d = match reader {
            Detector::Cpp => from_content(r.getText(), r.getRawBytes(), &symbology(r), inverted),
            Detector::Java => from_java(r, inverted),
        };
        push_new(&mut out, d);
    }
    out
}

/// Adds `d` unless the same payload is there already.
pub(super) fn push_new(out: &mut Vec<Decoded>, d: Decoded) {
    if !out.iter().any(|o| o.payload == d.payload) {
        out.push(d);
    }
}

fn symbology(r: &RXingResult) -> String {
    match r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::SYMBOLOGY_IDENTIFIER)
    {
        Some(RXingResultMetadataValue::SymbologyIdentifier(s)) => s.clone(),
        _ => String::new(),
    }
}

/// Whether the symbology identifier (`]Q1`..`]Q6`, ISO/IEC 18004 Table 22) says the code carries
/// an ECI: the even modifiers.
fn has_eci(symbology: &str) -> bool {
    matches!(symbology.as_bytes().get(2), Some(b'2' | b'4' | b'6'))
}

/// A result of zxing-cpp's decoder: `content` is the data bytes of every segment as encoded.
/// With an ECI the decoder's text is right (it decoded each segment in its declared character
/// set) unless a segment was not valid in it. Without one, the decoder's text is kept where the
/// code's modes fixed the character set (Kanji mode is Shift_JIS, Hanzi mode GB 2312), and where
/// it is a byte segment's guess (the whole content read as Latin-1 or Shift_JIS) the text rule
/// decides instead.
fn from_content(text: &str, content: &[u8], symbology: &str, inverted: bool) -> Decoded {
    let text = if has_eci(symbology) {
        Some(text.to_owned())
            .filter(|t| !t.contains('\u{FFFD}') && (!t.is_empty() || content.is_empty()))
    } else {
        let ruled = text_without_eci(content);
        if ruled.as_deref() == Some(text) || was_guessed(text, content) {
            ruled
        } else {
            Some(text.to_owned()).filter(|t| !t.contains('\u{FFFD}'))
        }
    };
    decoded(text, content, inverted)
}

/// Whether `text` is `content` read whole as Latin-1 or Shift_JIS, the two guesses ZXing makes
/// for a byte segment without an ECI.
fn was_guessed(text: &str, content: &[u8]) -> bool {
    let latin1: String = content.iter().map(|&b| char::from(b)).collect();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.decode(content);
    text == latin1 || text == sjis
}

/// A result of Java ZXing's decoder, whose raw bytes are the codewords: its text guessed each
/// byte segment's character set, so it is kept only when the text rule reads every byte segment
/// to the same characters.
fn from_java(r: &RXingResult, inverted: bool) -> Decoded {
    let text = r.getText();
    let segments: &[Vec<u8>] = match r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::BYTE_SEGMENTS)
    {
        Some(RXingResultMetadataValue::ByteSegments(s)) => s,
        _ => &[],
    };
    let agrees = has_eci(&symbology(r))
        || segments
            .iter()
            .all(|seg| text_without_eci(seg).is_some_and(|t| text.contains(&t)));
    let ok = agrees && !text.contains('\u{FFFD}');
    let bytes: Vec<u8> = segments.concat();
    decoded(ok.then(|| text.to_owned()), &bytes, inverted)
}

fn decoded(text: Option<String>, raw: &[u8], inverted: bool) -> Decoded {
    match text {
        Some(t) => Decoded {
            payload: t.clone().into_bytes(),
            text: Some(t),
            inverted,
        },
        None => Decoded {
            payload: raw.to_vec(),
            text: None,
            inverted,
        },
    }
}

/// Decodes a module grid sampled by rqrr with zxing-cpp's decoder (error correction, ECI,
/// mirrored codes). `None` when it does not decode.
pub(super) fn decode_grid(grid: &dyn rqrr::BitGrid, inverted: bool) -> Option<Decoded> {
    let n = grid.size() as u32;
    let mut bits = BitMatrix::with_single_dimension(n).ok()?;
    for y in 0..n {
        for x in 0..n {
            if grid.bit(y as usize, x as usize) {
                bits.set(x, y);
            }
        }
    }
    let result = rxing::qrcode::cpp_port::decoder::Decode(&bits).ok()?;
    if !result.isValid() {
        return None;
    }
    Some(from_content(
        &result.text(),
        result.content().bytes(),
        &result.symbologyIdentifier(),
        inverted,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbology_modifier_tells_an_eci() {
        assert!(!has_eci("]Q1"));
        assert!(has_eci("]Q2"));
        assert!(!has_eci("]Q3"));
        assert!(has_eci("]Q6"));
        assert!(!has_eci(""));
    }

    #[test]
    fn content_without_eci_follows_the_text_rule() {
        // The decoder guessed Latin-1 for UTF-8 bytes: the rule reads them as UTF-8.
        let latin1: String = "学号".bytes().map(char::from).collect();
        let d = from_content(&latin1, "学号".as_bytes(), "]Q1", false);
        assert_eq!(d.text.as_deref(), Some("学号"));
        let bin = from_content("Ã(\u{80}", &[0xc3, 0x28, 0x80], "]Q1", true);
        assert_eq!(bin.text, None);
        assert_eq!(bin.payload, vec![0xc3, 0x28, 0x80]);
        assert!(bin.inverted);
    }

    #[test]
    fn a_kanji_or_hanzi_segment_keeps_the_decoders_text_but_a_guess_does_not() {
        // GB 2312 bytes of 阿 from a Hanzi-mode segment: the decoder knew the character set.
        let hanzi = from_content("AD:阿", &[b'A', b'D', b':', 0xb0, 0xa2], "]Q1", false);
        assert_eq!(hanzi.text.as_deref(), Some("AD:阿"));
        // The same bytes in a byte segment, guessed as Latin-1 by the decoder: the rule decides.
        let guessed = from_content("AD:°¢", &[b'A', b'D', b':', 0xb0, 0xa2], "]Q1", false);
        assert_ne!(guessed.text.as_deref(), Some("AD:°¢"));
    }

    #[test]
    fn content_with_an_eci_keeps_the_decoders_text_unless_it_was_broken() {
        let d = from_content("Zoë", &[b'Z', b'o', 0xeb], "]Q2", false);
        assert_eq!(d.text.as_deref(), Some("Zoë"));
        let broken = from_content("Zo\u{FFFD}", &[b'Z', b'o', 0xff], "]Q2", false);
        assert_eq!(broken.text, None);
    }
}
