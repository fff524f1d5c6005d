use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[camera]`: which camera and how it is driven.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CameraConfig {
    /// `"auto"` (first camera found), a device index such as `"0"`, or `"demo"` (frames bundled
    /// in assets/). The command line's `--camera` overrides it.
    pub device: String,
    /// Requested capture size and rate; the closest the camera offers is used.
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// No frame for this long: the camera is treated as disconnected and reopened.
    pub stall_timeout_ms: u32,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            device: "auto".into(),
            width: 1920,
            height: 1080,
            fps: 30,
            stall_timeout_ms: 2000,
        }
    }
}

impl CameraConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("camera");
        let device_ok =
            matches!(self.device.as_str(), "auto" | "demo") || self.device.parse::<u32>().is_ok();
        r.require(
            device_ok,
            "device",
            format!(
                "`{}` is not \"auto\", \"demo\" or a device index",
                self.device
            ),
        );
        r.range("width", self.width, 320, 7680);
        r.range("height", self.height, 240, 4320);
        r.range("fps", self.fps, 1, 120);
        r.range("stall_timeout_ms", self.stall_timeout_ms, 200, 60_000);
        r.finish()
    }
}
