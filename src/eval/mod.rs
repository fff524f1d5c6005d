//! Scoring the station's judgement on labelled real data kept outside the project: `tucai eval
//! faces|photos|qr DIR`. The data is given as an argument and never shipped; `cargo test` only
//! tests the parsing and the scoring here, on small files the tests write.
//!
//! | module | scores | against |
//! |---|---|---|
//! | [`faces`] | every automatic check, per check id and per set | `labels.json`: check id → must pass / must fail |
//! | [`photos`] | the standard photo: made or refused, and the made photo re-measured | `labels.json`: `make` |
//! | [`qr`] | decoded / misread / time per set | `truth.json`: `set/file` → payloads |
//!
//! A labelled folder is either one set (a `labels.json` beside its images) or a folder of sets
//! (each sub-folder with its own `labels.json`), so `tucai eval faces ../eval` scores every set
//! and `tucai eval faces ../eval/faces` just one.

pub mod faces;
pub mod first_shot;
pub mod photos;
pub mod qr;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a labels file of the expected form: {detail}", path.display())]
    Labels { path: PathBuf, detail: String },
    #[error("{}: no labels.json here or in any sub-folder", .0.display())]
    NoLabels(PathBuf),
    #[error("cannot load the models: {0}")]
    Models(String),
}

/// One image's expectations.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Label {
    /// Check id → `true` the check must pass, `false` it must fail; `"*"` is the overall verdict.
    #[serde(default)]
    pub checks: BTreeMap<String, bool>,
    /// Portraits only: `true` a studio would make a registration photo from it, `false` a
    /// refusal is right (the hair is cut by the picture's edge).
    #[serde(default)]
    pub make: Option<bool>,
    /// The source's own labels (head-pose angles, lighting conditions ...).
    #[serde(default)]
    pub raw: Option<serde_json::Value>,
}

/// A folder of images with their labels.
#[derive(Debug, Clone)]
pub struct LabelledSet {
    /// The folder's name, as the report shows it.
    pub name: String,
    pub dir: PathBuf,
    /// File name (relative to `dir`) → label, in file-name order.
    pub labels: BTreeMap<String, Label>,
}

impl LabelledSet {
    pub fn path_of(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

/// The sets under `dir`: `dir` itself when it has a `labels.json`, else each sub-folder that has
/// one, in name order.
pub fn labelled_sets(dir: &Path) -> Result<Vec<LabelledSet>, EvalError> {
    if dir.join("labels.json").is_file() {
        return Ok(vec![read_set(dir)?]);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| EvalError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("labels.json").is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(EvalError::NoLabels(dir.to_path_buf()));
    }
    dirs.iter().map(|d| read_set(d)).collect()
}

fn read_set(dir: &Path) -> Result<LabelledSet, EvalError> {
    let path = dir.join("labels.json");
    let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Read {
        path: path.clone(),
        source,
    })?;
    let labels = serde_json::from_str(&text).map_err(|e| EvalError::Labels {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    Ok(LabelledSet {
        name,
        dir: dir.to_path_buf(),
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_of_sets_and_a_single_set_are_both_read() {
        let root = tempfile::tempdir().unwrap();
        for (set, json) in [
            (
                "b",
                r#"{"x.jpg": {"checks": {"eyes.open": false, "*": false}}}"#,
            ),
            (
                "a",
                r#"{"y.png": {"checks": {}, "make": true, "raw": {"yaw": 1.5}}}"#,
            ),
        ] {
            std::fs::create_dir(root.path().join(set)).unwrap();
            std::fs::write(root.path().join(set).join("labels.json"), json).unwrap();
        }
        std::fs::create_dir(root.path().join("unlabelled")).unwrap();
        let sets = labelled_sets(root.path()).unwrap();
        let names: Vec<_> = sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(sets[0].labels["y.png"].make, Some(true));
        assert!(!sets[1].labels["x.jpg"].checks["eyes.open"]);
        let one = labelled_sets(&root.path().join("b")).unwrap();
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn missing_and_malformed_labels_are_named() {
        let root = tempfile::tempdir().unwrap();
        let err = labelled_sets(root.path()).unwrap_err();
        assert!(matches!(err, EvalError::NoLabels(_)));
        std::fs::write(
            root.path().join("labels.json"),
            r#"{"x.jpg": {"checks": 3}}"#,
        )
        .unwrap();
        let err = labelled_sets(root.path()).unwrap_err();
        assert!(err.to_string().contains("labels.json"), "{err}");
    }
}
