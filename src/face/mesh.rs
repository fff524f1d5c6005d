//! MediaPipe face mesh: 468 points (x, y, depth) on a 192×192 face crop that is rotated so the
//! eyes are level, mapped back to the pixels of the source image.

use super::{Face, FaceError, Plan, Point, load_plan, supersample};
use image::RgbImage;
use tract_onnx::prelude::*;

static MESH_ONNX: &[u8] = include_bytes!("../../assets/models/face_mesh_468.onnx");

const MODEL: &str = "face mesh";
const CROP: usize = 192;
/// MediaPipe's region of interest is the face enlarged 1.5× (forehead, chin and ears in view).
const ROI_SCALE: f32 = 1.5;

/// Indices into [`Mesh::points`] the checks use (MediaPipe's canonical face mesh topology).
/// "Left" is the image's left side, i.e. the person's right.
pub mod mesh_index {
    pub const LEFT_EYE_OUTER: usize = 33;
    pub const LEFT_EYE_INNER: usize = 133;
    pub const LEFT_EYE_TOP: usize = 159;
    pub const LEFT_EYE_BOTTOM: usize = 145;
    pub const RIGHT_EYE_INNER: usize = 362;
    pub const RIGHT_EYE_OUTER: usize = 263;
    pub const RIGHT_EYE_TOP: usize = 386;
    pub const RIGHT_EYE_BOTTOM: usize = 374;
    /// Inner lip edges (upper, lower) and mouth corners.
    pub const LIP_TOP: usize = 13;
    pub const LIP_BOTTOM: usize = 14;
    pub const MOUTH_LEFT: usize = 61;
    pub const MOUTH_RIGHT: usize = 291;
    pub const NOSE_TIP: usize = 1;
    pub const FOREHEAD_TOP: usize = 10;
    pub const CHIN: usize = 152;
    /// Face contour at the cheekbones, image left / right.
    pub const CHEEK_LEFT: usize = 234;
    pub const CHEEK_RIGHT: usize = 454;
    /// Eye outline rings (upper and lower lids), for eye-region masks.
    pub const LEFT_EYE_RING: [usize; 16] = [
        33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246,
    ];
    pub const RIGHT_EYE_RING: [usize; 16] = [
        362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398,
    ];
}

/// 468 face points in source-image pixels; `z` is relative depth on the same scale (smaller is
/// nearer the camera). `presence` is the model's face-presence probability, 0–1.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    pub points: Vec<[f32; 3]>,
    pub presence: f32,
}

impl Mesh {
    pub fn point(&self, i: usize) -> Point {
        let p = self.points.get(i).copied().unwrap_or([0.0; 3]);
        Point::new(p[0], p[1])
    }

    pub fn depth(&self, i: usize) -> f32 {
        self.points.get(i).map_or(0.0, |p| p[2])
    }

    /// Centre of each eye (the mean of its ring), image-left first.
    pub fn eye_centres(&self) -> (Point, Point) {
        (
            self.ring_centre(&mesh_index::LEFT_EYE_RING),
            self.ring_centre(&mesh_index::RIGHT_EYE_RING),
        )
    }

    fn ring_centre(&self, ring: &[usize]) -> Point {
        let n = ring.len().max(1) as f32;
        let (sx, sy) = ring.iter().fold((0.0, 0.0), |(sx, sy), &i| {
            let p = self.point(i);
            (sx + p.x, sy + p.y)
        });
        Point::new(sx / n, sy / n)
    }
}

impl Face {
    /// This face with its eyes taken from the mesh. The detector finds eyes on a copy scaled
    /// down about 4×, so on a 1080p capture they are a few pixels off, a 2–5° error in the eye
    /// line; the mesh measures them on a face-sized crop at full resolution.
    pub fn with_mesh_eyes(self, mesh: &Mesh) -> Face {
        let (left_eye, right_eye) = mesh.eye_centres();
        Face {
            left_eye,
            right_eye,
            ..self
        }
    }
}

