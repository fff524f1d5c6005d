//! Where the crop goes: roll, scale and offset that put the head top, eye line and face width of
//! one face inside the configured ranges of the output, without upscaling past the configured
//! factor and without leaving the capture (no invented pixels).

use super::Refusal;
use super::segment::CoarseMask;
use crate::config::PhotoConfig;
use crate::face::{Face, Point};
use image::RgbImage;

/// Output pixel ↔ capture pixel. The capture is turned by `-roll` around `pivot` (the eye
/// midpoint) so the eyes are level, then scaled by `scale` with `origin` (in the turned frame)
/// landing on the output's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    /// Roll of the eye line in the capture, radians (positive: right eye lower in the image).
    pub roll: f32,
    pub scale: f32,
    pub pivot: Point,
    pub origin: Point,
}

impl Transform {
    /// Capture pixel → output pixel.
    pub fn to_output(&self, p: Point) -> Point {
        let (s, c) = self.roll.sin_cos();
        let (dx, dy) = (p.x - self.pivot.x, p.y - self.pivot.y);
        let qx = c * dx + s * dy + self.pivot.x;
        let qy = -s * dx + c * dy + self.pivot.y;
        Point::new(
            (qx - self.origin.x) * self.scale,
            (qy - self.origin.y) * self.scale,
        )
    }

    /// Output pixel → capture pixel.
    pub fn to_source(&self, o: Point) -> Point {
        let qx = o.x / self.scale + self.origin.x - self.pivot.x;
        let qy = o.y / self.scale + self.origin.y - self.pivot.y;
        let (s, c) = self.roll.sin_cos();
        Point::new(
            c * qx - s * qy + self.pivot.x,
            s * qx + c * qy + self.pivot.y,
        )
    }
}

/// Limits of the plan, in output pixels, from `[photo]`.
#[derive(Debug, Clone, Copy)]
struct Limits {
    w: f32,
    h: f32,
    head: (f32, f32),
    eye: (f32, f32),
    face: (f32, f32),
}

impl Limits {
    /// The configured ranges, each shrunk by `margin` of its width on both sides: the measures
    /// taken again on the output (refined head top, detector on the smaller image) move a few
    /// pixels, and the plan should not sit on a limit.
    fn new(c: &PhotoConfig, margin: f32) -> Limits {
        let shrink = |lo: u32, hi: u32| {
            let (lo, hi) = (lo as f32, hi as f32);
            let m = (hi - lo) * margin;
            (lo + m, hi - m)
        };
        Limits {
            w: c.width as f32,
            h: c.height as f32,
            head: shrink(c.head_top_min, c.head_top_max),
            eye: shrink(c.eye_line_min, c.eye_line_max),
            face: shrink(c.face_width_min, c.face_width_max),
        }
    }
}

/// Highest capture row of the person above the face's centre band: the top of the hair. `None`
/// when the mask finds no person at the eyes (the mask and the face disagree).
pub fn head_top(mask: &CoarseMask, face: &Face) -> Option<f32> {
    let eyes = face.left_eye.midpoint(face.right_eye);
    let cx = face.bbox.center().x;
    let half = (face.bbox.w * 0.25).max(1.0);
    let columns = 21;
    let mut tops = Vec::with_capacity(columns);
    for i in 0..columns {
        let x = cx - half + 2.0 * half * i as f32 / (columns - 1) as f32;
        if mask.at(x, eyes.y) < 0.5 {
            continue;
        }
        let mut y = eyes.y;
        while y > 0.0 && mask.at(x, y - 1.0) >= 0.5 {
            y -= 1.0;
        }
        tops.push(y.max(0.0));
    }
    // The second-highest column: one stray mask column does not lift the whole head.
    tops.sort_by(f32::total_cmp);
    if tops.len() < columns / 3 {
        return None;
    }
    tops.get(1).copied()
}

