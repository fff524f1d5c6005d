//! AIZOO's face mask detector: does the face wear a mask (or anything over its nose and mouth
//! that the detector takes for one)? A small SSD (260×260 input, 1.01 M parameters) trained on
//! faces of WIDER Face and MAFA, masked and bare, with two sigmoid scores per anchor box: mask,
//! no mask. face.occluded asks it beside its pixel looks, which miss coverings in the lips' own
//! colours (a red scarf) and printed ones (a sticker's edges read as lips). Origin, licence and
//! the conversion: `assets/models/face_mask_detection.ORIGIN.md`.

use super::{FaceError, Plan, Rect, load_plan, run_plan, square_planes};
use image::RgbImage;
use tract_onnx::prelude::*;

static MASK_ONNX: &[u8] = include_bytes!("../../assets/models/face_mask_detection.onnx");

const MODEL: &str = "face mask";
/// Side of the model's square input.
pub const SIZE: usize = 260;
/// Anchor boxes of the five feature maps (33², 17², 9², 5², 3² cells, four anchors each).
pub const ANCHORS: usize = 4 * (33 * 33 + 17 * 17 + 9 * 9 + 5 * 5 + 3 * 3);
/// The crops' sides in face-box sides (the larger of the box's width and height), centred on the
/// box: the face with a margin of hair, neck and backdrop, as faces sit in the model's training
/// photos; the face then falls on its anchors of 0.32–0.72 of the input.
const CROP_SCALES: [f32; 2] = [1.6, 2.4];

/// The mask detector. Load once ([`FaceMaskModel::new`]), share with an `Arc`.
pub struct FaceMaskModel {
    plan: Plan,
}

impl std::fmt::Debug for FaceMaskModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceMaskModel").finish_non_exhaustive()
    }
}

impl FaceMaskModel {
    pub fn new() -> Result<Self, FaceError> {
        Ok(FaceMaskModel {
            plan: load_plan(MASK_ONNX, [1, 3, SIZE, SIZE], MODEL)?,
        })
    }

    /// How sure the model is that the face in `face` (a tight face box in `img`'s pixels) wears
    /// a mask, 0–1: the lower of its answers on two crops ([`CROP_SCALES`]), each the mask score
    /// of the anchor it is surest holds a face, masked or not. The lower: the crops' answers on a
    /// bare face stray apart (a detector's score moves with where the face falls on its anchors),
    /// on a mask both are near 1. The second crop is looked at only while the first scores over
    /// `enough`: a lower score cannot raise the lower of the two above it, so a caller judging
    /// against a limit passes it and saves a run on a bare face.
    pub fn mask_score(&self, img: &RgbImage, face: &Rect, enough: f32) -> Result<f32, FaceError> {
        let c = face.center();
        let mut score = 1.0f32;
        for k in CROP_SCALES {
            let side = k * face.w.max(face.h);
            let x = square_planes(img, c.x - side / 2.0, c.y - side / 2.0, side, SIZE, 3);
            score = score.min(main_face_mask(&self.run(x, img.dimensions())?));
            if score <= enough {
                break;
            }
        }
        Ok(score)
    }

    /// The model on a ready input (1×3×260×260 NCHW, RGB 0–1): each anchor's [mask, no mask]
    /// sigmoid scores.
    pub fn run(
        &self,
        x: tract_ndarray::Array4<f32>,
        size: (u32, u32),
    ) -> Result<Vec<[f32; 2]>, FaceError> {
        // The graph's second output holds the classes (the first, the boxes, is not needed: the
        // crop has one face).
        let v = run_plan(&self.plan, x, 1, 2 * ANCHORS, MODEL, size)?;
        Ok(v.chunks_exact(2).map(|c| [c[0], c[1]]).collect())
    }
}

/// The mask score of the anchor with the highest score of either class: the box the model is
/// surest holds a face. 0 without anchors.
pub fn main_face_mask(scores: &[[f32; 2]]) -> f32 {
    scores
        .iter()
        .max_by(|a, b| a[0].max(a[1]).total_cmp(&b[0].max(b[1])))
        .map_or(0.0, |s| s[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_surest_face_box_gives_the_score() {
        let scores = [[0.2, 0.3], [0.1, 0.95], [0.9, 0.05]];
        assert_eq!(main_face_mask(&scores), 0.1);
        assert_eq!(main_face_mask(&[[0.97, 0.01], [0.1, 0.95]]), 0.97);
        assert_eq!(main_face_mask(&[]), 0.0);
    }

    /// tract runs the converted graph as onnxruntime does (and OpenCV's Caffe reader on the
    /// original files, within 4e-6): class scores of a fixed pattern input (R, G, B =
    /// (7x + 3y + 11c) mod 256 / 255) at four anchors, computed with onnxruntime 1.32 on the
    /// same file.
    #[test]
    fn tract_matches_onnxruntime_on_a_pattern() {
        let model = FaceMaskModel::new().expect("the embedded model loads");
        let out = model
            .run(crate::face::pattern_input(3, SIZE), (260, 260))
            .expect("runs");
        assert_eq!(out.len(), ANCHORS);
        for (i, want) in REFERENCE {
            for c in 0..2 {
                assert!(
                    (out[i][c] - want[c]).abs() < 1e-4,
                    "anchor {i} class {c}: {} vs {}",
                    out[i][c],
                    want[c]
                );
            }
        }
    }

    const REFERENCE: [(usize, [f32; 2]); 4] = [
        (0, [0.032_448_74, 0.046_063_155]),
        (1000, [0.046_592_295, 0.048_129_59]),
        (4000, [0.047_604_978, 0.048_234_075]),
        (5971, [0.001_050_919_3, 0.014_066_01]),
    ];
}
