use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[live]`: the live check on the framing screen (SPEC §2 step 6): how often it judges the
/// picture, how steady its list is, when the shutter says "ready", and the automatic shutter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveConfig {
    /// Shortest time between two live checks, in milliseconds. The check takes what it takes on
    /// its thread; this only keeps a fast machine from spending a whole core on it.
    pub interval_ms: u32,
    /// Results in a row that must disagree with a rule's tick or cross before it changes, so the
    /// list does not flicker on a blink.
    pub steady_results: u32,
    /// Every rule shown passing for this long: the shutter button says "ready".
    pub ready_after_ms: u32,
    /// Take the shot by itself once ready (the countdown still runs). Off: the student presses.
    pub auto_shutter: bool,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            interval_ms: 250,
            steady_results: 2,
            ready_after_ms: 1000,
            auto_shutter: false,
        }
    }
}

impl LiveConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("live");
        r.range("interval_ms", self.interval_ms, 0, 10_000);
        r.range("steady_results", self.steady_results, 1, 10);
        r.range("ready_after_ms", self.ready_after_ms, 0, 10_000);
        r.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    #[test]
    fn the_automatic_shutter_is_off_unless_asked_for() {
        assert!(!LiveConfig::default().auto_shutter);
        let c = Config::from_toml("[live]\nauto_shutter = true\n", Path::new("k.toml")).unwrap();
        assert!(c.live.auto_shutter);
        assert_eq!(
            c.live.ready_after_ms, 1000,
            "other keys keep their defaults"
        );
    }

    #[test]
    fn a_steadiness_of_zero_results_is_refused() {
        let err =
            Config::from_toml("[live]\nsteady_results = 0\n", Path::new("k.toml")).unwrap_err();
        assert_eq!(err.key(), "live.steady_results", "{err}");
    }
}
