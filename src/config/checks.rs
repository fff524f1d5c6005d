use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[checks]`: thresholds of the automatic checks of SPEC §4, one key per measured value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChecksConfig {
    /// Minimum face detector confidence for a face to count.
    pub face_min_score: f32,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        ChecksConfig {
            face_min_score: 0.5,
        }
    }
}

impl ChecksConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("checks");
        r.range("face_min_score", self.face_min_score, 0.05, 0.99);
        r.finish()
    }
}
