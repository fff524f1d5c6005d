//! The face-geometry checks: pose.frontal (3-D fit of the mesh), eyes.open (iris model),
//! mouth.closed (lip gap and teeth), face.occluded (what covers the lower face), glasses.tinted
//! (each eye box against the cheek below it, and the white of the eye against its iris). Each
//! measures on the main face's mesh and reports the value nearest its limit.

use super::pixels;
use super::rules::{FaceAreas, Unmeasured, median, not_measured, outcome};
use super::scene::Scene;
use super::{CheckId, CheckResult};
use crate::config::ChecksConfig;
use crate::face::{Eye, HairMap, Mesh, Point, mesh_index as mi, sample_bilinear};
use image::RgbImage;

/// One measured value against its limit, with what to say when it fails. `max`: the value must
/// stay at or below the limit (else at or above).
struct Limit {
    value: f32,
    limit: f32,
    max: bool,
    zh: &'static str,
    en: &'static str,
}

impl Limit {
    fn passed(&self) -> bool {
        if self.max {
            self.value <= self.limit
        } else {
            self.value >= self.limit
        }
    }

    /// How far toward failing: 1 at the limit, above 1 beyond it.
    fn load(&self) -> f32 {
        if self.max {
            self.value / self.limit.max(1e-6)
        } else {
            self.limit / self.value.max(1e-6)
        }
    }
}

/// The limit nearest failing (the first failed one when several fail).
fn worst(id: CheckId, limits: &[Limit]) -> CheckResult {
    let pick = limits
        .iter()
        .find(|l| !l.passed())
        .or_else(|| limits.iter().max_by(|a, b| a.load().total_cmp(&b.load())));
    match pick {
        Some(l) => outcome(id, l.value, l.limit, l.passed(), l.zh, l.en),
        None => not_measured(id, Unmeasured::Mesh),
    }
}

pub fn pose_frontal(s: &Scene, cfg: &ChecksConfig) -> CheckResult {
    if s.geo.is_none() {
        return not_measured(CheckId::PoseFrontal, Unmeasured::Face);
    }
    let Some(pose) = s.pose else {
        return not_measured(CheckId::PoseFrontal, Unmeasured::Mesh);
    };
    let mut limits = vec![
        Limit {
            value: pose.yaw.abs(),
            limit: cfg.pose_max_yaw_deg,
            max: true,
            zh: "头部偏向一侧。请正对镜头。",
            en: "Head turned to one side. Look straight into the camera.",
        },
        Limit {
            value: pose.pitch.abs(),
            limit: cfg.pose_max_pitch_deg,
            max: true,
            zh: "头部抬起或低下。请平视镜头，下巴不要抬高或压低。",
            en: "Head raised or lowered. Look straight at the camera, chin level.",
        },
        Limit {
            value: pose.roll.abs(),
            limit: cfg.pose_max_roll_deg,
            max: true,
            zh: "头部歪斜。请坐正，头部保持水平。",
            en: "Head tilted. Sit straight and keep your head level.",
        },
    ];
    if let Some(t) = s.shoulder_tilt_deg() {
        limits.push(Limit {
            value: t.abs(),
            limit: cfg.pose_max_shoulder_deg,
            max: true,
            zh: "肩膀不平。请坐正，双肩保持水平。",
            en: "Shoulders not level. Sit straight with both shoulders level.",
        });
    }
    worst(CheckId::PoseFrontal, &limits)
}

/// Horizontal gaze of both eyes toward the image's right, in eye widths from straight ahead:
/// each iris centre's place between its corners (the right-hand eye is seen mirrored, so its
/// inward is the other way).
fn gaze(s: &Scene) -> Option<f32> {
    let [l, r] = s.eyes.as_ref()?;
    Some((l.gaze()? - r.gaze()?) / 2.0)
}

pub fn eyes_open(s: &Scene, cfg: &ChecksConfig) -> CheckResult {
    let (Some(_), Some([l, r])) = (&s.mesh, &s.eyes) else {
        return not_measured(CheckId::EyesOpen, Unmeasured::Mesh);
    };
    let (Some(lo), Some(ro)) = (l.openness(), r.openness()) else {
        return not_measured(CheckId::EyesOpen, Unmeasured::Mesh);
    };
    // Either eye closed fails: a wink, a half-closed eye.
    let open = lo.min(ro);
    let mut limits = vec![
        Limit {
            value: open,
            limit: cfg.eyes_min_open,
            max: false,
            zh: "眼睛没有完全睁开。请自然睁大双眼，平视镜头。",
            en: "Eyes not fully open. Open both eyes naturally and look at the camera.",
        },
        // A wink or one half-closed eye: judged against the person's other eye, so a naturally
        // narrow pair of eyes is not compared with anyone else's.
        Limit {
            value: open / lo.max(ro).max(1e-6),
            limit: cfg.eyes_min_symmetry,
            max: false,
            zh: "一只眼睛没有睁开。请双眼自然睁开，平视镜头。",
            en: "One eye is not open. Open both eyes naturally and look at the camera.",
        },
    ];
    // Where the iris is hidden by the lids its position means nothing.
    if open >= cfg.eyes_min_open
        && let Some(g) = gaze(s)
    {
        limits.push(Limit {
            value: g.abs(),
            limit: cfg.eyes_max_gaze,
            max: true,
            zh: "眼睛没有直视镜头。请看向镜头。",
            en: "Eyes not looking at the camera. Look straight into the lens.",
        });
    }
    worst(CheckId::EyesOpen, &limits)
}

/// Tinted or mirrored lenses, two looks, the one nearer its limit reported (a failing one
/// first): each eye box against the cheek below it, the darker pair (a dark lens), and the white
/// of the eye against its iris ([`eye_white`]: any lens, a mirrored one too, which can be as
/// bright as the skin).
pub fn glasses_tinted(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    // Each eye against the cheek below it: light from one side darkens an eye and the cheek on
    // its side alike, a lens darkens the eye alone. The brighter of two cheek samples: a big
    // lens reaches over the upper cheek and darkens it with the eye, never the skin lower down
    // (beside the nostrils), while on a bare face the upper cheek, nearer the light of the brow
    // and cheekbone, is usually the brighter and the verdict is unchanged.
    let ratio = a
        .eyes
        .iter()
        .zip(a.cheeks.iter().zip(&a.lower_cheeks))
        .filter_map(|(&e, (&c, &low))| {
            let eye = pixels::median_luma(s.img, e)?;
            let upper = pixels::median_luma(s.img, c)?;
            let cheek = pixels::median_luma(s.img, low).map_or(upper, |l| l.max(upper));
            Some(eye / cheek.max(1.0))
        })
        .reduce(f32::min);
    let Some(ratio) = ratio else {
        return not_measured(CheckId::GlassesTinted, Unmeasured::Face);
    };
    let mut limits = vec![Limit {
        value: ratio,
        limit: cfg.tinted_min_ratio,
        max: false,
        zh: "眼部太暗（有色眼镜或阴影）。请摘下有色眼镜。",
        en: "Eyes too dark (tinted glasses or shadow). Take off tinted glasses.",
    }];
    if let Some(white) = s.eyes.as_ref().and_then(|e| eye_white(s.img, e)) {
        limits.push(Limit {
            value: white,
            limit: cfg.tinted_min_white,
            max: false,
            zh: "看不到眼白（有色或反光镜片）。请摘下墨镜或有色眼镜。",
            en: "The whites of the eyes do not show (tinted or mirrored lenses). Take off sunglasses.",
        });
    }
    worst(CheckId::GlassesTinted, &limits)
}

