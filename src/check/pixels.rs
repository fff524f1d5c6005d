//! Pixel helpers shared by the checks: luminance, clipped boxes, region statistics.

use image::{GrayImage, RgbImage};

/// Rec. 601 luma, 0–255.
#[inline]
pub fn luma(p: [u8; 3]) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

pub fn luma_image(img: &RgbImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = GrayImage::new(w, h);
    for (o, p) in out.as_mut().iter_mut().zip(img.as_raw().chunks_exact(3)) {
        *o = luma([p[0], p[1], p[2]]).round() as u8;
    }
    out
}

/// An integer box clipped to an image: `x0..x1`, `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Area {
    /// The box with centre (cx, cy) and size (w, h), clipped to `width`×`height`.
    pub fn centred(cx: f32, cy: f32, w: f32, h: f32, width: u32, height: u32) -> Area {
        Area::from_corners(
            cx - w / 2.0,
            cy - h / 2.0,
            cx + w / 2.0,
            cy + h / 2.0,
            width,
            height,
        )
    }

    pub fn from_corners(x0: f32, y0: f32, x1: f32, y1: f32, width: u32, height: u32) -> Area {
        let clip = |v: f32, max: u32| v.round().clamp(0.0, max as f32) as u32;
        Area {
            x0: clip(x0, width),
            y0: clip(y0, height),
            x1: clip(x1, width),
            y1: clip(y1, height),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.x1 <= self.x0 || self.y1 <= self.y0
    }

    pub fn pixels(&self) -> u64 {
        if self.is_empty() {
            0
        } else {
            (self.x1 - self.x0) as u64 * (self.y1 - self.y0) as u64
        }
    }

    pub fn iter(self) -> impl Iterator<Item = (u32, u32)> {
        let Area { x0, y0, x1, y1 } = self;
        (y0..y1).flat_map(move |y| (x0..x1).map(move |x| (x, y)))
    }
}

/// Mean luma over an area; `None` when empty.
pub fn mean_luma(img: &RgbImage, a: Area) -> Option<f32> {
    if a.is_empty() {
        return None;
    }
    let sum: f64 = a
        .iter()
        .map(|(x, y)| luma(img.get_pixel(x, y).0) as f64)
        .sum();
    Some((sum / a.pixels() as f64) as f32)
}

/// Median luma over an area (robust to a stray highlight or hair strand); `None` when empty.
pub fn median_luma(img: &RgbImage, a: Area) -> Option<f32> {
    luma_quantile(img, a, 0.5)
}

/// The `q` quantile (0–1) of luma over an area, to the nearest level; `None` when empty.
pub fn luma_quantile(img: &RgbImage, a: Area, q: f32) -> Option<f32> {
    if a.is_empty() {
        return None;
    }
    let mut hist = [0u64; 256];
    for (x, y) in a.iter() {
        hist[luma(img.get_pixel(x, y).0).round() as usize] += 1;
    }
    let want = ((a.pixels() as f64 * f64::from(q.clamp(0.0, 1.0))).ceil() as u64).max(1);
    let mut acc = 0;
    for (v, n) in hist.iter().enumerate() {
        acc += n;
        if acc >= want {
            return Some(v as f32);
        }
    }
    Some(255.0)
}

/// Share of pixels in the area for which `pred` holds; `None` when empty.
pub fn share(img: &RgbImage, a: Area, pred: impl Fn([u8; 3]) -> bool) -> Option<f32> {
    if a.is_empty() {
        return None;
    }
    let n = a
        .iter()
        .filter(|&(x, y)| pred(img.get_pixel(x, y).0))
        .count();
    Some(n as f32 / a.pixels() as f32)
}

/// Gradient magnitude (|dx| + |dy| of central differences / 2) of a grey image, per pixel.
pub fn gradient(g: &GrayImage) -> Vec<f32> {
    let (w, h) = (g.width() as usize, g.height() as usize);
    let d = g.as_raw();
    let mut out = vec![0.0; w * h];
    for y in 1..h.saturating_sub(1) {
        for x in 1..w - 1 {
            let i = y * w + x;
            let dx = d[i + 1] as f32 - d[i - 1] as f32;
            let dy = d[i + w] as f32 - d[i - w] as f32;
            out[i] = (dx.abs() + dy.abs()) / 2.0;
        }
    }
    out
}

/// Grey crop of an RGB image resampled (area average when shrinking) to `w`×`h`.
pub fn grey_crop(img: &RgbImage, a: Area, w: u32, h: u32) -> Option<GrayImage> {
    if a.is_empty() {
        return None;
    }
    let sub = image::imageops::crop_imm(img, a.x0, a.y0, a.x1 - a.x0, a.y1 - a.y0).to_image();
    let grey = luma_image(&sub);
    Some(if grey.width() >= w && grey.height() >= h {
        image::imageops::thumbnail(&grey, w, h)
    } else {
        image::imageops::resize(&grey, w, h, image::imageops::FilterType::Triangle)
    })
}

/// Mean absolute 4-neighbour Laplacian of a grey image (fine detail).
pub fn mean_abs_laplacian(g: &GrayImage) -> f32 {
    let (w, h) = (g.width() as usize, g.height() as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let d = g.as_raw();
    let mut sum = 0.0f64;
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            let l = 4.0 * d[i] as f32
                - d[i - 1] as f32
                - d[i + 1] as f32
                - d[i - w] as f32
                - d[i + w] as f32;
            sum += l.abs() as f64;
        }
    }
    (sum / ((w - 2) * (h - 2)) as f64) as f32
}

