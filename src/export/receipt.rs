//! The office's receipt: a file the office writes into a batch folder once it imported the batch.
//! It names the batch and the SHA-256 of the manifest it imported, so the station can tell that
//! exactly this batch arrived before it deletes anything ([`super::purge`]).

use super::{ExportError, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const RECEIPT: &str = "receipt.json";
pub const FORMAT: &str = "tucai-receipt-v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: String,
    pub batch: String,
    /// SHA-256 of the `manifest.json` the office verified and imported.
    pub manifest_sha256: String,
    pub imported_at: DateTime<Utc>,
    pub students: usize,
}

impl Receipt {
    pub fn new(batch: &str, manifest_sha256: &str, students: usize, now: DateTime<Utc>) -> Self {
        Receipt {
            format: FORMAT.into(),
            batch: batch.into(),
            manifest_sha256: manifest_sha256.into(),
            imported_at: now,
            students,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    pub fn from_json(bytes: &[u8], batch: &str) -> Result<Receipt> {
        let r: Receipt = serde_json::from_slice(bytes).map_err(|e| ExportError::Batch {
            batch: batch.into(),
            message: format!("{RECEIPT} is not readable: {e}"),
        })?;
        if r.format != FORMAT {
            return Err(ExportError::Batch {
                batch: batch.into(),
                message: format!("{RECEIPT} has unknown format `{}`", r.format),
            });
        }
        Ok(r)
    }
}
