//! `tucai check [--json] FILE...`: the automatic checks on photo files, for a teacher or the
//! office. Exit 0 when every file passed, 1 when any failed, 2 when any file could not be read
//! (the others are still checked and reported).
//!
//! A single still file has no liveness burst: liveness is reported as not measured and does not
//! count towards the file's verdict (a studio photo brought on a USB stick is judged on what it
//! shows; liveness is enforced at the station, where the burst exists).

use super::Context;
use anyhow::{Context as _, Result};
use clap::Args;
use image::RgbImage;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tucai::check::{CheckId, CheckReport, Checker};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print one JSON array (an object per file) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Photo files (JPEG or PNG; RGBA, greyscale and EXIF-rotated are fine).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Serialize)]
struct FileJson<'a> {
    file: String,
    passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    checks: Vec<CheckJson<'a>>,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    id: &'static str,
    passed: bool,
    value: Option<f64>,
    threshold: Option<f64>,
    hint: &'a str,
    hint_zh: &'a str,
    /// false for checks that do not count towards a still file's verdict (liveness).
    counted: bool,
}

/// Checks that count towards a still file's verdict: all but liveness.
fn counted(id: CheckId) -> bool {
    id != CheckId::Liveness
}

pub fn file_passed(report: &CheckReport) -> bool {
    report
        .checks
        .iter()
        .filter(|c| counted(c.id))
        .all(|c| c.passed)
}

pub fn run(ctx: &Context, args: CheckArgs) -> Result<ExitCode> {
    let (config, _) = ctx.config()?;
    let checker =
        Checker::new(&config.checks, &config.photo).context("cannot load the face models")?;
    let mut any_failed = false;
    let mut any_unreadable = false;
    let mut results: Vec<(PathBuf, Result<CheckReport, String>)> = Vec::new();
    for file in &args.files {
        let outcome = super::per_file(file, || {
            match load_with(file, config.station.image_limits()) {
                Ok(img) => checker
                    .check_still(&img, None)
                    .map_err(|e| format!("cannot check {}: {e}", file.display())),
                Err(e) => Err(e),
            }
        });
        match &outcome {
            Ok(r) if !file_passed(r) => any_failed = true,
            Ok(_) => {}
            Err(_) => any_unreadable = true,
        }
        results.push((file.clone(), outcome));
    }
    if args.json {
        let array: Vec<FileJson> = results
            .iter()
            .map(|(file, r)| match r {
                Ok(report) => FileJson {
                    file: file.display().to_string(),
                    passed: file_passed(report),
                    error: None,
                    checks: report
                        .checks
                        .iter()
                        .map(|c| CheckJson {
                            id: c.id.as_str(),
                            passed: c.passed,
                            value: c.value,
                            threshold: c.threshold,
                            hint: &c.hint_en,
                            hint_zh: &c.hint_zh,
                            counted: counted(c.id),
                        })
                        .collect(),
                },
                Err(e) => FileJson {
                    file: file.display().to_string(),
                    passed: false,
                    error: Some(e.clone()),
                    checks: Vec::new(),
                },
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&array)?);
    } else {
        for (file, r) in &results {
            match r {
                Ok(report) => print_text(file, report),
                Err(_) => println!("{}: UNREADABLE", file.display()),
            }
        }
    }
    for (_, r) in &results {
        if let Err(e) = r {
            eprintln!("tucai: {e}");
        }
    }
    Ok(ExitCode::from(if any_unreadable {
        2
    } else if any_failed {
        1
    } else {
        0
    }))
}

fn print_text(file: &Path, report: &CheckReport) {
    let verdict = if file_passed(report) {
        "passed"
    } else {
        "FAILED"
    };
    println!("{}: {verdict}", file.display());
    for c in &report.checks {
        let mark = match (c.passed, counted(c.id)) {
            (true, _) => "ok  ",
            (false, true) => "FAIL",
            (false, false) => "--  ",
        };
        let num = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v}"));
        println!(
            "  {mark} {:<19} {:>9} (limit {:>6})  {}",
            c.id.as_str(),
            num(c.value),
            num(c.threshold),
            if c.passed { "" } else { c.hint_en.as_str() }
        );
    }
}

/// Reads a photo file for the checks and the maker through the shared loader, within the
/// configuration's `station.max_image_pixels`.
pub fn load_with(path: &Path, limits: tucai::imageio::LoadLimits) -> Result<RgbImage, String> {
    tucai::imageio::load_rgb(path, limits).map_err(|e| e.to_string())
}
