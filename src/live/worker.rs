//! The live check's thread: judges the newest frame the framing screen offers, as often as the
//! interval allows and never more than one at a time, so the window never waits on it.

use crate::check::CheckResult;
use image::RgbImage;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One judged frame.
#[derive(Debug, Clone)]
pub struct LiveResult {
    /// Counts up from 1 for the life of the worker: the screen takes each result once.
    pub seq: u64,
    /// The live checks ([`super::live_results`]), in live order.
    pub checks: Vec<CheckResult>,
    /// Wall time of the check on its thread, for the log and the bench.
    pub cost: Duration,
    pub at: Instant,
}

/// A result older than this is not shown: the student has moved since (or the camera stopped).
const STALE: Duration = Duration::from_millis(1500);

type Latest = Arc<Mutex<Option<Arc<LiveResult>>>>;

/// Runs a measurement on its own thread over frames offered with [`LiveWorker::offer`], which
/// never blocks: a frame is dropped while one is being judged or when the last was sent less than
/// `interval` ago. The models load on the thread (the window does not wait for them) once per
/// worker; the worker lives as long as the app. [`LiveWorker::hold`] (the shutter pressed,
/// framing left) tells the picture being judged to skip what it can and shows no result of it.
pub struct LiveWorker {
    tx: SyncSender<Arc<RgbImage>>,
    busy: Arc<AtomicBool>,
    /// Down from [`LiveWorker::hold`] until the next offer.
    judging: Arc<AtomicBool>,
    latest: Latest,
    last_sent: Option<Instant>,
    interval: Duration,
}

impl LiveWorker {
    /// The station's live check with these thresholds.
    pub fn start(
        checks: crate::config::ChecksConfig,
        photo: crate::config::PhotoConfig,
        interval: Duration,
    ) -> LiveWorker {
        LiveWorker::start_with(interval, move |judging| {
            match super::LiveChecker::new(&checks, &photo) {
                Ok(checker) => {
                    let checker = checker.with_model_gate(judging);
                    let mut memo = crate::check::Memo::default();
                    Some(move |img: &RgbImage| {
                        match checker.check_with_memo(img, &mut memo, Instant::now()) {
                            Ok(report) => Some(super::live_results(&report)),
                            Err(e) => {
                                log::warn!("live check: {e}");
                                None
                            }
                        }
                    })
                }
                Err(e) => {
                    // No live list then; the overlay and the written guide still show, and the
                    // full check still judges the shot.
                    log::warn!("live check off: {e}");
                    None
                }
            }
        })
    }

