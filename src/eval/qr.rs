//! `tucai eval qr DIR`: decodes every image listed in `DIR/truth.json` through the path
//! `tucai scan` uses ([`crate::scan::scan_file`]) and scores it.
//!
//! `truth.json` maps `set/file` (relative to DIR) to the payloads the image holds (one, or more
//! for a code inside a code). An image is *decoded* when every payload was found; a returned
//! payload that is not in its list is a *misread* (worse than a miss: a wrong payload can match a
//! roster); an image that cannot be loaded, or on which the decoder failed, is *failed*. Time is
//! the wall time of loading and decoding, per set.

use super::EvalError;
use crate::scan::{ScanFileError, scan_file};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// `set/file` → the payloads the image holds.
pub type Truth = BTreeMap<String, Vec<String>>;

/// Reads `dir/truth.json`.
pub fn read_truth(dir: &Path) -> Result<Truth, EvalError> {
    let path = dir.join("truth.json");
    let text = std::fs::read_to_string(&path).map_err(|source| EvalError::Read {
        path: path.clone(),
        source,
    })?;
    let truth: Truth = serde_json::from_str(&text).map_err(|e| EvalError::Labels {
        path: path.clone(),
        detail: e.to_string(),
    })?;
    if let Some((file, _)) = truth.iter().find(|(_, payloads)| payloads.is_empty()) {
        return Err(EvalError::Labels {
            path,
            detail: format!("{file}: no payload listed"),
        });
    }
    Ok(truth)
}

/// What decoding one image gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The text payloads found (codes whose content is not text are refused and not listed).
    Codes(Vec<String>),
    /// The image could not be loaded or the decoder failed on it; the reason, without payloads.
    Failed(String),
}

/// The score of one set (or of all, for the totals line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetScore {
    pub name: String,
    pub images: usize,
    pub decoded: usize,
    pub misread: usize,
    pub failed: usize,
    pub seconds: f64,
    /// Files not decoded, with what was found instead.
    pub misses: Vec<(String, Vec<String>)>,
    /// Files with a payload not in their list, with those payloads.
    pub misreads: Vec<(String, Vec<String>)>,
    /// Files that failed, with the reason.
    pub failures: Vec<(String, String)>,
}

/// The set of a `set/file` key: the part before the first `/` (`.` for a file at the top).
fn set_of(file: &str) -> &str {
    file.split_once('/').map(|(set, _)| set).unwrap_or(".")
}

/// Scores `results` (file → outcome and seconds) against `truth`, per set in name order and the
/// totals last. A file of the truth without a result counts as failed.
pub fn score(truth: &Truth, results: &BTreeMap<String, (Outcome, f64)>) -> Vec<SetScore> {
    let mut sets: BTreeMap<&str, SetScore> = BTreeMap::new();
    let mut total = SetScore {
        name: "total".into(),
        ..SetScore::default()
    };
    for (file, expected) in truth {
        let set = sets.entry(set_of(file)).or_insert_with(|| SetScore {
            name: set_of(file).to_owned(),
            ..SetScore::default()
        });
        for s in [&mut *set, &mut total] {
            s.images += 1;
            let Some((outcome, seconds)) = results.get(file) else {
                s.failed += 1;
                s.failures.push((file.clone(), "not decoded".into()));
                continue;
            };
            s.seconds += seconds;
            match outcome {
                Outcome::Failed(why) => {
                    s.failed += 1;
                    s.failures.push((file.clone(), why.clone()));
                }
                Outcome::Codes(found) => {
                    if expected.iter().all(|e| found.contains(e)) {
                        s.decoded += 1;
                    } else {
                        s.misses.push((file.clone(), found.clone()));
                    }
                    let wrong: Vec<String> = found
                        .iter()
                        .filter(|f| !expected.contains(f))
                        .cloned()
                        .collect();
                    if !wrong.is_empty() {
                        s.misread += 1;
                        s.misreads.push((file.clone(), wrong));
                    }
                }
            }
        }
    }
    let mut out: Vec<SetScore> = sets.into_values().collect();
    out.push(total);
    out
}

/// A payload as the report shows it: escaped, at most 60 characters.
fn shown(p: &str) -> String {
    let short: String = p.chars().take(60).collect();
    let more = if p.chars().count() > 60 { "…" } else { "" };
    format!("{short:?}{more}")
}

/// The printed report: a Markdown table, then the misses, misreads and failures by file.
pub fn report(scores: &[SetScore]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| set | images | decoded | misread | failed | time (s) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for s in scores {
        let bold = if s.name == "total" { "**" } else { "" };
        let _ = writeln!(
            out,
            "| {bold}{}{bold} | {} | {bold}{}{bold} | {bold}{}{bold} | {} | {:.2} |",
            s.name, s.images, s.decoded, s.misread, s.failed, s.seconds
        );
    }
    if let Some(total) = scores.last() {
        for (file, found) in &total.misses {
            let found: Vec<String> = found.iter().map(|p| shown(p)).collect();
            let _ = writeln!(out, "miss     {file} (found: [{}])", found.join(", "));
        }
        for (file, wrong) in &total.misreads {
            let wrong: Vec<String> = wrong.iter().map(|p| shown(p)).collect();
            let _ = writeln!(out, "MISREAD  {file}: {}", wrong.join(", "));
        }
        for (file, why) in &total.failures {
            let _ = writeln!(out, "failed   {file}: {why}");
        }
    }
    out
}

