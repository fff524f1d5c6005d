use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[flow]`: the numbers of the student journey: draft box, cool-downs, locks, timeouts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowConfig {
    /// Photos a student may keep in the draft box; shooting is refused when it is full.
    pub draft_box_size: u32,
    /// Hours after saving before a student may delete a draft themselves (a teacher may at once).
    pub draft_delete_after_hours: u32,
    /// Cool-down after the first failed check, in seconds.
    pub cooldown_seconds: u32,
    /// Each further failure in a row multiplies the cool-down by this factor ...
    pub cooldown_growth: f64,
    /// ... up to this many seconds.
    pub cooldown_max_seconds: u32,
    /// Liveness failures that lock a student until a teacher unlocks them.
    pub liveness_lock_after: u32,
    /// Other failed checks in a row that lock a student for `failure_lock_minutes`.
    pub failure_lock_after: u32,
    pub failure_lock_minutes: u32,
    /// Seconds without input on a student screen before the station returns to the welcome
    /// screen and forgets who was there.
    pub idle_timeout_seconds: u32,
    /// Countdown before the shot, in seconds.
    pub countdown_seconds: u32,
    /// Frames taken in the burst used by the liveness check.
    pub burst_frames: u32,
    /// Milliseconds between burst frames.
    pub burst_interval_ms: u32,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            draft_box_size: 3,
            draft_delete_after_hours: 24,
            cooldown_seconds: 10,
            cooldown_growth: 2.0,
            cooldown_max_seconds: 120,
            liveness_lock_after: 3,
            failure_lock_after: 5,
            failure_lock_minutes: 10,
            idle_timeout_seconds: 90,
            countdown_seconds: 3,
            burst_frames: 8,
            burst_interval_ms: 150,
        }
    }
}

impl FlowConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("flow");
        r.range("draft_box_size", self.draft_box_size, 1, 20);
        r.range(
            "draft_delete_after_hours",
            self.draft_delete_after_hours,
            0,
            24 * 30,
        );
        r.range("cooldown_seconds", self.cooldown_seconds, 0, 3600);
        r.range("cooldown_growth", self.cooldown_growth, 1.0, 10.0);
        r.range(
            "cooldown_max_seconds",
            self.cooldown_max_seconds,
            0,
            24 * 3600,
        );
        r.ordered(
            "cooldown_seconds",
            self.cooldown_seconds,
            "cooldown_max_seconds",
            self.cooldown_max_seconds,
        );
        r.range("liveness_lock_after", self.liveness_lock_after, 1, 100);
        r.range("failure_lock_after", self.failure_lock_after, 1, 100);
        r.range(
            "failure_lock_minutes",
            self.failure_lock_minutes,
            1,
            24 * 60,
        );
        r.range("idle_timeout_seconds", self.idle_timeout_seconds, 10, 3600);
        r.range("countdown_seconds", self.countdown_seconds, 0, 10);
        r.range("burst_frames", self.burst_frames, 2, 60);
        r.range("burst_interval_ms", self.burst_interval_ms, 10, 2000);
        r.finish()
    }
}
