//! Every SQL statement of the office database. Opening does what the station store does: WAL,
//! `synchronous = NORMAL`, foreign keys, busy timeout, migrations from `migrations/` in order.

use super::import::Conflict;
use super::{OfficeError, Result};
use crate::export::TrustedKey;
use crate::export::manifest::{MissingEntry, StudentEntry};
use crate::store::to_db_time;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::path::Path;
use std::time::Duration;

/// Append, never edit; `user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_office.sql"),
    include_str!("migrations/0002_office_audit.sql"),
    include_str!("migrations/0003_first_review.sql"),
    include_str!("migrations/0004_manual_checks.sql"),
    include_str!("migrations/0005_conflict_photos.sql"),
];

pub(super) fn open(path: &Path) -> Result<Connection> {
    let err = |e: rusqlite::Error| OfficeError::Database {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut conn = Connection::open(path).map_err(err)?;
    // Two office windows (two clerks, two sticks) may import into one database at once. A
    // deferred transaction reads, then fails with "database is locked" when it tries to write
    // after the other committed (SQLite cannot wait there); an immediate one takes the write lock
    // first and waits for the other's import to end. An import of a large batch holds it for
    // seconds, so the wait is long (the importer is a worker thread, not the window).
    conn.busy_timeout(Duration::from_secs(60)).map_err(err)?;
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(err)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(err)?;
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err)?;
    if found > MIGRATIONS.len() as i64 {
        return Err(OfficeError::Database {
            path: path.to_path_buf(),
            message: format!(
                "schema version {found} is newer than this program knows ({}); update tucai",
                MIGRATIONS.len()
            ),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction().map_err(err)?;
        tx.execute_batch(sql).map_err(err)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(err)?;
        tx.commit().map_err(err)?;
    }
    Ok(conn)
}

pub(super) fn insert_trusted(
    conn: &Connection,
    key: &TrustedKey,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO trusted_keys (station_id, public_key, fingerprint, added_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            key.station_id,
            key.public_key,
            key.fingerprint,
            to_db_time(now)
        ],
    )?;
    Ok(())
}

/// Every trusted station with when its key was added, by station id.
pub(super) fn trusted_stations(conn: &Connection) -> rusqlite::Result<Vec<super::TrustedStation>> {
    let mut stmt = conn.prepare(
        "SELECT station_id, fingerprint, added_at FROM trusted_keys ORDER BY station_id",
    )?;
    stmt.query_map([], |r| {
        Ok(super::TrustedStation {
            station_id: r.get(0)?,
            fingerprint: r.get(1)?,
            added_at: r.get(2)?,
        })
    })?
    .collect()
}

pub(super) fn delete_trusted(tx: &Transaction<'_>, station: &str) -> rusqlite::Result<usize> {
    tx.execute("DELETE FROM trusted_keys WHERE station_id = ?1", [station])
}

pub(super) fn insert_audit(conn: &Connection, e: &super::OfficeAudit) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit (at, operator, action, station, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![e.at, e.operator, e.action, e.station, e.detail],
    )?;
    Ok(())
}

pub(super) fn audit_log(conn: &Connection) -> rusqlite::Result<Vec<super::OfficeAudit>> {
    let mut stmt =
        conn.prepare("SELECT at, operator, action, station, detail FROM audit ORDER BY id")?;
    stmt.query_map([], |r| {
        Ok(super::OfficeAudit {
            at: r.get(0)?,
            operator: r.get(1)?,
            action: r.get(2)?,
            station: r.get(3)?,
            detail: r.get(4)?,
        })
    })?
    .collect()
}

fn trusted_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TrustedKey> {
    Ok(TrustedKey {
        format: "tucai-trust-v1".into(),
        station_id: r.get(0)?,
        public_key: r.get(1)?,
        fingerprint: r.get(2)?,
    })
}

pub(super) fn trusted_key(
    conn: &Connection,
    station: &str,
) -> rusqlite::Result<Option<TrustedKey>> {
    conn.query_row(
        "SELECT station_id, public_key, fingerprint FROM trusted_keys WHERE station_id = ?1",
        [station],
        trusted_from_row,
    )
    .optional()
}

