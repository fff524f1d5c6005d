//! recapture (a photo of a screen or a print) and beautified (a beauty filter), from one image.

use super::pixels::{self, Area};
use super::rules::{FaceAreas, Unmeasured, not_measured, outcome};
use super::scene::Scene;
use super::{CheckId, CheckResult};
use crate::config::ChecksConfig;
use crate::face::Rect;
use image::{GrayImage, RgbImage};

/// Side of the full-resolution window around the face the periodicity is measured in: screen
/// pixels and moiré show at the capture's own pixel scale, so this must not be downscaled.
const WINDOW: u32 = 160;
/// Largest lag (pixels) of the autocorrelation: moiré periods of 3–12 capture pixels.
const MAX_LAG: i32 = 12;

/// Periodic-pattern score of a grey image, 0–1.
///
/// The high-pass residual (pixel minus its 3×3 mean) of a live face is noise plus edges: its
/// autocorrelation decays with distance, and along an edge it stays as high at half the distance
/// as at the full one. A screen's pixel grid or a moiré pattern makes it periodic: high at the
/// period T and negative at T/2. The score is the largest `ρ(T) − max(ρ(T/2), 0)` over lags
/// 3..=12 px in every direction; lags of 8 px straight across are skipped because JPEG's 8×8
/// blocks repeat there.
pub fn periodic_score(g: &GrayImage) -> f32 {
    let (w, h) = (g.width() as i32, g.height() as i32);
    if w < 4 * MAX_LAG || h < 4 * MAX_LAG {
        return 0.0;
    }
    let d = g.as_raw();
    let mut r = vec![0.0f32; (w * h) as usize];
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let mut s = 0.0;
            for dy in -1..=1 {
                for dx in -1..=1 {
                    s += d[((y + dy) * w + x + dx) as usize] as f32;
                }
            }
            r[(y * w + x) as usize] = d[(y * w + x) as usize] as f32 - s / 9.0;
        }
    }
    // ρ for the half plane dy ≥ 0 (ρ(−d) = ρ(d)).
    let side = (2 * MAX_LAG + 1) as usize;
    let mut rho = vec![0.0f32; side * (MAX_LAG as usize + 1)];
    let at = |dx: i32, dy: i32| (dy as usize) * side + (dx + MAX_LAG) as usize;
    let m = MAX_LAG + 1;
    for dy in 0..=MAX_LAG {
        for dx in -MAX_LAG..=MAX_LAG {
            if dy == 0 && dx <= 0 {
                continue;
            }
            let (mut sab, mut saa, mut sbb) = (0.0f64, 0.0f64, 0.0f64);
            for y in m..h - m {
                let row = (y * w) as usize;
                let row2 = ((y + dy) * w) as usize;
                for x in m..w - m {
                    let a = r[row + x as usize] as f64;
                    let b = r[row2 + (x + dx) as usize] as f64;
                    sab += a * b;
                    saa += a * a;
                    sbb += b * b;
                }
            }
            let den = (saa * sbb).sqrt();
            rho[at(dx, dy)] = if den > 1e-9 { (sab / den) as f32 } else { 0.0 };
        }
    }
    let get = |dx: i32, dy: i32| {
        let (dx, dy) = if dy < 0 || (dy == 0 && dx < 0) {
            (-dx, -dy)
        } else {
            (dx, dy)
        };
        if dx == 0 && dy == 0 {
            1.0
        } else {
            rho[at(dx, dy)]
        }
    };
    let mut best = 0.0f32;
    for dy in 0..=MAX_LAG {
        for dx in -MAX_LAG..=MAX_LAG {
            if (dy == 0 && dx <= 0) || dx * dx + dy * dy < 9 {
                continue;
            }
            if (dx.abs() == 8 && dy == 0) || (dx == 0 && dy == 8) {
                continue;
            }
            let half = get(
                (dx as f32 / 2.0).round() as i32,
                (dy as f32 / 2.0).round() as i32,
            );
            best = best.max(get(dx, dy) - half.max(0.0));
        }
    }
    best.clamp(0.0, 1.0)
}

