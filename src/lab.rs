//! The station's photo work, the seam between the window and the core: make the standard photo from a capture and
//! run the automatic checks, on a worker thread, with progress the checking screen can show.
//!
//! Owns: [`PhotoLab`] (what the make+check step needs) and [`LabJob`] (running it off the GUI
//! thread). [`RealLab`] is the station's: `crate::check` on the capture and burst, `crate::photo`
//! for the standard photo. [`PreviewLab`] crops and scales without checking (the `--camera demo`
//! walk-through, whose stock picture could never pass), and [`ScriptedLab`] answers with prepared
//! reports for tests. Must not touch: egui, the store.

use crate::check::{CheckId, CheckReport, CheckResult};
use crate::config::PhotoConfig;
use image::RgbImage;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};

/// What the make+check step produces for one attempt.
#[derive(Debug, Clone)]
pub struct LabOutput {
    pub report: CheckReport,
    /// The capture as taken, kept beside the photo (SPEC §5).
    pub original_jpeg: Vec<u8>,
    /// The standard photo (JPEG to the `[photo]` spec); `None` when it could not be made.
    pub photo_jpeg: Option<Vec<u8>>,
    /// Why the photo could not be made (the checks say what to change), when it could not.
    pub make_error: Option<String>,
}

/// Why the make+check step could not run at all (a failed check is not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    #[error("the photo could not be encoded: {0}")]
    Encode(String),
    #[error("the photo checks could not run: {0}")]
    Check(String),
}

/// Makes the standard photo and checks it. `progress` takes 0.0..=1.0.
pub trait PhotoLab: Send + Sync {
    fn make_and_check(
        &self,
        capture: &RgbImage,
        burst: &[Arc<RgbImage>],
        progress: &dyn Fn(f32),
    ) -> Result<LabOutput, LabError>;
}

/// Crops the capture to the photo's aspect ratio and scales it, with an empty check report marked
/// as passed only by [`ScriptedLab`]: the stand-in until `crate::photo` and `crate::check` land.
pub struct PreviewLab {
    pub spec: PhotoConfig,
}

impl PhotoLab for PreviewLab {
    fn make_and_check(
        &self,
        capture: &RgbImage,
        _burst: &[Arc<RgbImage>],
        progress: &dyn Fn(f32),
    ) -> Result<LabOutput, LabError> {
        let photo = crop_to_spec(capture, self.spec.width, self.spec.height);
        progress(0.5);
        let out = LabOutput {
            report: all_passed(),
            original_jpeg: jpeg(capture)?,
            photo_jpeg: Some(jpeg(&photo)?),
            make_error: None,
        };
        progress(1.0);
        Ok(out)
    }
}

/// The station's lab: every check of SPEC §4 on the capture and the burst, then the standard
/// photo of SPEC §5. The face models load on first use, on the worker thread (a few hundred ms),
/// so the window opens at once.
pub struct RealLab {
    config: crate::config::Config,
    models: std::sync::OnceLock<Result<(crate::photo::PhotoMaker, crate::check::Checker), String>>,
}

impl RealLab {
    pub fn new(config: &crate::config::Config) -> RealLab {
        RealLab {
            config: config.clone(),
            models: std::sync::OnceLock::new(),
        }
    }
}

impl PhotoLab for RealLab {
    fn make_and_check(
        &self,
        capture: &RgbImage,
        burst: &[Arc<RgbImage>],
        progress: &dyn Fn(f32),
    ) -> Result<LabOutput, LabError> {
        progress(0.02);
        let models = self.models.get_or_init(|| {
            let maker = crate::photo::PhotoMaker::new().map_err(|e| e.to_string())?;
            let checker = crate::check::Checker::new(&self.config.checks, &self.config.photo)
                .map_err(|e| e.to_string())?;
            Ok((maker, checker))
        });
        let (maker, checker) = models.as_ref().map_err(|e| LabError::Check(e.clone()))?;
        progress(0.1);
        let original_jpeg = jpeg(capture)?;
        let frames: Vec<RgbImage> = burst.iter().map(|f| (**f).clone()).collect();
        let report = checker
            .check(&crate::check::CheckInput {
                capture,
                burst: &frames,
                // The countdown screen asks for a blink during the burst.
                challenge: crate::check::Challenge::Blink,
                person_mask: None,
            })
            .map_err(|e| LabError::Check(e.to_string()))?;
        progress(0.7);
        let face = checker
            .detector()
            .detect(capture)
            .map_err(|e| LabError::Check(e.to_string()))?
            .into_iter()
            .max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area()));
        let (photo_jpeg, make_error) = match face {
            None => (None, Some("no face found in the capture".to_string())),
            Some(face) => match maker.make(capture, &face, &self.config.photo) {
                Ok(p) => (Some(p.jpeg), None),
                Err(e) => (None, Some(e.to_string())),
            },
        };
        progress(1.0);
        Ok(LabOutput {
            report,
            original_jpeg,
            photo_jpeg,
            make_error,
        })
    }
}

/// Answers each call with the next prepared report (the last one repeats), making the photo like
/// [`PreviewLab`]. For tests and demonstrations of failing checks.
pub struct ScriptedLab {
    pub spec: PhotoConfig,
    reports: Mutex<VecDeque<CheckReport>>,
}

impl ScriptedLab {
    pub fn new(spec: PhotoConfig, reports: Vec<CheckReport>) -> ScriptedLab {
        ScriptedLab {
            spec,
            reports: Mutex::new(reports.into()),
        }
    }
}

