//! Teacher actions (SPEC §3) through the flow, so the rules stay in one place: each writes its
//! audit line naming the operator in the same transaction as the change.
//!
//! A photo taken elsewhere (a studio photo on a USB stick) comes in through
//! [`Flow::teacher_add_photo`], made and checked by the same lab as a shot at the station. Its
//! rules, and why:
//! - every check but liveness must pass. Liveness needs the burst taken at the station and cannot
//!   be measured on a file; the teacher's audited action stands in for it, and the stored report
//!   says so in the liveness entry's hint (marked passed, no value) so the export and the office
//!   see who vouched for the person instead of a failed check;
//! - a photo that fails is refused with the failed checks ([`FlowError::PhotoRefused`]) and
//!   stored as nothing but an audit line: the student did not take it, so it is no attempt of
//!   theirs and places no cool-down and no lock;
//! - a full draft box, a confirmed student without an allowed retake (or a review reset), a
//!   closed session and a student of another session than the station's are refused as at the
//!   station;
//! - the student's own lock or cool-down does not block the teacher: the teacher is the one who
//!   would lift it. A lock stays in force (lifting it is its own audited action), so a student
//!   under a liveness or fraud lock still cannot confirm the added draft;
//! - eligibility and the capture window are not applied: adding a photo is itself the teacher
//!   deciding about this student, recorded in the audit line;
//! - the photo becomes a draft like any passed shot (an attempt that passed, so a run of the
//!   student's failed shots ends with it), and the student confirms it at the station.

use super::files;
use super::state::{Effect, MadePhoto, Progress, ProgressBoard, ProgressRow, Refusal};
use super::{Flow, FlowError, Result, rules};
use crate::check::{CheckId, CheckResult};
use crate::config::FeeState;
use crate::store::{DraftId, LockKind, NewAttempt, NewAudit, SessionId, StoreError, StudentId};

/// The liveness entry stored with a photo a teacher added: not measured, vouched for.
pub(super) fn teacher_liveness() -> CheckResult {
    CheckResult {
        id: CheckId::Liveness,
        passed: true,
        value: None,
        threshold: None,
        hint_zh: "未测量：照片由老师从文件添加，无法做活体检测；以老师的操作记录代替。".into(),
        hint_en: "Not measured: the photo was added from a file by a teacher, where liveness \
                  cannot be measured; the teacher's audited action stands in for it."
            .into(),
    }
}

impl Flow {
    /// Lifts a liveness or fraud lock (until-unlock locks).
    pub fn unlock(&mut self, operator: &str, student: StudentId) -> Result<()> {
        self.lift(operator, student, "student.unlock", |k| {
            matches!(k, LockKind::Liveness | LockKind::Fraud)
        })
    }

    /// Lifts a timed lock (too many failures) before it runs out.
    pub fn lift_timed_lock(&mut self, operator: &str, student: StudentId) -> Result<()> {
        self.lift(operator, student, "student.lift_lock", |k| {
            k == LockKind::Failures
        })
    }

    fn lift(
        &mut self,
        operator: &str,
        student: StudentId,
        action: &str,
        kind: impl Fn(LockKind) -> bool,
    ) -> Result<()> {
        let now = self.clock.now();
        let s = self.store.student(student)?;
        let ids: Vec<_> = self
            .store
            .locks(student)?
            .into_iter()
            .filter(|l| kind(l.kind) && l.active_at(now))
            .map(|l| l.id)
            .collect();
        if ids.is_empty() {
            return Err(Refusal::NotLocked.into());
        }
        let audit = NewAudit::teacher(operator, action)
            .session(s.session)
            .student(student);
        self.store
            .lift_locks(&ids, &format!("teacher:{}", operator.trim()), &audit, now)?;
        self.after_teacher(student)
    }

    /// Lets a confirmed student be photographed again; the confirmation stays until they
    /// confirm a new photo.
    pub fn allow_retake(&mut self, operator: &str, student: StudentId) -> Result<()> {
        let now = self.clock.now();
        let s = self.store.student(student)?;
        if self.store.confirmation(student)?.is_none() {
            return Err(Refusal::NotConfirmed.into());
        }
        let audit = NewAudit::teacher(operator, "student.allow_retake")
            .session(s.session)
            .student(student);
        self.store.set_retake_allowed(student, true, &audit, now)?;
        self.after_teacher(student)
    }

