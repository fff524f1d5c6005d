//! The single-image checks of SPEC §4 except the fraud ones (`fraud.rs`) and liveness
//! (`liveness.rs`). Each function measures one value on the [`Scene`] and compares it with its
//! `[checks]` threshold.

use super::pixels::{self, Area};
use super::scene::{Geometry, Scene};
use super::{CheckId, CheckResult};
use crate::config::{ChecksConfig, PhotoConfig};
use crate::face::Face;

/// A measured outcome. The hint is what to change when it failed; "OK" when it passed.
pub fn outcome(
    id: CheckId,
    value: f32,
    threshold: f32,
    passed: bool,
    zh: &str,
    en: &str,
) -> CheckResult {
    let (hint_zh, hint_en) = if passed {
        ("合格".to_string(), "OK".to_string())
    } else {
        (zh.to_string(), en.to_string())
    };
    CheckResult {
        id,
        passed,
        value: Some(round(value)),
        threshold: Some(round(threshold)),
        hint_zh,
        hint_en,
    }
}

/// Rounded to 4 decimals: values are compared and shown, not integrated; f32 noise in the JSON
/// only confuses the reader.
fn round(v: f32) -> f64 {
    (v as f64 * 10_000.0).round() / 10_000.0
}

/// What was missing when a check could not look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmeasured {
    Face,
    Mesh,
    Region,
    Burst,
}

/// A check that could not be measured: never a pass.
pub fn not_measured(id: CheckId, why: Unmeasured) -> CheckResult {
    let (zh, en) = match why {
        Unmeasured::Face => (
            "未测量：没有找到人脸。请正对镜头，脸部完整露出。",
            "Not measured: no face found. Face the camera with the whole face visible.",
        ),
        Unmeasured::Mesh => (
            "未测量：看不清脸部细节。请正对镜头，不要遮挡脸部。",
            "Not measured: facial features not found. Face the camera, nothing covering the face.",
        ),
        Unmeasured::Region => (
            "未测量：画面中没有所需区域（背景或上衣）。请后退一点，让肩膀入镜。",
            "Not measured: the needed area (backdrop or top) is not in the frame. Step back so your shoulders show.",
        ),
        Unmeasured::Burst => (
            "未测量：活体检测需要拍摄时的连拍，单张照片无法检测。",
            "Not measured: liveness needs the burst taken at the station; a single photo has none.",
        ),
    };
    CheckResult {
        id,
        passed: false,
        value: None,
        threshold: None,
        hint_zh: zh.to_string(),
        hint_en: en.to_string(),
    }
}

pub fn face_single(s: &Scene, _cfg: &ChecksConfig) -> CheckResult {
    let n = s.faces.len();
    let (zh, en) = if n == 0 {
        (
            "没有看到人脸。请正对镜头，脸部完整露出，再拍一次。",
            "No face seen. Face the camera with the whole face visible and take the photo again.",
        )
    } else {
        (
            "画面中有多人。请确保只有您一人入镜。",
            "More than one person in the frame. Make sure only you are in the picture.",
        )
    };
    outcome(CheckId::FaceSingle, n as f32, 1.0, n == 1, zh, en)
}

/// Share of the predicted output crop outside the capture.
pub fn face_position(s: &Scene, cfg: &ChecksConfig) -> CheckResult {
    let Some(g) = &s.geo else {
        return not_measured(CheckId::FacePosition, Unmeasured::Face);
    };
    let (w, h) = (s.img.width() as f32, s.img.height() as f32);
    let c = g.crop;
    let outside = super::scene::outside_share(c, w, h);
    let passed = outside <= cfg.position_max_outside;
    // Say which way to move: the side the crop sticks out most. The preview is mirrored, but
    // "move to the centre" needs no left/right.
    let (zh, en) = if c.y < 0.0 && -c.y > (c.bottom() - h).max(0.0) {
        (
            "头部太靠上或离镜头太近。请坐低一点或后退。",
            "Head too high or too close. Sit lower or move back.",
        )
    } else if c.bottom() > h && c.bottom() - h > -c.y.min(0.0) {
        (
            "头部太靠下。请坐直或把座椅调高。",
            "Head too low. Sit up straight or raise the seat.",
        )
    } else {
        (
            "脸部没有居中或被画面边缘截断。请移到画面中央。",
            "Face off centre or cut off at the edge. Move to the centre of the frame.",
        )
    };
    outcome(
        CheckId::FacePosition,
        outside,
        cfg.position_max_outside,
        passed,
        zh,
        en,
    )
}

