//! `tucai cameras`: the cameras this computer has and their modes, or plainly that there is none;
//! with `--shot FILE`, one picture through the same camera thread the kiosk uses (mode choice,
//! reconnect), saved as a JPEG: the school's hardware check (`hardware-check.cmd` on Windows).

use super::Context;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct CamerasArgs {
    /// Take one picture with the kiosk's camera settings and save it here as a JPEG.
    #[arg(long, value_name = "FILE")]
    pub shot: Option<PathBuf>,
    /// The camera for --shot: "auto", an index from the list, or "demo" (default: `[camera] device`).
    #[arg(long, value_name = "CAMERA", requires = "shot")]
    pub device: Option<String>,
}

/// Frames skipped before the test shot: the first ones come before the exposure settles.
const SETTLE_FRAMES: u64 = 15;
/// How long the test shot waits for the camera to open and settle.
const SHOT_TIMEOUT: Duration = Duration::from_secs(20);

pub fn run(ctx: &Context, args: CamerasArgs) -> Result<ExitCode> {
    match args.shot {
        Some(file) => shot(ctx, args.device, file),
        None => list(),
    }
}

fn list() -> Result<ExitCode> {
    let devices = tucai::camera::list_devices()?;
    if devices.is_empty() {
        println!(
            "no camera found: plug in the USB camera (then run `tucai cameras` again), \
             or start the kiosk with --camera demo"
        );
        return Ok(ExitCode::SUCCESS);
    }
    for d in devices {
        println!("camera {}: {}", d.index, d.name);
        for f in d.formats {
            println!("    {f}");
        }
    }
    println!("choose one with `[camera] device = \"<index>\"` in kiosk.toml or --camera <index>");
    Ok(ExitCode::SUCCESS)
}

fn shot(ctx: &Context, device: Option<String>, file: PathBuf) -> Result<ExitCode> {
    let (config, _) = ctx.config()?;
    let device = device.unwrap_or_else(|| config.camera.device.clone());
    let camera = tucai::camera::start_camera(&device, &config.camera)?;
    let Some(frame) = camera
        .wait_newer(SETTLE_FRAMES, SHOT_TIMEOUT)
        .or_else(|| camera.latest())
    else {
        bail!(
            "no picture from camera {device} within {} s ({:?}): check the cable, close other \
             programs using the camera, run `tucai cameras`",
            SHOT_TIMEOUT.as_secs(),
            camera.status()
        );
    };
    let bytes = tucai::photo::jpeg::encode(&frame.image, 90, None)?;
    tucai::atomic_file::write(&file, &bytes)
        .with_context(|| format!("cannot write {}", file.display()))?;
    let (w, h) = frame.image.dimensions();
    let mode = camera
        .info()
        .map(|i| format!("{}, {}", i.name, i.format))
        .unwrap_or_default();
    println!("test shot {w}x{h} ({mode}) saved to {}", file.display());
    Ok(ExitCode::SUCCESS)
}
