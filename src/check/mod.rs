//! Automatic photo checks of SPEC §4 → [`CheckReport`].
//!
//! Owns: every check id, its measurement and its hint. Must not touch: egui, the store, photo
//! making (the person mask from `photo` is an optional input, never a dependency).
//!
//! The station calls [`Checker::check`] on the **original capture** (full camera resolution)
//! plus the liveness burst, after photo making has produced its mask:
//!
//! ```no_run
//! # fn demo(capture: image::RgbImage, burst: Vec<image::RgbImage>) -> Result<(), tucai::check::CheckError> {
//! use tucai::check::{Challenge, CheckInput, Checker};
//! use tucai::config::Config;
//! let config = Config::default();
//! let checker = Checker::new(&config.checks, &config.photo)?; // loads the models once
//! let report = checker.check(&CheckInput {
//!     capture: &capture,
//!     burst: &burst,
//!     challenge: Challenge::Blink,
//!     person_mask: None,
//! })?;
//! # Ok(()) }
//! ```
//!
//! The geometry checks (face.position, face.size) predict the crop the photo maker will take
//! from the capture (face width scaled to the middle of `[photo]`'s range); see `docs/CHECKS.md`.

mod face_rules;
mod fraud;
mod liveness;
mod memo;
mod pixels;
mod report;
mod rules;
mod scene;

pub use fraud::periodic_score;
pub use liveness::{BurstTrack, Challenge};
pub use memo::{Asked, Memo};
pub use report::{CheckId, CheckReport, CheckResult, FailureKind};

use crate::config::{ChecksConfig, PhotoConfig};
use crate::face::{
    AntiSpoof, Face, FaceDetector, FaceError, FaceMaskModel, FaceMesh, HairModel, HeadPose,
    IrisModel, Mesh, SpoofScores,
};
use image::{GrayImage, RgbImage};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Why the checks could not run at all (a photo that fails checks is a report, not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    #[error(transparent)]
    Face(#[from] FaceError),
}

/// What one attempt gives the checks.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// The original capture at full camera resolution, upright (not mirrored).
    pub capture: &'a RgbImage,
    /// The frames of the liveness burst, in order; empty when there is none (a still file).
    pub burst: &'a [RgbImage],
    /// The challenge the screen asked for during the burst.
    pub challenge: Challenge,
    /// The person mask from photo making, any size (scaled to the capture), 255 = person. Without
    /// it the backdrop and the top are estimated from the face position.
    pub person_mask: Option<&'a GrayImage>,
}

/// What [`Checker::check_capture`] found: the report and what it was measured on.
#[derive(Debug, Clone)]
pub struct Checked {
    pub report: CheckReport,
    /// The main face (the largest counted one), in capture pixels; `None` when no face counted.
    pub face: Option<Face>,
    /// The main face's mesh, when the mesh model saw a face there (presence ≥ 0.5).
    pub mesh: Option<Mesh>,
}

/// The faces of one capture ([`Checker::find`]): what the checks and the photo's crop measure
/// from.
#[derive(Debug, Clone)]
pub struct Found {
    /// Counted faces (confident and not tiny), the main (largest) one first.
    pub faces: Vec<Face>,
    /// The main face's mesh, when the mesh model saw a face there (presence ≥ 0.5).
    pub mesh: Option<Mesh>,
}

impl Found {
    /// The main face's head pose (3-D fit of its mesh), what pose.frontal judges.
    pub fn head_pose(&self) -> Option<HeadPose> {
        self.mesh.as_ref().and_then(crate::face::head_pose)
    }
}

