//! Frame times of a running window, summed up once a minute in the log (target `tucai::frames`,
//! level info: `TUCAI_LOG=warn,tucai::frames=info`). A station runs all day; a window that
//! slowly gets slower or a frame that stalls for a second shows here, and the soak
//! (`.ci/soak`) reads these lines for its frame-time curve.
//!
//! Two figures per frame: the *pass* (our logic and layout, begin to end of the egui pass, not
//! the painting) and the *gap* from the start of one frame to the start of the next (painting
//! included, and on screens that repaint on demand the wait for the next repaint).

use eframe::egui;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a summary line is written.
pub const PERIOD: Duration = Duration::from_secs(60);

/// One period's frames.
#[derive(Debug)]
pub struct FrameStats {
    started: Instant,
    period_start: Instant,
    pass_ms: Vec<f32>,
    gap_ms: Vec<f32>,
    last_begin: Option<Instant>,
    begun: Option<Instant>,
}

/// A period's summary (milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub uptime_s: u64,
    pub frames: usize,
    pub pass_p50: f32,
    pub pass_p99: f32,
    pub pass_max: f32,
    pub gap_p50: f32,
    pub gap_p99: f32,
    pub gap_max: f32,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "frames uptime_s={} frames={} pass_ms p50={:.1} p99={:.1} max={:.1} gap_ms p50={:.1} p99={:.1} max={:.1}",
            self.uptime_s,
            self.frames,
            self.pass_p50,
            self.pass_p99,
            self.pass_max,
            self.gap_p50,
            self.gap_p99,
            self.gap_max
        )
    }
}

impl FrameStats {
    pub fn new(now: Instant) -> FrameStats {
        FrameStats {
            started: now,
            period_start: now,
            pass_ms: Vec::new(),
            gap_ms: Vec::new(),
            last_begin: None,
            begun: None,
        }
    }

    /// A frame begins; returns the summary of the period that ended, if one did.
    pub fn begin(&mut self, now: Instant) -> Option<Summary> {
        if let Some(last) = self.last_begin {
            self.gap_ms.push(ms(now.duration_since(last)));
        }
        self.last_begin = Some(now);
        self.begun = Some(now);
        if now.duration_since(self.period_start) < PERIOD {
            return None;
        }
        let summary = self.summary(now);
        self.period_start = now;
        self.pass_ms.clear();
        self.gap_ms.clear();
        Some(summary)
    }

    /// The frame's pass ended (its layout is done; painting follows).
    pub fn end(&mut self, now: Instant) {
        if let Some(begun) = self.begun.take() {
            self.pass_ms.push(ms(now.duration_since(begun)));
        }
    }

    fn summary(&mut self, now: Instant) -> Summary {
        let (pass_p50, pass_p99, pass_max) = percentiles(&mut self.pass_ms);
        let (gap_p50, gap_p99, gap_max) = percentiles(&mut self.gap_ms);
        Summary {
            uptime_s: now.duration_since(self.started).as_secs(),
            frames: self.pass_ms.len(),
            pass_p50,
            pass_p99,
            pass_max,
            gap_p50,
            gap_p99,
            gap_max,
        }
    }
}

fn ms(d: Duration) -> f32 {
    d.as_secs_f32() * 1000.0
}

/// Median, 99th percentile and maximum (nearest rank); zeros for no values.
fn percentiles(values: &mut [f32]) -> (f32, f32, f32) {
    if values.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    values.sort_by(f32::total_cmp);
    let rank = |p: f32| {
        let i = ((p * values.len() as f32).ceil() as usize).clamp(1, values.len());
        values[i - 1]
    };
    (rank(0.5), rank(0.99), values[values.len() - 1])
}

/// Measures every frame of `ctx` and logs a summary each [`PERIOD`].
pub fn install(ctx: &egui::Context) {
    let stats = Arc::new(Mutex::new(FrameStats::new(Instant::now())));
    let at_begin = Arc::clone(&stats);
    ctx.on_begin_pass(
        "tucai_frame_stats_begin",
        Arc::new(move |_ui: &mut egui::Ui| {
            // A poisoned lock only means a panic elsewhere; the figures are still good.
            let mut s = at_begin.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(summary) = s.begin(Instant::now()) {
                log::info!(target: "tucai::frames", "{summary}");
            }
        }),
    );
    ctx.on_end_pass(
        "tucai_frame_stats_end",
        Arc::new(move |_ui: &mut egui::Ui| {
            let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
            s.end(Instant::now());
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_summed_up_once_it_has_passed() {
        let t0 = Instant::now();
        let mut s = FrameStats::new(t0);
        let mut t = t0;
        let mut summaries = Vec::new();
        // 100 frames 40 ms apart with a 5 ms pass, one stalled frame of 900 ms.
        for i in 0..2000 {
            let gap = if i == 50 { 900 } else { 40 };
            t += Duration::from_millis(gap);
            summaries.extend(s.begin(t));
            s.end(t + Duration::from_millis(5));
        }
        assert_eq!(summaries.len(), 1, "{summaries:?}");
        let first = &summaries[0];
        assert_eq!(first.uptime_s, 60);
        assert!(first.frames > 1400 && first.frames < 1500, "{first:?}");
        assert!((first.pass_p50 - 5.0).abs() < 0.5);
        assert!((first.gap_p50 - 40.0).abs() < 0.5);
        assert!(
            (first.gap_max - 900.0).abs() < 0.5,
            "the stall shows: {first:?}"
        );
        assert!(first.to_string().starts_with("frames uptime_s=60 frames="));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut v: Vec<f32> = (1..=100).map(|i| i as f32).collect();
        assert_eq!(percentiles(&mut v), (50.0, 99.0, 100.0));
        assert_eq!(percentiles(&mut []), (0.0, 0.0, 0.0));
        assert_eq!(percentiles(&mut [7.0]), (7.0, 7.0, 7.0));
    }
}
