//! The standard photo of SPEC §5, made from a capture and its face: scale and crop to the
//! register's geometry, replace the backdrop, encode a JPEG of the right size; and the paper
//! print sheets. Nothing is turned or mirrored (the standard forbids transforming the image or a
//! part of it): a tilted head is refused, and where the crop reaches past the capture the new
//! background continues, never the person.
//!
//! Owns: the selfie segmentation model (embedded from `assets/models/`), the matte and background
//! replacement ([`matte`]), the crop geometry ([`geometry`]), the JPEG size search ([`jpeg`]),
//! print sheets ([`sheet`]) and their caption text ([`text`]). Must not touch: egui, the store,
//! the checks' verdicts (the checks read [`StandardPhoto::mask`] and [`Segmenter::mask`], they are
//! not decided here). Face and skin pixels are never changed: alpha-1 pixels are copied.
//!
//! Entry point: [`PhotoMaker::make`]. It refuses with a [`Refusal`] (the student can usually fix
//! it: step closer, move to the centre) rather than invent pixels or upscale past the limit.

pub mod geometry;
pub mod jpeg;
pub mod matte;
pub mod segment;
pub mod sheet;
pub mod text;

pub use geometry::{Side, Transform};
pub use matte::{Backdrop, Matte};
pub use segment::{CoarseMask, Segmenter};

use crate::config::PhotoConfig;
use crate::face::{Face, FaceMesh, Point};
use image::RgbImage;

/// Why a capture cannot become a standard photo. Each says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    #[error("the capture is only {width}×{height} pixels; check the camera resolution")]
    CaptureTooSmall { width: u32, height: u32 },
    #[error(
        "the face is too small ({face_px:.0} px wide): it would need {upscale_needed:.2}× enlargement; step closer to the camera"
    )]
    FaceTooSmall { face_px: f32, upscale_needed: f32 },
    #[error(
        "the photo would run out of the picture at the {side} edge; move to the centre of the frame"
    )]
    OutOfFrame { side: Side },
    #[error("the head is tilted {roll_deg:.1}°; hold the head straight")]
    Tilted { roll_deg: f32 },
    #[error(
        "no head top found above the face; stand in front of the backdrop with the whole head in view"
    )]
    NoHeadTop,
    #[error(
        "the head is too tall for its width to meet both the head-top and face-width limits; check the [photo] geometry settings"
    )]
    Proportions,
    #[error(
        "the head top lands at {head_top_px:.0} px, outside {min}–{max} px, even after correction; retake with the whole head in view"
    )]
    HeadTop {
        head_top_px: f32,
        min: u32,
        max: u32,
    },
    #[error(
        "even at the lowest allowed quality the file is {kb_at_min_quality} KB, over photo.max_kb; raise max_kb or lower min_quality"
    )]
    FileTooLarge { kb_at_min_quality: u32 },
    #[error(
        "even at quality 100 the file is only {kb_at_best_quality} KB, under photo.min_kb: the picture is nearly empty; retake"
    )]
    FileTooSmall { kb_at_best_quality: u32 },
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PhotoError {
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("the segmentation model failed (the binary may be damaged; reinstall tucai): {0}")]
    Model(String),
    #[error(transparent)]
    Face(#[from] crate::face::FaceError),
    #[error("cannot encode the photo: {0}")]
    Encode(String),
    #[error("cannot lay out the print sheet: {0}")]
    Sheet(String),
}

