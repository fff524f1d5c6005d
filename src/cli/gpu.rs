//! The kiosk window's graphics backend on Windows: DirectX 12, else Vulkan, else OpenGL. wgpu
//! picks one adapter and a driver that crashes while the first frames are drawn (DirectX 12 under
//! Wine's vkd3d ends the process with an assertion; an old Intel driver may do the same) cannot be
//! caught inside the process. So the window runs in a child process per backend, in order, and
//! the first one that shows frames stays; one that dies before them is reported to the log and
//! the next is tried.
//!
//! The kiosk window and the office window (`tucai office`) both start this way. Elsewhere, and
//! when `WGPU_BACKEND` names a backend, the window runs in this process as before.

use anyhow::{Result, bail};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// The order tried: what Windows offers natively first, OpenGL (always there, slowest) last.
pub const BACKENDS: [&str; 3] = ["dx12", "vulkan", "gl"];

/// Set in the child's environment: the child announces its first frames on stdout.
const CHILD_VAR: &str = "TUCAI_GPU_CHILD";
/// The line the child prints once frames have been drawn.
const READY_LINE: &str = "tucai: window drawn";
/// Frames the window must have drawn before its backend counts as working.
pub const READY_FRAMES: u64 = 3;

/// Whether this process is a window child (it announces its first frames to the parent).
pub fn in_child() -> bool {
    std::env::var_os(CHILD_VAR).is_some()
}

/// Whether this process hands the window to child processes, one per backend ([`supervise`]):
/// on Windows, unless `WGPU_BACKEND` names a backend or this is already the child. Elsewhere the
/// window runs in this process.
pub fn supervises() -> bool {
    cfg!(windows) && !in_child() && std::env::var_os("WGPU_BACKEND").is_none()
}

/// For the window's launch options: in a child, call [`announce_drawn`] once
/// [`READY_FRAMES`] frames are drawn.
pub fn on_drawn() -> Option<(u64, fn())> {
    in_child().then_some((READY_FRAMES, announce_drawn as fn()))
}

/// Runs the window (the kiosk's or the office's: the same command line as this process) in
/// child processes, one backend after another. Call it when [`supervises`].
pub fn supervise() -> Result<ExitCode> {
    let exe = std::env::current_exe()?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    try_backends(&exe, &args, &BACKENDS)
}

/// Starts `exe args` once per backend, in order, with `WGPU_BACKEND` set to it, until one child
/// announces drawn frames (then its exit code is the result) or ends by itself with success (it
/// ran and was closed early). One that ends with an error before drawing is logged and the next
/// backend tried. The same command line as this process: the child opens the same window.
fn try_backends(exe: &Path, args: &[OsString], backends: &[&str]) -> Result<ExitCode> {
    let mut failures = Vec::new();
    for &backend in backends {
        let mut child = Command::new(exe)
            .args(args)
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
            return Ok(exit_code(status.code()));
        }
        let status = child.wait()?;
        if status.success() {
            // Closed before three frames (the PIN screen closes nothing that fast): it ran.
            return Ok(ExitCode::SUCCESS);
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

/// Called in the child once the window has drawn: tells the parent the backend works.
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

    /// The children are `sh -c SCRIPT sh LOG`: each appends the backend it was given (and that it
    /// knows it is the child) to LOG, then does what SCRIPT says for that backend.
    #[cfg(unix)]
    fn children(script: &str) -> (tempfile::TempDir, std::path::PathBuf, Vec<OsString>) {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("tried");
        let script = format!(
            "echo \"$WGPU_BACKEND $TUCAI_GPU_CHILD\" >> \"$1\"\ncase \"$WGPU_BACKEND\" in\n{script}\nesac"
        );
        let args = vec!["-c".into(), script.into(), "sh".into(), log.clone().into()];
        (dir, log, args)
    }

    #[cfg(unix)]
    #[test]
    fn a_backend_that_crashes_or_fails_is_passed_over_for_the_next_that_draws() {
        // DirectX 12 is killed (as vkd3d's assertion ends it), Vulkan draws and later ends with
        // code 7: OpenGL is never started and the window's own exit code is the program's.
        let (_dir, log, args) = children(
            "dx12) kill -KILL $$ ;;\n\
             vulkan) echo 'before'; echo 'tucai: window drawn'; echo 'after'; exit 7 ;;\n\
             gl) exit 0 ;;",
        );
        let code = try_backends(Path::new("/bin/sh"), &args, &BACKENDS).unwrap();
        assert_eq!(code, ExitCode::from(7));
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "dx12 1\nvulkan 1\n");
    }

    #[cfg(unix)]
    #[test]
    fn when_no_backend_draws_the_error_names_each_and_the_driver() {
        let (_dir, log, args) = children("*) exit 2 ;;");
        let err = try_backends(Path::new("/bin/sh"), &args, &BACKENDS)
            .unwrap_err()
            .to_string();
        for backend in BACKENDS {
            assert!(err.contains(&format!("{backend}: ")), "{err}");
        }
        assert!(err.contains("update the graphics driver"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "dx12 1\nvulkan 1\ngl 1\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_window_closed_before_its_first_frames_is_not_tried_again() {
        let (_dir, log, args) = children("*) exit 0 ;;");
        let code = try_backends(Path::new("/bin/sh"), &args, &BACKENDS).unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "dx12 1\n");
    }
}
