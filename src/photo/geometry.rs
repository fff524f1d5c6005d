//! Where the crop goes: the scale and offset that put the head top, eye line and face width of
//! one face inside the configured ranges of the output, without upscaling past the configured
//! factor. Nothing else: the standard forbids turning or mirroring the image or a part of it, so
//! a [`Transform`] has no angle and no sign, and a tilted head is refused, not levelled.
//!
//! The crop may reach past the capture's edge: the room above and beside the head is the new
//! background's, and a real portrait has its hair 10–60 px below its top edge. What it may not do
//! is show the person cut by that edge: hair touching the top, shoulders touching a side, the
//! body ending at the bottom. There the person would end in a straight line, so the plan is
//! refused naming that edge.

use super::Refusal;
use super::segment::CoarseMask;
use crate::config::PhotoConfig;
use crate::face::{Face, Point};
use image::RgbImage;

/// Output pixel ↔ capture pixel: `output = (capture - origin) × scale`. A scale and a shift,
/// nothing else (no rotation, no mirroring: the standard forbids both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    /// Output pixels per capture pixel (the same across and down).
    pub scale: f32,
    /// The capture point that lands on the output's top-left corner; may lie outside the
    /// capture (that part of the output is background).
    pub origin: Point,
}

impl Transform {
    /// Capture pixel → output pixel.
    pub fn to_output(&self, p: Point) -> Point {
        Point::new(
            (p.x - self.origin.x) * self.scale,
            (p.y - self.origin.y) * self.scale,
        )
    }

    /// Output pixel → capture pixel.
    pub fn to_source(&self, o: Point) -> Point {
        Point::new(
            o.x / self.scale + self.origin.x,
            o.y / self.scale + self.origin.y,
        )
    }