/// Runs every check. Holds the face models (shared, loaded once) and the thresholds.
#[derive(Debug, Clone)]
pub struct Checker {
    detector: Arc<FaceDetector>,
    mesh: Arc<FaceMesh>,
    iris: Arc<IrisModel>,
    /// The anti-spoofing models, loaded by [`Checker::new`] or at the first check (shared by
    /// the checker's clones).
    spoof: Arc<OnceLock<AntiSpoof>>,
    /// Whether `recapture` asks the model (off for the live check, which does not judge
    /// recapture: it would load and run the two models for nothing on every preview picture).
    spoof_on: bool,
    /// The hair model for head.covered, loaded at the first check (shared by the clones).
    hair: Arc<OnceLock<HairModel>>,
    /// The face mask model for face.occluded, loaded at the first check (shared by the clones).
    face_mask: Arc<OnceLock<FaceMaskModel>>,
    /// While this is set (always, unless the live check gave one: [`Checker::with_model_gate`]),
    /// head.covered asks the hair model and face.occluded the face mask model; otherwise they
    /// judge by their pixel looks alone.
    model_gate: Option<Arc<AtomicBool>>,
    cfg: ChecksConfig,
    photo: PhotoConfig,
}

/// The model in `cell`, loaded by `load` if no clone of the checker has yet (a failed load is
/// not kept: the next check tries again).
fn loaded<T>(
    cell: &OnceLock<T>,
    load: impl FnOnce() -> Result<T, FaceError>,
) -> Result<&T, CheckError> {
    if let Some(m) = cell.get() {
        return Ok(m);
    }
    let m = load()?;
    Ok(cell.get_or_init(|| m))
}

impl Checker {
    /// Loads the face models (~200 ms), the anti-spoofing models, the hair model and the face
    /// mask model.
    pub fn new(cfg: &ChecksConfig, photo: &PhotoConfig) -> Result<Self, CheckError> {
        let checker = Self::with_models(
            Arc::new(FaceDetector::new()?),
            Arc::new(FaceMesh::new()?),
            Arc::new(IrisModel::new()?),
            cfg,
            photo,
        );
        checker.preload()?;
        Ok(checker)
    }

    /// With models already loaded elsewhere (photo making shares the detector).
    pub fn with_models(
        detector: Arc<FaceDetector>,
        mesh: Arc<FaceMesh>,
        iris: Arc<IrisModel>,
        cfg: &ChecksConfig,
        photo: &PhotoConfig,
    ) -> Self {
        Checker {
            detector,
            mesh,
            iris,
            spoof: Arc::new(OnceLock::new()),
            spoof_on: true,
            hair: Arc::new(OnceLock::new()),
            face_mask: Arc::new(OnceLock::new()),
            model_gate: None,
            cfg: cfg.clone(),
            photo: photo.clone(),
        }
    }

    /// This checker without the anti-spoofing model: `recapture` falls back to its screen and
    /// print cues. For the live check, which shows no recapture verdict; the shot is always
    /// judged with the model.
    pub fn without_spoof_model(mut self) -> Self {
        self.spoof_on = false;
        self
    }

    /// This checker asking the face mask model and the hair model only while `gate` is set when
    /// face.occluded and head.covered are reached (the last two steps of a check), their pixel
    /// looks alone otherwise. For the live check: the picture it is judging when the shutter is
    /// pressed skips the models, its heaviest steps, so the shot's check has the cores to itself
    /// sooner. The shot is always judged with the models.
    pub fn with_model_gate(mut self, gate: Arc<AtomicBool>) -> Self {
        self.model_gate = Some(gate);
        self
    }

    /// Whether the gate of [`Checker::with_model_gate`] lets the heavy models run (no gate: yes).
    fn models_open(&self) -> bool {
        self.model_gate
            .as_ref()
            .is_none_or(|g| g.load(Ordering::Acquire))
    }

    /// The thresholds this checker judges by.
    pub fn config(&self) -> &ChecksConfig {
        &self.cfg
    }

    /// This checker with other thresholds, sharing every model, those loaded on first use too
    /// (the live check judges each picture with face.size scaled to it).
    pub fn with_config(&self, cfg: &ChecksConfig) -> Self {
        Checker {
            cfg: cfg.clone(),
            ..self.clone()
        }
    }

