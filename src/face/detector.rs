//! CenterFace: one forward pass gives a face-centre heatmap, box sizes, sub-cell offsets and five
//! landmarks per cell at stride 4 of the input.

use super::{Face, FaceError, Point, Rect};
use image::RgbImage;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tract_onnx::prelude::*;

static CENTERFACE_ONNX: &[u8] = include_bytes!("../../assets/models/centerface.onnx");

const MODEL: &str = "CenterFace";
/// Heatmap peaks below this are not faces at all; the checks apply their own, higher, threshold.
const MIN_SCORE: f32 = 0.3;
/// Boxes overlapping more than this are the same face (CenterFace's own post-processing value).
const NMS_IOU: f32 = 0.3;
const STRIDE: usize = 4;

type Plan = Arc<TypedRunnableModel>;

/// Finds faces with CenterFace. Load once ([`FaceDetector::new`], ~100 ms), share with an `Arc`.
///
/// The image is downscaled so its long side is [`FaceDetector::DEFAULT_LONG_SIDE`] before
/// detection (the station's faces are large; time grows with the pixel count), and results are
/// mapped back to the pixels of the image passed in.
pub struct FaceDetector {
    inference: InferenceModel,
    long_side: u32,
    /// One optimised plan per input size: the kiosk camera has one size, the CLI a few.
    plans: Mutex<HashMap<(usize, usize), Plan>>,
}

impl std::fmt::Debug for FaceDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceDetector")
            .field("long_side", &self.long_side)
            .finish_non_exhaustive()
    }
}

fn load_err(e: impl std::fmt::Display) -> FaceError {
    FaceError::Load {
        model: MODEL,
        message: format!("{e:#}"),
    }
}

impl FaceDetector {
    /// Long side of the image the detector sees. 480 px finds faces down to ~25 px wide in a
    /// 1920×1080 capture while keeping one pass around 60 ms on the kiosk's 2 cores.
    pub const DEFAULT_LONG_SIDE: u32 = 480;

    pub fn new() -> Result<Self, FaceError> {
        Self::with_long_side(Self::DEFAULT_LONG_SIDE)
    }

    /// A detector that downscales to `long_side` (rounded up to a multiple of 32) instead of the
    /// default; larger finds smaller faces, slower.
    pub fn with_long_side(long_side: u32) -> Result<Self, FaceError> {
        let model = tract_onnx::onnx()
            .model_for_read(&mut &CENTERFACE_ONNX[..])
            .map_err(load_err)?;
        let detector = FaceDetector {
            inference: model,
            long_side: long_side.clamp(64, 4096).div_ceil(32) * 32,
            plans: Mutex::new(HashMap::new()),
        };
        // Build the plan for the kiosk's usual 16:9 input now, so the first capture is not slower.
        detector.plan(
            detector.long_side as usize,
            (detector.long_side as usize * 9 / 16).div_ceil(32) * 32,
        )?;
        Ok(detector)
    }

    fn plan(&self, w: usize, h: usize) -> Result<Plan, FaceError> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still valid.
        let mut plans = self.plans.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = plans.get(&(w, h)) {
            return Ok(p.clone());
        }
        // The declared input is 10×3×32×32: each plan fixes the batch to 1 and the size to this.
        let plan = self
            .inference
            .clone()
            .with_input_fact(0, f32::fact([1, 3, h, w]).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(load_err)?;
        plans.insert((w, h), plan.clone());
        Ok(plan)
    }

