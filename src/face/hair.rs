//! MediaPipe's hair segmentation: the probability that each pixel of a square crop around the head
//! is hair. head.covered asks it whether the head above the forehead shows hair; a cap, a hat, a
//! headscarf or a hood is not hair (light or patterned coverings clearly so; the model takes some
//! black and navy caps for hair). Origin, licence and the conversion:
//! `assets/models/hair_segmentation.ORIGIN.md`.

use super::{FaceError, Mesh, Plan, Point, load_plan, mesh_index as mi, run_plan, square_planes};
use image::RgbImage;
use tract_onnx::prelude::*;

static HAIR_ONNX: &[u8] = include_bytes!("../../assets/models/hair_segmentation.onnx");

const MODEL: &str = "hair segmentation";
/// Side of the model's square input and output.
pub const SIZE: usize = 512;
/// The crop's side in forehead-to-chin heights (mesh points 10 to 152): the whole head with some
/// hair around it, as in the selfie videos the model was made for.
const CROP_HEIGHTS: f32 = 1.9;
/// The crop's centre above the face's middle, in forehead-to-chin heights: the head's top half
/// (hair, crown) matters, the neck does not.
const CROP_LIFT: f32 = 0.35;

/// The hair model. Load once ([`HairModel::new`]), share with an `Arc`.
pub struct HairModel {
    plan: Plan,
}

impl std::fmt::Debug for HairModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HairModel").finish_non_exhaustive()
    }
}

/// The square of the image the model looked at (axis-aligned, may reach outside the image).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HairCrop {
    pub x: f32,
    pub y: f32,
    pub side: f32,
}

impl HairCrop {
    /// The crop around the head of a face with this mesh ([`CROP_HEIGHTS`], [`CROP_LIFT`]).
    pub fn around(m: &Mesh) -> Self {
        let top = m.point(mi::FOREHEAD_TOP);
        let chin = m.point(mi::CHIN);
        let h = top.distance(chin).max(1.0);
        let mid = top.midpoint(chin);
        let (ux, uy) = ((top.x - chin.x) / h, (top.y - chin.y) / h);
        let c = Point::new(mid.x + ux * CROP_LIFT * h, mid.y + uy * CROP_LIFT * h);
        let side = CROP_HEIGHTS * h;
        HairCrop {
            x: c.x - side / 2.0,
            y: c.y - side / 2.0,
            side,
        }
    }
}

/// Hair probability (0–1) over a [`HairCrop`], [`SIZE`]×[`SIZE`], row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct HairMap {
    pub crop: HairCrop,
    pub prob: Vec<f32>,
}

impl HairMap {
    /// The hair probability at an image position (nearest cell; 0 outside the crop).
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let k = SIZE as f32 / self.crop.side;
        let (u, v) = ((x - self.crop.x) * k, (y - self.crop.y) * k);
        if !(0.0..SIZE as f32).contains(&u) || !(0.0..SIZE as f32).contains(&v) {
            return 0.0;
        }
        self.prob
            .get(v as usize * SIZE + u as usize)
            .copied()
            .unwrap_or(0.0)
    }
}

impl HairModel {
    pub fn new() -> Result<Self, FaceError> {
        Ok(HairModel {
            plan: load_plan(HAIR_ONNX, [1, 4, SIZE, SIZE], MODEL)?,
        })
    }

    /// Hair probability around the head of the face with mesh `m` in `img`.
    pub fn hair(&self, img: &RgbImage, m: &Mesh) -> Result<HairMap, FaceError> {
        let crop = HairCrop::around(m);
        let logits = self.run(input(img, crop), img.dimensions())?;
        // Two logits per pixel (not hair, hair): the softmax's hair share.
        let plane = SIZE * SIZE;
        let prob = (0..plane)
            .map(|i| 1.0 / (1.0 + (logits[i] - logits[plane + i]).exp()))
            .collect();
        Ok(HairMap { crop, prob })
    }

