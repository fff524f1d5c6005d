//! `tucai eval faces|photos|qr DIR`: scores the station's judgement on a labelled folder of real
//! photos kept outside the project (docs/CHECKS.md, docs/PHOTO.md and docs/PERFORMANCE.md take
//! their accuracy tables from it). Exit 0 when it ran, 2 when the folder cannot be read.

use super::Context;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum EvalCmd {
    /// The automatic checks against `labels.json` (per check id and per set).
    Faces(EvalArgs),
    /// The standard photo against `labels.json`'s `make`, each made photo re-measured.
    Photos(EvalArgs),
    /// QR decoding against `truth.json`: decoded, misread and time per set.
    Qr(EvalArgs),
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A labelled folder, or a folder of labelled folders.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn run(ctx: &Context, cmd: EvalCmd) -> Result<ExitCode> {
    let (config, _) = ctx.config()?;
    let report = match cmd {
        EvalCmd::Faces(a) => tucai::eval::faces::run(&a.dir, &config)?,
        EvalCmd::Photos(a) => tucai::eval::photos::run(&a.dir, &config)?,
        EvalCmd::Qr(a) => tucai::eval::qr::run(&a.dir)?,
    };
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}
