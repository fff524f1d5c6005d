//! The roster of a session and what each student told the station.

use super::{NewAudit, Result, SessionId, Store, StoreError};
use crate::config::FeeState;
use crate::roster::RosterRow;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StudentId(pub i64);

impl std::fmt::Display for StudentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A student on a session's roster. Holds personal data: never log it, mask it on screens.
#[derive(Debug, Clone, PartialEq)]
pub struct Student {
    pub id: StudentId,
    pub session: SessionId,
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub class_name: String,
    pub capture_code: Option<String>,
    pub eligible: bool,
    pub phone: Option<String>,
    pub notify_status: Option<bool>,
    pub notify_fee: Option<bool>,
    pub fee_state: FeeState,
    pub retake_allowed: bool,
    pub retake_reason: Option<String>,
}

impl Student {
    const COLUMNS: &'static str = "id, session_id, student_no, name, id_number, department, \
        class_name, capture_code, eligible, phone, notify_status, notify_fee, fee_state, \
        retake_allowed, retake_reason";

    fn from_row(r: &Row<'_>) -> rusqlite::Result<Student> {
        let fee: String = r.get(12)?;
        Ok(Student {
            id: StudentId(r.get(0)?),
            session: SessionId(r.get(1)?),
            student_no: r.get(2)?,
            name: r.get(3)?,
            id_number: r.get(4)?,
            department: r.get(5)?,
            class_name: r.get(6)?,
            capture_code: r.get(7)?,
            eligible: r.get(8)?,
            phone: r.get(9)?,
            notify_status: r.get(10)?,
            notify_fee: r.get(11)?,
            // The CHECK constraint keeps other values out; unpaid is the safe reading regardless.
            fee_state: FeeState::parse(&fee).unwrap_or_default(),
            retake_allowed: r.get(13)?,
            retake_reason: r.get(14)?,
        })
    }
}

/// What a roster import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub added: u32,
    /// Students already on the roster whose roster fields were replaced (their photos, drafts and
    /// locks are kept): a teacher re-imports a corrected file.
    pub updated: u32,
}

impl ImportSummary {
    pub fn total(&self) -> u32 {
        self.added + self.updated
    }
}

impl Store {
    /// Imports validated roster rows into an open session, all or nothing.
    pub fn import_roster(
        &mut self,
        session: SessionId,
        rows: &[RosterRow],
        operator: &str,
        fee_default: FeeState,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary> {
        let s = self.session(session)?;
        if !s.is_open() {
            return Err(StoreError::Conflict(format!(
                "session {session} is closed; open a new session to import a roster"
            )));
        }
        let tx = self.conn.transaction()?;
        let mut summary = ImportSummary::default();
        {
            // The file was validated as a whole (no code twice in it), so its students' old codes
            // are let go first: a re-import that swaps two students' codes then applies in one
            // pass, where row-by-row it collided with the other student's old code. A code held
            // by a student the file does not list still refuses the import.
            let mut release = tx.prepare(
                "UPDATE students SET capture_code = NULL WHERE session_id = ?1 AND student_no = ?2",
            )?;
            for row in rows {
                release.execute(params![session.0, row.student_no])?;
            }
            let mut exists =
                tx.prepare("SELECT 1 FROM students WHERE session_id = ?1 AND student_no = ?2")?;
            let mut upsert = tx.prepare(
                "INSERT INTO students (session_id, student_no, name, id_number, department,
                     class_name, capture_code, eligible, fee_state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (session_id, student_no) DO UPDATE SET
                     name = excluded.name, id_number = excluded.id_number,
                     department = excluded.department, class_name = excluded.class_name,
                     capture_code = excluded.capture_code, eligible = excluded.eligible",
            )?;
            for row in rows {
                let known = exists
                    .query_row(params![session.0, row.student_no], |_| Ok(()))
                    .optional()?
                    .is_some();
                upsert
                    .execute(params![
                        session.0,
                        row.student_no,
                        row.name,
                        row.id_number,
                        row.department,
                        row.class_name,
                        row.capture_code,
                        row.eligible,
                        fee_default.as_str(),
                    ])
                    .map_err(|e| match e.sqlite_error_code() {
                        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict(
                            format!(
                                "line {}: capture code already belongs to a student of this session whom the file does not list",
                                row.line
                            ),
                        ),
                        _ => StoreError::from(e),
                    })?;
                if known {
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
            }
        }
        NewAudit::teacher(operator, "roster.import")
            .session(session)
            .detail(format!(
                "added={} updated={}",
                summary.added, summary.updated
            ))
            .insert(&tx, now)?;
        tx.commit()?;
        Ok(summary)
    }

    pub fn student(&self, id: StudentId) -> Result<Student> {
        let sql = format!("SELECT {} FROM students WHERE id = ?1", Student::COLUMNS);
        self.conn
            .query_row(&sql, [id.0], Student::from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no student with id {id}")))
    }

    /// The session's roster in student-number order.
    pub fn students(&self, session: SessionId) -> Result<Vec<Student>> {
        let sql = format!(
            "SELECT {} FROM students WHERE session_id = ?1 ORDER BY student_no",
            Student::COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([session.0], Student::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The class names on any roster imported so far, sorted: teacher mode offers them when a
    /// new session is opened, so a class is typed once (by the roster) and not again.
    pub fn roster_classes(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT class_name FROM students WHERE class_name <> '' ORDER BY class_name",
        )?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    pub fn student_by_code(&self, session: SessionId, code: &str) -> Result<Option<Student>> {
        let sql = format!(
            "SELECT {} FROM students WHERE session_id = ?1 AND capture_code = ?2",
            Student::COLUMNS
        );
        Ok(self
            .conn
            .query_row(&sql, params![session.0, code], Student::from_row)
            .optional()?)
    }

    pub fn student_by_no(&self, session: SessionId, student_no: &str) -> Result<Option<Student>> {
        let sql = format!(
            "SELECT {} FROM students WHERE session_id = ?1 AND student_no = ?2",
            Student::COLUMNS
        );
        Ok(self
            .conn
            .query_row(&sql, params![session.0, student_no], Student::from_row)
            .optional()?)
    }

    /// Teacher look-up: exact student number, or a name containing `query`.
    pub fn search_students(&self, session: SessionId, query: &str) -> Result<Vec<Student>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {} FROM students WHERE session_id = ?1
               AND (student_no = ?2 OR instr(name, ?2) > 0)
             ORDER BY student_no LIMIT 50",
            Student::COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params![session.0, query], Student::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
