//! What every check looks at, measured once per capture: the faces, the main face's mesh and
//! geometry, the predicted output crop, a downscaled luma copy and the person mask.

use super::pixels::{self, Area};
use crate::config::PhotoConfig;
use crate::face::{Eye, Face, HeadPose, Mesh, Point, Rect, head_pose, mesh_index as mi};
use image::{GrayImage, RgbImage};

/// Long side of the downscaled copy the backdrop and clothing checks read (their defects are
/// large; sensor noise at full resolution would only add texture).
const SMALL_LONG_SIDE: u32 = 480;
/// Below this face-presence probability the mesh is not a face and its points are not used.
const MIN_PRESENCE: f32 = 0.5;

/// The main face's geometry in capture pixels.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub left_eye: Point,
    pub right_eye: Point,
    /// Distance between the eye centres.
    pub eye_dist: f32,
    pub mouth: Point,
    pub chin_y: f32,
    /// Cheek-to-cheek width (mesh) or detector box width.
    pub face_width: f32,
    /// The crop the photo maker is predicted to take (capture pixels), see `docs/CHECKS.md`.
    pub crop: Rect,
}

pub struct Scene<'a> {
    pub img: &'a RgbImage,
    /// Counted faces (confident and not tiny), main face first.
    pub faces: Vec<Face>,
    pub face: Option<Face>,
    pub mesh: Option<Mesh>,
    /// Head pose from the 3-D fit of the mesh; `None` without a mesh.
    pub pose: Option<HeadPose>,
    /// Both eyes from the iris model (image-left first); `None` without a mesh.
    pub eyes: Option<[Eye; 2]>,
    pub geo: Option<Geometry>,
    pub small: GrayImage,
    pub small_rgb: RgbImage,
    /// Small pixels per capture pixel.
    pub small_scale: f32,
    pub small_grad: Vec<f32>,
    /// Person mask at the size of `small`, 255 = person.
    pub small_mask: Option<GrayImage>,
}

impl Geometry {
    pub fn eye_mid(&self) -> Point {
        self.left_eye.midpoint(self.right_eye)
    }
}

/// Lid gap / eye width of the less open eye, from the mesh's lids (the burst has no iris model
/// run; a blink is a change, which the mesh follows well enough).
pub fn eye_openness(mesh: &Mesh) -> f32 {
    let open = |top, bottom, a, b| {
        let w = mesh.point(a).distance(mesh.point(b)).max(1e-3);
        mesh.point(top).distance(mesh.point(bottom)) / w
    };
    let l = open(
        mi::LEFT_EYE_TOP,
        mi::LEFT_EYE_BOTTOM,
        mi::LEFT_EYE_OUTER,
        mi::LEFT_EYE_INNER,
    );
    let r = open(
        mi::RIGHT_EYE_TOP,
        mi::RIGHT_EYE_BOTTOM,
        mi::RIGHT_EYE_OUTER,
        mi::RIGHT_EYE_INNER,
    );
    l.min(r)
}

pub fn usable(mesh: Mesh) -> Option<Mesh> {
    (mesh.presence >= MIN_PRESENCE && mesh.points.len() == 468).then_some(mesh)
}