impl Refusal {
    /// What the student should do, (Chinese, English): the screen's line. The `Display` text
    /// stays the full reason in English (the audit line, the CLI).
    pub fn advice(&self) -> (&'static str, &'static str) {
        match self {
            Refusal::CaptureTooSmall { .. } | Refusal::Proportions => (
                "照片设置或摄像头有问题，请找老师",
                "A camera or photo setting is wrong: ask the teacher",
            ),
            Refusal::FaceTooSmall { .. } => (
                "离镜头太远：请靠近一些，再重拍",
                "Too far from the camera: move closer, then retake",
            ),
            Refusal::OutOfFrame { side: Side::Top } => (
                "头部太靠上：请坐低一点，让头顶离画面上边留出空间，再重拍",
                "Your head is too high: sit a little lower, with space above your hair, then retake",
            ),
            Refusal::OutOfFrame { side: Side::Bottom } => (
                "人太靠下：请坐直一点，再重拍",
                "Too low in the picture: sit up straight, then retake",
            ),
            Refusal::OutOfFrame { .. } => (
                "人不在画面中间：请坐到画面中央，再重拍",
                "Off-centre: move to the middle of the picture, then retake",
            ),
            Refusal::Tilted { .. } => (
                "头部歪斜：请把头摆正，再重拍",
                "Your head is tilted: hold it straight, then retake",
            ),
            Refusal::NoHeadTop | Refusal::HeadTop { .. } => (
                "头顶位置不对：请让整个头部（含头发）露出，双眼对准横线，再重拍",
                "Head top out of place: show your whole head (hair too), eyes on the line, then retake",
            ),
            Refusal::FileTooLarge { .. } | Refusal::FileTooSmall { .. } => (
                "照片文件大小不合规格：请重拍；仍不行请找老师",
                "The photo file size is out of range: retake; if it happens again, ask the teacher",
            ),
        }
    }
}

/// Why a capture did not become a standard photo: the reason as recorded (English, the audit
/// line) and what the student should do, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct MakeFailure {
    pub reason: String,
    pub advice_zh: &'static str,
    pub advice_en: &'static str,
}

impl MakeFailure {
    /// A failure the student cannot fix by moving (a model or encoder error, a missing shot):
    /// the advice is to retake and, failing that, fetch the teacher.
    pub fn other(reason: impl Into<String>) -> MakeFailure {
        MakeFailure {
            reason: reason.into(),
            advice_zh: "无法制作标准照：请坐到画面中央、整个头部露出，再重拍；仍不行请找老师",
            advice_en: "The standard photo could not be made: sit in the middle with your whole head in view and retake; if it happens again, ask the teacher",
        }
    }

    /// No face was found in the capture.
    pub fn no_face() -> MakeFailure {
        MakeFailure {
            reason: "no face found in the capture".into(),
            advice_zh: "没有找到人脸：请正对镜头坐好，再重拍",
            advice_en: "No face found: sit facing the camera, then retake",
        }
    }
}

impl From<&PhotoError> for MakeFailure {
    fn from(e: &PhotoError) -> MakeFailure {
        match e {
            PhotoError::Refused(r) => {
                let (advice_zh, advice_en) = r.advice();
                MakeFailure {
                    reason: r.to_string(),
                    advice_zh,
                    advice_en,
                }
            }
            other => MakeFailure::other(other.to_string()),
        }
    }
}

/// Where the face ended up in the output, in output pixels.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Geometry {
    /// Top of the hair (from the matte), from the top edge.
    pub head_top: f32,
    /// Eye line from the top edge.
    pub eye_line: f32,
    /// Width of the detector's face box.
    pub face_width: f32,
    /// Horizontal centre of the face box.
    pub face_centre_x: f32,
    /// Roll of the eye line, degrees, as captured (the photo is never turned).
    pub roll_deg: f32,
    /// Output pixels per capture pixel.
    pub scale: f32,
}

/// The made photo.
#[derive(Debug, Clone)]
pub struct StandardPhoto {
    /// The file to upload: JPEG, within `min_kb..=max_kb`, dpi recorded.
    pub jpeg: Vec<u8>,
    pub quality: u8,
    /// The photo as encoded (before JPEG loss).
    pub image: RgbImage,
    /// Person alpha of `image`.
    pub mask: Matte,
    pub backdrop: Backdrop,
    pub geometry: Geometry,
    /// Output ↔ capture mapping, to place anything measured on the capture.
    pub transform: Transform,
}

/// Makes standard photos; holds the segmentation model (load once, ~100 ms; `Send + Sync`).
#[derive(Debug)]
pub struct PhotoMaker {
    segmenter: Segmenter,
    mesh: FaceMesh,
}

