//! Steady verdicts over the last few live results, and "ready" once every rule has held.
//!
//! One live result can flip on a blink or a detector's wobble; a list that flickers between
//! frames tells the student nothing. So a check's shown verdict changes only when `agree` results
//! in a row say the other thing, and the shutter says "ready" only after every rule has been shown
//! passing for `hold`. Time comes from the caller (the flow's clock), so tests set it.

use super::{LIVE, Rule, rule_of};
use crate::check::{CheckId, CheckResult};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// What one check shows now.
#[derive(Debug, Clone)]
struct Track {
    passed: bool,
    /// The latest hint given while failing (zh, en).
    hint: (String, String),
    /// Results in a row that disagree with `passed`.
    against: usize,
    /// Results this check was shown failing, for the teacher's "keeps failing".
    failed_results: u32,
}

/// One line of the live list: a rule, whether it holds, and the hint of its first failing check.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRow {
    pub rule: Rule,
    pub passed: bool,
    /// The failing check the hint is of (`None` when the rule holds).
    pub check: Option<CheckId>,
    pub hint_zh: String,
    pub hint_en: String,
}

/// The stabiliser: shown verdicts per check and when all of them started to hold.
#[derive(Debug, Clone)]
pub struct Steady {
    agree: usize,
    tracks: BTreeMap<CheckId, Track>,
    all_passed_since: Option<DateTime<Utc>>,
}

impl Steady {
    /// A shown verdict changes after `agree` results in a row disagree with it (at least 1).
    pub fn new(agree: usize) -> Steady {
        Steady {
            agree: agree.max(1),
            tracks: BTreeMap::new(),
            all_passed_since: None,
        }
    }

    /// Takes one live result (its live checks) measured by `now`.
    pub fn push(&mut self, checks: &[CheckResult], now: DateTime<Utc>) {
        for c in checks.iter().filter(|c| rule_of(c.id).is_some()) {
            let hint = (c.hint_zh.clone(), c.hint_en.clone());
            match self.tracks.get_mut(&c.id) {
                // The first result is shown as it is: there is nothing to be steady against.
                None => {
                    self.tracks.insert(
                        c.id,
                        Track {
                            passed: c.passed,
                            hint,
                            against: 0,
                            failed_results: u32::from(!c.passed),
                        },
                    );
                }
                Some(t) => {
                    if c.passed == t.passed {
                        t.against = 0;
                        if !c.passed {
                            t.hint = hint;
                        }
                    } else {
                        t.against += 1;
                        if t.against >= self.agree {
                            t.passed = c.passed;
                            t.against = 0;
                            t.hint = hint;
                        }
                    }
                    if !t.passed {
                        t.failed_results += 1;
                    }
                }
            }
        }
        if self.all_passed() {
            self.all_passed_since.get_or_insert(now);
        } else {
            self.all_passed_since = None;
        }
    }

    /// Every live check has a result and is shown passing.
    pub fn all_passed(&self) -> bool {
        !self.tracks.is_empty() && self.tracks.values().all(|t| t.passed)
    }

    /// Every rule has been shown passing for at least `hold` by `now`.
    pub fn ready(&self, now: DateTime<Utc>, hold: Duration) -> bool {
        self.all_passed_since
            .is_some_and(|since| now - since >= hold)
    }

    /// Whether any result has been taken since the last [`Steady::clear`].
    pub fn measured(&self) -> bool {
        !self.tracks.is_empty()
    }

    /// The rules with a result, failing ones first (in [`LIVE`] order, so the first is the next
    /// thing to fix), then the ones that hold.
    pub fn rows(&self) -> Vec<RuleRow> {
        let mut rows: Vec<RuleRow> = Vec::new();
        for (id, rule) in LIVE {
            let Some(t) = self.tracks.get(id) else {
                continue;
            };
            match rows.iter_mut().find(|r| r.rule == *rule) {
                Some(row) => {
                    if row.passed && !t.passed {
                        *row = failing_row(*rule, *id, t);
                    }
                }
                None if t.passed => rows.push(RuleRow {
                    rule: *rule,
                    passed: true,
                    check: None,
                    hint_zh: String::new(),
                    hint_en: String::new(),
                }),
                None => rows.push(failing_row(*rule, *id, t)),
            }
        }
        // Stable: within each group the LIVE order stays.
        rows.sort_by_key(|r| r.passed);
        rows
    }

    /// The check shown failing in the most results so far, with that count: what the teacher's
    /// board says a student keeps failing. `None` when nothing failed.
    pub fn most_failed(&self) -> Option<(CheckId, u32)> {
        self.tracks
            .iter()
            .filter(|(_, t)| t.failed_results > 0)
            // Ties go to the earlier check in LIVE order (the one the student is told first).
            .max_by_key(|(id, t)| {
                let order = LIVE
                    .iter()
                    .position(|(c, _)| c == *id)
                    .unwrap_or(usize::MAX);
                (t.failed_results, std::cmp::Reverse(order))
            })
            .map(|(id, t)| (*id, t.failed_results))
    }