/// The face mesh model. Load once ([`FaceMesh::new`], ~50 ms), share with an `Arc`.
pub struct FaceMesh {
    plan: Plan,
}

impl std::fmt::Debug for FaceMesh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceMesh").finish_non_exhaustive()
    }
}

/// A square model input cut from the image: centre, side in image pixels, rotation (radians) of
/// the crop's x axis, the model's input size in pixels, and whether the crop is mirrored
/// left-right (the iris model sees every eye as the image-left one).
#[derive(Debug, Clone, Copy)]
pub(super) struct Roi {
    pub cx: f32,
    pub cy: f32,
    pub side: f32,
    pub angle: f32,
    pub size: usize,
    pub mirror: bool,
}

impl Roi {
    /// Crop pixel → image pixel.
    pub fn to_image(self, u: f32, v: f32) -> (f32, f32) {
        let n = self.size as f32;
        let u = if self.mirror { n - u } else { u };
        let k = self.side / n;
        let dx = (u - n / 2.0) * k;
        let dy = (v - n / 2.0) * k;
        let (s, c) = self.angle.sin_cos();
        (self.cx + c * dx - s * dy, self.cy + s * dx + c * dy)
    }

    /// Image pixel → crop pixel.
    pub fn to_crop(self, x: f32, y: f32) -> (f32, f32) {
        let n = self.size as f32;
        let k = n / self.side;
        let (s, c) = self.angle.sin_cos();
        let dx = x - self.cx;
        let dy = y - self.cy;
        let u = (c * dx + s * dy) * k + n / 2.0;
        (
            if self.mirror { n - u } else { u },
            (-s * dx + c * dy) * k + n / 2.0,
        )
    }
}

impl FaceMesh {
    pub fn new() -> Result<Self, FaceError> {
        Ok(FaceMesh {
            plan: load_plan(MESH_ONNX, [1, CROP, CROP, 3], MODEL)?,
        })
    }

    /// The 468 points of `face` in `img`. Two passes: the first crop comes from the detector's
    /// box and eyes, the second from the first pass's points (as MediaPipe tracks), which
    /// centres the face the way the model was trained.
    pub fn landmarks(&self, img: &RgbImage, face: &Face) -> Result<Mesh, FaceError> {
        let (w, h) = img.dimensions();
        if w < 8 || h < 8 {
            return Err(FaceError::TooSmall {
                width: w,
                height: h,
            });
        }
        let eyes = face.left_eye.midpoint(face.right_eye);
        let mouth = face.mouth_left.midpoint(face.mouth_right);
        let centre = eyes.midpoint(mouth);
        let first = Roi {
            cx: centre.x,
            cy: centre.y,
            side: ROI_SCALE * face.bbox.w.max(face.bbox.h).max(8.0),
            angle: (face.right_eye.y - face.left_eye.y).atan2(face.right_eye.x - face.left_eye.x),
            size: CROP,
            mirror: false,
        };
        let mesh = self.run(img, first)?;
        let second = roi_from_points(&mesh.points);
        self.run(img, second)
    }

    /// One pass on a crop placed from a mesh of the previous frame: how a burst is followed
    /// without running the detector on every frame.
    pub fn track(&self, img: &RgbImage, previous: &Mesh) -> Result<Mesh, FaceError> {
        if previous.points.len() != 468 {
            return Err(FaceError::Run {
                model: MODEL,
                width: img.width(),
                height: img.height(),
                message: "the previous mesh does not have 468 points".into(),
            });
        }
        self.run(img, roi_from_points(&previous.points))
    }

