//! The teacher's checklist on a confirmed photo: the items of SPEC §4 no machine judges reliably.
//! Each tick is for the live confirmed draft and audited with the operator.

use super::{NewAudit, Result, SessionId, Store, StoreError, StudentId, to_db_time};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// One tick as stored: which item, who gave it, when. It travels in the exported batch so the
/// office sees what the teacher looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualTick {
    pub item: String,
    pub checked_by: String,
    pub checked_at: DateTime<Utc>,
}

/// The items, as stored: earrings, hair over the ears, makeup.
pub const MANUAL_ITEMS: [&str; 3] = ["earrings", "hair_ears", "makeup"];

impl Store {
    /// The ticked items of each student of a session whose confirmed photo has any.
    pub fn manual_checks(&self, session: SessionId) -> Result<HashMap<StudentId, Vec<String>>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.student_id, m.item FROM manual_checks m
             JOIN confirmations c ON c.draft_id = m.draft_id AND c.superseded_at IS NULL
             JOIN students s ON s.id = c.student_id
             WHERE s.session_id = ?1",
        )?;
        let rows = stmt
            .query_map([session.0], |r| {
                Ok((StudentId(r.get(0)?), r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: HashMap<StudentId, Vec<String>> = HashMap::new();
        for (s, item) in rows {
            out.entry(s).or_default().push(item);
        }
        Ok(out)
    }

    /// The ticks on each student's confirmed photo, with who gave them and when, items in
    /// [`MANUAL_ITEMS`] order (for the export).
    pub fn manual_check_ticks(
        &self,
        session: SessionId,
    ) -> Result<HashMap<StudentId, Vec<ManualTick>>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.student_id, m.item, m.checked_by, m.checked_at FROM manual_checks m
             JOIN confirmations c ON c.draft_id = m.draft_id AND c.superseded_at IS NULL
             JOIN students s ON s.id = c.student_id
             WHERE s.session_id = ?1",
        )?;
        let rows = stmt
            .query_map([session.0], |r| {
                Ok((
                    StudentId(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: HashMap<StudentId, Vec<ManualTick>> = HashMap::new();
        for (s, item, checked_by, at) in rows {
            out.entry(s).or_default().push(ManualTick {
                item,
                checked_by,
                checked_at: super::from_db_time(&at)?,
            });
        }
        let rank = |item: &str| MANUAL_ITEMS.iter().position(|i| *i == item);
        for ticks in out.values_mut() {
            ticks.sort_by_key(|t| rank(&t.item));
        }
        Ok(out)
    }

    /// Ticks or unticks an item on the student's confirmed photo, with its audit line, in one
    /// transaction.
    pub fn set_manual_check(
        &mut self,
        student: StudentId,
        item: &str,
        checked: bool,
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !MANUAL_ITEMS.contains(&item) {
            return Err(StoreError::Conflict(format!("no checklist item `{item}`")));
        }
        let session = self.student(student)?.session;
        let tx = self.conn.transaction()?;
        let draft: Option<i64> = tx
            .query_row(
                "SELECT draft_id FROM confirmations WHERE student_id = ?1 AND superseded_at IS NULL",
                [student.0],
                |r| r.get(0),
            )
            .optional()?;
        let Some(draft) = draft else {
            return Err(StoreError::NotFound(format!(
                "student {student} has no confirmed photo to check"
            )));
        };
        if checked {
            tx.execute(
                "INSERT OR REPLACE INTO manual_checks (draft_id, item, checked_by, checked_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![draft, item, operator, to_db_time(now)],
            )?;
        } else {
            tx.execute(
                "DELETE FROM manual_checks WHERE draft_id = ?1 AND item = ?2",
                params![draft, item],
            )?;
        }
        NewAudit::teacher(operator, "photo.manual_check")
            .session(session)
            .student(student)
            .detail(format!("item={item} checked={}", u8::from(checked)))
            .insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }
}
