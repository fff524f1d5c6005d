//! The shoot step's burst: N distinct frames about `interval` apart, for the liveness check.

use super::{CameraError, CameraHandle, Frame};
use std::time::{Duration, Instant};

/// Takes `count` distinct frames (`[flow] burst_frames`) about `interval` apart
/// (`[flow] burst_interval_ms`). Waits at most `stall_timeout` for each; a camera that stops
/// delivering fails the burst rather than repeating a stale frame (a repeated frame would look
/// like a photo to the liveness check).
pub fn burst(
    camera: &CameraHandle,
    count: u32,
    interval: Duration,
    stall_timeout: Duration,
) -> Result<Vec<Frame>, CameraError> {
    let mut frames: Vec<Frame> = Vec::with_capacity(count as usize);
    let mut last_seq = 0;
    let mut next_at = Instant::now();
    for _ in 0..count {
        let now = Instant::now();
        if next_at > now {
            std::thread::sleep(next_at - now);
        }
        let frame = camera.wait_newer(last_seq, stall_timeout).ok_or_else(|| {
            CameraError::Disconnected(format!(
                "burst stopped after {} of {count} frames",
                frames.len()
            ))
        })?;
        last_seq = frame.seq;
        next_at = frame.captured + interval;
        frames.push(frame);
    }
    Ok(frames)
}
