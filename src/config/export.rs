use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `[export]`: where batches go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// Folder batches are written to (USB stick, mounted share, on Windows a UNC share such as
    /// `\\office-pc\tucai`). Relative paths are taken from the data directory. `tucai export --to`
    /// overrides it; an absolute one is offered in the teacher's export tab.
    pub destination: PathBuf,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            destination: PathBuf::from("export"),
        }
    }
}

impl ExportConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("export");
        r.require(
            !self.destination.as_os_str().is_empty(),
            "destination",
            "must not be empty",
        );
        r.finish()
    }
}
