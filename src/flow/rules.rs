//! The rules of SPEC §2 as pure functions over a student's stored attempts and locks, so every
//! counter is derived from the rows (nothing duplicated in memory that a restart could lose).

use super::state::LockView;
use crate::check::{CheckId, CheckReport, FailureKind};
use crate::config::FlowConfig;
use crate::store::{Attempt, Lock, LockKind, NewLock};
use chrono::{DateTime, Duration, Utc};

/// Failed attempts since the last pass (in stored order) and since the last time a teacher
/// lifted a lock, oldest first. A shot taken in the same millisecond as a lift came after it
/// (the lift is what let it be taken).
fn failure_run<'a>(attempts: &'a [Attempt], locks: &[Lock]) -> Vec<&'a Attempt> {
    let after_pass = attempts.iter().rposition(|a| a.passed).map_or(0, |i| i + 1);
    let lift = locks.iter().filter_map(|l| l.lifted_at).max();
    attempts[after_pass..]
        .iter()
        .filter(|a| lift.is_none_or(|l| a.taken_at >= l))
        .collect()
}

/// Cool-down length after the `n`th failure in a row (n ≥ 1): `cooldown_seconds ×
/// growth^(n-1)`, capped at `cooldown_max_seconds`.
pub fn cooldown_length(cfg: &FlowConfig, n: u32) -> Duration {
    if n == 0 {
        return Duration::zero();
    }
    let secs = f64::from(cfg.cooldown_seconds) * cfg.cooldown_growth.powi(n as i32 - 1);
    let capped = secs.min(f64::from(cfg.cooldown_max_seconds));
    Duration::milliseconds((capped * 1000.0).round() as i64)
}

/// When the next shot opens after the current failure run; `None` if no failure is pending.
pub fn cooldown_until(
    cfg: &FlowConfig,
    attempts: &[Attempt],
    locks: &[Lock],
) -> Option<DateTime<Utc>> {
    let run = failure_run(attempts, locks);
    let last = run.last()?;
    Some(last.taken_at + cooldown_length(cfg, run.len() as u32))
}

/// Attempts of `kind` that count towards that kind's lock. Other failures count in a row: since
/// the last pass or lift, and since the last failures lock was placed (its attempt started
/// the lock and is done with). Liveness failures are not reset by a pass (SPEC §2 says "after
/// 3", not "3 in a row"): they count since the last liveness lock was placed.
pub fn failures_towards_lock(attempts: &[Attempt], locks: &[Lock], kind: FailureKind) -> u32 {
    let lock_kind = match kind {
        FailureKind::Liveness => LockKind::Liveness,
        FailureKind::Other => LockKind::Failures,
        FailureKind::Fraud => LockKind::Fraud,
    };
    let placed = locks
        .iter()
        .filter(|l| l.kind == lock_kind)
        .map(|l| l.locked_at)
        .max();
    let pool: Vec<&Attempt> = match kind {
        FailureKind::Liveness => attempts.iter().filter(|a| !a.passed).collect(),
        _ => failure_run(attempts, locks),
    };
    pool.into_iter()
        .filter(|a| a.failure_kind == Some(kind) && placed.is_none_or(|p| a.taken_at > p))
        .count() as u32
}

/// The lock a new failure of `kind` at `now` places, given the history before it.
pub fn lock_for_failure(
    cfg: &FlowConfig,
    attempts: &[Attempt],
    locks: &[Lock],
    kind: FailureKind,
    now: DateTime<Utc>,
) -> Option<NewLock> {
    match kind {
        FailureKind::Fraud => Some(NewLock {
            kind: LockKind::Fraud,
            until: None,
        }),
        FailureKind::Liveness => {
            let n = failures_towards_lock(attempts, locks, kind) + 1;
            (n >= cfg.liveness_lock_after).then_some(NewLock {
                kind: LockKind::Liveness,
                until: None,
            })
        }
        FailureKind::Other => {
            let n = failures_towards_lock(attempts, locks, kind) + 1;
            (n >= cfg.failure_lock_after).then_some(NewLock {
                kind: LockKind::Failures,
                until: Some(now + Duration::minutes(i64::from(cfg.failure_lock_minutes))),
            })
        }
    }
}

/// The lock in force at `now`, the most severe first (until-unlock before timed).
pub fn active_lock(locks: &[Lock], now: DateTime<Utc>) -> Option<LockView> {
    locks
        .iter()
        .filter(|l| l.active_at(now))
        .min_by_key(|l| (l.until.is_some(), l.until))
        .map(|l| LockView {
            kind: l.kind,
            until: l.until,
        })
}

/// The checks that placed `lock`: the causes ([`CheckReport::causes`]) of the last failed shot
/// taken at or before the lock (the lock is written with that shot). Empty when the report
/// cannot be read (an older row) or no shot placed it.
///
/// [`CheckReport::causes`]: crate::check::CheckReport::causes
pub fn lock_cause(attempts: &[Attempt], lock: &Lock) -> Vec<CheckId> {
    attempts
        .iter()
        .rev()
        .find(|a| !a.passed && a.taken_at <= lock.locked_at)
        .and_then(|a| serde_json::from_str::<CheckReport>(&a.report_json).ok())
        .map(|r| r.causes().iter().map(|c| c.id).collect())
        .unwrap_or_default()
}

