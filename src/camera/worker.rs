//! The camera thread: runs a source, keeps only the latest frame (a slot, not a queue, so the
//! preview never lags behind), and a watchdog that reopens a stalled or unplugged camera.
//!
//! Two threads: the capture thread blocks in `next_frame`; the supervisor watches the age of the
//! last frame. A capture thread stuck in a driver call cannot be interrupted, so on a stall the
//! supervisor abandons it (its later frames are ignored by generation number) and starts a fresh
//! source from the factory after a backoff.

use super::{CameraError, Frame, FrameSource, SourceInfo};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Makes a fresh source for each (re)connection attempt. It runs on the capture thread, because
/// some camera handles (nokhwa's) cannot move between threads.
pub type SourceFactory = Arc<dyn Fn() -> Box<dyn FrameSource> + Send + Sync>;

/// What the preview should say about the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraStatus {
    /// Opening, no frame yet.
    Starting,
    /// Frames are arriving.
    Live,
    /// Frames stopped (stall or unplug) at `since`; the worker is reconnecting.
    Disconnected { since: Instant },
    /// No camera is plugged in; the worker keeps looking.
    NoCamera,
}

struct Shared {
    latest: Option<Frame>,
    status: CameraStatus,
    last_frame_at: Option<Instant>,
    info: Option<SourceInfo>,
    /// The capture thread allowed to publish; older ones were abandoned.
    generation: u64,
    /// Set by a capture thread of the current generation when its stream ended.
    ended: Option<CameraError>,
    next_seq: u64,
}

struct Inner {
    state: Mutex<Shared>,
    new_frame: Condvar,
    stop: AtomicBool,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A panic in another holder leaves plain data behind; keep going with it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs a camera on its own threads. Dropping it stops them (an abandoned capture thread stuck in a
/// driver call exits when that call returns). Derefs to [`CameraHandle`] for reading frames.
pub struct CameraWorker {
    handle: CameraHandle,
    supervisor: Option<JoinHandle<()>>,
}

/// A cheap, cloneable reader of the worker's latest frame and status, for other threads (the
/// scan worker, the shoot step).
#[derive(Clone)]
pub struct CameraHandle {
    inner: Arc<Inner>,
}

impl std::ops::Deref for CameraWorker {
    type Target = CameraHandle;
    fn deref(&self) -> &CameraHandle {
        &self.handle
    }
}

impl std::fmt::Debug for CameraWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CameraWorker")
            .field("status", &self.status())
            .finish()
    }
}

/// Backoff between reconnection attempts: doubles from the first to the last value.
const BACKOFF_FIRST: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(3);
/// Time an attempt has to deliver its first frame.
const FIRST_FRAME_GRACE: Duration = Duration::from_secs(5);

