//! Person/backdrop matte at the output's resolution, and the background replacement.
//!
//! The model's mask is right about *where* the person is but soft and a few pixels off at 256 px.
//! The station's backdrop is plain, so the exact edge is where the colour stops being the
//! backdrop's. The mask decides the sure person and the sure backdrop; in the band between them
//! alpha comes from colour: each pixel is taken as a mix `I = αF + (1-α)B` of the backdrop colour
//! `B` there (a smooth surface fitted to the sure backdrop, so uneven light is fine) and the
//! nearby person colour `F`, and α is the projection of `I - B` on `F - B`. Replacing the
//! backdrop then un-mixes it: `out = I + (1-α)(new - B)`, so an edge pixel keeps the person's
//! share and loses the old backdrop's colour (no fringe), and a pixel with α = 1 (the face, the
//! skin) is left exactly as captured. A backdrop that is not plain (residual of the fit too large)
//! falls back to the model's mask with a soft edge and a plain mix.

use image::{GrayImage, RgbImage};

/// Alpha per output pixel: 1 = person, 0 = backdrop.
#[derive(Debug, Clone, PartialEq)]
pub struct Matte {
    pub width: u32,
    pub height: u32,
    /// Row-major alpha, 0–1.
    pub alpha: Vec<f32>,
}

impl Matte {
    pub fn at(&self, x: u32, y: u32) -> f32 {
        self.alpha[(y * self.width + x) as usize]
    }

    /// The matte as an 8-bit image (255 = person), for the checks and for looking at.
    pub fn to_gray(&self) -> GrayImage {
        GrayImage::from_fn(self.width, self.height, |x, y| {
            image::Luma([(self.at(x, y) * 255.0).round() as u8])
        })
    }
}

/// What was learnt about the old backdrop.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Backdrop {
    /// Mean colour of the sure-backdrop pixels.
    pub colour: [u8; 3],
    /// Robust spread (per channel, 0–255 levels) of the backdrop around its fitted surface.
    pub noise: f32,
    /// Whether the backdrop was plain enough to cut the edge by colour.
    pub plain: bool,
}

/// Above this spread (levels) the backdrop is not the station's plain cloth (a room, a flag):
/// colour no longer tells person from backdrop.
const PLAIN_MAX_NOISE: f32 = 10.0;
/// Below this person–backdrop contrast (levels) the colour projection is noise-dominated.
const MIN_CONTRAST: f32 = 24.0;

