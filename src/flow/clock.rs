//! Where the flow gets the time from: the system clock on the kiosk, a hand-moved clock in tests
//! (so a 24 h rule is tested by moving time, not by sleeping).

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date where the station stands (the capture window is in local days).
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Local).date_naive()
    }
}

/// The computer's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to. Clones share the same time, so a test keeps one handle
/// and gives the other to the flow. Local days are computed at UTC+8 (China), whatever the
/// machine running the tests is set to.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Starts at 2026-05-06 09:00 China time.
    pub fn at_default() -> ManualClock {
        ManualClock::new(
            DateTime::parse_from_rfc3339("2026-05-06T01:00:00Z")
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        )
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn today(&self) -> NaiveDate {
        // 8 h is within the ±24 h FixedOffset accepts, so this cannot fail.
        let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
        self.now().with_timezone(&china).date_naive()
    }
}
