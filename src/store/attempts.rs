//! Attempts: every shot that was made into a photo and checked, and the one transaction that
//! records an attempt together with what the flow decided about it (draft, lock, audit).

use super::{NewAudit, Result, Store, StudentId, from_db_time, to_db_time};
use crate::check::FailureKind;
use chrono::{DateTime, Utc};
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttemptId(pub i64);

/// An attempt as stored. The report is kept as the JSON the checks produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: AttemptId,
    pub student: StudentId,
    pub taken_at: DateTime<Utc>,
    pub passed: bool,
    pub failure_kind: Option<FailureKind>,
    pub report_json: String,
    /// Relative to the data directory.
    pub original_path: Option<String>,
    pub photo_path: Option<String>,
}

/// A lock to place in the same transaction as an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewLock {
    pub kind: super::LockKind,
    /// `None`: until a teacher unlocks.
    pub until: Option<DateTime<Utc>>,
}

/// Everything one checked shot writes: the attempt, maybe a draft, maybe a lock, audit lines.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttempt {
    pub student: StudentId,
    pub taken_at: DateTime<Utc>,
    pub passed: bool,
    pub failure_kind: Option<FailureKind>,
    pub report_json: String,
    pub original_path: Option<String>,
    pub photo_path: Option<String>,
    pub save_draft: bool,
    pub lock: Option<NewLock>,
    pub audit: Vec<NewAudit>,
}

/// What [`Store::record_attempt`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedAttempt {
    pub attempt: AttemptId,
    pub draft: Option<super::DraftId>,
    pub lock: Option<super::LockId>,
}

impl Store {
    /// Records a checked shot and its consequences in one transaction.
    pub fn record_attempt(&mut self, a: &NewAttempt) -> Result<RecordedAttempt> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO attempts (student_id, taken_at, passed, failure_kind, report_json,
                 original_path, photo_path)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                a.student.0,
                to_db_time(a.taken_at),
                a.passed,
                a.failure_kind.map(FailureKind::as_str),
                a.report_json,
                a.original_path,
                a.photo_path
            ],
        )?;
        let attempt = AttemptId(tx.last_insert_rowid());
        let draft = if a.save_draft {
            tx.execute(
                "INSERT INTO drafts (student_id, attempt_id, saved_at) VALUES (?1, ?2, ?3)",
                params![a.student.0, attempt.0, to_db_time(a.taken_at)],
            )?;
            Some(super::DraftId(tx.last_insert_rowid()))
        } else {
            None
        };
        let lock = match a.lock {
            Some(l) => {
                tx.execute(
                    "INSERT INTO locks (student_id, kind, locked_at, until_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![
                        a.student.0,
                        l.kind.as_str(),
                        to_db_time(a.taken_at),
                        l.until.map(to_db_time)
                    ],
                )?;
                Some(super::LockId(tx.last_insert_rowid()))
            }
            None => None,
        };
        for line in &a.audit {
            line.insert(&tx, a.taken_at)?;
        }
        tx.commit()?;
        Ok(RecordedAttempt {
            attempt,
            draft,
            lock,
        })
    }

    /// A student's attempts, oldest first.
    pub fn attempts(&self, student: StudentId) -> Result<Vec<Attempt>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, taken_at, passed, failure_kind, report_json, original_path, photo_path
             FROM attempts WHERE student_id = ?1 ORDER BY taken_at, id",
        )?;
        let raws = stmt
            .query_map([student.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter()
            .map(
                |(id, at, passed, kind, report_json, original_path, photo_path)| {
                    let failure_kind = match kind {
                        Some(k) => Some(FailureKind::parse(&k).ok_or_else(|| {
                            super::StoreError::Corrupt(format!("attempt {id}: failure kind `{k}`"))
                        })?),
                        None => None,
                    };
                    Ok(Attempt {
                        id: AttemptId(id),
                        student,
                        taken_at: from_db_time(&at)?,
                        passed,
                        failure_kind,
                        report_json,
                        original_path,
                        photo_path,
                    })
                },
            )
            .collect()
    }
}
