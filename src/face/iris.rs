//! MediaPipe's iris model: 71 eye-contour and brow points and 5 iris points on a 64×64 crop of
//! one eye, placed from the face mesh's eye corners. Made for eyes (the face mesh draws lids
//! from the whole face's shape and half-hallucinates them over a closed or odd eye), so the lid
//! gap and the iris position are read from here.

use super::mesh::{Roi, crop};
use super::{FaceError, Mesh, Plan, Point, load_plan, mesh_index as mi};
use image::RgbImage;
use tract_onnx::prelude::*;

static IRIS_ONNX: &[u8] = include_bytes!("../../assets/models/iris_landmark.onnx");

const MODEL: &str = "iris";
const CROP: usize = 64;
/// MediaPipe's eye crop: the corner-to-corner width enlarged 2.3×, square.
const EYE_SCALE: f32 = 2.3;
/// Contour points: 0 the outer corner, 1–7 the lower lid, 8 the inner corner, 9–15 the upper lid
/// (both lids from the outer corner inward), then halos and the brow.
const OUTER: usize = 0;
const INNER: usize = 8;
const LOWER: [usize; 7] = [1, 2, 3, 4, 5, 6, 7];
const UPPER: [usize; 7] = [9, 10, 11, 12, 13, 14, 15];

/// One eye in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Eye {
    /// The model's 71 contour and brow points (lids first, see the indices above).
    pub contour: Vec<Point>,
    /// Iris centre, then 4 points on its rim.
    pub iris: Vec<Point>,
}

impl Eye {
    pub fn outer_corner(&self) -> Point {
        self.contour.get(OUTER).copied().unwrap_or_default()
    }

    pub fn inner_corner(&self) -> Point {
        self.contour.get(INNER).copied().unwrap_or_default()
    }

    /// Lid gap / corner-to-corner width: the mean gap of the three middle lid pairs, measured
    /// across the corner line. The eye's own width, not the face's, so a naturally narrow eye is
    /// judged by its shape, not by the face around it. `None` without the lid points.
    pub fn openness(&self) -> Option<f32> {
        lid_gap_ratio(&self.contour)
    }

    /// Where the iris centre sits between the corners, along the corner line: 0 at the middle,
    /// −0.5 at the outer corner, +0.5 at the inner one.
    pub fn gaze(&self) -> Option<f32> {
        let (a, b, c) = (
            self.outer_corner(),
            self.inner_corner(),
            *self.iris.first()?,
        );
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        (len2 > 1e-6).then(|| ((c.x - a.x) * dx + (c.y - a.y) * dy) / len2 - 0.5)
    }
}

/// See [`Eye::openness`].
pub fn lid_gap_ratio(contour: &[Point]) -> Option<f32> {
    if contour.len() < 16 {
        return None;
    }
    let (a, b) = (contour[OUTER], contour[INNER]);
    let width = a.distance(b);
    if width < 1e-3 {
        return None;
    }
    // Unit normal of the corner line.
    let (nx, ny) = (-(b.y - a.y) / width, (b.x - a.x) / width);
    let gap: f32 = (2..5)
        .map(|k| {
            let (u, l) = (contour[UPPER[k]], contour[LOWER[k]]);
            ((l.x - u.x) * nx + (l.y - u.y) * ny).abs()
        })
        .sum::<f32>()
        / 3.0;
    Some(gap / width)
}

/// The iris model. Load once ([`IrisModel::new`], ~50 ms), share with an `Arc`.
pub struct IrisModel {
    plan: Plan,
}

impl std::fmt::Debug for IrisModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IrisModel").finish_non_exhaustive()
    }
}

impl IrisModel {
    pub fn new() -> Result<Self, FaceError> {
        Ok(IrisModel {
            plan: load_plan(IRIS_ONNX, [1, CROP, CROP, 3], MODEL)?,
        })
    }

