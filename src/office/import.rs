//! Merging verified batches into the office database.
//!
//! Rules: a batch is imported once (the same batch again is recognised and changes nothing; a
//! different batch under a known name is refused). Within one station's session the batch with
//! the higher sequence is the truth (each batch is a full snapshot). A student confirmed in two
//! sources (another station or session): the newest confirmation wins, and the conflict is noted
//! and reported. After an import the office writes its receipt into the batch folder, which is
//! what lets the station purge.

use super::db::{self, BatchRow, Source};
use super::verify::{VerifiedBatch, verify_batch};
use super::{Office, OfficeError, Result};
use crate::export::TrustedKey;
use crate::export::destination::{PARTIAL_PREFIX, sync_dir, sync_files};
use crate::export::manifest::{BatchName, MANIFEST_JSON, MissingEntry};
use crate::export::receipt::{RECEIPT, Receipt};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// A student seen in two sources, and which confirmation was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub student_no: String,
    pub kept_batch: String,
    pub kept_confirmed_at: String,
    pub dropped_batch: String,
    pub dropped_confirmed_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    Imported,
    /// The same batch was imported before; nothing changed (the receipt is written again).
    AlreadyImported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchImport {
    pub dir: PathBuf,
    pub batch: String,
    pub status: BatchStatus,
    pub students: usize,
    pub added: usize,
    pub updated: usize,
    /// Photos withdrawn because this newer batch of their session no longer lists them.
    pub withdrawn: usize,
    pub conflicts: Vec<Conflict>,
    /// A newer batch of the same session was imported before this one: this one is recorded and
    /// its receipt written, but its students change nothing (the newer snapshot is the truth).
    pub superseded: bool,
}

/// What an import run did: one line per batch, refused batches with their reasons.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub batches: Vec<BatchImport>,
    pub refused: Vec<OfficeError>,
    /// Offered trust files stored because a batch verified with them was imported.
    pub trusted: Vec<TrustedKey>,
}

/// The batch folders a path stands for: the folder itself when it holds a manifest (or is an
/// unfinished export, to be refused by name), else its complete batch sub-folders in name order
/// (a whole USB stick).
pub fn batch_dirs(path: &Path) -> Result<Vec<PathBuf>> {
    let is_partial = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(PARTIAL_PREFIX));
    if path.join(MANIFEST_JSON).exists() || is_partial {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| OfficeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut dirs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if BatchName::parse(&name).is_some() && entry.path().is_dir() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    if dirs.is_empty() {
        // Let verification say what is wrong with it (no manifest).
        dirs.push(path.to_path_buf());
    }
    Ok(dirs)
}

/// Verifies and merges every batch under `paths` with the keys the office trusts; a refused
/// batch is reported, the others go on.
pub fn import_batches(office: &mut Office, paths: &[PathBuf], now: DateTime<Utc>) -> ImportReport {
    import_batches_trusting(office, paths, &[], now)
}

/// [`import_batches`] that may also verify with `offered` trust files (`--trust`), for stations
/// the office does not trust yet. An offered key is stored only once a batch verified with it was
/// imported: a wrong trust file (another station's key under the same id) refuses its batch and
/// leaves nothing behind, so the right file works next time. A key that conflicts with the one
/// already trusted is refused before anything is imported.
pub fn import_batches_trusting(
    office: &mut Office,
    paths: &[PathBuf],
    offered: &[TrustedKey],
    now: DateTime<Utc>,
) -> ImportReport {
    let mut report = ImportReport::default();
    let mut usable: Vec<&TrustedKey> = Vec::new();
    for key in offered {
        match office.check_trust(key) {
            Ok(false) => usable.push(key),
            Ok(true) => {}
            Err(e) => report.refused.push(e),
        }
    }
    if !report.refused.is_empty() {
        return report;
    }
    for path in paths {
        let dirs = match batch_dirs(path) {
            Ok(d) => d,
            Err(e) => {
                report.refused.push(e);
                continue;
            }
        };
        for dir in dirs {
            let verified = {
                let lookup = |station: &str| match office.trusted_key(station)? {
                    Some(k) => Ok(Some(k)),
                    None => Ok(usable
                        .iter()
                        .find(|k| k.station_id == station)
                        .map(|k| (*k).clone())),
                };
                verify_batch(&dir, &lookup)
            };
            let station = verified
                .as_ref()
                .ok()
                .map(|v| v.manifest.station_id.clone());
            match verified.and_then(|v| office.merge(&v, now)) {
                Ok(done) => {
                    report.batches.push(done);
                    let offered =
                        station.and_then(|st| usable.iter().position(|k| k.station_id == st));
                    if let Some(i) = offered {
                        let key = usable.remove(i);
                        match office.trust(key, now) {
                            Ok(()) => report.trusted.push(key.clone()),
                            Err(e) => report.refused.push(e),
                        }
                    }
                }
                Err(e) => report.refused.push(e),
            }
        }
    }
    report
}