    fn run(&self, img: &RgbImage, roi: Roi) -> Result<Mesh, FaceError> {
        let run_err = |e: TractError| FaceError::Run {
            model: MODEL,
            width: img.width(),
            height: img.height(),
            message: format!("{e:#}"),
        };
        let input = crop(img, roi);
        let out = self
            .plan
            .run(tvec!(Tensor::from(input).into()))
            .map_err(run_err)?;
        if out.len() < 2 {
            return Err(run_err(TractError::msg(
                "model returned fewer than 2 outputs",
            )));
        }
        let coords = out[0].to_plain_array_view::<f32>().map_err(run_err)?;
        let logit = out[1].to_plain_array_view::<f32>().map_err(run_err)?;
        let flat: Vec<f32> = coords.iter().copied().collect();
        if flat.len() != 468 * 3 {
            return Err(run_err(TractError::msg(format!(
                "expected 1404 coordinates, got {}",
                flat.len()
            ))));
        }
        let k = roi.side / CROP as f32;
        let points = flat
            .chunks_exact(3)
            .map(|p| {
                let (x, y) = roi.to_image(p[0], p[1]);
                [x, y, p[2] * k]
            })
            .collect();
        let logit = logit.iter().next().copied().unwrap_or(f32::NEG_INFINITY);
        Ok(Mesh {
            points,
            presence: 1.0 / (1.0 + (-logit).exp()),
        })
    }
}

/// The crop MediaPipe would track with: eyes level, square around the points, enlarged 1.5×.
fn roi_from_points(points: &[[f32; 3]]) -> Roi {
    let p = |i: usize| Point::new(points[i][0], points[i][1]);
    let le = p(mesh_index::LEFT_EYE_OUTER);
    let re = p(mesh_index::RIGHT_EYE_OUTER);
    let angle = (re.y - le.y).atan2(re.x - le.x);
    // Extent in the rotated frame, so the square fits the face and not its rotated bounding box.
    let probe = Roi {
        cx: 0.0,
        cy: 0.0,
        side: CROP as f32,
        angle,
        size: CROP,
        mirror: false,
    };
    let (mut u0, mut v0, mut u1, mut v1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for q in points {
        let (u, v) = probe.to_crop(q[0], q[1]);
        u0 = u0.min(u);
        v0 = v0.min(v);
        u1 = u1.max(u);
        v1 = v1.max(v);
    }
    let (cx, cy) = probe.to_image((u0 + u1) / 2.0, (v0 + v1) / 2.0);
    Roi {
        cx,
        cy,
        side: ROI_SCALE * (u1 - u0).max(v1 - v0).max(8.0),
        angle,
        size: CROP,
        mirror: false,
    }
}

/// The `size`×`size` NHWC input, RGB 0–1. Each crop pixel averages up to 2×2 bilinear
/// sub-samples (together 4×4 source pixels) so a large face is not aliased by the downscale.
pub(super) fn crop(img: &RgbImage, roi: Roi) -> tract_ndarray::Array4<f32> {
    let size = roi.size;
    let mut input = tract_ndarray::Array4::<f32>::zeros((1, size, size, 3));
    let to_image = |fu, fv| Some(roi.to_image(fu, fv));
    supersample(img, size, roi.side / size as f32, to_image, |u, v, p| {
        for c in 0..3 {
            input[[0, v, u, c]] = p[c];
        }
    });
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roi_maps_there_and_back() {
        for mirror in [false, true] {
            let roi = Roi {
                cx: 300.0,
                cy: 200.0,
                side: 150.0,
                angle: 0.3,
                size: CROP,
                mirror,
            };
            let (x, y) = roi.to_image(10.0, 170.0);
            let (u, v) = roi.to_crop(x, y);
            assert!(
                (u - 10.0).abs() < 1e-3 && (v - 170.0).abs() < 1e-3,
                "{u} {v}"
            );
            let (cx, cy) = roi.to_image(96.0, 96.0);
            assert!((cx - 300.0).abs() < 1e-3 && (cy - 200.0).abs() < 1e-3);
        }
        // Mirrored, the crop's left edge is the image's right.
        let roi = Roi {
            cx: 300.0,
            cy: 200.0,
            side: 192.0,
            angle: 0.0,
            size: CROP,
            mirror: true,
        };
        assert!((roi.to_image(0.0, 96.0).0 - 396.0).abs() < 1e-3);
    }
}
