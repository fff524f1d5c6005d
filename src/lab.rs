//! The station's photo work, the seam between the window and the core: make the standard photo from a capture and
//! run the automatic checks, on a worker thread, with progress the checking screen can show.
//!
//! Owns: [`PhotoLab`] (what the make+check step needs) and [`LabJob`] (running it off the GUI
//! thread). [`RealLab`] is the station's: `crate::check` on the capture and burst, `crate::photo`
//! for the standard photo; the station and the `--camera demo` walk-through both run it.
//! [`PreviewLab`] crops and scales without checking, and [`ScriptedLab`] answers with prepared
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
    pub make_error: Option<crate::photo::MakeFailure>,
}

/// Why the make+check step could not run at all (a failed check is not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    #[error("the photo could not be encoded: {0}")]
    Encode(String),
    #[error("the photo checks could not run: {0}")]
    Check(String),
    /// The make+check code panicked (a dependency's assertion, a bug in our image code); the job
    /// caught it, the station goes on.
    #[error("{0}")]
    Panicked(crate::isolate::Panicked),
}

impl LabError {
    /// What the student is told: a panic is nothing they caused, so they are asked to take the
    /// photo again (in both languages); other errors keep the maker's general advice.
    pub fn to_make_failure(&self) -> crate::photo::MakeFailure {
        match self {
            LabError::Panicked(p) => crate::photo::MakeFailure {
                reason: p.to_string(),
                advice_zh: "处理照片时出了问题，请重新拍照；仍不行请找老师",
                advice_en: "Something went wrong while processing the photo. Please take it again; if it happens again, ask the teacher",
            },
            other => crate::photo::MakeFailure::other(other.to_string()),
        }
    }
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

/// Crops the capture to the photo's aspect ratio and scales it, with every check passed and no
/// model run: the photo half of [`ScriptedLab`], for tests that are about the flow, not the lab.
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
/// photo of SPEC §5. Each model runs once per attempt: the segmentation gives the checks their
/// person mask and the photo its matte; the checks' main face and mesh place the photo's crop.
/// The models load on first use, on the worker thread (a few hundred ms), so the window opens at
/// once.
pub struct RealLab {
    config: crate::config::Config,
    /// The camera sends still pictures (the demo camera): nobody can blink in front of it, so
    /// liveness is reported as not judged instead of failing every attempt.
    still_camera: bool,
    models: std::sync::OnceLock<Result<(crate::photo::Segmenter, crate::check::Checker), String>>,
}

impl RealLab {
    pub fn new(config: &crate::config::Config) -> RealLab {
        RealLab {
            config: config.clone(),
            still_camera: false,
            models: std::sync::OnceLock::new(),
        }
    }