pub(super) fn trusted_keys(conn: &Connection) -> rusqlite::Result<Vec<TrustedKey>> {
    let mut stmt = conn.prepare(
        "SELECT station_id, public_key, fingerprint FROM trusted_keys ORDER BY station_id",
    )?;
    stmt.query_map([], trusted_from_row)?.collect()
}

/// The manifest digest a batch was imported with, if it was.
pub(super) fn batch_digest(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        "SELECT manifest_sha256 FROM batches WHERE name = ?1",
        [name],
        |r| r.get(0),
    )
    .optional()
}

/// The highest sequence imported so far for one station's session (`None`: none yet).
pub(super) fn newest_sequence(
    tx: &Transaction<'_>,
    station: &str,
    session: i64,
) -> rusqlite::Result<Option<u32>> {
    tx.query_row(
        "SELECT MAX(sequence) FROM batches WHERE station_id = ?1 AND session_id = ?2",
        params![station, session],
        |r| r.get(0),
    )
}

pub(super) struct BatchRow<'a> {
    pub name: &'a str,
    pub station: &'a str,
    pub session: i64,
    pub sequence: u32,
    pub manifest_sha256: &'a str,
    pub exported_at: DateTime<Utc>,
    pub students: usize,
}

pub(super) fn insert_batch(
    tx: &Transaction<'_>,
    b: &BatchRow<'_>,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO batches (name, station_id, session_id, sequence, manifest_sha256,
             exported_at, imported_at, students)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            b.name,
            b.station,
            b.session,
            b.sequence,
            b.manifest_sha256,
            to_db_time(b.exported_at),
            to_db_time(now),
            b.students as i64
        ],
    )?;
    Ok(())
}

pub(super) fn upsert_roster(
    tx: &Transaction<'_>,
    m: &MissingEntry,
    batch: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO roster (student_no, name, department, class_name, batch)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (student_no) DO UPDATE SET name = excluded.name,
             department = excluded.department, class_name = excluded.class_name,
             batch = excluded.batch",
        params![m.student_no, m.name, m.department, m.class_name, batch],
    )?;
    Ok(())
}

pub(super) struct Source<'a> {
    pub station: &'a str,
    pub session: i64,
    pub sequence: u32,
    pub batch: &'a str,
}

/// A whole `photos` row: what a conflict keeps of each side, so the clerk can put the other one
/// back without the batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct PhotoRow {
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub class_name: String,
    pub phone: Option<String>,
    pub notify_status: Option<bool>,
    pub notify_fee: Option<bool>,
    pub fee_state: String,
    pub confirmed_at: String,
    pub taken_at: String,
    pub station_id: String,
    pub session_id: i64,
    pub sequence: u32,
    pub batch: String,
    pub confirmation_id: i64,
    pub photo_sha256: String,
    pub checks_failed: String,
}

impl PhotoRow {
    pub(super) fn from_entry(s: &StudentEntry, src: &Source<'_>) -> PhotoRow {
        PhotoRow {
            student_no: s.student_no.clone(),
            name: s.name.clone(),
            id_number: s.id_number.clone(),
            department: s.department.clone(),
            class_name: s.class_name.clone(),
            phone: s.phone.clone(),
            notify_status: s.notify_status,
            notify_fee: s.notify_fee,
            fee_state: s.fee_state.clone(),
            confirmed_at: to_db_time(s.confirmed_at),
            taken_at: to_db_time(s.taken_at),
            station_id: src.station.into(),
            session_id: src.session,
            sequence: src.sequence,
            batch: src.batch.into(),
            confirmation_id: s.confirmation_id,
            photo_sha256: s.photo_sha256.clone(),
            checks_failed: s.checks_failed.join(" "),
        }
    }
}

