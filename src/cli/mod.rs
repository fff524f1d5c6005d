//! The command line (clap derive: doc comments are the help). `Cli` holds plain parsed values;
//! [`Context`] turns them into a loaded configuration and an open store only for the commands
//! that need them, so `tucai config check` works on a station whose data directory is broken.

mod cameras_cmd;
mod check_cmd;
mod config_cmd;
pub mod console;
mod eval_cmd;
mod export_cmd;
mod gpu;
mod key_cmd;
mod office_cmd;
mod photo_cmd;
mod pin_cmd;
mod review_cmd;
mod roster_cmd;
mod scan_cmd;
mod session_cmd;
mod supervisor;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tucai::config::Config;
use tucai::store::Store;

/// tucai: the on-site graduate registration photo capture station.
///
/// Without a command it starts the kiosk window.
#[derive(Debug, Parser)]
#[command(name = "tucai", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: ./kiosk.toml if present, else the built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (database, captures, keys); overrides `station.data_dir`.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Camera for the kiosk: "auto", a device index, or "demo" (bundled frames).
    #[arg(long, value_name = "CAMERA")]
    pub camera: Option<String>,
    /// Run in a normal window instead of the fullscreen kiosk.
    #[arg(long)]
    pub windowed: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a configuration file.
    #[command(subcommand)]
    Config(config_cmd::ConfigCmd),
    /// Open, list and close capture sessions.
    #[command(subcommand)]
    Session(session_cmd::SessionCmd),
    /// Import a class roster.
    #[command(subcommand)]
    Roster(roster_cmd::RosterCmd),
    /// Set the teacher PIN (asked twice on the terminal; stored as an Argon2 hash in the config file).
    SetPin(pin_cmd::SetPinArgs),
    /// Show the station key the office trusts.
    #[command(subcommand)]
    Key(key_cmd::KeyCmd),
    /// Export a session's confirmed photos as a signed batch.
    Export(export_cmd::ExportArgs),
    /// Delete a session's personal data once the office confirmed its import.
    Purge(export_cmd::PurgeArgs),
    /// Import the provincial review's reset list.
    #[command(subcommand)]
    Review(review_cmd::ReviewCmd),
    /// Office: import batches, write the upload package, report who is missing.
    Office(office_cmd::OfficeArgs),
    /// Decode the QR codes in image files (exit 2 if a file cannot be read).
    Scan(scan_cmd::ScanArgs),
    /// List the cameras and their modes; `--shot FILE` takes a test picture.
    Cameras(cameras_cmd::CamerasArgs),
    /// Run the automatic photo checks on files (exit 0 all passed, 1 any failed, 2 unreadable).
    Check(check_cmd::CheckArgs),
    /// Make the standard photo from a capture file (exit 2 with the reason when it cannot).
    Make(photo_cmd::MakeArgs),
    /// Lay out print sheets (PDF, or PNG when OUT ends in .png) of standard photos.
    Sheet(photo_cmd::SheetArgs),
    /// Add a photo taken elsewhere as a student's draft (exit 0 added, 1 failed checks, 2 refused).
    #[command(subcommand)]
    Photo(photo_cmd::PhotoCmd),
    /// Score the checks, the photo maker or the scanner on a labelled folder of real photos.
    #[command(subcommand)]
    Eval(eval_cmd::EvalCmd),
}

/// Runs the command line; `Ok` carries the exit code for commands that report a verdict.
pub fn run(args: impl IntoIterator<Item = OsString>) -> Result<ExitCode> {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout and usage errors to stderr with its own codes.
            e.print().context("cannot print to the terminal")?;
            return Ok(ExitCode::from(if e.use_stderr() { 2 } else { 0 }));
        }
    };
    let ctx = Context {
        config_arg: cli.config.clone(),
        data_arg: cli.data.clone(),
    };
    match cli.command {
        None => {
            let (config, config_path) = ctx.config()?;
            let data_dir = ctx.data_dir(&config, config_path.as_deref());
            if gpu::supervises() {
                // What does not depend on the graphics is checked once, here: a broken
                // kiosk.toml or a data folder that cannot be opened is said plainly, not taken
                // for a window that failed to draw (or, on Windows, three backends that did).
                drop(tucai::store::Store::open(&data_dir)?);
                return gpu::supervise();
            }
            let camera = cli.camera.unwrap_or_else(|| config.camera.device.clone());
            let launch = tucai::ui::Launch {
                windowed: cli.windowed,
                camera,
                data_dir,
                on_drawn: gpu::on_drawn(),
            };
            tucai::ui::run(config, launch)
                .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config(cmd)) => config_cmd::run(&ctx, cmd),
        Some(Command::Session(cmd)) => session_cmd::run(&ctx, cmd),
        Some(Command::Roster(cmd)) => roster_cmd::run(&ctx, cmd),
        Some(Command::SetPin(args)) => pin_cmd::run(&ctx, args),
        Some(Command::Key(cmd)) => key_cmd::run(&ctx, cmd),
        Some(Command::Export(args)) => export_cmd::run_export(&ctx, args),
        Some(Command::Purge(args)) => export_cmd::run_purge(&ctx, args),
        Some(Command::Review(cmd)) => review_cmd::run(&ctx, cmd),
        Some(Command::Office(args)) => office_cmd::run(&ctx, args),
        Some(Command::Scan(args)) => scan_cmd::run(args),
        Some(Command::Cameras(args)) => cameras_cmd::run(&ctx, args),
        Some(Command::Check(args)) => check_cmd::run(&ctx, args),
        Some(Command::Make(args)) => photo_cmd::make(&ctx, args),
        Some(Command::Sheet(args)) => photo_cmd::sheet(&ctx, args),
        Some(Command::Photo(cmd)) => photo_cmd::photo(&ctx, cmd),
        Some(Command::Eval(cmd)) => eval_cmd::run(&ctx, cmd),
    }
}

