//! Live framing hints measured on the preview: where the face is against the head oval the
//! framing screen draws, and how bright it is.
//!
//! Owns: the pure decision [`decide`] (faces + frame size + `[photo]` spec + face brightness →
//! [`Hint`]) and [`HintWorker`], which runs the face detector on its own thread over the newest
//! preview frame, at most a few times a second, so the GUI thread never waits on it. Must not
//! touch: egui (the screen draws the hint), the store, the checks' verdicts (a hint is advice
//! before the shot; the checks judge the photo after it).
//!
//! The geometry is the overlay's: the standard photo's aspect, centred in the frame at full
//! height ([`crop_of`]), scaled to the output's pixels, so "move closer" means "your face is
//! narrower than the oval" as the student sees it.

use crate::config::PhotoConfig;
use crate::face::{Face, FaceDetector, Rect};
use image::RgbImage;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One piece of advice for the student in front of the camera, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    NoFace,
    SeveralFaces,
    MoveCloser,
    StepBack,
    Centre,
    /// The eyes sit above the eye-line band: lower the head (sit lower).
    MoveDown,
    /// The eyes sit below the eye-line band: sit up straight.
    MoveUp,
    TooDark,
    TooBright,
    Good,
}

/// Brightness limits of the face, 0–255 (the `light.exposure` check's, so a hint of "good"
/// does not precede a failed light check).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Light {
    pub min: f32,
    pub max: f32,
}

/// The part of a `w × h` frame the standard photo's crop covers in the overlay: the output's
/// aspect, centred, as tall as the frame allows.
pub fn crop_of(w: u32, h: u32, spec: &PhotoConfig) -> Rect {
    let aspect = spec.width.max(1) as f32 / spec.height.max(1) as f32;
    let (w, h) = (w as f32, h as f32);
    let ch = h.min(w / aspect);
    let cw = ch * aspect;
    Rect {
        x: (w - cw) / 2.0,
        y: (h - ch) / 2.0,
        w: cw,
        h: ch,
    }
}

/// The advice for `faces` found in a `w × h` frame whose largest face has mean brightness
/// `face_luma`. Faces below `min_score` are ignored (a poster behind the student).
pub fn decide(
    faces: &[Face],
    (w, h): (u32, u32),
    spec: &PhotoConfig,
    face_luma: f32,
    light: Light,
) -> Hint {
    const MIN_SCORE: f32 = 0.5;
    let faces: Vec<&Face> = faces.iter().filter(|f| f.score >= MIN_SCORE).collect();
    let face = match faces.as_slice() {
        [] => return Hint::NoFace,
        [one] => *one,
        _ => return Hint::SeveralFaces,
    };
    let crop = crop_of(w, h, spec);
    if crop.h <= 0.0 {
        return Hint::NoFace;
    }
    // Output pixels per frame pixel.
    let k = spec.height as f32 / crop.h;
    let face_w = face.bbox.w * k;
    if face_w < spec.face_width_min as f32 {
        return Hint::MoveCloser;
    }
    if face_w > spec.face_width_max as f32 {
        return Hint::StepBack;
    }
    // The photo centres the face; off by more than a tenth of its width reads as off-centre.
    let dx = (face.bbox.center().x - crop.center().x) * k;
    if dx.abs() > spec.width as f32 * 0.1 {
        return Hint::Centre;
    }
    let eye_y = (face.left_eye.midpoint(face.right_eye).y - crop.y) * k;
    if eye_y < spec.eye_line_min as f32 {
        return Hint::MoveDown;
    }
    if eye_y > spec.eye_line_max as f32 {
        return Hint::MoveUp;
    }
    if face_luma < light.min {
        return Hint::TooDark;
    }
    if face_luma > light.max {
        return Hint::TooBright;
    }
    Hint::Good
}

/// Mean luminance (BT.601, 0–255) of the middle of `bbox` (the skin, not the hair or the
/// backdrop at its edges), sampled every few pixels. 0 for an empty box.
pub fn face_luma(img: &RgbImage, bbox: &Rect) -> f32 {
    let (w, h) = img.dimensions();
    let x0 = (bbox.x + bbox.w * 0.2).clamp(0.0, w as f32) as u32;
    let x1 = (bbox.right() - bbox.w * 0.2).clamp(0.0, w as f32) as u32;
    let y0 = (bbox.y + bbox.h * 0.2).clamp(0.0, h as f32) as u32;
    let y1 = (bbox.bottom() - bbox.h * 0.2).clamp(0.0, h as f32) as u32;
    let step = ((x1.saturating_sub(x0)) / 24).max(1) as usize;
    let (mut sum, mut n) = (0.0f64, 0u32);
    for y in (y0..y1).step_by(step) {
        for x in (x0..x1).step_by(step) {
            let [r, g, b] = img.get_pixel(x, y).0;
            sum += 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / f64::from(n)) as f32
    }
}