/// The eye opening's lid points in order around it: the lower lid from the outer corner to the
/// inner one, then the upper lid back (the iris model's contour indices).
const LID_RING: [usize; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 14, 13, 12, 11, 10, 9];
/// Fewest pixels of white and of iris an eye needs to be judged by [`eye_white`].
const MIN_WHITE_PX: usize = 6;
const MIN_IRIS_PX: usize = 3;

/// How much brighter the white of the eye is than its iris, in the eye that shows more of it:
/// the brightest tenth (90th percentile of luminance) of the eye opening outside the iris ring,
/// over the median of the iris disc. A bare open eye shows a white beside a darker iris whatever
/// the skin or the light on the face (1.31 and more on 479 bare open-eyed faces of real
/// photos); behind a tinted or mirrored lens "white" and "iris" are the same glass (about 1).
/// The 90th percentile, not the median: the lashes and the lid's shadow darken the rim of the
/// opening. `None` without the iris model's points or when either eye's opening has too few
/// pixels to tell (a small or closed eye, which eyes.open judges).
pub fn eye_white(img: &RgbImage, eyes: &[Eye; 2]) -> Option<f32> {
    let one = |e: &Eye| -> Option<f32> {
        let centre = *e.iris.first()?;
        let rim = e.iris.get(1..5)?;
        let r = rim.iter().map(|p| p.distance(centre)).sum::<f32>() / rim.len() as f32;
        let ring: Vec<Point> = LID_RING
            .iter()
            .map(|&i| e.contour.get(i).copied())
            .collect::<Option<_>>()?;
        let (mut white, mut iris) = (Vec::new(), Vec::new());
        for_each_inside_at(img, &ring, |x, y, p| {
            let d = (x as f32 + 0.5 - centre.x).hypot(y as f32 + 0.5 - centre.y);
            let l = pixels::luma(p);
            // A band around the iris's edge is left out: it blends both.
            if d > 1.15 * r {
                white.push(l);
            } else if d < 0.8 * r {
                iris.push(l);
            }
        });
        if white.len() < MIN_WHITE_PX {
            return None;
        }
        white.sort_by(f32::total_cmp);
        let bright = white[white.len() * 9 / 10];
        let iris = if iris.len() >= MIN_IRIS_PX {
            iris.sort_by(f32::total_cmp);
            iris[iris.len() / 2]
        } else {
            // The model put the iris outside the opening it found: on a lens there is no eye to
            // place it in. Its disc, wherever it is, is then compared with the opening.
            luma(patch(img, centre, 0.55 * r)?)
        };
        Some(bright / iris.max(1.0))
    };
    let [l, r] = eyes;
    Some(one(l)?.max(one(r)?))
}

/// Outer lip outline.
const OUTER_LIPS: [usize; 20] = [
    61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
];

pub fn mouth_closed(s: &Scene, cfg: &ChecksConfig) -> CheckResult {
    let Some(m) = &s.mesh else {
        return not_measured(CheckId::MouthClosed, Unmeasured::Mesh);
    };
    let width = m
        .point(mi::MOUTH_LEFT)
        .distance(m.point(mi::MOUTH_RIGHT))
        .max(1e-3);
    let gap = m.point(mi::LIP_TOP).distance(m.point(mi::LIP_BOTTOM)) / width;
    let mut limits = vec![Limit {
        value: gap,
        limit: cfg.mouth_max_open,
        max: true,
        zh: "嘴巴张开。请自然闭上嘴唇，不要露齿。",
        en: "Mouth open. Close your lips naturally, no teeth showing.",
    }];
    if let Some(t) = teeth_share(s.img, m) {
        limits.push(Limit {
            value: t,
            limit: cfg.mouth_max_teeth,
            max: true,
            zh: "露出牙齿。请自然闭上嘴唇，不要笑露齿。",
            en: "Teeth showing. Close your lips naturally, no smile with teeth.",
        });
    }
    worst(CheckId::MouthClosed, &limits)
}

/// Pixels of `img` inside a polygon (even-odd rule, pixel centres), with a callback per pixel.
#[cfg(test)]
fn for_each_inside(img: &RgbImage, poly: &[Point], mut f: impl FnMut([u8; 3])) {
    for_each_inside_at(img, poly, |_, _, p| f(p));
}

/// The pixels inside a polygon (even-odd rule, pixel centres) with their coordinates.
fn for_each_inside_at(img: &RgbImage, poly: &[Point], mut f: impl FnMut(u32, u32, [u8; 3])) {
    let (w, h) = img.dimensions();
    if poly.len() < 3 || w == 0 || h == 0 {
        return;
    }
    let y0 = poly
        .iter()
        .map(|p| p.y)
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as u32;
    let y1 = (poly
        .iter()
        .map(|p| p.y)
        .fold(f32::MIN, f32::max)
        .ceil()
        .max(0.0) as u32)
        .min(h);
    let mut xs: Vec<f32> = Vec::new();
    for y in y0..y1 {
        let yc = y as f32 + 0.5;
        xs.clear();
        for (i, a) in poly.iter().enumerate() {
            let b = poly[(i + 1) % poly.len()];
            if (a.y <= yc) != (b.y <= yc) {
                xs.push(a.x + (yc - a.y) / (b.y - a.y) * (b.x - a.x));
            }
        }
        xs.sort_by(f32::total_cmp);
        for pair in xs.chunks_exact(2) {
            let from = (pair[0] - 0.5).ceil().max(0.0) as u32;
            let to = ((pair[1] - 0.5).floor() + 1.0).clamp(0.0, w as f32) as u32;
            for x in from..to {
                f(x, y, img.get_pixel(x, y).0);
            }
        }
    }
}

fn outline(m: &Mesh, idx: &[usize]) -> Vec<Point> {
    idx.iter().map(|&i| m.point(i)).collect()
}

/// Median colour of the square of half-side `r` around `p`; `None` outside the image.
fn patch(img: &RgbImage, p: Point, r: f32) -> Option<[f32; 3]> {
    let (w, h) = img.dimensions();
    let r = r.max(1.0);
    let clip = |v: f32, n: u32| v.round().clamp(0.0, n as f32) as u32;
    let (x0, x1) = (clip(p.x - r, w), clip(p.x + r, w));
    let (y0, y1) = (clip(p.y - r, h), clip(p.y + r, h));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut ch: [Vec<u8>; 3] = Default::default();
    for y in y0..y1 {
        for x in x0..x1 {
            let px = img.get_pixel(x, y).0;
            for c in 0..3 {
                ch[c].push(px[c]);
            }
        }
    }
    Some(ch.map(|mut v| {
        v.sort_unstable();
        v[v.len() / 2] as f32
    }))
}

fn luma(p: [f32; 3]) -> f32 {
    0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]
}