    /// Loads now the models this checker would load at its first check (the anti-spoofing
    /// models when it uses them, the hair model, the face mask model), so that check does not
    /// wait for them.
    pub fn preload(&self) -> Result<(), CheckError> {
        if self.spoof_on {
            self.spoof_model()?;
        }
        self.hair_model()?;
        self.face_mask_model()?;
        Ok(())
    }

    /// The face mask model, loaded on first use.
    fn face_mask_model(&self) -> Result<&FaceMaskModel, CheckError> {
        loaded(&self.face_mask, FaceMaskModel::new)
    }

    /// How sure the face mask model is that the main face wears a mask (its second crop asked only
    /// when the first says so: the verdict is the same); `None` with the gate down or without a
    /// `colour_face`, the main face when the capture is in colour: the model learned masks from
    /// colour photos, and in grey it takes a full dark beard for one (0.92 on a bearded grey
    /// face, against 0.007 and less on 444 bare faces in colour).
    fn mask_score(
        &self,
        capture: &RgbImage,
        colour_face: Option<&Face>,
    ) -> Result<Option<f32>, CheckError> {
        match colour_face {
            Some(f) if self.models_open() => {
                let enough = self.cfg.occluded_max_mask;
                Ok(Some(
                    self.face_mask_model()?
                        .mask_score(capture, &f.bbox, enough)?,
                ))
            }
            _ => Ok(None),
        }
    }

    /// The hair model, loaded on first use.
    fn hair_model(&self) -> Result<&HairModel, CheckError> {
        loaded(&self.hair, HairModel::new)
    }

    /// head.covered's hair-model look on the main face's head ([`face_rules::covered_share`]);
    /// `None` without a mesh, when it cannot tell, or with the gate down.
    fn hair_share(&self, s: &scene::Scene) -> Result<Option<f32>, CheckError> {
        match &s.mesh {
            Some(m) if self.models_open() => {
                let map = self.hair_model()?.hair(s.img, m)?;
                Ok(face_rules::covered_share(s, m, &map))
            }
            _ => Ok(None),
        }
    }

    pub fn detector(&self) -> &Arc<FaceDetector> {
        &self.detector
    }

    pub fn face_mesh(&self) -> &Arc<FaceMesh> {
        &self.mesh
    }

    /// The anti-spoofing models, loaded on first use.
    fn spoof_model(&self) -> Result<&AntiSpoof, CheckError> {
        loaded(&self.spoof, AntiSpoof::new)
    }

    /// What the anti-spoofing model says about the main face of `capture`; `None` without a
    /// `colour_face`, the main face when the capture is in colour (the model cannot judge grey),
    /// and when the capture is cropped so close to the face that the models cannot judge it.
    fn spoof_scores(
        &self,
        capture: &RgbImage,
        colour_face: Option<&Face>,
    ) -> Result<Option<SpoofScores>, CheckError> {
        let Some(f) = colour_face else {
            return Ok(None);
        };
        if !self.spoof_on {
            return Ok(None);
        }
        let b = crate::face::antispoof_box(&f.bbox);
        Ok(self.spoof_model()?.judge(capture, &b)?)
    }

    /// Every check of SPEC §4, in [`CheckId::ALL`] order.
    pub fn check(&self, input: &CheckInput) -> Result<CheckReport, CheckError> {
        Ok(self.check_capture(input)?.report)
    }

    /// [`Checker::check`], also handing back the main face and its mesh, so the station makes the
    /// photo from them instead of running the detector and the mesh a second time.
    pub fn check_capture(&self, input: &CheckInput) -> Result<Checked, CheckError> {
        self.check_found(input, self.find(input.capture)?)
    }