impl PhotoMaker {
    pub fn new() -> Result<Self, PhotoError> {
        Ok(PhotoMaker {
            segmenter: Segmenter::new()?,
            mesh: FaceMesh::new()?,
        })
    }

    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// The standard photo of `face` (from the face detector, in `capture`'s pixels). The capture
    /// itself is not changed: the caller keeps it as the original. The eye line is placed from
    /// the face mesh's eyes, not the detector's (see [`Face::with_mesh_eyes`]); a caller that has
    /// the mesh already passes such a face to [`make_with_mask`].
    pub fn make(
        &self,
        capture: &RgbImage,
        face: &Face,
        config: &PhotoConfig,
    ) -> Result<StandardPhoto, PhotoError> {
        let mesh = self.mesh.landmarks(capture, face)?;
        // A mesh that does not see a face (presence low) would move the eyes somewhere random.
        let face = if mesh.presence >= 0.5 {
            face.with_mesh_eyes(&mesh)
        } else {
            *face
        };
        let coarse = self.segmenter.mask(capture)?;
        make_with_segmenter(capture, &coarse, &face, config, &self.segmenter)
    }
}

/// [`PhotoMaker::make`] with the coarse mask already computed (the checks may have run it),
/// without a second segmentation on a busy backdrop (see [`make_with_segmenter`]).
pub fn make_with_mask(
    capture: &RgbImage,
    coarse: &CoarseMask,
    face: &Face,
    config: &PhotoConfig,
) -> Result<StandardPhoto, PhotoError> {
    make_refined(capture, coarse, face, config, None)
}

/// [`make_with_mask`], and where the backdrop is not plain (a real portrait's room, a flag: the
/// colour cannot cut the edge, only the model's mask can), the segmentation runs again on just
/// the part of the capture the photo shows, so its 256 cells span the head and shoulders rather
/// than the whole picture: an edge 2–3× sharper (ears and hair no longer half transparent). A
/// station's plain cloth never pays for it.
pub fn make_with_segmenter(
    capture: &RgbImage,
    coarse: &CoarseMask,
    face: &Face,
    config: &PhotoConfig,
    segmenter: &Segmenter,
) -> Result<StandardPhoto, PhotoError> {
    make_refined(capture, coarse, face, config, Some(segmenter))
}

