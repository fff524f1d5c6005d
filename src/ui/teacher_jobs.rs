//! The work behind teacher mode's export, purge, review-list and studio-photo tabs, each the same
//! core calls as its command (`tucai export`, `key show`, `purge`, `review import`, `photo add`),
//! run on a [`Job`]'s thread so the GUI thread never waits on a USB stick, SQLite or the face
//! models. Plain functions, no egui: tested without a window.
//!
//! Must not touch: the rules (the export, purge and review rules are `crate::export`'s and the
//! store's; the photo rules the flow's). Errors name files and batches, never personal fields.

pub use super::job::{Counter, Job, Poll};
use crate::export::{
    self, Destination, ExportError, ExportOutcome, ExportRequest, FolderDestination, StationKey,
};
use crate::lab::{LabOutput, PhotoLab};
use crate::store::{ReviewSummary, SessionId, Store};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What an export or a purge needs, gathered on the GUI thread: both act on one session and the
/// stick the batches (and the office's receipt) are on.
#[derive(Debug, Clone)]
pub struct StickJobRequest {
    /// The station database file (the job opens its own connection).
    pub db: PathBuf,
    pub station_id: String,
    pub session: SessionId,
    pub operator: String,
    /// The folder the batches go into and the receipt comes back on (a USB stick or a folder on it).
    pub dest: PathBuf,
    pub now: DateTime<Utc>,
}

/// An export that went through, checked by reading it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exported {
    Written {
        batch: String,
        students: usize,
        missing: usize,
        /// Files read back from the destination and matched against the signed manifest.
        verified_files: usize,
    },
    /// Nothing new since the batch already there; nothing was written.
    NoChange { batch: String },
}

/// Why an export (or a trust file) did not reach the destination.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportFailure {
    /// The destination is not there (a stick pulled out, or never mounted).
    #[error("{0} is not there; plug the USB stick in again")]
    Gone(PathBuf),
    #[error("{0} is full")]
    Full(PathBuf),
    #[error("session has no confirmed photos yet")]
    NothingConfirmed,
    /// The batch was written but does not read back as written (a failing stick).
    #[error("the batch read back from {dest} does not match what was written: {why}")]
    Verify { dest: PathBuf, why: String },
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ExportFailure {
    fn from_export(e: ExportError, dest: &Path) -> ExportFailure {
        match e {
            ExportError::NothingConfirmed(_) => ExportFailure::NothingConfirmed,
            ExportError::Write { source, .. } if is_full(&source) => {
                ExportFailure::Full(dest.to_path_buf())
            }
            ExportError::Write { .. } | ExportError::Read { .. } if !dest.is_dir() => {
                ExportFailure::Gone(dest.to_path_buf())
            }
            e => ExportFailure::Export(e),
        }
    }
}

fn is_full(e: &std::io::Error) -> bool {
    // ENOSPC (28) and EDQUOT (122) on Linux; std names only the first.
    e.kind() == std::io::ErrorKind::StorageFull || matches!(e.raw_os_error(), Some(28 | 122))
}

/// Exports a session to `req.dest` (what `tucai export --to` does), then reads the new batch
/// back and verifies its signature and every file against the manifest, as the office will.
pub fn export_to_folder(
    req: &StickJobRequest,
    progress: &Counter,
) -> Result<Exported, ExportFailure> {
    if !req.dest.is_dir() {
        return Err(ExportFailure::Gone(req.dest.clone()));
    }
    let mut store = Store::open_file(&req.db)?;
    let key = StationKey::load_or_create(store.data_dir())?;
    let dest = FolderDestination::new(&req.dest);
    let request = ExportRequest {
        station_id: &req.station_id,
        key: &key,
        session: req.session,
        operator: &req.operator,
        now: req.now,
    };
    let outcome = export::export_session(&mut store, &request, &dest, &mut |p| {
        progress.set(p.done, p.total)
    })
    .map_err(|e| ExportFailure::from_export(e, &req.dest))?;
    match outcome {
        ExportOutcome::Written {
            batch,
            students,
            missing,
            ..
        } => {
            let trusted = key.trusted(&req.station_id);
            let verified = crate::office::verify_batch(&dest.batch_dir(&batch), &|station| {
                Ok((station == trusted.station_id).then(|| trusted.clone()))
            })
            .map_err(|e| ExportFailure::Verify {
                dest: req.dest.clone(),
                why: e.to_string(),
            })?;
            if verified.manifest.students.len() != students {
                return Err(ExportFailure::Verify {
                    dest: req.dest.clone(),
                    why: format!(
                        "{} students in the manifest, {students} exported",
                        verified.manifest.students.len()
                    ),
                });
            }
            Ok(Exported::Written {
                batch: batch.to_string(),
                students,
                missing,
                verified_files: verified.manifest.files.len(),
            })
        }
        ExportOutcome::NoChange { batch } => Ok(Exported::NoChange {
            batch: batch.to_string(),
        }),
    }
}

