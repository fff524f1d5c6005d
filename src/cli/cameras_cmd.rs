//! `tucai cameras`: the cameras this computer has and their modes, or plainly that there is none.

use anyhow::Result;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode> {
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