    /// The face models' part of the checks (detector, then the mesh on the main face): the slow
    /// half, which needs no person mask, so a caller can run it while the mask is computed. The
    /// iris model runs later, in [`Checker::check_found`]: the station runs that beside the photo
    /// maker, which takes longer, so the eyes cost no wall time there.
    pub fn find(&self, capture: &RgbImage) -> Result<Found, CheckError> {
        let cfg = &self.cfg;
        let (w, h) = capture.dimensions();
        let mut faces = if w >= 16 && h >= 16 {
            self.detector.detect(capture)?
        } else {
            Vec::new()
        };
        faces.retain(|f| f.score >= cfg.face_min_score);
        // The student is the largest face; others count when they are not tiny (a poster far
        // behind is not a second person, someone leaning in is).
        faces.sort_by(|a, b| b.bbox.area().total_cmp(&a.bbox.area()));
        if let Some(main_w) = faces.first().map(|f| f.bbox.w) {
            faces.retain(|f| f.bbox.w >= cfg.face_other_min_size * main_w);
        }
        let mesh = match faces.first() {
            Some(f) => scene::usable(self.mesh.landmarks(capture, f)?),
            None => None,
        };
        Ok(Found { faces, mesh })
    }

    /// [`Checker::check_capture`] with the faces already found by [`Checker::find`] on
    /// `input.capture` (on another capture the checks would measure the wrong pixels).
    pub fn check_found(&self, input: &CheckInput, found: Found) -> Result<Checked, CheckError> {
        let (mut report, face, mesh) = self.still(input.capture, found, input.person_mask, None)?;
        let same_size = input
            .burst
            .first()
            .is_some_and(|f| f.dimensions() == input.capture.dimensions());
        let start = mesh.as_ref().filter(|_| same_size);
        let track = liveness::track(input.burst, start, &self.detector, &self.mesh)?;
        let live = liveness::judge(&track, input.challenge, &self.cfg, input.burst.len());
        if let Some(slot) = report.checks.iter_mut().find(|c| c.id == CheckId::Liveness) {
            *slot = live;
        }
        Ok(Checked { report, face, mesh })
    }

    /// Every check on one image; liveness is reported as not measured (there is no burst).
    pub fn check_still(
        &self,
        capture: &RgbImage,
        person_mask: Option<&GrayImage>,
    ) -> Result<CheckReport, CheckError> {
        Ok(self
            .still(capture, self.find(capture)?, person_mask, None)?
            .0)
    }

    /// [`Checker::check_still`] on a live picture judged at `at`, asking the two heaviest models
    /// (face mask, hair) in turn while the head stays in place, the other's reading carried from
    /// the picture before in `memo` ([`Memo`]). The live check's worker only.
    pub fn check_still_with_memo(
        &self,
        capture: &RgbImage,
        person_mask: Option<&GrayImage>,
        memo: &mut Memo,
        at: Instant,
    ) -> Result<CheckReport, CheckError> {
        Ok(self
            .still(capture, self.find(capture)?, person_mask, Some((memo, at)))?
            .0)
    }