/// Red over green: lips are redder than skin, teeth and most cloth less.
fn redness(p: [f32; 3]) -> f32 {
    p[0] / p[1].max(1.0)
}

/// Colour saturation, (max − min) / max of the channels, 0–1.
fn saturation(p: [f32; 3]) -> f32 {
    let hi = p[0].max(p[1]).max(p[2]);
    let lo = p[0].min(p[1]).min(p[2]);
    (hi - lo) / hi.max(1.0)
}

/// Half height, in mouth widths, of the band along the lip line where teeth show: a smile's
/// teeth sit between the lips, on the line from corner to corner; a closed mouth's bright
/// patches (a lit lower lip, a gloss highlight) sit on the lips' surfaces, above or below it.
const TEETH_BAND: f32 = 0.08;
/// Teeth are less saturated than the person's own skin (near-white, at most ivory); a pale,
/// lit or pink lip is about as saturated as the skin or more.
const TEETH_MAX_SATURATION: f32 = 0.7;

/// Teeth are nearly grey in red over green (white or ivory: R/G about 1.0–1.1), while a lip keeps
/// its pink however it is lit: a teeth pixel keeps at most this share of the skin's own red
/// excess over grey (R/G − 1). A pale lower lip in a highlight, a bearded man's lip line under a
/// grey moustache, keep more; measured on real closed mouths and smiles (docs/CHECKS.md).
const TEETH_MAX_RED_EXCESS: f32 = 0.4;

/// Teeth inside the lips, as a share of the outer-lip area: pixels on the lip line (within
/// [`TEETH_BAND`] mouth widths of the line through the corners and the inner-lip middle),
/// clearly brighter than the lips, less red than the skin (by 0.08 and down to
/// [`TEETH_MAX_RED_EXCESS`] of its red) and less saturated than it ([`TEETH_MAX_SATURATION`]).
/// Judged on pixels because the mesh draws closed inner lips over a smile's teeth. `None` when
/// the lips are too small to look at or the photo is grey.
pub fn teeth_share(img: &RgbImage, m: &Mesh) -> Option<f32> {
    let lips = outline(m, &OUTER_LIPS);
    let (left, right) = (m.point(mi::MOUTH_LEFT), m.point(mi::MOUTH_RIGHT));
    let width = left.distance(right);
    if width < 12.0 {
        return None;
    }
    let cheeks = cheeks(img, m, 0.08 * width);
    if cheeks.is_empty() {
        return None;
    }
    let n = cheeks.len() as f32;
    let skin_red = cheeks.iter().map(|&c| redness(c)).sum::<f32>() / n;
    let skin_y = cheeks.iter().map(|&c| luma(c)).sum::<f32>() / n;
    let skin_sat = cheeks.iter().map(|&c| saturation(c)).sum::<f32>() / n;
    let mut ys = Vec::new();
    for_each_inside_at(img, &lips, |x, y, p| ys.push((x, y, p)));
    if ys.len() < 20 {
        return None;
    }
    let mut lumas: Vec<f32> = ys.iter().map(|&(_, _, p)| luma(p.map(f32::from))).collect();
    lumas.sort_by(f32::total_cmp);
    let lip_y = lumas[lumas.len() / 2];
    // A grey photo has no colour to tell teeth from lips (or from a lit lip): the lip gap alone
    // judges it.
    let colour = cheeks
        .iter()
        .any(|c| (c[0] - c[1]).abs() > 6.0 || (c[2] - c[1]).abs() > 6.0);
    if !colour {
        return None;
    }
    // The lip line: through the middle of the inner lips, along the corners' direction.
    let mid = m.point(mi::LIP_TOP).midpoint(m.point(mi::LIP_BOTTOM));
    let (dx, dy) = ((right.x - left.x) / width, (right.y - left.y) / width);
    let off_line = |x: u32, y: u32| {
        let (px, py) = (x as f32 + 0.5 - mid.x, y as f32 + 0.5 - mid.y);
        (px * -dy + py * dx).abs() / width
    };
    let bright = (lip_y * 1.3).max(skin_y * 0.85);
    let max_red = (skin_red - 0.08).min(1.0 + TEETH_MAX_RED_EXCESS * (skin_red - 1.0));
    let teeth = ys
        .iter()
        .filter(|&&(x, y, p)| {
            let p = p.map(f32::from);
            luma(p) >= bright
                && redness(p) <= max_red
                && saturation(p) <= TEETH_MAX_SATURATION * skin_sat
                && off_line(x, y) <= TEETH_BAND
        })
        .count();
    Some(teeth as f32 / ys.len() as f32)
}

/// The person's own skin beside the mouth: a patch of half-side `r` on each cheek beside the
/// nose (those inside the image).
fn cheeks(img: &RgbImage, m: &Mesh, r: f32) -> Vec<[f32; 3]> {
    [205, 425]
        .iter()
        .filter_map(|&i| patch(img, m.point(i), r))
        .collect()
}

/// Outer-lip points in pairs across the mouth (upper, lower): the middle and two either side.
const LIP_COLUMNS: [(usize, usize); 5] = [(39, 181), (37, 84), (0, 17), (267, 314), (269, 405)];

/// How much a mouth shows of itself: across the lips, from the skin above the upper lip's outer
/// edge to the skin below the lower lip's (0.1 mouth widths beyond each), the range of luma
/// over the cheeks' luma, the median of five columns. Lips are darker than the skin round them
/// and meet in a darker line; an open mouth adds its cavity, a smile its teeth. A mask, a scarf,
/// a hand or a cup over the mouth is one smooth surface where the mesh puts the lips, whatever
/// its colour: a cream mask in warm light passes the colour score and not this. Luma only, so it
/// looks at grey photos too. `None` when the mouth is too small to look at.
pub fn lip_contrast(img: &RgbImage, m: &Mesh) -> Option<f32> {
    let width = m.point(mi::MOUTH_LEFT).distance(m.point(mi::MOUTH_RIGHT));
    if width < 12.0 {
        return None;
    }
    let cheeks = cheeks(img, m, 0.08 * width);
    if cheeks.is_empty() {
        return None;
    }
    let skin = cheeks.iter().map(|&c| luma(c)).sum::<f32>() / cheeks.len() as f32;
    const STEPS: usize = 24;
    let reach = 0.1 * width;
    // Each sample averages three points along the lips, 0.02 mouth widths apart.
    let side = 0.02 * width;
    let ranges: Vec<f32> = LIP_COLUMNS
        .iter()
        .filter_map(|&(up, down)| {
            let (a, b) = (m.point(up), m.point(down));
            let len = a.distance(b);
            if len < 1.0 {
                return None;
            }
            let (dx, dy) = ((b.x - a.x) / len, (b.y - a.y) / len);
            let (lo, hi) = (0..=STEPS)
                .map(|k| {
                    let t = -reach + (len + 2.0 * reach) * k as f32 / STEPS as f32;
                    let (x, y) = (a.x + dx * t, a.y + dy * t);
                    [-1.0f32, 0.0, 1.0]
                        .iter()
                        .map(|&j| {
                            let p = sample_bilinear(
                                img,
                                x - dy * j * side - 0.5,
                                y + dx * j * side - 0.5,
                            );
                            luma(p)
                        })
                        .sum::<f32>()
                        / 3.0
                })
                .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            Some((hi - lo) / skin.max(1.0))
        })
        // A mesh point off the numbers (NaN) leaves its column's range undefined: not a mouth
        // seen, not a covering either.
        .filter(|r| r.is_finite())
        .collect();
    median(ranges)
}

