//! From a payload to a student of the session's roster, or a typed refusal.
//!
//! Order: validate the payload (length, text, control characters), check the school code when
//! `[scan] school_code_pattern` is set, then the roster's capture_code column, then the student
//! number extracted by `[scan] student_no_pattern`. A code that belongs to another session's
//! roster is "not on this roster" (a student of another class), anything else "unknown".
//! A refusal is recorded as one audit line with the payload's length and a hash prefix only:
//! payloads may carry personal data.

use crate::config::{ScanConfig, SchoolConfig};
use crate::store::{NewAudit, SessionId, Store, StoreError, Student};
use chrono::{DateTime, Utc};
use regex::Regex;
use sha2::{Digest, Sha256};

/// Why a scanned payload was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("the code is empty")]
    Empty,
    #[error("the code is too long ({len} bytes, at most {max})")]
    TooLong { len: usize, max: usize },
    #[error("the code is not text")]
    NotText,
    #[error("the code contains control characters")]
    ControlChars,
    #[error("the code belongs to another school")]
    OtherSchool,
    #[error("the code is not a capture code of this station")]
    UnknownCode,
    #[error("the student is not on this session's roster")]
    NotOnRoster,
}

impl Refusal {
    /// A stable id for the audit line.
    pub fn id(&self) -> &'static str {
        match self {
            Refusal::Empty => "empty",
            Refusal::TooLong { .. } => "too_long",
            Refusal::NotText => "not_text",
            Refusal::ControlChars => "control_chars",
            Refusal::OtherSchool => "other_school",
            Refusal::UnknownCode => "unknown_code",
            Refusal::NotOnRoster => "not_on_roster",
        }
    }

    /// What the student reads, in Chinese.
    pub fn message_zh(&self) -> &'static str {
        match self {
            Refusal::Empty | Refusal::NotText | Refusal::ControlChars | Refusal::TooLong { .. } => {
                "无法识别这个二维码。请出示学信网发给你的图像采集码。"
            }
            Refusal::OtherSchool => {
                "这是其他学校的采集码。请确认你在本校的采集点拍摄，或联系老师。"
            }
            Refusal::UnknownCode => {
                "没有找到这个采集码。请确认出示的是本人的图像采集码，或请老师按学号查找。"
            }
            Refusal::NotOnRoster => "你不在本场次的名单中。请确认拍摄时间和班级，或联系老师。",
        }
    }

    /// What the student reads, in English.
    pub fn message_en(&self) -> &'static str {
        match self {
            Refusal::Empty | Refusal::NotText | Refusal::ControlChars | Refusal::TooLong { .. } => {
                "This QR code cannot be read as a capture code. Show the capture code the register sent you."
            }
            Refusal::OtherSchool => {
                "This capture code is from another school. Check you are at your own school's station, or ask the teacher."
            }
            Refusal::UnknownCode => {
                "This capture code was not found. Show your own capture code, or ask the teacher to look you up by student number."
            }
            Refusal::NotOnRoster => {
                "You are not on this session's list. Check your class's time slot, or ask the teacher."
            }
        }
    }
}

/// How a payload was matched.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchedBy {
    CaptureCode,
    StudentNo,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    pub student: Student,
    pub by: MatchedBy,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A `[scan]` pattern that does not compile (config validation reports it first).
#[derive(Debug, thiserror::Error)]
#[error("[scan] {key} is not a valid pattern: {message}")]
pub struct PatternError {
    pub key: &'static str,
    pub message: String,
}

/// The matching rules of `[scan]` and `[school]`, compiled once.
#[derive(Debug, Clone)]
pub struct Matcher {
    max_len: usize,
    student_no: Option<Regex>,
    school: Option<(Regex, String)>,
}

fn compile(key: &'static str, pattern: &str) -> Result<Option<Regex>, PatternError> {
    if pattern.is_empty() {
        return Ok(None);
    }
    let re = Regex::new(pattern).map_err(|e| PatternError {
        key,
        message: e.to_string(),
    })?;
    if re.captures_len() != 2 {
        return Err(PatternError {
            key,
            message: "needs exactly one capture group".into(),
        });
    }
    Ok(Some(re))
}

impl Matcher {
    pub fn new(scan: &ScanConfig, school: &SchoolConfig) -> Result<Matcher, PatternError> {
        let student_no = compile("student_no_pattern", &scan.student_no_pattern)?;
        let school_re = compile("school_code_pattern", &scan.school_code_pattern)?;
        let school = match school_re {
            Some(re) if !school.code.trim().is_empty() => {
                Some((re, school.code.trim().to_string()))
            }
            _ => None,
        };
        Ok(Matcher {
            max_len: scan.max_payload_len as usize,
            student_no,
            school,
        })
    }

