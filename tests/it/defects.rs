//! The labelled fixture generator: studio-like captures built from the real photos of
//! `tests/fixtures/faces/`, and defect variants derived from them, each labelled with the checks
//! it must fail. Used by `tests/it/checks.rs` (the accuracy table of `docs/CHECKS.md`) and by
//! `benches/checks.rs`. Deterministic: the same code always makes the same pixels.
//!
//! Why composites: none of the real photos is a registration photo (office and flag backdrops).
//! A "studio capture" keeps the real face and shoulders and replaces what lies outside a matte
//! (head ellipse + shoulders) by a plain wall with a gentle light fall-off and sensor noise, on a
//! 1920×1080 canvas as the kiosk camera delivers.

#![allow(dead_code, clippy::needless_range_loop)]

use image::{GrayImage, Rgb, RgbImage};
use std::path::Path;
use tucai::check::CheckId;
use tucai::face::{Face, FaceDetector, Point};

pub fn fixture(name: &str) -> RgbImage {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/faces")
        .join(name);
    image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8()
}

/// Deterministic noise source (LCG), so fixtures are reproducible without a rand crate.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise(seed.wrapping_mul(6364136223846793005).wrapping_add(1))
    }
    /// Uniform in [-1, 1).
    pub fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}

/// A capture with what is known about it: the person matte (255 = person) and the face.
#[derive(Clone)]
pub struct Capture {
    pub img: RgbImage,
    pub mask: GrayImage,
    pub face: Face,
}

impl Capture {
    pub fn eye_mid(&self) -> Point {
        self.face.left_eye.midpoint(self.face.right_eye)
    }
    pub fn eye_dist(&self) -> f32 {
        self.face.eye_distance()
    }
    pub fn chin_y(&self) -> f32 {
        self.face.bbox.bottom()
    }
}

fn clamp8(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The plain wall of a studio: light grey, lit from above (darker towards the bottom), noise.
pub fn wall(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut n = Noise::new(seed);
    RgbImage::from_fn(w, h, |_, y| {
        let base = 212.0 - 18.0 * y as f32 / h as f32;
        let e = n.next() * 3.0;
        Rgb([
            clamp8(base + e),
            clamp8(base - 2.0 + e),
            clamp8(base - 7.0 + e),
        ])
    })
}

/// Person matte in source coordinates: head ellipse plus shoulders widening below the chin.
fn matte_value(f: &Face, x: f32, y: f32) -> f32 {
    let c = f.bbox.center();
    let (rx, ry) = (f.bbox.w * 0.62, f.bbox.h * 0.66);
    let head = 1.0 - ((x - c.x) / rx).powi(2) - ((y - (c.y - f.bbox.h * 0.08)) / ry).powi(2);
    let head = smoothstep(-0.08, 0.08, head);
    let neck_top = f.bbox.bottom() - f.bbox.h * 0.15;
    let body = if y > neck_top {
        let half = f.bbox.w * 0.45 + (y - neck_top) * 1.2;
        smoothstep(-4.0, 4.0, half.min(f.bbox.w * 1.7) - (x - c.x).abs())
    } else {
        0.0
    };
    head.max(body)
}

/// A 1920×1080 studio capture of the person in `src`: scaled by `scale`, eyes at `eye_at`.
pub fn studio(
    detector: &FaceDetector,
    src: &RgbImage,
    scale: f32,
    eye_at: Point,
    seed: u64,
) -> Capture {
    let f = detector.detect(src).unwrap()[0];
    let em = f.left_eye.midpoint(f.right_eye);
    let mut img = wall(1920, 1080, seed);
    let mut mask = GrayImage::new(1920, 1080);
    let (sw, sh) = (src.width() as f32, src.height() as f32);
    for y in 0..1080u32 {
        for x in 0..1920u32 {
            let sx = (x as f32 - eye_at.x) / scale + em.x;
            let sy = (y as f32 - eye_at.y) / scale + em.y;
            if sx < 0.0 || sy < 0.0 || sx > sw - 1.0 || sy > sh - 1.0 {
                continue;
            }
            let a = matte_value(&f, sx, sy);
            if a <= 0.0 {
                continue;
            }
            let p = bilinear(src, sx, sy);
            let q = img.get_pixel_mut(x, y);
            for c in 0..3 {
                q.0[c] = clamp8(p[c] * a + q.0[c] as f32 * (1.0 - a));
            }
            mask.put_pixel(x, y, image::Luma([clamp8(a * 255.0)]));
        }
    }
    let map = |p: Point| {
        Point::new(
            (p.x - em.x) * scale + eye_at.x,
            (p.y - em.y) * scale + eye_at.y,
        )
    };
    let face = Face {
        bbox: tucai::face::Rect {
            x: map(Point::new(f.bbox.x, 0.0)).x,
            y: map(Point::new(0.0, f.bbox.y)).y,
            w: f.bbox.w * scale,
            h: f.bbox.h * scale,
        },
        score: f.score,
        left_eye: map(f.left_eye),
        right_eye: map(f.right_eye),
        nose: map(f.nose),
        mouth_left: map(f.mouth_left),
        mouth_right: map(f.mouth_right),
    };
    Capture { img, mask, face }
}

pub fn bilinear(img: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = img.dimensions();
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let mut out = [0.0; 3];
    for (c, o) in out.iter_mut().enumerate() {
        let a =
            img.get_pixel(x0, y0).0[c] as f32 * (1.0 - fx) + img.get_pixel(x1, y0).0[c] as f32 * fx;
        let b =
            img.get_pixel(x0, y1).0[c] as f32 * (1.0 - fx) + img.get_pixel(x1, y1).0[c] as f32 * fx;
        *o = a * (1.0 - fy) + b * fy;
    }
    out
}

fn map_pixels(img: &RgbImage, mut f: impl FnMut(u32, u32, [f32; 3]) -> [f32; 3]) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y).0;
        let q = f(x, y, [p[0] as f32, p[1] as f32, p[2] as f32]);
        Rgb([clamp8(q[0]), clamp8(q[1]), clamp8(q[2])])
    })
}

