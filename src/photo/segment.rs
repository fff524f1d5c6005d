//! The coarse person mask: MediaPipe selfie segmentation (general model) on the whole frame
//! squeezed to 256×256. Its mask is blurry at 256 px; [`super::matte`] refines it at the output's
//! resolution.

use super::PhotoError;
use crate::face::Rect;
use image::{GrayImage, RgbImage};
use std::sync::Arc;
use tract_onnx::prelude::*;

static SELFIE_ONNX: &[u8] = include_bytes!("../../assets/models/selfie_segmentation.onnx");

const SIDE: usize = 256;

/// Person probability on a 256×256 grid that covers the whole capture (no letterbox: the grid is
/// stretched to the capture's aspect ratio).
#[derive(Debug, Clone)]
pub struct CoarseMask {
    /// Row-major, `SIDE × SIDE`, 0 = backdrop, 1 = person.
    data: Vec<f32>,
    /// Size of the capture the mask covers.
    pub image_width: u32,
    pub image_height: u32,
}

impl CoarseMask {
    /// Person probability at capture pixel `(x, y)`, bilinear, clamped at the border.
    pub fn at(&self, x: f32, y: f32) -> f32 {
        let gx = (x / self.image_width as f32 * SIDE as f32 - 0.5).clamp(0.0, (SIDE - 1) as f32);
        let gy = (y / self.image_height as f32 * SIDE as f32 - 0.5).clamp(0.0, (SIDE - 1) as f32);
        let (x0, y0) = (gx.floor() as usize, gy.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(SIDE - 1), (y0 + 1).min(SIDE - 1));
        let (fx, fy) = (gx - x0 as f32, gy - y0 as f32);
        let v = |x: usize, y: usize| self.data[y * SIDE + x];
        let top = v(x0, y0) * (1.0 - fx) + v(x1, y0) * fx;
        let bottom = v(x0, y1) * (1.0 - fx) + v(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// The mask as a `width`×`height` image covering the whole capture, 255 = person: the form
    /// the checks take (`crate::check::CheckInput::person_mask`). The model's grid is only 256
    /// cells across, so a small image (the checks' 480-px working copy) loses nothing.
    pub fn to_gray(&self, width: u32, height: u32) -> GrayImage {
        let (sx, sy) = (
            self.image_width as f32 / width.max(1) as f32,
            self.image_height as f32 / height.max(1) as f32,
        );
        GrayImage::from_fn(width, height, |x, y| {
            let p = self.at((x as f32 + 0.5) * sx, (y as f32 + 0.5) * sy);
            image::Luma([(p * 255.0).round().clamp(0.0, 255.0) as u8])
        })
    }

    /// The mask of the person whose face is `face` (capture pixels) alone: every region of
    /// person on the model's grid that does not touch that person's is set to backdrop. On real
    /// portraits the model also marks a patch of a poster, a red sign, a bystander apart from the
    /// student; left in, it stays on the photo (the standard: no other person or object) or
    /// refuses the plan at an edge it touches. A region that does not touch but lies under the
    /// face (the body below a collar the model doubted) or near the head (an earring's pendant,
    /// a loose lock) stays: the person is never cut. A neighbour who touches the student on the
    /// grid stays too (face.single refuses such a capture at the station). `None` when nothing
    /// is left out (the station's plain cloth, or the face's centre is not person): the caller
    /// keeps the mask it has.
    pub fn only_person(&self, face: &Rect) -> Option<CoarseMask> {
        let cell = |x: f32, y: f32| -> (usize, usize) {
            let gx = (x / self.image_width.max(1) as f32 * SIDE as f32).floor();
            let gy = (y / self.image_height.max(1) as f32 * SIDE as f32).floor();
            (
                gx.clamp(0.0, (SIDE - 1) as f32) as usize,
                gy.clamp(0.0, (SIDE - 1) as f32) as usize,
            )
        };
        let person = |i: usize| self.data[i] >= 0.5;
        let centre = face.center();
        let (sx, sy) = cell(centre.x, centre.y);
        if !person(sy * SIDE + sx) {
            return None;
        }
        // Region of each person cell (4-neighbour), numbered from 1.
        let mut region = vec![0u32; SIDE * SIDE];
        let mut next = 0u32;
        let mut stack = Vec::new();
        for start in 0..SIDE * SIDE {
            if region[start] != 0 || !person(start) {
                continue;
            }
            next += 1;
            region[start] = next;
            stack.push(start);
            while let Some(i) = stack.pop() {
                let (x, y) = (i % SIDE, i / SIDE);
                let near = [
                    (x > 0).then(|| i - 1),
                    (x + 1 < SIDE).then(|| i + 1),
                    (y > 0).then(|| i - SIDE),
                    (y + 1 < SIDE).then(|| i + SIDE),
                ];
                for j in near.into_iter().flatten() {
                    if region[j] == 0 && person(j) {
                        region[j] = next;
                        stack.push(j);
                    }
                }
            }
        }
        let mut keep = vec![false; next as usize + 1];
        keep[region[sy * SIDE + sx] as usize] = true;
        // Under the face: the columns of its box, from its bottom edge down. Around the head: the
        // box half its width wider on each side and half its height taller (a dangling
        // earring, a loose lock or a hair clip the model sees apart from the head is the
        // student's own).
        let (x0, y0) = cell(face.x, face.y + face.h);
        let (x1, _) = cell(face.x + face.w, face.y + face.h);
        let (hx0, hy0) = cell(face.x - 0.5 * face.w, face.y - 0.5 * face.h);
        let (hx1, hy1) = cell(face.x + 1.5 * face.w, face.y + face.h);
        for (xs, ys) in [(x0..=x1, y0..=SIDE - 1), (hx0..=hx1, hy0..=hy1)] {
            for y in ys {
                for x in xs.clone() {
                    keep[region[y * SIDE + x] as usize] = true;
                }
            }
        }
        keep[0] = false;
        if keep.iter().skip(1).all(|&k| k) {
            return None;
        }
        let data = self
            .data
            .iter()
            .zip(&region)
            .map(|(&p, &r)| if r == 0 || keep[r as usize] { p } else { 0.0 })
            .collect();
        Some(CoarseMask {
            data,
            image_width: self.image_width,
            image_height: self.image_height,
        })
    }

    /// A mask from known values, for tests of the geometry and the matte.
    pub fn from_fn(
        image_width: u32,
        image_height: u32,
        person: impl Fn(f32, f32) -> f32,
    ) -> CoarseMask {
        let mut data = Vec::with_capacity(SIDE * SIDE);
        for gy in 0..SIDE {
            for gx in 0..SIDE {
                let x = (gx as f32 + 0.5) / SIDE as f32 * image_width as f32;
                let y = (gy as f32 + 0.5) / SIDE as f32 * image_height as f32;
                data.push(person(x, y));
            }
        }
        CoarseMask {
            data,
            image_width,
            image_height,
        }
    }
}

/// The segmentation model, loaded once (~100 ms); `Send + Sync`, share it with an `Arc`.
pub struct Segmenter {
    plan: Arc<TypedRunnableModel>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Segmenter {
    pub fn new() -> Result<Self, PhotoError> {
        let plan = tract_onnx::onnx()
            .model_for_read(&mut &SELFIE_ONNX[..])
            .and_then(|m| m.with_input_fact(0, f32::fact([1, SIDE, SIDE, 3]).into()))
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| PhotoError::Model(format!("{e:#}")))?;
        Ok(Segmenter { plan })
    }

    /// The coarse person mask of `img`.
    pub fn mask(&self, img: &RgbImage) -> Result<CoarseMask, PhotoError> {
        let (w, h) = img.dimensions();
        if w < 16 || h < 16 {
            return Err(PhotoError::Refused(super::Refusal::CaptureTooSmall {
                width: w,
                height: h,
            }));
        }
        // Box-average each grid cell, so a 1920×1080 frame is not aliased down to 256 px.
        let small = image::imageops::resize(
            img,
            SIDE as u32,
            SIDE as u32,
            image::imageops::FilterType::Triangle,
        );
        let input = tract_ndarray::Array4::from_shape_fn((1, SIDE, SIDE, 3), |(_, y, x, c)| {
            small.get_pixel(x as u32, y as u32)[c] as f32 / 255.0
        });
        let out = self
            .plan
            .run(tvec!(Tensor::from(input).into()))
            .map_err(|e| PhotoError::Model(format!("{e:#}")))?;
        let view = out
            .first()
            .ok_or_else(|| PhotoError::Model("segmentation returned no output".into()))?
            .to_plain_array_view::<f32>()
            .map_err(|e| PhotoError::Model(format!("{e:#}")))?;
        let data: Vec<f32> = view.iter().map(|v| v.clamp(0.0, 1.0)).collect();
        if data.len() != SIDE * SIDE {
            return Err(PhotoError::Model(format!(
                "segmentation returned {} values, expected {}",
                data.len(),
                SIDE * SIDE
            )));
        }
        Ok(CoarseMask {
            data,
            image_width: w,
            image_height: h,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1000×1000 capture: a head (disc) on a body (the lower middle), `extra` more person.
    fn portrait(extra: impl Fn(f32, f32) -> bool) -> CoarseMask {
        CoarseMask::from_fn(1000, 1000, |x, y| {
            let head = (x - 500.0).hypot(y - 350.0) < 150.0;
            let body = (300.0..700.0).contains(&x) && y > 520.0;
            if head || body || extra(x, y) {
                1.0
            } else {
                0.0
            }
        })
    }

    fn face() -> Rect {
        Rect {
            x: 380.0,
            y: 220.0,
            w: 240.0,
            h: 280.0,
        }
    }

    #[test]
    fn a_patch_apart_from_the_student_is_backdrop_and_the_student_is_untouched() {
        // A red sign at the top left and a bystander's shoulder at the right edge.
        let m = portrait(|x, y| (x < 120.0 && y < 200.0) || x > 900.0);
        let only = m.only_person(&face()).expect("a region is left out");
        assert!(only.at(60.0, 100.0) < 0.01);
        assert!(only.at(960.0, 600.0) < 0.01);
        for (x, y) in [
            (500.0, 350.0),
            (500.0, 210.0),
            (320.0, 900.0),
            (680.0, 990.0),
        ] {
            assert_eq!(only.at(x, y), m.at(x, y), "({x}, {y})");
        }
    }

    #[test]
    fn the_body_under_the_face_stays_where_the_model_lost_the_neck() {
        // The head ends at 500, the body starts at 520: no cell joins them.
        let m = portrait(|_, _| false);
        assert!(m.at(500.0, 510.0) < 0.01 && m.at(500.0, 800.0) > 0.99);
        assert!(m.only_person(&face()).is_none());
    }

    #[test]
    fn an_earring_apart_from_the_head_stays() {
        // A pendant below the ear, apart from the head and the body.
        let m = portrait(|x, y| (x - 700.0).hypot(y - 470.0) < 12.0);
        assert!(m.at(700.0, 470.0) > 0.99);
        assert!(m.at(700.0, 450.0) < 0.01 && m.at(680.0, 470.0) < 0.01);
        assert!(m.only_person(&face()).is_none());
    }

    #[test]
    fn a_neighbour_who_touches_the_student_and_a_face_off_the_mask_change_nothing() {
        let m = portrait(|x, y| x > 680.0 && y > 400.0);
        assert!(m.only_person(&face()).is_none());
        let elsewhere = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        assert!(m.only_person(&elsewhere).is_none());
    }

    #[test]
    fn to_gray_covers_the_whole_capture_at_any_size() {
        // A person on the left third of a 1920×1080 capture.
        let m = CoarseMask::from_fn(1920, 1080, |x, _| if x < 640.0 { 1.0 } else { 0.0 });
        let g = m.to_gray(480, 270);
        assert_eq!(g.dimensions(), (480, 270));
        assert_eq!(g.get_pixel(10, 135).0[0], 255);
        assert_eq!(g.get_pixel(470, 135).0[0], 0);
        // The edge stays at a third of the width (within the model's 7.5-px cells).
        let edge = (0..480).find(|&x| g.get_pixel(x, 135).0[0] < 128).unwrap();
        assert!((158..=162).contains(&edge), "{edge}");
        let tiny = m.to_gray(3, 1);
        assert_eq!(tiny.as_raw(), &vec![255, 0, 0]);
    }
}
