//! Capture files: written to a temporary name in the target folder, then renamed, so a crash
//! never leaves a half-written JPEG under the final name.

use super::FlowError;
use std::path::Path;

pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FlowError> {
    crate::atomic_file::write(path, bytes).map_err(|source| FlowError::WriteFile {
        path: path.to_path_buf(),
        source,
    })
}