/// Face width (pixels) the frame search rescales the capture to: the border of a print or a
/// screen is found at the face's scale, whatever the camera's resolution.
const FRAME_FACE_W: f32 = 64.0;
/// Smallest gradient (Sobel / 4, 0–255) of a frame edge pixel.
const FRAME_EDGE: f32 = 24.0;
/// Tilts tried for a frame line: ±15° in 1.5° steps (a hand-held print is rarely level).
const FRAME_TILTS: i32 = 10;
const FRAME_TILT_STEP_DEG: f32 = 1.5;

/// Whether a print's border or a screen's bezel surrounds the face: the support of the
/// strongest straight edge on each side of the face (left, right, above, below), summed over
/// the three strongest sides, 0–4.
///
/// The capture is rescaled so the face is [`FRAME_FACE_W`] wide. Edge pixels (local maxima of
/// the gradient across the line) vote for straight lines tilted up to ±15° (a Hough transform
/// per side and polarity). A side's support is the votes of its best line over the span it must
/// cover: a vertical line beside the face counts the rows from the brow to below the chin, a
/// horizontal line above or below counts the columns across the face. Lines are looked for from
/// 0.1 face widths (heights) outside the face box to 2.5 face widths (2 heights) away. A live
/// face has hair, ears and shoulders there and, in a room, at most a door frame or a table edge
/// on one side; a held print or a tablet has its straight border on three or four sides at once.
///
/// `grey` is the capture or a copy of it at any scale, `face` in capture pixels, `capture_w` the
/// capture's width.
pub fn frame_score(grey: &GrayImage, face: &crate::face::Face, capture_w: u32) -> f32 {
    let to_grey = grey.width() as f32 / capture_w.max(1) as f32;
    // A digital photo's padding (a uniform white or black margin) is not a border in the room:
    // its line runs along the image's edge once the margin is cut off, where nothing votes.
    let (cx0, cy0, cx1, cy1) = content_box(grey);
    let content = image::imageops::crop_imm(grey, cx0, cy0, cx1 - cx0, cy1 - cy0).to_image();
    // Grey (content) pixels → rescaled pixels.
    let k = FRAME_FACE_W / (face.bbox.w * to_grey).max(1.0);
    let sw = (((cx1 - cx0) as f32 * k).round() as u32).clamp(8, 2048);
    let sh = (((cy1 - cy0) as f32 * k).round() as u32).clamp(8, 2048);
    let (kx, ky) = (
        sw as f32 / (cx1 - cx0) as f32,
        sh as f32 / (cy1 - cy0) as f32,
    );
    let g = image::imageops::resize(&content, sw, sh, image::imageops::FilterType::Triangle);
    let to_x = |x: f32| (x * to_grey - cx0 as f32) * kx;
    let to_y = |y: f32| (y * to_grey - cy0 as f32) * ky;
    let (wi, hi) = (sw as i32, sh as i32);
    let d = g.as_raw();
    let px = |x: i32, y: i32| d[(y * wi + x) as usize] as f32;
    let (fx0, fx1) = (to_x(face.bbox.x), to_x(face.bbox.right()));
    let (fy0, fy1) = (to_y(face.bbox.y), to_y(face.bbox.bottom()));
    let (fw, fh) = (fx1 - fx0, fy1 - fy0);
    let (cx, cy) = ((fx0 + fx1) / 2.0, (fy0 + fy1) / 2.0);
    let tilts: Vec<f32> = (-FRAME_TILTS..=FRAME_TILTS)
        .map(|i| (i as f32 * FRAME_TILT_STEP_DEG).to_radians().tan())
        .collect();
    // Vertical lines x = x0 + (y − cy)·t voted by rows in the face's span; horizontal lines
    // y = y0 + (x − cx)·t by columns across the face. Bins: tilt × polarity × offset.
    let (nv, nh) = (wi as usize + 1, hi as usize + 1);
    let mut acc_v = vec![0u32; tilts.len() * 2 * nv];
    let mut acc_h = vec![0u32; tilts.len() * 2 * nh];
    let rows = (
        (fy0 - 0.1 * fh).max(2.0) as i32,
        (fy1 + 0.3 * fh).min(hi as f32 - 3.0) as i32,
    );
    let cols = (
        (fx0 - 0.3 * fw).max(2.0) as i32,
        (fx1 + 0.3 * fw).min(wi as f32 - 3.0) as i32,
    );
    let across_x = |x: i32, y: i32| (px(x + 1, y) - px(x - 1, y)).abs();
    let across_y = |x: i32, y: i32| (px(x, y + 1) - px(x, y - 1)).abs();
    for y in 2..hi - 2 {
        for x in 2..wi - 2 {
            let in_rows = y >= rows.0 && y <= rows.1;
            let in_cols = x >= cols.0 && x <= cols.1;
            if !in_rows && !in_cols {
                continue;
            }
            let gx = ((px(x + 1, y - 1) + 2.0 * px(x + 1, y) + px(x + 1, y + 1))
                - (px(x - 1, y - 1) + 2.0 * px(x - 1, y) + px(x - 1, y + 1)))
                / 4.0;
            let gy = ((px(x - 1, y + 1) + 2.0 * px(x, y + 1) + px(x + 1, y + 1))
                - (px(x - 1, y - 1) + 2.0 * px(x, y - 1) + px(x + 1, y - 1)))
                / 4.0;
            let vote = |acc: &mut [u32], n: usize, pol: bool, along: f32, off: f32, c: f32| {
                for (ti, t) in tilts.iter().enumerate() {
                    let b = (off - (along - c) * t).round();
                    if b >= 0.0 && (b as usize) < n {
                        acc[(ti * 2 + pol as usize) * n + b as usize] += 1;
                    }
                }
            };
            let cross = across_x(x, y);
            if in_rows
                && gx.abs() > FRAME_EDGE
                && gx.abs() > 2.0 * gy.abs()
                && cross >= across_x(x - 1, y)
                && cross > across_x(x + 1, y)
            {
                vote(&mut acc_v, nv, gx > 0.0, y as f32, x as f32, cy);
            }
            let cross = across_y(x, y);
            if in_cols
                && gy.abs() > FRAME_EDGE
                && gy.abs() > 2.0 * gx.abs()
                && cross >= across_y(x, y - 1)
                && cross > across_y(x, y + 1)
            {
                vote(&mut acc_h, nh, gy > 0.0, x as f32, y as f32, cx);
            }
        }
    }
    // The best line with its offset in [lo, hi]; a line's votes fall in two neighbouring bins.
    let best = |acc: &[u32], n: usize, lo: f32, hi: f32, span: i32| -> f32 {
        let lo = lo.max(0.0) as usize;
        let hi = (hi.max(0.0) as usize).min(n.saturating_sub(2));
        let mut b = 0;
        for line in acc.chunks_exact(n) {
            for i in lo..=hi {
                b = b.max(line[i] + line[i + 1]);
            }
        }
        b as f32 / span.max(1) as f32
    };
    let (vspan, hspan) = (rows.1 - rows.0, cols.1 - cols.0);
    let mut sides = [
        best(&acc_v, nv, fx0 - 2.5 * fw, fx0 - 0.1 * fw, vspan),
        best(&acc_v, nv, fx1 + 0.1 * fw, fx1 + 2.5 * fw, vspan),
        best(&acc_h, nh, fy0 - 2.0 * fh, fy0 - 0.15 * fh, hspan),
        best(&acc_h, nh, fy1 + 0.15 * fh, fy1 + 2.0 * fh, hspan),
    ]
    .map(|s| s.min(1.0));
    sides.sort_by(f32::total_cmp);
    sides[1..].iter().sum()
}