/// Decodes and scores every image of `dir/truth.json`; returns the printed report.
pub fn run(dir: &Path) -> Result<String, EvalError> {
    let truth = read_truth(dir)?;
    let mut results = BTreeMap::new();
    for file in truth.keys() {
        let t = Instant::now();
        let outcome = match scan_file(&dir.join(file)) {
            Ok(found) => Outcome::Codes(found.into_iter().filter_map(|d| d.text).collect()),
            Err(ScanFileError::Load(e)) => Outcome::Failed(e.to_string()),
            Err(e) => Outcome::Failed(e.to_string()),
        };
        results.insert(file.clone(), (outcome, t.elapsed().as_secs_f64()));
    }
    Ok(report(&score(&truth, &results)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Outcome {
        Outcome::Codes(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn truth_is_read_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("truth.json"),
            r#"{"a/1.png": ["ONE"], "b/2.jpg": ["TWO", "INNER"]}"#,
        )
        .unwrap();
        let truth = read_truth(dir.path()).unwrap();
        assert_eq!(truth["b/2.jpg"], ["TWO", "INNER"]);
        for bad in [r#"{"a/1.png": "ONE"}"#, r#"{"a/1.png": []}"#, "not json"] {
            std::fs::write(dir.path().join("truth.json"), bad).unwrap();
            let err = read_truth(dir.path()).unwrap_err();
            assert!(err.to_string().contains("truth.json"), "{err}");
        }
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_truth(empty.path()),
            Err(EvalError::Read { .. })
        ));
    }

    #[test]
    fn decoded_needs_every_payload_and_an_extra_payload_is_a_misread() {
        let truth: Truth = [
            ("a/ok.png", vec!["ONE"]),
            ("a/two.png", vec!["OUTER", "INNER"]),
            ("a/wrong.png", vec!["THREE"]),
            ("b/fail.png", vec!["FOUR"]),
            ("b/extra.png", vec!["FIVE"]),
            ("top.png", vec!["SIX"]),
        ]
        .into_iter()
        .map(|(f, p)| (f.to_string(), p.into_iter().map(String::from).collect()))
        .collect();
        let results: BTreeMap<String, (Outcome, f64)> = [
            ("a/ok.png", codes(&["ONE"])),
            ("a/two.png", codes(&["OUTER"])),
            ("a/wrong.png", codes(&["THR3E"])),
            ("b/fail.png", Outcome::Failed("damaged".into())),
            ("b/extra.png", codes(&["FIVE", "GHOST"])),
        ]
        .into_iter()
        .map(|(f, o)| (f.to_string(), (o, 0.5)))
        .collect();
        let scores = score(&truth, &results);
        let names: Vec<&str> = scores.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, [".", "a", "b", "total"]);
        let a = &scores[1];
        assert_eq!((a.images, a.decoded, a.misread, a.failed), (3, 1, 1, 0));
        assert_eq!(a.seconds, 1.5);
        let b = &scores[2];
        assert_eq!((b.images, b.decoded, b.misread, b.failed), (2, 1, 1, 1));
        let total = &scores[3];
        assert_eq!(
            (total.images, total.decoded, total.misread, total.failed),
            (6, 2, 2, 2)
        );
        // The top-level file had no result: failed, not silently skipped.
        assert!(total.failures.iter().any(|(f, _)| f == "top.png"));
        let text = report(&scores);
        assert!(
            text.contains("| **total** | 6 | **2** | **2** | 2 | 2.50 |"),
            "{text}"
        );
        assert!(text.contains("MISREAD  a/wrong.png: \"THR3E\""), "{text}");
        assert!(text.contains("MISREAD  b/extra.png: \"GHOST\""), "{text}");
        assert!(
            text.contains("miss     a/two.png (found: [\"OUTER\"])"),
            "{text}"
        );
        assert!(text.contains("failed   b/fail.png: damaged"), "{text}");
    }

    #[test]
    fn a_set_of_generated_codes_is_scored_end_to_end() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("gen")).unwrap();
        let code = qrcode::QrCode::new(b"TUCAI-EVAL-0001").unwrap();
        let n = code.width() as u32;
        let colors = code.to_colors();
        let img = image::GrayImage::from_fn((n + 8) * 6, (n + 8) * 6, |x, y| {
            let (mx, my) = (x / 6, y / 6);
            let dark = (4..n + 4).contains(&mx)
                && (4..n + 4).contains(&my)
                && colors[((my - 4) * n + mx - 4) as usize] == qrcode::Color::Dark;
            image::Luma([if dark { 0 } else { 255 }])
        });
        img.save(dir.path().join("gen/code.png")).unwrap();
        std::fs::write(dir.path().join("gen/broken.png"), b"not a png").unwrap();
        std::fs::write(
            dir.path().join("truth.json"),
            r#"{"gen/code.png": ["TUCAI-EVAL-0001"], "gen/broken.png": ["X"]}"#,
        )
        .unwrap();
        let text = run(dir.path()).unwrap();
        assert!(text.contains("| gen | 2 | 1 | 0 | 1 |"), "{text}");
        assert!(text.contains("failed   gen/broken.png"), "{text}");
    }
}