/// A mainland mobile number: `1[3-9]` and 9 more digits.
pub fn valid_phone(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// When a student may delete a draft saved at `saved_at`.
pub fn deletable_from(cfg: &FlowConfig, saved_at: DateTime<Utc>) -> DateTime<Utc> {
    saved_at + Duration::hours(i64::from(cfg.draft_delete_after_hours))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AttemptId, LockId, StudentId};

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-05-06T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn attempt(sec: i64, kind: Option<FailureKind>) -> Attempt {
        Attempt {
            id: AttemptId(sec),
            student: StudentId(1),
            taken_at: t0() + Duration::seconds(sec),
            passed: kind.is_none(),
            failure_kind: kind,
            report_json: "{}".into(),
            original_path: None,
            photo_path: None,
        }
    }

    #[test]
    fn cooldown_grows_and_is_capped() {
        let cfg = FlowConfig::default(); // 10 s, ×2, max 120 s
        let table = [
            (0, 0),
            (1, 10),
            (2, 20),
            (3, 40),
            (4, 80),
            (5, 120),
            (9, 120),
        ];
        for (n, secs) in table {
            assert_eq!(cooldown_length(&cfg, n), Duration::seconds(secs), "n={n}");
        }
    }

    #[test]
    fn a_pass_restarts_the_cooldown_run() {
        let cfg = FlowConfig::default();
        let o = Some(FailureKind::Other);
        let h = [
            attempt(0, o),
            attempt(100, o),
            attempt(200, None),
            attempt(300, o),
        ];
        assert_eq!(
            cooldown_until(&cfg, &h, &[]),
            Some(t0() + Duration::seconds(310))
        );
        assert_eq!(cooldown_until(&cfg, &h[..3], &[]), None);
        assert_eq!(
            cooldown_until(&cfg, &h[..2], &[]),
            Some(t0() + Duration::seconds(120))
        );
    }

    #[test]
    fn lock_thresholds_at_their_boundary() {
        let cfg = FlowConfig::default(); // liveness 3, other 5
        let now = t0() + Duration::hours(1);
        let table: [(FailureKind, usize, bool); 6] = [
            (FailureKind::Liveness, 1, false),
            (FailureKind::Liveness, 2, true), // the 3rd
            (FailureKind::Other, 3, false),
            (FailureKind::Other, 4, true), // the 5th
            (FailureKind::Fraud, 0, true),
            (FailureKind::Other, 0, false),
        ];
        for (kind, before, locks) in table {
            let h: Vec<_> = (0..before).map(|i| attempt(i as i64, Some(kind))).collect();
            let lock = lock_for_failure(&cfg, &h, &[], kind, now);
            assert_eq!(lock.is_some(), locks, "{kind:?} after {before}");
        }
    }

    #[test]
    fn a_pass_breaks_the_other_run_but_not_the_liveness_count() {
        let cfg = FlowConfig::default();
        let now = t0() + Duration::hours(1);
        let o = Some(FailureKind::Other);
        let l = Some(FailureKind::Liveness);
        let h = [
            attempt(0, o),
            attempt(1, o),
            attempt(2, o),
            attempt(3, o),
            attempt(4, None),
        ];
        assert!(lock_for_failure(&cfg, &h, &[], FailureKind::Other, now).is_none());
        let h = [attempt(0, l), attempt(1, None), attempt(2, l)];
        assert!(lock_for_failure(&cfg, &h, &[], FailureKind::Liveness, now).is_some());
    }

    #[test]
    fn an_unlock_starts_a_new_count() {
        let cfg = FlowConfig::default();
        let l = Some(FailureKind::Liveness);
        let h = [attempt(0, l), attempt(1, l), attempt(2, l)];
        let lock = Lock {
            id: LockId(1),
            student: StudentId(1),
            kind: LockKind::Liveness,
            locked_at: t0() + Duration::seconds(2),
            until: None,
            lifted_at: Some(t0() + Duration::seconds(50)),
            lifted_by: Some("t".into()),
        };
        let now = t0() + Duration::seconds(60);
        assert_eq!(
            failures_towards_lock(&h, std::slice::from_ref(&lock), FailureKind::Liveness),
            0
        );
        assert!(
            lock_for_failure(
                &cfg,
                &h,
                std::slice::from_ref(&lock),
                FailureKind::Liveness,
                now
            )
            .is_none()
        );
        assert_eq!(cooldown_until(&cfg, &h, std::slice::from_ref(&lock)), None);
        assert_eq!(active_lock(&[lock], now), None);
    }

    #[test]
    fn phones() {
        for (p, ok) in [
            ("13812345678", true),
            ("19912345678", true),
            ("12812345678", false),
            ("1381234567", false),
            ("138123456789", false),
            ("23812345678", false),
            ("1381234567a", false),
            ("", false),
        ] {
            assert_eq!(valid_phone(p), ok, "{p}");
        }
    }
}
