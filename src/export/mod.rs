//! Batch export of SPEC §6: a session's confirmed photos, a signed manifest, written atomically
//! to a [`Destination`]; the station key; the review resets; the purge after the office's receipt.
//!
//! Owns: the batch format ([`manifest`], documented in `docs/EXPORT.md`), the station key
//! ([`key`]), the destination trait and the folder destination ([`destination`]), the export run
//! ([`batch`]), the office's receipt format ([`receipt`]) and the purge ([`purge`]).
//! Must not touch: egui, the capture flow's rules, photo making or the checks (it copies the
//! photo the flow confirmed, byte for byte, and summarises the stored check report).
//!
//! Personal fields go into the batch (that is its job) but never into errors or logs: errors name
//! files, batches and student numbers only.

pub mod batch;
pub mod destination;
pub mod key;
pub mod manifest;
pub mod purge;
pub mod receipt;
pub mod review;

pub use batch::{ExportOutcome, ExportRequest, Progress, Stage, export_session};
pub use destination::{BatchWriter, Destination, FolderDestination};
pub use key::{StationKey, TrustedKey};
pub use manifest::{Manifest, StudentEntry};
pub use purge::purge_session;
pub use receipt::Receipt;
pub use review::parse_review_list;

use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; check the destination is mounted and has free space")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("station key {path}: {message}")]
    Key { path: PathBuf, message: String },
    #[error("trust file {path}: {message}")]
    Trust { path: PathBuf, message: String },
    #[error("session {0} has no confirmed photos yet; nothing to export")]
    NothingConfirmed(i64),
    #[error(
        "student {student_no}: the confirmed attempt has no photo file in the database; \
         a teacher should allow a retake"
    )]
    NoPhoto { student_no: String },
    #[error("student {student_no}: the stored check report is not readable: {message}")]
    BadReport { student_no: String, message: String },
    #[error("batch {batch}: {message}")]
    Batch { batch: String, message: String },
    #[error("{0}")]
    Refused(String),
    #[error("review list {path}: {message}")]
    Review { path: PathBuf, message: String },
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;

/// Lower-case hex of bytes (keys, signatures, digests).
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// Parses hex (either case, surrounding whitespace ignored); `None` when malformed.
pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// SHA-256 of bytes as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    to_hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_garbage() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(to_hex(&bytes), "0001abff");
        assert_eq!(from_hex("0001ABff").unwrap(), bytes);
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn sha256_of_empty_is_the_known_value() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
