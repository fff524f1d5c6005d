//! Deleting a session's personal data from the station once the office confirmed the import:
//! refused unless the newest batch of the session carries the office's receipt for exactly that
//! manifest, and the session has not changed since that batch.

use super::batch::{latest_batch, snapshot};
use super::destination::Destination;
use super::manifest::BatchName;
use super::receipt::{RECEIPT, Receipt};
use super::{ExportError, Result, sha256_hex};
use crate::store::{PurgeSummary, SessionId, Store};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeOutcome {
    /// The receipted batch the purge relied on (`None` when finishing an interrupted purge).
    pub batch: Option<BatchName>,
    pub rows: PurgeSummary,
    pub files_deleted: u32,
}

/// Purges a session after checking the office's receipt in `dest`.
pub fn purge_session(
    store: &mut Store,
    station_id: &str,
    session: SessionId,
    dest: &dyn Destination,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<PurgeOutcome> {
    let s = store.session(session)?;
    if s.purged_at.is_some() {
        // Finish what an interrupted purge left; nothing personal is left in the rows.
        let files_deleted = delete_files(store, session)?;
        return Ok(PurgeOutcome {
            batch: None,
            rows: PurgeSummary::default(),
            files_deleted,
        });
    }
    let (batch, manifest, manifest_bytes) = latest_batch(dest, station_id, session)?.ok_or_else(|| {
        ExportError::Refused(format!(
            "no batch of session {session} in {}; export it, have the office import it, then purge",
            dest.describe()
        ))
    })?;
    let receipt_bytes = dest.read(&batch, RECEIPT)?.ok_or_else(|| {
        ExportError::Refused(format!(
            "batch {batch} has no {RECEIPT} from the office yet; nothing was deleted. \
             Purge after the office imported it"
        ))
    })?;
    let receipt = Receipt::from_json(&receipt_bytes, &batch.to_string())?;
    if receipt.batch != batch.to_string() || receipt.manifest_sha256 != sha256_hex(&manifest_bytes)
    {
        return Err(ExportError::Refused(format!(
            "the {RECEIPT} in batch {batch} is for another manifest; nothing was deleted. \
             Have the office import this batch again"
        )));
    }
    let current = snapshot(store, station_id, session, &mut |_| {})?;
    if manifest.content_digest != current.digest {
        return Err(ExportError::Refused(format!(
            "session {session} changed after batch {batch} (new confirmations or edits); \
             nothing was deleted. Export again and have the office import the new batch"
        )));
    }
    let rows = store.purge_session_rows(session, operator, &format!("receipt={batch}"), now)?;
    let files_deleted = delete_files(store, session)?;
    Ok(PurgeOutcome {
        batch: Some(batch),
        rows,
        files_deleted,
    })
}

fn delete_files(store: &mut Store, session: SessionId) -> Result<u32> {
    let mut deleted = 0;
    for rel in store.pending_purge_files(session)? {
        // Capture paths are relative to the data directory; anything else is not ours to delete.
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain {
            log::warn!(
                "purge of session {session}: skipped a capture path outside the data directory"
            );
            continue;
        }
        let path = store.data_dir().join(&rel);
        match std::fs::remove_file(&path) {
            Ok(()) => deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(ExportError::Write { path, source }),
        }
    }
    store.finish_purge(session)?;
    Ok(deleted)
}
