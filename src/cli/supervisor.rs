//! The kiosk window runs in a child process of `tucai`, watched by this one (issue 22).
//!
//! A native abort inside a graphics driver, Mesa or a C++ library ("corrupted double-linked
//! list", seen once in nine walks of the real window and never reproduced since) cannot be
//! caught inside the process that suffers it. A station that simply vanished would leave a
//! queue of students in front of a desktop. So the parent, which loads nothing but the command
//! line, starts the window as a child and:
//! - a child that drew its first frames and then died (a signal, an abort, any non-zero exit:
//!   the window's only way out is the teacher's PIN, which exits 0) is started again, and the
//!   student at the station continues where they were (`tucai::flow` keeps that in the store);
//!   at most [`RESTARTS`] times in [`RESTART_WINDOW`], then the parent gives up and says so,
//!   rather than flicker forever;
//! - a child that died before drawing anything: on Windows the next graphics backend is tried
//!   (`gpu.rs`); with one backend its own error message stands and its exit code is returned;
//! - the parent dying (killed, its console closed) ends the child too: the child reads its
//!   stdin, a pipe from the parent, and leaves when it closes.
//!
//! `TUCAI_SUPERVISOR=off` runs the window in this process (for a debugger or valgrind).

use anyhow::{Result, bail};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Set in the child's environment: the child announces its first frames on stdout.
pub const CHILD_VAR: &str = "TUCAI_GPU_CHILD";
/// The line the child prints once frames have been drawn.
pub const READY_LINE: &str = "tucai: window drawn";
/// Frames the window must have drawn before it counts as working.
pub const READY_FRAMES: u64 = 3;
/// Restarts allowed within [`RESTART_WINDOW`].
pub const RESTARTS: usize = 3;
pub const RESTART_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Whether this process is the window child.
pub fn in_child() -> bool {
    std::env::var_os(CHILD_VAR).is_some()
}

/// Whether the window should run in a supervised child at all.
pub fn wanted() -> bool {
    !in_child() && std::env::var("TUCAI_SUPERVISOR").map_or(true, |v| v != "off")
}

/// What to do after a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The window ended as it should.
    Exit,
    /// It never drew: try the next graphics backend, if there is one.
    NextBackend,
    /// It drew, then crashed: start it again with the same backend.
    Restart,
    /// It keeps crashing: stop and say so.
    GiveUp,
}

/// The rule above as a pure function: `recent` are the restarts within [`RESTART_WINDOW`].
pub fn decide(drawn: bool, success: bool, recent: usize) -> Decision {
    match (drawn, success) {
        (_, true) => Decision::Exit,
        (false, false) => Decision::NextBackend,
        (true, false) if recent >= RESTARTS => Decision::GiveUp,
        (true, false) => Decision::Restart,
    }
}