fn make_refined(
    capture: &RgbImage,
    coarse: &CoarseMask,
    face: &Face,
    config: &PhotoConfig,
    segmenter: Option<&Segmenter>,
) -> Result<StandardPhoto, PhotoError> {
    let (w, h) = capture.dimensions();
    // The student alone: a patch of a poster or a bystander apart from them is neither planned
    // around nor kept. `all` stays the model's whole mask; `coarse` is the student's from here.
    let student = coarse.only_person(&face.bbox);
    let all = coarse;
    let coarse = student.as_ref().unwrap_or(all);
    let mut top = geometry::head_top(coarse, face).ok_or(Refusal::NoHeadTop)?;
    let (ow, oh) = (config.width, config.height);
    let eyes = face.left_eye.midpoint(face.right_eye);
    for attempt in 0..2 {
        let t = geometry::plan(face, top, coarse, config)?;
        let out = geometry::warp(capture, &t, ow, oh);
        let (coarse_out, left_out): (Vec<f32>, Vec<bool>) = (0..oh)
            .flat_map(|y| (0..ow).map(move |x| (x, y)))
            .map(|(x, y)| {
                let p = t.to_source(Point::new(x as f32 + 0.5, y as f32 + 0.5));
                let at = coarse.at(p.x, p.y);
                // Within a cell of a region left out: the sharper mask of the crop alone (below)
                // would see it again there. With nothing left out the two masks are one, and the
                // second lookup (3 % of the make) is skipped.
                let gone = student.is_some() && all.at(p.x, p.y) - at > LEFT_OUT;
                (at, gone)
            })
            .unzip();
        // How far the model's edge can be off: ~3 cells of its 256-px grid, at output scale.
        let cell = (w.max(h) as f32 / 256.0) * t.scale;
        let band = (3.0 * cell).max(8.0);
        let covered = t.covered(w, h, ow, oh);
        let (mut matte, mut backdrop, mut surface) =
            matte::refine(&out, &coarse_out, band, covered);
        if let (false, Some(segmenter)) = (backdrop.plain, segmenter)
            && let Some(mut fine) = fine_mask(capture, &t, ow, oh, segmenter)?
        {
            for (f, &gone) in fine.iter_mut().zip(&left_out) {
                if gone {
                    *f = 0.0;
                }
            }
            (matte, backdrop, surface) = matte::refine(&out, &fine, 8.0, covered);
        }
        let eye_out = t.to_output(eyes);
        let centre = t.to_output(face.bbox.center());
        let face_width = face.bbox.w * t.scale;
        if output_head_top(&matte, centre.x, eye_out.y, face_width).is_none() {
            return Err(Refusal::NoHeadTop.into());
        }
        let image = matte::replace(&out, &matte, &backdrop, &surface, config.background);
        // The hair's top as it shows on the photo, where a reviewer measures it: a strand the
        // matte keeps below one half still shows, so this may lie a few pixels above the
        // matte's edge. Hair reaching the photo's top row is row 0, out of range.
        let head_top = visible_head_top(&image, config.background, centre.x, face_width, eye_out.y)
            .unwrap_or(0.0);
        let ok = head_top >= config.head_top_min as f32 && head_top <= config.head_top_max as f32;
        if !ok {
            if attempt == 0 {
                // Where the hair really ends: plan again from it.
                top = t.to_source(Point::new(centre.x, head_top)).y;
                continue;
            }
            return Err(Refusal::HeadTop {
                head_top_px: head_top,
                min: config.head_top_min,
                max: config.head_top_max,
            }
            .into());
        }
        let encoded = jpeg::encode_to_size(
            &image,
            config.min_quality,
            config.min_kb,
            config.max_kb,
            config.dpi,
        )?;
        return Ok(StandardPhoto {
            jpeg: encoded.bytes,
            quality: encoded.quality,
            image,
            mask: matte,
            backdrop,
            geometry: Geometry {
                head_top,
                eye_line: eye_out.y,
                face_width,
                face_centre_x: centre.x,
                roll_deg: (face.right_eye.y - face.left_eye.y)
                    .atan2(face.right_eye.x - face.left_eye.x)
                    .to_degrees(),
                scale: t.scale,
            },
            transform: t,
        });
    }
    Err(Refusal::NoHeadTop.into())
}

/// How much of a pixel's person probability may come from regions left out by
/// [`CoarseMask::only_person`] (the coarse mask's bilinear blur reaches a cell into its
/// neighbours) before the pixel counts as theirs.
const LEFT_OUT: f32 = 0.1;

/// The person probability of each output pixel from the segmentation of only the capture region
/// the output shows. `None` when that region is too small to segment.
fn fine_mask(
    capture: &RgbImage,
    t: &Transform,
    ow: u32,
    oh: u32,
    segmenter: &Segmenter,
) -> Result<Option<Vec<f32>>, PhotoError> {
    let (w, h) = capture.dimensions();
    let a = t.to_source(Point::new(0.0, 0.0));
    let b = t.to_source(Point::new(ow as f32, oh as f32));
    let x0 = a.x.floor().clamp(0.0, w as f32) as u32;
    let y0 = a.y.floor().clamp(0.0, h as f32) as u32;
    let x1 = b.x.ceil().clamp(0.0, w as f32) as u32;
    let y1 = b.y.ceil().clamp(0.0, h as f32) as u32;
    if x1 < x0 + 16 || y1 < y0 + 16 {
        return Ok(None);
    }
    let region = image::imageops::crop_imm(capture, x0, y0, x1 - x0, y1 - y0).to_image();
    let mask = segmenter.mask(&region)?;
    Ok(Some(
        (0..oh)
            .flat_map(|y| (0..ow).map(move |x| (x, y)))
            .map(|(x, y)| {
                let p = t.to_source(Point::new(x as f32 + 0.5, y as f32 + 0.5));
                mask.at(p.x - x0 as f32, p.y - y0 as f32)
            })
            .collect(),
    ))
}

