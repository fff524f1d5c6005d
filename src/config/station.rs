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
}

impl Default for StationConfig {
    fn default() -> Self {
        StationConfig {
            id: "station-01".into(),
            data_dir: PathBuf::from("tucai-data"),
            language: Language::Zh,
            fullscreen: true,
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
        r.finish()
    }
}
