//! `tucai eval faces DIR`: every automatic check against labels by eye.
//!
//! Each labelled photo goes through the same still-photo path as `tucai check` (the shared loader,
//! then [`Checker::check_still`]). An expectation `id: true` is met when the check passed, `id:
//! false` when it failed; `"*"` is the photo's overall verdict (every check that counts for a
//! still file passed). An unmet `true` is a **false reject** (a good photo refused), an unmet
//! `false` a **miss** (a defect let through). A check that could not measure counts as failed,
//! as it does at the station, and is also counted apart so a "caught" defect that was never
//! really measured shows.
//!
//! Every photo is also judged by the live check as the framing screen runs it (its picture scaled
//! to the live size, the person mask) and by the full check as the lab runs it on a shot (the
//! unscaled picture, the person mask), and the two are compared on each live check: the line
//! `live check agrees with the full check: N/M` (issue 23). Labels play no part in it.
//!
//! Photos whose `raw` labels carry measured head-pose angles (`yaw`, `pitch`, `roll`) also get the
//! pose the checker fitted beside the labelled one, and the mean absolute error per angle.

use super::{EvalError, LabelledSet, labelled_sets};
use crate::check::{Challenge, CheckId, CheckInput, CheckReport, Checker};
use crate::config::Config;
use crate::face::HeadPose;
use crate::imageio::{LoadLimits, load_rgb};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The overall verdict's id in the labels.
pub const OVERALL: &str = "*";

/// What the checks said about one photo, as the scoring needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum PhotoOutcome {
    /// Check id (and `"*"`) → what the station decided.
    Judged(BTreeMap<String, Verdict>),
    /// The file could not be read or checked; every expectation on it is unmet.
    Error(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    /// Failed because the check could not measure (no face, no mesh, no region).
    Unmeasured,
}

impl Verdict {
    fn passed(self) -> bool {
        self == Verdict::Passed
    }
}

/// The verdicts of a report, keyed by check id, with the overall verdict under `"*"`.
pub fn verdicts(report: &CheckReport) -> BTreeMap<String, Verdict> {
    let mut out: BTreeMap<String, Verdict> = report
        .checks
        .iter()
        .map(|c| {
            let v = match (c.passed, c.value) {
                (true, _) => Verdict::Passed,
                (false, Some(_)) => Verdict::Failed,
                (false, None) => Verdict::Unmeasured,
            };
            (c.id.as_str().to_string(), v)
        })
        .collect();
    let overall = report
        .checks
        .iter()
        .filter(|c| c.id != CheckId::Liveness)
        .all(|c| c.passed);
    out.insert(
        OVERALL.to_string(),
        if overall {
            Verdict::Passed
        } else {
            Verdict::Failed
        },
    );
    out
}

/// Met and unmet expectations of one check id (or of one set).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub expected: usize,
    pub met: usize,
    /// Expected to pass, failed: `set/file`.
    pub false_rejects: Vec<String>,
    /// Expected to fail, passed.
    pub misses: Vec<String>,
    /// Expectations whose check could not measure (met or not).
    pub unmeasured: Vec<String>,
    /// Expectations on files that could not be read or checked.
    pub errors: Vec<String>,
}

impl Tally {
    fn add(&mut self, who: &str, expected: bool, got: Option<Verdict>) {
        self.expected += 1;
        match got {
            None => self.errors.push(who.to_string()),
            Some(v) => {
                if v == Verdict::Unmeasured {
                    self.unmeasured.push(who.to_string());
                }
                match (expected, v.passed()) {
                    (true, true) | (false, false) => self.met += 1,
                    (true, false) => self.false_rejects.push(who.to_string()),
                    (false, true) => self.misses.push(who.to_string()),
                }
            }
        }
    }

    pub fn percent(&self) -> f64 {
        if self.expected == 0 {
            100.0
        } else {
            100.0 * self.met as f64 / self.expected as f64
        }
    }
}

