//! The upload package for the provincial system: every confirmed photo named by student number,
//! plus a list file. Written into a hidden folder beside `out` and renamed into place, so a
//! half-written package is never mistaken for a finished one.
//!
//! Print sheets (SPEC §6: copies per student, cut marks, caption) go in `print/` through the
//! [`PrintSheets`] seam; [`super::sheets::PdfSheets`] is the one the command line uses (one PDF
//! per class, drawn by [`crate::photo::sheet`]). `None` writes a package without them.

use super::import::write_atomic;
use super::{Office, OfficeError, Result, db};
use crate::export::manifest::{excel_digits, excel_safe};
use std::path::{Path, PathBuf};

/// One student in the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageEntry {
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub class_name: String,
    /// The photo inside the package folder.
    pub photo: PathBuf,
}

/// The seam for the print sheets: given the packaged photos (their paths relative to `package`),
/// write the sheets into `dir` (inside the package) and return how many sheets were made.
pub trait PrintSheets {
    fn write_sheets(&self, entries: &[PackageEntry], package: &Path, dir: &Path) -> Result<u32>;

    /// [`PrintSheets::write_sheets`] that says how many entries are done as it goes (for a
    /// progress bar); the default reports them all at the end.
    fn write_sheets_counting(
        &self,
        entries: &[PackageEntry],
        package: &Path,
        dir: &Path,
        done: &mut dyn FnMut(usize),
    ) -> Result<u32> {
        let n = self.write_sheets(entries, package, dir)?;
        done(entries.len());
        Ok(n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSummary {
    pub out: PathBuf,
    pub photos: usize,
    /// Sheets made (one per student); `None` when no sheet maker was given.
    pub sheets: Option<u32>,
}

pub const LIST_FILE: &str = "list.csv";
pub const SHEETS_DIR: &str = "print";

/// Writes the package of every class to `out`, which must not exist yet.
pub fn write_package(
    office: &Office,
    out: &Path,
    sheets: Option<&dyn PrintSheets>,
) -> Result<PackageSummary> {
    write_package_for(office, out, sheets, None, &mut |_, _| {})
}

/// [`write_package`] for the chosen classes only (`None`: all), calling `progress(done, total)`
/// as photos are copied and sheets drawn (each photo counts once for the copy and once for its
/// sheet).
pub fn write_package_for(
    office: &Office,
    out: &Path,
    sheets: Option<&dyn PrintSheets>,
    classes: Option<&[String]>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<PackageSummary> {
    if out.exists() {
        return Err(OfficeError::Invalid(format!(
            "{} already exists; give a new folder for the package",
            out.display()
        )));
    }
    let lines = db::roster_lines(&office.conn).map_err(|e| OfficeError::Database {
        path: office.dir.join(super::DB_FILE),
        message: e.to_string(),
    })?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| OfficeError::Invalid(format!("{} is not a folder name", out.display())))?;
    let temp = parent.join(format!(".partial-{name}"));
    if temp.exists() {
        std::fs::remove_dir_all(&temp).map_err(|source| OfficeError::Write {
            path: temp.clone(),
            source,
        })?;
    }
    // A class named wrong (a typo in a script) would write an empty package that looks done.
    if let Some(chosen) = classes
        && let Some(unknown) = chosen
            .iter()
            .find(|c| !lines.iter().any(|l| &l.class_name == *c))
    {
        let mut known: Vec<&str> = lines.iter().map(|l| l.class_name.as_str()).collect();
        known.sort_unstable();
        known.dedup();
        return Err(OfficeError::Invalid(format!(
            "no class {unknown:?} in the imported batches; the classes are: {}",
            known.join(", ")
        )));
    }
    let lines: Vec<_> = lines
        .into_iter()
        .filter(|l| l.photo_sha256.is_some() && l.id_number.is_some())
        .filter(|l| classes.is_none_or(|c| c.contains(&l.class_name)))
        .collect();
    let per_photo = if sheets.is_some() { 2 } else { 1 };
    let total = lines.len() * per_photo;
    progress(0, total);
    let mut entries = Vec::new();
    let mut list = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut list);
        let _ = w.write_record([
            "student_no",
            "name",
            "id_number",
            "department",
            "class_name",
            "photo",
        ]);
        for line in lines {
            let (Some(sha), Some(id_number)) = (line.photo_sha256, line.id_number) else {
                continue;
            };
            let src = office.photo_path(&sha);
            let bytes = std::fs::read(&src).map_err(|source| OfficeError::Read {
                path: src.clone(),
                source,
            })?;
            let rel = PathBuf::from("photos").join(format!("{}.jpg", line.student_no));
            write_atomic(&temp.join(&rel), &bytes)?;
            // Escaped like manifest.csv: a clerk opens list.csv in Excel before uploading, and a
            // name starting with `=` would run as a formula, an 18-digit ID number be rounded.
            let _ = w.write_record([
                excel_digits(&line.student_no).as_str(),
                &excel_safe(&line.name),
                &excel_digits(&id_number),
                &excel_safe(&line.department),
                &excel_safe(&line.class_name),
                &rel.to_string_lossy(),
            ]);
            entries.push(PackageEntry {
                student_no: line.student_no,
                name: line.name,
                id_number,
                department: line.department,
                class_name: line.class_name,
                photo: rel,
            });
            progress(entries.len(), total);
        }
        let _ = w.flush();
    }
    write_atomic(&temp.join(LIST_FILE), &list)?;
    let sheet_count = match sheets {
        Some(maker) => {
            let dir = temp.join(SHEETS_DIR);
            std::fs::create_dir_all(&dir).map_err(|source| OfficeError::Write {
                path: dir.clone(),
                source,
            })?;
            let copied = entries.len();
            Some(
                maker.write_sheets_counting(&entries, &temp, &dir, &mut |n| {
                    progress(copied + n, total)
                })?,
            )
        }
        None => None,
    };
    std::fs::rename(&temp, out).map_err(|source| OfficeError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(PackageSummary {
        out: out.to_path_buf(),
        photos: entries.len(),
        sheets: sheet_count,
    })
}