/// Skin patches above any mask, scarf or hand at the mouth (forehead, between the brows, the
/// nose bridge between the eyes) and below the nose, where a covering would be (the chin and
/// both cheeks beside the mouth), as mesh points; the middle of the upper and lower lip, at their
/// outer edges (0, 17) and inside the lip bodies (11, 16: a broad smile stretches the lips thin,
/// and a patch at the outer edge then holds skin and teeth more than lip); the chin under the
/// lips.
const UPPER_SKIN: [usize; 3] = [151, 9, 168];
const LOWER_FACE: [usize; 3] = [200, 214, 434];
const LIP_MIDDLES: [usize; 4] = [0, 17, 11, 16];
const CHIN: usize = 200;

/// Warmth of a colour: skin (and lips) have more red than blue whatever the complexion; white,
/// grey, black and blue cloth do not.
fn warmth(p: [f32; 3]) -> f32 {
    (p[0] - p[2]) / (p[0] + p[1] + p[2]).max(1.0)
}

/// What a covering of the lower face does to its colours, each against the same face's own skin
/// (so neither complexion, light colour nor the camera counts):
/// - the lower face loses the skin's warmth: the median of the upper patches minus the median
///   of the lower ones (hair over the forehead, brown and warmer than skin, or a glasses bridge
///   take one upper patch, which the median ignores);
/// - the lips stop being redder than the chin below them (red / green of the redder lip middle
///   minus the chin's).
///
/// Score = warmth drop − lip redness: about −0.4…0 on uncovered faces, above 0 under a mask.
/// A grey photo has neither (score 0). `None` when the face is too small for the patches, or
/// when fewer than two upper patches, or any lower patch or the lips, are in the picture.
pub fn occlusion_score(img: &RgbImage, m: &Mesh) -> Option<f32> {
    let face_w = m.point(mi::CHEEK_LEFT).distance(m.point(mi::CHEEK_RIGHT));
    if face_w < 24.0 {
        return None;
    }
    let r = 0.04 * face_w;
    let at = |i: usize| patch(img, m.point(i), r);
    let upper: Vec<[f32; 3]> = UPPER_SKIN.iter().filter_map(|&i| at(i)).collect();
    let lower: Vec<f32> = LOWER_FACE
        .iter()
        .filter_map(|&i| at(i))
        .map(warmth)
        .collect();
    let lips: Vec<[f32; 3]> = LIP_MIDDLES.iter().filter_map(|&i| at(i)).collect();
    let chin = at(CHIN)?;
    // The forehead patch is the first to leave the picture (a close selfie, a tight crop); the
    // two between the eyes still show the skin, and the warmer of them is what a covering lower
    // down would have cooled.
    if upper.len() < UPPER_SKIN.len() - 1 || lips.is_empty() || lower.len() < LOWER_FACE.len() {
        return None;
    }
    let skin = median(upper.into_iter().map(warmth).collect())?;
    let warmth_drop = skin - median(lower)?;
    let lip_red = lips.iter().map(|&p| redness(p)).fold(f32::MIN, f32::max) - redness(chin);
    Some(warmth_drop - lip_red)
}

/// Below this mask score the face mask model is sure enough of a bare lower face that the colour
/// score alone does not refuse it: grey beards and moustaches cool the lower face as a white mask
/// does. Measured: every masked face the colour score caught had a mask score of 0.24 or more
/// (65 labelled masked faces and 100 other masked web photos), the bare faces it refused 0.04
/// or less.
const COLOUR_NEEDS_DOUBT: f32 = 0.1;

/// face.occluded: the face mask model's score (`mask`, `None` when it was not asked) and two
/// pixel looks at the lower face through the mesh: its colours ([`occlusion_score`], counted
/// only when the model was not asked or doubts the face, [`COLOUR_NEEDS_DOUBT`]) and the lips'
/// contrast ([`lip_contrast`]); the one nearest its limit is reported, a failing one first.
/// A mask the model is sure of fails the check even where the mesh found no face under it.
pub fn face_occluded(s: &Scene, cfg: &ChecksConfig, mask: Option<f32>) -> CheckResult {
    if s.geo.is_none() {
        return not_measured(CheckId::FaceOccluded, Unmeasured::Face);
    }
    const ZH: &str =
        "脸部被遮挡（口罩、手、话筒或头发）。请摘下口罩，露出整张脸，头发不要遮住眉毛和眼睛。";
    const EN: &str = "Face covered (mask, hand, microphone or hair). Take off the mask and show your whole face, hair off the eyebrows and eyes.";
    let model = mask.map(|value| Limit {
        value,
        limit: cfg.occluded_max_mask,
        max: true,
        zh: ZH,
        en: EN,
    });
    let pixels = s
        .mesh
        .as_ref()
        .and_then(|m| Some((occlusion_score(s.img, m)?, lip_contrast(s.img, m))));
    let Some((score, contrast)) = pixels else {
        return match model {
            Some(l) if !l.passed() => worst(CheckId::FaceOccluded, &[l]),
            _ => not_measured(CheckId::FaceOccluded, Unmeasured::Mesh),
        };
    };
    let mut limits = Vec::new();
    if mask.is_none_or(|m| m >= COLOUR_NEEDS_DOUBT) {
        limits.push(Limit {
            value: score,
            limit: cfg.occluded_max_score,
            max: true,
            zh: ZH,
            en: EN,
        });
    }
    if let Some(contrast) = contrast {
        limits.push(Limit {
            value: contrast,
            limit: cfg.occluded_min_lip_contrast,
            max: false,
            zh: ZH,
            en: EN,
        });
    }
    limits.extend(model);
    worst(CheckId::FaceOccluded, &limits)
}

/// Hue in degrees (0–360) of a colour; 0 for a grey.
fn hue(p: [f32; 3]) -> f32 {
    let (r, g, b) = (p[0], p[1], p[2]);
    let hi = r.max(g).max(b);
    let d = hi - r.min(g).min(b);
    if d <= 0.0 {
        return 0.0;
    }
    let h = if hi == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if hi == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    h * 60.0
}

/// A fabric colour that neither hair nor skin has: saturated (0.45) and bright (90) enough to
/// have a clear hue, and that hue green, blue, violet or magenta. Hair and skin of every tone,
/// dyed blond, red or auburn included, have hues from red through orange to yellow (about −20° to
/// 60°). Dark hair under a webcam's blue cast reaches saturation 0.35 at brightness 50–80, which
/// is why both bounds are this high.
fn vivid_fabric(p: [f32; 3]) -> bool {
    let h = hue(p);
    saturation(p) >= 0.45 && p[0].max(p[1]).max(p[2]) >= 90.0 && (65.0..=330.0).contains(&h)
}

