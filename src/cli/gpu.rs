//! The kiosk window's graphics backend on Windows: DirectX 12, else Vulkan, else OpenGL. wgpu
//! picks one adapter and a driver that crashes while the first frames are drawn (DirectX 12 under
//! Wine's vkd3d ends the process with an assertion; an old Intel driver may do the same) cannot be
//! caught inside the process. So the window runs in a child process per backend, in order, and
//! the first one that shows frames stays; one that dies before them is reported to the log and
//! the next is tried.
//!
//! Elsewhere, and when `WGPU_BACKEND` names a backend, the window runs in this process as before.

use anyhow::{Result, bail};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};

/// The order tried: what Windows offers natively first, OpenGL (always there, slowest) last.
pub const BACKENDS: [&str; 3] = ["dx12", "vulkan", "gl"];

/// Set in the child's environment: the child announces its first frames on stdout.
const CHILD_VAR: &str = "TUCAI_GPU_CHILD";
/// The line the child prints once frames have been drawn.
const READY_LINE: &str = "tucai: window drawn";
/// Frames the window must have drawn before its backend counts as working.
pub const READY_FRAMES: u64 = 3;

/// Whether this process should run the window itself (and announce it when it is a child).
pub fn in_child() -> bool {
    std::env::var_os(CHILD_VAR).is_some()
}

/// Runs the window in child processes, one backend after another; `None` when this process
/// should run the window itself (not Windows, a backend named by `WGPU_BACKEND`, or already the
/// child).
pub fn supervise() -> Result<Option<ExitCode>> {
    if !cfg!(windows) || in_child() || std::env::var_os("WGPU_BACKEND").is_some() {
        return Ok(None);
    }
    let exe = std::env::current_exe()?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut failures = Vec::new();
    for backend in BACKENDS {
        let mut child = Command::new(&exe)
            .args(&args)
            .env(CHILD_VAR, "1")
            .env("WGPU_BACKEND", backend)
            .stdout(Stdio::piped())
            .spawn()?;
        let Some(out) = child.stdout.take() else {
            bail!("no pipe to the window process");
        };
        let mut lines = BufReader::new(out).lines();
        let mut drawn = false;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if line == READY_LINE {
                drawn = true;
                break;
            }
            println!("{line}");
        }
        if drawn {
            log::info!("window: drawing with {backend}");
            // Whatever the window prints later still reaches our stdout.
            let forward = std::thread::spawn(move || {
                let mut stdout = std::io::stdout();
                for line in lines.map_while(|l| l.ok()) {
                    let _ = writeln!(stdout, "{line}");
                }
            });
            let status = child.wait()?;
            let _ = forward.join();
            return Ok(Some(exit_code(status.code())));
        }
        let status = child.wait()?;
        if status.success() {
            // Closed before three frames (the PIN screen closes nothing that fast): it ran.
            return Ok(Some(ExitCode::SUCCESS));
        }
        log::warn!("window: {backend} failed ({status}); trying the next graphics backend");
        failures.push(format!("{backend}: {status}"));
    }
    bail!(
        "no graphics backend could draw the window ({}); update the graphics driver",
        failures.join(", ")
    )
}

fn exit_code(code: Option<i32>) -> ExitCode {
    match code {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(2)),
        None => ExitCode::from(2),
    }
}

/// For [`tucai::ui::Launch::on_drawn`] in the child: tells the parent the backend works.
pub fn announce_drawn() {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{READY_LINE}");
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_backends_come_before_opengl() {
        assert_eq!(BACKENDS.first(), Some(&"dx12"));
        assert_eq!(BACKENDS.last(), Some(&"gl"));
    }

    #[test]
    fn a_child_killed_by_a_crash_is_an_error_exit() {
        assert_eq!(exit_code(None), ExitCode::from(2));
        assert_eq!(exit_code(Some(0)), ExitCode::SUCCESS);
        assert_eq!(exit_code(Some(1)), ExitCode::from(1));
        // A Windows crash code (0xC0000409) does not fit a u8: still an error, not success.
        assert_eq!(exit_code(Some(-1073740791)), ExitCode::from(2));
    }
}
