use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[scan]`: how a capture code is read and matched to the roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanConfig {
    /// Longer payloads are refused before any matching.
    pub max_payload_len: u32,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            max_payload_len: 512,
        }
    }
}

impl ScanConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("scan");
        r.range("max_payload_len", self.max_payload_len, 8, 4096);
        r.finish()
    }
}
