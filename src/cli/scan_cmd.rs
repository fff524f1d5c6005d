//! `tucai scan [--json] FILE...`: decodes the QR codes in image files. One unreadable file is
//! reported and sets exit 2; the others are still decoded and printed.

use anyhow::Result;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Print one JSON array: `[{"file": "...", "codes": ["...", ...]}, ...]`.
    #[arg(long)]
    pub json: bool,
    /// Image files (JPEG or PNG).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Serialize)]
struct FileCodes {
    file: String,
    codes: Vec<String>,
}

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let mut results = Vec::new();
    let mut failed = false;
    for file in &args.files {
        let img = match super::check_cmd::load(file) {
            Ok(img) => img,
            Err(e) => {
                eprintln!("tucai: {e}");
                failed = true;
                continue;
            }
        };
        let codes = tucai::scan::decode_rgb(&img)
            .into_iter()
            // Payloads are usually UTF-8; anything else is shown with replacement characters.
            .map(|d| String::from_utf8_lossy(&d.payload).into_owned())
            .collect();
        results.push(FileCodes {
            file: file.display().to_string(),
            codes,
        });
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        for r in &results {
            if r.codes.is_empty() {
                println!("{}: no code found", r.file);
            }
            for c in &r.codes {
                println!("{}: {c}", r.file);
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