/// A labelled head pose and what the checker measured on the same photo.
#[derive(Debug, Clone, PartialEq)]
pub struct PoseRow {
    /// `set/file`.
    pub who: String,
    pub labelled: HeadPose,
    /// `None` when no face or no mesh was found.
    pub measured: Option<HeadPose>,
}

/// The pose angles a label's `raw` carries, when it has all three.
pub fn labelled_pose(raw: Option<&serde_json::Value>) -> Option<HeadPose> {
    let raw = raw?;
    let angle = |k: &str| {
        raw.get(k)
            .and_then(serde_json::Value::as_f64)
            .map(|v| v as f32)
    };
    Some(HeadPose {
        yaw: angle("yaw")?,
        pitch: angle("pitch")?,
        roll: angle("roll")?,
    })
}

/// Every expectation scored: per check id, per set and in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacesScore {
    pub by_check: BTreeMap<String, Tally>,
    pub by_set: BTreeMap<String, Tally>,
    pub total: Tally,
    pub photos: usize,
    /// `set/file` → why it could not be checked.
    pub errors: BTreeMap<String, String>,
    /// Photos with labelled head-pose angles.
    pub poses: Vec<PoseRow>,
    /// The live check against the full check, on every photo both could judge.
    pub agreement: Agreement,
    /// The first-shot sessions played from the same photos ([`super::first_shot`]).
    pub first_shot: Vec<super::first_shot::Session>,
}

/// Equal verdicts of the live check and the full check, per live check id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agreement {
    /// Check id → (equal verdicts, photos compared).
    pub by_check: BTreeMap<String, (usize, usize)>,
    /// `set/file check: full -> live` for every verdict that differs.
    pub differ: Vec<String>,
}

impl Agreement {
    /// Compares the live checks of two reports on one photo.
    pub fn add(&mut self, who: &str, full: &CheckReport, live: &CheckReport) {
        for (id, _) in crate::live::LIVE {
            let (Some(f), Some(l)) = (full.get(*id), live.get(*id)) else {
                continue;
            };
            let e = self.by_check.entry(id.as_str().to_string()).or_default();
            e.1 += 1;
            if f.passed == l.passed {
                e.0 += 1;
            } else {
                let v = |p: bool| if p { "pass" } else { "fail" };
                self.differ
                    .push(format!("{who} {id}: {} -> {}", v(f.passed), v(l.passed)));
            }
        }
    }

    /// (equal, compared) over every check.
    pub fn total(&self) -> (usize, usize) {
        self.by_check
            .values()
            .fold((0, 0), |(a, b), (x, y)| (a + x, b + y))
    }

    fn render(&self, s: &mut String) {
        if self.by_check.is_empty() {
            return;
        }
        let (n, m) = self.total();
        let pct = |n: usize, m: usize| 100.0 * n as f64 / m.max(1) as f64;
        let _ = writeln!(
            s,
            "\nlive check agrees with the full check: {n}/{m} ({:.1} %)",
            pct(n, m)
        );
        for (id, (n, m)) in &self.by_check {
            let _ = writeln!(s, "  {id:<20} {n:>4}/{m:<4} {:>6.1} %", pct(*n, *m));
        }
        for d in &self.differ {
            let _ = writeln!(s, "  differs: {d}");
        }
    }
}

impl FacesScore {
    /// Adds one photo's expectations against what the station decided.
    pub fn add(
        &mut self,
        set: &str,
        file: &str,
        expected: &BTreeMap<String, bool>,
        outcome: &PhotoOutcome,
    ) {
        self.photos += 1;
        let who = format!("{set}/{file}");
        if let PhotoOutcome::Error(e) = outcome {
            self.errors.insert(who.clone(), e.clone());
        }
        for (id, &want) in expected {
            let got = match outcome {
                // A labelled id the station does not have is never met: it shows as unmeasured.
                PhotoOutcome::Judged(v) => Some(v.get(id).copied().unwrap_or(Verdict::Unmeasured)),
                PhotoOutcome::Error(_) => None,
            };
            self.by_check
                .entry(id.clone())
                .or_default()
                .add(&who, want, got);
            self.by_set
                .entry(set.to_string())
                .or_default()
                .add(&who, want, got);
            self.total.add(&who, want, got);
        }
    }

