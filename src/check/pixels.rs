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
    if a.is_empty() {
        return None;
    }
    let mut hist = [0u64; 256];
    for (x, y) in a.iter() {
        hist[luma(img.get_pixel(x, y).0).round() as usize] += 1;
    }
    let half = a.pixels().div_ceil(2);
    let mut acc = 0;
    for (v, n) in hist.iter().enumerate() {
        acc += n;
        if acc >= half {
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

/// Mean absolute gradient at a step of `k` pixels (coarse structure).
pub fn mean_abs_gradient(g: &GrayImage, k: usize) -> f32 {
    let (w, h) = (g.width() as usize, g.height() as usize);
    if w <= 2 * k || h <= 2 * k {
        return 0.0;
    }
    let d = g.as_raw();
    let mut sum = 0.0f64;
    for y in k..h - k {
        for x in k..w - k {
            let i = y * w + x;
            let dx = d[i + k] as f32 - d[i - k] as f32;
            let dy = d[i + k * w] as f32 - d[i - k * w] as f32;
            sum += ((dx.abs() + dy.abs()) / 2.0) as f64;
        }
    }
    (sum / ((w - 2 * k) * (h - 2 * k)) as f64) as f32
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
        assert_eq!(mean_abs_gradient(&g, 2), 0.0);
    }
}