    /// The worker around any measurement: `make` runs on the thread (loading the models), is
    /// handed the flag [`LiveWorker::hold`] lowers, and returns the per-frame measure. A panic
    /// while measuring a frame is caught: that frame gives no result, the next one is measured
    /// (the thread does not die with `busy` set).
    pub fn start_with<M>(
        interval: Duration,
        make: impl FnOnce(Arc<AtomicBool>) -> Option<M> + Send + 'static,
    ) -> LiveWorker
    where
        M: FnMut(&RgbImage) -> Option<Vec<CheckResult>>,
    {
        let (tx, rx) = sync_channel::<Arc<RgbImage>>(1);
        let busy = Arc::new(AtomicBool::new(false));
        let judging = Arc::new(AtomicBool::new(true));
        let latest: Latest = Arc::new(Mutex::new(None));
        let (busy2, latest2, judging2) = (busy.clone(), latest.clone(), judging.clone());
        // Named, so a profile or `top -H` shows what the live check costs.
        let spawned = std::thread::Builder::new()
            .name("live-check".into())
            .spawn(move || {
                let made = crate::isolate::catch("live check", || make(judging2.clone()));
                let Some(mut measure) = made.ok().flatten() else {
                    return;
                };
                let mut seq = 0;
                // Ends when the worker (the sender) is dropped.
                while let Ok(img) = rx.recv() {
                    let started = Instant::now();
                    let checks = crate::isolate::catch("live check", || measure(&img))
                        .ok()
                        .flatten();
                    // A picture judged across a hold (the shot being taken) is not shown: it may
                    // have skipped a step, and the student is no longer framing.
                    let held = !judging2.load(Ordering::Acquire);
                    if let Some(checks) = checks.filter(|_| !held) {
                        seq += 1;
                        let result = LiveResult {
                            seq,
                            checks,
                            cost: started.elapsed(),
                            at: Instant::now(),
                        };
                        *latest2.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(result));
                    }
                    busy2.store(false, Ordering::Release);
                }
            });
        if let Err(e) = spawned {
            // No thread, no live list: offers find the channel closed and do nothing.
            log::warn!("live check off: cannot start its thread: {e}");
        }
        LiveWorker {
            tx,
            busy,
            judging,
            latest,
            last_sent: None,
            interval,
        }
    }

    /// Offers the newest frame; judged only if the worker is idle and due.
    pub fn offer(&mut self, img: &Arc<RgbImage>) {
        let now = Instant::now();
        if self.last_sent.is_some_and(|t| now - t < self.interval)
            || self.busy.load(Ordering::Acquire)
        {
            return;
        }
        self.busy.store(true, Ordering::Release);
        self.judging.store(true, Ordering::Release);
        match self.tx.try_send(img.clone()) {
            Ok(()) => self.last_sent = Some(now),
            // Full cannot happen while not busy; a gone thread (no models) means no live list.
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.busy.store(false, Ordering::Release);
            }
        }
    }

    /// The newest result, unless it is stale.
    pub fn latest(&self) -> Option<Arc<LiveResult>> {
        let latest = self
            .latest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        latest.filter(|r| r.at.elapsed() < STALE)
    }

    /// The shutter is pressed or framing is left: the picture being judged skips the steps that
    /// look at the flag (the hair model) and gives no result; the next offer lifts the hold.
    pub fn hold(&self) {
        self.judging.store(false, Ordering::Release);
    }

    /// Forgets the last result (a new student, or framing shown again).
    pub fn clear(&self) {
        *self.latest.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passed() -> Vec<CheckResult> {
        super::super::live_results(&crate::lab::all_passed())
    }

    #[test]
    fn a_panic_while_measuring_costs_one_frame_and_the_results_go_on() {
        let mut calls = 0;
        let mut worker = LiveWorker::start_with(Duration::ZERO, move |_| {
            Some(move |_: &RgbImage| {
                calls += 1;
                if calls == 1 {
                    panic!("index out of bounds: the len is 3 but the index is 7");
                }
                Some(passed())
            })
        });
        let frame = Arc::new(RgbImage::new(8, 8));
        // Generous bound for a loaded machine; a measurement here takes microseconds.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut offers = 0;
        while worker.latest().is_none() {
            assert!(
                Instant::now() < deadline,
                "no result after the panic ({offers} frames offered): the worker died"
            );
            worker.offer(&frame);
            offers += 1;
            std::thread::sleep(Duration::from_millis(2));
        }
        let first = worker.latest().unwrap();
        assert_eq!(first.seq, 1, "the panicking frame got no number");
        assert_eq!(first.checks, passed());
        worker.clear();
        assert!(worker.latest().is_none());
    }

    /// The shutter pressed while a picture is judged: the measure sees the flag down, its result
    /// is not shown, and the next offer lifts the hold and is shown.
    #[test]
    fn a_picture_judged_across_the_hold_is_not_shown_and_the_next_offer_lifts_it() {
        use std::sync::mpsc::channel;
        let (started_tx, started) = channel();
        let (go, go_rx) = channel::<()>();
        let (seen_tx, seen) = channel();
        let failing = super::super::live_results(&crate::lab::failing(
            crate::check::CheckId::MouthClosed,
            "请闭上嘴唇",
            "Close your lips",
        ));
        let second = failing.clone();
        let mut worker = LiveWorker::start_with(Duration::ZERO, move |judging| {
            let mut calls = 0;
            Some(move |_: &RgbImage| {
                calls += 1;
                let _ = started_tx.send(());
                let _ = go_rx.recv();
                let _ = seen_tx.send(judging.load(Ordering::Acquire));
                Some(if calls == 1 {
                    passed()
                } else {
                    failing.clone()
                })
            })
        });
        let frame = Arc::new(RgbImage::new(8, 8));
        let wait = Duration::from_secs(30);
        worker.offer(&frame);
        started
            .recv_timeout(wait)
            .expect("the first picture was not judged");
        worker.hold();
        go.send(()).unwrap();
        assert_eq!(
            seen.recv_timeout(wait),
            Ok(false),
            "the measure saw no hold"
        );
        // Offers while the held picture finishes are dropped (busy); the first one taken lifts
        // the hold and is judged.
        let deadline = Instant::now() + wait;
        while started.try_recv().is_err() {
            assert!(
                Instant::now() < deadline,
                "the second picture was not judged"
            );
            worker.offer(&frame);
            std::thread::sleep(Duration::from_millis(2));
        }
        go.send(()).unwrap();
        assert_eq!(
            seen.recv_timeout(wait),
            Ok(true),
            "the offer did not lift the hold"
        );
        while worker.latest().is_none() {
            assert!(
                Instant::now() < deadline,
                "the second picture gave no result"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        let shown = worker.latest().unwrap();
        assert_eq!(shown.checks, second, "the held picture's result was shown");
        assert_eq!(shown.seq, 1);
    }

    #[test]
    fn without_models_there_are_no_results_and_offers_do_not_block() {
        let mut worker = LiveWorker::start_with(Duration::ZERO, |_| {
            None::<fn(&RgbImage) -> Option<Vec<CheckResult>>>
        });
        let frame = Arc::new(RgbImage::new(8, 8));
        for _ in 0..20 {
            worker.offer(&frame);
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(worker.latest().is_none());
    }
}
