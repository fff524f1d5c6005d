//! Keyboard-wedge input: a USB scanner "types" the code and presses Enter. The accumulator is pure
//! (the caller passes the time of each key), so it is tested without a keyboard or a clock.
//!
//! A scanner types a whole code in a few milliseconds per key; a person needs 100 ms or more per
//! key. So the characters since the last long pause, if there are enough of them, are the scan;
//! anything typed slowly is a person (the GUI may treat it as a search box entry).

use std::time::{Duration, Instant};

/// The most text kept between two Enters: `[scan] max_payload_len` allows at most 4096 bytes, so
/// nothing longer is a code. Past it (a stuck key, a scanner set to send no Enter) what was typed
/// is dropped instead of growing for as long as the station runs.
pub const MAX_PENDING_BYTES: usize = 4096;

/// What an Enter completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WedgeInput {
    /// Typed at scanner speed: a capture code.
    Scanned(String),
    /// Typed by a person (too slow, or too short to be a code).
    Typed(String),
}

#[derive(Debug, Clone)]
pub struct WedgeAccumulator {
    max_gap: Duration,
    min_len: usize,
    /// Everything typed since the last Enter.
    all: String,
    /// Byte offset in `all` where the current fast run began.
    run_start: usize,
    last_key: Option<Instant>,
}

impl WedgeAccumulator {
    /// `max_gap` is `[scan] wedge_max_key_gap_ms`, `min_len` is `[scan] wedge_min_len`.
    pub fn new(max_gap: Duration, min_len: usize) -> WedgeAccumulator {
        WedgeAccumulator {
            max_gap,
            min_len: min_len.max(1),
            all: String::new(),
            run_start: 0,
            last_key: None,
        }
    }

    /// A printable character typed at `at`. Control characters are ignored (scanners may send
    /// a prefix such as STX).
    pub fn push_char(&mut self, c: char, at: Instant) {
        if c.is_control() {
            return;
        }
        // A pause longer than the scanner's breaks the run: what follows may be a scan.
        if self
            .last_key
            .is_some_and(|t| at.saturating_duration_since(t) > self.max_gap)
        {
            self.run_start = self.all.len();
        }
        if self.all.len() + c.len_utf8() > MAX_PENDING_BYTES {
            self.all.clear();
            self.run_start = 0;
        }
        self.all.push(c);
        self.last_key = Some(at);
    }

    /// Enter pressed at `at`: returns what was typed and starts over. `None` when nothing was
    /// typed.
    pub fn push_enter(&mut self, at: Instant) -> Option<WedgeInput> {
        let last = self.last_key;
        let all = std::mem::take(&mut self.all);
        let run_start = std::mem::replace(&mut self.run_start, 0);
        self.last_key = None;
        if all.is_empty() {
            return None;
        }
        let run = &all[run_start..];
        let enter_fast = last.is_some_and(|t| at.saturating_duration_since(t) <= self.max_gap);
        if enter_fast && run.chars().count() >= self.min_len {
            Some(WedgeInput::Scanned(run.to_string()))
        } else {
            Some(WedgeInput::Typed(all))
        }
    }

    /// Forgets what was typed (the screen changed).
    pub fn clear(&mut self) {
        self.all.clear();
        self.run_start = 0;
        self.last_key = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(acc: &mut WedgeAccumulator, text: &str, start: Instant, gap_ms: u64) -> Instant {
        let mut t = start;
        for c in text.chars() {
            acc.push_char(c, t);
            t += Duration::from_millis(gap_ms);
        }
        t - Duration::from_millis(gap_ms) + Duration::from_millis(gap_ms.min(5))
    }

    fn acc() -> WedgeAccumulator {
        WedgeAccumulator::new(Duration::from_millis(50), 4)
    }

    #[test]
    fn scanner_speed_is_a_scan() {
        let mut a = acc();
        let end = feed(&mut a, "TUCAI-DEMO-0001", Instant::now(), 4);
        assert_eq!(
            a.push_enter(end),
            Some(WedgeInput::Scanned("TUCAI-DEMO-0001".into()))
        );
        assert_eq!(a.push_enter(end), None, "buffer starts over");
    }

    #[test]
    fn human_speed_is_typing() {
        let mut a = acc();
        let end = feed(&mut a, "2022", Instant::now(), 180);
        assert_eq!(a.push_enter(end), Some(WedgeInput::Typed("2022".into())));
    }

    #[test]
    fn scan_after_stray_human_keys_keeps_only_the_scan() {
        let mut a = acc();
        let t0 = Instant::now();
        let t1 = feed(&mut a, "ab", t0, 300) + Duration::from_secs(1);
        let end = feed(&mut a, "CODE1234", t1, 3);
        assert_eq!(
            a.push_enter(end),
            Some(WedgeInput::Scanned("CODE1234".into()))
        );
    }

    #[test]
    fn short_fast_burst_is_not_a_scan() {
        let mut a = acc();
        let end = feed(&mut a, "ab", Instant::now(), 3);
        assert_eq!(a.push_enter(end), Some(WedgeInput::Typed("ab".into())));
    }

    #[test]
    fn keys_without_enter_stay_bounded() {
        // A stuck key at scanner speed: a day of it must not grow the buffer.
        let mut a = acc();
        let t0 = Instant::now();
        for i in 0..3 * MAX_PENDING_BYTES {
            a.push_char('码', t0 + Duration::from_micros(i as u64));
        }
        let end = t0 + Duration::from_millis(1);
        let kept = match a.push_enter(end) {
            Some(WedgeInput::Scanned(s) | WedgeInput::Typed(s)) => s,
            None => String::new(),
        };
        // 36 864 bytes typed; what is left is the tail after the last drop.
        assert!(kept.len() <= MAX_PENDING_BYTES, "{} bytes kept", kept.len());
        assert_eq!(a.push_enter(end), None);
    }

    #[test]
    fn late_enter_is_typing_and_control_chars_are_dropped() {
        let mut a = acc();
        let t0 = Instant::now();
        a.push_char('\u{2}', t0);
        let end = feed(&mut a, "CODE1234", t0, 3);
        assert_eq!(
            a.push_enter(end + Duration::from_secs(2)),
            Some(WedgeInput::Typed("CODE1234".into()))
        );
    }
}