    /// Both eyes of a 468-point mesh on `img`, image-left first.
    pub fn eyes(&self, img: &RgbImage, mesh: &Mesh) -> Result<[Eye; 2], FaceError> {
        let left = self.eye(
            img,
            mesh.point(mi::LEFT_EYE_OUTER),
            mesh.point(mi::LEFT_EYE_INNER),
            false,
        )?;
        let right = self.eye(
            img,
            mesh.point(mi::RIGHT_EYE_INNER),
            mesh.point(mi::RIGHT_EYE_OUTER),
            true,
        )?;
        Ok([left, right])
    }

    /// One eye between two corners given left to right in the image. The model knows the
    /// image-left eye (outer corner on the left); the other is mirrored in, and its points back.
    fn eye(&self, img: &RgbImage, a: Point, b: Point, mirror: bool) -> Result<Eye, FaceError> {
        let run_err = |e: TractError| FaceError::Run {
            model: MODEL,
            width: img.width(),
            height: img.height(),
            message: format!("{e:#}"),
        };
        let c = a.midpoint(b);
        let roi = Roi {
            cx: c.x,
            cy: c.y,
            side: (EYE_SCALE * a.distance(b)).max(4.0),
            angle: (b.y - a.y).atan2(b.x - a.x),
            size: CROP,
            mirror,
        };
        let out = self
            .plan
            .run(tvec!(Tensor::from(crop(img, roi)).into()))
            .map_err(run_err)?;
        if out.len() < 2 {
            return Err(run_err(TractError::msg(
                "model returned fewer than 2 outputs",
            )));
        }
        let points = |i: usize, n: usize| -> Result<Vec<Point>, FaceError> {
            let flat: Vec<f32> = out[i]
                .to_plain_array_view::<f32>()
                .map_err(run_err)?
                .iter()
                .copied()
                .collect();
            if flat.len() != n * 3 {
                return Err(run_err(TractError::msg(format!(
                    "expected {} values, got {}",
                    n * 3,
                    flat.len()
                ))));
            }
            Ok(flat
                .chunks_exact(3)
                .map(|p| {
                    let (x, y) = roi.to_image(p[0], p[1]);
                    Point::new(x, y)
                })
                .collect())
        };
        Ok(Eye {
            contour: points(0, 71)?,
            iris: points(1, 5)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An eye contour with the corners at (0, 0) and (30, 0) and lids `gap` apart in the middle
    /// (an almond shape), tilted by `angle`.
    fn contour(gap: f32, angle: f32) -> Vec<Point> {
        let mut c = vec![Point::default(); 71];
        let (s, co) = angle.sin_cos();
        let put = |x: f32, y: f32| Point::new(co * x - s * y, s * x + co * y);
        c[OUTER] = put(0.0, 0.0);
        c[INNER] = put(30.0, 0.0);
        for k in 0..7 {
            let x = 30.0 * (k + 1) as f32 / 8.0;
            let h = gap / 2.0 * (std::f32::consts::PI * x / 30.0).sin();
            c[LOWER[k]] = put(x, h);
            c[UPPER[k]] = put(x, -h);
        }
        c
    }

    #[test]
    fn openness_is_the_lid_gap_over_the_eye_width() {
        let open = lid_gap_ratio(&contour(10.0, 0.0)).unwrap();
        assert!(open > 0.3 && open < 0.34, "{open}");
        let closed = lid_gap_ratio(&contour(1.0, 0.0)).unwrap();
        assert!(closed < 0.04, "{closed}");
        // A tilted head does not change it.
        let tilted = lid_gap_ratio(&contour(10.0, 0.3)).unwrap();
        assert!((tilted - open).abs() < 1e-4);
        assert!(lid_gap_ratio(&contour(10.0, 0.0)[..10]).is_none());
    }

    #[test]
    fn gaze_is_the_iris_between_the_corners() {
        let eye = |x: f32| Eye {
            contour: contour(10.0, 0.0),
            iris: vec![Point::new(x, 0.0); 5],
        };
        assert!(eye(15.0).gaze().unwrap().abs() < 1e-5);
        assert!((eye(3.0).gaze().unwrap() + 0.4).abs() < 1e-5);
        assert!((eye(27.0).gaze().unwrap() - 0.4).abs() < 1e-5);
    }
}
