//! The QR reader: zxing-cpp (the C++ library, built from the sources the `zxing-cpp` crate
//! bundles), and the one place where a code's data becomes text.
//!
//! zxing-cpp finds finder patterns as concentric rings, tries every finder triple (a code inside a
//! code and several codes in one picture are all read), reads QR Model 1 as well as Model 2, and
//! with `try_downscale` also searches smaller copies of a big picture. Its text is used only where
//! [`from_content`] accepts it: the data bytes and whether the code declared an ECI go through the
//! text rule (`text.rs`). (zxing-cpp 3.1's symbology identifier says `]Q1` with an ECI too, so
//! the ECI is taken from `has_eci`.)
//!
//! Safety of the C++ call: the C API catches every C++ exception (a failed read is an empty list,
//! a bad image view an error), and the crate builds the library as Release, so its `assert`s are
//! compiled out. What it cannot turn into an error is running out of memory or `int` pixel offsets
//! overflowing on a huge picture (its binarisers keep a few bytes per pixel): pictures above
//! [`MAX_PIXELS`] are halved before they reach it. A Rust panic in the binding is caught per step
//! by `decode.rs`.

use super::decode::{Decoded, within_pixel_limit};
use super::text::text_without_eci;
use image::GrayImage;
use zxingcpp::{BarcodeFormat, ContentType, ImageFormat, ImageView, TextMode};

pub(super) use zxingcpp::Binarizer;

/// The largest picture handed to the C++ reader: 4096 × 4096, what the file loader scales to. A
/// code needs no more pixels, and the reader's memory stays near 100 MB.
pub(super) const MAX_PIXELS: u64 = 4096 * 4096;

/// Reads every QR code (Model 1 and 2) in `grey` with everything the library offers (every row,
/// four rotations, both polarities, smaller copies: what its own tools and bindings do by
/// default), binarised by `binarizer`:
/// - `LocalAverage` (ZXing's hybrid binariser: 8×8 blocks thresholded by their 5×5 block
///   neighbourhood) copes with uneven light, but a module textured by a picture inside it
///   (design codes) or a block with less than 24 levels of contrast comes out broken or blank;
/// - `GlobalHistogram` (one threshold at the valley of the picture's histogram) keeps textured
///   modules whole when the light is even;
/// - `BoolCast` reads a picture already made black and white (our own binarisation).
pub(super) fn read(grey: &GrayImage, binarizer: Binarizer) -> Vec<Decoded> {
    let grey = &within_pixel_limit(grey);
    if grey.width() < 21 || grey.height() < 21 {
        return Vec::new();
    }
    let Ok(view) =
        ImageView::from_slice(grey.as_raw(), grey.width(), grey.height(), ImageFormat::Lum)
    else {
        return Vec::new();
    };
    let reader = zxingcpp::read()
        .formats([BarcodeFormat::QRCodeModel1, BarcodeFormat::QRCodeModel2])
        .try_harder(true)
        .try_rotate(true)
        .try_invert(true)
        .try_downscale(true)
        .binarizer(binarizer)
        .text_mode(TextMode::Plain);
    let Ok(found) = reader.from(view) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for code in found.iter().filter(|c| c.is_valid()) {
        let (bytes, eci) = (code.bytes(), code.has_eci());
        let d = if bytes.contains(&0) {
            // The C API hands the text over as a C string, cut at the first NUL: not the whole
            // payload. The bytes alone decide, by the text rule; with an ECI they are refused.
            decoded(
                if eci { None } else { text_without_eci(&bytes) },
                &bytes,
                code.is_inverted(),
            )
        } else if eci && !is_text(code.content_type()) {
            // A binary ECI (or one the library does not know): its "text" would be the bytes as
            // Latin-1, a guess. Refused.
            decoded(None, &bytes, code.is_inverted())
        } else {
            from_content(&code.text(), &bytes, eci, code.is_inverted())
        };
        push_new(&mut out, d);
    }
    out
}

/// Whether zxing-cpp found the content to be text: every segment in a text character set.
fn is_text(t: ContentType) -> bool {
    matches!(
        t,
        ContentType::Text | ContentType::GS1 | ContentType::ISO15434
    )
}

/// Adds `d` unless the same payload is there already.
fn push_new(out: &mut Vec<Decoded>, d: Decoded) {
    if !out.iter().any(|o| o.payload == d.payload) {
        out.push(d);
    }
}

/// A result of zxing-cpp's decoder: `content` is the data bytes of every segment as encoded,
/// `eci` whether the code declared a character set. With an ECI the decoder's text is right (it
/// decoded each segment in its declared character set) unless a segment was not valid in it.
/// Without one, the decoder's text is kept where the code's modes fixed the character set (Kanji
/// mode is Shift_JIS, Hanzi mode GB 2312), and where it is a byte segment's guess (the whole
/// content read as Latin-1 or Shift_JIS) the text rule decides instead.
fn from_content(text: &str, content: &[u8], eci: bool, inverted: bool) -> Decoded {
    let text = if eci {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_without_eci_follows_the_text_rule() {
        // The decoder guessed Latin-1 for UTF-8 bytes: the rule reads them as UTF-8.
        let latin1: String = "学号".bytes().map(char::from).collect();
        let d = from_content(&latin1, "学号".as_bytes(), false, false);
        assert_eq!(d.text.as_deref(), Some("学号"));
        let bin = from_content("Ã(\u{80}", &[0xc3, 0x28, 0x80], false, true);
        assert_eq!(bin.text, None);
        assert_eq!(bin.payload, vec![0xc3, 0x28, 0x80]);
        assert!(bin.inverted);
    }

    #[test]
    fn a_kanji_or_hanzi_segment_keeps_the_decoders_text_but_a_guess_does_not() {
        // GB 2312 bytes of 阿 from a Hanzi-mode segment: the decoder knew the character set.
        let hanzi = from_content("AD:阿", &[b'A', b'D', b':', 0xb0, 0xa2], false, false);
        assert_eq!(hanzi.text.as_deref(), Some("AD:阿"));
        // The same bytes in a byte segment, guessed as Latin-1 by the decoder: the rule decides.
        let guessed = from_content("AD:°¢", &[b'A', b'D', b':', 0xb0, 0xa2], false, false);
        assert_ne!(guessed.text.as_deref(), Some("AD:°¢"));
    }

    #[test]
    fn content_with_an_eci_keeps_the_decoders_text_unless_it_was_broken() {
        let d = from_content("Zoë", &[b'Z', b'o', 0xeb], true, false);
        assert_eq!(d.text.as_deref(), Some("Zoë"));
        let broken = from_content("Zo\u{FFFD}", &[b'Z', b'o', 0xff], true, false);
        assert_eq!(broken.text, None);
    }
}