    /// The part of an `out_w × out_h` output the capture (`width × height`) covers, in output
    /// pixels: `(x0, y0, x1, y1)`, clamped to the output. Outside it the output is background.
    pub fn covered(&self, width: u32, height: u32, out_w: u32, out_h: u32) -> (u32, u32, u32, u32) {
        let a = self.to_output(Point::new(0.0, 0.0));
        let b = self.to_output(Point::new(width as f32, height as f32));
        let clamp = |v: f32, hi: u32| v.round().clamp(0.0, hi as f32) as u32;
        (
            clamp(a.x, out_w),
            clamp(a.y, out_h),
            clamp(b.x, out_w),
            clamp(b.y, out_h),
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

/// How much of a capture edge, where the output shows it, may be person before the person
/// counts as cut there: the mask's soft edge and one stray cell, not a shoulder.
const CUT_SHARE: f32 = 0.02;

/// Plans the crop of `face` (whose hair starts at capture row `head_top_y`) in the capture that
/// `mask` covers. The output may extend past the capture where the capture's edge shows no
/// person; see the module comment.
pub fn plan(
    face: &Face,
    head_top_y: f32,
    mask: &CoarseMask,
    config: &PhotoConfig,
) -> Result<Transform, Refusal> {
    let roll = (face.right_eye.y - face.left_eye.y).atan2(face.right_eye.x - face.left_eye.x);
    if roll.abs().to_degrees() > config.max_roll_deg {
        return Err(Refusal::Tilted {
            roll_deg: roll.to_degrees(),
        });
    }
    // The hair reaches the capture's top edge: where it ends is not in the picture.
    if head_top_y < 1.0 {
        return Err(Refusal::OutOfFrame { side: Side::Top });
    }
    let eye_y = face.left_eye.midpoint(face.right_eye).y;
    let centre_x = face.bbox.center().x;
    let head_to_eye = eye_y - head_top_y;
    let fw = face.bbox.w.max(1.0);
    if head_to_eye <= 1.0 {
        return Err(Refusal::NoHeadTop);
    }
    let edges = EdgeProfile::new(mask);
    let mut last = Refusal::NoHeadTop;
    // Each range shrunk first by 15 % of its width on each side, then 5 %, then 2 % (1–2 px):
    // the safety against measuring the photo again is given up only as far as the capture
    // needs. A tight head-and-shoulders portrait whose shirt reaches the bottom edge can only
    // be shown at the largest scale the head-top and eye ranges allow (a bigger head, the eyes
    // lower), and that lies next to their limits; the maker then measures the hair's top on the
    // photo itself before it is kept (`visible_head_top`).
    for margin in [0.15, 0.05, 0.02] {
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
            // Capture rows the output's top edge may sit on.
            let oy_lo = (head_top_y - lim.head.1 / s).max(eye_y - lim.eye.1 / s);
            let oy_hi = (head_top_y - lim.head.0 / s).min(eye_y - lim.eye.0 / s);
            // At the largest scale the two ranges leave one row; rounding may cross them.
            if oy_lo > oy_hi + 1e-3 {
                continue;
            }
            let oy_hi = oy_hi.max(oy_lo);
            let ox0 = centre_x - lim.w / (2.0 * s);
            let tol = 0.01 * lim.w / s;
            let mid = (oy_lo + oy_hi) / 2.0;
            let mut oys: Vec<f32> = (0..=8)
                .map(|i| oy_lo + (oy_hi - oy_lo) * i as f32 / 8.0)
                .collect();
            oys.sort_by(|a, b| (a - mid).abs().total_cmp(&(b - mid).abs()));
            for oy in oys {
                for ox in [ox0, ox0 - tol, ox0 + tol] {
                    let t = Transform {
                        scale: s,
                        origin: Point::new(ox, oy),
                    };
                    match edges.cut(&t, &lim) {
                        None => return Ok(t),
                        Some(side) => last = Refusal::OutOfFrame { side },
                    }
                }
            }
        }
    }
    // Name the edge of the preferred plan that cuts the person, which is what the student can
    // fix.
    if let Refusal::OutOfFrame { .. } = last {
        let lim = Limits::new(config, 0.05);
        let s = ((lim.face.0 + lim.face.1) / 2.0 / fw).min(config.max_upscale);
        let t = Transform {
            scale: s,
            origin: Point::new(
                centre_x - lim.w / (2.0 * s),
                head_top_y - (lim.head.0 + lim.head.1) / (2.0 * s),
            ),
        };
        if let Some(side) = edges.cut(&t, &lim) {
            last = Refusal::OutOfFrame { side };
        }
    }
    Err(last)
}

/// Where the person touches each edge of the capture: per edge, the mask's person/backdrop
/// decision at every cell of the model's grid along it (and how far in that cell lies).
struct EdgeProfile {
    width: f32,
    height: f32,
    /// Person along the top and bottom rows, by capture x.
    top: Vec<(f32, bool)>,
    bottom: Vec<(f32, bool)>,
    /// Person along the left and right columns, by capture y.
    left: Vec<(f32, bool)>,
    right: Vec<(f32, bool)>,
}

impl EdgeProfile {
    fn new(mask: &CoarseMask) -> EdgeProfile {
        let (w, h) = (mask.image_width as f32, mask.image_height as f32);
        // Half a grid cell in from the edge: the row the model actually decided on.
        let (inset_x, inset_y) = (0.5 * w / 256.0, 0.5 * h / 256.0);
        let along = |n: f32, f: &dyn Fn(f32) -> f32| -> Vec<(f32, bool)> {
            (0..512)
                .map(|i| {
                    let v = (i as f32 + 0.5) / 512.0 * n;
                    (v, f(v) >= 0.5)
                })
                .collect()
        };
        EdgeProfile {
            width: w,
            height: h,
            top: along(w, &|x| mask.at(x, inset_y)),
            bottom: along(w, &|x| mask.at(x, h - inset_y)),
            left: along(h, &|y| mask.at(inset_x, y)),
            right: along(h, &|y| mask.at(w - inset_x, y)),
        }
    }

    /// The capture edge that `t`'s output crosses where the person touches it (the person would
    /// end in a straight line there), the worst first; `None` when every crossed edge shows only
    /// backdrop.
    fn cut(&self, t: &Transform, lim: &Limits) -> Option<Side> {
        let a = t.to_source(Point::new(0.0, 0.0));
        let b = t.to_source(Point::new(lim.w, lim.h));
        let share = |profile: &[(f32, bool)], lo: f32, hi: f32| {
            let (mut n, mut person) = (0usize, 0usize);
            for &(v, p) in profile {
                if v >= lo && v <= hi {
                    n += 1;
                    person += usize::from(p);
                }
            }
            if n == 0 {
                0.0
            } else {
                person as f32 / n as f32
            }
        };
        let mut worst: Option<(f32, Side)> = None;
        let mut consider = |crossed: bool, s: f32, side: Side| {
            if crossed && s > CUT_SHARE && worst.is_none_or(|(w, _)| s > w) {
                worst = Some((s, side));
            }
        };
        // An edge is crossed when at least half an output pixel lies beyond it, as
        // `Transform::covered` rounds: a thinner sliver shows no row or column of background.
        let tol = 0.5 / t.scale;
        consider(a.y < -tol, share(&self.top, a.x, b.x), Side::Top);
        consider(
            b.y > self.height + tol,
            share(&self.bottom, a.x, b.x),
            Side::Bottom,
        );
        consider(a.x < -tol, share(&self.left, a.y, b.y), Side::Left);
        consider(
            b.x > self.width + tol,
            share(&self.right, a.y, b.y),
            Side::Right,
        );
        worst.map(|(_, side)| side)
    }
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

/// The output image: the capture scaled and cropped by `t`. Scaling is done by a filtered resize
/// of the covered region, so a large capture is not aliased. Output pixels beyond the capture
/// repeat its nearest edge pixel (backdrop, which the plan made sure of); the matte then marks
/// them background (see [`Transform::covered`]).
pub fn warp(img: &RgbImage, t: &Transform, out_w: u32, out_h: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let a = t.to_source(Point::new(0.0, 0.0));
    let b = t.to_source(Point::new(out_w as f32, out_h as f32));
    let x0 = (a.x.floor() - 2.0).clamp(0.0, w as f32 - 1.0) as u32;
    let y0 = (a.y.floor() - 2.0).clamp(0.0, h as f32 - 1.0) as u32;
    let x1 = (b.x.ceil() + 2.0).clamp(x0 as f32 + 1.0, w as f32) as u32;
    let y1 = (b.y.ceil() + 2.0).clamp(y0 as f32 + 1.0, h as f32) as u32;
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
        let sx = ((p.x - x0 as f32) * kx - 0.5).clamp(0.0, rw as f32 - 1.0);
        let sy = ((p.y - y0 as f32) * ky - 0.5).clamp(0.0, rh as f32 - 1.0);
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

    /// A person's mask: an elliptic head whose hair starts at `top`, and shoulders `shoulders`
    /// wide from 1.3 head heights below it down to the capture's bottom edge.
    fn figure(w: u32, h: u32, cx: f32, top: f32, head_w: f32, shoulders: f32) -> CoarseMask {
        let head_h = head_w * 1.35;
        CoarseMask::from_fn(w, h, move |x, y| {
            let head = ((x - cx) / (head_w / 2.0)).powi(2)
                + ((y - top - head_h / 2.0) / (head_h / 2.0)).powi(2)
                < 1.0;
            let body = y > top + head_h * 1.15 && (x - cx).abs() < shoulders / 2.0;
            if head || body { 1.0 } else { 0.0 }
        })
    }

    /// The plan for a face `width` wide centred at `cx` with its eyes at `eye_y`, whose mask is
    /// [`figure`] with the hair at `top`.
    fn plan_for(
        (w, h): (u32, u32),
        cx: f32,
        eye_y: f32,
        width: f32,
        top: f32,
        shoulders: f32,
    ) -> (Face, Result<Transform, Refusal>) {
        let f = face(cx, eye_y, width, 0.0);
        let mask = figure(w, h, cx, top, width * 1.1, shoulders);
        let r = plan(&f, top, &mask, &PhotoConfig::default());
        (f, r)
    }

    #[test]
    fn a_centred_face_lands_inside_every_range() {
        let c = PhotoConfig::default();
        let (f, t) = plan_for((1920, 1080), 960.0, 450.0, 300.0, 200.0, 900.0);
        let t = t.unwrap();
        let eye = t.to_output(f.left_eye);
        let top = t.to_output(Point::new(960.0, 200.0));
        assert!(within(eye.y, c.eye_line_min, c.eye_line_max), "{eye:?}");
        assert!(within(top.y, c.head_top_min, c.head_top_max), "{top:?}");
        assert!(within(300.0 * t.scale, c.face_width_min, c.face_width_max));
        let centre = t.to_output(f.bbox.center());
        assert!((centre.x - 240.0).abs() < 6.0, "{centre:?}");
    }

    #[test]
    fn the_transform_only_scales_and_shifts() {
        // No angle and no mirror exist in a transform: every direction keeps its sense and
        // every distance the same factor.
        let t = Transform {
            scale: 0.7,
            origin: Point::new(100.0, -50.0),
        };
        let (p, q) = (Point::new(321.0, 654.0), Point::new(400.0, 600.0));
        let (a, b) = (t.to_output(p), t.to_output(q));
        assert!(((b.x - a.x) - 0.7 * (q.x - p.x)).abs() < 1e-3);
        assert!(((b.y - a.y) - 0.7 * (q.y - p.y)).abs() < 1e-3);
        let back = t.to_source(a);
        assert!((back.x - p.x).abs() < 1e-3 && (back.y - p.y).abs() < 1e-3);
    }

    #[test]
    fn a_slightly_tilted_head_stays_tilted_and_a_tilted_one_is_refused() {
        let c = PhotoConfig::default();
        let mask = figure(1920, 1080, 900.0, 230.0, 350.0, 1000.0);
        let f = face(900.0, 500.0, 320.0, 6.0);
        let t = plan(&f, 230.0, &mask, &c).unwrap();
        // The photo is not turned: the eyes keep their slant, only scaled.
        let (l, r) = (t.to_output(f.left_eye), t.to_output(f.right_eye));
        assert!(((r.y - l.y) - t.scale * (f.right_eye.y - f.left_eye.y)).abs() < 1e-3);
        assert!(r.y - l.y > 5.0, "{l:?} {r:?}");
        let f = face(900.0, 500.0, 320.0, 25.0);
        assert!(matches!(
            plan(&f, 230.0, &mask, &c),
            Err(Refusal::Tilted { .. })
        ));
    }

    #[test]
    fn room_above_the_head_may_come_from_beyond_the_capture() {
        // A real portrait: 600×800, the hair 20 px under the top edge, shoulders leaving the
        // frame only at the bottom.
        let c = PhotoConfig::default();
        let (f, t) = plan_for((600, 800), 300.0, 260.0, 220.0, 20.0, 460.0);
        let t = t.unwrap();
        assert!(t.origin.y < 0.0, "{t:?}");
        let top = t.to_output(Point::new(300.0, 20.0));
        assert!(within(top.y, c.head_top_min, c.head_top_max), "{top:?}");
        let eye = t.to_output(f.left_eye);
        assert!(within(eye.y, c.eye_line_min, c.eye_line_max), "{eye:?}");
        // The output's rows above the capture are outside what it covers.
        let (_, y0, _, y1) = t.covered(600, 800, 480, 640);
        assert!(y0 > 0 && y1 == 640, "{y0} {y1}");
    }

    #[test]
    fn hair_at_the_top_edge_is_refused() {
        let c = PhotoConfig::default();
        let f = face(960.0, 200.0, 300.0, 0.0);
        let mask = figure(1920, 1080, 960.0, -40.0, 330.0, 900.0);
        let top = head_top(&mask, &f).unwrap();
        assert!(top < 1.0, "{top}");
        assert_eq!(
            plan(&f, top, &mask, &c),
            Err(Refusal::OutOfFrame { side: Side::Top })
        );
    }

    #[test]
    fn shoulders_cut_by_a_side_of_the_picture_are_refused_naming_it() {
        // The shoulders fill the capture's width where the photo shows them: beyond its sides
        // there would be background beside a cut-off shoulder.
        let (_, t) = plan_for((300, 800), 150.0, 300.0, 170.0, 80.0, 2000.0);
        assert!(
            matches!(
                t,
                Err(Refusal::OutOfFrame {
                    side: Side::Left | Side::Right
                })
            ),
            "{t:?}"
        );
        // The same person with room beside the shoulders is made.
        let (_, t) = plan_for((900, 800), 450.0, 300.0, 170.0, 80.0, 420.0);
        assert!(t.is_ok(), "{t:?}");
    }

    #[test]
    fn a_body_cut_at_the_bottom_edge_is_refused() {
        // The eyes 60 px above the bottom edge: the chest the photo shows is not in the picture.
        let (_, t) = plan_for((1920, 1080), 960.0, 1020.0, 300.0, 770.0, 900.0);
        assert_eq!(t, Err(Refusal::OutOfFrame { side: Side::Bottom }));
    }

    #[test]
    fn a_tight_portrait_with_the_shirt_to_the_bottom_edge_is_made_at_the_largest_scale() {
        // 1200×1120, a 507-px face, the hair 39 px under the top, the eyes 450 px below it, the
        // shirt across the bottom edge: only the largest scale the head-top and eye ranges allow
        // keeps the photo's bottom inside the capture, 1–2 px inside those limits.
        let c = PhotoConfig::default();
        let (f, t) = plan_for((1200, 1120), 600.0, 489.0, 507.0, 39.0, 1100.0);
        let t = t.unwrap();
        let bottom = t.to_source(Point::new(240.0, 640.0));
        assert!(bottom.y <= 1120.0, "{bottom:?}");
        let eye = t.to_output(f.left_eye);
        let top = t.to_output(Point::new(600.0, 39.0));
        assert!(within(eye.y, c.eye_line_min, c.eye_line_max), "{eye:?}");
        assert!(within(top.y, c.head_top_min, c.head_top_max), "{top:?}");
        assert!(within(507.0 * t.scale, c.face_width_min, c.face_width_max));
        // 20 rows less below the eyes: no scale within the ranges fits, refused at the bottom.
        let (_, t) = plan_for((1200, 1100), 600.0, 489.0, 507.0, 39.0, 1100.0);
        assert_eq!(t, Err(Refusal::OutOfFrame { side: Side::Bottom }));
    }

    #[test]
    fn a_sliver_under_half_an_output_pixel_past_the_edge_cuts_nothing() {
        // The body runs out of the bottom edge; the photo's bottom 0.4 output px past it shows
        // no row of background (`covered` rounds it away), 2 px past it does.
        let mask = figure(1200, 1120, 600.0, 40.0, 500.0, 1000.0);
        let edges = EdgeProfile::new(&mask);
        let lim = Limits::new(&PhotoConfig::default(), 0.0);
        let at = |overrun_px: f32| {
            let scale = 0.5;
            let t = Transform {
                scale,
                origin: Point::new(120.0, 1120.0 + overrun_px / scale - 640.0 / scale),
            };
            edges.cut(&t, &lim)
        };
        assert_eq!(at(0.4), None);
        assert_eq!(at(2.0), Some(Side::Bottom));
    }

    #[test]
    fn a_face_at_the_left_edge_is_refused_naming_the_edge() {
        let (_, t) = plan_for((1920, 1080), 120.0, 500.0, 300.0, 250.0, 900.0);
        assert_eq!(t, Err(Refusal::OutOfFrame { side: Side::Left }));
    }

    #[test]
    fn a_small_face_needing_too_much_upscaling_is_refused() {
        let c = PhotoConfig::default();
        let (_, t) = plan_for((1920, 1080), 960.0, 500.0, 80.0, 440.0, 300.0);
        match t {
            Err(Refusal::FaceTooSmall { upscale_needed, .. }) => {
                assert!(upscale_needed > c.max_upscale)
            }
            other => panic!("{other:?}"),
        }
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
