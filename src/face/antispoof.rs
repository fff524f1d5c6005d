//! MiniFASNet (Silent-Face-Anti-Spoofing): is the face in front of the camera a live face, or a
//! print or a screen held up to it? Two small networks, each on its own crop of the face, whose
//! softmax outputs are added, as the repository's `test.py` does. Origin, licence and the exact
//! preprocessing: `assets/models/minifasnet.ORIGIN.md`.

use super::{FaceError, Plan, Rect, load_plan};
use image::RgbImage;
use tract_onnx::prelude::*;

static V2_ONNX: &[u8] = include_bytes!("../../assets/models/2.7_80x80_MiniFASNetV2.onnx");
static V1SE_ONNX: &[u8] = include_bytes!("../../assets/models/4_0_0_80x80_MiniFASNetV1SE.onnx");

const MODEL: &str = "MiniFASNet anti-spoofing";
/// Side of both models' input.
pub const INPUT: usize = 80;
/// The face box scale each model was trained on: MiniFASNetV2 on 2.7×, MiniFASNetV1SE on 4.0×.
pub const SCALE_V2: f32 = 2.7;
pub const SCALE_V1SE: f32 = 4.0;
/// Softmax index of a live face (0 and 2 are the two spoof classes).
const REAL: usize = 1;

/// Both MiniFASNet models. Load once ([`AntiSpoof::new`]), share with an `Arc`.
pub struct AntiSpoof {
    v2: Plan,
    v1se: Plan,
}

impl std::fmt::Debug for AntiSpoof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AntiSpoof").finish_non_exhaustive()
    }
}

/// What the two models said about one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpoofScores {
    /// Softmax of MiniFASNetV2 (2.7× crop): [spoof, real, spoof].
    pub v2: [f32; 3],
    /// Softmax of MiniFASNetV1SE (4.0× crop).
    pub v1se: [f32; 3],
}

impl SpoofScores {
    /// The repository's real score: the mean of both models' live-face probability, 0–1.
    pub fn real(&self) -> f32 {
        (self.v2[REAL] + self.v1se[REAL]) / 2.0
    }
}

fn load(bytes: &[u8]) -> Result<Plan, FaceError> {
    load_plan(bytes, [1, 3, INPUT, INPUT], MODEL)
}

impl AntiSpoof {
    pub fn new() -> Result<Self, FaceError> {
        Ok(AntiSpoof {
            v2: load(V2_ONNX)?,
            v1se: load(V1SE_ONNX)?,
        })
    }

    /// Both models on the face in `face` (a tight face box, brow to chin, in `img`'s pixels).
    /// `img` is RGB as everywhere in tucai; the models' BGR order is made here. `None` when the
    /// image holds too little around the face for the models to judge it ([`MIN_CONTEXT`]):
    /// their score there is a guess, not a verdict.
    pub fn judge(&self, img: &RgbImage, face: &Rect) -> Result<Option<SpoofScores>, FaceError> {
        let (w, h) = img.dimensions();
        if w < 2 || h < 2 || face.w < 1.0 || face.h < 1.0 {
            return Err(FaceError::TooSmall {
                width: w,
                height: h,
            });
        }
        if !has_context(w, h, face) {
            return Ok(None);
        }
        let a = patch(img, face, SCALE_V2);
        let b = patch(img, face, SCALE_V1SE);
        self.run(&a, &b, (w, h)).map(Some)
    }

    /// The two models on ready inputs (1×3×80×80, BGR 0–255, NCHW).
    pub fn run_inputs(&self, v2: &[f32], v1se: &[f32]) -> Result<SpoofScores, FaceError> {
        self.run(v2, v1se, (INPUT as u32, INPUT as u32))
    }

    fn run(&self, a: &[f32], b: &[f32], (w, h): (u32, u32)) -> Result<SpoofScores, FaceError> {
        let run_err = |e: TractError| FaceError::Run {
            model: MODEL,
            width: w,
            height: h,
            message: format!("{e:#}"),
        };
        let one = |plan: &Plan, x: &[f32]| -> Result<[f32; 3], FaceError> {
            let t = tract_ndarray::Array4::from_shape_vec((1, 3, INPUT, INPUT), x.to_vec())
                .map_err(|e| run_err(TractError::msg(e.to_string())))?;
            let out = plan.run(tvec!(Tensor::from(t).into())).map_err(run_err)?;
            // Output 0 is `prob`, the softmax.
            let p = out
                .first()
                .ok_or_else(|| run_err(TractError::msg("no output")))?
                .to_plain_array_view::<f32>()
                .map_err(run_err)?;
            let v: Vec<f32> = p.iter().copied().collect();
            match v[..] {
                [a, b, c] => Ok([a, b, c]),
                _ => Err(run_err(TractError::msg(format!(
                    "expected 3 probabilities, got {}",
                    v.len()
                )))),
            }
        };
        Ok(SpoofScores {
            v2: one(&self.v2, a)?,
            v1se: one(&self.v1se, b)?,
        })
    }
}

