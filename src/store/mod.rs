//! The station's SQLite database: schema, migrations, queries, audit log.
//!
//! Owns: `tucai.sqlite3` in the data directory and every SQL statement of the program.
//! Must not touch: egui, the capture flow's rules (it stores what `flow` decided).
//!
//! Opening does everything once: make the directory, WAL journal, `synchronous = NORMAL`
//! (a power cut may lose the last transaction, never corrupt the file), foreign keys, a busy
//! timeout, and the migrations in `migrations/` in order. Every user action is one transaction,
//! so a killed process leaves the database as it was before that action.

mod attempts;
mod audit;
mod checklist;
mod choices;
mod drafts;
mod export;
mod locks;
mod sessions;
mod settings;
mod students;

pub use attempts::{Attempt, AttemptId, NewAttempt, NewLock, RecordedAttempt};
pub use audit::{AuditEntry, NewAudit};
pub use checklist::{MANUAL_ITEMS, ManualTick};
pub use drafts::{Confirmation, Draft, DraftId};
pub use export::{ConfirmedRecord, PurgeSummary, ReviewReset, ReviewSummary, UnconfirmedRecord};
pub use locks::{Lock, LockId, LockKind};
pub use sessions::{Session, SessionId};
pub use students::{ImportSummary, Student, StudentId};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "tucai.sqlite3";

/// Migrations in order; `user_version` records how many have run. Append, never edit.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_manual_checks.sql"),
];

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than this program knows ({known}); update tucai"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{}: the station database {DB_FILE} is {what}, but the folder holds station data ({found}). \
         Starting now would make a new station whose session and batch numbers restart, and the \
         office would refuse its batches. Restore {DB_FILE} (with {DB_FILE}-wal if there is one) \
         from a backup or the station's last copy; to start a new station on purpose, move the \
         whole folder aside first (keep it: it holds the station key and the captures)",
        dir.display()
    )]
    DatabaseLost {
        dir: PathBuf,
        /// "missing" or "empty (0 bytes)".
        what: &'static str,
        /// What shows the station had data, e.g. "station.key, captures/".
        found: String,
    },
    #[error("the disk is full: nothing was saved; free some space and try again")]
    DiskFull,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("database holds an unexpected value: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

/// A missing or zero-length database beside a station key or captures means the database was
/// lost (a bad copy, a full disk, a clerk's cleanup), not that this is a new station: SQLite would
/// happily make an empty one and the station would restart its numbering.
fn refuse_lost_database(data_dir: &Path) -> Result<()> {
    let db = data_dir.join(DB_FILE);
    let what = match std::fs::metadata(&db) {
        Ok(m) if m.len() > 0 => return Ok(()),
        Ok(_) => "empty (0 bytes)",
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "missing",
        // Anything else (no permission) is for SQLite's open to report with its own words.
        Err(_) => return Ok(()),
    };
    let mut found = Vec::new();
    if data_dir.join(crate::export::key::KEY_FILE).exists() {
        found.push(crate::export::key::KEY_FILE.to_string());
    }
    let captures = data_dir.join("captures");
    if std::fs::read_dir(&captures).is_ok_and(|mut d| d.next().is_some()) {
        found.push("captures/".into());
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(StoreError::DatabaseLost {
        dir: data_dir.to_path_buf(),
        what,
        found: found.join(", "),
    })
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open station database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The data directory the database lives in; captures are kept beside it.
    dir: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        refuse_lost_database(data_dir)?;
        Store::open_file(&data_dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the database file at `path`.
    pub fn open_file(path: &Path) -> Result<Store> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        // The window, the flow and the teacher's jobs each hold a connection to this file: a
        // write transaction takes the write lock first and waits for the others, instead of
        // failing with "database is locked" when it writes after reading (SQLite cannot wait
        // there in a deferred transaction).
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        migrate(&mut conn, path)?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            dir,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data directory (the folder of the database file).
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The raw connection, for the modules of this crate that keep their own queries next to
    /// their rules (flow, export). Everything else goes through the typed methods.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Times are stored as RFC 3339 UTC with milliseconds, so text order is time order.
pub fn to_db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn from_db_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time `{s}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        let again = Store::open(dir.path()).unwrap();
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        drop(store);
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    }

    #[test]
    fn time_round_trips_and_sorts_as_text() {
        let a = DateTime::parse_from_rfc3339("2026-05-06T08:00:00.123Z")
            .unwrap()
            .with_timezone(&Utc);
        let b = a + chrono::Duration::milliseconds(900);
        assert_eq!(from_db_time(&to_db_time(a)).unwrap(), a);
        assert!(to_db_time(a) < to_db_time(b));
    }
}