    /// Checks a payload is a plausible capture code and returns it as text (trimmed of the
    /// spaces and line ends scanners and phones add).
    pub fn validate<'a>(&self, payload: &'a [u8]) -> Result<&'a str, Refusal> {
        if payload.len() > self.max_len {
            return Err(Refusal::TooLong {
                len: payload.len(),
                max: self.max_len,
            });
        }
        let text = std::str::from_utf8(payload).map_err(|_| Refusal::NotText)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(Refusal::Empty);
        }
        if text.chars().any(char::is_control) {
            return Err(Refusal::ControlChars);
        }
        Ok(text)
    }

    /// Matches a payload to a student of `session`. Eligibility and locks are the flow's rules
    /// and are not looked at here.
    pub fn match_payload(
        &self,
        store: &Store,
        session: SessionId,
        payload: &[u8],
    ) -> Result<Matched, MatchError> {
        let code = self.validate(payload).map_err(MatchError::Refused)?;
        if let Some((re, ours)) = &self.school
            && let Some(found) = re.captures(code).and_then(|c| c.get(1))
            && found.as_str() != ours
        {
            return Err(MatchError::Refused(Refusal::OtherSchool));
        }
        if let Some(student) = store.student_by_code(session, code)? {
            return Ok(Matched {
                student,
                by: MatchedBy::CaptureCode,
            });
        }
        let number = self
            .student_no
            .as_ref()
            .and_then(|re| re.captures(code))
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string());
        if let Some(no) = &number
            && let Some(student) = store.student_by_no(session, no)?
        {
            return Ok(Matched {
                student,
                by: MatchedBy::StudentNo,
            });
        }
        // Known to another session: a student of another class or time slot.
        for other in store.sessions()? {
            if other.id == session {
                continue;
            }
            let elsewhere = store.student_by_code(other.id, code)?.is_some()
                || match &number {
                    Some(no) => store.student_by_no(other.id, no)?.is_some(),
                    None => false,
                };
            if elsewhere {
                return Err(MatchError::Refused(Refusal::NotOnRoster));
            }
        }
        Err(MatchError::Refused(Refusal::UnknownCode))
    }
}

/// Writes the audit line of a refused scan: the refusal id, the payload's length and the first
/// 12 hex digits of its SHA-256 (enough to tell repeats apart, not to recover the payload).
pub fn record_refusal(
    store: &mut Store,
    session: SessionId,
    payload: &[u8],
    refusal: &Refusal,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let line = NewAudit::station("scan.refused")
        .session(session)
        .detail(audit_detail(payload, refusal));
    store.audit(&line, now)
}

fn audit_detail(payload: &[u8], refusal: &Refusal) -> String {
    let hash = Sha256::digest(payload);
    let hex: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{} len={} sha256={hex}", refusal.id(), payload.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let scan = ScanConfig {
            max_payload_len: 16,
            ..ScanConfig::default()
        };
        Matcher::new(&scan, &SchoolConfig::default()).unwrap()
    }

    #[test]
    fn malformed_payloads_are_refused() {
        let m = matcher();
        assert_eq!(m.validate(b"  \r\n"), Err(Refusal::Empty));
        assert_eq!(
            m.validate(&[b'A'; 17]),
            Err(Refusal::TooLong { len: 17, max: 16 })
        );
        assert_eq!(m.validate(&[0xff, 0xfe, 0x41]), Err(Refusal::NotText));
        assert_eq!(m.validate(b"AB\x07CD"), Err(Refusal::ControlChars));
        assert_eq!(m.validate(b" TUCAI-1\r\n"), Ok("TUCAI-1"));
    }

    #[test]
    fn audit_detail_has_no_payload_text() {
        let d = audit_detail(b"320123200001011234", &Refusal::UnknownCode);
        assert!(d.starts_with("unknown_code len=18 sha256="), "{d}");
        assert!(!d.contains("3201232000"), "{d}");
    }

    #[test]
    fn bad_patterns_are_errors() {
        let scan = ScanConfig {
            student_no_pattern: "^(\\d+".into(),
            ..ScanConfig::default()
        };
        assert!(Matcher::new(&scan, &SchoolConfig::default()).is_err());
        let scan = ScanConfig {
            student_no_pattern: "^\\d+$".into(),
            ..ScanConfig::default()
        };
        assert!(Matcher::new(&scan, &SchoolConfig::default()).is_err());
    }

    #[test]
    fn every_refusal_has_both_messages() {
        for r in [
            Refusal::Empty,
            Refusal::TooLong { len: 1, max: 0 },
            Refusal::NotText,
            Refusal::ControlChars,
            Refusal::OtherSchool,
            Refusal::UnknownCode,
            Refusal::NotOnRoster,
        ] {
            assert!(
                !r.message_zh().is_empty() && r.message_en().len() > 20,
                "{r:?}"
            );
        }
    }
}
