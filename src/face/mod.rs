//! Faces on the CPU: [`FaceDetector`] (CenterFace: boxes, scores, 5 landmarks), [`FaceMesh`]
//! (MediaPipe face mesh: 468 points on one face), [`IrisModel`] (MediaPipe iris: eye contour and
//! iris of each eye), [`AntiSpoof`] (MiniFASNet: a live face or a print or screen held up),
//! [`HairModel`] (MediaPipe hair segmentation: hair or not around the head) and
//! [`head_pose`] (a 3-D fit of the mesh to MediaPipe's canonical face).
//!
//! Owns: the face ONNX models (embedded from `assets/models/`, nothing is read or downloaded at run
//! time), their pre- and post-processing, and the geometry types every image module shares
//! ([`Point`], [`Rect`], [`Face`], [`Mesh`]). All coordinates are pixels of the image the caller
//! passed in. Must not touch: egui, the store, the checks' thresholds.
//!
//! Each model is loaded once by its constructor; the types are `Send + Sync`, share them with an
//! `Arc`.

mod antispoof;
mod canonical;
mod detector;
mod face_mask;
mod hair;
mod iris;
mod mesh;
mod pose;

pub use antispoof::{AntiSpoof, SpoofScores, antispoof_box};
pub use detector::FaceDetector;
pub use face_mask::FaceMaskModel;
pub use hair::{HairCrop, HairMap, HairModel};
pub use iris::{Eye, IrisModel, lid_gap_ratio};
pub use mesh::{FaceMesh, Mesh, mesh_index};
pub use pose::{HeadPose, head_pose};

/// A point in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }

    pub fn distance(self, other: Point) -> f32 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }

    pub fn midpoint(self, other: Point) -> Point {
        Point::new((self.x + other.x) / 2.0, (self.y + other.y) / 2.0)
    }
}

/// An axis-aligned rectangle in image pixels: top-left corner, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    pub fn area(&self) -> f32 {
        self.w.max(0.0) * self.h.max(0.0)
    }

    /// Intersection over union, 0 when they do not overlap.
    pub fn iou(&self, other: &Rect) -> f32 {
        let iw = (self.right().min(other.right()) - self.x.max(other.x)).max(0.0);
        let ih = (self.bottom().min(other.bottom()) - self.y.max(other.y)).max(0.0);
        let inter = iw * ih;
        let union = self.area() + other.area() - inter;
        if union <= 0.0 { 0.0 } else { inter / union }
    }

    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }
}

/// One detected face. `left_eye` is the eye on the image's left side (the person's right eye),
/// likewise `mouth_left`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Face {
    pub bbox: Rect,
    /// Detector confidence, 0–1.
    pub score: f32,
    pub left_eye: Point,
    pub right_eye: Point,
    pub nose: Point,
    pub mouth_left: Point,
    pub mouth_right: Point,
}

impl Face {
    /// Distance between the eye centres, the face's natural scale.
    pub fn eye_distance(&self) -> f32 {
        self.left_eye.distance(self.right_eye)
    }

    /// Angle of the eye line against the horizontal in degrees, positive when the right-hand eye
    /// is lower (clockwise in image coordinates).
    pub fn roll_degrees(&self) -> f32 {
        let dx = self.right_eye.x - self.left_eye.x;
        let dy = self.right_eye.y - self.left_eye.y;
        dy.atan2(dx).to_degrees()
    }
}

/// Why a face model could not be loaded or run. These are programming or packaging faults (the
/// models are embedded), never a property of the photo: no face is an empty result, not an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FaceError {
    #[error(
        "cannot load the {model} face model (the binary is damaged; reinstall tucai): {message}"
    )]
    Load {
        model: &'static str,
        message: String,
    },
    #[error("the {model} face model failed on an image of {width}×{height}: {message}")]
    Run {
        model: &'static str,
        width: u32,
        height: u32,
        message: String,
    },
    #[error("image of {width}×{height} is too small to look for a face")]
    TooSmall { width: u32, height: u32 },
}

/// A face model embedded in the binary, optimised for its one input shape.
pub(crate) type Plan = std::sync::Arc<tract_onnx::prelude::TypedRunnableModel>;

/// Loads an embedded ONNX model for an f32 input of `shape`; `model` names it in the error.
pub(crate) fn load_plan(
    bytes: &[u8],
    shape: [usize; 4],
    model: &'static str,
) -> Result<Plan, FaceError> {
    use tract_onnx::prelude::*;
    tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .and_then(|m| m.with_input_fact(0, f32::fact(shape).into()))
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .map_err(|e| FaceError::Load {
            model,
            message: format!("{e:#}"),
        })
}