    /// The still checks, the main face and its mesh (the start of the burst tracking).
    fn still(
        &self,
        capture: &RgbImage,
        Found { faces, mesh }: Found,
        person_mask: Option<&GrayImage>,
        memo: Option<(&mut Memo, Instant)>,
    ) -> Result<(CheckReport, Option<Face>, Option<Mesh>), CheckError> {
        let cfg = &self.cfg;
        let eyes = match &mesh {
            Some(m) => Some(self.iris.eyes(capture, m)?),
            None => None,
        };
        let s = scene::Scene::new(capture, faces, mesh, eyes, person_mask, &self.photo);
        let areas = s.geo.as_ref().map(|g| rules::face_areas(&s, g));
        let face_check = |id: CheckId, f: &dyn Fn(&rules::FaceAreas) -> CheckResult| match &areas {
            Some(a) => f(a),
            None => rules::not_measured(id, rules::Unmeasured::Face),
        };
        let mut checks = vec![
            rules::face_single(&s, cfg),
            rules::face_position(&s, cfg),
            rules::face_size(&s, cfg, &self.photo),
            face_rules::pose_frontal(&s, cfg),
            face_rules::eyes_open(&s, cfg),
            face_rules::mouth_closed(&s, cfg),
            face_check(CheckId::LightExposure, &|a| {
                rules::light_exposure(&s, cfg, a)
            }),
            face_check(CheckId::LightUniform, &|a| rules::light_uniform(&s, cfg, a)),
            face_check(CheckId::LightHotspot, &|a| rules::light_hotspot(&s, cfg, a)),
            face_check(CheckId::EyesRedeye, &|a| rules::eyes_redeye(&s, cfg, a)),
            face_check(CheckId::GlassesGlare, &|a| rules::glasses_glare(&s, cfg, a)),
            face_check(CheckId::GlassesTinted, &|a| {
                face_rules::glasses_tinted(&s, cfg, a)
            }),
            face_check(CheckId::ImageSharp, &|a| rules::image_sharp(&s, cfg, a)),
            rules::background_uniform(&s, cfg),
        ];
        checks.extend(rules::clothing(&s, cfg, &self.photo));
        // Both colour-trained models (anti-spoofing, face mask) judge only a face in colour.
        let colour_face = s
            .face
            .as_ref()
            .filter(|f| fraud::model_can_judge(capture, &f.bbox));
        let spoof = self.spoof_scores(capture, colour_face)?;
        checks.push(fraud::recapture(&s, cfg, spoof.map(|x| x.real())));
        checks.push(face_check(CheckId::Beautified, &|a| {
            fraud::beautified(&s, cfg, a)
        }));
        checks.push(liveness::judge(
            &BurstTrack::default(),
            Challenge::Blink,
            cfg,
            0,
        ));
        let (mask, hair) = self.model_looks(&s, colour_face, memo)?;
        checks.push(face_rules::face_occluded(&s, cfg, mask));
        checks.push(face_rules::head_covered(&s, cfg, hair));
        debug_assert!(checks.iter().map(|c| c.id).eq(CheckId::ALL));
        Ok((CheckReport { checks }, s.face, s.mesh))
    }

    /// The two heavy models' readings of the main face: the face mask model's score
    /// (face.occluded) and the hair model's covered share (head.covered). With a `memo` (the live
    /// worker), one of them may be carried from the picture before ([`Memo`]); this picture's
    /// readings are then kept for the next, unless the gate was down before or after the models
    /// ran (a reading may then be the pixel looks' alone).
    fn model_looks(
        &self,
        s: &scene::Scene,
        colour_face: Option<&Face>,
        memo: Option<(&mut Memo, Instant)>,
    ) -> Result<(Option<f32>, Option<f32>), CheckError> {
        let face_box = s.face.as_ref().map(|f| f.bbox);
        let open = self.models_open();
        let (mask_step, hair_step) = match &memo {
            Some((m, at)) => m.plan(face_box.as_ref(), *at),
            None => (memo::Step::Ask, memo::Step::Ask),
        };
        let mask = match mask_step {
            memo::Step::Ask => self.mask_score(s.img, colour_face)?,
            memo::Step::Carry(v) => v,
        };
        let hair = match hair_step {
            memo::Step::Ask => self.hair_share(s)?,
            memo::Step::Carry(v) => v,
        };
        if let Some((m, at)) = memo {
            if open && self.models_open() {
                let asked = Asked {
                    mask: mask_step == memo::Step::Ask,
                    hair: hair_step == memo::Step::Ask,
                };
                m.keep(face_box, at, mask, hair, asked);
            } else {
                m.forget();
            }
        }
        Ok((mask, hair))
    }

    /// Liveness alone, for a station that judges the burst while the student looks at the preview.
    pub fn check_liveness(
        &self,
        burst: &[RgbImage],
        challenge: Challenge,
    ) -> Result<CheckResult, CheckError> {
        let track = liveness::track(burst, None, &self.detector, &self.mesh)?;
        Ok(liveness::judge(&track, challenge, &self.cfg, burst.len()))
    }
}
