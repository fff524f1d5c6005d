//! The live check of SPEC §2 step 6: every still check a student can fix, run on the live picture
//! while they frame themselves, so the first shot passes.
//!
//! Owns: which checks are live ([`LIVE`], grouped into the [`Rule`]s the student reads), how the
//! live picture is judged ([`LiveChecker`]: the station's still check with the person mask, on the
//! picture scaled as [`live_picture`] scales it), the stabiliser and the "ready" timing over
//! recent results ([`Steady`], clock injected) and the worker thread ([`LiveWorker`]). Must not
//! touch: egui (the framing screen draws [`Steady::rows`]), the store, the flow's rules. The shot
//! is still judged by the full check exactly as before: nothing here relaxes it.
//!
//! A new check a student can fix joins the live list with one line in [`LIVE`].

mod steady;
mod worker;

pub use steady::{RuleRow, Steady};
pub use worker::{LiveResult, LiveWorker};

use crate::check::{CheckError, CheckId, CheckReport, CheckResult, Checker, Memo};
use crate::config::{ChecksConfig, PhotoConfig};
use crate::face::{FaceDetector, FaceMesh, IrisModel};
use crate::photo::Segmenter;
use image::RgbImage;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// What the student reads as one line of the live list; several checks may share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// One face, in the oval, big enough.
    Position,
    /// Head straight, shoulders level.
    Pose,
    /// Eyes open, looking ahead.
    Eyes,
    /// Lips closed, no teeth.
    Mouth,
    /// Nothing over the face or head.
    Covered,
    /// Light level, even light, no highlights.
    Light,
    /// No glare on the lenses, no tinted or mirrored lenses.
    Glasses,
    /// The face in focus.
    Sharp,
    /// A plain backdrop.
    Background,
    /// The top: not blue, distinct from the backdrop, no busy pattern.
    Clothing,
}

/// The checks judged live, in the order their failures are told (the first failing one is the
/// student's next step: place the face before judging its light), each with the line it belongs
/// to. Not here: what a student cannot fix in front of the camera or what needs the burst (red
/// eye from a flash, recapture, beautified, liveness); the full check after the shot judges those.
pub const LIVE: &[(CheckId, Rule)] = &[
    (CheckId::FaceSingle, Rule::Position),
    (CheckId::FaceSize, Rule::Position),
    (CheckId::FacePosition, Rule::Position),
    (CheckId::PoseFrontal, Rule::Pose),
    (CheckId::FaceOccluded, Rule::Covered),
    (CheckId::HeadCovered, Rule::Covered),
    (CheckId::EyesOpen, Rule::Eyes),
    (CheckId::MouthClosed, Rule::Mouth),
    (CheckId::LightExposure, Rule::Light),
    (CheckId::LightUniform, Rule::Light),
    (CheckId::LightHotspot, Rule::Light),
    (CheckId::GlassesGlare, Rule::Glasses),
    (CheckId::GlassesTinted, Rule::Glasses),
    (CheckId::ImageSharp, Rule::Sharp),
    (CheckId::BackgroundUniform, Rule::Background),
    (CheckId::ClothingBlue, Rule::Clothing),
    (CheckId::ClothingContrast, Rule::Clothing),
    (CheckId::ClothingPattern, Rule::Clothing),
];

/// The line `id` is shown on, `None` when it is not judged live.
pub fn rule_of(id: CheckId) -> Option<Rule> {
    LIVE.iter().find(|(c, _)| *c == id).map(|(_, r)| *r)
}

/// The live checks of a report, in [`LIVE`] order (a check the report lacks is left out).
pub fn live_results(report: &CheckReport) -> Vec<CheckResult> {
    LIVE.iter()
        .filter_map(|(id, _)| report.get(*id).cloned())
        .collect()
}

/// Longest side of the picture the live check judges: a larger frame is scaled to it first (a
/// box-filter thumbnail), and the one threshold in capture pixels (face.size) is scaled with it,
/// so the verdict stays the capture's. The checks measure on a 480 px working copy and the
/// detector on 480×288 anyway, so this bounds the cost of a camera larger than 1080p; at 1080p it
/// neither saves nor costs (docs/PERFORMANCE.md: 357 against 358 ms CPU per check, dev build;
/// the smoother Triangle filter cost 100 ms more).
pub const LIVE_LONG_SIDE: u32 = 1280;

/// Long side of the person mask handed to the checks (the lab's: their working copy is 480 px).
const MASK_LONG_SIDE: u32 = 480;

/// The live picture of a frame and the factor it was scaled by (1 when it was small enough).
pub fn live_picture(frame: &RgbImage) -> (std::borrow::Cow<'_, RgbImage>, f32) {
    let (w, h) = frame.dimensions();
    let long = w.max(h);
    if long <= LIVE_LONG_SIDE || long == 0 {
        return (std::borrow::Cow::Borrowed(frame), 1.0);
    }
    let k = LIVE_LONG_SIDE as f32 / long as f32;
    let (nw, nh) = (
        ((w as f32 * k).round() as u32).max(1),
        ((h as f32 * k).round() as u32).max(1),
    );
    let small = image::imageops::thumbnail(frame, nw, nh);
    (std::borrow::Cow::Owned(small), nw as f32 / w as f32)
}

/// Why the live check could not judge a picture (a picture that fails checks is a result).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LiveError {
    #[error("the live check's models could not load: {0}")]
    Models(String),
    #[error(transparent)]
    Check(#[from] CheckError),
}

/// The station's still check as the framing screen runs it: the face models, the hair model and
/// the segmenter, loaded once, judging one live picture at a time.
pub struct LiveChecker {
    /// The still checker every live picture is judged with (thresholds set per picture): without
    /// the anti-spoofing models, as the live list has no recapture rule.
    checker: Checker,
    segmenter: Segmenter,
}

