//! Locks of SPEC §2: liveness and fraud locks last until a teacher unlocks; a failures lock ends
//! at its time or when a teacher lifts it early.

use super::{NewAudit, Result, Store, StoreError, StudentId, from_db_time, to_db_time};
use chrono::{DateTime, Utc};
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LockId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockKind {
    /// Too many failed liveness checks: until a teacher unlocks.
    Liveness,
    /// A recaptured or beautified photo: until a teacher unlocks.
    Fraud,
    /// Too many other failures in a row: until `until`, or a teacher lifts it.
    Failures,
}

impl LockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LockKind::Liveness => "liveness",
            LockKind::Fraud => "fraud",
            LockKind::Failures => "failures",
        }
    }

    pub fn parse(s: &str) -> Option<LockKind> {
        match s {
            "liveness" => Some(LockKind::Liveness),
            "fraud" => Some(LockKind::Fraud),
            "failures" => Some(LockKind::Failures),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lock {
    pub id: LockId,
    pub student: StudentId,
    pub kind: LockKind,
    pub locked_at: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
    pub lifted_at: Option<DateTime<Utc>>,
    pub lifted_by: Option<String>,
}

impl Lock {
    /// In force at `now`: not lifted and not run out.
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        self.lifted_at.is_none() && self.until.is_none_or(|u| now < u)
    }
}

impl Store {
    /// A student's locks, oldest first.
    pub fn locks(&self, student: StudentId) -> Result<Vec<Lock>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, locked_at, until_at, lifted_at, lifted_by
             FROM locks WHERE student_id = ?1 ORDER BY locked_at, id",
        )?;
        let raws = stmt
            .query_map([student.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter()
            .map(|(id, kind, locked, until, lifted, lifted_by)| {
                Ok(Lock {
                    id: LockId(id),
                    student,
                    kind: LockKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("lock {id}: kind `{kind}`")))?,
                    locked_at: from_db_time(&locked)?,
                    until: until.as_deref().map(from_db_time).transpose()?,
                    lifted_at: lifted.as_deref().map(from_db_time).transpose()?,
                    lifted_by,
                })
            })
            .collect()
    }

    /// Lifts the given locks (all of a student's active ones the flow chose) with one audit line.
    pub fn lift_locks(
        &mut self,
        locks: &[LockId],
        by: &str,
        audit: &NewAudit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        for id in locks {
            tx.execute(
                "UPDATE locks SET lifted_at = ?2, lifted_by = ?3
                 WHERE id = ?1 AND lifted_at IS NULL",
                params![id.0, to_db_time(now), by],
            )?;
        }
        audit.insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }
}
