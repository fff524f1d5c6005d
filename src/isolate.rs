//! Panic isolation for the station's workers: a panic in a dependency (a decoder's assertion on
//! a strange frame) or in our own image code must cost one frame, one attempt or one file, never
//! the worker thread and with it a frozen screen.
//!
//! Owns: [`catch`] (run a closure, turn its panic into [`Panicked`] and a log line) and the
//! process's panic hook ([`install_panic_hook`]). The log lines carry the panic's own words only
//! after [`scrub`] masks digit runs (a student number, an ID or phone number that found its way
//! into a message) and cuts them short; the workers never put names into panic messages.
//! Must not touch: egui, the store.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// A panic caught by [`catch`]: where it happened (the worker's name) and its scrubbed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    pub worker: &'static str,
    pub message: String,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error in the {}: {}", self.worker, self.message)
    }
}

/// Runs `f`; a panic inside it is logged (scrubbed) and returned as [`Panicked`] instead of
/// unwinding further. The closure's captured state may be half-updated after a panic, which is
/// why it is `AssertUnwindSafe`d here and why callers start the next frame or attempt afresh
/// rather than reuse what the closure was building.
pub fn catch<T>(worker: &'static str, f: impl FnOnce() -> T) -> Result<T, Panicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let raw = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        let p = Panicked {
            worker,
            message: scrub(&raw),
        };
        log::error!("{p}; the {worker} goes on");
        p
    })
}

/// The panic message for a log: runs of 5 or more digits become `#…` (never a student, ID or
/// phone number in a log), control characters become spaces, at most 300 characters.
pub fn scrub(message: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.chars().count() >= 5 {
            out.push_str("#…");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in message.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        flush(&mut digits, &mut out);
        out.push(if c.is_control() { ' ' } else { c });
    }
    flush(&mut digits, &mut out);
    if out.chars().count() > 300 {
        out = out.chars().take(300).collect::<String>() + "…";
    }
    out
}

/// Replaces the default panic message (which prints the raw payload) with a scrubbed log line
/// naming the thread and the source location. Called once by the binary at start.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let raw = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let thread = std::thread::current();
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let line = format!(
            "panic in thread `{}` at {at}: {}",
            thread.name().unwrap_or("unnamed"),
            scrub(&raw)
        );
        if log::log_enabled!(log::Level::Error) {
            log::error!("{line}");
        } else {
            eprintln!("tucai: {line}");
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_the_caller_goes_on() {
        let r: Result<u32, _> = catch("test worker", || panic!("assertion failed: x <= i32::MAX"));
        let p = r.unwrap_err();
        assert_eq!(p.worker, "test worker");
        assert_eq!(p.message, "assertion failed: x <= i32::MAX");
        assert_eq!(catch("test worker", || 7).unwrap(), 7);
        let owned: Result<(), _> = catch("w", || panic!("{} frames", 3));
        assert_eq!(owned.unwrap_err().message, "3 frames");
    }

    #[test]
    fn scrub_masks_long_digit_runs_and_control_characters() {
        assert_eq!(
            scrub("student 202200001 id 32100220040101001X at 1234\nnext"),
            "student #… id #…X at 1234 next"
        );
        assert_eq!(scrub(&"a".repeat(400)).chars().count(), 301);
    }
}
