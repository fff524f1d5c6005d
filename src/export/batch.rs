//! One export run: read a session's confirmed photos, build and sign the manifest, write the
//! batch to a [`Destination`] all at once. Re-running with nothing new is a no-op; new
//! confirmations (or changed student fields) make the next batch in sequence, which is a full
//! snapshot of the session so the newest batch alone is the truth.

use super::destination::Destination;
use super::key::StationKey;
use super::manifest::{
    self, BatchName, FileEntry, MANIFEST_CSV, MANIFEST_JSON, Manifest, ManualCheck, MissingEntry,
    PHOTOS_DIR, SIGNATURE, SessionInfo, StudentEntry,
};
use super::{ExportError, Result, sha256_hex};
use crate::check::CheckReport;
use crate::store::{NewAudit, SessionId, Store};
use chrono::{DateTime, Utc};

/// Where an export is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and hashing the photos from the data directory.
    Reading,
    /// Writing files to the destination.
    Writing,
    /// Making the batch visible.
    Committing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportOutcome {
    Written {
        batch: BatchName,
        students: usize,
        missing: usize,
        /// Hidden leftovers of interrupted exports that were removed first.
        discarded_partials: u32,
    },
    /// The destination already holds a batch with exactly this content.
    NoChange { batch: BatchName },
}

/// A session's exportable content, read once so the files written are the files hashed.
pub struct Snapshot {
    pub session: SessionInfo,
    pub students: Vec<(StudentEntry, Vec<u8>)>,
    pub missing: Vec<MissingEntry>,
    pub digest: String,
}

/// Reads a session's confirmed students, their photos and the missing list.
pub fn snapshot(
    store: &Store,
    station_id: &str,
    session: SessionId,
    progress: &mut dyn FnMut(Progress),
) -> Result<Snapshot> {
    let s = store.session(session)?;
    if s.purged_at.is_some() {
        return Err(ExportError::Refused(format!(
            "session {session} was purged; there is nothing left to export"
        )));
    }
    let records = store.confirmed_records(session)?;
    let mut ticks = store.manual_check_ticks(session)?;
    let total = records.len();
    let mut students = Vec::with_capacity(total);
    for (done, rec) in records.into_iter().enumerate() {
        progress(Progress {
            stage: Stage::Reading,
            done,
            total,
        });
        if !manifest::is_safe_student_no(&rec.student_no) {
            return Err(ExportError::Refused(format!(
                "a student number of session {session} has characters a file name cannot hold; \
                 correct the roster"
            )));
        }
        let rel = rec
            .photo_path
            .as_ref()
            .ok_or_else(|| ExportError::NoPhoto {
                student_no: rec.student_no.clone(),
            })?;
        let path = store.data_dir().join(rel);
        let bytes = std::fs::read(&path).map_err(|source| ExportError::Read { path, source })?;
        let report: CheckReport =
            serde_json::from_str(&rec.report_json).map_err(|e| ExportError::BadReport {
                student_no: rec.student_no.clone(),
                message: e.to_string(),
            })?;
        let (checks_passed, checks_failed) = manifest::summarise(&report);
        let entry = StudentEntry {
            photo: format!("{PHOTOS_DIR}/{}.jpg", rec.student_no),
            photo_sha256: sha256_hex(&bytes),
            student_no: rec.student_no,
            name: rec.name,
            id_number: rec.id_number,
            department: rec.department,
            class_name: rec.class_name,
            phone: rec.phone,
            notify_status: rec.notify_status,
            notify_fee: rec.notify_fee,
            fee_state: rec.fee_state.as_str().into(),
            confirmation_id: rec.confirmation_id,
            confirmed_at: rec.confirmed_at,
            draft_saved_at: rec.draft_saved_at,
            taken_at: rec.taken_at,
            checks_passed,
            checks_failed,
            report,
            manual_checks: ticks
                .remove(&rec.student)
                .unwrap_or_default()
                .into_iter()
                .map(|t| ManualCheck {
                    item: t.item,
                    checked_by: t.checked_by,
                    checked_at: t.checked_at,
                })
                .collect(),
        };
        students.push((entry, bytes));
    }
    let missing: Vec<MissingEntry> = store
        .unconfirmed_records(session)?
        .into_iter()
        .map(|m| MissingEntry {
            student_no: m.student_no,
            name: m.name,
            department: m.department,
            class_name: m.class_name,
        })
        .collect();
    let entries: Vec<StudentEntry> = students.iter().map(|(e, _)| e.clone()).collect();
    let digest = manifest::content_digest(station_id, session.0, &entries, &missing);
    Ok(Snapshot {
        session: SessionInfo {
            id: s.id.0,
            class_name: s.class_name,
            place: s.place,
            operator: s.operator,
            opened_at: s.opened_at,
            closed_at: s.closed_at,
        },
        students,
        missing,
        digest,
    })
}