fn with_img(c: &Capture, img: RgbImage) -> Capture {
    Capture {
        img,
        mask: c.mask.clone(),
        face: c.face,
    }
}

// ---- photometric variants ----

pub fn gain(c: &Capture, k: f32) -> Capture {
    with_img(c, map_pixels(&c.img, |_, _, p| p.map(|v| v * k)))
}

pub fn blur(c: &Capture, sigma: f32) -> Capture {
    with_img(c, image::imageops::fast_blur(&c.img, sigma))
}

pub fn noise(c: &Capture, amount: f32, seed: u64) -> Capture {
    let mut n = Noise::new(seed);
    with_img(
        c,
        map_pixels(&c.img, |_, _, p| {
            let e = n.next() * amount;
            p.map(|v| v + e)
        }),
    )
}

pub fn jpeg(c: &Capture, quality: u8) -> Capture {
    let mut buf = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality)
        .encode_image(&c.img)
        .unwrap();
    with_img(c, image::load_from_memory(&buf).unwrap().to_rgb8())
}

/// Light from one side: the image's left half of the face falls into shadow.
pub fn side_shadow(c: &Capture, depth: f32) -> Capture {
    let cx = c.eye_mid().x;
    let e = c.eye_dist();
    with_img(
        c,
        map_pixels(&c.img, |x, _, p| {
            let k = depth + (1.0 - depth) * smoothstep(cx - 0.4 * e, cx + 0.4 * e, x as f32);
            p.map(|v| v * k)
        }),
    )
}

/// A screen photographed: moiré beating with the camera grid plus the sub-pixel RGB stripes.
pub fn screen_moire(c: &Capture, period: f32, angle_deg: f32) -> Capture {
    let (s, co) = angle_deg.to_radians().sin_cos();
    let tau = std::f32::consts::TAU;
    with_img(
        c,
        map_pixels(&c.img, |x, y, p| {
            let m = 1.0 + 0.22 * (tau * (x as f32 * co + y as f32 * s) / period).sin();
            let sub = |ch: usize| 1.0 + 0.1 * (tau * (x as f32 + ch as f32) / 3.0).cos();
            [p[0] * m * sub(0), p[1] * m * sub(1), p[2] * m * sub(2)]
        }),
    )
}

/// A print photographed: the halftone dot grid.
pub fn halftone(c: &Capture, period: f32) -> Capture {
    let tau = std::f32::consts::TAU;
    with_img(
        c,
        map_pixels(&c.img, |x, y, p| {
            let m = 1.0 + 0.2 * (tau * x as f32 / period).cos() * (tau * y as f32 / period).cos();
            p.map(|v| v * m)
        }),
    )
}

// ---- geometric variants ----