/// The matte of `img` given the model's person probability `coarse` (same size), `band`: how
/// many output pixels the model's edge may be off, and `covered`: the part of `img` that shows
/// the capture, `(x0, y0, x1, y1)`. Beyond it the output is background (alpha 0): the person is
/// never extended, and those pixels take no part in learning the old backdrop.
pub fn refine(
    img: &RgbImage,
    coarse: &[f32],
    band: f32,
    covered: (u32, u32, u32, u32),
) -> (Matte, Backdrop, Surface) {
    let (w, h) = img.dimensions();
    let n = (w * h) as usize;
    let (cx0, cy0, cx1, cy1) = covered;
    let in_capture = |i: usize| {
        let (x, y) = ((i % w as usize) as u32, (i / w as usize) as u32);
        x >= cx0 && x < cx1 && y >= cy0 && y < cy1
    };
    let person: Vec<bool> = coarse
        .iter()
        .enumerate()
        .map(|(i, &c)| c >= 0.5 && in_capture(i))
        .collect();
    let inside = distance(&person, w, h);
    let outside = distance(&person.iter().map(|p| !p).collect::<Vec<_>>(), w, h);
    let sure_fg: Vec<bool> = (0..n).map(|i| person[i] && inside[i] > band).collect();
    let sure_bg: Vec<bool> = (0..n)
        .map(|i| !person[i] && outside[i] > band && in_capture(i))
        .collect();
    let beyond = |mut alpha: Vec<f32>| {
        for (i, a) in alpha.iter_mut().enumerate() {
            if !in_capture(i) {
                *a = 0.0;
            }
        }
        alpha
    };

    let surface = Surface::fit(img, &sure_bg);
    let plain = surface.as_ref().is_some_and(|s| s.noise <= PLAIN_MAX_NOISE);
    let smooth_coarse: Vec<f32> = coarse.iter().map(|&c| smoothstep(0.25, 0.75, c)).collect();
    let surface = match surface {
        Some(s) if plain => s,
        other => {
            let s = other.unwrap_or_else(|| Surface::flat(mean_colour(img, &sure_bg)));
            let backdrop = Backdrop {
                colour: s.colour,
                noise: s.noise,
                plain: false,
            };
            let matte = Matte {
                width: w,
                height: h,
                alpha: beyond(smooth_coarse),
            };
            return (matte, backdrop, s);
        }
    };

    // Person colour near each pixel: normalised box blur of the sure-person pixels.
    let radius = (band * 2.0).ceil() as usize;
    let fg_sum = box_blur_weighted(img, &sure_fg, w, h, radius);
    let floor = 2.5 * surface.noise * 3f32.sqrt() + 3.0;
    let mut alpha = vec![0.0f32; n];
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            if sure_fg[i] {
                alpha[i] = 1.0;
                continue;
            }
            if sure_bg[i] {
                continue;
            }
            let b = surface.at(x, y);
            let p = img.get_pixel(x, y).0.map(|v| v as f32);
            let d = [p[0] - b[0], p[1] - b[1], p[2] - b[2]];
            let dist = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
            let [fr, fg, fb, fw] = fg_sum[i];
            let a = if fw > 0.5 {
                let f = [fr / fw - b[0], fg / fw - b[1], fb / fw - b[2]];
                let contrast = (f[0] * f[0] + f[1] * f[1] + f[2] * f[2]).sqrt();
                if contrast < MIN_CONTRAST {
                    smooth_coarse[i]
                } else {
                    let proj = (d[0] * f[0] + d[1] * f[1] + d[2] * f[2]) / (contrast * contrast);
                    // A pixel far from the backdrop colour in another direction than F (a
                    // differently coloured strand, a shirt collar) is still person.
                    let off_axis = (dist / contrast).min(1.0);
                    let a = proj.max(off_axis * 0.5 + proj * 0.5);
                    let noise = (floor / contrast).min(0.3);
                    ((a - noise) / (1.0 - 2.0 * noise)).clamp(0.0, 1.0)
                }
            } else {
                // No person colour nearby: plain colour distance.
                ((dist - floor) / 40.0).clamp(0.0, 1.0)
            };
            alpha[i] = a;
        }
    }
    let alpha = beyond(box3(&alpha, w, h));
    let backdrop = Backdrop {
        colour: surface.colour,
        noise: surface.noise,
        plain: true,
    };
    (
        Matte {
            width: w,
            height: h,
            alpha,
        },
        backdrop,
        surface,
    )
}

/// Replaces the backdrop by `colour`. Pixels with alpha 1 are copied unchanged.
pub fn replace(
    img: &RgbImage,
    matte: &Matte,
    backdrop: &Backdrop,
    surface: &Surface,
    colour: [u8; 3],
) -> RgbImage {
    let new = colour.map(|c| c as f32);
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let a = matte.at(x, y);
        let p = img.get_pixel(x, y).0;
        if a >= 1.0 {
            return image::Rgb(p);
        }
        let p = p.map(|v| v as f32);
        let out = if backdrop.plain {
            // Un-mix: the person's share αF = I - (1-α)B (bounded: F is a colour, and at α = 0
            // only the backdrop's noise would remain), then the new backdrop's share added.
            let b = surface.at(x, y);
            [0, 1, 2].map(|c| (p[c] - (1.0 - a) * b[c]).clamp(0.0, 255.0 * a) + (1.0 - a) * new[c])
        } else {
            [0, 1, 2].map(|c| a * p[c] + (1.0 - a) * new[c])
        };
        image::Rgb(out.map(|v| v.round().clamp(0.0, 255.0) as u8))
    })
}

/// The backdrop colour as a smooth function of position: per channel a quadratic surface fitted by
/// least squares to the sure-backdrop pixels (a lamp's falloff across the cloth is smooth).
#[derive(Debug, Clone)]
pub struct Surface {
    coef: [[f32; 6]; 3],
    w: f32,
    h: f32,
    colour: [u8; 3],
    noise: f32,
}

impl Surface {
    fn flat(colour: [u8; 3]) -> Surface {
        let mut coef = [[0.0; 6]; 3];
        for c in 0..3 {
            coef[c][0] = colour[c] as f32;
        }
        Surface {
            coef,
            w: 1.0,
            h: 1.0,
            colour,
            noise: f32::INFINITY,
        }
    }

    fn basis(&self, x: u32, y: u32) -> [f32; 6] {
        let u = x as f32 / self.w - 0.5;
        let v = y as f32 / self.h - 0.5;
        [1.0, u, v, u * u, v * v, u * v]
    }

    pub fn at(&self, x: u32, y: u32) -> [f32; 3] {
        let b = self.basis(x, y);
        self.coef
            .map(|k| k.iter().zip(b).map(|(k, b)| k * b).sum::<f32>())
    }