/// Capture pixels per output pixel across the face.
pub fn face_size(s: &Scene, cfg: &ChecksConfig, photo: &PhotoConfig) -> CheckResult {
    let Some(g) = &s.geo else {
        return not_measured(CheckId::FaceSize, Unmeasured::Face);
    };
    let target = (photo.face_width_min + photo.face_width_max) as f32 / 2.0;
    let scale = g.face_width / target;
    outcome(
        CheckId::FaceSize,
        scale,
        cfg.size_min_scale,
        scale >= cfg.size_min_scale,
        "脸部太小（分辨率不足）。请靠近镜头。",
        "Face too small (too few pixels). Move closer to the camera.",
    )
}

/// Regions of the face in capture pixels, from the eye positions.
pub struct FaceAreas {
    pub core: Area,
    pub cheeks: [Area; 2],
    /// The cheeks lower down, beside the nostrils (a shorter box centred one eye distance under
    /// the eye line): out of reach of a big sunglasses lens, which reaches over `cheeks`.
    pub lower_cheeks: [Area; 2],
    pub eyes: [Area; 2],
    pub pupils: [Area; 2],
}

pub fn face_areas(s: &Scene, g: &Geometry) -> FaceAreas {
    let (w, h) = s.img.dimensions();
    let e = g.eye_dist.max(4.0);
    let ey = g.eye_mid().y;
    let core = Area::from_corners(
        g.left_eye.x - 0.45 * e,
        ey - 0.7 * e,
        g.right_eye.x + 0.45 * e,
        g.mouth.y + 0.1 * e,
        w,
        h,
    );
    let cheek = |x: f32| Area::centred(x, ey + 0.6 * e, 0.45 * e, 0.35 * e, w, h);
    let lower_cheek = |x: f32| Area::centred(x, ey + e, 0.45 * e, 0.2 * e, w, h);
    let eye = |p: crate::face::Point| Area::centred(p.x, p.y, 0.75 * e, 0.45 * e, w, h);
    let pupil = |p: crate::face::Point| Area::centred(p.x, p.y, 0.16 * e, 0.16 * e, w, h);
    FaceAreas {
        core,
        cheeks: [
            cheek(g.left_eye.x - 0.05 * e),
            cheek(g.right_eye.x + 0.05 * e),
        ],
        lower_cheeks: [
            lower_cheek(g.left_eye.x - 0.05 * e),
            lower_cheek(g.right_eye.x + 0.05 * e),
        ],
        eyes: [eye(g.left_eye), eye(g.right_eye)],
        pupils: [pupil(g.left_eye), pupil(g.right_eye)],
    }
}

pub fn light_exposure(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    let Some(v) = pixels::mean_luma(s.img, a.core) else {
        return not_measured(CheckId::LightExposure, Unmeasured::Face);
    };
    const DARK_ZH: &str = "脸部太暗。请面向光源或打开补光灯。";
    const DARK_EN: &str = "Face too dark. Face the light or switch on the fill light.";
    if v < cfg.exposure_min {
        // The mean is the skin's shade as much as the light's: dark skin in good light is darker
        // on average than fair skin in dim light, but keeps its highlights (forehead, nose, the
        // whites of the eyes), which a dim or backlit face loses.
        let highlight = pixels::luma_quantile(s.img, a.core, 0.95).unwrap_or(0.0);
        return outcome(
            CheckId::LightExposure,
            highlight,
            cfg.exposure_min_highlight,
            highlight >= cfg.exposure_min_highlight,
            DARK_ZH,
            DARK_EN,
        );
    }
    let (threshold, zh, en) = if v < (cfg.exposure_min + cfg.exposure_max) / 2.0 {
        (cfg.exposure_min, DARK_ZH, DARK_EN)
    } else {
        (
            cfg.exposure_max,
            "脸部太亮（过曝）。请避开强光。",
            "Face too bright (over-exposed). Move away from strong light.",
        )
    };
    outcome(
        CheckId::LightExposure,
        v,
        threshold,
        v <= cfg.exposure_max,
        zh,
        en,
    )
}