/// Rotated about the eye midpoint (head tilt).
pub fn roll(c: &Capture, deg: f32) -> Capture {
    let (s, co) = deg.to_radians().sin_cos();
    let o = c.eye_mid();
    let wall = wall(c.img.width(), c.img.height(), 7);
    let img = RgbImage::from_fn(c.img.width(), c.img.height(), |x, y| {
        let (dx, dy) = (x as f32 - o.x, y as f32 - o.y);
        let sx = co * dx + s * dy + o.x;
        let sy = -s * dx + co * dy + o.y;
        if sx < 0.0
            || sy < 0.0
            || sx >= c.img.width() as f32 - 1.0
            || sy >= c.img.height() as f32 - 1.0
        {
            return *wall.get_pixel(x, y);
        }
        let p = bilinear(&c.img, sx, sy);
        Rgb(p.map(clamp8))
    });
    // The person (and so the mask) turns with the image.
    let (w, h) = c.mask.dimensions();
    let mask = GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - o.x, y as f32 - o.y);
        let sx = (co * dx + s * dy + o.x).round();
        let sy = (-s * dx + co * dy + o.y).round();
        if sx < 0.0 || sy < 0.0 || sx >= w as f32 || sy >= h as f32 {
            image::Luma([0])
        } else {
            *c.mask.get_pixel(sx as u32, sy as u32)
        }
    });
    Capture {
        img,
        mask,
        face: c.face,
    }
}

/// Shoulders tilted, head level: the whole capture turned about the chin, then the head put back.
pub fn tilted_shoulders(c: &Capture, deg: f32) -> Capture {
    let r = roll(c, deg);
    let f = c.face;
    let cc = f.bbox.center();
    let head = |x: u32, y: u32| {
        ((x as f32 - cc.x) / (f.bbox.w * 0.75)).powi(2)
            + ((y as f32 - cc.y) / (f.bbox.h * 0.62)).powi(2)
            < 1.0
    };
    let img = RgbImage::from_fn(c.img.width(), c.img.height(), |x, y| {
        if head(x, y) {
            *c.img.get_pixel(x, y)
        } else {
            *r.img.get_pixel(x, y)
        }
    });
    let mask = GrayImage::from_fn(c.img.width(), c.img.height(), |x, y| {
        if head(x, y) {
            *c.mask.get_pixel(x, y)
        } else {
            *r.mask.get_pixel(x, y)
        }
    });
    Capture { img, mask, face: f }
}

/// Shifted sideways by `dx` pixels (the face cut off at the edge when large), wall fills in.
pub fn shift(c: &Capture, dx: i32) -> Capture {
    let wall = wall(c.img.width(), c.img.height(), 9);
    let w = c.img.width() as i32;
    let img = RgbImage::from_fn(c.img.width(), c.img.height(), |x, y| {
        let sx = x as i32 - dx;
        if sx < 0 || sx >= w {
            *wall.get_pixel(x, y)
        } else {
            *c.img.get_pixel(sx as u32, y)
        }
    });
    let mask = GrayImage::from_fn(c.img.width(), c.img.height(), |x, y| {
        let sx = x as i32 - dx;
        if sx < 0 || sx >= w {
            image::Luma([0])
        } else {
            *c.mask.get_pixel(sx as u32, y)
        }
    });
    let mut face = c.face;
    for p in [
        &mut face.left_eye,
        &mut face.right_eye,
        &mut face.nose,
        &mut face.mouth_left,
        &mut face.mouth_right,
    ] {
        p.x += dx as f32;
    }
    face.bbox.x += dx as f32;
    Capture { img, mask, face }
}

/// A low-resolution camera: the whole capture at `w` pixels wide.
pub fn low_res(c: &Capture, w: u32) -> Capture {
    let k = w as f32 / c.img.width() as f32;
    let h = (c.img.height() as f32 * k).round() as u32;
    let img = image::imageops::resize(&c.img, w, h, image::imageops::FilterType::Triangle);
    let mask = image::imageops::resize(&c.mask, w, h, image::imageops::FilterType::Triangle);
    Capture {
        img,
        mask,
        face: c.face,
    }
}

