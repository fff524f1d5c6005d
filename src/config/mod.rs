//! `kiosk.toml` → a validated [`Config`].
//!
//! Owns: the shape of the configuration file, its compiled-in defaults and the rules for what a
//! valid value is. Each section lives in its own file so the module that uses it (flow, camera,
//! check, photo, export, ...) can grow its keys without touching the others.
//!
//! Must not touch: egui, rusqlite, the file system beyond reading the one file it is given.
//!
//! Every struct is `deny_unknown_fields` + `default`: a typo is an error that names the key, and a
//! file that leaves a key out gets the compiled default. The default file `kiosk.toml` at the root
//! of the repository is tested to be equal to [`Config::default`].

mod camera;
mod checks;
mod export;
mod flow;
mod live;
mod photo;
mod print;
mod scan;
mod school;
mod station;
mod teacher;

pub use camera::CameraConfig;
pub use checks::ChecksConfig;
pub use export::ExportConfig;
pub use flow::FlowConfig;
pub use live::LiveConfig;
pub use photo::PhotoConfig;
pub use print::PrintConfig;
pub use scan::ScanConfig;
pub use school::{CaptureWindow, HelpContact, SchoolConfig};
pub use station::{Language, StationConfig};
pub use teacher::{FeeState, TeacherConfig};

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole station configuration, as read from `kiosk.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub station: StationConfig,
    pub school: SchoolConfig,
    pub help: HelpContact,
    pub camera: CameraConfig,
    pub scan: ScanConfig,
    pub flow: FlowConfig,
    pub live: LiveConfig,
    pub photo: PhotoConfig,
    pub checks: ChecksConfig,
    pub print: PrintConfig,
    pub export: ExportConfig,
    pub teacher: TeacherConfig,
}

/// Why a configuration could not be used. Every variant names the file and, where there is one,
/// the dotted key (`flow.draft_box_size`), because the person reading it is editing that file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: `{key}`: {message}")]
    Parse {
        path: PathBuf,
        /// Dotted path of the offending key, or `.` when the error is not under a key (bad syntax).
        key: String,
        message: String,
    },
    #[error("{path}: `{key}`: {message}")]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}

impl ConfigError {
    /// The dotted key the error is about (`.` for file-level syntax errors, empty for I/O errors).
    pub fn key(&self) -> &str {
        match self {
            ConfigError::Read { .. } => "",
            ConfigError::Parse { key, .. } | ConfigError::Invalid { key, .. } => key,
        }
    }
}

/// One rule broken by a value: the key and what is wrong with it. Sections return these from
/// their `validate`, [`Config::validate`] attaches the file name.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub key: String,
    pub message: String,
}

impl Invalid {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Collects the broken rules of one section; `check_range` covers the common case.
#[derive(Debug, Default)]
pub struct Rules {
    section: &'static str,
    broken: Vec<Invalid>,
}

impl Rules {
    pub fn new(section: &'static str) -> Self {
        Rules {
            section,
            broken: Vec::new(),
        }
    }

    /// Records a broken rule for `section.key` unless `ok`.
    pub fn require(&mut self, ok: bool, key: &str, message: impl Into<String>) {
        if !ok {
            self.broken
                .push(Invalid::new(format!("{}.{key}", self.section), message));
        }
    }

    /// `value` must lie in `lo..=hi`.
    pub fn range<T: PartialOrd + std::fmt::Display>(&mut self, key: &str, value: T, lo: T, hi: T) {
        let ok = value >= lo && value <= hi;
        self.require(
            ok,
            key,
            format!("{value} is out of range, expected {lo} to {hi}"),
        );
    }

    /// `lo_key` must not be greater than `hi_key`.
    pub fn ordered<T: PartialOrd + std::fmt::Display>(
        &mut self,
        lo_key: &str,
        lo: T,
        hi_key: &str,
        hi: T,
    ) {
        let ok = lo <= hi;
        self.require(
            ok,
            lo_key,
            format!("{lo} is greater than {}.{hi_key} = {hi}", self.section),
        );
    }

    pub fn finish(self) -> Vec<Invalid> {
        self.broken
    }
}

impl Config {
    /// Reads, parses and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_toml(&text, path)
    }

    /// Parses and validates TOML text; `path` is only used in messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let de = toml::Deserializer::parse(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            key: ".".into(),
            message: located(text, &e),
        })?;
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            ConfigError::Parse {
                path: path.to_path_buf(),
                key,
                message: located(text, &e.into_inner()),
            }
        })?;
        if let Some(first) = config.validate().into_iter().next() {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                key: first.key,
                message: first.message,
            });
        }
        Ok(config)
    }

    /// Every broken rule, in file order. Empty means valid.
    pub fn validate(&self) -> Vec<Invalid> {
        let mut all = Vec::new();
        all.extend(self.station.validate());
        all.extend(self.school.validate());
        all.extend(self.help.validate());
        all.extend(self.camera.validate());
        all.extend(self.scan.validate());
        all.extend(self.flow.validate());
        all.extend(self.live.validate());
        all.extend(self.photo.validate());
        all.extend(self.checks.validate());
        all.extend(self.print.validate());
        all.extend(self.export.validate());
        all.extend(self.teacher.validate());
        all
    }

    /// The data directory, resolved against the directory of the config file when relative, so a
    /// station started from any working directory finds the same database.
    pub fn data_dir(&self, config_path: Option<&Path>) -> PathBuf {
        let dir = &self.station.data_dir;
        if dir.is_absolute() {
            return dir.clone();
        }
        match config_path.and_then(Path::parent) {
            Some(parent) if !parent.as_os_str().is_empty() => parent.join(dir),
            _ => dir.clone(),
        }
    }
}

/// The parser's message with the line and column (1-based) it points at, so a clerk editing the
/// file finds a stray quote without reading the whole file: toml's own message names no line.
fn located(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("line {line}, column {column}: {}", e.message())
        }
        None => e.message().to_string(),
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(text, Path::new("test.toml"))
    }

    #[test]
    fn empty_file_is_the_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::default().validate(), vec![]);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = parse("[flow]\ndraft_box_sise = 3\n").unwrap_err();
        assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
        assert!(err.to_string().contains("draft_box_sise"), "{err}");
        assert_eq!(err.key(), "flow.draft_box_sise");
    }

    #[test]
    fn unknown_section_is_named() {
        let err = parse("[flwo]\n").unwrap_err();
        assert!(err.to_string().contains("flwo"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let err = parse("[flow]\ndraft_box_size = \"three\"\n").unwrap_err();
        assert_eq!(err.key(), "flow.draft_box_size", "{err}");
    }

    #[test]
    fn out_of_range_names_the_key() {
        let err = parse("[flow]\ndraft_box_size = 0\n").unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { .. }), "{err}");
        assert_eq!(err.key(), "flow.draft_box_size", "{err}");
    }

    #[test]
    fn bad_syntax_is_an_error() {
        let err = parse("[flow\n").unwrap_err();
        assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
    }

    #[test]
    fn a_syntax_error_names_its_line_and_column() {
        // The case: an unclosed string, reported as "`.`: invalid basic string" only.
        let err = parse("[station]\nid = \"station-01\"\nlanguage = \"zh\n").unwrap_err();
        // toml points at the end of the line, where the closing quote is missing.
        assert!(err.to_string().contains("line 3, column 15"), "{err}");
        let err = parse("[flow]\n\ndraft_box_size = \"three\"\n").unwrap_err();
        assert_eq!(err.key(), "flow.draft_box_size");
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "a\n图采 = x";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, text.find('=').unwrap()), (2, 4));
    }

    #[test]
    fn capture_window_takes_toml_dates_and_strings() {
        let dates =
            parse("[school]\ncapture_window = { start = 2026-05-06, end = 2026-05-15 }\n").unwrap();
        let strings =
            parse("[school]\ncapture_window = { start = \"2026-05-06\", end = \"2026-05-15\" }\n")
                .unwrap();
        let w = dates.school.capture_window.unwrap();
        assert_eq!(w.start.to_string(), "2026-05-06");
        assert_eq!(w.end.to_string(), "2026-05-15");
        assert_eq!(dates, strings);
        for bad in [
            "{ start = 2026-05-06T08:00:00, end = 2026-05-15 }",
            "{ start = \"06.05.2026\", end = 2026-05-15 }",
            "{ start = 5, end = 2026-05-15 }",
        ] {
            let err = parse(&format!("[school]\ncapture_window = {bad}\n")).unwrap_err();
            assert_eq!(err.key(), "school.capture_window.start", "{err}");
        }
    }

    #[test]
    fn relative_data_dir_follows_the_config_file() {
        let c = Config::default();
        let dir = c.data_dir(Some(Path::new("/etc/tucai/kiosk.toml")));
        assert_eq!(dir, Path::new("/etc/tucai").join(&c.station.data_dir));
    }
}