    /// Deletes a draft at once (a student must wait `draft_delete_after_hours`). The confirmed
    /// photo is refused: allow a retake instead.
    pub fn teacher_delete_draft(&mut self, operator: &str, draft: DraftId) -> Result<()> {
        let now = self.clock.now();
        let student = self.store.draft_owner(draft)?.ok_or(Refusal::NoSuchDraft)?;
        let d = self.own_draft(student, draft)?;
        if d.confirmed {
            return Err(Refusal::DraftConfirmed.into());
        }
        let s = self.store.student(student)?;
        let audit = NewAudit::teacher(operator, "draft.delete")
            .session(s.session)
            .student(student)
            .detail(format!("draft={draft}"));
        self.store
            .delete_draft(draft, &format!("teacher:{}", operator.trim()), &audit, now)?;
        self.after_teacher(student)
    }

    pub fn set_fee_state(
        &mut self,
        operator: &str,
        student: StudentId,
        fee: FeeState,
    ) -> Result<()> {
        let now = self.clock.now();
        let s = self.store.student(student)?;
        let audit = NewAudit::teacher(operator, "student.fee")
            .session(s.session)
            .student(student)
            .detail(format!("{} -> {}", s.fee_state.as_str(), fee.as_str()));
        self.store.set_fee_state(student, fee, &audit, now)?;
        if let Some(card) = self.student.as_mut().filter(|c| c.id == student) {
            card.fee = fee;
        }
        self.after_teacher(student)
    }

    /// Ends a session; a student of it at the station is sent back to the welcome screen (the
    /// effects say what to forget).
    pub fn close_session(&mut self, operator: &str, session: SessionId) -> Result<Vec<Effect>> {
        let now = self.clock.now();
        self.store.close_session(session, operator, now)?;
        if let Some(card) = &self.student
            && self.store.student(card.id)?.session == session
        {
            return Ok(self.reset());
        }
        Ok(Vec::new())
    }

    /// Whether a teacher may add a photo for `student` now (see the module doc); cheap, so a
    /// caller can ask before spending a second on making and checking the photo.
    pub fn teacher_may_add_photo(&self, student: StudentId) -> Result<()> {
        let s = self.store.student(student)?;
        if self.session.is_some_and(|open| open != s.session) {
            return Err(Refusal::OtherSession.into());
        }
        if !self.store.session(s.session)?.is_open() {
            return Err(Refusal::SessionClosed.into());
        }
        if self.store.confirmation(student)?.is_some()
            && !s.retake_allowed
            && s.retake_reason.is_none()
        {
            return Err(Refusal::AlreadyConfirmed.into());
        }
        let capacity = self.settings.flow.draft_box_size;
        if self.drafts_in_box(student)? >= capacity {
            return Err(Refusal::DraftBoxFull { capacity }.into());
        }
        Ok(())
    }