    /// The report `tucai eval faces` prints.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} photos, {} expectations: {} met ({:.1} %), {} false rejects, {} misses, {} on unreadable files",
            self.photos,
            self.total.expected,
            self.total.met,
            self.total.percent(),
            self.total.false_rejects.len(),
            self.total.misses.len(),
            self.total.errors.len()
        );
        let table = |s: &mut String, title: &str, rows: &BTreeMap<String, Tally>| {
            let _ = writeln!(
                s,
                "\n{title:<20} {:>9} {:>7} {:>13} {:>7} {:>11}",
                "met", "%", "false reject", "miss", "unmeasured"
            );
            for (name, t) in rows {
                let _ = writeln!(
                    s,
                    "{name:<20} {:>4}/{:<4} {:>7.1} {:>13} {:>7} {:>11}",
                    t.met,
                    t.expected,
                    t.percent(),
                    t.false_rejects.len(),
                    t.misses.len(),
                    t.unmeasured.len()
                );
            }
        };
        table(&mut s, "check", &self.by_check);
        table(&mut s, "set", &self.by_set);
        let _ = writeln!(s, "\nfiles behind each unmet expectation:");
        for (id, t) in &self.by_check {
            if !t.false_rejects.is_empty() {
                let _ = writeln!(s, "  {id} false rejects: {}", t.false_rejects.join(" "));
            }
            if !t.misses.is_empty() {
                let _ = writeln!(s, "  {id} misses: {}", t.misses.join(" "));
            }
        }
        for (who, e) in &self.errors {
            let _ = writeln!(s, "  error {who}: {e}");
        }
        self.render_poses(&mut s);
        self.agreement.render(&mut s);
        s.push_str(&super::first_shot::render(&self.first_shot));
        s
    }

    /// Measured against labelled pose, per photo, and the mean absolute error per angle.
    fn render_poses(&self, s: &mut String) {
        if self.poses.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\nhead pose, degrees (labelled -> measured)   yaw             pitch           roll"
        );
        let mut sum = [0.0f32; 3];
        let mut n = 0usize;
        for row in &self.poses {
            let l = [row.labelled.yaw, row.labelled.pitch, row.labelled.roll];
            let _ = match row.measured {
                Some(m) => {
                    let m = [m.yaw, m.pitch, m.roll];
                    for k in 0..3 {
                        sum[k] += (m[k] - l[k]).abs();
                    }
                    n += 1;
                    writeln!(
                        s,
                        "  {:<40} {:>6.1} -> {:>6.1} {:>6.1} -> {:>6.1} {:>6.1} -> {:>6.1}",
                        row.who, l[0], m[0], l[1], m[1], l[2], m[2]
                    )
                }
                None => writeln!(s, "  {:<40} not measured", row.who),
            };
        }
        if n > 0 {
            let _ = writeln!(
                s,
                "  mean abs error over {n} of {} photos: yaw {:.1}, pitch {:.1}, roll {:.1}",
                self.poses.len(),
                sum[0] / n as f32,
                sum[1] / n as f32,
                sum[2] / n as f32
            );
        }
    }
}