    /// The lab for a camera that sends still pictures (`--camera demo`): every check runs as at
    /// the station except liveness, which a still picture can never pass; it is reported as
    /// not judged, with that reason in both languages, and does not count.
    pub fn for_still_camera(config: &crate::config::Config) -> RealLab {
        RealLab {
            still_camera: true,
            ..RealLab::new(config)
        }
    }
}

/// Liveness as the demo camera's report carries it: not measured, passed so it does not count,
/// and saying so.
fn liveness_not_judged() -> CheckResult {
    CheckResult {
        id: CheckId::Liveness,
        passed: true,
        value: None,
        threshold: None,
        hint_zh: "演示摄像头送来的是静止图片，无法眨眼：演示中不判定活体检测".into(),
        hint_en: "The demo camera sends still pictures, which cannot blink: liveness is not judged in the demo"
            .into(),
    }
}

/// Long side of the person mask handed to the checks: their working copy is 480 px (see
/// `check::scene`), and the segmentation grid has only 256 cells, so more pixels add nothing.
const CHECK_MASK_LONG_SIDE: u32 = 480;

impl PhotoLab for RealLab {
    fn make_and_check(
        &self,
        capture: &RgbImage,
        burst: &[Arc<RgbImage>],
        progress: &dyn Fn(f32),
    ) -> Result<LabOutput, LabError> {
        progress(0.02);
        let models = self.models.get_or_init(|| {
            let segmenter = crate::photo::Segmenter::new().map_err(|e| e.to_string())?;
            let checker = crate::check::Checker::new(&self.config.checks, &self.config.photo)
                .map_err(|e| e.to_string())?;
            Ok((segmenter, checker))
        });
        let (segmenter, checker) = models.as_ref().map_err(|e| LabError::Check(e.clone()))?;
        progress(0.1);
        // The station has 2 cores and tract runs a model on one: what needs no face (the
        // original's JPEG, the segmentation, copying the burst) runs beside the face models, and
        // the photo beside the checks that need the mask.
        let (original_jpeg, coarse, frames, found) = std::thread::scope(|s| {
            let side = s.spawn(|| {
                let frames: Vec<RgbImage> = burst.iter().map(|f| (**f).clone()).collect();
                (jpeg(capture), segmenter.mask(capture), frames)
            });
            let found = checker.find(capture);
            let (original_jpeg, coarse, frames) = join(side);
            (original_jpeg, coarse, frames, found)
        });
        let original_jpeg = original_jpeg?;
        let found = found.map_err(|e| LabError::Check(e.to_string()))?;
        progress(0.4);
        // A capture too small to segment is refused by the photo maker below; the checks then
        // estimate the backdrop from the face, as they do for a still file.
        let (w, h) = capture.dimensions();
        let k = (CHECK_MASK_LONG_SIDE as f32 / w.max(h).max(1) as f32).min(1.0);
        let person_mask = coarse.as_ref().ok().map(|m| {
            m.to_gray(
                ((w as f32 * k).round() as u32).max(1),
                ((h as f32 * k).round() as u32).max(1),
            )
        });
        // The eye line is placed from the mesh's eyes, as `PhotoMaker::make` does.
        let photo_face = found
            .faces
            .first()
            .map(|f| found.mesh.as_ref().map_or(*f, |m| f.with_mesh_eyes(m)));
        let (checked, made) = std::thread::scope(|s| {
            let photo = s.spawn(|| match (photo_face, &coarse) {
                (None, _) => Err(crate::photo::MakeFailure::no_face()),
                (Some(_), Err(e)) => Err(crate::photo::MakeFailure::from(e)),
                (Some(face), Ok(coarse)) => crate::photo::make_with_segmenter(
                    capture,
                    coarse,
                    &face,
                    &self.config.photo,
                    segmenter,
                )
                .map(|p| p.jpeg)
                .map_err(|e| crate::photo::MakeFailure::from(&e)),
            });
            let checked = checker.check_found(
                &crate::check::CheckInput {
                    capture,
                    burst: &frames,
                    // The countdown screen asks for a blink during the burst.
                    challenge: crate::check::Challenge::Blink,
                    person_mask: person_mask.as_ref(),
                },
                found,
            );
            (checked, join(photo))
        });
        let mut report = checked.map_err(|e| LabError::Check(e.to_string()))?.report;
        if self.still_camera {
            for c in report
                .checks
                .iter_mut()
                .filter(|c| c.id == CheckId::Liveness)
            {
                *c = liveness_not_judged();
            }
        }
        progress(1.0);
        Ok(LabOutput {
            report,
            original_jpeg,
            photo_jpeg: made.as_ref().ok().cloned(),
            make_error: made.err(),
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

/// A report where `id` failed with the given hints and everything else passed. The failed
/// check measured a value (it looked and judged), as a real check on a seen face does.
pub fn failing(id: CheckId, hint_zh: &str, hint_en: &str) -> CheckReport {
    let mut r = all_passed();
    for c in &mut r.checks {
        if c.id == id {
            c.passed = false;
            c.value = Some(1.0);
            c.hint_zh = hint_zh.into();
            c.hint_en = hint_en.into();
        }
    }
    r
}

/// The result of a helper thread; its panic goes on in the caller (the job then reports the
/// stopped thread, as for any panic in the lab).
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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

/// The capture as taken, kept beside the photo (SPEC §5).
fn jpeg(img: &RgbImage) -> Result<Vec<u8>, LabError> {
    crate::photo::jpeg::encode(img, 90, None).map_err(|e| LabError::Encode(e.to_string()))
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
            // A panic in the models or the photo code costs this attempt, not the station.
            let out = crate::isolate::catch("photo lab", || {
                lab.make_and_check(&capture, &burst, &report)
            })
            .unwrap_or_else(|p| Err(LabError::Panicked(p)));
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
    fn real_lab_checks_the_demo_scene_and_makes_its_standard_photo() {
        // The demo scene is a station-like capture of a smiling person: the real checks say so,
        // and the maker makes the standard photo anyway (the checks decide, not the maker).
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
        assert!(!failed.contains(&CheckId::FaceSize), "{failed:?}");
        assert_eq!(out.make_error, None);
        let photo = image::load_from_memory(out.photo_jpeg.as_deref().unwrap()).unwrap();
        assert_eq!((photo.width(), photo.height()), (480, 640));
        assert!(
            failed.contains(&CheckId::Liveness),
            "the station judges liveness"
        );

        // The demo camera's lab sets liveness aside (a still picture could never blink), so what
        // fails is what the picture really shows: the smile.
        let demo = RealLab::for_still_camera(&config)
            .make_and_check(&img, &[], &|_| {})
            .unwrap();
        let failed: Vec<_> = demo.report.failed().map(|c| c.id).collect();
        assert_eq!(failed, [CheckId::MouthClosed]);
        let live = demo
            .report
            .checks
            .iter()
            .find(|c| c.id == CheckId::Liveness)
            .unwrap();
        assert_eq!(live.value, None);
        assert!(live.hint_en.contains("not judged"), "{}", live.hint_en);
    }

    /// A station-like 1920×1080 capture: the person of a real photo (cut out by the segmenter)
    /// on a grey, gently lit backdrop, head well below the top edge.
    fn station_capture(segmenter: &crate::photo::Segmenter) -> RgbImage {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/faces/fr_obama.jpg"
        );
        let person = image::open(path).unwrap().to_rgb8();
        let mask = segmenter.mask(&person).unwrap();
        let k = 0.9;
        let (pw, ph) = (
            (person.width() as f32 * k) as u32,
            (person.height() as f32 * k) as u32,
        );
        let small =
            image::imageops::resize(&person, pw, ph, image::imageops::FilterType::CatmullRom);
        let (ox, oy) = ((1920 - pw) / 2, 120);
        RgbImage::from_fn(1920, 1080, |x, y| {
            let light = 1.0 - 0.15 * ((x as f32 - 960.0) / 960.0).powi(2);
            let backdrop = 128.0 * light;
            if x >= ox && y >= oy && x < ox + pw && y < oy + ph {
                let a = ((mask.at((x - ox) as f32 / k, (y - oy) as f32 / k) - 0.3) / 0.4)
                    .clamp(0.0, 1.0);
                let p = small.get_pixel(x - ox, y - oy).0;
                image::Rgb(p.map(|c| (a * c as f32 + (1.0 - a) * backdrop).round() as u8))
            } else {
                image::Rgb([backdrop.round() as u8; 3])
            }
        })
    }

    #[test]
    fn real_lab_checks_a_station_capture_with_its_mask_and_makes_the_makers_photo() {
        let config = crate::config::Config::default();
        let maker = crate::photo::PhotoMaker::new().unwrap();
        let capture = station_capture(maker.segmenter());
        // A burst of the same still frame: nobody blinked.
        let still = Arc::new(capture.clone());
        let burst = vec![still.clone(), still.clone(), still];
        let steps = Mutex::new(Vec::new());
        let out = RealLab::new(&config)
            .make_and_check(&capture, &burst, &|f| steps.lock().unwrap().push(f))
            .unwrap();
        let steps = steps.into_inner().unwrap();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");
        assert_eq!(steps.last(), Some(&1.0));

        let get = |id| out.report.get(id).unwrap();
        for id in [
            CheckId::FaceSingle,
            CheckId::FacePosition,
            CheckId::FaceSize,
            CheckId::PoseFrontal,
            CheckId::BackgroundUniform,
            CheckId::Recapture,
        ] {
            assert!(get(id).passed, "{id}: {:?}", get(id));
        }
        // He smiles with his teeth showing, and a still burst is no live person.
        assert!(!get(CheckId::MouthClosed).passed);
        let live = get(CheckId::Liveness);
        assert!(!live.passed && live.value.is_some(), "{live:?}");
        assert_eq!(out.report.checks.len(), CheckId::ALL.len());
        // The person mask reached the checks: without it the backdrop is estimated from the
        // face's position, which measures other pixels.
        let unmasked = crate::check::Checker::new(&config.checks, &config.photo)
            .unwrap()
            .check_still(&capture, None)
            .unwrap();
        let background = |r: &CheckReport| r.get(CheckId::BackgroundUniform).unwrap().value;
        assert_ne!(background(&out.report), background(&unmasked));

        // One pass through the models makes the very photo the stand-alone maker makes.
        assert_eq!(out.make_error, None);
        let photo = out.photo_jpeg.unwrap();
        let decoded = image::load_from_memory(&photo).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (config.photo.width, config.photo.height)
        );
        let face = crate::face::FaceDetector::new()
            .unwrap()
            .detect(&capture)
            .unwrap()
            .into_iter()
            .max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area()))
            .unwrap();
        let alone = maker.make(&capture, &face, &config.photo).unwrap();
        assert!(
            alone.jpeg == photo,
            "the lab's photo differs from PhotoMaker::make's"
        );
        let original = image::load_from_memory(&out.original_jpeg).unwrap();
        assert_eq!((original.width(), original.height()), (1920, 1080));
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

    /// Panics on its first call (as a dependency such as tract may on a strange picture), then works.
    struct PanickyLab {
        calls: AtomicU32,
    }

    impl PhotoLab for PanickyLab {
        fn make_and_check(
            &self,
            capture: &RgbImage,
            burst: &[Arc<RgbImage>],
            progress: &dyn Fn(f32),
        ) -> Result<LabOutput, LabError> {
            if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("assertion failed: x <= i32::MAX as f64 (student 202200001)");
            }
            PreviewLab {
                spec: PhotoConfig::default(),
            }
            .make_and_check(capture, burst, progress)
        }
    }

