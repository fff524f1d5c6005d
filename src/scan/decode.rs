//! QR decoding of one picture, all by zxing-cpp's reader (see `zx.rs`), on the picture and on
//! preparations of it for what the reader's own binariser loses.
//!
//! Measured on 167 real photos (`tucai eval qr`, docs/PERFORMANCE.md): zxing-cpp alone decodes
//! 154 with no misread; with the preparations below 159, a superset of what rxing (the pure-Rust
//! port of ZXing and zxing-cpp, 150) and rqrr (125) decoded with all their tries together (157).
//!
//! What the conditions do to the pixels, and the answer here:
//! - uneven light, glare gradients, dark-mode screens, tilt, several codes: the reader's own
//!   local-average binariser, every finder triple, both polarities;
//! - modules textured by a picture inside them (design codes) or printed as dots: a local
//!   threshold breaks each module into pieces; one global threshold keeps them whole, and at half
//!   size (2×2 averaging) the texture and the dots blur into solid modules;
//! - very low contrast (a dim screen): the reader's binariser takes 8×8 blocks with less than 24
//!   levels of range for flat, so the code vanishes; our local-mean threshold with a small margin
//!   (window ≈ 1/5 of the picture, several finder patterns wide) still separates it, and its
//!   black-and-white picture is handed to the reader.
//!
//! rqrr, which the station used before, found nothing on these photos or on the generated frames
//! that the steps above miss, so it is gone; what it contributed was our binarisation, kept here.
//! A panic in a step (the Rust side of the binding; the C++ side reports errors, see `zx.rs`) is
//! caught per step: the step counts as finding nothing and the others still run.

use super::zx::{self, Binarizer};
use image::{GrayImage, RgbImage};
use std::borrow::Cow;

/// A code found in a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The payload as UTF-8 when it is text ([`Decoded::text`]), else the data bytes as encoded
    /// (which the matcher refuses as not text).
    pub payload: Vec<u8>,
    /// The payload as text, decoded by the code's ECI or, without one, by the rule in `text.rs`
    /// (UTF-8, Shift_JIS, GB 18030, Latin-1 letters); `None` when it is not text in any of them:
    /// refused, never guessed.
    pub text: Option<String>,
    /// Whether it was found as light modules on dark (a dark-mode phone screen).
    pub inverted: bool,
}

/// A decoder panicked on a picture and nothing else found a code in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the QR decoder failed on this picture (an internal error of {step}); it was skipped")]
pub struct DecoderPanic {
    /// The step that panicked: no payload, no pixel.
    pub step: &'static str,
}

/// Runs one decoding step, turning a panic into "found nothing" and remembering it in `panicked`.
/// Logged with the step and the picture size only.
fn guarded(
    step: &'static str,
    grey: &GrayImage,
    panicked: &mut Option<DecoderPanic>,
    f: impl FnOnce() -> Vec<Decoded>,
) -> Vec<Decoded> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(found) => found,
        Err(_) => {
            log::error!(
                "QR decoder step {step} panicked on a {}x{} picture; skipped",
                grey.width(),
                grey.height()
            );
            panicked.get_or_insert(DecoderPanic { step });
            Vec::new()
        }
    }
}

/// Finds and decodes every QR code in an RGB picture, trying everything (the command line, the
/// burst). The scan worker uses [`decode_frame`] to bound the cost per frame.
///
/// Err only when a decoder panicked and no other step found a code: the picture's result is not
/// known, which `tucai scan` reports as a failed file.
pub fn decode_rgb(img: &RgbImage) -> Result<Vec<Decoded>, DecoderPanic> {
    decode_file(&luma(img))
}

