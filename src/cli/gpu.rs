//! Starting a window (the kiosk's, or the office's with `tucai office`) in supervised child
//! processes (`supervisor.rs`), and the graphics backend each child uses.
//!
//! On Windows: DirectX 12, else Vulkan, else OpenGL. wgpu picks one adapter, and a driver that
//! crashes while the first frames are drawn (DirectX 12 under Wine's vkd3d ends the process with
//! an assertion; an old Intel driver may do the same) cannot be caught inside the process; so
//! one child per backend is tried, in order, and the first that shows frames stays. Elsewhere,
//! and when `WGPU_BACKEND` names a backend, one child with the default backend.

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

/// Whether this process hands the window to supervised children ([`supervise`]): unless it is
/// the child itself or `TUCAI_SUPERVISOR=off`.
pub fn supervises() -> bool {
    supervisor::wanted()
}

/// For the window's launch options, in the child: announce the first frames to the parent
/// ([`supervisor::READY_FRAMES`]). Also starts the child's watch on its parent, so the window
/// closes when the supervising process is gone.
pub fn on_drawn() -> Option<(u64, fn())> {
    if !supervisor::in_child() {
        return None;
    }
    supervisor::follow_parent();
    Some((supervisor::READY_FRAMES, supervisor::announce_drawn as fn()))
}

/// Runs the window (this process's own command line) in supervised child processes, one
/// backend after another. Call it when [`supervises`].
pub fn supervise() -> Result<ExitCode> {
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
