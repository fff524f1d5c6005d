//! The first-shot figure of issue 23: scripted camera sessions built from real labelled photos,
//! judged with the live check and without it.
//!
//! A session is a student in front of the camera. One who starts with a defect shows a photo
//! with a live check labelled failing, then, once the live list names a failing rule, a photo of
//! the same set whose labelled checks all pass (the student fixed it). One who starts well shows
//! that good photo throughout. The live check runs every [`TICK`] on whatever is in front of
//! the camera, through the real [`Steady`] (hysteresis, "ready" after the hold); the student
//! presses the shutter when it says ready. Without the live check, the student presses at once.
//! The shot is judged by the full check on the frame shown at that moment, on the checks labelled
//! on the session's photos that are live checks (a 320×243 research photo can never pass
//! face.size, so the photo's other checks are not the session's).
//!
//! Limits, said where the figure is printed: pairs come from the same set, not always the same
//! person (the sets carry no subject); a still photo does not move between the live check and the
//! shot.

use crate::check::{CheckId, CheckReport};
use crate::live::{LIVE, Steady, live_results, rule_of};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Time between two live checks in a session (the station's `[live] interval_ms` default).
pub const TICK: Duration = Duration::milliseconds(250);
/// A student who is never told "ready" in this long gives up: no first shot.
pub const GIVE_UP: Duration = Duration::seconds(20);

/// One labelled photo as both checks judged it.
#[derive(Debug, Clone)]
pub struct Judged {
    pub who: String,
    /// Live check id → labelled must-pass.
    pub labels: BTreeMap<CheckId, bool>,
    pub full: CheckReport,
    pub live: CheckReport,
}

impl Judged {
    fn defect(&self) -> bool {
        self.labels.values().any(|ok| !ok)
    }

    fn good(&self) -> bool {
        !self.labels.is_empty() && self.labels.values().all(|ok| *ok)
    }
}

/// The live ids of a label map (`"*"` and non-live ids dropped).
pub fn live_labels(checks: &BTreeMap<String, bool>) -> BTreeMap<CheckId, bool> {
    checks
        .iter()
        .filter_map(|(k, v)| CheckId::parse(k).map(|id| (id, *v)))
        .filter(|(id, _)| rule_of(*id).is_some())
        .collect()
}

/// How one session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub started_with_defect: bool,
    /// The first shot without the live check passed the full check.
    pub without_live: bool,
    /// The first shot with the live check passed; `false` also when no shot was taken.
    pub with_live: bool,
    /// With the live check, no "ready" came before the student gave up.
    pub no_shot: bool,
}

fn passes(report: &CheckReport, judged: &[CheckId]) -> bool {
    judged
        .iter()
        .all(|id| report.get(*id).is_some_and(|c| c.passed))
}

/// Plays one session: `start` in front of the camera, `fixed` once the live list shows a cross
/// (`None`: the student starts well and has nothing to fix).
pub fn play(start: &Judged, fixed: Option<&Judged>, agree: usize, hold: Duration) -> Session {
    let judged: Vec<CheckId> = LIVE
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| {
            start.labels.contains_key(id) && fixed.is_none_or(|f| f.labels.contains_key(id))
        })
        .collect();
    let t0 = DateTime::<Utc>::UNIX_EPOCH;
    let mut steady = Steady::new(agree);
    let mut shown = start;
    let mut shot = None;
    let mut t = Duration::zero();
    while t <= GIVE_UP {
        let now = t0 + t;
        let results: Vec<_> = live_results(&shown.live)
            .into_iter()
            .filter(|c| judged.contains(&c.id))
            .collect();
        steady.push(&results, now);
        if steady.ready(now, hold) {
            shot = Some(shown);
            break;
        }
        if let Some(f) = fixed
            && steady.rows().iter().any(|r| !r.passed)
        {
            shown = f;
        }
        t += TICK;
    }
    Session {
        started_with_defect: fixed.is_some(),
        without_live: passes(&start.full, &judged),
        with_live: shot.is_some_and(|s| passes(&s.full, &judged)),
        no_shot: shot.is_none(),
    }
}

/// Every session of one set: each photo with a live defect, fixed by the next good photo (in
/// name order, cyclic), and each good photo alone.
pub fn sessions(set: &[Judged], agree: usize, hold: Duration) -> Vec<Session> {
    let goods: Vec<&Judged> = set.iter().filter(|j| j.good()).collect();
    let mut out = Vec::new();
    if goods.is_empty() {
        return out;
    }
    for (i, d) in set.iter().filter(|j| j.defect()).enumerate() {
        let g = goods[i % goods.len()];
        out.push(play(d, Some(g), agree, hold));
    }
    for g in &goods {
        out.push(play(g, None, agree, hold));
    }
    out
}