/// A pixel this far (RGB distance) from the background colour is no longer background when the
/// hair's top is scanned for: a strand mixed a fifth into the new colour already shows.
const NOT_BACKGROUND: f32 = 40.0;

/// The top of the hair as a reviewer sees it on a made photo: in the columns across the middle
/// half of the face, the first row from the top that is far from the background colour, the
/// second-highest of those columns (one stray pixel does not lift the head). `None` when the
/// head starts at the top row. The maker checks its photo with it before encoding, and `tucai
/// eval photos` measures the file with it: the standard's "top of the hair" is what shows, and a
/// strand the matte keeps at a third of its colour shows.
pub fn visible_head_top(
    img: &RgbImage,
    background: [u8; 3],
    centre_x: f32,
    face_width: f32,
    eye_line: f32,
) -> Option<f32> {
    let (w, h) = img.dimensions();
    let half = (face_width * 0.25).max(1.0);
    let x0 = (centre_x - half).max(0.0) as u32;
    let x1 = ((centre_x + half) as u32).min(w.saturating_sub(1));
    let bottom = (eye_line.max(0.0) as u32).min(h);
    let distance = |p: [u8; 3]| {
        p.iter()
            .zip(background)
            .map(|(a, b)| (*a as f32 - b as f32).powi(2))
            .sum::<f32>()
            .sqrt()
    };
    let mut tops: Vec<u32> = (x0..=x1)
        .filter_map(|x| (0..bottom).find(|&y| distance(img.get_pixel(x, y).0) > NOT_BACKGROUND))
        .collect();
    if tops.len() < 3 {
        return None;
    }
    tops.sort_unstable();
    let top = tops[1];
    (top > 0).then_some(top as f32)
}

/// Top of the person in the output's centre band (half the face width), from the eye line up.
pub fn output_head_top(matte: &Matte, centre_x: f32, eye_y: f32, face_width: f32) -> Option<f32> {
    let half = (face_width * 0.25).max(1.0);
    let y_start = eye_y.clamp(0.0, matte.height as f32 - 1.0) as u32;
    let mut tops = Vec::new();
    let x0 = (centre_x - half).max(0.0) as u32;
    let x1 = ((centre_x + half) as u32).min(matte.width - 1);
    for x in (x0..=x1).step_by(2) {
        if matte.at(x, y_start) < 0.5 {
            continue;
        }
        let mut y = y_start;
        while y > 0 && matte.at(x, y - 1) >= 0.5 {
            y -= 1;
        }
        tops.push(y as f32);
    }
    if tops.len() < 3 {
        return None;
    }
    tops.sort_by(f32::total_cmp);
    tops.get(1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_english_reason_and_tells_the_student_what_to_do() {
        let top = MakeFailure::from(&PhotoError::Refused(Refusal::OutOfFrame {
            side: Side::Top,
        }));
        assert!(top.reason.contains("top edge"), "{}", top.reason);
        assert!(top.advice_zh.contains("坐低"), "{}", top.advice_zh);
        let left = MakeFailure::from(&PhotoError::Refused(Refusal::OutOfFrame {
            side: Side::Left,
        }));
        assert!(left.advice_zh.contains("画面中央"), "{}", left.advice_zh);
        let far = MakeFailure::from(&PhotoError::Refused(Refusal::FaceTooSmall {
            face_px: 90.0,
            upscale_needed: 2.5,
        }));
        assert!(far.advice_zh.contains("靠近"), "{}", far.advice_zh);
        assert!(far.advice_en.contains("closer"), "{}", far.advice_en);
        // Not the student's to fix: retake, then the teacher.
        let model = MakeFailure::from(&PhotoError::Model("bad graph".into()));
        assert!(model.reason.contains("bad graph"));
        assert!(model.advice_zh.contains("找老师"), "{}", model.advice_zh);
    }
}
