//! Conflicts between stations: one student confirmed at two stations (or in two sessions). The
//! merge keeps the newest confirmation by rule and notes both sides with their photos; the clerk
//! sees them side by side and may keep the other one. The choice is audited (`review_log`,
//! student number only) and stands when a later batch brings either photo again.

use super::{Office, OfficeError, Result, db};
use crate::store::to_db_time;
use chrono::{DateTime, Utc};
use rusqlite::params;

/// One side of a conflict: where the photo came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictSide {
    pub station: String,
    pub batch: String,
    /// RFC 3339 UTC.
    pub confirmed_at: String,
    pub photo_sha256: String,
}

/// A conflict to show: the student (personal data: for the clerk's eyes, never for logs) and the
/// two photos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictCase {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub class_name: String,
    /// The photo the rule kept (newest confirmation).
    pub kept: ConflictSide,
    pub dropped: ConflictSide,
    /// The student's photo now (the rule's or the clerk's choice).
    pub current_sha256: Option<String>,
    /// Who chose, when a clerk did.
    pub resolved_by: Option<String>,
}

fn side(r: &db::PhotoRow) -> ConflictSide {
    ConflictSide {
        station: r.station_id.clone(),
        batch: r.batch.clone(),
        confirmed_at: r.confirmed_at.clone(),
        photo_sha256: r.photo_sha256.clone(),
    }
}

impl Office {
    fn conflict_err(&self, e: rusqlite::Error) -> OfficeError {
        OfficeError::Database {
            path: self.dir.join(super::DB_FILE),
            message: e.to_string(),
        }
    }

    /// Every conflict noted with both photos, oldest first.
    pub fn conflict_cases(&self) -> Result<Vec<ConflictCase>> {
        let rows = db::conflict_rows(&self.conn).map_err(|e| self.conflict_err(e))?;
        let mut current = self
            .conn
            .prepare("SELECT photo_sha256 FROM photos WHERE student_no = ?1")
            .map_err(|e| self.conflict_err(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let now: Option<String> = current
                .query_row([&r.kept.student_no], |row| row.get(0))
                .ok();
            out.push(ConflictCase {
                id: r.id,
                student_no: r.kept.student_no.clone(),
                name: r.kept.name.clone(),
                class_name: r.kept.class_name.clone(),
                kept: side(&r.kept),
                dropped: side(&r.dropped),
                current_sha256: now,
                resolved_by: r.resolved_by,
            });
        }
        Ok(out)
    }

    /// The clerk keeps one photo of a conflict (`photo_sha256` of either side): it becomes the
    /// student's photo, with its row as its batch brought it; the choice is recorded and audited
    /// in one transaction.
    pub fn keep_conflict_photo(
        &mut self,
        id: i64,
        photo_sha256: &str,
        clerk: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let clerk = clerk.trim();
        if clerk.is_empty() {
            return Err(OfficeError::Invalid(
                "who decides must be named (the clerk field)".into(),
            ));
        }
        let rows = db::conflict_rows(&self.conn).map_err(|e| self.conflict_err(e))?;
        let Some(c) = rows.into_iter().find(|r| r.id == id) else {
            return Err(OfficeError::Invalid(format!("no conflict {id}")));
        };
        let (chosen, other) = if c.kept.photo_sha256 == photo_sha256 {
            (c.kept, c.dropped)
        } else if c.dropped.photo_sha256 == photo_sha256 {
            (c.dropped, c.kept)
        } else {
            return Err(OfficeError::Invalid(format!(
                "conflict {id} has no photo {photo_sha256}"
            )));
        };
        if !self.photo_path(&chosen.photo_sha256).is_file() {
            return Err(OfficeError::Invalid(format!(
                "the photo of batch {} is not in the office folder; import that batch again",
                chosen.batch
            )));
        }
        let err = |e: rusqlite::Error| OfficeError::Database {
            path: self.dir.join(super::DB_FILE),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(err)?;
        db::put_photo_row(&tx, &chosen).map_err(err)?;
        tx.execute(
            "UPDATE conflicts SET chosen_sha256 = ?2, resolved_by = ?3, resolved_at = ?4
             WHERE id = ?1",
            params![id, chosen.photo_sha256, clerk, to_db_time(now)],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT INTO review_log (at, clerk, action, student_no, detail)
             VALUES (?1, ?2, 'conflict.keep', ?3, ?4)",
            params![
                to_db_time(now),
                clerk,
                chosen.student_no,
                format!(
                    "kept {} of {} over {} of {}",
                    chosen.batch, chosen.station_id, other.batch, other.station_id
                )
            ],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(())
    }
}
