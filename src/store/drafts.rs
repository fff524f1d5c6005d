//! The draft box: passed attempts a student keeps, and the one they confirm.

use super::{AttemptId, NewAudit, Result, Store, StudentId, from_db_time, to_db_time};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DraftId(pub i64);

impl std::fmt::Display for DraftId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A draft that is not deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: DraftId,
    pub student: StudentId,
    pub attempt: AttemptId,
    pub saved_at: DateTime<Utc>,
    /// The standard photo, relative to the data directory.
    pub photo_path: Option<String>,
    /// This draft is the student's live confirmed photo.
    pub confirmed: bool,
}

/// A live confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    pub id: i64,
    pub student: StudentId,
    pub draft: DraftId,
    pub confirmed_at: DateTime<Utc>,
}

impl Store {
    /// A student's drafts that are not deleted, oldest first.
    pub fn drafts(&self, student: StudentId) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.attempt_id, d.saved_at, a.photo_path,
                    EXISTS (SELECT 1 FROM confirmations c
                            WHERE c.draft_id = d.id AND c.superseded_at IS NULL)
             FROM drafts d JOIN attempts a ON a.id = d.attempt_id
             WHERE d.student_id = ?1 AND d.deleted_at IS NULL ORDER BY d.saved_at, d.id",
        )?;
        let raws = stmt
            .query_map([student.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter()
            .map(|(id, attempt, saved, photo_path, confirmed)| {
                Ok(Draft {
                    id: DraftId(id),
                    student,
                    attempt: AttemptId(attempt),
                    saved_at: from_db_time(&saved)?,
                    photo_path,
                    confirmed,
                })
            })
            .collect()
    }

    /// The student a draft (deleted or not) belongs to.
    pub fn draft_owner(&self, draft: DraftId) -> Result<Option<StudentId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT student_id FROM drafts WHERE id = ?1",
                [draft.0],
                |r| r.get(0),
            )
            .optional()?
            .map(StudentId))
    }

    /// Marks a draft deleted (the files stay until the session is purged) with its audit line.
    pub fn delete_draft(
        &mut self,
        draft: DraftId,
        by: &str,
        audit: &NewAudit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE drafts SET deleted_at = ?2, deleted_by = ?3
             WHERE id = ?1 AND deleted_at IS NULL",
            params![draft.0, to_db_time(now), by],
        )?;
        audit.insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }

    /// The student's live confirmation, if any.
    pub fn confirmation(&self, student: StudentId) -> Result<Option<Confirmation>> {
        let raw = self
            .conn
            .query_row(
                "SELECT id, draft_id, confirmed_at FROM confirmations
                 WHERE student_id = ?1 AND superseded_at IS NULL",
                [student.0],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        raw.map(|(id, draft, at)| {
            Ok(Confirmation {
                id,
                student,
                draft: DraftId(draft),
                confirmed_at: from_db_time(&at)?,
            })
        })
        .transpose()
    }

    /// Confirms a draft in one transaction: a previous confirmation is superseded and its draft
    /// leaves the box (a retake replaces it), the retake flags are cleared, the audit line written.
    pub fn confirm_draft(
        &mut self,
        student: StudentId,
        draft: DraftId,
        audit: &NewAudit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let at = to_db_time(now);
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE drafts SET deleted_at = ?2, deleted_by = 'retake'
             WHERE id IN (SELECT draft_id FROM confirmations
                          WHERE student_id = ?1 AND superseded_at IS NULL AND draft_id <> ?3)",
            params![student.0, at, draft.0],
        )?;
        tx.execute(
            "UPDATE confirmations SET superseded_at = ?2
             WHERE student_id = ?1 AND superseded_at IS NULL",
            params![student.0, at],
        )?;
        tx.execute(
            "INSERT INTO confirmations (student_id, draft_id, confirmed_at) VALUES (?1, ?2, ?3)",
            params![student.0, draft.0, at],
        )?;
        tx.execute(
            "UPDATE students SET retake_allowed = 0, retake_reason = NULL WHERE id = ?1",
            [student.0],
        )?;
        audit.insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }
}