/// The face box MiniFASNet was trained with, from CenterFace's: the repository's RetinaFace boxes
/// are tight, brow to chin, while CenterFace's reach higher up the forehead and are narrower.
/// Measured on 517 real faces (the evaluation sets) where both detectors were confident, the
/// RetinaFace box is 1.115× as wide (median; 1.03–1.23 for 90 % of faces) and 0.90× as tall
/// (0.81–0.99), its centre 0.054 box heights lower (0.01–0.09). Scores with either box separate
/// the printed photos from live faces; with this one, fewer live web photos score low.
pub fn antispoof_box(face: &Rect) -> Rect {
    let c = face.center();
    let (w, h) = (face.w * 1.115, face.h * 0.90);
    Rect {
        x: c.x - w / 2.0,
        y: c.y + 0.054 * face.h - h / 2.0,
        w,
        h,
    }
}

/// The least share of its trained context ([`SCALE_V2`]) the models' crop must keep for their
/// score to count. The repository shrinks the crop to what the image holds. Measured on the
/// real hand-held prints and live webcam faces of the evaluation photos, cut down around the
/// face (docs/CHECKS.md): with the crop at 0.9–1.1 box sides the models refused 23 of 168 live
/// faces and passed 43 of 158 prints; at 1.4, 1 of 84 and 7 of 79; at 1.7, 0 and 1. Whole webcam
/// frames whose crop shrinks to 1.6–2.0 score live faces 0.93–1.0 and prints 0.000. The limit,
/// 1.2 box sides, sits under the closest capture the standard photo can be made from (a
/// portrait cut narrower step by step passed face.position down to 1.33 box sides across), so
/// every such capture is still judged; a face-recognition crop (about 1.0) is not, and is no
/// fraud case for a model guessing.
pub const MIN_CONTEXT: f32 = 0.45;

/// The scale [`crop_box`] reaches around `face` in a `w`×`h` image: `scale`, or less when the
/// image is too small for it.
fn fitted_scale(w: u32, h: u32, face: &Rect, scale: f32) -> f32 {
    // The repository's boxes are whole pixels.
    let (bw, bh) = (face.w.trunc().max(1.0), face.h.trunc().max(1.0));
    scale.min((h as f32 - 1.0) / bh).min((w as f32 - 1.0) / bw)
}

/// Whether a `w`×`h` image holds enough around `face` (the [`antispoof_box`]) for the models to
/// judge it: their crop keeps at least [`MIN_CONTEXT`] of the context they were trained on.
fn has_context(w: u32, h: u32, face: &Rect) -> bool {
    fitted_scale(w, h, face, SCALE_V2) >= MIN_CONTEXT * SCALE_V2
}

/// The crop the repository takes around a face box (`CropImage._get_new_box`): the box scaled by
/// `scale` around its centre (less when the image is too small for it: [`fitted_scale`]),
/// shifted inside the image, corners truncated. Inclusive pixel bounds `(x1, y1, x2, y2)`.
pub fn crop_box(w: u32, h: u32, face: &Rect, scale: f32) -> (u32, u32, u32, u32) {
    // The repository's boxes are whole pixels.
    let (bx, by) = (face.x.trunc(), face.y.trunc());
    let (bw, bh) = (face.w.trunc().max(1.0), face.h.trunc().max(1.0));
    let (wf, hf) = (w as f32, h as f32);
    let scale = fitted_scale(w, h, face, scale);
    let (cx, cy) = (bx + bw / 2.0, by + bh / 2.0);
    let (nw, nh) = (bw * scale, bh * scale);
    let (mut x1, mut y1, mut x2, mut y2) =
        (cx - nw / 2.0, cy - nh / 2.0, cx + nw / 2.0, cy + nh / 2.0);
    if x1 < 0.0 {
        x2 -= x1;
        x1 = 0.0;
    }
    if y1 < 0.0 {
        y2 -= y1;
        y1 = 0.0;
    }
    if x2 > wf - 1.0 {
        x1 -= x2 - wf + 1.0;
        x2 = wf - 1.0;
    }
    if y2 > hf - 1.0 {
        y1 -= y2 - hf + 1.0;
        y2 = hf - 1.0;
    }
    // Python's int() truncates toward zero; the shifts above keep every corner in the image.
    let clip = |v: f32, n: u32| (v.trunc().max(0.0) as u32).min(n - 1);
    let (x1, y1, x2, y2) = (clip(x1, w), clip(y1, h), clip(x2, w), clip(y2, h));
    (x1, y1, x2.max(x1), y2.max(y1))
}