/// Checks every labelled photo under `dir` and scores the expectations; with `live`, also
/// compares the live check with the full check on each photo.
pub fn score_sets(
    sets: &[LabelledSet],
    checker: &Checker,
    live: Option<&crate::live::LiveChecker>,
) -> FacesScore {
    let mut score = FacesScore::default();
    let defaults = crate::config::LiveConfig::default();
    let hold = chrono::Duration::milliseconds(i64::from(defaults.ready_after_ms));
    for set in sets {
        let mut judged = Vec::new();
        for (file, label) in &set.labels {
            let path = set.path_of(file);
            if let Some(live) = live
                && let Ok(img) = load_rgb(&path, LoadLimits::default())
                && let (Ok(full), Ok(seen)) = (live.full_still(&img), live.check(&img))
            {
                let who = format!("{}/{file}", set.name);
                score.agreement.add(&who, &full, &seen);
                judged.push(super::first_shot::Judged {
                    who,
                    labels: super::first_shot::live_labels(&label.checks),
                    full,
                    live: seen,
                });
            }
            let (outcome, pose) = judge(checker, &path);
            score.add(&set.name, file, &label.checks, &outcome);
            if let Some(labelled) = labelled_pose(label.raw.as_ref()) {
                score.poses.push(PoseRow {
                    who: format!("{}/{file}", set.name),
                    labelled,
                    measured: pose,
                });
            }
        }
        score.first_shot.extend(super::first_shot::sessions(
            &judged,
            defaults.steady_results as usize,
            hold,
        ));
    }
    score
}

/// The still-photo checks (as `tucai check`: no burst, no person mask) and the fitted head pose.
fn judge(checker: &Checker, path: &Path) -> (PhotoOutcome, Option<HeadPose>) {
    let img = match load_rgb(path, LoadLimits::default()) {
        Ok(img) => img,
        Err(e) => return (PhotoOutcome::Error(e.to_string()), None),
    };
    let found = match checker.find(&img) {
        Ok(found) => found,
        Err(e) => return (PhotoOutcome::Error(e.to_string()), None),
    };
    let pose = found.head_pose();
    let input = CheckInput {
        capture: &img,
        burst: &[],
        challenge: Challenge::Blink,
        person_mask: None,
    };
    match checker.check_found(&input, found) {
        Ok(checked) => (PhotoOutcome::Judged(verdicts(&checked.report)), pose),
        Err(e) => (PhotoOutcome::Error(e.to_string()), pose),
    }
}