/// The whole measurement of one frame: detect, pick the largest face for the light, decide.
pub fn measure(
    detector: &FaceDetector,
    img: &RgbImage,
    spec: &PhotoConfig,
    light: Light,
) -> Option<Hint> {
    let faces = match detector.detect(img) {
        Ok(f) => f,
        Err(e) => {
            log::warn!("framing hint: {e}");
            return None;
        }
    };
    let luma = faces
        .iter()
        .max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area()))
        .map_or(0.0, |f| face_luma(img, &f.bbox));
    Some(decide(&faces, img.dimensions(), spec, luma, light))
}

/// A hint older than this is not shown: the student has moved since.
const STALE: Duration = Duration::from_millis(1500);

/// Runs [`measure`] on a thread over frames the screen offers. [`HintWorker::offer`] never
/// blocks: it drops the frame when one is still being measured or the last was sent less than
/// `interval` ago. The detector loads on the thread (so the window does not wait for it) once
/// per worker, and the worker lives as long as the app.
pub struct HintWorker {
    tx: SyncSender<Arc<RgbImage>>,
    busy: Arc<AtomicBool>,
    latest: Arc<Mutex<Option<(Hint, Instant)>>>,
    last_sent: Option<Instant>,
    interval: Duration,
}

impl HintWorker {
    pub fn start(spec: PhotoConfig, light: Light, interval: Duration) -> HintWorker {
        HintWorker::start_with(interval, move || match FaceDetector::new() {
            Ok(detector) => Some(move |img: &RgbImage| measure(&detector, img, &spec, light)),
            Err(e) => {
                // No hints then; the overlay and the written guide still show.
                log::warn!("framing hints off: {e}");
                None
            }
        })
    }

    /// The worker around any measurement: `make` runs on the thread (loading the detector) and
    /// returns the per-frame measure. A panic while measuring a frame (the detector or our image
    /// code on a strange picture) is caught: that frame gives no hint, the next one is measured.
    /// Before, the thread died with `busy` set and the student never got another hint.
    fn start_with<M>(
        interval: Duration,
        make: impl FnOnce() -> Option<M> + Send + 'static,
    ) -> HintWorker
    where
        M: FnMut(&RgbImage) -> Option<Hint>,
    {
        let (tx, rx) = sync_channel::<Arc<RgbImage>>(1);
        let busy = Arc::new(AtomicBool::new(false));
        let latest = Arc::new(Mutex::new(None));
        let (busy2, latest2) = (busy.clone(), latest.clone());
        std::thread::spawn(move || {
            let Some(mut measure) = crate::isolate::catch("framing hint", make).ok().flatten()
            else {
                return;
            };
            // Ends when the worker (the sender) is dropped.
            while let Ok(img) = rx.recv() {
                let hint = crate::isolate::catch("framing hint", || measure(&img))
                    .ok()
                    .flatten();
                if let Some(h) = hint {
                    *latest2.lock().unwrap_or_else(|p| p.into_inner()) = Some((h, Instant::now()));
                }
                busy2.store(false, Ordering::Release);
            }
        });
        HintWorker {
            tx,
            busy,
            latest,
            last_sent: None,
            interval,
        }
    }