/// One model's input: the crop of [`crop_box`] resized to 80×80 ([`resize_region`]), BGR, 0–255,
/// NCHW.
pub fn patch(img: &RgbImage, face: &Rect, scale: f32) -> Vec<f32> {
    let (w, h) = img.dimensions();
    let (x1, y1, x2, y2) = crop_box(w, h, face, scale);
    let small = resize_region(
        img,
        (x1, y1, x2 - x1 + 1, y2 - y1 + 1),
        INPUT as u32,
        INPUT as u32,
    );
    let n = INPUT * INPUT;
    let mut out = vec![0.0f32; 3 * n];
    for (x, y, p) in small.enumerate_pixels() {
        let i = y as usize * INPUT + x as usize;
        // BGR: channel 0 is blue.
        out[i] = p.0[2] as f32;
        out[n + i] = p.0[1] as f32;
        out[2 * n + i] = p.0[0] as f32;
    }
    out
}

/// [`resize_region`] of the whole image (what the OpenCV comparison test resizes).
#[cfg(test)]
fn resize_linear(img: &RgbImage, dw: u32, dh: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    resize_region(img, (0, 0, w, h), dw, dh)
}

/// Bilinear resize of the region `(x, y, width, height)` of `img` as OpenCV's `cv2.resize` with
/// `INTER_LINEAR` does it (the preprocessing the models were trained with): pixel centres aligned
/// (`(d + 0.5)·s − 0.5`), no antialiasing when shrinking, edges clamped, the result rounded to 8
/// bits. OpenCV computes the weights in 11-bit fixed point; this float version differs from it by
/// at most one grey level. The region is read in place: the 4.0× crop of a 1080p face is a
/// million pixels, of which 6,400 are read.
fn resize_region(
    img: &RgbImage,
    (ox, oy, sw, sh): (u32, u32, u32, u32),
    dw: u32,
    dh: u32,
) -> RgbImage {
    let taps = |d: u32, s: u32, n: u32| -> Vec<(u32, u32, f32)> {
        let k = s as f32 / n as f32;
        (0..n)
            .map(|i| {
                let f = (i as f32 + 0.5) * k - 0.5;
                let mut i0 = f.floor();
                let mut t = f - i0;
                if i0 < 0.0 {
                    i0 = 0.0;
                    t = 0.0;
                }
                let i0 = i0 as u32;
                if i0 >= s - 1 {
                    (s - 1, s - 1, 0.0)
                } else {
                    (i0, i0 + 1, t)
                }
            })
            .take(d as usize)
            .collect()
    };
    let xs = taps(dw, sw, dw);
    let ys = taps(dh, sh, dh);
    let mut out = RgbImage::new(dw, dh);
    for (y, &(y0, y1, ty)) in ys.iter().enumerate() {
        for (x, &(x0, x1, tx)) in xs.iter().enumerate() {
            let px = |x: u32, y: u32| img.get_pixel(ox + x, oy + y).0;
            let (a, b) = (px(x0, y0), px(x1, y0));
            let (c, d) = (px(x0, y1), px(x1, y1));
            let mut p = [0u8; 3];
            for ch in 0..3 {
                let top = a[ch] as f32 * (1.0 - tx) + b[ch] as f32 * tx;
                let bottom = c[ch] as f32 * (1.0 - tx) + d[ch] as f32 * tx;
                p[ch] = (top * (1.0 - ty) + bottom * ty).round().clamp(0.0, 255.0) as u8;
            }
            out.put_pixel(x as u32, y as u32, image::Rgb(p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f32; 3], b: [f32; 3], tol: f32) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
    }

    /// The reference outputs of the PyTorch originals (`assets/models/minifasnet.ORIGIN.md`,
    /// measured by the conversion): tract must give the same probabilities.
    #[test]
    fn both_models_give_the_reference_outputs() {
        let m = AntiSpoof::new().unwrap();
        let n = 3 * INPUT * INPUT;
        let zeros = vec![0.0f32; n];
        let grey = vec![128.0f32; n];
        let ramp: Vec<f32> = (0..n).map(|i| (i % 256) as f32).collect();
        let cases = [
            (
                &zeros,
                [0.000498, 0.007767, 0.991735],
                [0.056654, 0.027700, 0.915646],
            ),
            (
                &grey,
                [0.024813, 0.247537, 0.727649],
                [0.073167, 0.594441, 0.332392],
            ),
            (
                &ramp,
                [0.000736, 0.000008, 0.999256],
                [0.001248, 0.921160, 0.077591],
            ),
        ];
        for (x, v2, v1se) in cases {
            let s = m.run_inputs(x, x).unwrap();
            assert!(close(s.v2, v2, 2e-5), "{:?} vs {v2:?}", s.v2);
            assert!(close(s.v1se, v1se, 2e-5), "{:?} vs {v1se:?}", s.v1se);
        }
    }

    fn test_image() -> RgbImage {
        RgbImage::from_fn(7, 5, |x, y| {
            image::Rgb([
                ((x * 37 + y * 11) % 256) as u8,
                ((x * 5 + y * 53) % 256) as u8,
                ((x * x * 9 + y * y * 7) % 256) as u8,
            ])
        })
    }

    /// Values from OpenCV 4.10 `cv2.resize(img, size)` (INTER_LINEAR) on the same 7×5 image.
    #[test]
    fn the_resize_matches_opencv_within_one_level() {
        let img = test_image();
        let shrunk = resize_linear(&img, 3, 3);
        let want: [[u8; 3]; 9] = [
            [28, 21, 8],
            [114, 32, 83],
            [201, 44, 175],
            [47, 109, 34],
            [133, 121, 109],
            [219, 133, 201],
            [65, 198, 102],
            [151, 209, 177],
            [181, 221, 97],
        ];
        for (i, w) in want.iter().enumerate() {
            let p = shrunk.get_pixel(i as u32 % 3, i as u32 / 3).0;
            for c in 0..3 {
                assert!(p[c].abs_diff(w[c]) <= 1, "shrunk {i}: {p:?} vs {w:?}");
            }
        }
        let grown = resize_linear(&img, 10, 8);
        let want: [[u8; 3]; 12] = [
            [0, 0, 0],
            [72, 10, 34],
            [150, 20, 148],
            [222, 30, 68],
            [18, 89, 21],
            [90, 99, 56],
            [168, 110, 169],
            [241, 119, 89],
            [39, 189, 91],
            [111, 198, 125],
            [189, 209, 89],
            [117, 219, 159],
        ];
        for (i, w) in want.iter().enumerate() {
            let p = grown.get_pixel(3 * (i as u32 % 4), 3 * (i as u32 / 4)).0;
            for c in 0..3 {
                assert!(p[c].abs_diff(w[c]) <= 1, "grown {i}: {p:?} vs {w:?}");
            }
        }
    }

    #[test]
    fn the_crop_is_scaled_around_the_face_and_kept_inside_the_image() {
        let face = Rect {
            x: 100.0,
            y: 100.0,
            w: 50.0,
            h: 60.0,
        };
        // Room for 2.7×: 135 × 162 around the centre (125, 130).
        assert_eq!(crop_box(640, 480, &face, 2.7), (57, 49, 192, 211));
        // Near the left edge: shifted right, size kept.
        let left = Rect { x: 5.0, ..face };
        let (x1, _, x2, _) = crop_box(640, 480, &left, 2.7);
        assert_eq!((x1, x2), (0, 135));
        // An image too small for 4.0×: the scale shrinks to fit.
        // 199 / 60: the crop is as tall as the image, shifted up and left inside it.
        assert_eq!(crop_box(200, 200, &face, 4.0), (33, 0, 199, 199));
    }

    #[test]
    fn a_photo_cropped_to_the_face_leaves_the_models_nothing_to_judge() {
        let face = Rect {
            x: 100.0,
            y: 100.0,
            w: 100.0,
            h: 120.0,
        };
        // A webcam frame: the 2.7× crop fits (324 px of 480).
        assert!(has_context(640, 480, &face));
        assert_eq!(fitted_scale(640, 480, &face, SCALE_V2), SCALE_V2);
        // Leaning in: the crop shrinks to 1.6 box heights, still enough around the face.
        assert!(has_context(640, 193, &face));
        // 0.45 of the trained context is the least: 1.215 box heights (145.8 px) and no less.
        assert!(has_context(640, 147, &face));
        assert!(!has_context(640, 146, &face));
        // A face-recognition crop: the image is the face box, and the models are not run.
        assert!(!has_context(110, 130, &face));
        let crop = RgbImage::from_pixel(110, 130, image::Rgb([180, 140, 120]));
        assert_eq!(AntiSpoof::new().unwrap().judge(&crop, &face).unwrap(), None);
        // Too narrow counts as much as too short.
        assert!(!has_context(120, 480, &face));
    }

    #[test]
    fn the_patch_is_bgr() {
        let img = RgbImage::from_pixel(100, 100, image::Rgb([200, 100, 10]));
        let face = Rect {
            x: 40.0,
            y: 40.0,
            w: 20.0,
            h: 20.0,
        };
        let p = patch(&img, &face, SCALE_V2);
        let n = INPUT * INPUT;
        assert_eq!((p[0], p[n], p[2 * n]), (10.0, 100.0, 200.0));
    }
}
