//! The coarse person mask: MediaPipe selfie segmentation (general model) on the whole frame
//! squeezed to 256×256. Its mask is blurry at 256 px; [`super::matte`] refines it at the output's
//! resolution.

use super::PhotoError;
use image::{GrayImage, RgbImage};
use std::sync::Arc;
use tract_onnx::prelude::*;

static SELFIE_ONNX: &[u8] = include_bytes!("../../assets/models/selfie_segmentation.onnx");

const SIDE: usize = 256;

/// Person probability on a 256×256 grid that covers the whole capture (no letterbox: the grid is
/// stretched to the capture's aspect ratio).
#[derive(Debug, Clone)]
pub struct CoarseMask {
    /// Row-major, `SIDE × SIDE`, 0 = backdrop, 1 = person.
    data: Vec<f32>,
    /// Size of the capture the mask covers.
    pub image_width: u32,
    pub image_height: u32,
}

impl CoarseMask {
    /// Person probability at capture pixel `(x, y)`, bilinear, clamped at the border.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let gx = (x / self.image_width as f32 * SIDE as f32 - 0.5).clamp(0.0, (SIDE - 1) as f32);
        let gy = (y / self.image_height as f32 * SIDE as f32 - 0.5).clamp(0.0, (SIDE - 1) as f32);
        let (x0, y0) = (gx.floor() as usize, gy.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(SIDE - 1), (y0 + 1).min(SIDE - 1));
        let (fx, fy) = (gx - x0 as f32, gy - y0 as f32);
        let v = |x: usize, y: usize| self.data[y * SIDE + x];
        let top = v(x0, y0) * (1.0 - fx) + v(x1, y0) * fx;
        let bottom = v(x0, y1) * (1.0 - fx) + v(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// The mask as a `width`×`height` image covering the whole capture, 255 = person: the form
    /// the checks take (`crate::check::CheckInput::person_mask`). The model's grid is only 256
    /// cells across, so a small image (the checks' 480-px working copy) loses nothing.
    pub fn to_gray(&self, width: u32, height: u32) -> GrayImage {
        let (sx, sy) = (
            self.image_width as f32 / width.max(1) as f32,
            self.image_height as f32 / height.max(1) as f32,
        );
        GrayImage::from_fn(width, height, |x, y| {
            let p = self.at((x as f32 + 0.5) * sx, (y as f32 + 0.5) * sy);
            image::Luma([(p * 255.0).round().clamp(0.0, 255.0) as u8])
        })
    }

    /// A mask from known values, for tests of the geometry and the matte.
    pub fn from_fn(
        image_width: u32,
        image_height: u32,
        person: impl Fn(f32, f32) -> f32,
    ) -> CoarseMask {
        let mut data = Vec::with_capacity(SIDE * SIDE);
        for gy in 0..SIDE {
            for gx in 0..SIDE {
                let x = (gx as f32 + 0.5) / SIDE as f32 * image_width as f32;
                let y = (gy as f32 + 0.5) / SIDE as f32 * image_height as f32;
                data.push(person(x, y));
            }
        }
        CoarseMask {
            data,
            image_width,
            image_height,
        }
    }
}

/// The segmentation model, loaded once (~100 ms); `Send + Sync`, share it with an `Arc`.
pub struct Segmenter {
    plan: Arc<TypedRunnableModel>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Segmenter {
    pub fn new() -> Result<Self, PhotoError> {
        let plan = tract_onnx::onnx()
            .model_for_read(&mut &SELFIE_ONNX[..])
            .and_then(|m| m.with_input_fact(0, f32::fact([1, SIDE, SIDE, 3]).into()))
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| PhotoError::Model(format!("{e:#}")))?;
        Ok(Segmenter { plan })
    }

    /// The coarse person mask of `img`.
    pub fn mask(&self, img: &RgbImage) -> Result<CoarseMask, PhotoError> {
        let (w, h) = img.dimensions();
        if w < 16 || h < 16 {
            return Err(PhotoError::Refused(super::Refusal::CaptureTooSmall {
                width: w,
                height: h,
            }));
        }
        // Box-average each grid cell, so a 1920×1080 frame is not aliased down to 256 px.
        let small = image::imageops::resize(
            img,
            SIDE as u32,
            SIDE as u32,
            image::imageops::FilterType::Triangle,
        );
        let input = tract_ndarray::Array4::from_shape_fn((1, SIDE, SIDE, 3), |(_, y, x, c)| {
            small.get_pixel(x as u32, y as u32)[c] as f32 / 255.0
        });
        let out = self
            .plan
            .run(tvec!(Tensor::from(input).into()))
            .map_err(|e| PhotoError::Model(format!("{e:#}")))?;
        let view = out
            .first()
            .ok_or_else(|| PhotoError::Model("segmentation returned no output".into()))?
            .to_plain_array_view::<f32>()
            .map_err(|e| PhotoError::Model(format!("{e:#}")))?;
        let data: Vec<f32> = view.iter().map(|v| v.clamp(0.0, 1.0)).collect();
        if data.len() != SIDE * SIDE {
            return Err(PhotoError::Model(format!(
                "segmentation returned {} values, expected {}",
                data.len(),
                SIDE * SIDE
            )));
        }
        Ok(CoarseMask {
            data,
            image_width: w,
            image_height: h,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_gray_covers_the_whole_capture_at_any_size() {
        // A person on the left third of a 1920×1080 capture.
        let m = CoarseMask::from_fn(1920, 1080, |x, _| if x < 640.0 { 1.0 } else { 0.0 });
        let g = m.to_gray(480, 270);
        assert_eq!(g.dimensions(), (480, 270));
        assert_eq!(g.get_pixel(10, 135).0[0], 255);
        assert_eq!(g.get_pixel(470, 135).0[0], 0);
        // The edge stays at a third of the width (within the model's 7.5-px cells).
        let edge = (0..480).find(|&x| g.get_pixel(x, 135).0[0] < 128).unwrap();
        assert!((158..=162).contains(&edge), "{edge}");
        let tiny = m.to_gray(3, 1);
        assert_eq!(tiny.as_raw(), &vec![255, 0, 0]);
    }
}