/// A named step; the name is what a panic is reported under.
type Step = (&'static str, fn(&GrayImage) -> Vec<Decoded>);

/// The reader as it is: 154 of the 167 photos, 1–6 ms on a 720p frame.
const PLAIN: Step = ("zxing-cpp", |g| zx::read(g, Binarizer::LocalAverage));

/// The harder tries, each only when the ones before found nothing (see the module documentation
/// for what each is for). On the 167 photos: one global threshold adds 2, the same at half size
/// 3; our binarisation adds none there but reads the generated low-contrast frames.
const HARDER: [Step; 4] = [
    ("zxing-cpp (global threshold)", |g| {
        zx::read(g, Binarizer::GlobalHistogram)
    }),
    ("zxing-cpp (half size, global threshold)", |g| {
        zx::read(&half_size(g), Binarizer::GlobalHistogram)
    }),
    ("zxing-cpp (local-mean threshold, wide window)", |g| {
        zx::read(&local_mean_bitmap(g, 5), Binarizer::BoolCast)
    }),
    ("zxing-cpp (local-mean threshold, narrow window)", |g| {
        zx::read(&local_mean_bitmap(g, 10), Binarizer::BoolCast)
    }),
];

/// [`decode_rgb`] on a greyscale picture: [`PLAIN`], then each of [`HARDER`] in turn until one
/// finds a code.
pub fn decode_file(grey: &GrayImage) -> Result<Vec<Decoded>, DecoderPanic> {
    let mut steps = vec![PLAIN];
    steps.extend(HARDER);
    run_steps(&within_pixel_limit(grey), &steps)
}

/// Runs `steps` in order until one finds a code, each under [`guarded`].
fn run_steps(grey: &GrayImage, steps: &[Step]) -> Result<Vec<Decoded>, DecoderPanic> {
    let mut panicked = None;
    for (i, (step, f)) in steps.iter().enumerate() {
        let t = std::time::Instant::now();
        let found = guarded(step, grey, &mut panicked, || f(grey));
        log::trace!("QR step {i} ({step}): {:?}", t.elapsed());
        if !found.is_empty() {
            log::debug!("QR code found by step {i} ({step})");
            return Ok(found);
        }
    }
    match panicked {
        Some(p) => Err(p),
        None => Ok(Vec::new()),
    }
}

/// Decodes camera frame number `n` (counted by the caller) within the scan worker's budget
/// (≤ 15 ms per 720p frame on the station's two cores): every frame gets [`PLAIN`] (1–6 ms on a
/// 720p frame), and the harder tries take turns, one per frame, when it found nothing (1–6 ms
/// each), so a code held still is read within a few frames whatever its condition while an empty
/// frame, the usual one, never pays for all of them. The scan worker catches panics per frame.
pub fn decode_frame(grey: &GrayImage, n: u64) -> Vec<Decoded> {
    if grey.width() < 21 || grey.height() < 21 {
        return Vec::new();
    }
    let grey = &within_pixel_limit(grey);
    let found = (PLAIN.1)(grey);
    if !found.is_empty() {
        return found;
    }
    (HARDER[(n % HARDER.len() as u64) as usize].1)(grey)
}

/// Our local-mean threshold (see [`binarize`]) as a black-and-white picture, with a window of
/// `1/parts` of the picture's long side. The code's size in the picture is not known, so two
/// windows are tried: about a fifth of the picture (`parts` 5) keeps the 3-module finder centres
/// of a code that fills the picture inside the window (a narrower one turns them white: rings
/// the finder search rejects), a tenth stays local for a code that fills a quarter of a frame.
fn local_mean_bitmap(grey: &GrayImage, parts: u32) -> GrayImage {
    let radius = (grey.width().max(grey.height()) / (2 * parts)).max(4);
    let dark = binarize(grey, radius);
    let pixels = dark.iter().map(|&d| if d { 0 } else { 255 }).collect();
    GrayImage::from_raw(grey.width(), grey.height(), pixels)
        .unwrap_or_else(|| GrayImage::new(grey.width(), grey.height()))
}

/// Luma as zxing-cpp computes it from RGB (BT.601 in 10-bit fixed point), so the reader sees
/// the grey it would make itself from the colour picture.
pub fn luma(img: &RgbImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = Vec::with_capacity((w as usize) * (h as usize));
    for p in img.as_raw().chunks_exact(3) {
        out.push(((306 * p[0] as u32 + 601 * p[1] as u32 + 117 * p[2] as u32 + 0x200) >> 10) as u8);
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// 2×2 box average.
fn half_size(grey: &GrayImage) -> GrayImage {
    let (w, h) = (grey.width() / 2, grey.height() / 2);
    let src = grey.as_raw();
    let sw = grey.width() as usize;
    let mut out = Vec::with_capacity((w as usize) * (h as usize));
    for y in 0..h as usize {
        let r0 = &src[2 * y * sw..];
        let r1 = &src[(2 * y + 1) * sw..];
        for x in 0..w as usize {
            let s =
                r0[2 * x] as u32 + r0[2 * x + 1] as u32 + r1[2 * x] as u32 + r1[2 * x + 1] as u32;
            out.push(((s + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Local-mean threshold: `true` where a pixel is darker than the mean of the
/// (2·radius+1)² window around it by more than a small margin (≈3 % of the mean, at least 2
/// levels), so flat noisy areas stay white.
fn binarize(grey: &GrayImage, radius: u32) -> Vec<bool> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let src = grey.as_raw();
    let integral = integral_image(grey);
    let iw = w + 1;
    let r = radius as usize;
    let mut out = vec![false; w * h];
    for y in 0..h {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r + 1).min(h);
        let (top, bottom) = (&integral[y0 * iw..], &integral[y1 * iw..]);
        for x in 0..w {
            let x0 = x.saturating_sub(r);
            let x1 = (x + r + 1).min(w);
            // Exact although the entries wrapped: the window's sum fits in u32 (see
            // `integral_image`).
            let sum = bottom[x1]
                .wrapping_add(top[x0])
                .wrapping_sub(top[x1])
                .wrapping_sub(bottom[x0]) as u64;
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            let p = src[y * w + x] as u64;
            // p < mean·31/32 and p + 2 < mean, without dividing.
            out[y * w + x] = 32 * p * n < 31 * sum && (p + 2) * n < sum;
        }
    }
    out
}

/// Integral image with a zero row and column in front: entry (y, x) sums the pixels above and
/// left of (y, x).
///
/// The entries are kept modulo 2³² (wrapping): a 4096 × 4096 picture's total reaches 2³², but any
/// window's sum, taken as the wrapping difference of four entries, is exact while the picture has
/// fewer than 2³²/255 pixels, which [`within_pixel_limit`] ensures.
fn integral_image(grey: &GrayImage) -> Vec<u32> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let src = grey.as_raw();
    let iw = w + 1;
    let mut integral = vec![0u32; iw * (h + 1)];
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row = row.wrapping_add(src[y * w + x] as u32);
            integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1].wrapping_add(row);
        }
    }
    integral
}

/// `grey`, halved until it has at most [`zx::MAX_PIXELS`] pixels: what the C++ reader and our
/// integral image are safe with. Files are already scaled to a long side of 4096 by the loader;
/// this guards every other caller.
pub(super) fn within_pixel_limit(grey: &GrayImage) -> Cow<'_, GrayImage> {
    let mut out = Cow::Borrowed(grey);
    while u64::from(out.width()) * u64::from(out.height()) > zx::MAX_PIXELS {
        out = Cow::Owned(half_size(&out));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code` drawn `module` px per module with a quiet zone, dark on light.
    fn draw(code: &qrcode::QrCode, module: u32) -> GrayImage {
        let n = code.width() as u32;
        let colors = code.to_colors();
        let size = (n + 8) * module;
        GrayImage::from_fn(size, size, |x, y| {
            let (mx, my) = (x / module, y / module);
            let dark = mx >= 4
                && my >= 4
                && mx < n + 4
                && my < n + 4
                && colors[((my - 4) * n + (mx - 4)) as usize] == qrcode::Color::Dark;
            image::Luma([if dark { 20 } else { 235 }])
        })
    }

    /// A QR code of `payload` drawn `module` px per module with a quiet zone, dark on light.
    fn qr_image(payload: impl AsRef<[u8]>, module: u32) -> GrayImage {
        draw(&qrcode::QrCode::new(payload.as_ref()).unwrap(), module)
    }

    /// A code whose one byte segment is preceded by ECI designator `eci`.
    fn eci_image(eci: u32, data: &[u8]) -> GrayImage {
        use qrcode::{EcLevel, Version, bits::Bits};
        let mut bits = Bits::new(Version::Normal(3));
        bits.push_eci_designator(eci).unwrap();
        bits.push_byte_data(data).unwrap();
        bits.push_terminator(EcLevel::M).unwrap();
        draw(&qrcode::QrCode::with_bits(bits, EcLevel::M).unwrap(), 6)
    }

    #[test]
    fn plain_code_decodes() {
        let img = qr_image("TUCAI-DEMO-0001", 6);
        for found in [decode_file(&img).unwrap(), decode_frame(&img, 0)] {
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].payload, b"TUCAI-DEMO-0001");
            assert!(!found[0].inverted);
        }
    }

    #[test]
    fn inverted_code_decodes() {
        let mut img = qr_image("TUCAI-DEMO-0001", 6);
        image::imageops::invert(&mut img);
        let found = decode_file(&img).unwrap();
        assert_eq!(found.len(), 1);
        assert!(found[0].inverted);
    }

    #[test]
    fn every_harder_step_reads_a_plain_code_that_fills_a_quarter_of_the_picture() {
        let code = qr_image("TUCAI-DEMO-0001", 6);
        let mut img =
            GrayImage::from_pixel(2 * code.width(), 2 * code.height(), image::Luma([235]));
        image::imageops::replace(
            &mut img,
            &code,
            i64::from(code.width() / 2),
            i64::from(code.height() / 2),
        );
        for (name, step) in HARDER {
            assert_eq!(step(&img)[0].payload, b"TUCAI-DEMO-0001", "{name}");
        }
    }

    #[test]
    fn blank_and_tiny_pictures_give_nothing() {
        let grey = GrayImage::from_pixel(640, 480, image::Luma([128]));
        assert_eq!(decode_file(&grey), Ok(Vec::new()));
        for n in 0..HARDER.len() as u64 {
            assert!(decode_frame(&grey, n).is_empty());
        }
        assert_eq!(decode_file(&GrayImage::new(5, 5)), Ok(Vec::new()));
        assert!(decode_frame(&GrayImage::new(5, 5), 0).is_empty());
    }

    #[test]
    fn a_picture_above_the_readers_pixel_limit_is_halved_and_still_read() {
        // 4350² = 19 MP > 16.8 MP: one halving, 75 px modules.
        let img = qr_image("TUCAI-BIG-0001", 150);
        assert!(u64::from(img.width()) * u64::from(img.height()) > zx::MAX_PIXELS);
        assert_eq!(decode_file(&img).unwrap()[0].payload, b"TUCAI-BIG-0001");
        assert_eq!(decode_frame(&img, 0)[0].payload, b"TUCAI-BIG-0001");
    }

    #[test]
    fn every_step_reads_a_code_in_a_bright_picture_at_the_pixel_limit() {
        // A light 4096² picture: the integral image's entries pass 2³² (they wrap, the window
        // sums stay exact; a plain u32 sum overflowed here).
        let mut img = GrayImage::from_pixel(4096, 4096, image::Luma([250]));
        let code = qr_image("TUCAI-BIG-0002", 20);
        image::imageops::replace(&mut img, &code, 1700, 1700);
        assert_eq!(
            u64::from(img.width()) * u64::from(img.height()),
            zx::MAX_PIXELS
        );
        for (name, step) in HARDER {
            assert_eq!(step(&img)[0].payload, b"TUCAI-BIG-0002", "{name}");
        }
    }

    #[test]
    fn binary_payload_is_returned_as_bytes_and_not_as_text() {
        let img = qr_image([0xff_u8, 0xfe, 0x00, 0x41], 6);
        for found in [decode_file(&img).unwrap(), decode_frame(&img, 0)] {
            assert_eq!(found[0].payload, vec![0xff, 0xfe, 0x00, 0x41]);
            assert_eq!(found[0].text, None);
        }
    }

    #[test]
    fn text_payloads_come_out_as_text_from_every_reader() {
        let img = qr_image("学号 2026001", 6);
        for found in [decode_file(&img).unwrap(), decode_frame(&img, 0)] {
            assert_eq!(found[0].text.as_deref(), Some("学号 2026001"));
            assert_eq!(found[0].payload, "学号 2026001".as_bytes());
        }
    }

    #[test]
    fn an_eci_decides_the_character_set_and_a_binary_eci_is_refused() {
        // ECI 3 is ISO-8859-1: 0xEB is ë, not a UTF-8 or GB 18030 guess.
        let latin1 = decode_file(&eci_image(3, b"Zo\xeb 2026")).unwrap();
        assert_eq!(latin1[0].text.as_deref(), Some("Zoë 2026"));
        // ECI 20 is Shift_JIS: the bytes of 学生.
        let sjis = decode_file(&eci_image(20, &[0x8a, 0x77, 0x90, 0xb6])).unwrap();
        assert_eq!(sjis[0].text.as_deref(), Some("学生"));
        // ECI 899 says binary: ASCII-looking bytes are still not text.
        let binary = decode_file(&eci_image(899, b"TUCAI-0001")).unwrap();
        assert_eq!(binary[0].text, None);
        assert_eq!(binary[0].payload, b"TUCAI-0001");
    }

    fn panics(_: &GrayImage) -> Vec<Decoded> {
        panic!("a decoder bug")
    }

    fn finds(_: &GrayImage) -> Vec<Decoded> {
        vec![Decoded {
            payload: b"X".to_vec(),
            text: Some("X".into()),
            inverted: false,
        }]
    }

    fn nothing(_: &GrayImage) -> Vec<Decoded> {
        Vec::new()
    }

    #[test]
    fn a_panicking_step_is_skipped_and_reported_only_when_nothing_was_found() {
        let img = GrayImage::new(64, 64);
        let found = run_steps(&img, &[("first", panics), ("second", finds)]).unwrap();
        assert_eq!(found[0].payload, b"X");
        let err = run_steps(&img, &[("first", nothing), ("second", panics)]).unwrap_err();
        assert_eq!(err, DecoderPanic { step: "second" });
        assert!(err.to_string().contains("second"), "{err}");
        assert_eq!(run_steps(&img, &[("first", nothing)]), Ok(Vec::new()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Random pictures, and a real code with random damage, never panic in any step and
        /// never give a payload that is not what the code holds.
        #[test]
        fn random_and_damaged_pictures_never_panic_or_misread(
            w in 1u32..120,
            h in 1u32..120,
            seed in proptest::collection::vec(proptest::prelude::any::<u8>(), 64),
            cut in 0usize..4000,
            noise in proptest::collection::vec((0usize..10_000, proptest::prelude::any::<u8>()), 0..400),
        ) {
            let random = GrayImage::from_fn(w, h, |x, y| {
                image::Luma([seed[((x * 7 + y * 13) as usize) % seed.len()] ^ (x as u8).wrapping_mul(y as u8)])
            });
            proptest::prop_assert!(decode_file(&random).is_ok());
            let _ = decode_frame(&random, u64::from(w));

            let mut code = qr_image("TUCAI-PROP-0001", 4);
            let n = code.as_raw().len();
            for (at, v) in noise {
                code.as_mut()[at % n] = v;
            }
            // Rows cut off the bottom: a truncated frame.
            let rows = (code.height() as usize).saturating_sub(cut / code.width() as usize).max(1);
            let cropped = image::imageops::crop_imm(&code, 0, 0, code.width(), rows as u32).to_image();
            for picture in [&code, &cropped] {
                let found = decode_file(picture);
                proptest::prop_assert!(found.is_ok());
                for d in found.unwrap_or_default().iter().chain(&decode_frame(picture, 1)) {
                    proptest::prop_assert_eq!(d.payload.as_slice(), b"TUCAI-PROP-0001".as_slice());
                }
            }
        }
    }
}
