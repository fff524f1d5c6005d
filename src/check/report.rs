//! The result of the automatic checks: what the flow stores with an attempt, what the student
//! sees, what `tucai check --json` prints and what the export summarises.

use serde::{Deserialize, Serialize};

/// Every check of SPEC §4. The string ids are stable: they are stored, exported and documented in
/// `docs/CHECKS.md`, so a rename is a migration, not a refactor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckId {
    #[serde(rename = "face.single")]
    FaceSingle,
    #[serde(rename = "face.position")]
    FacePosition,
    #[serde(rename = "face.size")]
    FaceSize,
    #[serde(rename = "pose.frontal")]
    PoseFrontal,
    #[serde(rename = "eyes.open")]
    EyesOpen,
    #[serde(rename = "mouth.closed")]
    MouthClosed,
    #[serde(rename = "light.exposure")]
    LightExposure,
    #[serde(rename = "light.uniform")]
    LightUniform,
    #[serde(rename = "light.hotspot")]
    LightHotspot,
    #[serde(rename = "eyes.redeye")]
    EyesRedeye,
    #[serde(rename = "glasses.glare")]
    GlassesGlare,
    #[serde(rename = "glasses.tinted")]
    GlassesTinted,
    #[serde(rename = "image.sharp")]
    ImageSharp,
    #[serde(rename = "background.uniform")]
    BackgroundUniform,
    #[serde(rename = "clothing.blue")]
    ClothingBlue,
    #[serde(rename = "clothing.contrast")]
    ClothingContrast,
    #[serde(rename = "clothing.pattern")]
    ClothingPattern,
    #[serde(rename = "recapture")]
    Recapture,
    #[serde(rename = "beautified")]
    Beautified,
    #[serde(rename = "liveness")]
    Liveness,
    #[serde(rename = "face.occluded")]
    FaceOccluded,
    #[serde(rename = "head.covered")]
    HeadCovered,
}

impl CheckId {
    /// All checks in the order of SPEC §4 (and of the report).
    pub const ALL: [CheckId; 22] = [
        CheckId::FaceSingle,
        CheckId::FacePosition,
        CheckId::FaceSize,
        CheckId::PoseFrontal,
        CheckId::EyesOpen,
        CheckId::MouthClosed,
        CheckId::LightExposure,
        CheckId::LightUniform,
        CheckId::LightHotspot,
        CheckId::EyesRedeye,
        CheckId::GlassesGlare,
        CheckId::GlassesTinted,
        CheckId::ImageSharp,
        CheckId::BackgroundUniform,
        CheckId::ClothingBlue,
        CheckId::ClothingContrast,
        CheckId::ClothingPattern,
        CheckId::Recapture,
        CheckId::Beautified,
        CheckId::Liveness,
        CheckId::FaceOccluded,
        CheckId::HeadCovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::FaceSingle => "face.single",
            CheckId::FacePosition => "face.position",
            CheckId::FaceSize => "face.size",
            CheckId::PoseFrontal => "pose.frontal",
            CheckId::EyesOpen => "eyes.open",
            CheckId::MouthClosed => "mouth.closed",
            CheckId::LightExposure => "light.exposure",
            CheckId::LightUniform => "light.uniform",
            CheckId::LightHotspot => "light.hotspot",
            CheckId::EyesRedeye => "eyes.redeye",
            CheckId::GlassesGlare => "glasses.glare",
            CheckId::GlassesTinted => "glasses.tinted",
            CheckId::ImageSharp => "image.sharp",
            CheckId::BackgroundUniform => "background.uniform",
            CheckId::ClothingBlue => "clothing.blue",
            CheckId::ClothingContrast => "clothing.contrast",
            CheckId::ClothingPattern => "clothing.pattern",
            CheckId::Recapture => "recapture",
            CheckId::Beautified => "beautified",
            CheckId::Liveness => "liveness",
            CheckId::FaceOccluded => "face.occluded",
            CheckId::HeadCovered => "head.covered",
        }
    }

    pub fn parse(s: &str) -> Option<CheckId> {
        CheckId::ALL.into_iter().find(|id| id.as_str() == s)
    }

    /// How a failure of this check counts towards the locks of SPEC §2.
    pub fn failure_kind(self) -> FailureKind {
        match self {
            CheckId::Liveness => FailureKind::Liveness,
            CheckId::Recapture | CheckId::Beautified => FailureKind::Fraud,
            _ => FailureKind::Other,
        }
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lock rule a failed attempt falls under, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    /// Photo of a photo or of a screen, or a beautified face: locked at once until a teacher unlocks.
    Fraud,
    /// Failed liveness: locked until a teacher unlocks after `flow.liveness_lock_after`.
    Liveness,
    /// Anything else: cool-down, timed lock after `flow.failure_lock_after` in a row.
    Other,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Fraud => "fraud",
            FailureKind::Liveness => "liveness",
            FailureKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<FailureKind> {
        match s {
            "fraud" => Some(FailureKind::Fraud),
            "liveness" => Some(FailureKind::Liveness),
            "other" => Some(FailureKind::Other),
            _ => None,
        }
    }
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: CheckId,
    pub passed: bool,
    /// The measured value; `None` when it could not be measured (then `passed` is false and the
    /// hint says why: a check that cannot look never passes silently).
    pub value: Option<f64>,
    /// The threshold from `kiosk.toml` the value was compared with, if the check has one number.
    pub threshold: Option<f64>,
    /// What to change, in Chinese and in English.
    pub hint_zh: String,
    pub hint_en: String,
}

