//! The work behind the office window, each the same core calls as its `tucai office` command,
//! run on a [`Job`](crate::ui::job::Job)'s thread with its own connection to the office
//! database. Plain functions, no egui. Errors name batch folders and files, never personal
//! fields.

use crate::config::PrintConfig;
use crate::export::TrustedKey;
use crate::export::manifest::{MANIFEST_JSON, Manifest};
use crate::office::import::{BatchImport, batch_dirs};
use crate::office::{self, Office, OfficeError, PackageSummary, PdfSheets};
use crate::ui::job::Counter;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// A batch found in a folder, as its manifest describes it (read, not yet verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundBatch {
    pub dir: PathBuf,
    pub name: String,
    pub station: String,
    pub class_name: String,
    pub students: usize,
    /// Why its manifest could not be read (the import will refuse it and say so).
    pub problem: Option<String>,
}

/// The batches in a folder (a stick holding batches, or one batch folder). Reads the disk: call
/// on a thread.
pub fn find_batches(folder: &Path) -> Result<Vec<FoundBatch>, OfficeError> {
    let mut found = Vec::new();
    for dir in batch_dirs(folder)? {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let manifest = std::fs::read(dir.join(MANIFEST_JSON))
            .map_err(|e| format!("{MANIFEST_JSON}: {e}"))
            .and_then(|b| Manifest::from_json(&b, &name).map_err(|e| e.to_string()));
        found.push(match manifest {
            Ok(m) => FoundBatch {
                dir,
                name,
                station: m.station_id,
                class_name: m.session.class_name,
                students: m.students.len(),
                problem: None,
            },
            Err(why) => FoundBatch {
                dir,
                name,
                station: String::new(),
                class_name: String::new(),
                students: 0,
                problem: Some(why),
            },
        });
    }
    Ok(found)
}

/// What an import run did: a line per batch imported, each refusal in words naming the file.
#[derive(Debug, Default)]
pub struct Imported {
    pub batches: Vec<BatchImport>,
    pub refused: Vec<String>,
}

/// Verifies and merges each batch folder (`tucai office import`), counting batches done.
pub fn import(
    office_dir: &Path,
    dirs: &[PathBuf],
    now: DateTime<Utc>,
    progress: &Counter,
) -> Result<Imported, OfficeError> {
    let mut office = Office::open(office_dir)?;
    let mut out = Imported::default();
    for (i, dir) in dirs.iter().enumerate() {
        progress.set(i, dirs.len());
        let report = office::import_batches(&mut office, std::slice::from_ref(dir), now);
        out.batches.extend(report.batches);
        out.refused
            .extend(report.refused.iter().map(ToString::to_string));
    }
    progress.set(dirs.len(), dirs.len());
    Ok(out)
}

/// Trusts a station from its trust file (`tucai office import --trust FILE`).
pub fn trust(
    office_dir: &Path,
    file: &Path,
    now: DateTime<Utc>,
) -> Result<TrustedKey, OfficeError> {
    let key = TrustedKey::load(file)?;
    let mut office = Office::open(office_dir)?;
    office.trust(&key, now)?;
    Ok(key)
}

/// Writes the upload package of the chosen classes with their print sheets into a new folder
/// `out` (`tucai office package`), counting photos copied and sheets drawn.
pub fn package(
    office_dir: &Path,
    out: &Path,
    print: &PrintConfig,
    classes: &[String],
    progress: &Counter,
) -> Result<PackageSummary, OfficeError> {
    let office = Office::open(office_dir)?;
    let sheets = PdfSheets::new(print);
    office::write_package_for(
        &office,
        out,
        Some(&sheets),
        Some(classes),
        &mut |done, total| progress.set(done, total),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_batches_is_listed_with_its_problem() {
        let dir = tempfile::tempdir().unwrap();
        let found = find_batches(dir.path()).unwrap();
        assert_eq!(found.len(), 1);
        assert!(found[0].problem.is_some());
    }
}
