//! The standard photo of SPEC §5, made from a capture and its face: level the eyes, scale and
//! crop to the register's geometry, replace the backdrop, encode a JPEG of the right size; and
//! the paper print sheets.
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
use crate::face::{Face, Point};
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
    #[error("cannot encode the photo: {0}")]
    Encode(String),
    #[error("cannot lay out the print sheet: {0}")]
    Sheet(String),
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
    /// Roll that was levelled, degrees.
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
}

impl PhotoMaker {
    pub fn new() -> Result<Self, PhotoError> {
        Ok(PhotoMaker {
            segmenter: Segmenter::new()?,
        })
    }

    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// The standard photo of `face` (from the face detector, in `capture`'s pixels). The capture
    /// itself is not changed: the caller keeps it as the original.
    pub fn make(
        &self,
        capture: &RgbImage,
        face: &Face,
        config: &PhotoConfig,
    ) -> Result<StandardPhoto, PhotoError> {
        let coarse = self.segmenter.mask(capture)?;
        make_with_mask(capture, &coarse, face, config)
    }
}

/// [`PhotoMaker::make`] with the coarse mask already computed (the checks may have run it).
pub fn make_with_mask(
    capture: &RgbImage,
    coarse: &CoarseMask,
    face: &Face,
    config: &PhotoConfig,
) -> Result<StandardPhoto, PhotoError> {
    let (w, h) = capture.dimensions();
    let mut top = geometry::head_top(coarse, face).ok_or(Refusal::NoHeadTop)?;
    let (ow, oh) = (config.width, config.height);
    let eyes = face.left_eye.midpoint(face.right_eye);
    for attempt in 0..2 {
        let t = geometry::plan(face, top, w, h, config)?;
        let out = geometry::warp(capture, &t, ow, oh);
        let coarse_out: Vec<f32> = (0..oh)
            .flat_map(|y| (0..ow).map(move |x| (x, y)))
            .map(|(x, y)| {
                let p = t.to_source(Point::new(x as f32 + 0.5, y as f32 + 0.5));
                coarse.at(p.x, p.y)
            })
            .collect();
        // How far the model's edge can be off: ~3 cells of its 256-px grid, at output scale.
        let cell = (w.max(h) as f32 / 256.0) * t.scale;
        let band = (3.0 * cell).max(8.0);
        let (matte, backdrop, surface) = matte::refine(&out, &coarse_out, band);
        let eye_out = t.to_output(eyes);
        let centre = t.to_output(face.bbox.center());
        let face_width = face.bbox.w * t.scale;
        let measured = output_head_top(&matte, centre.x, eye_out.y, face_width);
        let Some(head_top) = measured else {
            return Err(Refusal::NoHeadTop.into());
        };
        let ok = head_top >= config.head_top_min as f32 && head_top <= config.head_top_max as f32;
        if !ok {
            if attempt == 0 {
                // The refined edge is where the hair really ends: plan again from it.
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
        let image = matte::replace(&out, &matte, &backdrop, &surface, config.background);
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
                roll_deg: t.roll.to_degrees(),
                scale: t.scale,
            },
            transform: t,
        });
    }
    Err(Refusal::NoHeadTop.into())
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