/// Largest spread (max − min grey) of a row or column of padding.
const PADDING_SPREAD: u8 = 6;

/// The part of a grey image inside its uniform margins (rows and columns at the edges whose
/// values spread by at most [`PADDING_SPREAD`]): `(x0, y0, x1, y1)`, the whole image when there
/// is none or when nothing else is left. A camera's frame always has noise and fall-off across a
/// whole row; a digital photo padded to a size has exactly flat margins.
fn content_box(g: &GrayImage) -> (u32, u32, u32, u32) {
    let (w, h) = g.dimensions();
    let flat = |it: &mut dyn Iterator<Item = u8>| {
        let (lo, hi) = it.fold((u8::MAX, 0u8), |(lo, hi), v| (lo.min(v), hi.max(v)));
        hi.saturating_sub(lo) <= PADDING_SPREAD
    };
    let col = |x: u32| flat(&mut (0..h).map(|y| g.get_pixel(x, y).0[0]));
    let row = |y: u32| flat(&mut (0..w).map(|x| g.get_pixel(x, y).0[0]));
    let x0 = (0..w).find(|&x| !col(x)).unwrap_or(0);
    let x1 = (0..w).rev().find(|&x| !col(x)).map_or(w, |x| x + 1);
    let y0 = (0..h).find(|&y| !row(y)).unwrap_or(0);
    let y1 = (0..h).rev().find(|&y| !row(y)).map_or(h, |y| y + 1);
    if x1 < x0 + 16 || y1 < y0 + 16 {
        (0, 0, w, h)
    } else {
        (x0, y0, x1, y1)
    }
}