/// Plans the crop of `face` (whose hair starts at capture row `head_top_y`) in a capture of
/// `width × height`.
pub fn plan(
    face: &Face,
    head_top_y: f32,
    width: u32,
    height: u32,
    config: &PhotoConfig,
) -> Result<Transform, Refusal> {
    let roll = (face.right_eye.y - face.left_eye.y).atan2(face.right_eye.x - face.left_eye.x);
    if roll.abs().to_degrees() > config.max_roll_deg {
        return Err(Refusal::Tilted {
            roll_deg: roll.to_degrees(),
        });
    }
    if head_top_y <= 0.5 {
        return Err(Refusal::OutOfFrame { side: Side::Top });
    }
    let pivot = face.left_eye.midpoint(face.right_eye);
    let level = Transform {
        roll,
        scale: 1.0,
        pivot,
        origin: Point::new(0.0, 0.0),
    };
    let centre = level.to_output(face.bbox.center());
    let top = level.to_output(Point::new(face.bbox.center().x, head_top_y));
    let eye_y = pivot.y;
    let head_to_eye = eye_y - top.y;
    let fw = face.bbox.w.max(1.0);
    if head_to_eye <= 1.0 {
        return Err(Refusal::NoHeadTop);
    }
    let mut last = Refusal::NoHeadTop;
    for margin in [0.15, 0.05] {
        let lim = Limits::new(config, margin);
        let lo = (lim.face.0 / fw).max((lim.eye.0 - lim.head.1) / head_to_eye);
        let hi = (lim.face.1 / fw).min((lim.eye.1 - lim.head.0) / head_to_eye);
        if lo > hi {
            last = Refusal::Proportions;
            continue;
        }
        if lo > config.max_upscale {
            last = Refusal::FaceTooSmall {
                face_px: fw,
                upscale_needed: lo,
            };
            continue;
        }
        let hi = hi.min(config.max_upscale);
        let preferred = ((lim.face.0 + lim.face.1) / 2.0 / fw).clamp(lo, hi);
        let mut scales: Vec<f32> = (0..=16).map(|i| lo + (hi - lo) * i as f32 / 16.0).collect();
        scales.push(preferred);
        scales.sort_by(|a, b| (a - preferred).abs().total_cmp(&(b - preferred).abs()));
        for &s in &scales {
            // Rows of the turned frame the output's top edge may sit on.
            let oy_lo = (top.y - lim.head.1 / s).max(eye_y - lim.eye.1 / s);
            let oy_hi = (top.y - lim.head.0 / s).min(eye_y - lim.eye.0 / s);
            if oy_lo > oy_hi {
                continue;
            }
            let ox0 = centre.x - lim.w / (2.0 * s);
            let tol = 0.01 * lim.w / s;
            let mid = (oy_lo + oy_hi) / 2.0;
            let mut oys: Vec<f32> = (0..=8)
                .map(|i| oy_lo + (oy_hi - oy_lo) * i as f32 / 8.0)
                .collect();
            oys.sort_by(|a, b| (a - mid).abs().total_cmp(&(b - mid).abs()));
            for oy in oys {
                for ox in [ox0, ox0 - tol, ox0 + tol] {
                    let t = Transform {
                        roll,
                        scale: s,
                        pivot,
                        origin: Point::new(ox, oy),
                    };
                    match outside(&t, &lim, width, height) {
                        None => return Ok(t),
                        Some(side) => last = Refusal::OutOfFrame { side },
                    }
                }
            }
        }
    }
    // Name the edge of the preferred plan that runs out, which is what the student can fix.
    if let Refusal::OutOfFrame { .. } = last {
        let lim = Limits::new(config, 0.05);
        let s = ((lim.face.0 + lim.face.1) / 2.0 / fw).min(config.max_upscale);
        let t = Transform {
            roll,
            scale: s,
            pivot,
            origin: Point::new(
                centre.x - lim.w / (2.0 * s),
                top.y - (lim.head.0 + lim.head.1) / (2.0 * s),
            ),
        };
        if let Some(side) = outside(&t, &lim, width, height) {
            last = Refusal::OutOfFrame { side };
        }
    }
    Err(last)
}

