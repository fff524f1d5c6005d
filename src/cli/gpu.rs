//! The kiosk window's graphics backend on Windows: DirectX 12, else Vulkan, else OpenGL. wgpu
//! picks one adapter and a driver that crashes while the first frames are drawn (DirectX 12 under
//! Wine's vkd3d ends the process with an assertion; an old Intel driver may do the same) cannot be
//! caught inside the process. The window runs in a supervised child process anyway
//! (`supervisor.rs`), so on Windows one child per backend is tried, in order, and the first
//! that shows frames stays; one that dies before them is reported to the log and the next is
//! tried.
//!
//! Elsewhere, and when `WGPU_BACKEND` names a backend, one child with the default backend.

use super::supervisor;
use anyhow::Result;
use std::process::{Command, ExitCode};

/// The order tried: what Windows offers natively first, OpenGL (always there, slowest) last.
pub const BACKENDS: [&str; 3] = ["dx12", "vulkan", "gl"];

/// The backends to try here: `None` is wgpu's own choice (or `WGPU_BACKEND`'s).
pub fn backends(windows: bool, named: bool) -> Vec<Option<&'static str>> {
    if windows && !named {
        BACKENDS.iter().map(|b| Some(*b)).collect()
    } else {
        vec![None]
    }
}

/// Runs the window in supervised child processes; `None` when this process should run the
/// window itself (it is the child, or `TUCAI_SUPERVISOR=off`).
pub fn supervise() -> Result<Option<ExitCode>> {
    if !supervisor::wanted() {
        return Ok(None);
    }
    let exe = std::env::current_exe()?;
    let args = supervisor::own_args();
    let backends = backends(cfg!(windows), std::env::var_os("WGPU_BACKEND").is_some());
    supervisor::supervise(&backends, |backend| {
        let mut child = Command::new(&exe);
        child.args(&args);
        if let Some(b) = backend {
            child.env("WGPU_BACKEND", b);
        }
        child
    })
    .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_backends_come_before_opengl_on_windows_only() {
        assert_eq!(BACKENDS.first(), Some(&"dx12"));
        assert_eq!(BACKENDS.last(), Some(&"gl"));
        assert_eq!(
            backends(true, false),
            vec![Some("dx12"), Some("vulkan"), Some("gl")]
        );
        assert_eq!(backends(true, true), vec![None]);
        assert_eq!(backends(false, false), vec![None]);
    }
}