impl<'a> Scene<'a> {
    pub fn new(
        img: &'a RgbImage,
        faces: Vec<Face>,
        mesh: Option<Mesh>,
        eyes: Option<[Eye; 2]>,
        mask: Option<&GrayImage>,
        photo: &PhotoConfig,
    ) -> Scene<'a> {
        let face = faces.first().copied();
        let pose = mesh.as_ref().and_then(head_pose);
        let geo = face.map(|f| geometry(&f, mesh.as_ref(), img.dimensions(), photo));
        let (w, h) = img.dimensions();
        let small_scale = (SMALL_LONG_SIDE as f32 / w.max(h) as f32).min(1.0);
        let sw = ((w as f32 * small_scale).round() as u32).max(1);
        let sh = ((h as f32 * small_scale).round() as u32).max(1);
        let small_rgb = if (sw, sh) == (w, h) {
            img.clone()
        } else {
            image::imageops::thumbnail(img, sw, sh)
        };
        let small = pixels::luma_image(&small_rgb);
        let small_grad = pixels::gradient(&small);
        // A mask of another size than the capture is scaled; one that is not an image of the
        // same aspect is still usable as a rough guide.
        let small_mask = mask.map(|m| {
            if m.dimensions() == (sw, sh) {
                m.clone()
            } else {
                image::imageops::resize(m, sw, sh, image::imageops::FilterType::Triangle)
            }
        });
        Scene {
            img,
            faces,
            face,
            mesh,
            pose,
            eyes,
            geo,
            small,
            small_rgb,
            small_scale,
            small_grad,
            small_mask,
        }
    }

    /// The predicted crop in small-image pixels.
    pub fn small_area(&self, r: Rect) -> Area {
        let s = self.small_scale;
        Area::from_corners(
            r.x * s,
            r.y * s,
            r.right() * s,
            r.bottom() * s,
            self.small.width(),
            self.small.height(),
        )
    }

    /// Whether a small-image pixel is background: by the mask when there is one, else by
    /// position (outside the head and shoulders estimated from the face).
    pub fn is_background(&self, x: u32, y: u32, geo: &Geometry, face: &Face) -> bool {
        if let Some(m) = &self.small_mask {
            return m.get_pixel(x, y).0[0] < 128;
        }
        let s = self.small_scale;
        let (px, py) = (x as f32 / s, y as f32 / s);
        let cx = face.bbox.center().x;
        let head_half = face.bbox.w * 0.8;
        let head_top = face.bbox.y - face.bbox.h * 0.45;
        if py < head_top {
            return true;
        }
        if py < geo.chin_y + face.bbox.h * 0.2 {
            return (px - cx).abs() > head_half;
        }
        // Shoulders widen below the chin to about 3 face widths.
        (px - cx).abs() > face.bbox.w * 1.8
    }

    /// Whether a capture pixel is backdrop by the person mask (`false` without a mask: then
    /// nothing is known to be backdrop).
    pub fn masked_out(&self, x: f32, y: f32) -> bool {
        let Some(m) = &self.small_mask else {
            return false;
        };
        let s = self.small_scale;
        let (mx, my) = (
            ((x * s).max(0.0) as u32).min(m.width().saturating_sub(1)),
            ((y * s).max(0.0) as u32).min(m.height().saturating_sub(1)),
        );
        m.get_pixel(mx, my).0[0] < 128
    }

    /// Tilt of the shoulder line in degrees (positive: the image-right shoulder lower), from the
    /// person mask: the mask's top edge one face width either side of the face centre. `None`
    /// without a mask or when a shoulder is outside the frame.
    pub fn shoulder_tilt_deg(&self) -> Option<f32> {
        let (m, g, f) = (
            self.small_mask.as_ref()?,
            self.geo.as_ref()?,
            self.face.as_ref()?,
        );
        let s = self.small_scale;
        let cx = f.bbox.center().x;
        let from_y = ((g.chin_y * s).max(0.0) as u32).min(m.height());
        let top = |x: f32| -> Option<f32> {
            let xs = (x * s).round();
            if xs < 0.0 || xs >= m.width() as f32 {
                return None;
            }
            (from_y..m.height())
                .find(|&y| m.get_pixel(xs as u32, y).0[0] >= 128)
                .map(|y| y as f32 / s)
        };
        let dx = 1.0 * f.bbox.w;
        let (l, r) = (top(cx - dx)?, top(cx + dx)?);
        Some((r - l).atan2(2.0 * dx).to_degrees())
    }

    /// Whether a small-image pixel is the top (clothing): below the chin and the neck, inside
    /// the person (mask) or near the body's centre line (estimate).
    pub fn is_top(&self, x: u32, y: u32, geo: &Geometry, face: &Face) -> bool {
        let s = self.small_scale;
        let (px, py) = (x as f32 / s, y as f32 / s);
        if py < geo.chin_y + face.bbox.h * 0.35 {
            return false;
        }
        if let Some(m) = &self.small_mask {
            return m.get_pixel(x, y).0[0] >= 128;
        }
        (px - face.bbox.center().x).abs() < face.bbox.w * 0.9
    }
}