/// Runs the window in children made by `child` (one per start, given the graphics backend to
/// use, `None` for the default) over `backends` in order, by the rules of the module doc.
pub fn supervise(
    backends: &[Option<&'static str>],
    mut child: impl FnMut(Option<&str>) -> Command,
) -> Result<ExitCode> {
    let mut failures = Vec::new();
    let mut restarts: VecDeque<Instant> = VecDeque::new();
    let mut i = 0;
    while let Some(&backend) = backends.get(i) {
        let (drawn, status) = run_child(child(backend))?;
        let now = Instant::now();
        while restarts
            .front()
            .is_some_and(|t| now.duration_since(*t) > RESTART_WINDOW)
        {
            restarts.pop_front();
        }
        match decide(drawn, status.success(), restarts.len()) {
            Decision::Exit => return Ok(ExitCode::SUCCESS),
            Decision::NextBackend => {
                let name = backend.unwrap_or("default");
                if backends.len() > 1 {
                    log::warn!(
                        "window: {name} failed ({status}); trying the next graphics backend"
                    );
                }
                failures.push(format!("{name}: {status}"));
                if backends.len() == 1 {
                    // The child said why (no display, a broken config); its code stands.
                    return Ok(exit_code(status.code()));
                }
                i += 1;
            }
            Decision::Restart => {
                restarts.push_back(now);
                log::error!(
                    "window: crashed after drawing ({status}); starting it again, the student at the station continues ({} of {RESTARTS} restarts in {} minutes)",
                    restarts.len(),
                    RESTART_WINDOW.as_secs() / 60
                );
                std::thread::sleep(Duration::from_millis(500));
            }
            Decision::GiveUp => bail!(
                "the window crashed {} times in {} minutes ({status}); nothing was lost, but call IT: start tucai again or check the graphics driver and the log",
                RESTARTS + 1,
                RESTART_WINDOW.as_secs() / 60
            ),
        }
    }
    bail!(
        "no graphics backend could draw the window ({}); update the graphics driver",
        failures.join(", ")
    )
}

/// Starts one child, forwards its output, and waits: whether it drew, and how it ended.
fn run_child(mut cmd: Command) -> Result<(bool, ExitStatus)> {
    let mut child = cmd
        .env(CHILD_VAR, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    // Held until the child ended: when this process dies, the pipe closes and the child leaves.
    let _lifeline = child.stdin.take();
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
    // Whatever the window prints later still reaches our stdout.
    let forward = std::thread::spawn(move || {
        let mut stdout = std::io::stdout();
        for line in lines.map_while(|l| l.ok()) {
            let _ = writeln!(stdout, "{line}");
        }
    });
    let status = child.wait()?;
    let _ = forward.join();
    Ok((drawn, status))
}

/// In the child: leave when the parent is gone (its end of our stdin closed).
pub fn follow_parent() {
    let spawned = std::thread::Builder::new()
        .name("parent-watch".into())
        .spawn(|| {
            let mut stdin = std::io::stdin();
            let mut buf = [0u8; 64];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            log::warn!("window: the supervising process is gone; closing");
            std::process::exit(3);
        });
    if let Err(e) = spawned {
        log::warn!("window: cannot watch the supervising process: {e}");
    }
}

/// For [`tucai::ui::Launch::on_drawn`] in the child: tells the parent the window works.
pub fn announce_drawn() {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{READY_LINE}");
    let _ = out.flush();
}

/// The exit code for a child's status: a crash (no code, or one beyond a byte) is an error.
pub fn exit_code(code: Option<i32>) -> ExitCode {
    match code {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(2)),
        None => ExitCode::from(2),
    }
}

/// The parent's own command line, for the children.
pub fn own_args() -> Vec<OsString> {
    std::env::args_os().skip(1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_after_drawing_restarts_and_a_clean_exit_ends() {
        assert_eq!(decide(true, true, 0), Decision::Exit);
        assert_eq!(decide(true, false, 0), Decision::Restart);
        assert_eq!(decide(true, false, RESTARTS - 1), Decision::Restart);
        assert_eq!(decide(true, false, RESTARTS), Decision::GiveUp);
        assert_eq!(decide(false, false, 0), Decision::NextBackend);
        // Closed before drawing but cleanly (the PIN screen closes nothing that fast): it ran.
        assert_eq!(decide(false, true, 0), Decision::Exit);
    }

    #[test]
    fn a_child_killed_by_a_crash_is_an_error_exit() {
        assert_eq!(exit_code(None), ExitCode::from(2));
        assert_eq!(exit_code(Some(0)), ExitCode::SUCCESS);
        assert_eq!(exit_code(Some(1)), ExitCode::from(1));
        // A Windows crash code (0xC0000409) does not fit a u8: still an error, not success.
        assert_eq!(exit_code(Some(-1073740791)), ExitCode::from(2));
    }

    /// Real processes: a child that draws and then aborts is started again; the second one
    /// exits cleanly and so does the supervisor.
    #[cfg(unix)]
    #[test]
    fn a_real_child_that_aborts_after_drawing_is_started_again() {
        let dir = tempfile::tempdir().unwrap();
        let starts = dir.path().join("starts");
        let script = format!(
            "echo x >> '{p}'; echo '{READY_LINE}'; if [ $(wc -l < '{p}') -lt 2 ]; then kill -ABRT $$; fi; exit 0",
            p = starts.display()
        );
        let code = supervise(&[None], |_| {
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        })
        .expect("supervised");
        assert_eq!(code, ExitCode::SUCCESS);
        let n = std::fs::read_to_string(&starts).unwrap().lines().count();
        assert_eq!(n, 2, "started once more after the abort");
    }

    #[cfg(unix)]
    #[test]
    fn a_child_that_keeps_crashing_is_given_up_and_one_that_never_draws_keeps_its_code() {
        let crashing = format!("echo '{READY_LINE}'; kill -SEGV $$");
        let err = supervise(&[None], |_| {
            let mut c = Command::new("sh");
            c.args(["-c", &crashing]);
            c
        })
        .expect_err("given up");
        assert!(err.to_string().contains("crashed 4 times"), "{err}");

        let code = supervise(&[None], |_| {
            let mut c = Command::new("sh");
            c.args(["-c", "echo 'cannot open the window' >&2; exit 2"]);
            c
        })
        .expect("its own code");
        assert_eq!(code, ExitCode::from(2));
    }

    #[cfg(unix)]
    #[test]
    fn backends_are_tried_in_order_until_one_draws() {
        let tried = std::sync::Mutex::new(Vec::new());
        let code = supervise(&[Some("dx12"), Some("vulkan"), Some("gl")], |b| {
            let b = b.unwrap_or("none").to_string();
            tried.lock().unwrap().push(b.clone());
            let script = if b == "vulkan" {
                format!("echo '{READY_LINE}'; exit 0")
            } else {
                "exit 1".to_string()
            };
            let mut c = Command::new("sh");
            c.args(["-c", &script]);
            c
        })
        .expect("vulkan drew");
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(*tried.lock().unwrap(), vec!["dx12", "vulkan"]);
    }

    #[cfg(unix)]
    #[test]
    fn when_no_backend_draws_the_error_names_each_and_the_driver() {
        let err = supervise(&[Some("dx12"), Some("vulkan"), Some("gl")], |_| {
            let mut c = Command::new("sh");
            c.args(["-c", "exit 2"]);
            c
        })
        .expect_err("none drew")
        .to_string();
        for backend in ["dx12", "vulkan", "gl"] {
            assert!(err.contains(&format!("{backend}: ")), "{err}");
        }
        assert!(err.contains("update the graphics driver"), "{err}");
    }
}