/// The student's current photo row.
pub(super) fn photo_row(
    tx: &Transaction<'_>,
    student_no: &str,
) -> rusqlite::Result<Option<PhotoRow>> {
    tx.query_row(
        "SELECT student_no, name, id_number, department, class_name, phone, notify_status,
             notify_fee, fee_state, confirmed_at, taken_at, station_id, session_id, sequence,
             batch, confirmation_id, photo_sha256, checks_failed
         FROM photos WHERE student_no = ?1",
        [student_no],
        |r| {
            Ok(PhotoRow {
                student_no: r.get(0)?,
                name: r.get(1)?,
                id_number: r.get(2)?,
                department: r.get(3)?,
                class_name: r.get(4)?,
                phone: r.get(5)?,
                notify_status: r.get(6)?,
                notify_fee: r.get(7)?,
                fee_state: r.get(8)?,
                confirmed_at: r.get(9)?,
                taken_at: r.get(10)?,
                station_id: r.get(11)?,
                session_id: r.get(12)?,
                sequence: r.get(13)?,
                batch: r.get(14)?,
                confirmation_id: r.get(15)?,
                photo_sha256: r.get(16)?,
                checks_failed: r.get(17)?,
            })
        },
    )
    .optional()
}

pub(super) fn put_photo_row(tx: &Transaction<'_>, p: &PhotoRow) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO photos (student_no, name, id_number, department, class_name, phone,
             notify_status, notify_fee, fee_state, confirmed_at, taken_at, station_id, session_id,
             sequence, batch, confirmation_id, photo_sha256, checks_failed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (student_no) DO UPDATE SET name = excluded.name,
             id_number = excluded.id_number, department = excluded.department,
             class_name = excluded.class_name, phone = excluded.phone,
             notify_status = excluded.notify_status, notify_fee = excluded.notify_fee,
             fee_state = excluded.fee_state, confirmed_at = excluded.confirmed_at,
             taken_at = excluded.taken_at, station_id = excluded.station_id,
             session_id = excluded.session_id, sequence = excluded.sequence,
             batch = excluded.batch, confirmation_id = excluded.confirmation_id,
             photo_sha256 = excluded.photo_sha256, checks_failed = excluded.checks_failed",
        params![
            p.student_no,
            p.name,
            p.id_number,
            p.department,
            p.class_name,
            p.phone,
            p.notify_status,
            p.notify_fee,
            p.fee_state,
            p.confirmed_at,
            p.taken_at,
            p.station_id,
            p.session_id,
            p.sequence,
            p.batch,
            p.confirmation_id,
            p.photo_sha256,
            p.checks_failed,
        ],
    )?;
    Ok(())
}

/// Replaces the checklist ticks of the photo being stored with the ones that came with it.
pub(super) fn put_manual_checks(tx: &Transaction<'_>, s: &StudentEntry) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM manual_checks WHERE student_no = ?1 AND photo_sha256 = ?2",
        params![s.student_no, s.photo_sha256],
    )?;
    let mut insert = tx.prepare(
        "INSERT OR REPLACE INTO manual_checks (student_no, photo_sha256, item, checked_by,
             checked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for t in &s.manual_checks {
        insert.execute(params![
            s.student_no,
            s.photo_sha256,
            t.item,
            t.checked_by,
            to_db_time(t.checked_at)
        ])?;
    }
    Ok(())
}

/// The ticks on each student's current photo (a tick for an older photo is not shown).
pub(super) fn manual_checks(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.student_no, m.item, m.checked_by FROM manual_checks m
         JOIN photos p ON p.student_no = m.student_no AND p.photo_sha256 = m.photo_sha256
         ORDER BY m.student_no",
    )?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}