/// The capture edge the output's corners cross, if any.
fn outside(t: &Transform, lim: &Limits, width: u32, height: u32) -> Option<Side> {
    let (w, h) = (width as f32, height as f32);
    let mut worst: Option<(f32, Side)> = None;
    for (x, y) in [(0.0, 0.0), (lim.w, 0.0), (0.0, lim.h), (lim.w, lim.h)] {
        let p = t.to_source(Point::new(x, y));
        for (over, side) in [
            (-p.x, Side::Left),
            (p.x - w, Side::Right),
            (-p.y, Side::Top),
            (p.y - h, Side::Bottom),
        ] {
            if over > 0.0 && worst.is_none_or(|(o, _)| over > o) {
                worst = Some((over, side));
            }
        }
    }
    worst.map(|(_, s)| s)
}

/// An edge of the capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Top => "top",
            Side::Bottom => "bottom",
        })
    }
}

/// The output image: the capture turned, scaled and cropped by `t`. Scaling is done by a
/// filtered resize of the covered region first, so a large capture is not aliased.
pub fn warp(img: &RgbImage, t: &Transform, out_w: u32, out_h: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let corners = [
        (0.0, 0.0),
        (out_w as f32, 0.0),
        (0.0, out_h as f32),
        (out_w as f32, out_h as f32),
    ]
    .map(|(x, y)| t.to_source(Point::new(x, y)));
    let x0 = (corners.iter().map(|p| p.x).fold(f32::MAX, f32::min).floor() - 2.0)
        .clamp(0.0, w as f32 - 1.0) as u32;
    let y0 = (corners.iter().map(|p| p.y).fold(f32::MAX, f32::min).floor() - 2.0)
        .clamp(0.0, h as f32 - 1.0) as u32;
    let x1 = (corners.iter().map(|p| p.x).fold(f32::MIN, f32::max).ceil() + 2.0)
        .clamp(x0 as f32 + 1.0, w as f32) as u32;
    let y1 = (corners.iter().map(|p| p.y).fold(f32::MIN, f32::max).ceil() + 2.0)
        .clamp(y0 as f32 + 1.0, h as f32) as u32;
    let region = image::imageops::crop_imm(img, x0, y0, x1 - x0, y1 - y0).to_image();
    let rw = ((x1 - x0) as f32 * t.scale).round().max(1.0) as u32;
    let rh = ((y1 - y0) as f32 * t.scale).round().max(1.0) as u32;
    let filter = if t.scale < 1.0 {
        image::imageops::FilterType::Triangle
    } else {
        image::imageops::FilterType::CatmullRom
    };
    let scaled = image::imageops::resize(&region, rw, rh, filter);
    let kx = rw as f32 / (x1 - x0) as f32;
    let ky = rh as f32 / (y1 - y0) as f32;
    RgbImage::from_fn(out_w, out_h, |x, y| {
        let p = t.to_source(Point::new(x as f32 + 0.5, y as f32 + 0.5));
        let sx = (p.x - x0 as f32) * kx - 0.5;
        let sy = (p.y - y0 as f32) * ky - 0.5;
        let v = crate::face::sample_bilinear(&scaled, sx, sy);
        image::Rgb(v.map(|c| c.round().clamp(0.0, 255.0) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::Rect;

    fn face(cx: f32, eye_y: f32, width: f32, roll_deg: f32) -> Face {
        let half = width * 0.2;
        let (s, c) = roll_deg.to_radians().sin_cos();
        let eye = |d: f32| Point::new(cx + c * d, eye_y + s * d);
        Face {
            bbox: Rect {
                x: cx - width / 2.0,
                y: eye_y - width * 0.45,
                w: width,
                h: width * 1.3,
            },
            score: 0.99,
            left_eye: eye(-half),
            right_eye: eye(half),
            nose: Point::new(cx, eye_y + width * 0.2),
            mouth_left: Point::new(cx - half * 0.8, eye_y + width * 0.45),
            mouth_right: Point::new(cx + half * 0.8, eye_y + width * 0.45),
        }
    }

    fn within(v: f32, lo: u32, hi: u32) -> bool {
        v >= lo as f32 && v <= hi as f32
    }

    #[test]
    fn a_centred_face_lands_inside_every_range() {
        let c = PhotoConfig::default();
        let f = face(960.0, 450.0, 300.0, 0.0);
        let t = plan(&f, 200.0, 1920, 1080, &c).unwrap();
        let eye = t.to_output(f.left_eye);
        let top = t.to_output(Point::new(960.0, 200.0));
        assert!(within(eye.y, c.eye_line_min, c.eye_line_max), "{eye:?}");
        assert!(within(top.y, c.head_top_min, c.head_top_max), "{top:?}");
        assert!(within(300.0 * t.scale, c.face_width_min, c.face_width_max));
        let centre = t.to_output(f.bbox.center());
        assert!((centre.x - 240.0).abs() < 6.0, "{centre:?}");
    }

    #[test]
    fn a_small_roll_is_levelled() {
        let c = PhotoConfig::default();
        let f = face(900.0, 500.0, 320.0, 6.0);
        let t = plan(&f, 230.0, 1920, 1080, &c).unwrap();
        let (l, r) = (t.to_output(f.left_eye), t.to_output(f.right_eye));
        assert!((l.y - r.y).abs() < 0.01, "{l:?} {r:?}");
    }

    #[test]
    fn a_large_roll_is_refused() {
        let c = PhotoConfig::default();
        let f = face(900.0, 500.0, 320.0, 25.0);
        assert!(matches!(
            plan(&f, 230.0, 1920, 1080, &c),
            Err(Refusal::Tilted { .. })
        ));
    }

    #[test]
    fn a_face_at_the_left_edge_is_refused_naming_the_edge() {
        let c = PhotoConfig::default();
        let f = face(120.0, 500.0, 300.0, 0.0);
        assert_eq!(
            plan(&f, 250.0, 1920, 1080, &c),
            Err(Refusal::OutOfFrame { side: Side::Left })
        );
    }

    #[test]
    fn hair_at_the_top_edge_is_refused() {
        let c = PhotoConfig::default();
        let f = face(960.0, 200.0, 300.0, 0.0);
        assert_eq!(
            plan(&f, 10.0, 1920, 1080, &c),
            Err(Refusal::OutOfFrame { side: Side::Top })
        );
    }

    #[test]
    fn a_small_face_needing_too_much_upscaling_is_refused() {
        let c = PhotoConfig::default();
        let f = face(960.0, 500.0, 80.0, 0.0);
        match plan(&f, 440.0, 1920, 1080, &c) {
            Err(Refusal::FaceTooSmall { upscale_needed, .. }) => {
                assert!(upscale_needed > c.max_upscale)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn output_and_source_mappings_are_inverse() {
        let t = Transform {
            roll: 0.1,
            scale: 0.7,
            pivot: Point::new(500.0, 400.0),
            origin: Point::new(100.0, 50.0),
        };
        let p = Point::new(321.0, 654.0);
        let q = t.to_source(t.to_output(p));
        assert!((p.x - q.x).abs() < 1e-3 && (p.y - q.y).abs() < 1e-3);
    }

    #[test]
    fn head_top_follows_the_mask() {
        let f = face(500.0, 400.0, 200.0, 0.0);
        // A round head whose top is at row 250.
        let mask = CoarseMask::from_fn(1000, 1000, |x, y| {
            if ((x - 500.0) / 150.0).powi(2) + ((y - 430.0) / 180.0).powi(2) < 1.0 || y > 600.0 {
                1.0
            } else {
                0.0
            }
        });
        let top = head_top(&mask, &f).unwrap();
        assert!((top - 250.0).abs() < 12.0, "{top}");
    }
}