impl PhotoLab for ScriptedLab {
    fn make_and_check(
        &self,
        capture: &RgbImage,
        burst: &[Arc<RgbImage>],
        progress: &dyn Fn(f32),
    ) -> Result<LabOutput, LabError> {
        let mut out = PreviewLab {
            spec: self.spec.clone(),
        }
        .make_and_check(capture, burst, progress)?;
        let mut q = self.reports.lock().unwrap_or_else(|p| p.into_inner());
        out.report = if q.len() > 1 {
            q.pop_front().unwrap_or_default()
        } else {
            q.front().cloned().unwrap_or_else(all_passed)
        };
        Ok(out)
    }
}

/// A report where every check passed (what the stand-in labs return).
pub fn all_passed() -> CheckReport {
    CheckReport {
        checks: CheckId::ALL
            .into_iter()
            .map(|id| CheckResult {
                id,
                passed: true,
                value: None,
                threshold: None,
                hint_zh: String::new(),
                hint_en: String::new(),
            })
            .collect(),
    }
}

/// A report where `id` failed with the given hints and everything else passed.
pub fn failing(id: CheckId, hint_zh: &str, hint_en: &str) -> CheckReport {
    let mut r = all_passed();
    for c in &mut r.checks {
        if c.id == id {
            c.passed = false;
            c.hint_zh = hint_zh.into();
            c.hint_en = hint_en.into();
        }
    }
    r
}

fn crop_to_spec(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    let (iw, ih) = img.dimensions();
    // Largest centred w:h window.
    let (cw, ch) = if u64::from(iw) * u64::from(h) > u64::from(ih) * u64::from(w) {
        ((u64::from(ih) * u64::from(w) / u64::from(h)) as u32, ih)
    } else {
        (iw, (u64::from(iw) * u64::from(h) / u64::from(w)) as u32)
    };
    let x = (iw - cw.min(iw)) / 2;
    let y = (ih - ch.min(ih)) / 2;
    let crop = image::imageops::crop_imm(img, x, y, cw.max(1), ch.max(1)).to_image();
    image::imageops::resize(&crop, w, h, image::imageops::FilterType::Triangle)
}

fn jpeg(img: &RgbImage) -> Result<Vec<u8>, LabError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .map_err(|e| LabError::Encode(e.to_string()))?;
    Ok(out)
}

/// A make+check run on its own thread.
pub struct LabJob {
    progress: Arc<AtomicU32>,
    result: Receiver<Result<LabOutput, LabError>>,
}

/// What polling a job found.
pub enum LabPoll {
    Running(f32),
    Done(Result<LabOutput, LabError>),
}

impl LabJob {
    pub fn spawn(
        lab: Arc<dyn PhotoLab>,
        capture: Arc<RgbImage>,
        burst: Vec<Arc<RgbImage>>,
    ) -> LabJob {
        let progress = Arc::new(AtomicU32::new(0));
        let (tx, result) = channel();
        let p = progress.clone();
        std::thread::spawn(move || {
            let report = |f: f32| p.store((f.clamp(0.0, 1.0) * 1000.0) as u32, Ordering::Relaxed);
            let out = lab.make_and_check(&capture, &burst, &report);
            // The receiver is gone when the student left; nothing to tell then.
            let _ = tx.send(out);
        });
        LabJob { progress, result }
    }

    pub fn poll(&self) -> LabPoll {
        match self.result.try_recv() {
            Ok(r) => LabPoll::Done(r),
            Err(TryRecvError::Empty) => {
                LabPoll::Running(self.progress.load(Ordering::Relaxed) as f32 / 1000.0)
            }
            Err(TryRecvError::Disconnected) => LabPoll::Done(Err(LabError::Check(
                "the checking thread stopped unexpectedly".into(),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_lab_checks_the_demo_person_and_says_why_no_photo_can_be_made() {
        // The stock demo picture smiles, stands too far and its hair touches the top edge: the
        // real checks and the photo maker must each say so.
        let img = image::load_from_memory(include_bytes!("../assets/demo/person.jpg"))
            .unwrap()
            .to_rgb8();
        let config = crate::config::Config::default();
        let out = RealLab::new(&config)
            .make_and_check(&img, &[], &|_| {})
            .unwrap();
        assert!(!out.report.passed());
        let failed: Vec<_> = out.report.failed().map(|c| c.id).collect();
        assert!(failed.contains(&CheckId::MouthClosed), "{failed:?}");
        assert!(failed.contains(&CheckId::FaceSize), "{failed:?}");
        assert!(out.photo_jpeg.is_none());
        let why = out.make_error.unwrap_or_default();
        assert!(why.contains("top edge"), "{why}");
    }

    #[test]
    fn preview_lab_makes_a_photo_of_the_spec_size() {
        let spec = PhotoConfig::default();
        let img = RgbImage::from_pixel(1280, 720, image::Rgb([120, 130, 140]));
        let out = PreviewLab { spec: spec.clone() }
            .make_and_check(&img, &[], &|_| {})
            .unwrap();
        let photo = image::load_from_memory(out.photo_jpeg.as_deref().unwrap()).unwrap();
        assert_eq!((photo.width(), photo.height()), (spec.width, spec.height));
        assert!(out.report.passed());
    }

    #[test]
    fn scripted_lab_answers_in_order_then_repeats_the_last() {
        let spec = PhotoConfig::default();
        let lab = ScriptedLab::new(
            spec,
            vec![failing(CheckId::EyesOpen, "睁眼", "open"), all_passed()],
        );
        let img = RgbImage::new(64, 48);
        let a = lab.make_and_check(&img, &[], &|_| {}).unwrap();
        let b = lab.make_and_check(&img, &[], &|_| {}).unwrap();
        let c = lab.make_and_check(&img, &[], &|_| {}).unwrap();
        assert!(!a.report.passed());
        assert!(b.report.passed() && c.report.passed());
    }
}
