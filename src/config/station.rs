use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The language a student screen starts in; every screen has a switch to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Zh,
    En,
}

/// `[station]`: who this station is and where it keeps its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StationConfig {
    /// Goes into every export so the office can tell stations apart.
    pub id: String,
    /// SQLite database, captures and keys. Relative paths are taken from the config file's folder.
    pub data_dir: PathBuf,
    /// Language a student screen starts in.
    pub language: Language,
    /// Fullscreen kiosk window that cannot be closed without the teacher PIN.
    pub fullscreen: bool,
    /// Image files (a studio photo, a photo to check, a photo inside a batch) with more pixels than
    /// this are refused before decoding: a 2 KB PNG may claim 40000×40000 and ask for 4.8 GB.
    pub max_image_pixels: u64,
}

impl Default for StationConfig {
    fn default() -> Self {
        StationConfig {
            id: "station-01".into(),
            data_dir: PathBuf::from("tucai-data"),
            language: Language::Zh,
            fullscreen: true,
            max_image_pixels: crate::imageio::DEFAULT_MAX_PIXELS,
        }
    }
}

impl StationConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("station");
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        r.require(
            id_ok,
            "id",
            "must be 1-64 characters of letters, digits, '-' or '_'",
        );
        r.require(
            !self.data_dir.as_os_str().is_empty(),
            "data_dir",
            "must not be empty",
        );
        // 1 MP is below any webcam's capture; 400 MP decodes to 1.2 GB, the most a station spares.
        r.range(
            "max_image_pixels",
            self.max_image_pixels,
            1_000_000,
            400_000_000,
        );
        r.finish()
    }

    /// The limits every image file is read with (`crate::imageio`).
    pub fn image_limits(&self) -> crate::imageio::LoadLimits {
        crate::imageio::LoadLimits {
            max_pixels: self.max_image_pixels,
            ..crate::imageio::LoadLimits::default()
        }
    }
}
