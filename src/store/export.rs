//! Queries of the export side: a session's confirmed photos, the students still missing, the
//! provincial review's resets, and the purge after the office confirmed an import.
//!
//! Reads the capture tables the flow writes (students → confirmations → drafts → attempts); the
//! only writes here are the review resets and the purge, both audited in their transaction.

use super::{NewAudit, Result, SessionId, Store, StoreError, StudentId, from_db_time, to_db_time};
use crate::config::FeeState;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use std::path::PathBuf;

/// A student with a live confirmation, and the attempt behind it. Personal data: never log it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmedRecord {
    pub student: StudentId,
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub class_name: String,
    pub phone: Option<String>,
    pub notify_status: Option<bool>,
    pub notify_fee: Option<bool>,
    pub fee_state: FeeState,
    pub confirmation_id: i64,
    pub confirmed_at: DateTime<Utc>,
    pub draft_saved_at: DateTime<Utc>,
    pub taken_at: DateTime<Utc>,
    /// The standard photo, relative to the data directory; `None` when the attempt has none
    /// (the export refuses such a row rather than skipping the student silently).
    pub photo_path: Option<PathBuf>,
    pub report_json: String,
}

/// A roster entry without a live confirmation (the office lists them as missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconfirmedRecord {
    pub student_no: String,
    pub name: String,
    pub department: String,
    pub class_name: String,
}

/// One line of the provincial review's reset list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewReset {
    pub student_no: String,
    pub reason: String,
}

/// What a review import did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewSummary {
    pub applied: u32,
    /// Student numbers of the list that are not on this session's roster (the list covers the
    /// whole school; they belong to other sessions).
    pub not_in_session: Vec<String>,
}

/// What a purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PurgeSummary {
    pub students: u32,
    pub attempts: u32,
}

type RawConfirmed = (ConfirmedRecord, String, String, String, String);

