//! `tucai scan [--json] FILE...`: decodes the QR codes in image files. A file that cannot be read,
//! or on which the decoder fails, is reported and sets exit 2; the others are still decoded and
//! printed.

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
    /// Image files (JPEG, PNG or WebP).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Serialize)]
struct FileCodes {
    file: String,
    /// The codes whose payload is text, in its character set (see `tucai::scan::Decoded::text`).
    codes: Vec<String>,
    /// Codes found whose payload is not text: refused, not guessed.
    #[serde(skip_serializing_if = "is_zero")]
    not_text: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let mut results = Vec::new();
    let mut failed = false;
    for file in &args.files {
        let found = match tucai::scan::scan_file(file) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("tucai: {e}");
                failed = true;
                continue;
            }
        };
        let not_text = found.iter().filter(|d| d.text.is_none()).count();
        results.push(FileCodes {
            file: file.display().to_string(),
            codes: found.into_iter().filter_map(|d| d.text).collect(),
            not_text,
        });
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        for r in &results {
            if r.codes.is_empty() && r.not_text == 0 {
                println!("{}: no code found", r.file);
            }
            for c in &r.codes {
                println!("{}: {c}", r.file);
            }
            if r.not_text > 0 {
                println!(
                    "{}: {} code(s) whose content is not text (refused)",
                    r.file, r.not_text
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
