//! The scan thread: decodes the newest camera frame it can take (never a backlog), and reports
//! each code once while it stays in view.
//!
//! A panic in a decoder must not end scanning for the rest of the day: each frame's decoding runs
//! under `catch_unwind` (the frame is skipped, the panic counted and logged without payload or
//! pixels), and should anything else in the loop panic, the thread starts the loop again.

use super::decode::{Decoded, decode_frame, luma};
use crate::camera::CameraHandle;
use image::GrayImage;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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

/// Decodes one camera frame; the second argument counts the frames decoded so far, so a decoder
/// can spread its harder tries over successive frames ([`decode_frame`] does).
pub type FrameDecoder = fn(&GrayImage, u64) -> Vec<Decoded>;

/// Pause before the loop is started again after a panic outside the decoder, so a fault that
/// repeats at once does not spin a core.
const RESTART_PAUSE: Duration = Duration::from_millis(200);

/// Runs decoding on its own thread while active. Dropping it stops the thread.
pub struct ScanWorker {
    active: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    events: Receiver<ScanEvent>,
    last_decode: Arc<Mutex<Option<Duration>>>,
    panics: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

/// What the scan thread shares with its [`ScanWorker`].
struct Shared {
    camera: CameraHandle,
    active: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    last_decode: Arc<Mutex<Option<Duration>>>,
    panics: Arc<AtomicU64>,
    tx: Sender<ScanEvent>,
    decode: FrameDecoder,
}

impl ScanWorker {
    /// Starts scanning the frames of `camera`, active from the start.
    pub fn start(camera: CameraHandle) -> ScanWorker {
        ScanWorker::start_with(camera, decode_frame)
    }

    /// [`ScanWorker::start`] with another frame decoder (tests give one that panics).
    pub fn start_with(camera: CameraHandle, decode: FrameDecoder) -> ScanWorker {
        let active = Arc::new(AtomicBool::new(true));
        let stop = Arc::new(AtomicBool::new(false));
        let last_decode = Arc::new(Mutex::new(None));
        let panics = Arc::new(AtomicU64::new(0));
        let (tx, events) = channel();
        let shared = Shared {
            camera,
            active: Arc::clone(&active),
            stop: Arc::clone(&stop),
            last_decode: Arc::clone(&last_decode),
            panics: Arc::clone(&panics),
            tx,
            decode,
        };
        let thread = std::thread::Builder::new()
            .name("qr-scan".into())
            .spawn(move || supervise(&shared))
            .ok();
        ScanWorker {
            active,
            stop,
            events,
            last_decode,
            panics,
            thread,
        }
    }

    /// How many panics the thread has survived (frames skipped or loop restarts).
    pub fn panics(&self) -> u64 {
        self.panics.load(Ordering::Relaxed)
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

/// Runs the scan loop, and runs it again should it panic, until it ends normally (stopped, the
/// camera gone, or nobody listening).
fn supervise(shared: &Shared) {
    while catch_unwind(AssertUnwindSafe(|| run(shared))).is_err() {
        shared.panics.fetch_add(1, Ordering::Relaxed);
        log::error!("the QR scan loop panicked; restarting it");
        std::thread::sleep(RESTART_PAUSE);
    }
}

fn run(shared: &Shared) {
    let Shared {
        camera,
        active,
        stop,
        last_decode,
        panics,
        tx,
        decode,
    } = shared;
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
        let grey = luma(&frame.image);
        let found = match catch_unwind(AssertUnwindSafe(|| decode(&grey, decoded))) {
            Ok(found) => found,
            Err(_) => {
                panics.fetch_add(1, Ordering::Relaxed);
                log::error!(
                    "QR decoding panicked on camera frame {} ({}x{}); frame skipped",
                    frame.seq,
                    grey.width(),
                    grey.height()
                );
                Vec::new()
            }
        };
        let now = Instant::now();
        *last_decode.lock().unwrap_or_else(|p| p.into_inner()) = Some(now - t);
        seen.retain(|(_, at)| now.duration_since(*at) < SAME_CODE_QUIET);
        for Decoded {
            payload, inverted, ..
        } in found
        {
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
