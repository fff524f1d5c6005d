//! `tucai eval photos DIR`: placeholder until the scoring lands.

use super::EvalError;
use std::path::Path;

/// Scores the labelled data under `dir` and returns the printed report.
pub fn run(dir: &Path) -> Result<String, EvalError> {
    Err(EvalError::NoLabels(dir.to_path_buf()))
}