impl CameraWorker {
    /// Starts the camera; `stall_timeout` is `[camera] stall_timeout_ms`.
    pub fn start(factory: SourceFactory, stall_timeout: Duration) -> CameraWorker {
        let inner = Arc::new(Inner {
            state: Mutex::new(Shared {
                latest: None,
                status: CameraStatus::Starting,
                last_frame_at: None,
                info: None,
                generation: 0,
                ended: None,
                next_seq: 1,
            }),
            new_frame: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let sup_inner = Arc::clone(&inner);
        let supervisor = std::thread::Builder::new()
            .name("camera-watchdog".into())
            .spawn(move || supervise(sup_inner, factory, stall_timeout))
            .ok();
        CameraWorker {
            handle: CameraHandle { inner },
            supervisor,
        }
    }

    /// A reader for another thread.
    pub fn handle(&self) -> CameraHandle {
        self.handle.clone()
    }

    /// Stops the threads (also done on drop).
    pub fn stop(&mut self) {
        self.handle.inner.stop.store(true, Ordering::Relaxed);
        self.handle.inner.new_frame.notify_all();
        if let Some(h) = self.supervisor.take() {
            let _ = h.join();
        }
    }
}

impl CameraHandle {
    /// The newest frame, if any arrived yet. Cheap: the pixels are shared.
    pub fn latest(&self) -> Option<Frame> {
        self.inner.lock().latest.clone()
    }

    pub fn status(&self) -> CameraStatus {
        self.inner.lock().status
    }

    /// Size and format of the open camera.
    pub fn info(&self) -> Option<SourceInfo> {
        self.inner.lock().info.clone()
    }

    /// Waits up to `timeout` for a frame newer than `after_seq` (0: any frame).
    pub fn wait_newer(&self, after_seq: u64, timeout: Duration) -> Option<Frame> {
        let deadline = Instant::now() + timeout;
        let mut s = self.inner.lock();
        loop {
            if let Some(f) = &s.latest
                && f.seq > after_seq
            {
                return Some(f.clone());
            }
            let now = Instant::now();
            if now >= deadline || self.inner.stop.load(Ordering::Relaxed) {
                return None;
            }
            s = match self.inner.new_frame.wait_timeout(s, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }

    /// Whether the worker was stopped.
    pub fn stopped(&self) -> bool {
        self.inner.stop.load(Ordering::Relaxed)
    }
}

impl Drop for CameraWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn supervise(inner: Arc<Inner>, factory: SourceFactory, stall_timeout: Duration) {
    let tick = (stall_timeout / 8).clamp(Duration::from_millis(5), Duration::from_millis(100));
    let mut backoff = BACKOFF_FIRST;
    while !inner.stop.load(Ordering::Relaxed) {
        let generation = {
            let mut s = inner.lock();
            s.generation += 1;
            s.ended = None;
            s.last_frame_at = None;
            s.generation
        };
        let started = Instant::now();
        let cap_inner = Arc::clone(&inner);
        let cap_factory = Arc::clone(&factory);
        let spawned = std::thread::Builder::new()
            .name("camera-capture".into())
            .spawn(move || {
                // A panic in the driver binding or the frame decoding ends this attempt like an
                // error would, at once: before, the thread died silently and the station waited
                // out the stall bound on a frozen picture.
                let run = crate::isolate::catch("camera thread", || {
                    capture(Arc::clone(&cap_inner), cap_factory(), generation)
                });
                if let Err(p) = run {
                    let mut s = cap_inner.lock();
                    if s.generation == generation {
                        s.ended = Some(CameraError::Disconnected(p.to_string()));
                    }
                }
            });
        let capture_thread = spawned.ok();
        // Watch this attempt until it ends, stalls, or we are told to stop.
        let outcome = loop {
            if inner.stop.load(Ordering::Relaxed) {
                break None;
            }
            std::thread::sleep(tick);
            let mut s = inner.lock();
            if let Some(err) = s.ended.take() {
                break Some(err);
            }
            // An open that never delivers counts as a stall too, from when the attempt started,
            // with more time: opening a USB camera and negotiating its mode takes a second or two.
            let (last, limit) = match s.last_frame_at {
                Some(t) => (t, stall_timeout),
                None => (started, stall_timeout.max(FIRST_FRAME_GRACE)),
            };
            if last.elapsed() >= limit {
                break Some(CameraError::Disconnected(format!(
                    "no picture for {} ms",
                    stall_timeout.as_millis()
                )));
            }
            if s.last_frame_at.is_some() {
                // Frames flow: the next failure starts its backoff from the beginning.
                backoff = BACKOFF_FIRST;
            }
        };
        {
            // Abandon this capture thread: whatever it publishes later is ignored.
            let mut s = inner.lock();
            s.generation += 1;
            if let Some(err) = &outcome {
                let was_live = s.latest.is_some();
                let before = s.status;
                s.status = match (err, s.status) {
                    (_, CameraStatus::Disconnected { since }) => {
                        CameraStatus::Disconnected { since }
                    }
                    (CameraError::NotFound | CameraError::NoSuchDevice(_), _) if !was_live => {
                        CameraStatus::NoCamera
                    }
                    _ => CameraStatus::Disconnected {
                        since: Instant::now(),
                    },
                };
                // Once per change of state, not every retry of an unplugged camera.
                let level = if std::mem::discriminant(&before) == std::mem::discriminant(&s.status)
                {
                    log::Level::Debug
                } else {
                    log::Level::Warn
                };
                log::log!(
                    level,
                    "camera: {err}; retrying in {} ms",
                    backoff.as_millis()
                );
            }
        }
        if outcome.is_none() {
            if let Some(h) = capture_thread {
                // The capture thread sees `stop` after its current frame; a source stuck in the
                // driver is left to exit on its own rather than hanging shutdown.
                if h.is_finished() {
                    let _ = h.join();
                }
            }
            break;
        }
        let until = Instant::now() + backoff;
        while Instant::now() < until && !inner.stop.load(Ordering::Relaxed) {
            std::thread::sleep(tick.min(until.saturating_duration_since(Instant::now())));
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

fn capture(inner: Arc<Inner>, mut source: Box<dyn FrameSource>, generation: u64) {
    let current = |inner: &Inner| inner.lock().generation == generation;
    let info = match source.open() {
        Ok(info) => info,
        Err(e) => {
            let mut s = inner.lock();
            if s.generation == generation {
                s.ended = Some(e);
            }
            return;
        }
    };
    {
        let mut s = inner.lock();
        if s.generation == generation {
            s.info = Some(info);
        }
    }
    loop {
        if inner.stop.load(Ordering::Relaxed) || !current(&inner) {
            break;
        }
        match source.next_frame() {
            Ok(image) => {
                let mut s = inner.lock();
                if s.generation != generation {
                    break;
                }
                let now = Instant::now();
                let seq = s.next_seq;
                s.next_seq += 1;
                s.latest = Some(Frame {
                    image: Arc::new(image),
                    seq,
                    captured: now,
                });
                s.last_frame_at = Some(now);
                s.status = CameraStatus::Live;
                drop(s);
                inner.new_frame.notify_all();
            }
            Err(e) => {
                let mut s = inner.lock();
                if s.generation == generation {
                    s.ended = Some(e);
                }
                break;
            }
        }
    }
    source.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;
    use std::sync::atomic::AtomicU32;

    /// The first source panics on its third frame; later sources deliver grey frames.
    struct Panicky {
        instance: u32,
        frames: u32,
    }

    impl FrameSource for Panicky {
        fn open(&mut self) -> Result<SourceInfo, CameraError> {
            Ok(SourceInfo {
                name: "panicky".into(),
                width: 4,
                height: 4,
                format: "RGB".into(),
            })
        }
        fn next_frame(&mut self) -> Result<RgbImage, CameraError> {
            std::thread::sleep(Duration::from_millis(5));
            self.frames += 1;
            if self.instance == 1 && self.frames == 3 {
                panic!("decoder assertion failed");
            }
            Ok(RgbImage::from_pixel(
                4,
                4,
                image::Rgb([self.instance as u8; 3]),
            ))
        }
        fn close(&mut self) {}
    }

    #[test]
    fn a_panic_in_the_camera_thread_reconnects_at_once_instead_of_waiting_out_the_stall() {
        let made = Arc::new(AtomicU32::new(0));
        let m = made.clone();
        let factory: SourceFactory = Arc::new(move || {
            let instance = m.fetch_add(1, Ordering::SeqCst) + 1;
            Box::new(Panicky {
                instance,
                frames: 0,
            }) as Box<dyn FrameSource>
        });
        // A stall bound far longer than the wait below: only the caught panic can bring the
        // second source in time (before, the dead thread was noticed after 60 s).
        let worker = CameraWorker::start(factory, Duration::from_secs(60));
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seq = 0;
        loop {
            let now = Instant::now();
            assert!(
                now < deadline,
                "no frame from a fresh source after the panic"
            );
            if let Some(f) = worker.wait_newer(seq, deadline - now) {
                seq = f.seq;
                if f.image.get_pixel(0, 0).0[0] == 2 {
                    break;
                }
            }
        }
        assert_eq!(worker.status(), CameraStatus::Live);
        assert!(made.load(Ordering::SeqCst) >= 2);
    }
}