    /// Adds a photo taken elsewhere, made and checked by the lab without a burst, as `student`'s
    /// draft. The rules are in the module doc. The capture files are written like a station
    /// shot's; the attempt, the draft and the audit line naming `operator` are one transaction.
    pub fn teacher_add_photo(
        &mut self,
        operator: &str,
        student: StudentId,
        made: MadePhoto,
    ) -> Result<DraftId> {
        let now = self.clock.now();
        self.teacher_may_add_photo(student)?;
        let s = self.store.student(student)?;
        let failed: Vec<CheckResult> = CheckId::ALL
            .into_iter()
            .filter(|&id| id != CheckId::Liveness)
            .filter_map(|id| match made.report.get(id) {
                Some(c) if c.passed => None,
                Some(c) => Some(c.clone()),
                // A check that did not run is no pass: a report cut short must not slip through.
                None => Some(CheckResult {
                    id,
                    passed: false,
                    value: None,
                    threshold: None,
                    hint_zh: "未运行此项检测。".into(),
                    hint_en: "This check did not run.".into(),
                }),
            })
            .collect();
        let not_made = match (&made.photo_jpeg, &made.make_error) {
            (_, Some(why)) => Some(why.reason.clone()),
            (None, None) => Some("no standard photo was made".to_string()),
            (Some(_), None) => None,
        };
        let (Some(photo_jpeg), None, true) = (&made.photo_jpeg, &not_made, failed.is_empty())
        else {
            let ids: Vec<&str> = failed.iter().map(|c| c.id.as_str()).collect();
            let mut detail = format!("failed={}", ids.join(","));
            if not_made.is_some() {
                detail.push_str(" photo=not_made");
            }
            let line = NewAudit::teacher(operator, "photo.add_refused")
                .session(s.session)
                .student(student)
                .detail(detail);
            self.store.audit(&line, now)?;
            return Err(FlowError::PhotoRefused {
                failed,
                make_error: not_made,
            });
        };

        let mut report = made.report.clone();
        match report.checks.iter_mut().find(|c| c.id == CheckId::Liveness) {
            Some(c) => *c = teacher_liveness(),
            None => report.checks.push(teacher_liveness()),
        }
        let n = self.store.attempts(student)?.len() + 1;
        let dir = format!("captures/{}/{}", s.session, student);
        let original = format!("{dir}/{n}-original.jpg");
        let photo = format!("{dir}/{n}-photo.jpg");
        files::write_atomic(&self.store.data_dir().join(&original), &made.original_jpeg)?;
        files::write_atomic(&self.store.data_dir().join(&photo), photo_jpeg)?;
        let report_json = serde_json::to_string(&report)
            .map_err(|e| StoreError::Corrupt(format!("check report: {e}")))?;
        let recorded = self.store.record_attempt(&NewAttempt {
            student,
            taken_at: now,
            passed: true,
            failure_kind: None,
            report_json,
            original_path: Some(original),
            photo_path: Some(photo),
            save_draft: true,
            lock: None,
            audit: vec![
                NewAudit::teacher(operator, "photo.add")
                    .session(s.session)
                    .student(student)
                    .detail(format!("attempt={n} liveness=teacher")),
            ],
        })?;
        let draft = recorded
            .draft
            .ok_or_else(|| StoreError::Corrupt("a saved draft has no id".into()))?;
        self.after_teacher(student)?;
        Ok(draft)
    }

    /// The teacher's board for a session.
    pub fn progress(&self, session: SessionId) -> Result<ProgressBoard> {
        let now = self.clock.now();
        let mut board = ProgressBoard::default();
        for s in self.store.students(session)? {
            let attempts = self.store.attempts(s.id)?;
            let drafts = self.store.drafts(s.id)?;
            let locks = self.store.locks(s.id)?;
            let lock = rules::active_lock(&locks, now);
            let lock_cause = locks
                .iter()
                .filter(|l| l.active_at(now))
                .min_by_key(|l| (l.until.is_some(), l.until))
                .map(|l| rules::lock_cause(&attempts, l))
                .unwrap_or_default();
            let confirmed = drafts.iter().any(|d| d.confirmed);
            let progress = if confirmed && !s.retake_allowed && s.retake_reason.is_none() {
                Progress::Confirmed
            } else if lock.is_some() {
                Progress::Locked
            } else if drafts.iter().any(|d| !d.confirmed) {
                Progress::Drafted
            } else if confirmed || !attempts.is_empty() || s.phone.is_some() {
                Progress::InProgress
            } else {
                Progress::NotStarted
            };
            let c = &mut board.counts;
            match progress {
                Progress::NotStarted => c.not_started += 1,
                Progress::InProgress => c.in_progress += 1,
                Progress::Drafted => c.drafted += 1,
                Progress::Confirmed => c.confirmed += 1,
                Progress::Locked => c.locked += 1,
            }
            board.rows.push(ProgressRow {
                student: s.id,
                student_no: s.student_no,
                name: s.name,
                progress,
                attempts: attempts.len() as u32,
                drafts: drafts.iter().filter(|d| !d.confirmed).count() as u32,
                lock,
                lock_cause,
                fee: s.fee_state,
                retake_allowed: s.retake_allowed,
                retake_reason: s.retake_reason,
            });
        }
        Ok(board)
    }

    /// A teacher changed something about `student`: if they are at the station, redraw.
    fn after_teacher(&mut self, student: StudentId) -> Result<()> {
        if self.student.as_ref().is_some_and(|c| c.id == student) {
            match self.step() {
                super::Step::Framing => self.show_framing()?,
                super::Step::DraftBox => self.show_box()?,
                _ => {}
            }
        }
        Ok(())
    }
}
