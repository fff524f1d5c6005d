//! INTERIM: the student journey as the window needs it, until `crate::flow` lands on this branch.
//!
//! The window must decide no rule itself; the flow branch owns the real state machine (steps,
//! refusals, locks, persistence). Until it is merged, this small in-memory stand-in lets every
//! screen be built, walked and tested. It keeps the same shape the GUI will use with the flow:
//! the screens read [`Walk`]'s state and send it events; nothing here touches the disk.
//! Replace `Walk` with `flow::Flow` and delete this file when the flow lands.

use super::lab::LabOutput;
use crate::check::{CheckReport, FailureKind};
use crate::config::{FeeState, FlowConfig};
use crate::store::Student;
use chrono::{DateTime, Duration, Utc};
use image::RgbImage;
use std::sync::Arc;

/// A photo that passed the checks and waits in the draft box.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: u32,
    pub saved_at: DateTime<Utc>,
    pub photo: Arc<RgbImage>,
    pub photo_jpeg: Vec<u8>,
    pub original_jpeg: Vec<u8>,
}

/// Why the student cannot shoot now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Until a teacher unlocks (liveness or fraud).
    Teacher,
    /// Until this time, or a teacher lifts it.
    Until(DateTime<Utc>),
}

/// One student at the station.
#[derive(Debug, Clone)]
pub struct Walk {
    pub student: Student,
    pub phone: Option<String>,
    pub notify_status: bool,
    pub notify_fee: bool,
    pub guide_played: bool,
    pub drafts: Vec<Draft>,
    pub chosen: Option<u32>,
    pub confirmed: Option<u32>,
    pub last_report: Option<CheckReport>,
    pub cooldown_until: Option<DateTime<Utc>>,
    pub lock: Option<Lock>,
    pub fee: FeeState,
    failures_in_row: u32,
    liveness_failures: u32,
    next_draft: u32,
}

impl Walk {
    pub fn new(student: Student) -> Walk {
        let fee = student.fee_state;
        Walk {
            phone: student.phone.clone(),
            notify_status: student.notify_status.unwrap_or(true),
            notify_fee: student.notify_fee.unwrap_or(true),
            student,
            guide_played: false,
            drafts: Vec::new(),
            chosen: None,
            confirmed: None,
            last_report: None,
            cooldown_until: None,
            lock: None,
            fee,
            failures_in_row: 0,
            liveness_failures: 0,
            next_draft: 1,
        }
    }

    pub fn box_full(&self, cfg: &FlowConfig) -> bool {
        self.drafts.len() >= cfg.draft_box_size as usize
    }

    /// Seconds of cool-down left (0 when the student may shoot).
    pub fn cooldown_left(&self, now: DateTime<Utc>) -> i64 {
        self.cooldown_until
            .map(|t| (t - now).num_milliseconds().max(0).div_euclid(1000) + i64::from(t > now))
            .unwrap_or(0)
            .max(0)
    }

    pub fn locked(&self, now: DateTime<Utc>) -> Option<Lock> {
        match self.lock {
            Some(Lock::Until(t)) if t <= now => None,
            l => l,
        }
    }

    pub fn may_shoot(&self, cfg: &FlowConfig, now: DateTime<Utc>) -> bool {
        !self.box_full(cfg) && self.cooldown_left(now) == 0 && self.locked(now).is_none()
    }

    /// The make+check result arrived.
    pub fn checked(&mut self, out: LabOutput, cfg: &FlowConfig, now: DateTime<Utc>) {
        let report = out.report.clone();
        match report.failure_kind() {
            None => {
                self.failures_in_row = 0;
                self.cooldown_until = None;
                self.drafts.push(Draft {
                    id: self.next_draft,
                    saved_at: now,
                    photo: out.photo,
                    photo_jpeg: out.photo_jpeg,
                    original_jpeg: out.original_jpeg,
                });
                self.chosen = Some(self.next_draft);
                self.next_draft += 1;
            }
            Some(kind) => {
                self.failures_in_row += 1;
                let secs = f64::from(cfg.cooldown_seconds)
                    * cfg.cooldown_growth.powi(self.failures_in_row as i32 - 1);
                let secs = secs.min(f64::from(cfg.cooldown_max_seconds)) as i64;
                self.cooldown_until = Some(now + Duration::seconds(secs));
                match kind {
                    FailureKind::Fraud => self.lock = Some(Lock::Teacher),
                    FailureKind::Liveness => {
                        self.liveness_failures += 1;
                        if self.liveness_failures >= cfg.liveness_lock_after {
                            self.lock = Some(Lock::Teacher);
                        }
                    }
                    FailureKind::Other => {
                        if self.failures_in_row >= cfg.failure_lock_after {
                            self.lock = Some(Lock::Until(
                                now + Duration::minutes(i64::from(cfg.failure_lock_minutes)),
                            ));
                        }
                    }
                }
            }
        }
        self.last_report = Some(report);
    }

    pub fn may_delete(&self, draft: &Draft, cfg: &FlowConfig, now: DateTime<Utc>) -> bool {
        now - draft.saved_at >= Duration::hours(i64::from(cfg.draft_delete_after_hours))
    }

    pub fn delete_draft(&mut self, id: u32) {
        self.drafts.retain(|d| d.id != id);
        if self.chosen == Some(id) {
            self.chosen = self.drafts.last().map(|d| d.id);
        }
    }

    /// A teacher unlocked the student or lifted a timed lock.
    pub fn unlock(&mut self) {
        self.lock = None;
        self.cooldown_until = None;
        self.failures_in_row = 0;
        self.liveness_failures = 0;
    }
}