/// The newest complete batch of a station's session at the destination, with its manifest.
pub fn latest_batch(
    dest: &dyn Destination,
    station_id: &str,
    session: SessionId,
) -> Result<Option<(BatchName, Manifest, Vec<u8>)>> {
    let latest = dest
        .complete_batches()?
        .into_iter()
        .filter(|b| b.station == station_id && b.session == session.0)
        .max();
    let Some(batch) = latest else {
        return Ok(None);
    };
    let bytes = dest
        .read(&batch, MANIFEST_JSON)?
        .ok_or_else(|| ExportError::Batch {
            batch: batch.to_string(),
            message: format!("{MANIFEST_JSON} is missing"),
        })?;
    let manifest = Manifest::from_json(&bytes, &batch.to_string())?;
    Ok(Some((batch, manifest, bytes)))
}

/// Who exports what: the parts of an export that are not the store or the destination.
#[derive(Debug, Clone, Copy)]
pub struct ExportRequest<'a> {
    /// `[station] id`, named in the batch and its manifest.
    pub station_id: &'a str,
    pub key: &'a StationKey,
    pub session: SessionId,
    /// Who is named in the audit line.
    pub operator: &'a str,
    pub now: DateTime<Utc>,
}

/// Exports a session's confirmed photos to `dest`.
pub fn export_session(
    store: &mut Store,
    req: &ExportRequest<'_>,
    dest: &dyn Destination,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportOutcome> {
    let ExportRequest {
        station_id,
        key,
        session,
        operator,
        now,
    } = *req;
    let snap = snapshot(store, station_id, session, progress)?;
    if snap.students.is_empty() {
        return Err(ExportError::NothingConfirmed(session.0));
    }
    let prefix = BatchName::prefix(station_id, session.0);
    let discarded_partials = dest.discard_partial(&prefix)?;
    let latest = latest_batch(dest, station_id, session)?;
    if let Some((batch, manifest, _)) = &latest
        && manifest.content_digest == snap.digest
    {
        return Ok(ExportOutcome::NoChange {
            batch: batch.clone(),
        });
    }
    let stored_seq = store.export_sequence(session)?;
    let dest_seq = latest.as_ref().map_or(0, |(b, _, _)| b.sequence);
    let batch = BatchName {
        station: station_id.into(),
        session: session.0,
        sequence: stored_seq.max(dest_seq) + 1,
    };

    let total = snap.students.len() + 3;
    let mut writer = dest.begin(&batch)?;
    let mut files = Vec::with_capacity(snap.students.len() + 1);
    for (done, (entry, bytes)) in snap.students.iter().enumerate() {
        progress(Progress {
            stage: Stage::Writing,
            done,
            total,
        });
        writer.put(&entry.photo, bytes)?;
        files.push(FileEntry {
            path: entry.photo.clone(),
            size: bytes.len() as u64,
            sha256: entry.photo_sha256.clone(),
        });
    }
    let students_count = snap.students.len();
    let mut manifest = Manifest {
        format: manifest::FORMAT.into(),
        batch: batch.to_string(),
        station_id: station_id.into(),
        station_key: key.fingerprint(),
        session: snap.session,
        sequence: batch.sequence,
        exported_at: now,
        content_digest: snap.digest,
        students: snap.students.into_iter().map(|(e, _)| e).collect(),
        missing: snap.missing,
        files: Vec::new(),
    };
    let csv = manifest.to_csv();
    writer.put(MANIFEST_CSV, &csv)?;
    files.push(FileEntry {
        path: MANIFEST_CSV.into(),
        size: csv.len() as u64,
        sha256: sha256_hex(&csv),
    });
    manifest.files = files;
    let json = manifest.to_json();
    progress(Progress {
        stage: Stage::Writing,
        done: total - 2,
        total,
    });
    writer.put(MANIFEST_JSON, &json)?;
    writer.put(SIGNATURE, format!("{}\n", key.sign_hex(&json)).as_bytes())?;
    progress(Progress {
        stage: Stage::Committing,
        done: total - 1,
        total,
    });
    writer.commit()?;
    progress(Progress {
        stage: Stage::Committing,
        done: total,
        total,
    });

    // The batch is out; recording it can only fail on a broken database, and then the next
    // export still finds the batch at the destination and continues the sequence from there.
    let audit = NewAudit::teacher(operator, "session.export")
        .session(session)
        .detail(format!(
            "batch={batch} students={students_count} to={}",
            dest.describe()
        ));
    store.record_export(session, batch.sequence, &audit, now)?;
    Ok(ExportOutcome::Written {
        batch,
        students: students_count,
        missing: manifest.missing.len(),
        discarded_partials,
    })
}