    fn fit(img: &RgbImage, mask: &[bool]) -> Option<Surface> {
        let (w, h) = img.dimensions();
        let mut s = Surface::flat([0; 3]);
        s.w = w as f32;
        s.h = h as f32;
        let mut ata = [[0.0f64; 6]; 6];
        let mut atb = [[0.0f64; 6]; 3];
        let mut count = 0usize;
        let mut sum = [0.0f64; 3];
        for y in (0..h).step_by(2) {
            for x in (0..w).step_by(2) {
                if !mask[(y * w + x) as usize] {
                    continue;
                }
                let b = s.basis(x, y);
                let p = img.get_pixel(x, y).0;
                for r in 0..6 {
                    for c in 0..6 {
                        ata[r][c] += (b[r] * b[c]) as f64;
                    }
                    for ch in 0..3 {
                        atb[ch][r] += (b[r] * p[ch] as f32) as f64;
                    }
                }
                for ch in 0..3 {
                    sum[ch] += p[ch] as f64;
                }
                count += 1;
            }
        }
        // Fewer than ~2% of the output as backdrop: nothing reliable to fit.
        if count < (w * h / 200) as usize {
            return None;
        }
        for ch in 0..3 {
            s.coef[ch] = solve6(ata, atb[ch])?.map(|v| v as f32);
            s.colour[ch] = (sum[ch] / count as f64).round().clamp(0.0, 255.0) as u8;
        }
        // Robust spread: median absolute residual over the sure backdrop, scaled to a sigma.
        let mut residuals = Vec::with_capacity(count * 3);
        for y in (0..h).step_by(2) {
            for x in (0..w).step_by(2) {
                if mask[(y * w + x) as usize] {
                    let b = s.at(x, y);
                    let p = img.get_pixel(x, y).0;
                    for ch in 0..3 {
                        residuals.push((p[ch] as f32 - b[ch]).abs());
                    }
                }
            }
        }
        residuals.sort_by(f32::total_cmp);
        s.noise = residuals[residuals.len() / 2] * 1.4826;
        Some(s)
    }
}

fn solve6(mut a: [[f64; 6]; 6], mut b: [f64; 6]) -> Option<[f64; 6]> {
    for col in 0..6 {
        let pivot = (col..6).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-9 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in 0..6 {
            if row != col {
                let f = a[row][col] / a[col][col];
                let pivot_row = a[col];
                for (v, p) in a[row].iter_mut().zip(pivot_row).skip(col) {
                    *v -= f * p;
                }
                b[row] -= f * b[col];
            }
        }
    }
    Some(std::array::from_fn(|i| b[i] / a[i][i]))
}

fn mean_colour(img: &RgbImage, mask: &[bool]) -> [u8; 3] {
    let mut sum = [0u64; 3];
    let mut n = 0u64;
    for (p, &m) in img.pixels().zip(mask) {
        if m {
            for c in 0..3 {
                sum[c] += p[c] as u64;
            }
            n += 1;
        }
    }
    sum.map(|s| s.checked_div(n).unwrap_or(128) as u8)
}

fn smoothstep(lo: f32, hi: f32, v: f32) -> f32 {
    let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Chamfer (3-4) distance, in pixels, from each `true` pixel to the nearest `false` one; 0 on
/// `false` pixels. A region that touches the image edge counts the edge as open.
fn distance(set: &[bool], w: u32, h: u32) -> Vec<f32> {
    let (w, h) = (w as usize, h as usize);
    let big = 3 * (w + h) as u32;
    let mut d: Vec<u32> = set.iter().map(|&s| if s { big } else { 0 }).collect();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if d[i] == 0 {
                continue;
            }
            let mut m = d[i];
            if x > 0 {
                m = m.min(d[i - 1] + 3);
            }
            if y > 0 {
                m = m.min(d[i - w] + 3);
                if x > 0 {
                    m = m.min(d[i - w - 1] + 4);
                }
                if x + 1 < w {
                    m = m.min(d[i - w + 1] + 4);
                }
            }
            d[i] = m;
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let i = y * w + x;
            if d[i] == 0 {
                continue;
            }
            let mut m = d[i];
            if x + 1 < w {
                m = m.min(d[i + 1] + 3);
            }
            if y + 1 < h {
                m = m.min(d[i + w] + 3);
                if x + 1 < w {
                    m = m.min(d[i + w + 1] + 4);
                }
                if x > 0 {
                    m = m.min(d[i + w - 1] + 4);
                }
            }
            d[i] = m;
        }
    }
    d.into_iter().map(|v| v as f32 / 3.0).collect()
}