/// Mirrored mesh points (image-left, image-right) light.uniform compares: cheeks, cheekbones,
/// jaw, temples and forehead, skin on nearly every face (MediaPipe's canonical mesh indices).
const UNIFORM_PAIRS: [(usize, usize); 39] = [
    (50, 280),
    (101, 330),
    (118, 347),
    (205, 425),
    (187, 411),
    (36, 266),
    (123, 352),
    (147, 376),
    (137, 366),
    (227, 447),
    (234, 454),
    (93, 323),
    (132, 361),
    (58, 288),
    (172, 397),
    (67, 297),
    (103, 332),
    (104, 333),
    (69, 299),
    (108, 337),
    (54, 284),
    (21, 251),
    (71, 301),
    (68, 298),
    (63, 293),
    (116, 345),
    (117, 346),
    (119, 348),
    (100, 329),
    (142, 371),
    (203, 423),
    (207, 427),
    (214, 434),
    (192, 416),
    (213, 433),
    (135, 364),
    (138, 367),
    (215, 435),
    (177, 401),
];
/// Half side of the patch around each point, as a share of the cheek-to-cheek width.
const UNIFORM_PATCH: f32 = 0.05;

/// The median of `v` (the upper one of an even count); `None` when empty.
pub(super) fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f32::total_cmp);
    Some(*m)
}

/// Median luma of the square patch of half side `r` around a mesh point.
fn patch_luma(s: &Scene, mesh: &crate::face::Mesh, i: usize, r: f32) -> Option<f32> {
    let (w, h) = s.img.dimensions();
    let p = mesh.point(i);
    pixels::median_luma(s.img, Area::centred(p.x, p.y, 2.0 * r, 2.0 * r, w, h))
}

/// Left/right light balance, 0–1 (1 = even). With the mesh: for each of 39 mirrored point
/// pairs the darker / brighter patch luma, and the median of those ratios. The patches follow
/// the face's own geometry (a turned or small face, hair or glasses), the median ignores the few
/// pairs a strand of hair or a frame covers, and a ratio of the same skin on both sides does not
/// depend on skin tone. Light from one side darkens the whole far half, so most pairs drop.
/// Without the mesh: the two cheek boxes.
pub fn light_uniform(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    let v = match (&s.mesh, &s.geo) {
        (Some(m), Some(g)) => {
            let r = (UNIFORM_PATCH * g.face_width).max(1.0);
            median(
                UNIFORM_PAIRS
                    .iter()
                    .filter_map(|&(i, j)| patch_luma(s, m, i, r).zip(patch_luma(s, m, j, r)))
                    .map(|(l, r)| l.min(r) / l.max(r).max(1.0))
                    .collect(),
            )
        }
        _ => pixels::median_luma(s.img, a.cheeks[0])
            .zip(pixels::median_luma(s.img, a.cheeks[1]))
            .map(|(l, r)| l.min(r) / l.max(r).max(1.0)),
    };
    let Some(v) = v else {
        return not_measured(CheckId::LightUniform, Unmeasured::Face);
    };
    outcome(
        CheckId::LightUniform,
        v,
        cfg.uniform_min_ratio,
        v >= cfg.uniform_min_ratio,
        "脸部一侧有阴影，光线不均匀。请正对光源。",
        "One side of the face is in shadow. Face the light evenly.",
    )
}

fn blown_out(p: [u8; 3]) -> bool {
    p[0].min(p[1]).min(p[2]) >= 250
}

