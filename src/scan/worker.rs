//! The scan thread: decodes the newest camera frame it can take (never a backlog), and reports
//! each code once while it stays in view.

use super::decode::{Decoded, decode_luma_with, luma};
use crate::camera::CameraHandle;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A code seen by the camera.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanEvent {
    pub payload: Vec<u8>,
    /// The frame it was found in.
    pub frame_seq: u64,
    pub inverted: bool,
}

/// A code that stays in view is reported again only after it has been out of view this long,
/// so one phone held up gives one event, and showing it again after a refusal gives another.
const SAME_CODE_QUIET: Duration = Duration::from_millis(1500);

/// Only every this many frames does the worker search the whole frame at full size (for codes too
/// small for the half-size search); it is the expensive step, and a frame without any code, the
/// common case, would pay it every time.
const FULL_SIZE_EVERY: u64 = 3;

/// Runs decoding on its own thread while active. Dropping it stops the thread.
pub struct ScanWorker {
    active: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    events: Receiver<ScanEvent>,
    last_decode: Arc<Mutex<Option<Duration>>>,
    thread: Option<JoinHandle<()>>,
}

impl ScanWorker {
    /// Starts scanning the frames of `camera`, active from the start.
    pub fn start(camera: CameraHandle) -> ScanWorker {
        let active = Arc::new(AtomicBool::new(true));
        let stop = Arc::new(AtomicBool::new(false));
        let last_decode = Arc::new(Mutex::new(None));
        let (tx, events) = channel();
        let (a, s, l) = (
            Arc::clone(&active),
            Arc::clone(&stop),
            Arc::clone(&last_decode),
        );
        let thread = std::thread::Builder::new()
            .name("qr-scan".into())
            .spawn(move || run(camera, a, s, l, tx))
            .ok();
        ScanWorker {
            active,
            stop,
            events,
            last_decode,
            thread,
        }
    }

    /// Scanning costs CPU the photo checks need: the GUI turns it on only on the scan step.
    pub fn set_active(&self, on: bool) {
        self.active.store(on, Ordering::Relaxed);
    }

    /// The next code seen, if any (never blocks).
    pub fn poll(&self) -> Option<ScanEvent> {
        self.events.try_recv().ok()
    }

    /// How long the last frame took to decode.
    pub fn last_decode_time(&self) -> Option<Duration> {
        *self.last_decode.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for ScanWorker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.thread.take() {
            let _ = h.join();
        }
    }
}

fn run(
    camera: CameraHandle,
    active: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    last_decode: Arc<Mutex<Option<Duration>>>,
    tx: Sender<ScanEvent>,
) {
    let mut last_seq = 0;
    let mut decoded: u64 = 0;
    // Codes in view and when they were last seen.
    let mut seen: Vec<(Vec<u8>, Instant)> = Vec::new();
    while !stop.load(Ordering::Relaxed) && !camera.stopped() {
        if !active.load(Ordering::Relaxed) {
            seen.clear();
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        // Short waits so `stop` is noticed promptly.
        let Some(frame) = camera.wait_newer(last_seq, Duration::from_millis(100)) else {
            continue;
        };
        last_seq = frame.seq;
        let t = Instant::now();
        // Counted over decoded frames, not sequence numbers: the worker skips frames.
        decoded += 1;
        let full_fallback = decoded.is_multiple_of(FULL_SIZE_EVERY);
        let found = decode_luma_with(&luma(&frame.image), full_fallback);
        let now = Instant::now();
        *last_decode.lock().unwrap_or_else(|p| p.into_inner()) = Some(now - t);
        seen.retain(|(_, at)| now.duration_since(*at) < SAME_CODE_QUIET);
        for Decoded { payload, inverted } in found {
            if let Some(entry) = seen.iter_mut().find(|(p, _)| *p == payload) {
                entry.1 = now;
                continue;
            }
            seen.push((payload.clone(), now));
            let event = ScanEvent {
                payload,
                frame_seq: frame.seq,
                inverted,
            };
            if tx.send(event).is_err() {
                return;
            }
        }
    }
}