/// Per pixel: sums of R, G, B and the count of `mask` pixels in the (2r+1)² window around it
/// (summed-area table).
fn box_blur_weighted(img: &RgbImage, mask: &[bool], w: u32, h: u32, r: usize) -> Vec<[f32; 4]> {
    let (w, h) = (w as usize, h as usize);
    let stride = w + 1;
    let mut sat = vec![[0.0f64; 4]; stride * (h + 1)];
    for y in 0..h {
        let mut row = [0.0f64; 4];
        for x in 0..w {
            if mask[y * w + x] {
                let p = img.get_pixel(x as u32, y as u32).0;
                row[0] += p[0] as f64;
                row[1] += p[1] as f64;
                row[2] += p[2] as f64;
                row[3] += 1.0;
            }
            let above = sat[y * stride + x + 1];
            sat[(y + 1) * stride + x + 1] = [0, 1, 2, 3].map(|k| above[k] + row[k]);
        }
    }
    let mut out = vec![[0.0f32; 4]; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let s = |yy: usize, xx: usize| sat[yy * stride + xx];
            let (a, b, c, d) = (s(y1, x1), s(y0, x1), s(y1, x0), s(y0, x0));
            out[y * w + x] = [0, 1, 2, 3].map(|k| (a[k] - b[k] - c[k] + d[k]) as f32);
        }
    }
    out
}

/// 3×3 mean, which takes the pixel staircase out of the edge.
fn box3(v: &[f32], w: u32, h: u32) -> Vec<f32> {
    let (w, h) = (w as i64, h as i64);
    let mut out = vec![0.0; v.len()];
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0.0;
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let xx = (x + dx).clamp(0, w - 1);
                    let yy = (y + dy).clamp(0, h - 1);
                    sum += v[(yy * w + xx) as usize];
                }
            }
            out[(y * w + x) as usize] = sum / 9.0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disc of skin colour on a grey backdrop with an anti-aliased edge, and a coarse mask that
    /// is 4 px too big.
    fn disc() -> (RgbImage, Vec<f32>) {
        let (w, h) = (120u32, 120u32);
        let grey = [128.0, 128.0, 128.0];
        let skin = [200.0, 150.0, 120.0];
        let img = RgbImage::from_fn(w, h, |x, y| {
            let r = ((x as f32 - 60.0).powi(2) + (y as f32 - 60.0).powi(2)).sqrt();
            let a = (30.0 - r + 0.5).clamp(0.0, 1.0);
            let noise = ((x * 7 + y * 13) % 5) as f32 - 2.0;
            image::Rgb([0, 1, 2].map(|c| (a * skin[c] + (1.0 - a) * grey[c] + noise) as u8))
        });
        let coarse = (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as f32, (i / w) as f32);
                let r = ((x - 60.0).powi(2) + (y - 60.0).powi(2)).sqrt();
                if r < 34.0 { 1.0 } else { 0.0 }
            })
            .collect();
        (img, coarse)
    }

    #[test]
    fn the_colour_edge_wins_over_a_misplaced_model_edge() {
        let (img, coarse) = disc();
        let (matte, backdrop, _) = refine(&img, &coarse, 8.0, (0, 0, 120, 120));
        assert!(backdrop.plain, "{backdrop:?}");
        // 2 px outside the true edge but inside the model's mask: backdrop.
        assert!(matte.at(60 + 32, 60) < 0.1, "{}", matte.at(92, 60));
        assert!(matte.at(60 + 27, 60) > 0.9, "{}", matte.at(87, 60));
    }

    #[test]
    fn the_person_is_copied_unchanged_and_the_backdrop_replaced() {
        let (img, coarse) = disc();
        let (matte, backdrop, surface) = refine(&img, &coarse, 8.0, (0, 0, 120, 120));
        let out = replace(&img, &matte, &backdrop, &surface, [67, 142, 219]);
        assert_eq!(out.get_pixel(60, 60), img.get_pixel(60, 60));
        let corner = out.get_pixel(3, 3).0;
        assert!(
            corner
                .iter()
                .zip([67, 142, 219])
                .all(|(a, b)| (*a as i32 - b).abs() <= 4)
        );
        // The rim keeps no grey: every rim pixel is a mix of skin and the new blue only, so its
        // red is never below the blue's 67 by more than noise while green stays under skin's.
        for x in 86..=92 {
            let p = out.get_pixel(x, 60).0;
            assert!((p[1] as i32) <= 155 && (p[1] as i32) >= 138, "{x}: {p:?}");
        }
    }
}