fn geometry(
    face: &Face,
    mesh: Option<&Mesh>,
    img_size: (u32, u32),
    photo: &PhotoConfig,
) -> Geometry {
    let (left_eye, right_eye, mouth, chin_y, face_width) = match mesh {
        Some(m) => (
            m.eye_centres().0,
            m.eye_centres().1,
            m.point(mi::LIP_TOP).midpoint(m.point(mi::LIP_BOTTOM)),
            m.point(mi::CHIN).y,
            m.point(mi::CHEEK_LEFT).distance(m.point(mi::CHEEK_RIGHT)),
        ),
        None => (
            face.left_eye,
            face.right_eye,
            face.mouth_left.midpoint(face.mouth_right),
            face.bbox.bottom(),
            face.bbox.w,
        ),
    };
    let eye_mid = left_eye.midpoint(right_eye);
    let crop = predicted_crop(face_width, eye_mid, img_size, photo);
    Geometry {
        left_eye,
        right_eye,
        eye_dist: left_eye.distance(right_eye),
        mouth,
        chin_y,
        face_width,
        crop,
    }
}

/// Share of a crop outside an image of `w`×`h`.
pub fn outside_share(c: Rect, w: f32, h: f32) -> f32 {
    let iw = (c.right().min(w) - c.x.max(0.0)).max(0.0);
    let ih = (c.bottom().min(h) - c.y.max(0.0)).max(0.0);
    (1.0 - iw * ih / c.area().max(1.0)).max(0.0)
}

/// The crop the photo maker will need, in capture pixels: face centred, face width and eye line
/// anywhere in `[photo]`'s ranges. Of those, the one that stays most inside the capture (ties: the
/// middle of the ranges, what a maker aims for), so the check fails only when no allowed
/// placement fits.
fn predicted_crop(
    face_width: f32,
    eye_mid: Point,
    (w, h): (u32, u32),
    photo: &PhotoConfig,
) -> Rect {
    let steps = 8;
    let lerp =
        |a: u32, b: u32, i: usize| a as f32 + (b as f32 - a as f32) * i as f32 / steps as f32;
    let mid = |a: u32, b: u32| (a + b) as f32 / 2.0;
    let crop_for = |target_w: f32, target_eye: f32| {
        let k = face_width.max(1.0) / target_w;
        Rect {
            x: eye_mid.x - photo.width as f32 / 2.0 * k,
            y: eye_mid.y - target_eye * k,
            w: photo.width as f32 * k,
            h: photo.height as f32 * k,
        }
    };
    let mut best = crop_for(
        mid(photo.face_width_min, photo.face_width_max),
        mid(photo.eye_line_min, photo.eye_line_max),
    );
    let mut best_out = outside_share(best, w as f32, h as f32);
    for i in 0..=steps {
        for j in 0..=steps {
            let c = crop_for(
                lerp(photo.face_width_min, photo.face_width_max, i),
                lerp(photo.eye_line_min, photo.eye_line_max, j),
            );
            let out = outside_share(c, w as f32, h as f32);
            if out + 1e-4 < best_out {
                best = c;
                best_out = out;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_share_counts_the_part_beyond_the_edges() {
        let r = Rect {
            x: -50.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        assert!((outside_share(r, 1000.0, 1000.0) - 0.5).abs() < 1e-6);
        let inside = Rect {
            x: 10.0,
            y: 10.0,
            w: 50.0,
            h: 50.0,
        };
        assert_eq!(outside_share(inside, 1000.0, 1000.0), 0.0);
    }

    #[test]
    fn the_crop_prediction_uses_the_allowed_ranges_before_giving_up() {
        let photo = PhotoConfig::default();
        // Eyes 260 px from the top of a 1920×1080 frame, face 300 px wide: at the middle of the
        // ranges the crop would stick out above; with the eye line at its minimum (200 output px)
        // and the face at its widest it fits.
        let c = predicted_crop(300.0, Point::new(960.0, 260.0), (1920, 1080), &photo);
        assert_eq!(outside_share(c, 1920.0, 1080.0), 0.0, "{c:?}");
        // Eyes at the very top: nothing fits.
        let c = predicted_crop(300.0, Point::new(960.0, 40.0), (1920, 1080), &photo);
        assert!(outside_share(c, 1920.0, 1080.0) > 0.1, "{c:?}");
    }
}