/// What every command may need, loaded on demand.
pub struct Context {
    config_arg: Option<PathBuf>,
    data_arg: Option<PathBuf>,
}

impl Context {
    /// The config file in use: `--config`, else the first of [`default_configs`] that exists.
    pub fn config_path(&self) -> Option<PathBuf> {
        match &self.config_arg {
            Some(p) => Some(p.clone()),
            None => {
                let exe = std::env::current_exe().ok();
                default_configs(exe.as_deref())
                    .into_iter()
                    .find(|p| p.exists())
            }
        }
    }

    /// The loaded configuration and the file it came from (`None`: built-in defaults).
    pub fn config(&self) -> Result<(Config, Option<PathBuf>)> {
        match self.config_path() {
            Some(path) => Ok((Config::load(&path)?, Some(path))),
            None => Ok((Config::default(), None)),
        }
    }

    pub fn data_dir(&self, config: &Config, config_path: Option<&Path>) -> PathBuf {
        match &self.data_arg {
            Some(d) => d.clone(),
            None => config.data_dir(config_path),
        }
    }

    /// Configuration plus the open station database.
    pub fn open(&self) -> Result<(Config, Store)> {
        let (config, path) = self.config()?;
        let dir = self.data_dir(&config, path.as_deref());
        let store = Store::open(&dir)?;
        Ok((config, store))
    }
}

/// Where `kiosk.toml` is looked for without `--config`: the current folder, then, on Windows, the
/// folder of `tucai.exe`. The Windows station is a portable folder (exe, `kiosk.toml`, and the
/// data directory `tucai-data` beside them, relative to the config): the IT person copies one
/// folder, backs up one folder, and a login shortcut whose "start in" folder is elsewhere still
/// finds it. The user's local application data was the other choice; it hides the data from the
/// person who backs it up and ties it to one Windows account (docs/WINDOWS.md).
pub fn default_configs(exe: Option<&Path>) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("kiosk.toml")];
    if cfg!(windows)
        && let Some(dir) = exe.and_then(Path::parent)
    {
        out.push(dir.join("kiosk.toml"));
    }
    out
}

/// Runs the work on one file of a many-file command (`check`, `make`); a panic in it (a
/// decoder's assertion on a strange file) becomes that file's error, naming it, and the command
/// goes on with the next file and exits 2 at the end, instead of aborting them all.
pub fn per_file<T>(
    file: &Path,
    work: impl FnOnce() -> std::result::Result<T, String>,
) -> std::result::Result<T, String> {
    tucai::isolate::catch("file check", work).unwrap_or_else(|p| {
        Err(format!(
            "{}: could not be processed ({p}); the file was skipped",
            file.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_panics_fails_alone_and_the_others_go_on() {
        let files = ["a.jpg", "crash.png", "c.jpg"].map(PathBuf::from);
        let results: Vec<_> = files
            .iter()
            .map(|f| {
                per_file(f, || {
                    if f.ends_with("crash.png") {
                        panic!("assertion failed: x <= i32::MAX as f64");
                    }
                    Ok(f.display().to_string())
                })
            })
            .collect();
        assert_eq!(results[0].as_deref(), Ok("a.jpg"));
        let err = results[1].as_ref().unwrap_err();
        assert!(
            err.starts_with("crash.png: could not be processed"),
            "{err}"
        );
        assert!(err.contains("assertion failed"), "{err}");
        assert_eq!(results[2].as_deref(), Ok("c.jpg"));
    }

    #[test]
    fn the_current_folder_comes_first_then_the_exe_folder_on_windows() {
        let exe = Path::new("station").join("tucai.exe");
        let found = default_configs(Some(&exe));
        assert_eq!(found[0], PathBuf::from("kiosk.toml"));
        if cfg!(windows) {
            assert_eq!(found[1], Path::new("station").join("kiosk.toml"));
        } else {
            assert_eq!(found.len(), 1, "Linux keeps ./kiosk.toml only");
        }
        assert_eq!(default_configs(None).len(), 1);
    }

    #[test]
    fn global_flags_go_anywhere() {
        let cli = Cli::try_parse_from(["tucai", "session", "list", "--data", "/tmp/x"]).unwrap();
        assert_eq!(cli.data.as_deref(), Some(Path::new("/tmp/x")));
    }

    #[test]
    fn session_open_needs_all_three_fields() {
        assert!(Cli::try_parse_from(["tucai", "session", "open", "--class", "C1"]).is_err());
        let ok = Cli::try_parse_from([
            "tucai",
            "session",
            "open",
            "--class",
            "C1",
            "--place",
            "P",
            "--operator",
            "O",
        ]);
        assert!(ok.is_ok());
    }

    #[test]
    fn roster_import_needs_a_session() {
        assert!(Cli::try_parse_from(["tucai", "roster", "import", "a.csv"]).is_err());
        assert!(
            Cli::try_parse_from(["tucai", "roster", "import", "a.csv", "--session", "1"]).is_ok()
        );
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
