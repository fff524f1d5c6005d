use super::Context;
use anyhow::{Context as _, Result};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use tucai::export::StationKey;

#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Print the station's public key and fingerprint (made on first use) for the office to trust.
    Show {
        /// Also write a trust file for `tucai office import --trust FILE`.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn run(ctx: &Context, cmd: KeyCmd) -> Result<ExitCode> {
    let KeyCmd::Show { out } = cmd;
    let (config, path) = ctx.config()?;
    let dir = ctx.data_dir(&config, path.as_deref());
    // The database first: a station key without a database is what a lost database looks like
    // (`Store::open` refuses that), so a fresh station must not get its key before its database.
    let store = tucai::store::Store::open(&dir)?;
    let key = StationKey::load_or_create(store.data_dir())?;
    let trusted = key.trusted(&config.station.id);
    println!("station      {}", config.station.id);
    println!("public key   {}", trusted.public_key);
    println!("fingerprint  {}", trusted.fingerprint);
    if let Some(out) = out {
        tucai::atomic_file::write(&out, trusted.to_json().as_bytes())
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!("trust file   {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