/// Sharpness of a grey image in its least sharp direction: for each of the four directions
/// (→, ↓, ↘, ↗) the mean |1-D Laplacian| over the mean half 4-px difference, the smallest ratio.
///
/// A step edge gives 1 in the directions across it, an edge ramped over `w` pixels about `1/w`,
/// whatever its contrast. Motion blur ramps the edges along the motion only, so the smallest
/// direction shows it where the all-direction Laplacian (`mean_abs_laplacian`) is carried by the
/// untouched directions. 0 for a flat or too small image.
pub fn directional_sharpness(g: &GrayImage) -> f32 {
    let (w, h) = (g.width() as i64, g.height() as i64);
    if w < 8 || h < 8 {
        return 0.0;
    }
    let d = g.as_raw();
    let at = |x: i64, y: i64| d[(y * w + x) as usize] as f32;
    let mut least = f32::MAX;
    for (dx, dy) in [(1i64, 0i64), (0, 1), (1, 1), (1, -1)] {
        let (mut lap, mut diff) = (0.0f64, 0.0f64);
        for y in 2..h - 2 {
            for x in 2..w - 2 {
                let c = at(x, y);
                lap += (at(x + dx, y + dy) + at(x - dx, y - dy) - 2.0 * c).abs() as f64;
                diff +=
                    ((at(x + 2 * dx, y + 2 * dy) - at(x - 2 * dx, y - 2 * dy)).abs() / 2.0) as f64;
            }
        }
        if diff <= 0.0 {
            return 0.0;
        }
        least = least.min((lap / diff) as f32);
    }
    least
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_is_clipped() {
        let a = Area::centred(5.0, 5.0, 20.0, 4.0, 10, 10);
        assert_eq!(
            a,
            Area {
                x0: 0,
                y0: 3,
                x1: 10,
                y1: 7
            }
        );
        assert_eq!(a.pixels(), 40);
        assert!(Area::centred(-50.0, 5.0, 4.0, 4.0, 10, 10).is_empty());
    }

    #[test]
    fn median_ignores_a_few_outliers() {
        let mut img = RgbImage::from_pixel(10, 10, image::Rgb([100, 100, 100]));
        img.put_pixel(0, 0, image::Rgb([255, 255, 255]));
        let a = Area::centred(5.0, 5.0, 10.0, 10.0, 10, 10);
        assert_eq!(median_luma(&img, a), Some(100.0));
        assert!(mean_luma(&img, a).unwrap() > 100.0);
    }

    #[test]
    fn a_flat_image_has_no_detail() {
        let g = GrayImage::from_pixel(20, 20, image::Luma([90]));
        assert_eq!(mean_abs_laplacian(&g), 0.0);
    }

    /// Overlapping discs of random grey (edges in every direction, like a face's features), radii
    /// `scale`–4·`scale` pixels, grey values spread by `contrast`.
    fn texture(size: u32, scale: f32, contrast: f32) -> GrayImage {
        let mut seed = 7u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ((seed >> 8) & 0xffff) as f32 / 65535.0
        };
        let mut g = GrayImage::from_pixel(size, size, image::Luma([128]));
        for _ in 0..(size as f32 * size as f32 / (scale * scale * 3.0)) as usize {
            let (cx, cy) = (rnd() * size as f32, rnd() * size as f32);
            let r = scale * (1.0 + 3.0 * rnd());
            let v = (128.0 + contrast * (rnd() - 0.5)).clamp(0.0, 255.0) as u8;
            for (x, y, p) in g.enumerate_pixels_mut() {
                if (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2) < r * r {
                    *p = image::Luma([v]);
                }
            }
        }
        g
    }

    fn motion_blur(g: &GrayImage, len: i64) -> GrayImage {
        let (w, h) = (g.width() as i64, g.height() as i64);
        GrayImage::from_fn(w as u32, h as u32, |x, y| {
            let sum: u32 = (0..len)
                .map(|i| {
                    let xx = (x as i64 + i - len / 2).clamp(0, w - 1);
                    g.get_pixel(xx as u32, y).0[0] as u32
                })
                .sum();
            image::Luma([(sum as f32 / len as f32).round() as u8])
        })
    }

    #[test]
    fn blur_lowers_directional_sharpness_at_two_scales_and_contrasts() {
        // Against the shipped threshold: sharp well above it at either contrast, defocus and
        // motion blur below it. At low contrast 8-bit rounding adds 1-level steps inside a
        // blurred ramp, so the blurred cases are tested at full contrast.
        let limit = crate::config::ChecksConfig::default().sharp_min;
        for scale in [4.0, 9.0] {
            for contrast in [30.0, 120.0] {
                let s = directional_sharpness(&texture(96, scale, contrast));
                assert!(s > 1.5 * limit, "sharp at {scale}, {contrast}: {s}");
            }
            let sharp = texture(96, scale, 120.0);
            let defocus = directional_sharpness(&image::imageops::blur(&sharp, 2.5));
            let motion = directional_sharpness(&motion_blur(&sharp, 12));
            assert!(defocus < limit, "defocus at {scale}: {defocus}");
            assert!(motion < limit, "motion at {scale}: {motion}");
        }
        assert_eq!(
            directional_sharpness(&GrayImage::from_pixel(20, 20, image::Luma([90]))),
            0.0
        );
    }
}