impl CheckResult {
    /// Whether the check looked: it has a measured value. One that could not look (no face, no
    /// burst) has none and never counts as fraud or as a liveness failure.
    pub fn measured(&self) -> bool {
        self.value.is_some()
    }
}

/// All checks of one attempt.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CheckReport {
    pub checks: Vec<CheckResult>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    pub fn failed(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }

    /// The most severe lock rule among the failed checks; `None` when everything passed.
    ///
    /// A lock until a teacher unlocks is placed only for what was seen (SPEC §2): a fraud check
    /// counts as fraud only when it measured a value on a face that was found, and liveness only
    /// when it measured the burst. A check that could not look (no face in the shot, the student
    /// leaned out) is an ordinary failure: a retake with the reason, never a fraud case. Nor is a
    /// face that `face.occluded` found covered: the anti-spoofing model and the texture cues
    /// read a mask's fabric, not skin (4 of 65 masked web photos scored as prints by the model
    /// or the print-pattern cue, against 1 of 78 hand-held prints that was also called
    /// covered), so the student takes the mask off and retakes.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        self.failed().map(|c| self.counts_as(c)).min()
    }

    /// The failed checks that make the report's [`failure_kind`](Self::failure_kind), in report
    /// order: what the lock's audit line and the teacher's board name as its cause.
    pub fn causes(&self) -> Vec<&CheckResult> {
        let Some(kind) = self.failure_kind() else {
            return Vec::new();
        };
        self.failed()
            .filter(|c| self.counts_as(c) == kind)
            .collect()
    }

    /// The failed checks the student is told about, in report order. No face seen: only the
    /// checks that measured something (the one reason is that no face was seen; the checks that
    /// could not look would bury it under "not measured" lines). A covered face: not the fraud
    /// checks, whose cues read the cover as a print and would tell an honest student they
    /// cheated; the cover is the reason.
    pub fn reasons(&self) -> impl Iterator<Item = &CheckResult> {
        let (seen, covered) = (self.face_seen(), self.face_covered());
        self.failed()
            .filter(move |c| seen || c.measured())
            .filter(move |c| !(covered && c.id.failure_kind() == FailureKind::Fraud))
    }

    /// Whether a face was found in the shot: exactly one, measured by `face.single`.
    pub fn face_seen(&self) -> bool {
        self.get(CheckId::FaceSingle).is_some_and(|c| c.passed)
    }

    /// Whether `face.occluded` measured the face and found it covered.
    pub fn face_covered(&self) -> bool {
        self.get(CheckId::FaceOccluded)
            .is_some_and(|c| c.measured() && !c.passed)
    }

    fn counts_as(&self, c: &CheckResult) -> FailureKind {
        match c.id.failure_kind() {
            FailureKind::Fraud if c.measured() && self.face_seen() && !self.face_covered() => {
                FailureKind::Fraud
            }
            FailureKind::Liveness if c.measured() => FailureKind::Liveness,
            _ => FailureKind::Other,
        }
    }

    pub fn get(&self, id: CheckId) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of(checks: Vec<CheckResult>) -> CheckReport {
        CheckReport { checks }
    }

    fn result(id: CheckId, passed: bool) -> CheckResult {
        CheckResult {
            id,
            passed,
            value: Some(0.5),
            threshold: None,
            hint_zh: String::new(),
            hint_en: String::new(),
        }
    }

    #[test]
    fn ids_round_trip_and_serialise_as_their_string() {
        for id in CheckId::ALL {
            assert_eq!(CheckId::parse(id.as_str()), Some(id));
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
        }
    }

    #[test]
    fn fraud_outranks_liveness_outranks_other() {
        let report = report_of(vec![
            result(CheckId::FaceSingle, true),
            result(CheckId::ImageSharp, false),
            result(CheckId::Liveness, false),
            result(CheckId::Recapture, false),
        ]);
        assert_eq!(report.failure_kind(), Some(FailureKind::Fraud));
        let report = report_of(vec![
            result(CheckId::FaceSingle, true),
            result(CheckId::ImageSharp, false),
            result(CheckId::Liveness, false),
        ]);
        assert_eq!(report.failure_kind(), Some(FailureKind::Liveness));
    }

    #[test]
    fn an_empty_report_does_not_pass() {
        assert!(!CheckReport::default().passed());
        let ok = report_of(vec![result(CheckId::FaceSingle, true)]);
        assert!(ok.passed());
        assert_eq!(ok.failure_kind(), None);
    }

    fn unmeasured(id: CheckId) -> CheckResult {
        CheckResult {
            value: None,
            ..result(id, false)
        }
    }

    #[test]
    fn what_could_not_look_is_no_fraud_and_no_liveness_failure() {
        // The shot of the phone: no face, so recapture and liveness could not measure.
        let no_face = report_of(vec![
            result(CheckId::FaceSingle, false),
            unmeasured(CheckId::Recapture),
            unmeasured(CheckId::Beautified),
            unmeasured(CheckId::Liveness),
        ]);
        assert_eq!(no_face.failure_kind(), Some(FailureKind::Other));
        assert_eq!(
            no_face.causes().len(),
            4,
            "every failure is an ordinary one"
        );

        // A value measured on something when no single face was found (two people) is no
        // confident fraud verdict either.
        let two_faces = report_of(vec![
            result(CheckId::FaceSingle, false),
            result(CheckId::Recapture, false),
        ]);
        assert_eq!(two_faces.failure_kind(), Some(FailureKind::Other));

        // Liveness that could not measure the burst, on a seen face: ordinary.
        let no_burst = report_of(vec![
            result(CheckId::FaceSingle, true),
            unmeasured(CheckId::Liveness),
        ]);
        assert_eq!(no_burst.failure_kind(), Some(FailureKind::Other));

        // Recapture measured on the one face found: fraud, and it is the lock's only cause.
        let print = report_of(vec![
            result(CheckId::FaceSingle, true),
            result(CheckId::ImageSharp, false),
            result(CheckId::Recapture, false),
        ]);
        assert_eq!(print.failure_kind(), Some(FailureKind::Fraud));
        let causes: Vec<_> = print.causes().iter().map(|c| c.id).collect();
        assert_eq!(causes, vec![CheckId::Recapture]);
    }

    #[test]
    fn a_covered_face_called_a_print_is_an_ordinary_failure() {
        // A masked student whose mask the print cues took for a print: retake without the mask,
        // no fraud lock.
        let masked = report_of(vec![
            result(CheckId::FaceSingle, true),
            result(CheckId::Recapture, false),
            result(CheckId::FaceOccluded, false),
        ]);
        assert!(masked.face_covered());
        assert_eq!(masked.failure_kind(), Some(FailureKind::Other));
        let told: Vec<_> = masked.reasons().map(|c| c.id).collect();
        assert_eq!(told, vec![CheckId::FaceOccluded]);
        // Occlusion that could not be measured does not excuse a print.
        let unknown = report_of(vec![
            result(CheckId::FaceSingle, true),
            result(CheckId::Recapture, false),
            unmeasured(CheckId::FaceOccluded),
        ]);
        assert!(!unknown.face_covered());
        assert_eq!(unknown.failure_kind(), Some(FailureKind::Fraud));
        // Liveness is judged on the burst, not the face's cover: still a liveness failure.
        let asleep = report_of(vec![
            result(CheckId::FaceSingle, true),
            result(CheckId::Liveness, false),
            result(CheckId::FaceOccluded, false),
        ]);
        assert_eq!(asleep.failure_kind(), Some(FailureKind::Liveness));
    }
}
