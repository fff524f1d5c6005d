//! The school's first review (学校初审, SPEC §6): the office looks at each confirmed photo and
//! approves or rejects it with a reason; the rejects are written as a reset list in the format
//! the station's `tucai review import` reads (`学号,原因`, UTF-8 with BOM), so a rejected student
//! is asked to retake on their next scan, exactly as for the provincial review.
//!
//! A decision belongs to one photo (its digest): when a later batch brings a new photo of the
//! student, the student is to be reviewed again. Decisions and written lists are logged in
//! `review_log` (student numbers only).

use super::{Office, OfficeError, Result};
use crate::store::{from_db_time, to_db_time};
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::path::{Path, PathBuf};

/// Reasons a clerk picks from (Chinese, English): what the provincial review rejects most.
pub const REASONS: &[(&str, &str)] = &[
    ("背景不符合要求", "Background not as required"),
    ("面部不清晰", "Face not sharp"),
    ("头部姿态不正", "Head not straight"),
    ("光线不均匀或过暗", "Uneven or dark lighting"),
    ("佩戴饰品或眼镜反光", "Jewellery or glasses glare"),
    ("头发遮挡面部或耳朵", "Hair over the face or ears"),
    ("着装或妆容不符合要求", "Clothing or makeup not as required"),
];

/// A clerk's decision on a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub approved: bool,
    pub reason: String,
    pub clerk: String,
    pub decided_at: DateTime<Utc>,
}

/// A confirmed photo to review. Personal data (a name): for the clerk's eyes, never for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub student_no: String,
    pub name: String,
    pub class_name: String,
    pub photo_sha256: String,
    /// The decision on this very photo, if any.
    pub decision: Option<Decision>,
}

impl Office {
    fn review_err(&self, e: rusqlite::Error) -> OfficeError {
        OfficeError::Database {
            path: self.dir.join(super::DB_FILE),
            message: e.to_string(),
        }
    }

    /// Every confirmed photo with its decision, by class then student number.
    pub fn review_items(&self) -> Result<Vec<ReviewItem>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.student_no, p.name, p.class_name, p.photo_sha256,
                        d.approved, d.reason, d.clerk, d.decided_at
                 FROM photos p LEFT JOIN review_decisions d
                   ON d.student_no = p.student_no AND d.photo_sha256 = p.photo_sha256
                 ORDER BY p.class_name, p.student_no",
            )
            .map_err(|e| self.review_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<bool>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.review_err(e))?;
        let mut items = Vec::with_capacity(rows.len());
        for (student_no, name, class_name, photo_sha256, approved, reason, clerk, at) in rows {
            let decision = match (approved, at) {
                (Some(approved), Some(at)) => Some(Decision {
                    approved,
                    reason: reason.unwrap_or_default(),
                    clerk: clerk.unwrap_or_default(),
                    decided_at: from_db_time(&at).map_err(|e| OfficeError::Database {
                        path: self.dir.join(super::DB_FILE),
                        message: e.to_string(),
                    })?,
                }),
                _ => None,
            };
            items.push(ReviewItem {
                student_no,
                name,
                class_name,
                photo_sha256,
                decision,
            });
        }
        Ok(items)
    }

    /// Records a decision on the student's current photo, with its log line, in one transaction.
    /// A reject needs a reason: the student is shown it.
    pub fn decide(
        &mut self,
        student_no: &str,
        approved: bool,
        reason: &str,
        clerk: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let reason = reason.trim();
        if !approved && reason.is_empty() {
            return Err(OfficeError::Invalid(format!(
                "student {student_no}: a reject needs a reason; the student is shown it"
            )));
        }
        let clerk = match clerk.trim() {
            "" => "office",
            c => c,
        };
        let dir = self.dir.clone();
        let err = |e: rusqlite::Error| OfficeError::Database {
            path: dir.join(super::DB_FILE),
            message: e.to_string(),
        };
        let tx = self.conn.transaction().map_err(err)?;
        let sha: Option<String> = tx
            .query_row(
                "SELECT photo_sha256 FROM photos WHERE student_no = ?1",
                [student_no],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(err)?;
        let Some(sha) = sha else {
            return Err(OfficeError::Invalid(format!(
                "student {student_no} has no confirmed photo at the office"
            )));
        };
        let reason = if approved { "" } else { reason };
        tx.execute(
            "INSERT INTO review_decisions (student_no, photo_sha256, approved, reason, clerk, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (student_no) DO UPDATE SET photo_sha256 = excluded.photo_sha256,
                approved = excluded.approved, reason = excluded.reason, clerk = excluded.clerk,
                decided_at = excluded.decided_at",
            params![student_no, sha, approved, reason, clerk, to_db_time(now)],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT INTO review_log (at, clerk, action, student_no, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                to_db_time(now),
                clerk,
                if approved { "review.approve" } else { "review.reject" },
                student_no,
                if approved { String::new() } else { format!("reason={reason}") }
            ],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(())
    }

    /// Writes the rejects of the current photos as a reset list into `dir` (a stick the station
    /// will read): `school-review-<time>.csv`. Returns the file and how many students it lists;
    /// with no rejects nothing is written.
    pub fn write_reset_list(
        &mut self,
        dir: &Path,
        clerk: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(PathBuf, usize)>> {
        let rejects: Vec<ReviewItem> = self
            .review_items()?
            .into_iter()
            .filter(|i| i.decision.as_ref().is_some_and(|d| !d.approved))
            .collect();
        if rejects.is_empty() {
            return Ok(None);
        }
        let mut csv_bytes = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut csv_bytes);
            let bad = |e: csv::Error| OfficeError::Invalid(format!("reset list: {e}"));
            w.write_record(["学号", "原因"]).map_err(bad)?;
            for r in &rejects {
                let reason = r.decision.as_ref().map(|d| d.reason.as_str()).unwrap_or("");
                w.write_record([r.student_no.as_str(), reason])
                    .map_err(bad)?;
            }
            w.flush().map_err(|source| OfficeError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let path = dir.join(format!(
            "school-review-{}.csv",
            now.with_timezone(&chrono::Local).format("%Y%m%d-%H%M%S")
        ));
        crate::atomic_file::write(&path, &csv_bytes).map_err(|source| OfficeError::Write {
            path: path.clone(),
            source,
        })?;
        let clerk = match clerk.trim() {
            "" => "office",
            c => c,
        };
        self.conn
            .execute(
                "INSERT INTO review_log (at, clerk, action, detail) VALUES (?1, ?2, 'review.reset_list', ?3)",
                params![
                    to_db_time(now),
                    clerk,
                    format!("students={} file={}", rejects.len(), path.display())
                ],
            )
            .map_err(|e| self.review_err(e))?;
        Ok(Some((path, rejects.len())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reject_needs_a_reason_and_an_unknown_student_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut office = Office::open(dir.path()).unwrap();
        let now = Utc::now();
        let e = office.decide("1", false, "  ", "王老师", now).unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        let e = office.decide("1", true, "", "王老师", now).unwrap_err();
        assert!(e.to_string().contains("no confirmed photo"), "{e}");
        assert!(office.review_items().unwrap().is_empty());
        assert!(
            office
                .write_reset_list(dir.path(), "王老师", now)
                .unwrap()
                .is_none()
        );
    }
}