/// Samples across and up of the band above the hairline that head.covered reads.
const CROWN_SAMPLES: (usize, usize) = (24, 8);

/// Share of the head just above the hairline that is a vivid fabric colour ([`vivid_fabric`]):
/// a band from the forehead's top mesh point (10) upward by 0.03–0.15 of the forehead-to-chin
/// height, 0.3 face widths either side of the midline, along the face's own axes (a tilted head
/// is followed). That band is hair, a bald scalp or whatever covers the head; pixels the person
/// mask calls backdrop are left out. `None` when the face is too small or no sample is on the
/// person.
pub fn covering_share(s: &Scene, m: &Mesh) -> Option<f32> {
    let top = m.point(mi::FOREHEAD_TOP);
    let chin = m.point(mi::CHIN);
    let height = top.distance(chin);
    let width = m.point(mi::CHEEK_LEFT).distance(m.point(mi::CHEEK_RIGHT));
    if height < 24.0 || width < 16.0 {
        return None;
    }
    let up = Point::new((top.x - chin.x) / height, (top.y - chin.y) / height);
    // Across the face, toward the image's right.
    let side = Point::new(-up.y, up.x);
    let (w, h) = s.img.dimensions();
    let (nu, nv) = CROWN_SAMPLES;
    let (mut n, mut vivid) = (0usize, 0usize);
    for j in 0..nv {
        let v = (0.03 + 0.12 * j as f32 / (nv - 1) as f32) * height;
        for i in 0..nu {
            let u = (-0.3 + 0.6 * i as f32 / (nu - 1) as f32) * width;
            let (x, y) = (top.x + side.x * u + up.x * v, top.y + side.y * u + up.y * v);
            if x < 0.0 || y < 0.0 || x >= w as f32 || y >= h as f32 {
                continue;
            }
            if s.masked_out(x, y) {
                continue;
            }
            n += 1;
            if vivid_fabric(crate::face::sample_bilinear(s.img, x, y)) {
                vivid += 1;
            }
        }
    }
    (n > 0).then(|| vivid as f32 / n as f32)
}

