use super::Context;
use anyhow::Result;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use tucai::config::Config;

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Validate a configuration file: exit 0 when valid, 2 with a message naming the key when not.
    Check {
        /// The file (default: --config, else ./kiosk.toml).
        file: Option<PathBuf>,
    },
}

pub fn run(ctx: &Context, cmd: ConfigCmd) -> Result<ExitCode> {
    match cmd {
        ConfigCmd::Check { file } => {
            let Some(path) = file.or_else(|| ctx.config_path()) else {
                anyhow::bail!("no config file given and no ./kiosk.toml here");
            };
            Config::load(&path)?;
            println!("{}: ok", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
