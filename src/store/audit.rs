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
        let mut lines = self.audit_newest(session, None)?;
        lines.reverse();
        Ok(lines)
    }

    /// The newest `limit` audit lines (all when `None`), newest first. The teacher screen shows
    /// a page of these every frame; the log itself grows for the station's whole life.
    pub fn audit_newest(
        &self,
        session: Option<SessionId>,
        limit: Option<u32>,
    ) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, session_id, student_id, actor, action, detail FROM audit
             WHERE ?1 IS NULL OR session_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        // SQLite reads a negative LIMIT as "no limit".
        let limit = limit.map_or(-1, i64::from);
        let rows = stmt
            .query_map(rusqlite::params![session.map(|s| s.0), limit], |r| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_lines_of_one_session_come_first_and_stop_at_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let t0 = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, 1, 9, 0, 0).unwrap();
        let a = store.open_session("2201", "Room 1", "王老师", t0).unwrap();
        let b = store.open_session("2202", "Room 2", "李老师", t0).unwrap();
        for i in 0..5 {
            let at = t0 + chrono::Duration::minutes(i);
            let session = if i % 2 == 0 { a } else { b };
            let line = NewAudit::station("scan_refused")
                .session(session)
                .detail(format!("line {i}"));
            store.audit(&line, at).unwrap();
        }
        let details = |lines: Vec<AuditEntry>| -> Vec<String> {
            lines.into_iter().map(|l| l.detail).collect()
        };
        // Session a has lines 0, 2, 4 (and its own open line, if any, is older).
        assert_eq!(
            details(store.audit_newest(Some(a), Some(2)).unwrap()),
            ["line 4", "line 2"]
        );
        let all = store.audit_log(None).unwrap();
        assert!(all.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
        assert_eq!(
            store.audit_newest(None, None).unwrap().len(),
            all.len(),
            "no limit reads every line"
        );
    }
}
