//! recapture (a photo of a screen or a print) and beautified (a beauty filter), from one image.

use super::pixels::{self, Area};
use super::rules::{FaceAreas, Unmeasured, not_measured, outcome};
use super::scene::Scene;
use super::{CheckId, CheckResult};
use crate::config::ChecksConfig;
use image::GrayImage;

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

pub fn recapture(s: &Scene, cfg: &ChecksConfig) -> CheckResult {
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
    let v = periodic_score(&pixels::luma_image(&sub));
    outcome(
        CheckId::Recapture,
        v,
        cfg.recapture_max_periodic,
        v <= cfg.recapture_max_periodic,
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
