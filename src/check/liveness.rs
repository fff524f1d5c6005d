//! liveness: the active challenge the screen asked for, verified across the burst.
//!
//! The burst is followed with the face mesh alone (the detector runs on the first frame only):
//! per frame the openness of the less open eye and the head's yaw. A blink shows as the eyes
//! closing to a fraction of their open gap within the burst; a head turn as a change of yaw.
//! A still photo held up to the camera shows neither. A photo that is bent or swung could fake a
//! yaw change: the recapture check and the blink challenge are the answer to that, see
//! `docs/CHECKS.md`.

use super::rules::{Unmeasured, not_measured, outcome};
use super::scene::{eye_openness, usable};
use super::{CheckError, CheckId, CheckResult};
use crate::config::ChecksConfig;
use crate::face::{FaceDetector, FaceMesh, Mesh, head_pose};
use image::RgbImage;
use serde::{Deserialize, Serialize};

/// The challenge the station showed during the burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Challenge {
    /// "Please blink."
    Blink,
    /// "Please turn your head slightly to one side and back."
    Turn,
}

/// Per-frame measurements of the burst (frames without a face are left out).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BurstTrack {
    pub openness: Vec<f32>,
    pub yaw_deg: Vec<f32>,
}

/// Follows the face through the burst. `start` is the capture's mesh when the burst frames have
/// the capture's size (the face has hardly moved), which saves running the detector at all.
pub fn track(
    burst: &[RgbImage],
    start: Option<&Mesh>,
    detector: &FaceDetector,
    mesh_model: &FaceMesh,
) -> Result<BurstTrack, CheckError> {
    let mut out = BurstTrack::default();
    let mut previous: Option<Mesh> = start.cloned();
    for frame in burst {
        let mesh = match &previous {
            Some(p) => usable(mesh_model.track(frame, p)?),
            None => None,
        };
        // Lost (or first frame): find the face again.
        let mesh = match mesh {
            Some(m) => Some(m),
            None => match detector.detect(frame)?.first() {
                Some(f) => usable(mesh_model.landmarks(frame, f)?),
                None => None,
            },
        };
        if let Some((m, pose)) = mesh.as_ref().and_then(|m| Some((m, head_pose(m)?))) {
            out.openness.push(eye_openness(m));
            out.yaw_deg.push(pose.yaw);
        }
        previous = mesh;
    }
    Ok(out)
}

/// Fewest frames with a face for the challenge to be judged.
const MIN_FRAMES: usize = 3;

pub fn judge(
    t: &BurstTrack,
    challenge: Challenge,
    cfg: &ChecksConfig,
    frames: usize,
) -> CheckResult {
    if frames < 2 {
        return not_measured(CheckId::Liveness, Unmeasured::Burst);
    }
    if t.openness.len() < MIN_FRAMES {
        return not_measured(CheckId::Liveness, Unmeasured::Face);
    }
    match challenge {
        Challenge::Blink => {
            let max = t.openness.iter().copied().fold(0.0f32, f32::max);
            let min = t.openness.iter().copied().fold(f32::MAX, f32::min);
            let ratio = if max > 0.0 { min / max } else { 1.0 };
            // The eyes must also have been open at some point, or closed eyes throughout pass.
            let passed = ratio <= cfg.liveness_blink_max_ratio && max >= cfg.eyes_min_open;
            outcome(
                CheckId::Liveness,
                ratio,
                cfg.liveness_blink_max_ratio,
                passed,
                "没有检测到眨眼。请在提示时自然眨眼。",
                "No blink seen. Blink once when the screen asks you to.",
            )
        }
        Challenge::Turn => {
            let max = t.yaw_deg.iter().copied().fold(f32::MIN, f32::max);
            let min = t.yaw_deg.iter().copied().fold(f32::MAX, f32::min);
            let range = max - min;
            outcome(
                CheckId::Liveness,
                range,
                cfg.liveness_min_turn_deg,
                range >= cfg.liveness_min_turn_deg,
                "没有检测到转头。请在提示时轻轻向一侧转头再转回。",
                "No head turn seen. Turn your head slightly to one side and back when asked.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_still_track_fails_both_challenges() {
        let cfg = ChecksConfig::default();
        let still = BurstTrack {
            openness: vec![0.3; 5],
            yaw_deg: vec![1.0; 5],
        };
        assert!(!judge(&still, Challenge::Blink, &cfg, 5).passed);
        assert!(!judge(&still, Challenge::Turn, &cfg, 5).passed);
        let blink = BurstTrack {
            openness: vec![0.3, 0.3, 0.05, 0.28, 0.3],
            yaw_deg: vec![1.0; 5],
        };
        assert!(judge(&blink, Challenge::Blink, &cfg, 5).passed);
        let turn = BurstTrack {
            openness: vec![0.3; 5],
            yaw_deg: vec![0.0, 5.0, 12.0, 4.0, 0.0],
        };
        assert!(judge(&turn, Challenge::Turn, &cfg, 5).passed);
    }

    #[test]
    fn no_burst_is_not_measured() {
        let r = judge(
            &BurstTrack::default(),
            Challenge::Blink,
            &ChecksConfig::default(),
            0,
        );
        assert!(!r.passed);
        assert_eq!(r.value, None);
    }
}