impl Store {
    /// The live confirmations of a session in student-number order.
    pub fn confirmed_records(&self, session: SessionId) -> Result<Vec<ConfirmedRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.student_no, s.name, s.id_number, s.department, s.class_name,
                    s.phone, s.notify_status, s.notify_fee, s.fee_state,
                    c.id, c.confirmed_at, d.saved_at, a.taken_at, a.photo_path, a.report_json
             FROM confirmations c
             JOIN students s ON s.id = c.student_id
             JOIN drafts d ON d.id = c.draft_id
             JOIN attempts a ON a.id = d.attempt_id
             WHERE s.session_id = ?1 AND c.superseded_at IS NULL
             ORDER BY s.student_no",
        )?;
        let raws = stmt
            .query_map([session.0], |r| {
                let fee: String = r.get(9)?;
                let photo: Option<String> = r.get(14)?;
                let record = ConfirmedRecord {
                    student: StudentId(r.get(0)?),
                    student_no: r.get(1)?,
                    name: r.get(2)?,
                    id_number: r.get(3)?,
                    department: r.get(4)?,
                    class_name: r.get(5)?,
                    phone: r.get(6)?,
                    notify_status: r.get(7)?,
                    notify_fee: r.get(8)?,
                    fee_state: FeeState::parse(&fee).unwrap_or_default(),
                    confirmation_id: r.get(10)?,
                    confirmed_at: DateTime::<Utc>::MIN_UTC,
                    draft_saved_at: DateTime::<Utc>::MIN_UTC,
                    taken_at: DateTime::<Utc>::MIN_UTC,
                    photo_path: photo.map(PathBuf::from),
                    report_json: r.get(15)?,
                };
                Ok((record, fee, r.get(11)?, r.get(12)?, r.get(13)?))
            })?
            .collect::<rusqlite::Result<Vec<RawConfirmed>>>()?;
        raws.into_iter()
            .map(|(mut rec, fee, confirmed, saved, taken)| {
                if FeeState::parse(&fee).is_none() {
                    return Err(StoreError::Corrupt(format!("fee state `{fee}`")));
                }
                rec.confirmed_at = from_db_time(&confirmed)?;
                rec.draft_saved_at = from_db_time(&saved)?;
                rec.taken_at = from_db_time(&taken)?;
                Ok(rec)
            })
            .collect()
    }

    /// Roster entries of a session without a live confirmation, in student-number order.
    pub fn unconfirmed_records(&self, session: SessionId) -> Result<Vec<UnconfirmedRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.student_no, s.name, s.department, s.class_name FROM students s
             WHERE s.session_id = ?1 AND NOT EXISTS (
                 SELECT 1 FROM confirmations c WHERE c.student_id = s.id AND c.superseded_at IS NULL)
             ORDER BY s.student_no",
        )?;
        let rows = stmt
            .query_map([session.0], |r| {
                Ok(UnconfirmedRecord {
                    student_no: r.get(0)?,
                    name: r.get(1)?,
                    department: r.get(2)?,
                    class_name: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Applies the provincial review's resets to a session, all in one transaction: each listed
    /// student of the session gets the reason and is allowed a retake, with an audit line.
    pub fn apply_review_resets(
        &mut self,
        session: SessionId,
        resets: &[ReviewReset],
        operator: &str,
        now: DateTime<Utc>,
    ) -> Result<ReviewSummary> {
        let s = self.session(session)?;
        if s.purged_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "session {session} was purged; the reset students must be photographed in a new session"
            )));
        }
        let tx = self.conn.transaction()?;
        let mut summary = ReviewSummary::default();
        {
            let mut find =
                tx.prepare("SELECT id FROM students WHERE session_id = ?1 AND student_no = ?2")?;
            let mut update = tx.prepare(
                "UPDATE students SET retake_reason = ?2, retake_allowed = 1 WHERE id = ?1",
            )?;
            for reset in resets {
                let id: Option<i64> = find
                    .query_row(params![session.0, reset.student_no], |r| r.get(0))
                    .optional()?;
                match id {
                    Some(id) => {
                        update.execute(params![id, reset.reason])?;
                        NewAudit::teacher(operator, "review.reset")
                            .session(session)
                            .student(StudentId(id))
                            .detail(format!("reason={}", reset.reason))
                            .insert(&tx, now)?;
                        summary.applied += 1;
                    }
                    None => summary.not_in_session.push(reset.student_no.clone()),
                }
            }
        }
        tx.commit()?;
        Ok(summary)
    }

    /// Capture files of a session (originals and standard photos), relative to the data dir.
    pub fn session_capture_paths(&self, session: SessionId) -> Result<Vec<PathBuf>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.original_path, a.photo_path FROM attempts a
             JOIN students s ON s.id = a.student_id WHERE s.session_id = ?1",
        )?;
        let mut paths = Vec::new();
        let rows = stmt.query_map([session.0], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })?;
        for row in rows {
            let (original, photo) = row?;
            paths.extend(original.into_iter().chain(photo).map(PathBuf::from));
        }
        Ok(paths)
    }

    /// Deletes a session's personal rows (students and, by cascade, their attempts, drafts,
    /// confirmations and locks) and marks the session purged, in one audited transaction that
    /// also records the capture files still to delete ([`Store::pending_purge_files`]). The caller
    /// then deletes them and calls [`Store::finish_purge`]; a purge killed in between is finished
    /// by running it again.
    pub fn purge_session_rows(
        &mut self,
        session: SessionId,
        operator: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<PurgeSummary> {
        self.session(session)?;
        let files = self.session_capture_paths(session)?;
        let pending: Vec<String> = files
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let pending = serde_json::to_string(&pending)
            .map_err(|e| StoreError::Corrupt(format!("capture paths: {e}")))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![purge_pending_key(session), pending],
        )?;
        let attempts: u32 = tx.query_row(
            "SELECT COUNT(*) FROM attempts a JOIN students s ON s.id = a.student_id
             WHERE s.session_id = ?1",
            [session.0],
            |r| r.get(0),
        )?;
        let students = tx.execute("DELETE FROM students WHERE session_id = ?1", [session.0])?;
        tx.execute(
            "UPDATE sessions SET purged_at = ?2 WHERE id = ?1",
            params![session.0, to_db_time(now)],
        )?;
        NewAudit::teacher(operator, "session.purge")
            .session(session)
            .detail(format!("students={students} attempts={attempts} {detail}"))
            .insert(&tx, now)?;
        tx.commit()?;
        Ok(PurgeSummary {
            students: students as u32,
            attempts,
        })
    }

    /// The last batch sequence number exported for a session (0: none yet). Kept so a fresh USB
    /// stick does not reuse a batch name the office has already seen.
    pub fn export_sequence(&self, session: SessionId) -> Result<u32> {
        Ok(self
            .setting(&export_sequence_key(session))?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Records a written batch: its sequence number and the audit line, in one transaction.
    pub fn record_export(
        &mut self,
        session: SessionId,
        sequence: u32,
        audit: &NewAudit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![export_sequence_key(session), sequence.to_string()],
        )?;
        audit.insert(&tx, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Capture files a purge of this session recorded and has not yet deleted (relative to the
    /// data directory).
    pub fn pending_purge_files(&self, session: SessionId) -> Result<Vec<PathBuf>> {
        let Some(json) = self.setting(&purge_pending_key(session))? else {
            return Ok(Vec::new());
        };
        let paths: Vec<String> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("pending purge list: {e}")))?;
        Ok(paths.into_iter().map(PathBuf::from).collect())
    }

    /// Forgets the pending file list once the files are gone.
    pub fn finish_purge(&mut self, session: SessionId) -> Result<()> {
        self.conn.execute(
            "DELETE FROM settings WHERE key = ?1",
            [purge_pending_key(session)],
        )?;
        Ok(())
    }
}

fn purge_pending_key(session: SessionId) -> String {
    format!("purge.pending.{session}")
}

fn export_sequence_key(session: SessionId) -> String {
    format!("export.sequence.{session}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::RosterRow;

    fn station_with_roster() -> (tempfile::TempDir, Store, SessionId) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        let session = store.open_session("C1", "P", "O", now).unwrap();
        let rows: Vec<RosterRow> = (1..=2)
            .map(|i| RosterRow {
                line: i + 1,
                student_no: format!("S{i}"),
                name: format!("N{i}"),
                id_number: "110101200001011234".into(),
                department: String::new(),
                class_name: "C1".into(),
                capture_code: None,
                eligible: true,
            })
            .collect();
        store
            .import_roster(session, &rows, "O", FeeState::Unpaid, now)
            .unwrap();
        (dir, store, session)
    }

    #[test]
    fn review_resets_mark_students_of_the_session_and_name_the_others() {
        let (_dir, mut store, session) = station_with_roster();
        let resets = [
            ReviewReset {
                student_no: "S1".into(),
                reason: "背景不符".into(),
            },
            ReviewReset {
                student_no: "X9".into(),
                reason: "其他".into(),
            },
        ];
        let summary = store
            .apply_review_resets(session, &resets, "O", Utc::now())
            .unwrap();
        assert_eq!(summary.applied, 1);
        assert_eq!(summary.not_in_session, ["X9"]);
        let s1 = store.student_by_no(session, "S1").unwrap().unwrap();
        assert_eq!(s1.retake_reason.as_deref(), Some("背景不符"));
        assert!(s1.retake_allowed);
        let s2 = store.student_by_no(session, "S2").unwrap().unwrap();
        assert!(!s2.retake_allowed);
        assert_eq!(store.unconfirmed_records(session).unwrap().len(), 2);
    }

    #[test]
    fn purge_deletes_the_rows_marks_the_session_and_refuses_later_resets() {
        let (_dir, mut store, session) = station_with_roster();
        let done = store
            .purge_session_rows(session, "O", "receipt=b", Utc::now())
            .unwrap();
        assert_eq!(done.students, 2);
        assert!(store.students(session).unwrap().is_empty());
        assert!(store.session(session).unwrap().purged_at.is_some());
        assert!(store.pending_purge_files(session).unwrap().is_empty());
        let err = store
            .apply_review_resets(
                session,
                &[ReviewReset {
                    student_no: "S1".into(),
                    reason: "r".into(),
                }],
                "O",
                Utc::now(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("purged"), "{err}");
    }

    #[test]
    fn the_export_sequence_is_remembered() {
        let (_dir, mut store, session) = station_with_roster();
        assert_eq!(store.export_sequence(session).unwrap(), 0);
        let audit = NewAudit::teacher("O", "session.export").session(session);
        store.record_export(session, 3, &audit, Utc::now()).unwrap();
        assert_eq!(store.export_sequence(session).unwrap(), 3);
    }
}