/// A second person: the head pasted again, a little smaller, beside the first.
pub fn two_people(c: &Capture, dx: f32, scale: f32) -> Capture {
    let f = c.face;
    let mut img = c.img.clone();
    let cc = f.bbox.center();
    let (w, h) = img.dimensions();
    for y in 0..h {
        for x in 0..w {
            let sx = (x as f32 - cc.x - dx) / scale + cc.x;
            let sy = (y as f32 - cc.y) / scale + cc.y;
            let r = ((sx - cc.x) / (f.bbox.w * 0.6)).powi(2)
                + ((sy - cc.y) / (f.bbox.h * 0.62)).powi(2);
            if r < 1.0 && sx >= 0.0 && sy >= 0.0 && sx < w as f32 - 1.0 && sy < h as f32 - 1.0 {
                let a = smoothstep(1.0, 0.85, r);
                let p = bilinear(&c.img, sx, sy);
                let q = img.get_pixel_mut(x, y);
                for ch in 0..3 {
                    q.0[ch] = clamp8(p[ch] * a + q.0[ch] as f32 * (1.0 - a));
                }
            }
        }
    }
    with_img(c, img)
}

// ---- local defects on the face and clothes ----

fn paint_ellipse(
    img: &mut RgbImage,
    cx: f32,
    cy: f32,
    rx: f32,
    ry: f32,
    f: impl Fn([f32; 3], f32) -> [f32; 3],
) {
    paint_ellipse_at(img, cx, cy, rx, ry, |p, a, _| f(p, a));
}

/// [`paint_ellipse`] whose colour also depends on the height in the ellipse (`v`: −1 at the top,
/// 1 at the bottom).
fn paint_ellipse_at(
    img: &mut RgbImage,
    cx: f32,
    cy: f32,
    rx: f32,
    ry: f32,
    f: impl Fn([f32; 3], f32, f32) -> [f32; 3],
) {
    let (w, h) = img.dimensions();
    let x0 = (cx - rx - 2.0).max(0.0) as u32;
    let x1 = ((cx + rx + 2.0) as u32).min(w);
    let y0 = (cy - ry - 2.0).max(0.0) as u32;
    let y1 = ((cy + ry + 2.0) as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            let r = ((x as f32 - cx) / rx).powi(2) + ((y as f32 - cy) / ry).powi(2);
            let a = smoothstep(1.0, 0.8, r);
            if a > 0.0 {
                let p = img.get_pixel(x, y).0.map(|v| v as f32);
                let q = f(p, a, (y as f32 - cy) / ry);
                img.put_pixel(x, y, Rgb(q.map(clamp8)));
            }
        }
    }
}

pub fn hotspot(c: &Capture) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    let m = c.eye_mid();
    paint_ellipse(
        &mut img,
        m.x + 0.15 * e,
        m.y + 0.55 * e,
        0.35 * e,
        0.3 * e,
        |p, a| p.map(|v| v * (1.0 - a) + 255.0 * a),
    );
    with_img(c, img)
}

pub fn tinted_glasses(c: &Capture, k: f32) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    for eye in [c.face.left_eye, c.face.right_eye] {
        paint_ellipse(&mut img, eye.x, eye.y, 0.42 * e, 0.3 * e, |p, a| {
            p.map(|v| v * (1.0 - a + a * k))
        });
    }
    with_img(c, img)
}

/// Mirrored sunglasses: each lens an opaque reflection of a bright scene (sky over ground), about
/// as bright as the face, so the lens is not darker than the cheeks; only the missing white of
/// the eye gives it away.
pub fn mirrored_glasses(c: &Capture) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    let (sky, ground) = ([150.0, 185.0, 220.0], [120.0, 115.0, 105.0]);
    for eye in [c.face.left_eye, c.face.right_eye] {
        paint_ellipse_at(&mut img, eye.x, eye.y, 0.42 * e, 0.3 * e, |p, a, v| {
            let t = ((v + 1.0) / 2.0).clamp(0.0, 1.0);
            std::array::from_fn(|i| p[i] * (1.0 - a) + a * (sky[i] * (1.0 - t) + ground[i] * t))
        });
    }
    with_img(c, img)
}

pub fn glare(c: &Capture) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    for eye in [c.face.left_eye, c.face.right_eye] {
        paint_ellipse(
            &mut img,
            eye.x + 0.1 * e,
            eye.y - 0.05 * e,
            0.2 * e,
            0.12 * e,
            |p, a| p.map(|v| v * (1.0 - a) + 255.0 * a),
        );
    }
    with_img(c, img)
}

/// A face mask of cloth `colour` over the nose tip, mouth and chin; the eyes, brows and forehead
/// left free.
pub fn face_mask(c: &Capture, colour: [f32; 3]) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    let mouth = c.face.mouth_left.midpoint(c.face.mouth_right);
    let cy = (c.face.nose.y + mouth.y) / 2.0 + 0.25 * e;
    paint_ellipse(&mut img, c.face.nose.x, cy, 0.95 * e, 0.75 * e, |p, a| {
        [0, 1, 2].map(|k| p[k] * (1.0 - a) + colour[k] * a)
    });
    with_img(c, img)
}

