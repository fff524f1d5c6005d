//! QR decoding of one picture: rxing's ZXing readers first (see `zx.rs`), then rqrr on our own
//! binarisation for what they miss, then last tries for defects neither handles.
//!
//! Measured on 167 real photos (`tucai eval qr`, docs/PERFORMANCE.md): rxing's zxing-cpp reader
//! alone decodes 150 with no misread in 0.4 s, rqrr with the preparation below 125 in 2.7 s;
//! together with the last tries below they decode more than zxing-cpp itself.
//!
//! rqrr's preparation, what the conditions do to the pixels, and the answer here:
//! - uneven light, glare gradients, low contrast: a global threshold fails, so each pixel is
//!   compared with the mean of its neighbourhood (integral image, window ≈ 1/10 of the picture,
//!   several finder patterns wide at the code sizes a kiosk sees);
//! - sensor noise: downscaling by box averaging halves its amplitude, and a small margin below
//!   the local mean keeps flat areas from turning into speckle;
//! - dark-mode phone screens show light modules on dark: the same bitmap is tried inverted;
//! - small or blurred codes: on a miss at half size, full size is tried;
//! - rotation and perspective: rqrr finds the three finder patterns and fits a homography itself;
//! - a bright screen in a dark bezel: the wide window's mean is dragged down by the bezel and the
//!   light modules read as dark; a window a third as wide stays on the screen.
//!
//! Every grid rqrr samples is decoded by zxing-cpp's decoder (`zx::decode_grid`), so the ECI and
//! text rules are the same whoever found the code. A panic inside a decoder (rqrr 0.11 asserts on
//! some photos) is caught per step: the step counts as finding nothing and the others still run.

use super::zx::{self, Detector};
use image::{GrayImage, RgbImage};

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

/// Pictures wider than this are first tried at half size: a 150 px code at 1280×720 still has
/// ~3 px per module at half size, and detection cost grows with the pixel count.
const HALF_SIZE_FROM_WIDTH: u32 = 960;