/// CIE L*a*b* (D65) of an sRGB colour in 0–255: L 0–100, a and b about −100…100. Distances in
/// it follow what the eye sees, so "close to the skin's colour" means the same for every tone.
fn lab(p: [f32; 3]) -> [f32; 3] {
    let lin = |c: f32| {
        let c = c / 255.0;
        if c > 0.04045 {
            ((c + 0.055) / 1.055).powf(2.4)
        } else {
            c / 12.92
        }
    };
    let (r, g, b) = (lin(p[0]), lin(p[1]), lin(p[2]));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// Skin of the face that no head covering reaches and no mask covers: between the brows and
/// down the nose bridge (mesh points 9, 168, 6, 197), the median of their patches.
fn bridge_skin(img: &RgbImage, m: &Mesh, width: f32) -> Option<[f32; 3]> {
    let mut cols: Vec<[f32; 3]> = [9, 168, 6, 197]
        .iter()
        .filter_map(|&i| patch(img, m.point(i), 0.04 * width))
        .collect();
    if cols.is_empty() {
        return None;
    }
    let mut out = [0.0; 3];
    for (c, o) in out.iter_mut().enumerate() {
        cols.sort_by(|a, b| a[c].total_cmp(&b[c]));
        *o = cols[cols.len() / 2][c];
    }
    Some(out)
}

/// Like the face's own skin: chroma within 12 of the bridge's (a and b of L*a*b*) and lightness
/// within 30 (a bald scalp is lit brighter than the nose bridge, a shaved one darker).
fn skin_like(p: [f32; 3], skin: [f32; 3]) -> bool {
    (p[1] - skin[1]).hypot(p[2] - skin[2]) < 12.0 && (p[0] - skin[0]).abs() < 30.0
}

/// Rows and columns of the head band that [`covered_share`] reads.
const HEAD_BAND: (usize, usize) = (21, 10);

/// Share of the head above the forehead that is neither hair nor skin: a band from 0.06 to 0.24
/// forehead-to-chin heights above the forehead's top mesh point (10), 0.25 face widths either side
/// of the midline, along the face's own axes. On a bare head that is hair (the hair model says
/// so, whatever its colour: black, grey, white, dyed, an afro) or the skin of a bald scalp or a
/// high forehead (its colour is the nose bridge's); a cap, a hat, a headscarf or a hood is
/// neither. Samples outside the image or on the backdrop (person mask) are left out. `None` when
/// the face is too small or no sample counts.
pub fn covered_share(s: &Scene, m: &Mesh, hair: &HairMap) -> Option<f32> {
    let top = m.point(mi::FOREHEAD_TOP);
    let chin = m.point(mi::CHIN);
    let height = top.distance(chin);
    let width = m.point(mi::CHEEK_LEFT).distance(m.point(mi::CHEEK_RIGHT));
    if height < 24.0 || width < 16.0 {
        return None;
    }
    let skin = lab(bridge_skin(s.img, m, width)?);
    let up = Point::new((top.x - chin.x) / height, (top.y - chin.y) / height);
    let side = Point::new(-up.y, up.x);
    let (w, h) = s.img.dimensions();
    let (nu, nv) = HEAD_BAND;
    let (mut n, mut covered) = (0usize, 0usize);
    for j in 0..nv {
        let v = (0.06 + 0.02 * j as f32) * height;
        for i in 0..nu {
            let u = (-0.25 + 0.025 * i as f32) * width;
            let (x, y) = (top.x + side.x * u + up.x * v, top.y + side.y * u + up.y * v);
            if x < 0.0 || y < 0.0 || x >= w as f32 || y >= h as f32 || s.masked_out(x, y) {
                continue;
            }
            n += 1;
            let hairy = hair.at(x, y) > 0.5;
            if !hairy && !skin_like(lab(crate::face::sample_bilinear(s.img, x, y)), skin) {
                covered += 1;
            }
        }
    }
    (n > 0).then(|| covered as f32 / n as f32)
}

/// head.covered: a hat, cap, beanie, hood, headscarf or headband over the head (SPEC §4). Two
/// looks: `hair`, the share of the head above the forehead that is neither hair nor skin
/// ([`covered_share`], measured with the hair model; `None` when the model was not asked), and
/// the vivid fabric colours just above the hairline ([`covering_share`], no model). The one
/// nearer its limit is reported, a failing one first.
pub fn head_covered(s: &Scene, cfg: &ChecksConfig, hair: Option<f32>) -> CheckResult {
    if s.geo.is_none() {
        return not_measured(CheckId::HeadCovered, Unmeasured::Face);
    }
    let Some(m) = &s.mesh else {
        return not_measured(CheckId::HeadCovered, Unmeasured::Mesh);
    };
    const ZH: &str = "请摘下帽子、头巾、发带等头部覆盖物，露出头发和额头。";
    const EN: &str = "Head covered (hat, cap, beanie, hood or headband). Take it off so your hair and forehead show.";
    let mut limits = Vec::new();
    if let Some(v) = hair {
        limits.push(Limit {
            value: v,
            limit: cfg.head_covered_max_share,
            max: true,
            zh: ZH,
            en: EN,
        });
    }
    if let Some(v) = covering_share(s, m) {
        limits.push(Limit {
            value: v,
            limit: cfg.head_covered_max_vivid,
            max: true,
            zh: ZH,
            en: EN,
        });
    }
    worst(CheckId::HeadCovered, &limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_polygon_fill_counts_the_pixels_inside() {
        let img = RgbImage::new(20, 20);
        let square = [
            Point::new(2.0, 2.0),
            Point::new(12.0, 2.0),
            Point::new(12.0, 7.0),
            Point::new(2.0, 7.0),
        ];
        let mut n = 0;
        for_each_inside(&img, &square, |_| n += 1);
        assert_eq!(n, 50);
        // Partly outside the image: only the inside pixels.
        let off = [
            Point::new(-5.0, -5.0),
            Point::new(5.0, -5.0),
            Point::new(5.0, 5.0),
            Point::new(-5.0, 5.0),
        ];
        let mut n = 0;
        for_each_inside(&img, &off, |_| n += 1);
        assert_eq!(n, 25);
    }

    #[test]
    fn hair_and_skin_are_not_fabric_colours() {
        for hair_or_skin in [
            [30.0, 25.0, 22.0],
            [120.0, 80.0, 45.0],
            [220.0, 190.0, 120.0],
            [170.0, 70.0, 40.0],
            [200.0, 200.0, 205.0],
            [200.0, 150.0, 120.0],
            [90.0, 60.0, 50.0],
        ] {
            assert!(!vivid_fabric(hair_or_skin), "{hair_or_skin:?}");
        }
        for fabric in [
            [40.0, 60.0, 160.0],
            [30.0, 120.0, 60.0],
            [120.0, 40.0, 150.0],
            [200.0, 40.0, 160.0],
        ] {
            assert!(vivid_fabric(fabric), "{fabric:?}");
        }
    }

    #[test]
    fn lab_puts_white_black_and_skin_where_they_belong() {
        let white = lab([255.0; 3]);
        assert!((white[0] - 100.0).abs() < 0.5, "{white:?}");
        assert!(white[1].abs() < 0.5 && white[2].abs() < 0.5, "{white:?}");
        assert!(lab([0.0; 3])[0].abs() < 0.5);
        // Skin is warm: red-ward a, yellow-ward b.
        let skin = lab([200.0, 150.0, 120.0]);
        assert!(skin[1] > 10.0 && skin[2] > 15.0, "{skin:?}");
    }

    #[test]
    fn a_bald_scalp_is_skin_and_a_cap_is_not_for_light_and_dark_skin() {
        for (bridge, scalps, caps) in [
            (
                [190.0, 140.0, 115.0],
                // The same skin lit brighter (a scalp under the lamp) and darker.
                [[225.0, 175.0, 148.0], [150.0, 108.0, 88.0]],
                // White, grey, black, navy and beige caps.
                vec![
                    [235.0, 235.0, 235.0],
                    [128.0, 128.0, 130.0],
                    [25.0, 25.0, 28.0],
                    [30.0, 40.0, 80.0],
                    [200.0, 190.0, 170.0],
                ],
            ),
            (
                [95.0, 65.0, 50.0],
                [[120.0, 85.0, 66.0], [70.0, 48.0, 38.0]],
                vec![[30.0, 30.0, 32.0], [128.0, 128.0, 130.0]],
            ),
        ] {
            let bridge = lab(bridge);
            for scalp in scalps {
                assert!(skin_like(lab(scalp), bridge), "{scalp:?}");
            }
            for cap in caps {
                assert!(!skin_like(lab(cap), bridge), "{cap:?}");
            }
        }
    }

    #[test]
    fn warmth_tells_skin_from_cloth() {
        for skin in [
            [200.0, 150.0, 120.0],
            [110.0, 75.0, 60.0],
            [235.0, 200.0, 185.0],
        ] {
            assert!(warmth(skin) > 0.05, "{skin:?}");
        }
        for cloth in [
            [225.0, 228.0, 232.0],
            [120.0, 170.0, 210.0],
            [30.0, 30.0, 35.0],
        ] {
            assert!(warmth(cloth) < 0.0, "{cloth:?}");
        }
    }

    /// An eye at (50, 50): the lid ring an ellipse 40 × 16 px, the iris a disc of radius 7.
    fn drawn_eye(scale: f32) -> Eye {
        let p = |x: f32, y: f32| Point {
            x: 50.0 + x * scale,
            y: 50.0 + y * scale,
        };
        let mut contour = vec![Point::default(); 71];
        for (k, slot) in (0..=8).zip([0, 1, 2, 3, 4, 5, 6, 7, 8]) {
            let t = std::f32::consts::PI * (1.0 - k as f32 / 8.0);
            contour[slot] = p(20.0 * t.cos(), 8.0 * t.sin());
        }
        for (k, slot) in (1..8).zip([9, 10, 11, 12, 13, 14, 15]) {
            let t = std::f32::consts::PI * (1.0 + k as f32 / 8.0);
            contour[slot] = p(20.0 * t.cos(), 8.0 * t.sin());
        }
        let iris = vec![
            p(0.0, 0.0),
            p(7.0, 0.0),
            p(0.0, 7.0),
            p(-7.0, 0.0),
            p(0.0, -7.0),
        ];
        Eye { contour, iris }
    }

    /// A 100 × 100 picture: `skin` everywhere, `white` in the eye opening, `iris` in the disc.
    fn eye_picture(skin: u8, white: u8, iris: u8) -> RgbImage {
        RgbImage::from_fn(100, 100, |x, y| {
            let (dx, dy) = (x as f32 + 0.5 - 50.0, y as f32 + 0.5 - 50.0);
            let v = if dx.hypot(dy) < 7.0 {
                iris
            } else if (dx / 20.0).powi(2) + (dy / 8.0).powi(2) < 1.0 {
                white
            } else {
                skin
            };
            image::Rgb([v, v, v])
        })
    }

    #[test]
    fn a_bare_eye_shows_its_white_and_a_lens_does_not() {
        let eyes = [drawn_eye(1.0), drawn_eye(1.0)];
        // A bare eye, on dark skin too: the white is the white, whatever the face around it.
        for skin in [200, 60] {
            let v = eye_white(&eye_picture(skin, 225, 70), &eyes).unwrap();
            assert!(v > 3.0, "bare eye on skin {skin}: {v}");
        }
        // A dark lens and a mirrored one as bright as the skin: one glass, no white.
        for lens in [40, 170] {
            let v = eye_white(&eye_picture(170, lens, lens), &eyes).unwrap();
            assert!((v - 1.0).abs() < 0.05, "lens {lens}: {v}");
        }
        // An eye of a few pixels is not judged.
        let tiny = [drawn_eye(0.1), drawn_eye(0.1)];
        assert_eq!(eye_white(&eye_picture(170, 225, 70), &tiny), None);
    }

    #[test]
    fn the_worst_limit_is_reported_and_a_failure_wins() {
        let l = |value, limit, max| Limit {
            value,
            limit,
            max,
            zh: "",
            en: "",
        };
        let r = worst(
            CheckId::PoseFrontal,
            &[l(5.0, 10.0, true), l(9.0, 10.0, true)],
        );
        assert!(r.passed);
        assert_eq!(r.value, Some(9.0));
        let r = worst(CheckId::EyesOpen, &[l(0.1, 0.2, false), l(0.5, 0.1, true)]);
        assert!(!r.passed);
        assert_eq!(r.value, Some(0.1));
    }

    /// glasses.tinted's eye-box look on a 200×200 picture at luma 90 whose eye boxes and cheek
    /// boxes (as `face_areas` places them) are painted: `[left eye, right eye]`,
    /// `[left cheek, right cheek]`, the lower cheeks as the cheeks above them.
    fn tinted(eyes: [u8; 2], cheeks: [u8; 2]) -> CheckResult {
        tinted_with(eyes, cheeks, cheeks)
    }

    /// [`tinted`] with the lower cheeks painted apart.
    fn tinted_with(eyes: [u8; 2], cheeks: [u8; 2], lower: [u8; 2]) -> CheckResult {
        use crate::check::rules::{face_areas, test_face};
        use crate::config::PhotoConfig;
        let face = test_face();
        let photo = PhotoConfig::default();
        let mut img = RgbImage::from_pixel(200, 200, image::Rgb([90; 3]));
        let areas = {
            let s = Scene::new(&img, vec![face], None, None, None, &photo);
            face_areas(&s, &s.geo.expect("a face"))
        };
        for (area, luma) in areas
            .eyes
            .iter()
            .zip(eyes)
            .chain(areas.lower_cheeks.iter().zip(lower))
            .chain(areas.cheeks.iter().zip(cheeks))
        {
            for y in area.y0..area.y1 {
                for x in area.x0..area.x1 {
                    img.put_pixel(x, y, image::Rgb([luma; 3]));
                }
            }
        }
        let s = Scene::new(&img, vec![face], None, None, None, &photo);
        glasses_tinted(&s, &ChecksConfig::default(), &areas)
    }

    #[test]
    fn light_from_one_side_is_not_a_lens_and_a_lens_is() {
        // Side light: the shadowed eye (30) is dark, but so is the cheek below it (60); against
        // the mean of both cheeks it would read 0.27, a tinted lens.
        let side = tinted([30, 150], [60, 160]);
        assert!(side.passed, "{side:?}");
        assert_eq!(side.value, Some(0.5));
        // Dark lenses over both eyes of an evenly lit face, and over one eye only.
        assert!(!tinted([30, 30], [100, 100]).passed);
        assert!(!tinted([100, 25], [110, 110]).passed);
        // Dark skin evenly lit: the eyes are as dark as the cheeks' shade allows.
        assert!(tinted([30, 32], [55, 55]).passed);
    }

    #[test]
    fn a_big_lens_over_the_upper_cheek_is_judged_against_the_skin_below_it() {
        // The lens darkens the eye (40) and the upper cheek under it (45) alike; the skin beside
        // the nostrils (120) shows what the face's shade is.
        let big = tinted_with([40, 40], [45, 45], [120, 120]);
        assert!(!big.passed, "{big:?}");
        assert_eq!(big.value, Some(0.3333)); // 40 / 120
        // A bare face whose lower cheek is the darker (the usual case): the upper cheek counts.
        let bare = tinted_with([60, 60], [110, 110], [80, 80]);
        assert!(bare.passed, "{bare:?}");
        assert_eq!(bare.value, Some(0.5455)); // 60 / 110
    }

    /// A 200×200 face of skin (200, 150, 120) with the mesh points face.occluded looks at, and
    /// `mouth` painted over the rows 122–161 between x 70 and 129 (mouth, chin and cheeks beside it).
    fn lower_face(mouth: impl Fn(u32, u32) -> [u8; 3]) -> (RgbImage, Mesh) {
        let img = RgbImage::from_fn(200, 200, |x, y| {
            image::Rgb(if (70..130).contains(&x) && (122..162).contains(&y) {
                mouth(x, y)
            } else {
                [200, 150, 120]
            })
        });
        let mut points = vec![[100.0, 100.0, 0.0]; 468];
        let mut put = |i: usize, x: f32, y: f32| points[i] = [x, y, 0.0];
        put(mi::MOUTH_LEFT, 80.0, 140.0);
        put(mi::MOUTH_RIGHT, 120.0, 140.0);
        for (k, &(up, down)) in LIP_COLUMNS.iter().enumerate() {
            let x = 88.0 + 6.0 * k as f32;
            put(up, x, 133.0);
            put(down, x, 148.0);
        }
        put(mi::LIP_TOP, 100.0, 139.0);
        put(mi::LIP_BOTTOM, 100.0, 141.0);
        put(11, 100.0, 136.0);
        put(16, 100.0, 145.0);
        put(205, 65.0, 115.0);
        put(425, 135.0, 115.0);
        put(mi::CHEEK_LEFT, 40.0, 100.0);
        put(mi::CHEEK_RIGHT, 160.0, 100.0);
        for (i, y) in UPPER_SKIN.iter().zip([40.0, 70.0, 80.0]) {
            put(*i, 100.0, y);
        }
        put(CHIN, 100.0, 165.0);
        put(214, 75.0, 150.0);
        put(434, 125.0, 150.0);
        (
            img,
            Mesh {
                points,
                presence: 1.0,
            },
        )
    }

    /// face.occluded on [`lower_face`], and the colour score alone; `grey`: the picture in luma.
    fn occluded(mouth: impl Fn(u32, u32) -> [u8; 3], grey: bool) -> (CheckResult, Option<f32>) {
        use crate::check::rules::test_face;
        use crate::config::PhotoConfig;
        let (mut img, mesh) = lower_face(mouth);
        if grey {
            for p in img.pixels_mut() {
                p.0 = [luma(p.0.map(f32::from)).round() as u8; 3];
            }
        }
        let score = occlusion_score(&img, &mesh);
        let photo = PhotoConfig::default();
        let s = Scene::new(&img, vec![test_face()], Some(mesh), None, None, &photo);
        (face_occluded(&s, &ChecksConfig::default(), None), score)
    }

    /// Closed lips: skin above and below, red lips from row 133 to 147 meeting in a dark line.
    fn lips(_: u32, y: u32) -> [u8; 3] {
        match y {
            133..=138 => [165, 95, 90],
            139..=140 => [95, 55, 50],
            141..=147 => [175, 105, 100],
            _ => [200, 150, 120],
        }
    }

    #[test]
    fn lips_show_their_lines_and_a_hand_or_mask_over_them_does_not() {
        let (bare, _) = occluded(lips, false);
        assert!(bare.passed, "{bare:?}");
        // An open mouth: its cavity between the lips.
        let (open, _) = occluded(
            |x, y| match y {
                136..=145 => [40, 25, 25],
                _ => lips(x, y),
            },
            false,
        );
        assert!(open.passed, "{open:?}");
        // A hand (the skin's own colour, a little brighter) over the mouth: nothing for the
        // colour score to see, and no lips either.
        let (hand, score) = occluded(|_, _| [212, 160, 128], false);
        assert!(
            score.is_some_and(|v| v <= ChecksConfig::default().occluded_max_score),
            "{score:?}"
        );
        assert!(!hand.passed, "{hand:?}");
        assert!(hand.value.is_some_and(|v| v < 0.1), "{hand:?}");
        // A cream mask with a fold: a faint line is not a mouth.
        let fold = |_, y| {
            if y == 140 {
                [222, 196, 172]
            } else {
                [230, 205, 180]
            }
        };
        let (mask, _) = occluded(fold, false);
        assert!(!mask.passed, "{mask:?}");
        // A grey photo: the lips show in luma alone.
        let (grey, _) = occluded(lips, true);
        assert!(grey.passed, "{grey:?}");
        let (grey_mask, _) = occluded(fold, true);
        assert!(!grey_mask.passed, "{grey_mask:?}");
        // A mesh gone wrong (NaN points): no value, and no panic.
        let (img, mut mesh) = lower_face(lips);
        mesh.points.iter_mut().for_each(|p| *p = [f32::NAN; 3]);
        assert_eq!(lip_contrast(&img, &mesh), None);
    }

    /// [`lower_face`] with the outer-lip outline drawn as an ellipse round the mouth (corners at
    /// x 80 and 120 on row 140, 8 px up and down), as [`teeth_share`] reads it.
    fn mouth_face(mouth: impl Fn(u32, u32) -> [u8; 3]) -> (RgbImage, Mesh) {
        let (img, mut mesh) = lower_face(mouth);
        for (k, &i) in OUTER_LIPS.iter().enumerate() {
            let a = std::f32::consts::PI * (1.0 - k as f32 / 10.0);
            mesh.points[i] = [100.0 + 20.0 * a.cos(), 140.0 - 8.0 * a.sin(), 0.0];
        }
        (img, mesh)
    }

    /// [`lips`] with the rows `ys` between the columns `xs` painted `colour`.
    fn lips_with(
        ys: std::ops::RangeInclusive<u32>,
        xs: std::ops::Range<u32>,
        colour: [u8; 3],
    ) -> impl Fn(u32, u32) -> [u8; 3] {
        move |x, y| {
            if ys.contains(&y) && xs.contains(&x) {
                colour
            } else {
                lips(x, y)
            }
        }
    }

    #[test]
    fn white_teeth_on_the_lip_line_count_and_a_pale_lit_lip_does_not() {
        let limit = ChecksConfig::default().mouth_max_teeth;
        let (img, mesh) = mouth_face(lips);
        let bare = teeth_share(&img, &mesh);
        assert!(bare.is_some_and(|t| t <= limit), "{bare:?}");
        // A smile's teeth between the lips: ivory, nearly grey in red over green (1.02).
        let (img, mesh) = mouth_face(lips_with(138..=141, 88..112, [235, 230, 220]));
        let teeth = teeth_share(&img, &mesh);
        assert!(teeth.is_some_and(|t| t > limit), "{teeth:?}");
        // A closed mouth whose lower lip catches the light along the lip line: bright, less red
        // than the skin (1.21 against 1.33) and little saturated, but it keeps more than 40 % of
        // the skin's red: a lip, not teeth.
        let (img, mesh) = mouth_face(lips_with(141..=143, 85..115, [230, 190, 175]));
        let lip = teeth_share(&img, &mesh);
        assert!(lip.is_some_and(|t| t <= limit), "{lip:?}");
    }

    #[test]
    fn the_lower_face_is_judged_with_the_forehead_out_of_the_picture() {
        // A close selfie: the forehead patch (mesh point 151) is above the picture's top edge;
        // between the brows and the nose bridge still show the skin.
        let (img, mut mesh) = lower_face(lips);
        mesh.points[UPPER_SKIN[0]] = [100.0, -30.0, 0.0];
        let score = occlusion_score(&img, &mesh);
        assert!(
            score.is_some_and(|v| v <= ChecksConfig::default().occluded_max_score),
            "{score:?}"
        );
        // With only one upper patch left there is no skin to compare with.
        mesh.points[UPPER_SKIN[1]] = [100.0, -30.0, 0.0];
        assert_eq!(occlusion_score(&img, &mesh), None);
    }

    /// A grey beard round pale lips cools the lower face as a white mask does: the colour score
    /// refuses it alone, not when the mask model is sure the face is bare.
    #[test]
    fn a_grey_beard_is_refused_by_the_colours_only_when_the_mask_model_doubts_the_face() {
        use crate::check::rules::test_face;
        use crate::config::PhotoConfig;
        let cfg = ChecksConfig::default();
        let photo = PhotoConfig::default();
        let beard = |_, y| match y {
            133..=138 | 141..=147 => [140, 130, 125],
            139..=140 => [70, 60, 58],
            _ => [150, 150, 150],
        };
        let (img, mut mesh) = lower_face(beard);
        mesh.points[CHIN] = [100.0, 158.0, 0.0];
        let score = occlusion_score(&img, &mesh);
        assert!(
            score.is_some_and(|v| v > cfg.occluded_max_score),
            "{score:?}"
        );
        let s = Scene::new(&img, vec![test_face()], Some(mesh), None, None, &photo);
        for (mask, passes) in [(None, false), (Some(0.3), false), (Some(0.002), true)] {
            let r = face_occluded(&s, &cfg, mask);
            assert_eq!(r.passed, passes, "{mask:?}: {r:?}");
        }
    }

    /// The face mask model's score joins the pixel looks: a mask it is sure of fails bare lips'
    /// pixels, even where the mesh found no face under it (measured, with the covering's hint);
    /// a bare face's low score changes nothing.
    #[test]
    fn the_mask_models_score_fails_a_mask_the_pixels_miss() {
        use crate::check::rules::test_face;
        use crate::config::PhotoConfig;
        let cfg = ChecksConfig::default();
        let photo = PhotoConfig::default();
        let (img, mesh) = lower_face(lips);
        let with_mesh = Scene::new(&img, vec![test_face()], Some(mesh), None, None, &photo);
        let bare = face_occluded(&with_mesh, &cfg, Some(0.004));
        assert!(bare.passed, "{bare:?}");
        assert_eq!(bare, face_occluded(&with_mesh, &cfg, None));
        let masked = face_occluded(&with_mesh, &cfg, Some(0.98));
        assert!(!masked.passed, "{masked:?}");
        let near =
            |v: Option<f64>, want: f32| v.is_some_and(|v| (v - f64::from(want)).abs() < 1e-3);
        assert!(near(masked.value, 0.98), "{masked:?}");
        assert!(near(masked.threshold, cfg.occluded_max_mask), "{masked:?}");
        assert!(masked.hint_zh.contains("口罩"), "{masked:?}");

        let no_mesh = Scene::new(&img, vec![test_face()], None, None, None, &photo);
        let seen = face_occluded(&no_mesh, &cfg, Some(0.98));
        assert!(!seen.passed && near(seen.value, 0.98), "{seen:?}");
        assert!(seen.hint_en.contains("mask"), "{seen:?}");
        // Without the mesh and without a mask the model is sure of, nothing was measured.
        for mask in [Some(0.02), None] {
            let unseen = face_occluded(&no_mesh, &cfg, mask);
            assert!(!unseen.passed && unseen.value.is_none(), "{unseen:?}");
        }
    }
}