impl LiveChecker {
    /// Loads the models (a few hundred ms): call it on the worker thread.
    pub fn new(checks: &ChecksConfig, photo: &PhotoConfig) -> Result<LiveChecker, LiveError> {
        let models = |e: &dyn std::fmt::Display| LiveError::Models(e.to_string());
        let checker = Checker::with_models(
            Arc::new(FaceDetector::new().map_err(|e| models(&e))?),
            Arc::new(FaceMesh::new().map_err(|e| models(&e))?),
            Arc::new(IrisModel::new().map_err(|e| models(&e))?),
            checks,
            photo,
        )
        .without_spoof_model();
        checker.preload().map_err(|e| models(&e))?;
        Ok(LiveChecker {
            checker,
            segmenter: Segmenter::new().map_err(|e| models(&e))?,
        })
    }

    /// This checker asking the hair and face mask models only while `judging` is set
    /// ([`Checker::with_model_gate`]): the worker lowers it when the shutter is pressed.
    pub fn with_model_gate(mut self, judging: Arc<AtomicBool>) -> LiveChecker {
        self.checker = self.checker.with_model_gate(judging);
        self
    }

    /// Every check of the still report on `frame`'s live picture, with the person mask as the
    /// lab gives it; the caller keeps the live ones ([`live_results`]).
    pub fn check(&self, frame: &RgbImage) -> Result<CheckReport, LiveError> {
        let (img, k) = live_picture(frame);
        self.still(&img, k, None)
    }

    /// [`LiveChecker::check`] on the next picture of a stream judged at `at`: while the head
    /// stays in place the two heaviest models are asked in turn, the other's reading carried
    /// from the picture before in `memo` ([`Memo`]), about a quarter less CPU a picture
    /// (docs/PERFORMANCE.md). The worker keeps one `memo` for its life.
    pub fn check_with_memo(
        &self,
        frame: &RgbImage,
        memo: &mut Memo,
        at: Instant,
    ) -> Result<CheckReport, LiveError> {
        let (img, k) = live_picture(frame);
        self.still(&img, k, Some((memo, at)))
    }

    /// The full check's still verdicts on `capture` as the lab judges a shot (the unscaled
    /// capture, the person mask; no burst, so liveness is not judged): what the live check is
    /// measured against (`tucai eval faces`).
    pub fn full_still(&self, capture: &RgbImage) -> Result<CheckReport, LiveError> {
        self.still(capture, 1.0, None)
    }

    /// The still checks on `img`, a picture `k` times the capture's size.
    fn still(
        &self,
        img: &RgbImage,
        k: f32,
        memo: Option<(&mut Memo, Instant)>,
    ) -> Result<CheckReport, LiveError> {
        let mut cfg = self.checker.config().clone();
        // face.size counts capture pixels across the face; a scaled picture has k times fewer.
        cfg.size_min_scale *= k;
        // The hair model runs on the live pictures too: a cap only it sees (white, grey, pale)
        // is told before the shot, not after a counted failure.
        let checker = self.checker.with_config(&cfg);
        // A picture the segmenter refuses (too small) is judged as the lab judges it then: the
        // checks estimate the backdrop and the top from the face.
        let (w, h) = img.dimensions();
        let m = (MASK_LONG_SIDE as f32 / w.max(h).max(1) as f32).min(1.0);
        let mask = self.segmenter.mask(img).ok().map(|c| {
            c.to_gray(
                ((w as f32 * m).round() as u32).max(1),
                ((h as f32 * m).round() as u32).max(1),
            )
        });
        Ok(match memo {
            Some((memo, at)) => checker.check_still_with_memo(img, mask.as_ref(), memo, at)?,
            None => checker.check_still(img, mask.as_ref())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_list_holds_what_a_student_can_fix_once_each() {
        let ids: Vec<CheckId> = LIVE.iter().map(|(id, _)| *id).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "a check listed twice");
        // What needs the burst, a flash or a judgement of fraud is the full check's alone.
        for id in [
            CheckId::Liveness,
            CheckId::Recapture,
            CheckId::Beautified,
            CheckId::EyesRedeye,
        ] {
            assert_eq!(
                rule_of(id),
                None,
                "{id} is not fixable in front of the camera"
            );
        }
        assert_eq!(rule_of(CheckId::MouthClosed), Some(Rule::Mouth));
        assert_eq!(rule_of(CheckId::ClothingBlue), Some(Rule::Clothing));
    }

    #[test]
    fn a_large_frame_is_scaled_to_the_live_size_and_a_small_one_kept() {
        let big = RgbImage::new(1920, 1080);
        let (img, k) = live_picture(&big);
        assert_eq!(img.dimensions(), (1280, 720));
        assert!((k - 2.0 / 3.0).abs() < 1e-3, "{k}");
        let small = RgbImage::new(1280, 720);
        let (img, k) = live_picture(&small);
        assert!(matches!(img, std::borrow::Cow::Borrowed(_)));
        assert_eq!(k, 1.0);
        // Portrait frames scale by their long side.
        let portrait = RgbImage::new(1080, 1920);
        let (img, _) = live_picture(&portrait);
        assert_eq!(img.dimensions(), (720, 1280));
    }

    #[test]
    fn live_results_keep_the_live_checks_in_live_order() {
        // The report's order is SPEC §4's; the live list's is the order a student fixes things.
        let ids: Vec<CheckId> = live_results(&crate::lab::all_passed())
            .iter()
            .map(|c| c.id)
            .collect();
        let live: Vec<CheckId> = LIVE.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, live);
    }
}