/// `tucai eval faces DIR` with the given configuration's thresholds.
pub fn run(dir: &Path, config: &Config) -> Result<String, EvalError> {
    let sets = labelled_sets(dir)?;
    let checker = Checker::new(&config.checks, &config.photo)
        .map_err(|e| EvalError::Models(e.to_string()))?;
    let live = crate::live::LiveChecker::new(&config.checks, &config.photo)
        .map_err(|e| EvalError::Models(e.to_string()))?;
    Ok(score_sets(&sets, &checker, Some(&live)).render())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, Verdict)]) -> PhotoOutcome {
        PhotoOutcome::Judged(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect())
    }

    fn expect(pairs: &[(&str, bool)]) -> BTreeMap<String, bool> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn false_rejects_misses_and_unmeasured_are_told_apart() {
        let mut score = FacesScore::default();
        score.add(
            "yale",
            "a.png",
            &expect(&[("eyes.open", true), ("mouth.closed", false), ("*", false)]),
            &judged(&[
                ("eyes.open", Verdict::Failed),
                ("mouth.closed", Verdict::Passed),
                ("*", Verdict::Failed),
            ]),
        );
        score.add(
            "masks",
            "b.jpg",
            &expect(&[("face.occluded", false), ("eyes.open", true)]),
            &judged(&[("eyes.open", Verdict::Passed)]),
        );
        assert_eq!(score.total.expected, 5);
        assert_eq!(score.total.met, 3);
        let eyes = &score.by_check["eyes.open"];
        assert_eq!((eyes.met, eyes.expected), (1, 2));
        assert_eq!(eyes.false_rejects, ["yale/a.png"]);
        assert_eq!(score.by_check["mouth.closed"].misses, ["yale/a.png"]);
        // An id the station lacks fails as unmeasured: "caught", but shown as never measured.
        let occluded = &score.by_check["face.occluded"];
        assert_eq!(occluded.met, 1);
        assert_eq!(occluded.unmeasured, ["masks/b.jpg"]);
        assert_eq!(score.by_set["yale"].met, 1);
        let text = score.render();
        assert!(text.contains("5 expectations: 3 met (60.0 %)"), "{text}");
        assert!(
            text.contains("eyes.open false rejects: yale/a.png"),
            "{text}"
        );
    }

    #[test]
    fn an_unreadable_file_meets_nothing() {
        let mut score = FacesScore::default();
        score.add(
            "s",
            "bad.jpg",
            &expect(&[("eyes.open", true), ("*", false)]),
            &PhotoOutcome::Error("bad.jpg: damaged".into()),
        );
        assert_eq!(score.total.met, 0);
        assert_eq!(score.total.errors.len(), 2);
        assert!(score.render().contains("error s/bad.jpg: bad.jpg: damaged"));
    }

    #[test]
    fn pose_labels_are_read_and_their_error_averaged() {
        let raw = serde_json::json!({"yaw": 10.0, "pitch": -4.0, "roll": 2.5});
        let labelled = labelled_pose(Some(&raw)).unwrap();
        assert_eq!(labelled.pitch, -4.0);
        assert!(labelled_pose(Some(&serde_json::json!({"yaw": 1.0}))).is_none());
        assert!(labelled_pose(None).is_none());
        let mut score = FacesScore::default();
        score.poses.push(PoseRow {
            who: "p/a.jpg".into(),
            labelled,
            measured: Some(HeadPose {
                yaw: 13.0,
                pitch: -4.0,
                roll: 0.5,
            }),
        });
        score.poses.push(PoseRow {
            who: "p/b.jpg".into(),
            labelled: HeadPose {
                yaw: -20.0,
                pitch: 0.0,
                roll: 0.0,
            },
            measured: Some(HeadPose {
                yaw: -19.0,
                pitch: 2.0,
                roll: 0.0,
            }),
        });
        score.poses.push(PoseRow {
            who: "p/c.jpg".into(),
            labelled,
            measured: None,
        });
        let text = score.render();
        assert!(
            text.contains("mean abs error over 2 of 3 photos: yaw 2.0, pitch 1.0, roll 1.0"),
            "{text}"
        );
        assert!(
            text.contains("p/c.jpg") && text.contains("not measured"),
            "{text}"
        );
    }

    #[test]
    fn the_agreement_counts_equal_live_verdicts_per_check() {
        use crate::lab::failing;
        // Liveness is no live check: its verdict differs and is never compared.
        let full = failing(CheckId::Liveness, "", "");
        let live = failing(CheckId::FaceSize, "", "");
        let n = crate::live::LIVE.len();
        let mut a = Agreement::default();
        a.add("s/a.jpg", &full, &live);
        a.add("s/b.jpg", &full, &full);
        assert_eq!(a.total(), (2 * n - 1, 2 * n));
        assert_eq!(a.by_check["face.size"], (1, 2));
        assert_eq!(a.by_check["mouth.closed"], (2, 2));
        assert!(!a.by_check.contains_key("liveness"));
        let mut score = FacesScore {
            agreement: a,
            ..FacesScore::default()
        };
        score.photos = 2;
        let text = score.render();
        let line = format!(
            "live check agrees with the full check: {}/{} ",
            2 * n - 1,
            2 * n
        );
        assert!(text.contains(&line), "{text}");
        assert!(
            text.contains("differs: s/a.jpg face.size: pass -> fail"),
            "{text}"
        );
    }

    #[test]
    fn the_overall_verdict_ignores_liveness_only() {
        use crate::check::CheckResult;
        let result = |id, passed| CheckResult {
            id,
            passed,
            value: Some(1.0),
            threshold: None,
            hint_zh: String::new(),
            hint_en: String::new(),
        };
        let report = CheckReport {
            checks: vec![
                result(CheckId::EyesOpen, true),
                result(CheckId::Liveness, false),
            ],
        };
        assert_eq!(verdicts(&report)[OVERALL], Verdict::Passed);
        let report = CheckReport {
            checks: vec![
                result(CheckId::EyesOpen, false),
                result(CheckId::Liveness, true),
            ],
        };
        let v = verdicts(&report);
        assert_eq!(v[OVERALL], Verdict::Failed);
        assert_eq!(v["eyes.open"], Verdict::Failed);
    }
}
