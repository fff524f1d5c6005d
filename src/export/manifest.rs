//! The batch manifest: what is in a batch and the SHA-256 of every file, as JSON (signed, the
//! authority) and as CSV (UTF-8 with BOM, for people opening it in Excel). Format documented in
//! `docs/EXPORT.md`; a change here is a new `format` string.

use super::{ExportError, Result, sha256_hex};
use crate::check::CheckReport;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "tucai-batch-v1";
pub const MANIFEST_JSON: &str = "manifest.json";
pub const MANIFEST_CSV: &str = "manifest.csv";
/// Hex ed25519 signature over the exact bytes of `manifest.json`. Written last.
pub const SIGNATURE: &str = "manifest.json.sig";
pub const PHOTOS_DIR: &str = "photos";

/// A batch's name: `<station>_s<session:06>_b<sequence:04>`, so names sort by station, session
/// and sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BatchName {
    pub station: String,
    pub session: i64,
    pub sequence: u32,
}

impl BatchName {
    /// The prefix every batch of one station's session starts with.
    pub fn prefix(station: &str, session: i64) -> String {
        format!("{station}_s{session:06}_b")
    }

    /// Parses a batch folder name; `None` for anything else (including hidden temp folders).
    pub fn parse(name: &str) -> Option<BatchName> {
        let (rest, seq) = name.rsplit_once("_b")?;
        let (station, session) = rest.rsplit_once("_s")?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if station.is_empty()
            || station.starts_with('.')
            || !all_digits(session)
            || !all_digits(seq)
        {
            return None;
        }
        Some(BatchName {
            station: station.into(),
            session: session.parse().ok()?,
            sequence: seq.parse().ok()?,
        })
    }
}

impl std::fmt::Display for BatchName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{:04}",
            BatchName::prefix(&self.station, self.session),
            self.sequence
        )
    }
}

/// Student numbers become file names (`photos/<student_no>.jpg`): only letters, digits, `-` and
/// `_`, so none can reach outside a folder.
pub fn is_safe_student_no(student_no: &str) -> bool {
    !student_no.is_empty()
        && student_no
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    pub class_name: String,
    pub place: String,
    pub operator: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// One confirmed student. Personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentEntry {
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub class_name: String,
    pub phone: Option<String>,
    pub notify_status: Option<bool>,
    pub notify_fee: Option<bool>,
    pub fee_state: String,
    pub confirmation_id: i64,
    pub confirmed_at: DateTime<Utc>,
    pub draft_saved_at: DateTime<Utc>,
    pub taken_at: DateTime<Utc>,
    /// `photos/<student_no>.jpg`
    pub photo: String,
    pub photo_sha256: String,
    pub checks_passed: bool,
    /// Ids of the failed checks (empty for a photo that passed, which a confirmed one did).
    pub checks_failed: Vec<String>,
    pub report: CheckReport,
    /// The teacher's ticks on this photo for the items no machine judges (SPEC §4: `earrings`,
    /// `hair_ears`, `makeup`). Added after the first batches: absent (and left out when empty)
    /// so a batch written before, or one without ticks, reads and verifies as it always did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual_checks: Vec<ManualCheck>,
}

/// One teacher's tick on a confirmed photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualCheck {
    pub item: String,
    pub checked_by: String,
    pub checked_at: DateTime<Utc>,
}

/// A roster entry without a confirmed photo yet: lets the office list who is missing. Carries no
/// ID number or phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingEntry {
    pub student_no: String,
    pub name: String,
    pub department: String,
    pub class_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the batch folder, `/`-separated.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub batch: String,
    pub station_id: String,
    /// Fingerprint of the key that signed it (the office checks against its trusted key).
    pub station_key: String,
    pub session: SessionInfo,
    pub sequence: u32,
    pub exported_at: DateTime<Utc>,
    /// SHA-256 over the session's content (students with photo digests, missing list), not the
    /// batch name or time: equal digests mean nothing new to export.
    pub content_digest: String,
    pub students: Vec<StudentEntry>,
    pub missing: Vec<MissingEntry>,
    /// Every file of the batch but the manifest and its signature.
    pub files: Vec<FileEntry>,
}

/// The digest that decides whether a session has anything new since its last batch.
pub fn content_digest(
    station: &str,
    session: i64,
    students: &[StudentEntry],
    missing: &[MissingEntry],
) -> String {
    // Serialising plain data cannot fail; an empty result would only make every export "new".
    let bytes = serde_json::to_vec(&(station, session, students, missing)).unwrap_or_default();
    sha256_hex(&bytes)
}