pub fn light_hotspot(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    let Some(v) = pixels::share(s.img, a.core, blown_out) else {
        return not_measured(CheckId::LightHotspot, Unmeasured::Face);
    };
    outcome(
        CheckId::LightHotspot,
        v,
        cfg.hotspot_max_share,
        v <= cfg.hotspot_max_share,
        "脸上有反光亮斑。请擦去油光或调整光源。",
        "Bright spots on the face. Blot shiny skin or move the light.",
    )
}

pub fn eyes_redeye(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    if s.mesh.is_none() {
        return not_measured(CheckId::EyesRedeye, Unmeasured::Mesh);
    }
    // Red relative to the person's own skin: a reddish complexion or a warm light is not red eye.
    let redness = |p: [u8; 3]| p[0] as f32 / (p[1].max(p[2]) as f32).max(1.0);
    let mut skin: Vec<f32> = a
        .cheeks
        .iter()
        .flat_map(|c| c.iter())
        .map(|(x, y)| redness(s.img.get_pixel(x, y).0))
        .collect();
    skin.sort_by(f32::total_cmp);
    let skin_red = skin.get(skin.len() / 2).copied().unwrap_or(1.0);
    let limit = (skin_red * 1.4).max(1.7);
    // A flash-lit retina is bright red; a dark pupil in a warm picture is not.
    let red = |p: [u8; 3]| p[0] > 140 && redness(p) > limit;
    let v = a
        .pupils
        .iter()
        .filter_map(|&p| pixels::share(s.img, p, red))
        .fold(0.0f32, f32::max);
    outcome(
        CheckId::EyesRedeye,
        v,
        cfg.redeye_max_share,
        v <= cfg.redeye_max_share,
        "红眼。请关闭闪光灯后重拍。",
        "Red eye. Retake without the flash.",
    )
}

pub fn glasses_glare(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    if s.geo.is_none() {
        return not_measured(CheckId::GlassesGlare, Unmeasured::Face);
    }
    let near_white = |p: [u8; 3]| p[0].min(p[1]).min(p[2]) >= 245;
    let v = a
        .eyes
        .iter()
        .filter_map(|&e| pixels::share(s.img, e, near_white))
        .fold(0.0f32, f32::max);
    outcome(
        CheckId::GlassesGlare,
        v,
        cfg.glare_max_share,
        v <= cfg.glare_max_share,
        "眼镜反光。请稍微低头或调整眼镜角度，或摘下眼镜。",
        "Glare on the glasses. Tilt them slightly or take them off.",
    )
}

/// Eye distance (pixels) the face is measured at for image.sharp: a larger face is shrunk to it
/// (blur that shrinking hides does not show in the 480×640 photo either, whose eye distance is
/// larger), a smaller one is measured as it is (upscaling would blur a sharp face).
const SHARP_EYE_DIST: f32 = 64.0;

/// Edge sharpness of the face at a fixed face scale, in its least sharp direction: per direction
/// (horizontal, vertical, both diagonals) the mean 1-D Laplacian over the mean 2-px difference
/// ([`pixels::directional_sharpness`]), the smallest of the four. Defocus lowers every direction;
/// motion blur only the direction of the motion, which a sum over directions dilutes; the ratio
/// is independent of the face's contrast (smooth skin, soft light).
pub fn image_sharp(s: &Scene, cfg: &ChecksConfig, a: &FaceAreas) -> CheckResult {
    let Some(g) = &s.geo else {
        return not_measured(CheckId::ImageSharp, Unmeasured::Face);
    };
    let k = (SHARP_EYE_DIST / g.eye_dist.max(1.0)).min(1.0);
    let (w, h) = (
        ((a.core.x1.saturating_sub(a.core.x0)) as f32 * k).round() as u32,
        ((a.core.y1.saturating_sub(a.core.y0)) as f32 * k).round() as u32,
    );
    let Some(grey) = (w >= 8 && h >= 8)
        .then(|| pixels::grey_crop(s.img, a.core, w, h))
        .flatten()
    else {
        return not_measured(CheckId::ImageSharp, Unmeasured::Face);
    };
    let v = pixels::directional_sharpness(&grey);
    outcome(
        CheckId::ImageSharp,
        v,
        cfg.sharp_min,
        v >= cfg.sharp_min,
        "照片模糊。请保持不动，等待对焦后再拍。",
        "Photo blurred. Keep still and let the camera focus.",
    )
}