/// A decoder panicked on a picture and nothing else found a code in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the QR decoder failed on this picture (an internal error of {step}); it was skipped")]
pub struct DecoderPanic {
    /// The step that panicked (`rqrr`, `rxing`): no payload, no pixel.
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
/// burst). The scan worker uses [`decode_luma_with`] to bound the cost per frame.
///
/// Err only when a decoder panicked and no other step found a code: the picture's result is not
/// known, which `tucai scan` reports as a failed file.
pub fn decode_rgb(img: &RgbImage) -> Result<Vec<Decoded>, DecoderPanic> {
    decode_file(&luma(img))
}

/// [`decode_rgb`] on a greyscale picture; the order is cheapest and most accurate first, each
/// step only when the ones before found nothing:
/// 1. zxing-cpp's reader (every code in the picture, a code inside a code too);
/// 2. Java ZXing's reader (another finder search: some tilted photos);
/// 3. zxing-cpp's at half size (2×2 averaging halves sensor noise, and round dots printed as
///    modules merge);
/// 4. `decode_last`: printed dots, and tiny codes without a quiet zone;
/// 5. zxing-cpp after a 3×3 box average (heavier noise), then after an unsharp mask (blur);
/// 6. rqrr on our local-mean threshold with a narrow window (a bright screen in a dark bezel,
///    uneven light across a tilted phone): what real photos still needed after the readers above.
///
/// Measured on the 167 photos: the steps after 1 add 6 codes; rqrr's wider-window and
/// sharpened tries that used to follow added none and cost 40–80 ms on each picture without a
/// readable code, so they are gone from files (the camera still uses rqrr at half size).
pub fn decode_file(grey: &GrayImage) -> Result<Vec<Decoded>, DecoderPanic> {
    let steps: [FileStep; 7] = [
        ("rxing", |g| zx::read(g, Detector::Cpp, true)),
        ("rxing", |g| zx::read(g, Detector::Java, true)),
        ("rxing", |g| zx::read(&half_size(g), Detector::Cpp, true)),
        ("rxing", decode_last),
        ("rxing", |g| zx::read(&box_blur(g, 1), Detector::Cpp, true)),
        ("rxing", |g| {
            zx::read(&unsharp(g, 2, 4.0), Detector::Cpp, true)
        }),
        ("rqrr", |g| search_radius(g, None, tight_radius(g))),
    ];
    run_steps(grey, &steps)
}

/// A named step of [`decode_file`]; the name is what a panic is reported under.
type FileStep = (&'static str, fn(&GrayImage) -> Vec<Decoded>);

/// Runs `steps` in order until one finds a code, each under [`guarded`].
fn run_steps(grey: &GrayImage, steps: &[FileStep]) -> Result<Vec<Decoded>, DecoderPanic> {
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

/// What every camera frame gets, in this order, each 1–3 ms on a clean 720p frame (up to 15 ms on
/// a very noisy one): zxing-cpp's reader at half size (averaging 2×2 pixels halves the sensor
/// noise, and the finder search has a quarter of the pixels), then at full size (small and
/// tilted codes, low contrast).
const EVERY_FRAME: [fn(&GrayImage) -> Vec<Decoded>; 2] = [
    |g| zx::read(&half_size(g), Detector::Cpp, true),
    |g| zx::read(g, Detector::Cpp, false),
];

/// The harder tries, one per frame in turn when the frame's own tries found nothing (3–10 ms on
/// a 720p frame without a code): rqrr on our local-mean binarisation at half size (steep tilts,
/// low contrast), then with a window a third as wide (a bright screen in a dark bezel).
const TURNS: [fn(&GrayImage) -> Vec<Decoded>; 2] = [
    |g| decode_luma_with(g, false),
    |g| search_radius(g, None, tight_radius(g)),
];

/// Decodes camera frame number `n` (counted by the caller) within the scan worker's budget
/// (≤ 15 ms per 720p frame on the station's two cores): every frame gets the fast tries, and the
/// harder ones take turns, one per frame, so a code held still is read within a few frames
/// whatever its condition while an empty frame, the usual one, never pays for all of them.
pub fn decode_frame(grey: &GrayImage, n: u64) -> Vec<Decoded> {
    if grey.width() < 21 || grey.height() < 21 {
        return Vec::new();
    }
    for step in EVERY_FRAME {
        let found = step(grey);
        if !found.is_empty() {
            return found;
        }
    }
    TURNS[(n % TURNS.len() as u64) as usize](grey)
}

/// The last tries, each for a defect the readers above do not model:
/// - codes printed as round dots (design codes): the binariser sees isolated dots and the finder
///   rings as rings, and no finder test passes; a blur of about half a module joins the dots into
///   modules again;
/// - a tiny picture that is just the code, without its quiet zone (a cropped screenshot, 1–2 px
///   per module): the finder search needs light around the code and a few pixels per module, so
///   the picture is scaled up (nearest neighbour, the modules stay sharp) inside a white border.
fn decode_last(grey: &GrayImage) -> Vec<Decoded> {
    let (w, h) = grey.dimensions();
    let sigma = (w.max(h) as f32 / 150.0).max(1.0);
    let soft = image::imageops::blur(grey, sigma);
    let found = zx::read(&soft, Detector::Cpp, true);
    if !found.is_empty() {
        return found;
    }
    if w.max(h) < 400 {
        let scale = (400 / w.max(h)).max(1);
        let pad = w.max(h) * scale / 6;
        let mut big =
            GrayImage::from_pixel(w * scale + 2 * pad, h * scale + 2 * pad, image::Luma([255]));
        let up = image::imageops::resize(
            grey,
            w * scale,
            h * scale,
            image::imageops::FilterType::Nearest,
        );
        image::imageops::replace(&mut big, &up, i64::from(pad), i64::from(pad));
        for detector in [Detector::Cpp, Detector::Java] {
            let found = zx::read(&big, detector, true);
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
}

/// The threshold window's radius for a bright screen in a dark bezel: a third of the usual.
fn tight_radius(grey: &GrayImage) -> u32 {
    (grey.width().max(grey.height()) / 60).max(4)
}

/// Mean of the (2·radius+1)² window around each pixel (integral image; edges use the part of the
/// window inside the picture).
fn box_blur(grey: &GrayImage, radius: u32) -> GrayImage {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let integral = integral_image(grey);
    let iw = w + 1;
    let r = radius as usize;
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let sum = integral[y1 * iw + x1] + integral[y0 * iw + x0]
                - integral[y0 * iw + x1]
                - integral[y1 * iw + x0];
            let n = ((y1 - y0) * (x1 - x0)) as u32;
            out.push(((sum + n / 2) / n) as u8);
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out)
        .unwrap_or_else(|| GrayImage::new(w as u32, h as u32))
}

/// `p + amount·(p − blur(p))`, clamped.
fn unsharp(grey: &GrayImage, radius: u32, amount: f32) -> GrayImage {
    let blurred = box_blur(grey, radius);
    let mut out = grey.clone();
    for (o, b) in out.as_mut().iter_mut().zip(blurred.as_raw()) {
        let p = f32::from(*o);
        *o = (p + amount * (p - f32::from(*b))).round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// Integral image with a zero row and column in front: entry (y, x) sums the pixels above and
/// left of (y, x).
fn integral_image(grey: &GrayImage) -> Vec<u32> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let src = grey.as_raw();
    let iw = w + 1;
    let mut integral = vec![0u32; iw * (h + 1)];
    for y in 0..h {
        let mut row = 0u32;
        for x in 0..w {
            row += src[y * w + x] as u32;
            integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1] + row;
        }
    }
    integral
}

/// [`decode_luma_with`] with the full-size fallback.
pub fn decode_luma(grey: &GrayImage) -> Vec<Decoded> {
    decode_luma_with(grey, true)
}

/// Finds and decodes every QR code in a greyscale picture.
///
/// Large pictures are searched at half size first: finder patterns stay detectable at ~1.5 px per
/// module, but rqrr samples modules reliably only from ~4 px, so a code found at half size and
/// not decodable there is decoded again from a full-size crop around it. Only when the half-size
/// search finds no code at all (a code too small for it) and `full_fallback` is set is the whole
/// picture searched at full size, the expensive step.
pub fn decode_luma_with(grey: &GrayImage, full_fallback: bool) -> Vec<Decoded> {
    if grey.width() < 21 || grey.height() < 21 {
        return Vec::new();
    }
    if grey.width() < HALF_SIZE_FROM_WIDTH {
        return search(grey, None);
    }
    let half = half_size(grey);
    let found = search(&half, Some(grey));
    if !found.is_empty() || !full_fallback {
        return found;
    }
    search(grey, None)
}

/// Both polarities over `grey`; `full` (twice the size of `grey`) is where codes detected but not
/// decodable in `grey` are decoded again.
fn search(grey: &GrayImage, full: Option<&GrayImage>) -> Vec<Decoded> {
    search_radius(grey, full, (grey.width().max(grey.height()) / 20).max(4))
}

/// [`search`] with the threshold window's radius given.
fn search_radius(grey: &GrayImage, full: Option<&GrayImage>, radius: u32) -> Vec<Decoded> {
    let dark = binarize(grey, radius);
    for inverted in [false, true] {
        let (found, candidates) = decode_bitmap(&dark, grey.width(), grey.height(), inverted, full);
        if !found.is_empty() {
            return found;
        }
        if candidates > 0 {
            // A code is there but our bitmap did not decode: rqrr's own threshold (a running
            // row mean) keeps thin blurred modules and 2 px modules of tiny codes better.
            let found = decode_rqrr_threshold(grey, inverted);
            if !found.is_empty() {
                return found;
            }
        }
    }
    Vec::new()
}

fn decode_rqrr_threshold(grey: &GrayImage, inverted: bool) -> Vec<Decoded> {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let raw = grey.as_raw();
    let flip = if inverted { 255 } else { 0 };
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x] ^ flip);
    let mut out: Vec<Decoded> = Vec::new();
    for grid in prepared.detect_grids() {
        if let Some(d) = zx::decode_grid(&grid.grid, inverted) {
            zx::push_new(&mut out, d);
        }
    }
    out
}

fn decode_bitmap(
    dark: &[bool],
    w: u32,
    h: u32,
    inverted: bool,
    full: Option<&GrayImage>,
) -> (Vec<Decoded>, usize) {
    let (wu, hu) = (w as usize, h as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_bitmap(wu, hu, |x, y| dark[y * wu + x] != inverted);
    let mut out: Vec<Decoded> = Vec::new();
    let grids = prepared.detect_grids();
    let candidates = grids.len();
    for grid in grids {
        if let Some(d) = zx::decode_grid(&grid.grid, inverted) {
            zx::push_new(&mut out, d);
            continue;
        }
        if let Some(full) = full {
            for d in decode_crop(full, &grid.bounds, inverted) {
                zx::push_new(&mut out, d);
            }
        }
    }
    (out, candidates)
}

/// Decodes the full-size region around a code found at half size.
fn decode_crop(full: &GrayImage, bounds: &[rqrr::Point; 4], inverted: bool) -> Vec<Decoded> {
    let xs = bounds.iter().map(|p| p.x * 2);
    let ys = bounds.iter().map(|p| p.y * 2);
    let (x0, x1) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0));
    let (y0, y1) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0));
    // Room for the quiet zone and for bounds that were a little off.
    let pad = ((x1 - x0).max(y1 - y0) / 4).max(8);
    let (fw, fh) = (full.width() as i32, full.height() as i32);
    let (cx0, cy0) = ((x0 - pad).clamp(0, fw), (y0 - pad).clamp(0, fh));
    let (cx1, cy1) = ((x1 + pad).clamp(0, fw), (y1 + pad).clamp(0, fh));
    if cx1 - cx0 < 21 || cy1 - cy0 < 21 {
        return Vec::new();
    }
    let (cw, ch) = ((cx1 - cx0) as u32, (cy1 - cy0) as u32);
    let crop = image::imageops::crop_imm(full, cx0 as u32, cy0 as u32, cw, ch).to_image();
    // A window of about four modules of a small code: local enough for uneven light on the
    // screen, wide enough to see past a finder's centre.
    let radius = (cw.max(ch) / 12).max(4);
    let dark = binarize(&crop, radius);
    let (wu, hu) = (cw as usize, ch as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_bitmap(wu, hu, |x, y| dark[y * wu + x] != inverted);
    prepared
        .detect_grids()
        .iter()
        .filter_map(|grid| zx::decode_grid(&grid.grid, inverted))
        .collect()
}