impl Office {
    /// Merges one verified batch and writes the receipt into its folder.
    pub fn merge(&mut self, batch: &VerifiedBatch, now: DateTime<Utc>) -> Result<BatchImport> {
        let m = &batch.manifest;
        let db_err = |e: rusqlite::Error| OfficeError::Database {
            path: self.dir.join(super::DB_FILE),
            message: e.to_string(),
        };
        let mut result = BatchImport {
            dir: batch.dir.clone(),
            batch: m.batch.clone(),
            status: BatchStatus::Imported,
            students: m.students.len(),
            added: 0,
            updated: 0,
            withdrawn: 0,
            conflicts: Vec::new(),
            superseded: false,
        };
        let photos_dir = self.dir.join("photos");
        let mut to_store: Vec<(PathBuf, &[u8])> = Vec::new();
        let tx = self.conn.transaction().map_err(db_err)?;
        match db::batch_digest(&tx, &m.batch).map_err(db_err)? {
            Some(d) if d == batch.manifest_sha256 => {
                result.status = BatchStatus::AlreadyImported;
            }
            Some(_) => {
                return Err(OfficeError::Refused {
                    batch: batch.dir.clone(),
                    file: MANIFEST_JSON.into(),
                    message: format!(
                        "a different batch named {} was imported before; two batches may not \
                         share a name",
                        m.batch
                    ),
                });
            }
            None => {
                let src = Source {
                    station: &m.station_id,
                    session: m.session.id,
                    sequence: m.sequence,
                    batch: &m.batch,
                };
                // Each batch is a full snapshot of its session: when a newer one of the same
                // session was imported first, this older one is history. Taking its students
                // would bring back a photo the newer batch withdrew (a retake allowed), so it is
                // recorded as imported and changes nothing else.
                let superseded = db::newest_sequence(&tx, &m.station_id, m.session.id)
                    .map_err(db_err)?
                    .is_some_and(|newest| newest > m.sequence);
                db::insert_batch(
                    &tx,
                    &BatchRow {
                        name: &m.batch,
                        station: &m.station_id,
                        session: m.session.id,
                        sequence: m.sequence,
                        manifest_sha256: &batch.manifest_sha256,
                        exported_at: m.exported_at,
                        students: m.students.len(),
                    },
                    now,
                )
                .map_err(db_err)?;
                let (missing, students) = if superseded {
                    result.superseded = true;
                    (&[][..], &[][..])
                } else {
                    (m.missing.as_slice(), m.students.as_slice())
                };
                for missing in missing {
                    db::upsert_roster(&tx, missing, &m.batch).map_err(db_err)?;
                }
                for s in students {
                    let as_roster = MissingEntry {
                        student_no: s.student_no.clone(),
                        name: s.name.clone(),
                        department: s.department.clone(),
                        class_name: s.class_name.clone(),
                    };
                    db::upsert_roster(&tx, &as_roster, &m.batch).map_err(db_err)?;
                    let incoming = db::PhotoRow::from_entry(s, &src);
                    // The incoming photo is kept on disk (not made the student's photo) when it
                    // loses a conflict: the clerk sees both and may choose it.
                    let mut keep_file = false;
                    let take = match db::photo_row(&tx, &s.student_no).map_err(db_err)? {
                        None => {
                            result.added += 1;
                            true
                        }
                        Some(h) if h.station_id == m.station_id && h.session_id == m.session.id => {
                            let newer = m.sequence > h.sequence;
                            if newer {
                                result.updated += 1;
                            }
                            newer
                        }
                        Some(h) => {
                            let choice = db::clerk_choice(&tx, &s.student_no)
                                .map_err(db_err)?
                                .filter(|c| *c == h.photo_sha256 || *c == s.photo_sha256);
                            match choice {
                                // The clerk chose between these two photos before: the choice
                                // stands when a batch brings either of them again.
                                Some(chosen) => {
                                    let take = chosen == s.photo_sha256
                                        && h.photo_sha256 != s.photo_sha256;
                                    if take {
                                        result.updated += 1;
                                    }
                                    take
                                }
                                None => {
                                    let incoming_wins =
                                        (incoming.confirmed_at.as_str(), m.batch.as_str())
                                            > (h.confirmed_at.as_str(), h.batch.as_str());
                                    let (kept, dropped) = if incoming_wins {
                                        (&incoming, &h)
                                    } else {
                                        (&h, &incoming)
                                    };
                                    let conflict = Conflict {
                                        student_no: s.student_no.clone(),
                                        kept_batch: kept.batch.clone(),
                                        kept_confirmed_at: kept.confirmed_at.clone(),
                                        dropped_batch: dropped.batch.clone(),
                                        dropped_confirmed_at: dropped.confirmed_at.clone(),
                                    };
                                    db::note_conflict(&tx, &conflict, kept, dropped, now)
                                        .map_err(db_err)?;
                                    result.conflicts.push(conflict);
                                    if incoming_wins {
                                        result.updated += 1;
                                    }
                                    keep_file = !incoming_wins;
                                    incoming_wins
                                }
                            }
                        }
                    };
                    if take || keep_file {
                        let bytes =
                            batch
                                .files
                                .get(&s.photo)
                                .ok_or_else(|| OfficeError::Refused {
                                    batch: batch.dir.clone(),
                                    file: s.photo.clone(),
                                    message: "listed for a student but not verified".into(),
                                })?;
                        to_store.push((
                            photos_dir.join(format!("{}.jpg", s.photo_sha256)),
                            bytes.as_slice(),
                        ));
                        db::put_manual_checks(&tx, s).map_err(db_err)?;
                    }
                    if take {
                        db::put_photo_row(&tx, &incoming).map_err(db_err)?;
                    }
                }
                if !superseded {
                    let keep: Vec<&str> =
                        m.students.iter().map(|s| s.student_no.as_str()).collect();
                    result.withdrawn = db::drop_withdrawn(&tx, &src, &keep).map_err(db_err)?;
                }
            }
        }
        // The photos are on disk before the rows that point at them.
        store_photos(&photos_dir, &to_store)?;
        tx.commit().map_err(db_err)?;
        let receipt = Receipt::new(&m.batch, &batch.manifest_sha256, m.students.len(), now);
        write_atomic(&batch.dir.join(RECEIPT), &receipt.to_json())?;
        Ok(result)
    }
}