/// A beanie: an opaque oval of one fabric colour over the top of the head, its lower edge a
/// little above the eyebrows.
pub fn beanie(c: &Capture, colour: [f32; 3]) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    let eyes = c.face.left_eye.midpoint(c.face.right_eye);
    paint_ellipse(
        &mut img,
        eyes.x,
        eyes.y - 1.85 * e,
        1.25 * e,
        1.05 * e,
        |p, a| [0, 1, 2].map(|k| p[k] * (1.0 - a) + colour[k] * a),
    );
    with_img(c, img)
}

pub fn red_eye(c: &Capture) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    for eye in [c.face.left_eye, c.face.right_eye] {
        paint_ellipse(&mut img, eye.x, eye.y, 0.075 * e, 0.075 * e, |p, a| {
            [
                p[0] * (1.0 - a) + 215.0 * a,
                p[1] * (1.0 - a) + 35.0 * a,
                p[2] * (1.0 - a) + 40.0 * a,
            ]
        });
    }
    with_img(c, img)
}

/// Eyes shut: each eye painted over with the skin just below it, and a dark lash line.
pub fn eyes_closed(c: &Capture) -> Capture {
    let mut img = c.img.clone();
    let e = c.eye_dist();
    for eye in [c.face.left_eye, c.face.right_eye] {
        let skin = bilinear(&c.img, eye.x, eye.y + 0.32 * e);
        paint_ellipse(&mut img, eye.x, eye.y, 0.26 * e, 0.12 * e, |p, a| {
            [0, 1, 2].map(|i| p[i] * (1.0 - a) + skin[i] * 0.95 * a)
        });
        paint_ellipse(
            &mut img,
            eye.x,
            eye.y + 0.03 * e,
            0.22 * e,
            0.015 * e,
            |p, a| p.map(|v| v * (1.0 - a) + 35.0 * a),
        );
    }
    with_img(c, img)
}

/// Skin smoothed, eyes and mouth kept: what a beauty filter does.
pub fn beautify(c: &Capture) -> Capture {
    let smooth = image::imageops::fast_blur(&c.img, c.eye_dist() * 0.06);
    let e = c.eye_dist();
    let m = c.eye_mid();
    let mouth = c.face.mouth_left.midpoint(c.face.mouth_right);
    let keep = |x: f32, y: f32, p: Point, rx: f32, ry: f32| {
        ((x - p.x) / rx).powi(2) + ((y - p.y) / ry).powi(2) < 1.0
    };
    let fb = c.face.bbox;
    let img = RgbImage::from_fn(c.img.width(), c.img.height(), |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let on_face = ((xf - fb.center().x) / (fb.w * 0.5)).powi(2)
            + ((yf - fb.center().y) / (fb.h * 0.5)).powi(2)
            < 1.0;
        let feature = keep(xf, yf, c.face.left_eye, 0.3 * e, 0.18 * e)
            || keep(xf, yf, c.face.right_eye, 0.3 * e, 0.18 * e)
            || keep(xf, yf, mouth, 0.5 * e, 0.25 * e)
            || keep(xf, yf, Point::new(m.x, m.y - 0.35 * e), 0.9 * e, 0.12 * e);
        if on_face && !feature {
            *smooth.get_pixel(x, y)
        } else {
            *c.img.get_pixel(x, y)
        }
    });
    with_img(c, img)
}

/// Recolours the top (matte, below the chin) keeping its shading.
pub fn recolour_top(c: &Capture, colour: [f32; 3]) -> Capture {
    let chin = c.chin_y() + c.face.bbox.h * 0.1;
    with_img(
        c,
        map_pixels(&c.img, |x, y, p| {
            let a = c.mask.get_pixel(x, y).0[0] as f32 / 255.0;
            if (y as f32) < chin || a <= 0.0 {
                return p;
            }
            let l = (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) / 60.0 + 0.6;
            let q = colour.map(|v| v * l.min(1.4));
            [0, 1, 2].map(|i| q[i] * a + p[i] * (1.0 - a))
        }),
    )
}

