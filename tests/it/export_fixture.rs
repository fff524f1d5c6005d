//! Confirmed students for the export tests, inserted through SQL into a real station database
//! made by `Store::open`, with real JPEG files in the data directory.
//!
//! The capture flow writes these rows in the product; its API was not merged when the export was
//! built, so this is the one place that imitates it (replace it by flow calls once merged).

use chrono::{DateTime, Duration, TimeZone, Utc};
use image::{ImageBuffer, Rgb};
use rusqlite::params;
use std::path::PathBuf;
use tucai::check::{CheckId, CheckReport, CheckResult};
use tucai::store::{SessionId, Store, StudentId, to_db_time};

/// A fixed start so runs are reproducible; `at(n)` is n minutes later.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 6, 8, 0, 0).unwrap() + Duration::minutes(minutes)
}

pub fn open_session(store: &mut Store, class: &str) -> SessionId {
    store
        .open_session(class, "图书馆一楼", "董老师", at(0))
        .unwrap()
}

/// A roster row with what the student told the station.
pub fn add_student(store: &Store, session: SessionId, no: &str, class: &str) -> StudentId {
    store
        .conn()
        .execute(
            "INSERT INTO students (session_id, student_no, name, id_number, department, class_name,
                 capture_code, phone, notify_status, notify_fee, fee_state)
             VALUES (?1, ?2, ?3, ?4, '旅游管理学院', ?5, ?6, '13812345678', 1, 0, 'paid')",
            params![
                session.0,
                no,
                format!("学生{no}"),
                format!("32100220040101{:0>4}", &no[no.len().saturating_sub(4)..]),
                class,
                format!("CODE{no}")
            ],
        )
        .unwrap();
    StudentId(store.conn().last_insert_rowid())
}

/// A small real JPEG whose pixels depend on `seed`.
pub fn jpeg(seed: u32) -> Vec<u8> {
    let img = ImageBuffer::from_fn(48, 64, |x, y| {
        Rgb([
            (x * 5 + seed * 37) as u8,
            (y * 3 + seed * 11) as u8,
            ((x + y) * 2 + seed) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    out
}

pub fn passed_report() -> String {
    let report = CheckReport {
        checks: vec![CheckResult {
            id: CheckId::FaceSingle,
            passed: true,
            value: Some(1.0),
            threshold: Some(1.0),
            hint_zh: String::new(),
            hint_en: String::new(),
        }],
    };
    serde_json::to_string(&report).unwrap()
}

/// An attempt with its photo file, a draft, and a live confirmation (superseding the previous
/// one), as the flow writes them. Returns the photo path relative to the data directory.
pub fn confirm(store: &Store, student: StudentId, when: DateTime<Utc>, seed: u32) -> PathBuf {
    confirm_photo(store, student, when, seed, &jpeg(seed))
}

/// [`confirm`] with given photo bytes.
pub fn confirm_photo(
    store: &Store,
    student: StudentId,
    when: DateTime<Utc>,
    seed: u32,
    photo: &[u8],
) -> PathBuf {
    let rel = PathBuf::from("captures").join(format!("{}-{seed}.jpg", student.0));
    let original = PathBuf::from("captures").join(format!("{}-{seed}-orig.jpg", student.0));
    let dir = store.data_dir().join("captures");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(store.data_dir().join(&rel), photo).unwrap();
    std::fs::write(store.data_dir().join(&original), jpeg(seed + 1000)).unwrap();
    let conn = store.conn();
    conn.execute(
        "INSERT INTO attempts (student_id, taken_at, passed, report_json, original_path, photo_path)
         VALUES (?1, ?2, 1, ?3, ?4, ?5)",
        params![
            student.0,
            to_db_time(when - Duration::minutes(2)),
            passed_report(),
            original.to_string_lossy(),
            rel.to_string_lossy()
        ],
    )
    .unwrap();
    let attempt = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO drafts (student_id, attempt_id, saved_at) VALUES (?1, ?2, ?3)",
        params![student.0, attempt, to_db_time(when - Duration::minutes(1))],
    )
    .unwrap();
    let draft = conn.last_insert_rowid();
    conn.execute(
        "UPDATE confirmations SET superseded_at = ?2 WHERE student_id = ?1 AND superseded_at IS NULL",
        params![student.0, to_db_time(when)],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO confirmations (student_id, draft_id, confirmed_at) VALUES (?1, ?2, ?3)",
        params![student.0, draft, to_db_time(when)],
    )
    .unwrap();
    rel
}

/// A standard-size photo (480×640, about 40 KB like the real output) made unique per student by a
/// trailer after the JPEG end marker, so the office cannot deduplicate it.
pub fn standard_size_jpeg(base: &[u8], n: u32) -> Vec<u8> {
    let mut bytes = base.to_vec();
    bytes.extend_from_slice(&n.to_be_bytes());
    bytes
}

/// The base of [`standard_size_jpeg`]: a noisy 480×640 image, like a face on a backdrop in size.
pub fn standard_base_jpeg() -> Vec<u8> {
    let img = ImageBuffer::from_fn(480, 640, |x, y| {
        let h = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503);
        Rgb([(h >> 3) as u8 / 12 + 100, (h >> 11) as u8 / 12 + 120, 200])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
        .encode_image(&img)
        .unwrap();
    out
}