/// Drops the photos a newer batch of the same station and session no longer lists (a teacher
/// allowed a retake and the student has not confirmed again yet). Returns how many.
pub(super) fn drop_withdrawn(
    tx: &Transaction<'_>,
    src: &Source<'_>,
    keep: &[&str],
) -> rusqlite::Result<usize> {
    let mut stmt = tx.prepare(
        "SELECT student_no FROM photos WHERE station_id = ?1 AND session_id = ?2 AND sequence < ?3",
    )?;
    let stale: Vec<String> = stmt
        .query_map(params![src.station, src.session, src.sequence], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut dropped = 0;
    for no in stale.iter().filter(|n| !keep.contains(&n.as_str())) {
        dropped += tx.execute("DELETE FROM photos WHERE student_no = ?1", [no])?;
    }
    Ok(dropped)
}

pub(super) fn note_conflict(
    tx: &Transaction<'_>,
    c: &Conflict,
    kept: &PhotoRow,
    dropped: &PhotoRow,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    // Serialising plain data cannot fail; an empty row only hides the pair from the Import page.
    let json = |r: &PhotoRow| serde_json::to_string(r).unwrap_or_default();
    tx.execute(
        "INSERT OR IGNORE INTO conflicts (student_no, kept_batch, kept_confirmed_at,
             dropped_batch, dropped_confirmed_at, noted_at, kept_station, dropped_station,
             kept_row, dropped_row)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            c.student_no,
            c.kept_batch,
            c.kept_confirmed_at,
            c.dropped_batch,
            c.dropped_confirmed_at,
            to_db_time(now),
            kept.station_id,
            dropped.station_id,
            json(kept),
            json(dropped),
        ],
    )?;
    Ok(())
}

pub(super) fn conflicts(conn: &Connection) -> rusqlite::Result<Vec<Conflict>> {
    let mut stmt = conn.prepare(
        "SELECT student_no, kept_batch, kept_confirmed_at, dropped_batch, dropped_confirmed_at
         FROM conflicts ORDER BY id",
    )?;
    stmt.query_map([], |r| {
        Ok(Conflict {
            student_no: r.get(0)?,
            kept_batch: r.get(1)?,
            kept_confirmed_at: r.get(2)?,
            dropped_batch: r.get(3)?,
            dropped_confirmed_at: r.get(4)?,
        })
    })?
    .collect()
}

/// A noted conflict with both rows (conflicts noted before migration 0005 have none and are
/// left out), and the clerk who chose, if one did.
pub(super) struct ConflictRows {
    pub id: i64,
    pub kept: PhotoRow,
    pub dropped: PhotoRow,
    pub resolved_by: Option<String>,
}

pub(super) fn conflict_rows(conn: &Connection) -> rusqlite::Result<Vec<ConflictRows>> {
    let mut stmt = conn.prepare(
        "SELECT id, kept_row, dropped_row, resolved_by FROM conflicts
         WHERE kept_row IS NOT NULL AND dropped_row IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kept, dropped, resolved_by)| {
            Some(ConflictRows {
                id,
                kept: serde_json::from_str(&kept).ok()?,
                dropped: serde_json::from_str(&dropped).ok()?,
                resolved_by,
            })
        })
        .collect())
}

/// The photo the clerk chose for a student in a conflict, if they chose one.
pub(super) fn clerk_choice(
    tx: &Transaction<'_>,
    student_no: &str,
) -> rusqlite::Result<Option<String>> {
    tx.query_row(
        "SELECT chosen_sha256 FROM conflicts WHERE student_no = ?1 AND chosen_sha256 IS NOT NULL
         ORDER BY resolved_at DESC, id DESC LIMIT 1",
        [student_no],
        |r| r.get(0),
    )
    .optional()
}

/// A row of the upload package / the report: student with their winning photo, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RosterLine {
    pub student_no: String,
    pub name: String,
    pub department: String,
    pub class_name: String,
    pub id_number: Option<String>,
    pub photo_sha256: Option<String>,
}

/// Everyone seen (roster of all batches plus every photo), by class then student number.
pub(super) fn roster_lines(conn: &Connection) -> rusqlite::Result<Vec<RosterLine>> {
    let mut stmt = conn.prepare(
        "SELECT r.student_no, COALESCE(p.name, r.name), COALESCE(p.department, r.department),
                COALESCE(p.class_name, r.class_name), p.id_number, p.photo_sha256
         FROM roster r LEFT JOIN photos p ON p.student_no = r.student_no
         ORDER BY 4, 1",
    )?;
    stmt.query_map([], |r| {
        Ok(RosterLine {
            student_no: r.get(0)?,
            name: r.get(1)?,
            department: r.get(2)?,
            class_name: r.get(3)?,
            id_number: r.get(4)?,
            photo_sha256: r.get(5)?,
        })
    })?
    .collect()
}