/// Background pixels of the predicted crop (small-image coordinates).
fn crop_pixels<'s>(
    s: &'s Scene,
    g: &'s Geometry,
    f: &'s Face,
    top: bool,
) -> impl Iterator<Item = (u32, u32)> + 's {
    let area = s.small_area(g.crop);
    area.iter().filter(move |&(x, y)| {
        if top {
            s.is_top(x, y, g, f)
        } else {
            s.is_background(x, y, g, f)
        }
    })
}

/// Fewest pixels (in the 480-px copy) a backdrop or top region needs to be judged.
const MIN_REGION: usize = 200;

pub fn background_uniform(s: &Scene, cfg: &ChecksConfig) -> CheckResult {
    let (Some(g), Some(f)) = (&s.geo, &s.face) else {
        return not_measured(CheckId::BackgroundUniform, Unmeasured::Face);
    };
    let w = s.small.width();
    let (mut n, mut sum) = (0usize, 0.0f64);
    for (x, y) in crop_pixels(s, g, f, false) {
        n += 1;
        sum += s.small_grad[(y * w + x) as usize] as f64;
    }
    if n < MIN_REGION {
        return not_measured(CheckId::BackgroundUniform, Unmeasured::Region);
    }
    let v = (sum / n as f64) as f32;
    outcome(
        CheckId::BackgroundUniform,
        v,
        cfg.background_max_texture,
        v <= cfg.background_max_texture,
        "背景不是纯色。请站在纯色背景布前。",
        "Background not plain. Stand in front of the plain backdrop.",
    )
}

struct TopStats {
    n: usize,
    /// Pixels near the output background colour or vividly blue.
    near_bg: usize,
    mean: [f32; 3],
}

fn top_stats(s: &Scene, photo: &PhotoConfig) -> Option<TopStats> {
    let (g, f) = (s.geo.as_ref()?, s.face.as_ref()?);
    let bg = photo.background.map(|c| c as f32);
    let (mut n, mut near, mut sum) = (0usize, 0usize, [0.0f64; 3]);
    for (x, y) in crop_pixels(s, g, f, true) {
        let p = s.small_rgb.get_pixel(x, y).0;
        let d = colour_distance([p[0] as f32, p[1] as f32, p[2] as f32], bg);
        n += 1;
        if d < NEAR_BACKGROUND || vivid_blue(p) {
            near += 1;
        }
        for c in 0..3 {
            sum[c] += p[c] as f64;
        }
    }
    (n >= MIN_REGION).then(|| TopStats {
        n,
        near_bg: near,
        mean: sum.map(|v| (v / n as f64) as f32),
    })
}

/// Gradient above which an output pixel is on an edge of the top's pattern.
const PATTERN_EDGE: f32 = 12.0;