/// ITU-R BT.601 luma in integer arithmetic.
pub fn luma(img: &RgbImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = Vec::with_capacity((w as usize) * (h as usize));
    for p in img.as_raw().chunks_exact(3) {
        out.push(((77 * p[0] as u32 + 150 * p[1] as u32 + 29 * p[2] as u32) >> 8) as u8);
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
            let sum = (bottom[x1] + top[x0] - top[x1] - bottom[x0]) as u64;
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            let p = src[y * w + x] as u64;
            // p < mean·31/32 and p + 2 < mean, without dividing.
            out[y * w + x] = 32 * p * n < 31 * sum && (p + 2) * n < sum;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A QR code drawn `module` px per module with a quiet zone, dark on light.
    pub(crate) fn qr_image(payload: impl AsRef<[u8]>, module: u32) -> GrayImage {
        let code = qrcode::QrCode::new(payload.as_ref()).unwrap();
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

    #[test]
    fn plain_code_decodes() {
        let img = qr_image("TUCAI-DEMO-0001", 6);
        let found = decode_luma(&img);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].payload, b"TUCAI-DEMO-0001");
        assert!(!found[0].inverted);
    }

    #[test]
    fn inverted_code_decodes() {
        let mut img = qr_image("TUCAI-DEMO-0001", 6);
        image::imageops::invert(&mut img);
        let found = decode_luma(&img);
        assert_eq!(found.len(), 1);
        assert!(found[0].inverted);
    }

    #[test]
    fn blank_and_tiny_pictures_give_nothing() {
        assert!(decode_luma(&GrayImage::from_pixel(640, 480, image::Luma([128]))).is_empty());
        assert!(decode_luma(&GrayImage::new(5, 5)).is_empty());
    }

    #[test]
    fn binary_payload_is_returned_as_bytes_and_not_as_text() {
        let img = qr_image([0xff_u8, 0xfe, 0x00, 0x41], 6);
        for found in [decode_luma(&img), decode_file(&img).unwrap()] {
            assert_eq!(found[0].payload, vec![0xff, 0xfe, 0x00, 0x41]);
            assert_eq!(found[0].text, None);
        }
    }

    #[test]
    fn text_payloads_come_out_as_text_from_every_reader() {
        let img = qr_image("学号 2026001", 6);
        for found in [
            decode_luma(&img),
            decode_file(&img).unwrap(),
            decode_frame(&img, 0),
        ] {
            assert_eq!(found[0].text.as_deref(), Some("学号 2026001"));
            assert_eq!(found[0].payload, "学号 2026001".as_bytes());
        }
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
        let found = run_steps(&img, &[("rqrr", panics), ("rxing", finds)]).unwrap();
        assert_eq!(found[0].payload, b"X");
        let err = run_steps(&img, &[("rxing", nothing), ("rqrr", panics)]).unwrap_err();
        assert_eq!(err, DecoderPanic { step: "rqrr" });
        assert!(err.to_string().contains("rqrr"), "{err}");
        assert_eq!(run_steps(&img, &[("rxing", nothing)]), Ok(Vec::new()));
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
