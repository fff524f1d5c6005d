//! The office side of SPEC §6: verify batches from the stations, merge them into the office
//! database, write the provincial upload package, report who is still missing.
//!
//! Owns: the office data directory (`office.sqlite3`, its migrations in `migrations/`, the
//! imported photos under `photos/`), batch verification ([`verify`]), the merge ([`import`]),
//! the upload package ([`package`]) with its print sheets ([`sheets`], drawn by
//! [`crate::photo::sheet`]) and the per-class report ([`report`]).
//! Must not touch: egui, the station database, the capture flow.
//!
//! Errors name batch folders, files and student numbers, never names, ID or phone numbers.

pub mod conflicts;
mod db;
pub mod first_review;
pub mod import;
pub mod package;
pub mod report;
pub mod sheets;
pub mod verify;

pub use import::{BatchImport, ImportReport, import_batches, import_batches_trusting};
pub use package::{PackageEntry, PackageSummary, PrintSheets, write_package, write_package_for};
pub use report::{ClassReport, class_report};
pub use sheets::PdfSheets;
pub use verify::{VerifiedBatch, verify_batch};

use crate::export::{ExportError, TrustedKey};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// File name of the office database inside the office data directory.
pub const DB_FILE: &str = "office.sqlite3";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// A batch that must not be imported; `file` is the file at fault, relative to the batch.
    #[error("{batch}: {file}: {message}")]
    Refused {
        batch: PathBuf,
        file: String,
        message: String,
    },
    #[error(
        "station `{station}` is already trusted with key {known}, the trust file has {offered}; \
         if the station really has a new key, remove the old one first with \
         `tucai office trust revoke {station}`"
    )]
    KeyConflict {
        station: String,
        known: String,
        offered: String,
    },
    #[error("{0}")]
    Export(#[from] ExportError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("office database {path}: {message}")]
    Database { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
    /// A print sheet could not be laid out or drawn (the message says which `[print]` key to
    /// change when the layout is at fault).
    #[error("print sheets: {0}")]
    Sheet(#[from] crate::photo::PhotoError),
}

pub type Result<T, E = OfficeError> = std::result::Result<T, E>;

/// The open office database and its data directory.
pub struct Office {
    conn: Connection,
    dir: PathBuf,
}

impl std::fmt::Debug for Office {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Office").field("dir", &self.dir).finish()
    }
}

impl Office {
    /// Opens (creating if needed) the office database in `dir`.
    pub fn open(dir: &Path) -> Result<Office> {
        std::fs::create_dir_all(dir).map_err(|source| OfficeError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let conn = db::open(&dir.join(DB_FILE))?;
        Ok(Office {
            conn,
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where an imported photo is kept (content-addressed, so a crash between writing a photo and
    /// committing the database never leaves a row pointing at the wrong picture).
    pub fn photo_path(&self, sha256: &str) -> PathBuf {
        self.dir.join("photos").join(format!("{sha256}.jpg"))
    }

    /// Trusts a station's key. The same key again is fine; another key for a known station is
    /// refused, because silently replacing it would let anyone holding a trust file take over.
    /// `tucai office import --trust` does not call this up front: it stores a key only once a
    /// batch verified with it was imported ([`import::import_batches_trusting`]).
    pub fn trust(&mut self, key: &TrustedKey, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
        if self.check_trust(key)? {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction()
            .map_err(|e| db_error(&self.dir, e))?;
        db::insert_trusted(&tx, key, now).map_err(|e| db_error(&self.dir, e))?;
        db::insert_audit(
            &tx,
            &OfficeAudit {
                at: crate::store::to_db_time(now),
                operator: "office".into(),
                action: "trust.add".into(),
                station: key.station_id.clone(),
                detail: format!("fingerprint {}", key.fingerprint),
            },
        )
        .map_err(|e| db_error(&self.dir, e))?;
        tx.commit().map_err(|e| db_error(&self.dir, e))
    }

    /// Whether `key` is already trusted (`true`), unknown (`false`), or conflicts with the key
    /// trusted for its station (an error saying how to revoke the old one).
    pub fn check_trust(&self, key: &TrustedKey) -> Result<bool> {
        match self.trusted_key(&key.station_id)? {
            None => Ok(false),
            Some(known) if known.public_key == key.public_key => Ok(true),
            Some(known) => Err(OfficeError::KeyConflict {
                station: key.station_id.clone(),
                known: known.fingerprint,
                offered: key.fingerprint.clone(),
            }),
        }
    }

    /// Every trusted station: id, key fingerprint, when it was added. For `tucai office trust
    /// list` and the office screen.
    pub fn trusted_stations(&self) -> Result<Vec<TrustedStation>> {
        db::trusted_stations(&self.conn).map_err(|e| self.db_err(e))
    }

    /// Stops trusting `station`'s key (a wrong trust file was stored, or the station's key was
    /// replaced), with an audit line naming `operator`. Batches already imported stay; new ones
    /// of that station need its trust file again. Returns what was removed.
    pub fn revoke_trusted(
        &mut self,
        station: &str,
        operator: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<TrustedStation> {
        if operator.trim().is_empty() {
            return Err(OfficeError::Invalid(
                "who revokes the key must be named (--operator)".into(),
            ));
        }
        let Some(found) = self
            .trusted_stations()?
            .into_iter()
            .find(|t| t.station_id == station)
        else {
            return Err(OfficeError::Invalid(format!(
                "station `{station}` is not trusted; `tucai office trust list` shows the trusted ones"
            )));
        };
        let tx = self
            .conn
            .transaction()
            .map_err(|e| db_error(&self.dir, e))?;
        db::delete_trusted(&tx, station).map_err(|e| db_error(&self.dir, e))?;
        db::insert_audit(
            &tx,
            &OfficeAudit {
                at: crate::store::to_db_time(now),
                operator: operator.trim().into(),
                action: "trust.revoke".into(),
                station: station.into(),
                detail: format!("fingerprint {}", found.fingerprint),
            },
        )
        .map_err(|e| db_error(&self.dir, e))?;
        tx.commit().map_err(|e| db_error(&self.dir, e))?;
        Ok(found)
    }

    /// The office's audit log (trust added and revoked), oldest first.
    pub fn audit_log(&self) -> Result<Vec<OfficeAudit>> {
        db::audit_log(&self.conn).map_err(|e| self.db_err(e))
    }

    pub fn trusted_key(&self, station: &str) -> Result<Option<TrustedKey>> {
        db::trusted_key(&self.conn, station).map_err(|e| self.db_err(e))
    }

    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>> {
        db::trusted_keys(&self.conn).map_err(|e| self.db_err(e))
    }

    /// Conflicts noted so far, oldest first.
    pub fn conflicts(&self) -> Result<Vec<import::Conflict>> {
        db::conflicts(&self.conn).map_err(|e| self.db_err(e))
    }

    /// The teacher's checklist ticks on each student's current photo: student number → the
    /// ticked items (`earrings`, `hair_ears`, `makeup`) with who ticked them, in that order.
    pub fn manual_checks(
        &self,
    ) -> Result<std::collections::HashMap<String, Vec<(String, String)>>> {
        let rows = db::manual_checks(&self.conn).map_err(|e| self.db_err(e))?;
        let mut out: std::collections::HashMap<String, Vec<(String, String)>> =
            std::collections::HashMap::new();
        for (no, item, by) in rows {
            out.entry(no).or_default().push((item, by));
        }
        let rank = |item: &str| crate::store::MANUAL_ITEMS.iter().position(|i| *i == item);
        for ticks in out.values_mut() {
            ticks.sort_by_key(|t| rank(&t.0));
        }
        Ok(out)
    }

    fn db_err(&self, e: rusqlite::Error) -> OfficeError {
        db_error(&self.dir, e)
    }
}

fn db_error(dir: &Path, e: rusqlite::Error) -> OfficeError {
    OfficeError::Database {
        path: dir.join(DB_FILE),
        message: e.to_string(),
    }
}

/// A station the office trusts, as `tucai office trust list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedStation {
    pub station_id: String,
    pub fingerprint: String,
    /// RFC 3339 UTC.
    pub added_at: String,
}

/// One line of the office's audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeAudit {
    /// RFC 3339 UTC.
    pub at: String,
    pub operator: String,
    /// `trust.add` or `trust.revoke`.
    pub action: String,
    pub station: String,
    pub detail: String,
}