/// Edge density of the top as it will look in the output photo: the capture's top area scaled
/// to output pixels, share of top pixels on an edge. A suit's lapels and a collar are a few
/// lines; stripes, checks and prints put edges everywhere.
fn pattern_density(s: &Scene, photo: &PhotoConfig) -> Option<f32> {
    let (g, f) = (s.geo.as_ref()?, s.face.as_ref()?);
    let (w, h) = s.img.dimensions();
    let target = (photo.face_width_min + photo.face_width_max) as f32 / 2.0;
    let k = (g.face_width / target).max(1e-3);
    let top_y = g.chin_y + f.bbox.h * 0.35;
    let area = Area::from_corners(g.crop.x, top_y, g.crop.right(), g.crop.bottom(), w, h);
    let ow = ((area.x1.saturating_sub(area.x0)) as f32 / k).round() as u32;
    let oh = ((area.y1.saturating_sub(area.y0)) as f32 / k).round() as u32;
    if area.is_empty() || ow < 8 || oh < 8 {
        return None;
    }
    let grey = pixels::grey_crop(s.img, area, ow, oh)?;
    let grad = pixels::gradient(&grey);
    let (mut n, mut edges) = (0usize, 0usize);
    for y in 1..oh - 1 {
        for x in 1..ow - 1 {
            let cx = area.x0 as f32 + (x as f32 + 0.5) * k;
            let cy = area.y0 as f32 + (y as f32 + 0.5) * k;
            let sx = ((cx * s.small_scale) as u32).min(s.small.width() - 1);
            let sy = ((cy * s.small_scale) as u32).min(s.small.height() - 1);
            if !s.is_top(sx, sy, g, f) {
                continue;
            }
            n += 1;
            if grad[(y * ow + x) as usize] > PATTERN_EDGE {
                edges += 1;
            }
        }
    }
    (n >= MIN_REGION).then(|| edges as f32 / n as f32)
}

/// RGB distance under which a top pixel would merge with the replaced background.
const NEAR_BACKGROUND: f32 = 100.0;

/// A clearly blue pixel whatever its shade: hue 195°–250° (sky to royal blue; not teal, not
/// violet), saturation at least 0.35 and not dark (a navy suit near black is not a blue top). A
/// vivid blue top is far in RGB from the light-blue backdrop and still breaks the notice's rule.
fn vivid_blue(p: [u8; 3]) -> bool {
    let [r, g, b] = p.map(f32::from);
    let min = r.min(g);
    if b < 90.0 || b <= r.max(g) || (b - min) < 0.35 * b {
        return false;
    }
    let hue = 240.0 + 60.0 * (r - g) / (b - min);
    (195.0..=250.0).contains(&hue)
}