impl Manifest {
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    pub fn from_json(bytes: &[u8], batch: &str) -> Result<Manifest> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| ExportError::Batch {
            batch: batch.into(),
            message: format!("{MANIFEST_JSON} is not a readable manifest: {e}"),
        })?;
        if m.format != FORMAT {
            return Err(ExportError::Batch {
                batch: batch.into(),
                message: format!(
                    "{MANIFEST_JSON} has format `{}`, this program reads `{FORMAT}`; update tucai",
                    m.format
                ),
            });
        }
        Ok(m)
    }

    /// The CSV twin of the manifest: UTF-8 with BOM so Excel in China opens it as UTF-8.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let header = [
                "batch",
                "station_id",
                "session_id",
                "student_no",
                "name",
                "id_number",
                "department",
                "class_name",
                "phone",
                "notify_status",
                "notify_fee",
                "fee_state",
                "confirmed_at",
                "taken_at",
                "draft_saved_at",
                "checks_passed",
                "checks_failed",
                "photo",
                "photo_sha256",
            ];
            // Writing into a Vec cannot fail.
            let _ = w.write_record(header);
            let yes_no = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            for s in &self.students {
                let _ = w.write_record([
                    self.batch.as_str(),
                    &self.station_id,
                    &self.session.id.to_string(),
                    &excel_digits(&s.student_no),
                    &excel_safe(&s.name),
                    &excel_digits(&s.id_number),
                    &excel_safe(&s.department),
                    &excel_safe(&s.class_name),
                    &excel_digits(s.phone.as_deref().unwrap_or("")),
                    yes_no(s.notify_status),
                    yes_no(s.notify_fee),
                    &s.fee_state,
                    &crate::store::to_db_time(s.confirmed_at),
                    &crate::store::to_db_time(s.taken_at),
                    &crate::store::to_db_time(s.draft_saved_at),
                    if s.checks_passed { "yes" } else { "no" },
                    &s.checks_failed.join(" "),
                    &s.photo,
                    &s.photo_sha256,
                ]);
            }
            let _ = w.flush();
        }
        out
    }
}

/// A cell starting with `=`, `+`, `-` or `@` is a formula to Excel; a leading `'` keeps it text.
pub(crate) fn excel_safe(s: &str) -> String {
    // Tab and carriage return lead formulas too (OWASP's CSV injection list).
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A number Excel would mangle as a number (an 18-digit ID number shown as 1.10101E+17 and
/// rounded to 15 digits when saved, a student number's leading zeros dropped) is written as the
/// text formula `="…"`, which Excel shows digit for digit. `manifest.json` keeps the plain value.
pub(crate) fn excel_digits(s: &str) -> String {
    let body = s.strip_suffix(['X', 'x']).unwrap_or(s);
    let numeric = !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit());
    if numeric && (s.len() >= 12 || s.starts_with('0')) {
        format!("=\"{s}\"")
    } else {
        s.to_string()
    }
}

/// Summarises a stored check report: passed, and the ids that failed.
pub fn summarise(report: &CheckReport) -> (bool, Vec<String>) {
    (
        report.passed(),
        report.failed().map(|c| c.id.as_str().to_string()).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_names_round_trip_and_sort_by_sequence() {
        let a = BatchName {
            station: "station-01".into(),
            session: 3,
            sequence: 2,
        };
        let b = BatchName {
            sequence: 10,
            ..a.clone()
        };
        assert_eq!(a.to_string(), "station-01_s000003_b0002");
        assert_eq!(BatchName::parse(&a.to_string()), Some(a.clone()));
        assert!(a.to_string() < b.to_string());
        let odd = BatchName {
            station: "my_s_b_station".into(),
            ..a
        };
        assert_eq!(BatchName::parse(&odd.to_string()), Some(odd));
        assert_eq!(BatchName::parse(".partial-station-01_s000003_b0002"), None);
        assert_eq!(BatchName::parse("photos"), None);
    }

    #[test]
    fn csv_has_a_bom_neutralises_formulas_and_keeps_long_numbers_whole() {
        let m = Manifest {
            format: FORMAT.into(),
            batch: "b".into(),
            station_id: "s".into(),
            station_key: String::new(),
            session: SessionInfo {
                id: 1,
                class_name: "c".into(),
                place: "p".into(),
                operator: "o".into(),
                opened_at: Utc::now(),
                closed_at: None,
            },
            sequence: 1,
            exported_at: Utc::now(),
            content_digest: String::new(),
            students: vec![StudentEntry {
                student_no: "0012".into(),
                name: "=cmd".into(),
                id_number: "11010519491231002X".into(),
                department: "d".into(),
                class_name: "c".into(),
                phone: Some("13812345678".into()),
                notify_status: Some(true),
                notify_fee: None,
                fee_state: "paid".into(),
                confirmation_id: 1,
                confirmed_at: Utc::now(),
                draft_saved_at: Utc::now(),
                taken_at: Utc::now(),
                photo: "photos/1.jpg".into(),
                photo_sha256: "00".into(),
                checks_passed: true,
                checks_failed: vec![],
                report: CheckReport::default(),
                manual_checks: vec![],
            }],
            missing: vec![],
            files: vec![],
        };
        // No ticks: the field is left out, so the bytes are those of a batch written before
        // it existed, and such a manifest reads back with none.
        let json = m.to_json();
        assert!(!String::from_utf8_lossy(&json).contains("manual_checks"));
        assert_eq!(Manifest::from_json(&json, "b").unwrap(), m);
        let mut ticked = m.clone();
        ticked.students[0].manual_checks = vec![ManualCheck {
            item: "earrings".into(),
            checked_by: "董老师".into(),
            checked_at: Utc::now(),
        }];
        let back = Manifest::from_json(&ticked.to_json(), "b").unwrap();
        assert_eq!(
            back.students[0].manual_checks,
            ticked.students[0].manual_checks
        );
        let csv = m.to_csv();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert!(text.contains("'=cmd"), "{text}");
        assert!(text.contains("13812345678,yes,,paid"), "{text}");
        // Excel shows these digit for digit (as text), not as 12 or 1.10105E+17.
        assert!(text.contains(r#""=""0012""""#), "{text}");
        assert!(text.contains(r#""=""11010519491231002X""""#), "{text}");
        assert_eq!(text.lines().count(), 2);
    }
}