    fn wait(job: &LabJob) -> Result<LabOutput, LabError> {
        // Generous bound for a loaded CI machine; the job itself takes milliseconds.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if let LabPoll::Done(r) = job.poll() {
                return r;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the lab job never finished"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn a_panic_in_the_lab_is_caught_the_student_is_asked_to_retake_and_the_next_attempt_works() {
        let lab: Arc<dyn PhotoLab> = Arc::new(PanickyLab {
            calls: AtomicU32::new(0),
        });
        let capture = Arc::new(RgbImage::from_pixel(64, 48, image::Rgb([90, 90, 90])));
        let err = match wait(&LabJob::spawn(lab.clone(), capture.clone(), Vec::new())) {
            Err(e) => e,
            Ok(_) => panic!("the panicking attempt reported a photo"),
        };
        let LabError::Panicked(p) = &err else {
            panic!("not reported as a caught panic: {err}");
        };
        assert!(p.message.contains("assertion failed"), "{p}");
        assert!(
            !p.message.contains("202200001"),
            "a digit run reached the log: {p}"
        );
        let told = err.to_make_failure();
        assert!(told.advice_zh.contains("重新拍照"), "{}", told.advice_zh);
        assert!(
            told.advice_en.contains("take it again"),
            "{}",
            told.advice_en
        );
        // The same lab takes the next attempt.
        let out = wait(&LabJob::spawn(lab, capture, Vec::new())).unwrap();
        assert!(out.photo_jpeg.is_some());
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