/// The file name of the station's trust file on a stick (`tucai key show --out`'s content).
pub fn trust_file_name(station_id: &str) -> String {
    let safe: String = station_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.trust.json")
}

/// Writes the station's trust file into `dest` for the office (whole-file write).
pub fn write_trust_file(
    data_dir: &Path,
    station_id: &str,
    dest: &Path,
) -> Result<PathBuf, ExportFailure> {
    if !dest.is_dir() {
        return Err(ExportFailure::Gone(dest.to_path_buf()));
    }
    let key = StationKey::load_or_create(data_dir)?;
    let path = dest.join(trust_file_name(station_id));
    crate::atomic_file::write(&path, key.trusted(station_id).to_json().as_bytes()).map_err(
        |source| {
            if is_full(&source) {
                ExportFailure::Full(dest.to_path_buf())
            } else {
                ExportFailure::Export(ExportError::Write {
                    path: path.clone(),
                    source,
                })
            }
        },
    )?;
    Ok(path)
}

/// Whether the office's receipt for the newest batch of a session is at a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptStatus {
    /// No batch of this session there.
    NoBatch,
    /// The newest batch has no receipt yet.
    NoReceipt {
        batch: String,
    },
    Present {
        batch: String,
    },
}

/// Looks for the receipt (reads the stick: call on a thread).
pub fn receipt_status(
    dest: &Path,
    station_id: &str,
    session: SessionId,
) -> Result<ReceiptStatus, ExportError> {
    let dest = FolderDestination::new(dest);
    let Some((batch, _, _)) = export::batch::latest_batch(&dest, station_id, session)? else {
        return Ok(ReceiptStatus::NoBatch);
    };
    let name = batch.to_string();
    Ok(match dest.read(&batch, export::receipt::RECEIPT)? {
        Some(_) => ReceiptStatus::Present { batch: name },
        None => ReceiptStatus::NoReceipt { batch: name },
    })
}

/// Purges a session after checking the office's receipt (what `tucai purge --from` does).
pub fn purge(req: &StickJobRequest) -> Result<export::purge::PurgeOutcome, ExportFailure> {
    let mut store = Store::open_file(&req.db)?;
    let dest = FolderDestination::new(&req.dest);
    Ok(export::purge_session(
        &mut store,
        &req.station_id,
        req.session,
        &dest,
        &req.operator,
        req.now,
    )?)
}

/// What a review-list import needs.
#[derive(Debug, Clone)]
pub struct ReviewJobRequest {
    pub file: PathBuf,
    pub db: PathBuf,
    pub session: SessionId,
    pub operator: String,
    pub now: DateTime<Utc>,
}

/// Reads the provincial (or the school's first-review) reset list and applies it to the session,
/// what `tucai review import` does.
pub fn import_review(req: &ReviewJobRequest) -> Result<ReviewSummary, ExportFailure> {
    let bytes = std::fs::read(&req.file).map_err(|source| ExportError::Read {
        path: req.file.clone(),
        source,
    })?;
    let resets = export::parse_review_list(&bytes, &req.file)?;
    let mut store = Store::open_file(&req.db)?;
    Ok(store.apply_review_resets(req.session, &resets, &req.operator, req.now)?)
}

/// Loads a photo file and makes and checks it with the station's lab (no burst: a file has
/// none), what `tucai photo add` does before the flow decides. `progress` gets thousandths.
pub fn make_studio_photo(
    file: &Path,
    lab: &Arc<dyn PhotoLab>,
    progress: &Counter,
) -> Result<LabOutput, String> {
    let capture = crate::imageio::load_rgb(file, crate::imageio::LoadLimits::default())
        .map_err(|e| e.to_string())?;
    lab.make_and_check(&capture, &[], &|f| {
        progress.set((f.clamp(0.0, 1.0) * 1000.0) as usize, 1000)
    })
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trust_file_name_is_safe_for_any_station_id() {
        assert_eq!(trust_file_name("st-01_a"), "st-01_a.trust.json");
        assert_eq!(trust_file_name("../x y"), "___x_y.trust.json");
    }

    #[test]
    fn exporting_to_a_missing_folder_says_it_is_not_there() {
        let dir = tempfile::tempdir().unwrap();
        let req = StickJobRequest {
            db: dir.path().join("tucai.sqlite3"),
            station_id: "st".into(),
            session: SessionId(1),
            operator: "t".into(),
            dest: dir.path().join("stick"),
            now: Utc::now(),
        };
        let e = export_to_folder(&req, &Counter::default()).unwrap_err();
        assert!(matches!(e, ExportFailure::Gone(_)), "{e}");
    }
}