fn colour_distance(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

pub fn clothing(s: &Scene, cfg: &ChecksConfig, photo: &PhotoConfig) -> [CheckResult; 3] {
    if s.geo.is_none() {
        return [
            CheckId::ClothingBlue,
            CheckId::ClothingContrast,
            CheckId::ClothingPattern,
        ]
        .map(|id| not_measured(id, Unmeasured::Face));
    }
    let Some(t) = top_stats(s, photo) else {
        return [
            CheckId::ClothingBlue,
            CheckId::ClothingContrast,
            CheckId::ClothingPattern,
        ]
        .map(|id| not_measured(id, Unmeasured::Region));
    };
    let blue = t.near_bg as f32 / t.n as f32;
    let pattern = pattern_density(s, photo);
    let contrast = colour_distance(t.mean, photo.background.map(|c| c as f32));
    [
        outcome(
            CheckId::ClothingBlue,
            blue,
            cfg.clothing_blue_max_share,
            blue <= cfg.clothing_blue_max_share,
            "上衣颜色接近蓝色背景。请换一件非蓝色的上衣。",
            "Your top is close to the blue background colour. Wear a top that is not blue.",
        ),
        outcome(
            CheckId::ClothingContrast,
            contrast,
            cfg.clothing_min_contrast,
            contrast >= cfg.clothing_min_contrast,
            "上衣与背景颜色太接近。请换一件颜色更深或更浅的上衣。",
            "Your top is too similar to the background. Wear a darker or lighter top.",
        ),
        match pattern {
            Some(p) => outcome(
                CheckId::ClothingPattern,
                p,
                cfg.clothing_max_pattern,
                p <= cfg.clothing_max_pattern,
                "上衣有条纹或花纹。请穿纯色上衣。",
                "Your top has stripes or a busy pattern. Wear a plain top.",
            ),
            None => not_measured(CheckId::ClothingPattern, Unmeasured::Region),
        },
    ]
}

/// A frontal face in a 200×200 picture, eyes at (70, 80) and (130, 80): what the geometry of
/// the rules' unit tests is built on.
#[cfg(test)]
pub(super) fn test_face() -> Face {
    use crate::face::{Point, Rect};
    Face {
        bbox: Rect {
            x: 30.0,
            y: 30.0,
            w: 140.0,
            h: 150.0,
        },
        score: 0.9,
        left_eye: Point::new(70.0, 80.0),
        right_eye: Point::new(130.0, 80.0),
        nose: Point::new(100.0, 110.0),
        mouth_left: Point::new(80.0, 140.0),
        mouth_right: Point::new(120.0, 140.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::Mesh;
    use image::RgbImage;

    /// A 200×200 face region whose image-left half has luma `left` and right half `right`, with a
    /// mesh whose left points of [`UNIFORM_PAIRS`] sit in the left half and right ones in the right.
    fn half_lit(left: u8, right: u8) -> (RgbImage, Face, Mesh) {
        let img = RgbImage::from_fn(200, 200, |x, _| {
            image::Rgb([if x < 100 { left } else { right }; 3])
        });
        let mut points = vec![[100.0, 100.0, 0.0]; 468];
        for (k, &(l, r)) in UNIFORM_PAIRS.iter().enumerate() {
            let y = 60.0 + (k % 10) as f32 * 8.0;
            points[l] = [45.0 + (k % 3) as f32 * 10.0, y, 0.0];
            points[r] = [155.0 - (k % 3) as f32 * 10.0, y, 0.0];
        }
        let face = test_face();
        (
            img,
            face,
            Mesh {
                points,
                presence: 1.0,
            },
        )
    }

    fn uniform(left: u8, right: u8) -> CheckResult {
        let (img, face, mesh) = half_lit(left, right);
        let photo = PhotoConfig::default();
        let s = Scene::new(&img, vec![face], Some(mesh), None, None, &photo);
        let g = s.geo.expect("a face");
        light_uniform(&s, &ChecksConfig::default(), &face_areas(&s, &g))
    }

    #[test]
    fn a_half_shadowed_face_fails_light_uniform_and_an_even_one_passes() {
        let shadow = uniform(60, 160);
        assert!(!shadow.passed, "{shadow:?}");
        assert!(
            (shadow.value.unwrap() - 60.0 / 160.0).abs() < 0.02,
            "{shadow:?}"
        );
        // Dark skin evenly lit, and a mild difference ordinary light gives, both pass.
        assert!(uniform(70, 70).passed);
        assert!(uniform(150, 125).passed);
    }

    fn exposure(img: &RgbImage) -> CheckResult {
        let photo = PhotoConfig::default();
        let s = Scene::new(img, vec![test_face()], None, None, None, &photo);
        let g = s.geo.expect("a face");
        light_exposure(&s, &ChecksConfig::default(), &face_areas(&s, &g))
    }

    #[test]
    fn a_dark_face_with_its_highlights_is_exposed_well_and_a_dim_one_is_not() {
        // Dark skin in good light: a mean of 55.5, a tenth of the face lit at 150 (forehead,
        // nose, the whites of the eyes).
        let dark_skin = RgbImage::from_fn(200, 200, |x, y| {
            image::Rgb([if (x + y) % 10 == 0 { 150 } else { 45 }; 3])
        });
        let r = exposure(&dark_skin);
        assert!(r.passed, "{r:?}");
        assert_eq!(r.value, Some(150.0));
        // A dim face: no highlight anywhere.
        let dim = RgbImage::from_pixel(200, 200, image::Rgb([50; 3]));
        let r = exposure(&dim);
        assert!(!r.passed, "{r:?}");
        assert_eq!(r.threshold, Some(120.0));
        // Ordinary and over-exposed faces are judged by the mean, as before.
        assert!(exposure(&RgbImage::from_pixel(200, 200, image::Rgb([120; 3]))).passed);
        let bright = exposure(&RgbImage::from_pixel(200, 200, image::Rgb([230; 3])));
        assert!(!bright.passed);
        assert_eq!(bright.threshold, Some(215.0));
    }
}
