//! Capture sessions: one class, one place, one operator.

use super::{NewAudit, Result, Store, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub i64);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: SessionId,
    pub class_name: String,
    pub place: String,
    pub operator: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub purged_at: Option<DateTime<Utc>>,
    /// Students on the roster.
    pub students: u32,
}

impl Session {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    const COLUMNS: &'static str = "s.id, s.class_name, s.place, s.operator, s.opened_at, \
        s.closed_at, s.purged_at, (SELECT COUNT(*) FROM students t WHERE t.session_id = s.id)";

    fn from_row(
        row: &Row<'_>,
    ) -> rusqlite::Result<(Session, String, Option<String>, Option<String>)> {
        let opened: String = row.get(4)?;
        let closed: Option<String> = row.get(5)?;
        let purged: Option<String> = row.get(6)?;
        let session = Session {
            id: SessionId(row.get(0)?),
            class_name: row.get(1)?,
            place: row.get(2)?,
            operator: row.get(3)?,
            opened_at: DateTime::<Utc>::MIN_UTC,
            closed_at: None,
            purged_at: None,
            students: row.get(7)?,
        };
        Ok((session, opened, closed, purged))
    }

    fn with_times(
        (mut session, opened, closed, purged): (Session, String, Option<String>, Option<String>),
    ) -> Result<Session> {
        session.opened_at = from_db_time(&opened)?;
        session.closed_at = closed.as_deref().map(from_db_time).transpose()?;
        session.purged_at = purged.as_deref().map(from_db_time).transpose()?;
        Ok(session)
    }
}

impl Store {
    /// Opens a new session and records it in the audit log.
    pub fn open_session(
        &mut self,
        class_name: &str,
        place: &str,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<SessionId> {
        for (what, value) in [
            ("class", class_name),
            ("place", place),
            ("operator", operator),
        ] {
            if value.trim().is_empty() {
                return Err(StoreError::Conflict(format!(
                    "the {what} must not be empty"
                )));
            }
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO sessions (class_name, place, operator, opened_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                class_name.trim(),
                place.trim(),
                operator.trim(),
                to_db_time(now)
            ],
        )?;
        let id = SessionId(tx.last_insert_rowid());
        NewAudit::teacher(operator, "session.open")
            .session(id)
            .detail(format!(
                "class={} place={}",
                class_name.trim(),
                place.trim()
            ))
            .insert(&tx, now)?;
        tx.commit()?;
        Ok(id)
    }

    pub fn session(&self, id: SessionId) -> Result<Session> {
        let sql = format!(
            "SELECT {} FROM sessions s WHERE s.id = ?1",
            Session::COLUMNS
        );
        let raw = self
            .conn
            .query_row(&sql, [id.0], Session::from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("no session {id}")))?;
        Session::with_times(raw)
    }

    /// All sessions, newest first.
    pub fn sessions(&self) -> Result<Vec<Session>> {
        let sql = format!(
            "SELECT {} FROM sessions s ORDER BY s.id DESC",
            Session::COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let raws = stmt
            .query_map([], Session::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter().map(Session::with_times).collect()
    }

    /// Closes a session: no more students are photographed in it. Closing twice is an error that
    /// says so, not a silent success, so the teacher knows which session they were looking at.
    pub fn close_session(
        &mut self,
        id: SessionId,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let session = self.session(id)?;
        if !session.is_open() {
            return Err(StoreError::Conflict(format!(
                "session {id} is already closed"
            )));
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE sessions SET closed_at = ?2 WHERE id = ?1",
            params![id.0, to_db_time(now)],
        )?;
        NewAudit::teacher(operator, "session.close")
            .session(id)
            .insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }
}