    /// Offers the newest frame; measured only if the worker is idle and due.
    pub fn offer(&mut self, img: &Arc<RgbImage>) {
        let now = Instant::now();
        if self.last_sent.is_some_and(|t| now - t < self.interval)
            || self.busy.load(Ordering::Acquire)
        {
            return;
        }
        self.busy.store(true, Ordering::Release);
        match self.tx.try_send(img.clone()) {
            Ok(()) => self.last_sent = Some(now),
            // Full cannot happen while not busy; a gone thread (no detector) just means no hints.
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.busy.store(false, Ordering::Release);
            }
        }
    }

    /// The newest hint, unless it is stale.
    pub fn hint(&self) -> Option<Hint> {
        let latest = *self.latest.lock().unwrap_or_else(|p| p.into_inner());
        latest.and_then(|(h, at)| (at.elapsed() < STALE).then_some(h))
    }

    /// Forgets the last hint (a new student, or framing shown again).
    pub fn clear(&self) {
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_measuring_costs_one_frame_and_the_hints_go_on() {
        let mut calls = 0;
        let mut worker = HintWorker::start_with(Duration::ZERO, move || {
            Some(move |_: &RgbImage| {
                calls += 1;
                if calls == 1 {
                    panic!("index out of bounds: the len is 3 but the index is 7");
                }
                Some(Hint::Good)
            })
        });
        let frame = Arc::new(RgbImage::new(8, 8));
        // Generous bound for a loaded machine; a measurement here takes microseconds.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut offers = 0;
        while worker.hint() != Some(Hint::Good) {
            assert!(
                Instant::now() < deadline,
                "no hint after the panic ({offers} frames offered): the worker died"
            );
            worker.offer(&frame);
            offers += 1;
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    use crate::face::Point;

    const LIGHT: Light = Light {
        min: 60.0,
        max: 215.0,
    };

    fn spec() -> PhotoConfig {
        crate::config::Config::default().photo
    }

    /// A face in a 1280×720 frame: `width` frame pixels wide, centred at (`cx`, `eye_y` + a bit).
    fn face(cx: f32, eye_y: f32, width: f32) -> Face {
        let h = width * 1.25;
        Face {
            bbox: Rect {
                x: cx - width / 2.0,
                y: eye_y - h * 0.4,
                w: width,
                h,
            },
            score: 0.9,
            left_eye: Point::new(cx - width * 0.2, eye_y),
            right_eye: Point::new(cx + width * 0.2, eye_y),
            nose: Point::new(cx, eye_y + h * 0.15),
            mouth_left: Point::new(cx - width * 0.15, eye_y + h * 0.3),
            mouth_right: Point::new(cx + width * 0.15, eye_y + h * 0.3),
        }
    }

    const FRAME: (u32, u32) = (1280, 720);

    /// Frame pixels for output pixels: the crop is 540×720 of the 1280×720 frame, so k = 640/720.
    fn px(out: f32) -> f32 {
        out * 720.0 / 640.0
    }

    #[test]
    fn the_crop_is_centred_at_full_height() {
        let c = crop_of(1280, 720, &spec());
        assert_eq!((c.x, c.y, c.w, c.h), (370.0, 0.0, 540.0, 720.0));
        // A portrait frame narrower than the photo's aspect: full width instead.
        let c = crop_of(300, 800, &spec());
        assert_eq!((c.w, c.h), (300.0, 400.0));
    }

    #[test]
    fn a_face_in_the_oval_is_good() {
        let f = face(640.0, px(250.0), px(240.0));
        assert_eq!(decide(&[f], FRAME, &spec(), 130.0, LIGHT), Hint::Good);
    }

    #[test]
    fn each_way_out_of_the_oval_has_its_hint() {
        let s = spec();
        let d = |f: Face| decide(&[f], FRAME, &s, 130.0, LIGHT);
        assert_eq!(d(face(640.0, px(250.0), px(120.0))), Hint::MoveCloser);
        assert_eq!(d(face(640.0, px(250.0), px(340.0))), Hint::StepBack);
        assert_eq!(
            d(face(640.0 + px(80.0), px(250.0), px(240.0))),
            Hint::Centre
        );
        assert_eq!(
            d(face(640.0 - px(80.0), px(250.0), px(240.0))),
            Hint::Centre
        );
        assert_eq!(d(face(640.0, px(150.0), px(240.0))), Hint::MoveDown);
        assert_eq!(d(face(640.0, px(350.0), px(240.0))), Hint::MoveUp);
    }

    #[test]
    fn light_is_judged_once_the_face_is_placed() {
        let s = spec();
        let f = face(640.0, px(250.0), px(240.0));
        assert_eq!(decide(&[f], FRAME, &s, 30.0, LIGHT), Hint::TooDark);
        assert_eq!(decide(&[f], FRAME, &s, 240.0, LIGHT), Hint::TooBright);
        // Position first: a dark face that is also far away hears "move closer".
        let far = face(640.0, px(250.0), px(100.0));
        assert_eq!(decide(&[far], FRAME, &s, 30.0, LIGHT), Hint::MoveCloser);
    }

    #[test]
    fn no_face_several_faces_and_weak_detections() {
        let s = spec();
        assert_eq!(decide(&[], FRAME, &s, 0.0, LIGHT), Hint::NoFace);
        let a = face(500.0, px(250.0), px(240.0));
        let b = face(800.0, px(250.0), px(240.0));
        assert_eq!(decide(&[a, b], FRAME, &s, 130.0, LIGHT), Hint::SeveralFaces);
        let weak = Face { score: 0.35, ..b };
        assert_eq!(
            decide(
                &[face(640.0, px(250.0), px(240.0)), weak],
                FRAME,
                &s,
                130.0,
                LIGHT
            ),
            Hint::Good
        );
    }

    #[test]
    fn face_luma_reads_the_middle_of_the_box() {
        let mut img = RgbImage::from_pixel(100, 100, image::Rgb([250, 250, 250]));
        for y in 30..70 {
            for x in 30..70 {
                img.put_pixel(x, y, image::Rgb([100, 100, 100]));
            }
        }
        let bbox = Rect {
            x: 20.0,
            y: 20.0,
            w: 60.0,
            h: 60.0,
        };
        assert!((face_luma(&img, &bbox) - 100.0).abs() < 1.0);
        let empty = Rect {
            x: 200.0,
            y: 200.0,
            w: 10.0,
            h: 10.0,
        };
        assert_eq!(face_luma(&img, &empty), 0.0);
    }

    /// The demo scene is framed as a station's: the real detector on the bundled picture finds
    /// nothing to correct.
    #[test]
    fn the_demo_person_is_framed_well() {
        let img = image::load_from_memory(include_bytes!("../../assets/demo/person.jpg"))
            .unwrap()
            .to_rgb8();
        let detector = FaceDetector::new().unwrap();
        assert_eq!(measure(&detector, &img, &spec(), LIGHT), Some(Hint::Good));
    }
}
