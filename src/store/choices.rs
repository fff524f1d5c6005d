//! What a student tells the station on the way (phone, notifications, guide watched) and the
//! fields a teacher sets on a student (fee state, retake allowed).

use super::{NewAudit, Result, Store, StoreError, StudentId, from_db_time, to_db_time};
use crate::config::FeeState;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

impl Store {
    fn update_student(
        &mut self,
        student: StudentId,
        sql: &str,
        args: &[&dyn rusqlite::ToSql],
        audit: Option<&NewAudit>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(sql, args)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "no student with id {student}"
            )));
        }
        if let Some(a) = audit {
            a.insert(&tx, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn set_phone(&mut self, student: StudentId, phone: &str, now: DateTime<Utc>) -> Result<()> {
        self.update_student(
            student,
            "UPDATE students SET phone = ?2 WHERE id = ?1",
            &[&student.0, &phone],
            None,
            now,
        )
    }

    pub fn set_notifications(
        &mut self,
        student: StudentId,
        status: bool,
        fee: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.update_student(
            student,
            "UPDATE students SET notify_status = ?2, notify_fee = ?3 WHERE id = ?1",
            &[&student.0, &status, &fee],
            None,
            now,
        )
    }

    /// Records that the guide played to the end once; the first time is kept.
    pub fn set_guide_watched(&mut self, student: StudentId, now: DateTime<Utc>) -> Result<()> {
        self.update_student(
            student,
            "UPDATE students SET guide_watched_at = COALESCE(guide_watched_at, ?2) WHERE id = ?1",
            &[&student.0, &to_db_time(now)],
            None,
            now,
        )
    }

    pub fn guide_watched_at(&self, student: StudentId) -> Result<Option<DateTime<Utc>>> {
        let raw: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT guide_watched_at FROM students WHERE id = ?1",
                [student.0],
                |r| r.get(0),
            )
            .optional()?;
        match raw {
            None => Err(StoreError::NotFound(format!(
                "no student with id {student}"
            ))),
            Some(t) => t.as_deref().map(from_db_time).transpose(),
        }
    }

    pub fn set_fee_state(
        &mut self,
        student: StudentId,
        fee: FeeState,
        audit: &NewAudit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.update_student(
            student,
            "UPDATE students SET fee_state = ?2 WHERE id = ?1",
            &[&student.0, &fee.as_str()],
            Some(audit),
            now,
        )
    }

    pub fn set_retake_allowed(
        &mut self,
        student: StudentId,
        allowed: bool,
        audit: &NewAudit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.update_student(
            student,
            "UPDATE students SET retake_allowed = ?2 WHERE id = ?1",
            &[&student.0, &allowed],
            Some(audit),
            now,
        )
    }
}
