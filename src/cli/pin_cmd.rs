use super::Context;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct SetPinArgs {
    /// Read the PIN twice from standard input instead of the terminal (for provisioning scripts).
    #[arg(long)]
    pub stdin: bool,
}

pub fn run(ctx: &Context, args: SetPinArgs) -> Result<ExitCode> {
    let Some(path) = ctx.config_path() else {
        bail!("no config file to store the PIN in: pass --config FILE or run where kiosk.toml is");
    };
    // Refuse to touch a file the kiosk could not start with.
    tucai::config::Config::load(&path)?;
    let (first, second) = if args.stdin {
        let mut lines = std::io::stdin().lock().lines();
        let mut next = || -> Result<String> {
            Ok(lines
                .next()
                .context("standard input ended before two PINs were read")??)
        };
        (next()?, next()?)
    } else {
        (
            rpassword::prompt_password("New teacher PIN (8-12 digits): ")?,
            rpassword::prompt_password("Repeat the PIN: ")?,
        )
    };
    let (first, second) = (first.trim(), second.trim());
    if first != second {
        bail!("the two PINs differ; nothing was changed");
    }
    tucai::pin::check_new_pin(first)?;
    let hash = tucai::pin::hash_pin(first)?;
    write_pin_hash(&path, &hash)?;
    println!("teacher PIN set in {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Replaces `teacher.pin_hash` keeping every comment of the file, written to a temporary file and
/// renamed so a crash leaves either the old or the new file, never half of one. A symlinked
/// config is followed (the kiosk reads the target) and the file's permissions are kept.
fn write_pin_hash(path: &Path, hash: &str) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    if !doc.contains_table("teacher") {
        doc["teacher"] = toml_edit::table();
    }
    doc["teacher"]["pin_hash"] = toml_edit::value(hash);
    tucai::atomic_file::replace_keeping_mode(path, doc.to_string().as_bytes())
        .with_context(|| format!("cannot replace {}", path.display()))
}
