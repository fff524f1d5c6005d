//! The audit log: every teacher action and every refused scan, with who and when.
//! It lives in the database, not in a text log, because its lines may name a student.

use super::{Result, SessionId, Store, StudentId, from_db_time, to_db_time};
use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

/// A line about to be written. Built with the helpers, inserted inside the caller's transaction
/// so the action and its audit line commit together.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    pub session: Option<SessionId>,
    pub student: Option<StudentId>,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

impl NewAudit {
    /// An action by a teacher (named operator).
    pub fn teacher(operator: &str, action: &str) -> NewAudit {
        NewAudit {
            session: None,
            student: None,
            actor: format!("teacher:{}", operator.trim()),
            action: action.into(),
            detail: String::new(),
        }
    }

    /// Something the station did or refused on its own (a scan that matched nobody, a lock).
    pub fn station(action: &str) -> NewAudit {
        NewAudit {
            session: None,
            student: None,
            actor: "station".into(),
            action: action.into(),
            detail: String::new(),
        }
    }

    pub fn session(mut self, id: SessionId) -> Self {
        self.session = Some(id);
        self
    }

    pub fn student(mut self, id: StudentId) -> Self {
        self.student = Some(id);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn insert(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<()> {
        tx.execute(
            "INSERT INTO audit (at, session_id, student_id, actor, action, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                to_db_time(now),
                self.session.map(|s| s.0),
                self.student.map(|s| s.0),
                self.actor,
                self.action,
                self.detail
            ],
        )?;
        Ok(())
    }
}

/// A line as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub session: Option<SessionId>,
    pub student: Option<StudentId>,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

impl Store {
    /// Writes one audit line in its own transaction (for events that change nothing else).
    pub fn audit(&mut self, line: &NewAudit, now: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        line.insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }

    /// The audit log, oldest first; of one session when given.
    pub fn audit_log(&self, session: Option<SessionId>) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, session_id, student_id, actor, action, detail FROM audit
             WHERE ?1 IS NULL OR session_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([session.map(|s| s.0)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, at, session, student, actor, action, detail)| {
                Ok(AuditEntry {
                    id,
                    at: from_db_time(&at)?,
                    session: session.map(SessionId),
                    student: student.map(StudentId),
                    actor,
                    action,
                    detail,
                })
            })
            .collect()
    }
}