pub fn striped_top(c: &Capture, period: u32) -> Capture {
    let chin = c.chin_y() + c.face.bbox.h * 0.1;
    with_img(
        c,
        map_pixels(&c.img, |x, y, p| {
            let a = c.mask.get_pixel(x, y).0[0] as f32 / 255.0;
            if (y as f32) < chin || a <= 0.0 {
                return p;
            }
            let stripe = if (x / period).is_multiple_of(2) {
                [230.0, 230.0, 225.0]
            } else {
                [40.0, 40.0, 50.0]
            };
            [0, 1, 2].map(|i| stripe[i] * a + p[i] * (1.0 - a))
        }),
    )
}

/// A busy room instead of the backdrop: blocks of random colour (shelves, posters).
pub fn busy_background(c: &Capture, seed: u64) -> Capture {
    let mut n = Noise::new(seed);
    let cols: Vec<[f32; 3]> = (0..4096)
        .map(|_| {
            [
                n.next() * 90.0 + 130.0,
                n.next() * 90.0 + 130.0,
                n.next() * 90.0 + 130.0,
            ]
        })
        .collect();
    with_img(
        c,
        map_pixels(&c.img, |x, y, p| {
            let a = c.mask.get_pixel(x, y).0[0] as f32 / 255.0;
            let b = cols[((x / 37) * 31 + (y / 23) * 17) as usize % cols.len()];
            [0, 1, 2].map(|i| p[i] * a + b[i] * (1.0 - a))
        }),
    )
}

// ---- the labelled set ----

/// One labelled image: the checks it must fail; the checks not listed in `fail` or `any` must
/// pass (liveness is never judged on a still).
pub struct Labelled {
    pub name: String,
    pub capture: Capture,
    pub fail: Vec<CheckId>,
    /// Checks whose outcome this image does not decide (a side effect of the defect, or a real
    /// photo that is not a registration photo in that respect).
    pub any: Vec<CheckId>,
}

/// The checks every Obama-based capture fails for real: he smiles with his lips apart.
const OBAMA: &[CheckId] = &[CheckId::MouthClosed];