/// Largest mean chroma (max − min channel, 0–255) of a face that counts as greyscale. A colour
/// camera's face has skin chroma of 15 and more even in dim light; a greyscale image has 0 plus
/// JPEG noise.
const GREY_MAX_CHROMA: f32 = 4.0;

/// Mean chroma (max − min of R, G, B) over the face box, sampled on a grid of at most 64×64.
/// `None` when the box holds no pixel of the image.
pub fn face_chroma(img: &RgbImage, face: &Rect) -> Option<f32> {
    let (w, h) = img.dimensions();
    let area = Area::from_corners(face.x, face.y, face.right(), face.bottom(), w, h);
    if area.is_empty() {
        return None;
    }
    let step_x = ((area.x1 - area.x0) / 64).max(1) as usize;
    let step_y = ((area.y1 - area.y0) / 64).max(1) as usize;
    let (mut sum, mut n) = (0.0f64, 0usize);
    for y in (area.y0..area.y1).step_by(step_y) {
        for x in (area.x0..area.x1).step_by(step_x) {
            let p = img.get_pixel(x, y).0;
            let (lo, hi) = (p[0].min(p[1]).min(p[2]), p[0].max(p[1]).max(p[2]));
            sum += (hi - lo) as f64;
            n += 1;
        }
    }
    Some((sum / n.max(1) as f64) as f32)
}

/// Whether the anti-spoofing model can judge this face: it was trained on colour and calls
/// every greyscale face a spoof (docs/CHECKS.md), so a grey capture is left to the cues.
pub fn model_can_judge(img: &RgbImage, face: &Rect) -> bool {
    face_chroma(img, face).is_some_and(|c| c > GREY_MAX_CHROMA)
}

/// Below this real score the anti-spoofing model doubts the face enough for a frame around it
/// to count: a print's border or a screen's bezel alone is not proof (a live face in an office
/// reaches a frame score of 1.94 against a limit of 2.0), with the model's doubt it is.
const FRAME_NEEDS_DOUBT: f32 = 0.5;

/// A photo of a print or a screen. Three cues:
/// - the anti-spoofing model's real score ([`crate::face::AntiSpoof`], `real`, 0–1) below
///   `recapture_min_real`; `None` when the model could not judge (a greyscale capture, or one
///   cropped to the face: [`crate::face::AntiSpoof::judge`]);
/// - a screen's pixel grid or moiré ([`periodic_score`]) above `recapture_max_periodic`;
/// - a border around the face ([`frame_score`]) above `recapture_max_frame`, counted only when
///   the model doubts the face too (real score below [`FRAME_NEEDS_DOUBT`]) or could not judge.
///
/// The value reported is the model's real score (threshold `recapture_min_real`) unless a cue
/// failed the check, then that cue's value and limit; without the model, the cue nearest its
/// limit, as before the model.
pub fn recapture(s: &Scene, cfg: &ChecksConfig, real: Option<f32>) -> CheckResult {
    let Some(f) = &s.face else {
        return not_measured(CheckId::Recapture, Unmeasured::Face);
    };
    let (w, h) = s.img.dimensions();
    let c = f.bbox.center();
    let area = Area::centred(c.x, c.y, WINDOW as f32, WINDOW as f32, w, h);
    if area.is_empty() {
        return not_measured(CheckId::Recapture, Unmeasured::Face);
    }
    let sub = image::imageops::crop_imm(
        s.img,
        area.x0,
        area.y0,
        area.x1 - area.x0,
        area.y1 - area.y0,
    )
    .to_image();
    let periodic = periodic_score(&pixels::luma_image(&sub));
    // The frame is looked for at the face's scale: from the 480-px copy when the face is at
    // least half that big there (a border is a long straight line: enlarging the copy up to 2×
    // loses nothing of it, and a 1080p capture needs no pass over its 2 million pixels), else
    // from the capture.
    let frame = if f.bbox.w * s.small_scale >= FRAME_FACE_W / 2.0 {
        frame_score(&s.small, f, w)
    } else {
        frame_score(&pixels::luma_image(s.img), f, w)
    };
    let periodic_ok = periodic <= cfg.recapture_max_periodic;
    let frame_counts = real.is_none_or(|r| r < FRAME_NEEDS_DOUBT);
    let frame_ok = frame <= cfg.recapture_max_frame || !frame_counts;
    let real_ok = real.is_none_or(|r| r >= cfg.recapture_min_real);
    let (v, limit) = match real {
        Some(r) if real_ok && periodic_ok && frame_ok => (r, cfg.recapture_min_real),
        Some(r) if !real_ok => (r, cfg.recapture_min_real),
        _ if !periodic_ok => (periodic, cfg.recapture_max_periodic),
        _ if !frame_ok => (frame, cfg.recapture_max_frame),
        _ if periodic / cfg.recapture_max_periodic.max(1e-6)
            >= frame / cfg.recapture_max_frame.max(1e-6) =>
        {
            (periodic, cfg.recapture_max_periodic)
        }
        _ => (frame, cfg.recapture_max_frame),
    };
    outcome(
        CheckId::Recapture,
        v,
        limit,
        real_ok && periodic_ok && frame_ok,
        "疑似翻拍（屏幕或照片）。请本人直接面对镜头拍摄。",
        "Looks like a photo of a screen or a print. Only a live person may be photographed.",
    )
}