    /// Every face in `img`, best score first, coordinates in `img`'s pixels.
    pub fn detect(&self, img: &RgbImage) -> Result<Vec<Face>, FaceError> {
        let (w, h) = img.dimensions();
        if w < 16 || h < 16 {
            return Err(FaceError::TooSmall {
                width: w,
                height: h,
            });
        }
        let long = w.max(h) as f32;
        let scale = (self.long_side as f32 / long).min(1.0);
        let sw = ((w as f32 * scale).round() as u32).max(1);
        let sh = ((h as f32 * scale).round() as u32).max(1);
        let small;
        let src: &RgbImage = if (sw, sh) == (w, h) {
            img
        } else {
            small = image::imageops::thumbnail(img, sw, sh);
            &small
        };
        // Pad right and bottom with black up to multiples of 32 (the network downsamples 32×).
        let pw = (sw as usize).div_ceil(32) * 32;
        let ph = (sh as usize).div_ceil(32) * 32;
        let mut input = tract_ndarray::Array4::<f32>::zeros((1, 3, ph, pw));
        for (x, y, p) in src.enumerate_pixels() {
            for c in 0..3 {
                input[[0, c, y as usize, x as usize]] = p.0[c] as f32;
            }
        }
        let run_err = |e: TractError| FaceError::Run {
            model: MODEL,
            width: w,
            height: h,
            message: format!("{e:#}"),
        };
        let plan = self.plan(pw, ph)?;
        let out = plan
            .run(tvec!(Tensor::from(input).into()))
            .map_err(run_err)?;
        if out.len() < 4 {
            return Err(run_err(anyhow_like("model returned fewer than 4 outputs")));
        }
        let heat = out[0].to_plain_array_view::<f32>().map_err(run_err)?;
        let size = out[1].to_plain_array_view::<f32>().map_err(run_err)?;
        let offset = out[2].to_plain_array_view::<f32>().map_err(run_err)?;
        let lms = out[3].to_plain_array_view::<f32>().map_err(run_err)?;
        let hs = heat.shape();
        if hs.len() != 4 || size.shape().len() != 4 || lms.shape().len() != 4 {
            return Err(run_err(anyhow_like("unexpected output rank")));
        }
        let (gh, gw) = (hs[2], hs[3]);
        let mut faces = Vec::new();
        for gy in 0..gh {
            for gx in 0..gw {
                let s = heat[[0, 0, gy, gx]];
                if s < MIN_SCORE || !is_local_max(&heat, gy, gx, gh, gw) {
                    continue;
                }
                let bh = size[[0, 0, gy, gx]].exp() * STRIDE as f32;
                let bw = size[[0, 1, gy, gx]].exp() * STRIDE as f32;
                let cx = (gx as f32 + offset[[0, 1, gy, gx]] + 0.5) * STRIDE as f32;
                let cy = (gy as f32 + offset[[0, 0, gy, gx]] + 0.5) * STRIDE as f32;
                let x0 = (cx - bw / 2.0).max(0.0);
                let y0 = (cy - bh / 2.0).max(0.0);
                let x1 = (x0 + bw).min(sw as f32);
                let y1 = (y0 + bh).min(sh as f32);
                let lm = |j: usize| {
                    Point::new(
                        (lms[[0, 2 * j + 1, gy, gx]] * bw + x0) / scale,
                        (lms[[0, 2 * j, gy, gx]] * bh + y0) / scale,
                    )
                };
                let (mut le, mut re) = (lm(0), lm(1));
                let (mut ml, mut mr) = (lm(3), lm(4));
                // The contract is image-left first; the model's order is the same for upright
                // faces, this keeps it true for mirrored or strongly rolled ones.
                if le.x > re.x {
                    std::mem::swap(&mut le, &mut re);
                }
                if ml.x > mr.x {
                    std::mem::swap(&mut ml, &mut mr);
                }
                faces.push(Face {
                    bbox: Rect {
                        x: x0 / scale,
                        y: y0 / scale,
                        w: (x1 - x0) / scale,
                        h: (y1 - y0) / scale,
                    },
                    score: s,
                    left_eye: le,
                    right_eye: re,
                    nose: lm(2),
                    mouth_left: ml,
                    mouth_right: mr,
                });
            }
        }
        Ok(non_max_suppression(faces))
    }
}

fn anyhow_like(msg: &str) -> TractError {
    TractError::msg(msg.to_string())
}

fn is_local_max(
    heat: &tract_ndarray::ArrayViewD<'_, f32>,
    gy: usize,
    gx: usize,
    gh: usize,
    gw: usize,
) -> bool {
    let v = heat[[0, 0, gy, gx]];
    for ny in gy.saturating_sub(1)..=(gy + 1).min(gh - 1) {
        for nx in gx.saturating_sub(1)..=(gx + 1).min(gw - 1) {
            let n = heat[[0, 0, ny, nx]];
            // Ties go to the first cell in scan order so a flat peak yields one face.
            if n > v || (n == v && (ny, nx) < (gy, gx)) {
                return false;
            }
        }
    }
    true
}

fn non_max_suppression(mut faces: Vec<Face>) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for f in faces {
        if kept.iter().all(|k| k.bbox.iou(&f.bbox) <= NMS_IOU) {
            kept.push(f);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nms_keeps_the_best_of_overlapping_boxes() {
        let face = |x: f32, score: f32| Face {
            bbox: Rect {
                x,
                y: 0.0,
                w: 10.0,
                h: 10.0,
            },
            score,
            left_eye: Point::default(),
            right_eye: Point::default(),
            nose: Point::default(),
            mouth_left: Point::default(),
            mouth_right: Point::default(),
        };
        let kept = non_max_suppression(vec![face(0.0, 0.6), face(1.0, 0.9), face(50.0, 0.7)]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].score, 0.9);
        assert_eq!(kept[1].bbox.x, 50.0);
    }
}