    /// The model on a ready input (1×4×512×512 NCHW: RGB 0–1 and the previous frame's mask, 0
    /// for a still); the raw logits, 2 planes of 512×512.
    pub fn run(
        &self,
        x: tract_ndarray::Array4<f32>,
        size: (u32, u32),
    ) -> Result<Vec<f32>, FaceError> {
        run_plan(&self.plan, x, 0, 2 * SIZE * SIZE, MODEL, size)
    }
}

/// The model's input: the crop resized to 512×512 ([`square_planes`]: RGB 0–1, black outside
/// the image, where the crop of a head near the frame's edge reaches out of it) and a zero fourth
/// channel: MediaPipe feeds the previous video frame's mask there, and a still has none (as its
/// first frame).
fn input(img: &RgbImage, crop: HairCrop) -> tract_ndarray::Array4<f32> {
    square_planes(img, crop.x, crop.y, crop.side, SIZE, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tract runs the converted graph as onnxruntime does: logits of a fixed pattern input
    /// (R, G, B = (7x + 3y + 11c) mod 256 / 255, no previous mask) at five places, computed with
    /// onnxruntime 1.32 on the same file.
    #[test]
    fn tract_matches_onnxruntime_on_a_pattern() {
        let model = HairModel::new().expect("the embedded model loads");
        let out = model
            .run(crate::face::pattern_input(4, SIZE), (512, 512))
            .expect("runs");
        let plane = SIZE * SIZE;
        for (y, xx, l0, l1) in [
            (0, 0, 3.3656151, -2.7868824),
            (100, 200, 4.0960793, -3.6417916),
            (256, 256, 6.990376, -5.97351),
            (511, 300, 1.807199, -2.2236824),
            (37, 480, 3.859071, -3.7644591),
        ] {
            let i = y * SIZE + xx;
            assert!((out[i] - l0).abs() < 2e-3, "{y},{xx}: {} vs {l0}", out[i]);
            assert!(
                (out[plane + i] - l1).abs() < 2e-3,
                "{y},{xx}: {} vs {l1}",
                out[plane + i]
            );
        }
    }

    /// The model's cost, for docs/PERFORMANCE.md: `cargo test --lib hair_model_cost -- --ignored
    /// --nocapture` prints the time of 5 runs (no assertion on time: the machine is shared).
    #[test]
    #[ignore]
    fn hair_model_cost() {
        let model = HairModel::new().expect("loads");
        let img = RgbImage::from_fn(1280, 720, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
        });
        let crop = HairCrop {
            x: 400.0,
            y: 50.0,
            side: 480.0,
        };
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let out = model.run(input(&img, crop), (1280, 720)).expect("runs");
            times.push(t.elapsed());
            assert_eq!(out.len(), 2 * SIZE * SIZE);
        }
        eprintln!("hair model, crop + run at 512×512: {times:?}");
    }

    #[test]
    fn the_map_reads_back_where_the_crop_lies() {
        let mut prob = vec![0.0; SIZE * SIZE];
        // One cell near the crop's top-left corner.
        prob[3 * SIZE + 5] = 0.9;
        let map = HairMap {
            crop: HairCrop {
                x: 100.0,
                y: 50.0,
                side: 1024.0,
            },
            prob,
        };
        // Cell (5, 3) covers image x 110..112, y 56..58 at 2 image pixels a cell.
        assert_eq!(map.at(111.0, 57.0), 0.9);
        assert_eq!(map.at(113.0, 57.0), 0.0);
        assert_eq!(map.at(50.0, 57.0), 0.0, "left of the crop");
    }

    #[test]
    fn outside_the_image_is_black() {
        let img = RgbImage::from_pixel(10, 10, image::Rgb([255, 255, 255]));
        let x = input(
            &img,
            HairCrop {
                x: -10.0,
                y: 0.0,
                side: 20.0,
            },
        );
        // The left half of the crop lies left of the image.
        assert_eq!(x[[0, 0, 100, 10]], 0.0);
        assert!((x[[0, 0, 100, 400]] - 1.0).abs() < 1e-6);
        assert_eq!(x[[0, 3, 100, 400]], 0.0, "no previous mask");
    }
}