/// Smallest eye distance (capture pixels) at which skin texture is visible at all.
const MIN_EYE_DIST: f32 = 40.0;

/// Skin texture relative to eye detail: a beauty filter flattens the skin (cheeks, forehead)
/// and keeps the eyes crisp, so the ratio drops; plain blur lowers both (that is image.sharp).
pub fn beautified(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    let Some(g) = &s.geo else {
        return not_measured(CheckId::Beautified, Unmeasured::Face);
    };
    if g.eye_dist < MIN_EYE_DIST {
        return not_measured(CheckId::Beautified, Unmeasured::Mesh);
    }
    let lap = |area: Area| {
        (!area.is_empty()).then(|| {
            let sub = image::imageops::crop_imm(
                s.img,
                area.x0,
                area.y0,
                area.x1 - area.x0,
                area.y1 - area.y0,
            )
            .to_image();
            pixels::mean_abs_laplacian(&pixels::luma_image(&sub))
        })
    };
    let skin: Vec<f32> = a.cheeks.iter().filter_map(|&c| lap(c)).collect();
    let eyes: Vec<f32> = a.eyes.iter().filter_map(|&e| lap(e)).collect();
    if skin.is_empty() || eyes.is_empty() {
        return not_measured(CheckId::Beautified, Unmeasured::Face);
    }
    let skin = skin.iter().sum::<f32>() / skin.len() as f32;
    let eyes = eyes.iter().sum::<f32>() / eyes.len() as f32;
    let v = if eyes > 0.0 { skin / eyes } else { 0.0 };
    outcome(
        CheckId::Beautified,
        v,
        cfg.beautified_min_texture,
        v >= cfg.beautified_min_texture,
        "皮肤过于光滑，疑似美颜。请关闭美颜，使用原始照片。",
        "Skin unnaturally smooth (beauty filter). Turn off beautification.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripes_are_periodic_and_noise_is_not() {
        let mut seed = 12345u32;
        let mut noise = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((seed >> 16) % 40) as f32
        };
        let plain = GrayImage::from_fn(128, 128, |_, _| image::Luma([(100.0 + noise()) as u8]));
        let stripes = GrayImage::from_fn(128, 128, |x, y| {
            let s = (2.0 * std::f32::consts::PI * (x as f32 * 0.8 + y as f32 * 0.6) / 5.0).sin();
            image::Luma([(100.0 + 30.0 * s + noise() * 0.3) as u8])
        });
        let p = periodic_score(&plain);
        let s = periodic_score(&stripes);
        assert!(p < 0.2, "noise {p}");
        assert!(s > 0.5, "stripes {s}");
    }

    #[test]
    fn a_single_edge_is_not_periodic() {
        let edge = GrayImage::from_fn(128, 128, |x, _| {
            image::Luma([if x < 64 { 40 } else { 200 }])
        });
        assert!(periodic_score(&edge) < 0.1);
    }
}