/// Runs `plan` on `x` and hands back its output `index` flattened, which must hold `len` values;
/// errors name `model` and the size of the image the input was made from.
pub(crate) fn run_plan(
    plan: &Plan,
    x: tract_onnx::prelude::tract_ndarray::Array4<f32>,
    index: usize,
    len: usize,
    model: &'static str,
    (width, height): (u32, u32),
) -> Result<Vec<f32>, FaceError> {
    use tract_onnx::prelude::*;
    let run_err = |e: TractError| FaceError::Run {
        model,
        width,
        height,
        message: format!("{e:#}"),
    };
    let out = plan.run(tvec!(Tensor::from(x).into())).map_err(run_err)?;
    let t = out
        .get(index)
        .ok_or_else(|| run_err(TractError::msg(format!("no output {index}"))))?
        .to_plain_array_view::<f32>()
        .map_err(run_err)?;
    let v: Vec<f32> = t.iter().copied().collect();
    if v.len() != len {
        return Err(run_err(TractError::msg(format!(
            "expected {len} output values, got {}",
            v.len()
        ))));
    }
    Ok(v)
}

/// A fixed input for checking a model against onnxruntime: R, G, B = (7x + 3y + 11c) mod 256 /
/// 255 in the first three of `planes` planes of `size`², the others zero.
#[cfg(test)]
pub(crate) fn pattern_input(
    planes: usize,
    size: usize,
) -> tract_onnx::prelude::tract_ndarray::Array4<f32> {
    let mut x = tract_onnx::prelude::tract_ndarray::Array4::<f32>::zeros((1, planes, size, size));
    for c in 0..3.min(planes) {
        for y in 0..size {
            for xx in 0..size {
                x[[0, c, y, xx]] = ((xx * 7 + y * 3 + c * 11) % 256) as f32 / 255.0;
            }
        }
    }
    x
}

/// Bilinear sample of an RGB image at a sub-pixel position, clamped to the border.
pub(crate) fn sample_bilinear(img: &image::RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = img.dimensions();
    let xf = x.clamp(0.0, (w - 1) as f32);
    let yf = y.clamp(0.0, (h - 1) as f32);
    let x0 = xf.floor() as u32;
    let y0 = yf.floor() as u32;
    let x1 = (x0 + 1).min(w - 1);
    let y1 = (y0 + 1).min(h - 1);
    let fx = xf - x0 as f32;
    let fy = yf - y0 as f32;
    let p00 = img.get_pixel(x0, y0).0;
    let p10 = img.get_pixel(x1, y0).0;
    let p01 = img.get_pixel(x0, y1).0;
    let p11 = img.get_pixel(x1, y1).0;
    let mut out = [0.0; 3];
    for c in 0..3 {
        let top = p00[c] as f32 * (1.0 - fx) + p10[c] as f32 * fx;
        let bottom = p01[c] as f32 * (1.0 - fx) + p11[c] as f32 * fx;
        out[c] = top * (1.0 - fy) + bottom * fy;
    }
    out
}

/// A square of `img` (top-left `x`, `y`, side `side`, in pixels; it may reach outside the image)
/// resized to `size`×`size` as a model's NCHW input of `planes` planes: RGB 0–1 in the first
/// three, black outside the image, the others zero. 2×2 bilinear sub-samples per pixel when the
/// square is shrunk, so a large capture is not aliased.
pub(crate) fn square_planes(
    img: &image::RgbImage,
    x: f32,
    y: f32,
    side: f32,
    size: usize,
    planes: usize,
) -> tract_onnx::prelude::tract_ndarray::Array4<f32> {
    let mut out =
        tract_onnx::prelude::tract_ndarray::Array4::<f32>::zeros((1, planes.max(3), size, size));
    let (w, h) = img.dimensions();
    let k = side / size.max(1) as f32;
    let to_image = |fu: f32, fv: f32| {
        let (px, py) = (x + fu * k, y + fv * k);
        (px >= 0.0 && py >= 0.0 && px < w as f32 && py < h as f32).then_some((px, py))
    };
    supersample(img, size, k, to_image, |u, v, p| {
        for c in 0..3 {
            out[[0, c, v, u]] = p[c];
        }
    });
    out
}

/// Resamples `img` onto a `size`×`size` grid: `to_image` maps a grid position (in cells, centres
/// at .5) to image pixels, `None` where nothing is to be sampled (black there); `put` receives
/// each cell's RGB 0–1. Each cell averages up to 2×2 bilinear sub-samples when a cell covers
/// more than a pixel (`ratio`, image pixels per cell), so a large face is not aliased by the
/// downscale. Nothing for an empty image.
pub(crate) fn supersample(
    img: &image::RgbImage,
    size: usize,
    ratio: f32,
    to_image: impl Fn(f32, f32) -> Option<(f32, f32)>,
    mut put: impl FnMut(usize, usize, [f32; 3]),
) {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return;
    }
    let n = (ratio.ceil() as usize).clamp(1, 2);
    let inv = 1.0 / (n * n) as f32 / 255.0;
    for v in 0..size {
        for u in 0..size {
            let mut acc = [0.0f32; 3];
            for sy in 0..n {
                for sx in 0..n {
                    let fu = u as f32 + (sx as f32 + 0.5) / n as f32;
                    let fv = v as f32 + (sy as f32 + 0.5) / n as f32;
                    let Some((x, y)) = to_image(fu, fv) else {
                        continue;
                    };
                    let p = sample_bilinear(img, x - 0.5, y - 0.5);
                    for c in 0..3 {
                        acc[c] += p[c];
                    }
                }
            }
            put(u, v, acc.map(|a| a * inv));
        }
    }
}