/// The figure as `tucai eval faces` prints it.
pub fn render(sessions: &[Session]) -> String {
    let mut s = String::new();
    if sessions.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "\nfirst shot, scripted sessions of labelled photos (the live checks labelled on them):"
    );
    let _ = writeln!(
        s,
        "{:<28} {:>8} {:>16} {:>16} {:>8}",
        "sessions", "count", "passed, no live", "passed, live", "no shot"
    );
    for (name, filter) in [
        ("start with a defect", Some(true)),
        ("start well", Some(false)),
        ("all", None),
    ] {
        let rows: Vec<&Session> = sessions
            .iter()
            .filter(|x| filter.is_none_or(|d| x.started_with_defect == d))
            .collect();
        let n = |f: &dyn Fn(&Session) -> bool| rows.iter().filter(|x| f(x)).count();
        let _ = writeln!(
            s,
            "{name:<28} {:>8} {:>16} {:>16} {:>8}",
            rows.len(),
            n(&|x| x.without_live),
            n(&|x| x.with_live),
            n(&|x| x.no_shot)
        );
    }
    let _ = writeln!(
        s,
        "  (a defect photo is fixed by another good photo of its set, not always the same person)"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(failing: &[CheckId]) -> CheckReport {
        let mut r = crate::lab::all_passed();
        for c in &mut r.checks {
            c.passed = !failing.contains(&c.id);
        }
        r
    }

    fn photo(who: &str, labels: &[(CheckId, bool)], full: &[CheckId], live: &[CheckId]) -> Judged {
        Judged {
            who: who.into(),
            labels: labels.iter().copied().collect(),
            full: report(full),
            live: report(live),
        }
    }

    const HOLD: Duration = Duration::milliseconds(1000);

    #[test]
    fn a_defect_the_live_check_names_is_fixed_before_the_shot() {
        let m = CheckId::MouthClosed;
        let open = photo("s/open", &[(m, false)], &[m], &[m]);
        let closed = photo("s/closed", &[(m, true)], &[], &[]);
        let s = play(&open, Some(&closed), 2, HOLD);
        assert!(
            !s.without_live,
            "the first shot without the list shows the open mouth"
        );
        assert!(s.with_live && !s.no_shot);
    }

    #[test]
    fn a_defect_the_live_check_misses_is_shot_and_fails() {
        let m = CheckId::MouthClosed;
        let open = photo("s/open", &[(m, false)], &[m], &[]);
        let closed = photo("s/closed", &[(m, true)], &[], &[]);
        let s = play(&open, Some(&closed), 2, HOLD);
        assert!(!s.without_live && !s.with_live && !s.no_shot);
    }

    #[test]
    fn a_false_cross_on_a_good_photo_means_no_shot() {
        let e = CheckId::EyesOpen;
        let good = photo("s/g", &[(e, true)], &[], &[e]);
        let s = play(&good, None, 2, HOLD);
        assert!(s.without_live);
        assert!(!s.with_live && s.no_shot);
        // Checks not labelled on the photo play no part: a cross on face.size changes nothing.
        let small = photo(
            "s/small",
            &[(e, true)],
            &[CheckId::FaceSize],
            &[CheckId::FaceSize],
        );
        let s = play(&small, None, 2, HOLD);
        assert!(s.without_live && s.with_live);
    }

    #[test]
    fn sessions_pair_defects_with_good_photos_and_the_table_counts_them() {
        let m = CheckId::MouthClosed;
        let set = vec![
            photo("s/a", &[(m, false)], &[m], &[m]),
            photo("s/b", &[(m, true)], &[], &[]),
            photo("s/c", &[(m, false)], &[m], &[m]),
            // Nothing live labelled: in no session.
            photo("s/d", &[], &[], &[]),
        ];
        let all = sessions(&set, 2, HOLD);
        assert_eq!(all.len(), 3);
        let text = render(&all);
        let line = text
            .lines()
            .find(|l| l.starts_with("start with a defect"))
            .unwrap();
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 4..], ["2", "0", "2", "0"], "{text}");
        assert_eq!(
            live_labels(&[("*".to_string(), false), ("mouth.closed".to_string(), true)].into()),
            [(m, true)].into()
        );
    }
}