pub fn labelled_set(detector: &FaceDetector) -> Vec<Labelled> {
    use CheckId::*;
    let obama = fixture("fr_obama.jpg");
    let astronaut = fixture("skimage_astronaut.png");
    let base = studio(detector, &obama, 1.3, Point::new(960.0, 430.0), 1);
    let base2 = studio(detector, &obama, 1.1, Point::new(900.0, 400.0), 2);
    let astro = studio(detector, &astronaut, 3.0, Point::new(960.0, 420.0), 3);
    let mut set = Vec::new();
    let mut add = |name: &str, capture: Capture, fail: &[CheckId], any: &[CheckId]| {
        let mut fail_all = fail.to_vec();
        for id in OBAMA {
            if !fail_all.contains(id) && !any.contains(id) {
                fail_all.push(*id);
            }
        }
        set.push(Labelled {
            name: name.to_string(),
            capture,
            fail: fail_all,
            any: any.to_vec(),
        });
    };
    // Clean: variations a good capture shows anyway.
    add("studio", base.clone(), &[], &[]);
    add("studio-2", base2.clone(), &[], &[]);
    add("studio-brighter", gain(&base, 1.15), &[], &[]);
    add("studio-darker", gain(&base, 0.8), &[], &[]);
    add("studio-jpeg70", jpeg(&base, 70), &[], &[]);
    add("studio-noise", noise(&base, 6.0, 4), &[], &[]);
    add("studio-roll2", roll(&base, 2.0), &[], &[]);
    add("studio-720p", low_res(&base, 1280), &[], &[]);
    // The astronaut upscaled 3× is soft and smiles with teeth; judged only on what it shows.
    add(
        "astronaut-studio",
        astro.clone(),
        &[],
        &[
            MouthClosed,
            ImageSharp,
            Beautified,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
        ],
    );
    // Defects.
    add(
        "blur",
        blur(&base, 5.0),
        &[ImageSharp],
        &[Beautified, Recapture],
    );
    add(
        "blur-2",
        blur(&base2, 3.5),
        &[ImageSharp],
        &[Beautified, Recapture],
    );
    add(
        "under-exposed",
        gain(&base, 0.3),
        &[LightExposure],
        &[GlassesTinted, ClothingContrast, ClothingBlue, Beautified],
    );
    add(
        "over-exposed",
        gain(&base, 2.2),
        &[LightExposure],
        &[
            LightHotspot,
            GlassesGlare,
            ClothingContrast,
            ClothingBlue,
            Beautified,
            ImageSharp,
            BackgroundUniform,
        ],
    );
    add(
        "side-shadow",
        side_shadow(&base, 0.35),
        &[LightUniform],
        &[
            BackgroundUniform,
            ClothingContrast,
            ClothingBlue,
            LightExposure,
        ],
    );
    add(
        "side-shadow-2",
        side_shadow(&base2, 0.45),
        &[LightUniform],
        &[
            BackgroundUniform,
            ClothingContrast,
            ClothingBlue,
            LightExposure,
        ],
    );
    add("roll-12", roll(&base, 12.0), &[PoseFrontal], &[]);
    add("roll-9", roll(&base2, -9.0), &[PoseFrontal], &[]);
    add(
        "screen-moire",
        screen_moire(&base, 4.7, 20.0),
        &[Recapture],
        &[ImageSharp, Beautified, BackgroundUniform, ClothingPattern],
    );
    add(
        "screen-moire-2",
        screen_moire(&base2, 7.0, -35.0),
        &[Recapture],
        &[ImageSharp, Beautified, BackgroundUniform, ClothingPattern],
    );
    add(
        "print-halftone",
        halftone(&base, 5.0),
        &[Recapture],
        &[ImageSharp, Beautified, BackgroundUniform, ClothingPattern],
    );
    add(
        "blue-top",
        recolour_top(&base, [60.0, 130.0, 215.0]),
        &[ClothingBlue, ClothingContrast],
        &[],
    );
    add(
        "blue-top-2",
        recolour_top(&base2, [75.0, 145.0, 225.0]),
        &[ClothingBlue, ClothingContrast],
        &[],
    );
    add(
        "striped-top",
        striped_top(&base, 9),
        &[ClothingPattern],
        &[ClothingContrast, ClothingBlue],
    );
    add(
        "low-res",
        low_res(&base, 400),
        &[FaceSize],
        &[
            ImageSharp,
            Beautified,
            Recapture,
            EyesRedeye,
            GlassesTinted,
            BackgroundUniform,
            ClothingPattern,
        ],
    );
    add(
        "two-people",
        two_people(&base, 560.0, 0.85),
        &[FaceSingle],
        &[
            BackgroundUniform,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
        ],
    );
    add(
        "cut-off-left",
        shift(&base, -900),
        &[FacePosition],
        &[
            BackgroundUniform,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
            PoseFrontal,
            LightUniform,
            GlassesTinted,
            // Half the face is outside the frame: the chin and cheek patches are not there.
            FaceOccluded,
        ],
    );
    add(
        "too-high",
        shift_up(&base, 330),
        &[FacePosition],
        &[
            BackgroundUniform,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
            // The top of the head is outside the frame: nothing above the hairline to look at.
            HeadCovered,
        ],
    );
    add(
        "hotspot",
        hotspot(&base),
        &[LightHotspot],
        &[LightUniform, LightExposure, Beautified],
    );
    add(
        "tinted-glasses",
        tinted_glasses(&base, 0.25),
        &[GlassesTinted],
        &[LightExposure, Beautified, EyesOpen],
    );
    add(
        "mirrored-glasses",
        mirrored_glasses(&base),
        &[GlassesTinted],
        // An opaque lens: whether the eye under it is open cannot be seen.
        &[LightExposure, Beautified, EyesOpen],
    );
    add(
        "glare",
        glare(&base),
        &[GlassesGlare],
        // The painted glare is an opaque white oval over the whole eye: whether the eye under it
        // is open cannot be seen (the iris model finds no lids there).
        &[Beautified, LightHotspot, EyesOpen],
    );
    add("red-eye", red_eye(&base), &[EyesRedeye], &[Beautified]);
    add(
        "beanie-blue",
        beanie(&base, [45.0, 70.0, 150.0]),
        &[HeadCovered],
        // The cap's outline reaches into the backdrop the drawn mask leaves around the head.
        &[Beautified, BackgroundUniform],
    );
    // A plain off-white beanie: no vivid colour, so only the hair model sees it (it is not
    // hair, and not the colour of the face's skin).
    add(
        "beanie-white",
        beanie(&base, [232.0, 230.0, 224.0]),
        &[HeadCovered],
        &[Beautified, BackgroundUniform],
    );
    add(
        "busy-background",
        busy_background(&base, 5),
        &[BackgroundUniform],
        &[],
    );
    add("beautified", beautify(&base), &[Beautified], &[ImageSharp]);
    add(
        "beautified-2",
        beautify(&base2),
        &[Beautified],
        &[ImageSharp],
    );
    add(
        "eyes-closed",
        eyes_closed(&base),
        &[EyesOpen],
        &[Beautified, GlassesTinted, GlassesGlare, EyesRedeye],
    );
    add(
        "eyes-closed-2",
        eyes_closed(&base2),
        &[EyesOpen],
        &[Beautified, GlassesTinted, GlassesGlare, EyesRedeye],
    );
    // Second instances on the other framing, so no rule is tuned to one image.
    add(
        "under-exposed-2",
        gain(&base2, 0.38),
        &[LightExposure],
        &[GlassesTinted, ClothingContrast, ClothingBlue, Beautified],
    );
    add(
        "over-exposed-2",
        gain(&base2, 1.9),
        &[LightExposure],
        &[
            LightHotspot,
            GlassesGlare,
            ClothingContrast,
            ClothingBlue,
            Beautified,
            ImageSharp,
            BackgroundUniform,
        ],
    );
    add(
        "hotspot-2",
        hotspot(&base2),
        &[LightHotspot],
        &[LightUniform, LightExposure, Beautified],
    );
    add(
        "tinted-glasses-2",
        tinted_glasses(&base2, 0.35),
        &[GlassesTinted],
        &[LightExposure, Beautified, EyesOpen],
    );
    add(
        "mirrored-glasses-2",
        mirrored_glasses(&base2),
        &[GlassesTinted],
        &[LightExposure, Beautified, EyesOpen],
    );
    add(
        "glare-2",
        glare(&base2),
        &[GlassesGlare],
        // The painted glare is an opaque white oval over the whole eye: whether the eye under it
        // is open cannot be seen (the iris model finds no lids there).
        &[Beautified, LightHotspot, EyesOpen],
    );
    add("red-eye-2", red_eye(&base2), &[EyesRedeye], &[Beautified]);
    add(
        "beanie-green",
        beanie(&base2, [40.0, 110.0, 60.0]),
        &[HeadCovered],
        // The cap's outline reaches into the backdrop the drawn mask leaves around the head.
        &[Beautified, BackgroundUniform],
    );
    add(
        "busy-background-2",
        busy_background(&base2, 6),
        &[BackgroundUniform],
        &[],
    );
    add(
        "striped-top-2",
        striped_top(&base2, 14),
        &[ClothingPattern],
        &[ClothingContrast, ClothingBlue],
    );
    add(
        "low-res-2",
        low_res(&base2, 560),
        &[FaceSize],
        &[
            ImageSharp,
            Beautified,
            Recapture,
            EyesRedeye,
            GlassesTinted,
            BackgroundUniform,
            ClothingPattern,
        ],
    );
    add(
        "two-people-2",
        two_people(&base2, -520.0, 0.9),
        &[FaceSingle],
        &[
            BackgroundUniform,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
        ],
    );
    add(
        "cut-off-right",
        shift(&base2, 960),
        &[FacePosition],
        &[
            BackgroundUniform,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
            PoseFrontal,
            LightUniform,
            GlassesTinted,
            // Half the face is outside the frame: the chin and cheek patches are not there.
            FaceOccluded,
        ],
    );
    add(
        "screen-moire-3",
        screen_moire(&astro, 3.6, 60.0),
        &[Recapture],
        &[
            MouthClosed,
            ImageSharp,
            Beautified,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
            BackgroundUniform,
        ],
    );
    add(
        "roll-astronaut",
        roll(&astro, 10.0),
        &[PoseFrontal],
        &[
            MouthClosed,
            ImageSharp,
            Beautified,
            ClothingPattern,
            ClothingBlue,
            ClothingContrast,
        ],
    );
    set
}

/// Moved up by `dy` pixels (head at the top edge), wall fills in below.
pub fn shift_up(c: &Capture, dy: u32) -> Capture {
    let wall = wall(c.img.width(), c.img.height(), 11);
    let h = c.img.height();
    let img = RgbImage::from_fn(c.img.width(), h, |x, y| {
        if y + dy < h {
            *c.img.get_pixel(x, y + dy)
        } else {
            *wall.get_pixel(x, y)
        }
    });
    let mask = GrayImage::from_fn(c.img.width(), h, |x, y| {
        if y + dy < h {
            *c.mask.get_pixel(x, y + dy)
        } else {
            image::Luma([0])
        }
    });
    let mut face = c.face;
    for p in [
        &mut face.left_eye,
        &mut face.right_eye,
        &mut face.nose,
        &mut face.mouth_left,
        &mut face.mouth_right,
    ] {
        p.y -= dy as f32;
    }
    face.bbox.y -= dy as f32;
    Capture { img, mask, face }
}