    /// Forgets everything (a new student, framing shown again, the picture gone stale).
    pub fn clear(&mut self) {
        self.tracks.clear();
        self.all_passed_since = None;
    }
}

fn failing_row(rule: Rule, id: CheckId, t: &Track) -> RuleRow {
    RuleRow {
        rule,
        passed: false,
        check: Some(id),
        hint_zh: t.hint.0.clone(),
        hint_en: t.hint.1.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap() + Duration::milliseconds(ms)
    }

    /// Every live check passing except those named, which fail with a mouth hint.
    fn frame(failing: &[CheckId]) -> Vec<CheckResult> {
        let mut r = crate::lab::all_passed();
        for c in r.checks.iter_mut().filter(|c| failing.contains(&c.id)) {
            c.passed = false;
            c.hint_zh = "请闭上嘴唇".into();
        }
        super::super::live_results(&r)
    }

    #[test]
    fn one_odd_result_does_not_flip_a_verdict_two_in_a_row_do() {
        let mut s = Steady::new(2);
        s.push(&frame(&[]), at(0));
        assert!(s.all_passed());
        // A single smile between closed-mouth frames: still shown passing.
        s.push(&frame(&[CheckId::MouthClosed]), at(250));
        assert!(s.all_passed());
        s.push(&frame(&[]), at(500));
        s.push(&frame(&[CheckId::MouthClosed]), at(750));
        assert!(s.all_passed(), "alternating results must not flicker");
        s.push(&frame(&[CheckId::MouthClosed]), at(1000));
        assert!(!s.all_passed());
        let rows = s.rows();
        assert_eq!(rows[0].rule, Rule::Mouth);
        assert!(!rows[0].passed);
        assert_eq!(rows[0].check, Some(CheckId::MouthClosed));
        assert_eq!(rows[0].hint_zh, "请闭上嘴唇");
        assert!(rows[1..].iter().all(|r| r.passed));
        // And back: one closed-mouth result is not enough to tick it again.
        s.push(&frame(&[]), at(1250));
        assert!(!s.all_passed());
        s.push(&frame(&[]), at(1500));
        assert!(s.all_passed());
    }

    #[test]
    fn the_first_result_shows_as_it_is() {
        let mut s = Steady::new(3);
        assert!(!s.measured() && !s.all_passed() && s.rows().is_empty());
        s.push(&frame(&[CheckId::EyesOpen]), at(0));
        assert!(s.measured());
        let rows = s.rows();
        assert_eq!((rows[0].rule, rows[0].passed), (Rule::Eyes, false));
    }

    #[test]
    fn failing_rules_come_first_in_the_order_a_student_fixes_them() {
        let mut s = Steady::new(1);
        s.push(
            &frame(&[
                CheckId::ClothingBlue,
                CheckId::MouthClosed,
                CheckId::FaceSize,
            ]),
            at(0),
        );
        let rows = s.rows();
        let failing: Vec<Rule> = rows.iter().filter(|r| !r.passed).map(|r| r.rule).collect();
        assert_eq!(failing, [Rule::Position, Rule::Mouth, Rule::Clothing]);
        // One line per rule, however many of its checks there are.
        let mut rules: Vec<Rule> = rows.iter().map(|r| r.rule).collect();
        let n = rules.len();
        rules.sort();
        rules.dedup();
        assert_eq!(rules.len(), n);
        assert!(rows[3..].iter().all(|r| r.passed));
    }

    #[test]
    fn ready_after_every_rule_held_for_the_hold_and_not_before() {
        let hold = Duration::milliseconds(1000);
        let mut s = Steady::new(2);
        s.push(&frame(&[CheckId::PoseFrontal]), at(0));
        assert!(!s.ready(at(5000), hold));
        s.push(&frame(&[]), at(250));
        s.push(&frame(&[]), at(500)); // the pose tick shows from here
        assert!(s.all_passed());
        assert!(!s.ready(at(1400), hold));
        assert!(s.ready(at(1500), hold));
        // A failure that shows resets the hold; one that does not show keeps it.
        s.push(&frame(&[CheckId::PoseFrontal]), at(1600));
        assert!(s.ready(at(1700), hold));
        s.push(&frame(&[CheckId::PoseFrontal]), at(1850));
        assert!(!s.ready(at(9000), hold));
        s.push(&frame(&[]), at(2000));
        s.push(&frame(&[]), at(2250));
        assert!(!s.ready(at(3000), hold));
        assert!(s.ready(at(3250), hold));
        s.clear();
        assert!(!s.ready(at(9000), hold) && !s.measured());
    }

    #[test]
    fn the_check_failed_most_is_what_the_student_keeps_failing() {
        let mut s = Steady::new(1);
        assert_eq!(s.most_failed(), None);
        s.push(&frame(&[CheckId::MouthClosed, CheckId::EyesOpen]), at(0));
        s.push(&frame(&[CheckId::MouthClosed]), at(250));
        s.push(&frame(&[CheckId::MouthClosed]), at(500));
        assert_eq!(s.most_failed(), Some((CheckId::MouthClosed, 3)));
    }
}