/// Writes content-addressed photos that are not there yet: all to temp names, synced together,
/// then renamed (a thousand one-by-one syncs took seconds).
fn store_photos(dir: &Path, photos: &[(PathBuf, &[u8])]) -> Result<()> {
    let export_err = |e: crate::export::ExportError| OfficeError::Export(e);
    let mut pending: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (path, bytes) in photos {
        if !seen.insert(path) || path.exists() {
            continue;
        }
        std::fs::create_dir_all(dir).map_err(|source| OfficeError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let tmp = crate::atomic_file::temp_name(path);
        std::fs::write(&tmp, bytes).map_err(|source| OfficeError::Write {
            path: tmp.clone(),
            source,
        })?;
        pending.push((path.clone(), tmp));
    }
    let temps: Vec<PathBuf> = pending.iter().map(|(_, t)| t.clone()).collect();
    sync_files(&temps).map_err(export_err)?;
    for (path, tmp) in &pending {
        std::fs::rename(tmp, path).map_err(|source| OfficeError::Write {
            path: path.clone(),
            source,
        })?;
    }
    sync_dir(dir);
    Ok(())
}

/// [`crate::atomic_file::write`] with the office's error.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic_file::write(path, bytes).map_err(|source| OfficeError::Write {
        path: path.to_path_buf(),
        source,
    })
}
