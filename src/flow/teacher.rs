//! Teacher actions (SPEC §3) through the flow, so the rules stay in one place: each writes its
//! audit line naming the operator in the same transaction as the change.

use super::state::{Progress, ProgressBoard, ProgressRow, Refusal};
use super::{Flow, Result, rules};
use crate::config::FeeState;
use crate::store::{DraftId, LockKind, NewAudit, SessionId, StudentId};

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

    /// Ends a session; a student of it at the station is sent back to the welcome screen.
    pub fn close_session(&mut self, operator: &str, session: SessionId) -> Result<()> {
        let now = self.clock.now();
        self.store.close_session(session, operator, now)?;
        if let Some(card) = &self.student
            && self.store.student(card.id)?.session == session
        {
            self.reset();
        }
        Ok(())
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
