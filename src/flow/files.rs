//! Capture files: written to a temporary name in the target folder, then renamed, so a crash
//! never leaves a half-written JPEG under the final name.

use super::FlowError;
use std::io::Write;
use std::path::Path;

pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FlowError> {
    let err = |source| FlowError::WriteFile {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).map_err(err)?;
    f.sync_all().map_err(err)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(err)
}
