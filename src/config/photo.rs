use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[photo]`: the standard photo of SPEC §5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhotoConfig {
    pub width: u32,
    pub height: u32,
    /// Background colour the backdrop is replaced with, RGB.
    pub background: [u8; 3],
    pub dpi: u32,
    pub min_quality: u8,
    pub min_kb: u32,
    pub max_kb: u32,
    /// Head top, eye line and face width in output pixels.
    pub head_top_min: u32,
    pub head_top_max: u32,
    pub eye_line_min: u32,
    pub eye_line_max: u32,
    pub face_width_min: u32,
    pub face_width_max: u32,
    /// Largest enlargement of the capture allowed to reach the face width (more is blur).
    pub max_upscale: f32,
    /// Largest head roll (degrees) levelled by rotating; more is refused.
    pub max_roll_deg: f32,
}

impl Default for PhotoConfig {
    fn default() -> Self {
        PhotoConfig {
            width: 480,
            height: 640,
            background: [67, 142, 219],
            dpi: 300,
            min_quality: 60,
            min_kb: 20,
            max_kb: 60,
            head_top_min: 50,
            head_top_max: 110,
            eye_line_min: 200,
            eye_line_max: 300,
            face_width_min: 180,
            face_width_max: 300,
            max_upscale: 1.5,
            max_roll_deg: 10.0,
        }
    }
}

impl PhotoConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("photo");
        r.range("width", self.width, 120, 4000);
        r.range("height", self.height, 160, 6000);
        r.range("dpi", self.dpi, 72, 1200);
        r.range("min_quality", self.min_quality, 1, 100);
        r.range("min_kb", self.min_kb, 1, 10_000);
        r.ordered("min_kb", self.min_kb, "max_kb", self.max_kb);
        r.ordered(
            "head_top_min",
            self.head_top_min,
            "head_top_max",
            self.head_top_max,
        );
        r.ordered(
            "eye_line_min",
            self.eye_line_min,
            "eye_line_max",
            self.eye_line_max,
        );
        r.ordered(
            "face_width_min",
            self.face_width_min,
            "face_width_max",
            self.face_width_max,
        );
        r.range("max_upscale", self.max_upscale, 0.1, 4.0);
        r.range("max_roll_deg", self.max_roll_deg, 0.0, 45.0);
        r.require(
            self.eye_line_max < self.height,
            "eye_line_max",
            "must be inside the photo height",
        );
        r.require(
            self.face_width_max <= self.width,
            "face_width_max",
            "must not exceed the photo width",
        );
        r.finish()
    }
}
