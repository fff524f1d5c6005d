//! The print sheets of the upload package (SPEC §6: "5 paper photos per student", sheet size,
//! photo size and copies from `[print]`, cut marks and a caption): one sheet per student, one PDF
//! per class in `print/`, pages in student-number order, so the office prints a class at a time
//! and hands each student their own sheet.
//!
//! Owns: which students go in which file, the file names. The drawing (layout, cut marks,
//! caption, PDF) is [`crate::photo::sheet`]'s. Only PDFs are written: a print shop takes them,
//! and a 300-dpi PNG per student would add megabytes each for nothing the PDF lacks.
//! Must not touch: egui, the station database.

use super::package::{PackageEntry, PrintSheets};
use super::{OfficeError, Result};
use crate::config::PrintConfig;
use crate::photo::sheet::{self, Caption, PdfPage};
use std::collections::HashSet;
use std::path::Path;

/// Sheets as PDF, one file per class.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfSheets {
    pub print: PrintConfig,
}

impl PdfSheets {
    pub fn new(print: &PrintConfig) -> PdfSheets {
        PdfSheets {
            print: print.clone(),
        }
    }
}

impl PrintSheets for PdfSheets {
    fn write_sheets(&self, entries: &[PackageEntry], package: &Path, dir: &Path) -> Result<u32> {
        self.write_sheets_counting(entries, package, dir, &mut |_| {})
    }

    fn write_sheets_counting(
        &self,
        entries: &[PackageEntry],
        package: &Path,
        dir: &Path,
        done: &mut dyn FnMut(usize),
    ) -> Result<u32> {
        // Refuse a layout that cannot hold the copies before reading any photo.
        sheet::layout(&self.print)?;
        let mut drawn = 0;
        let mut used = HashSet::new();
        let mut sheets = 0;
        // The package lists students by class, then number; a class is a run of entries.
        for class in entries.chunk_by(|a, b| a.class_name == b.class_name) {
            let mut pages = Vec::with_capacity(class.len());
            for e in class {
                let path = package.join(&e.photo);
                let bytes = std::fs::read(&path).map_err(|source| OfficeError::Read {
                    path: path.clone(),
                    source,
                })?;
                // Through the one loader: a photo file swapped in the package folder is sniffed
                // by content and refused before decoding when it claims a bomb's size.
                let photo = crate::imageio::decode_rgb(
                    &bytes,
                    &e.photo,
                    crate::imageio::LoadLimits::default(),
                )
                .map_err(|err| OfficeError::Invalid(format!("{err}; import its batch again")))?;
                let caption = Caption {
                    student_no: e.student_no.clone(),
                    name: e.name.clone(),
                };
                let page = sheet::render(&photo, &caption, &self.print)?;
                pages.push(PdfPage::encode(&page, &self.print)?);
                drawn += 1;
                done(drawn);
            }
            let name = unique(file_stem(&class[0].class_name), &mut used);
            let pdf = sheet::pdf_from_pages(&pages, &self.print);
            super::import::write_atomic(&dir.join(format!("{name}.pdf")), &pdf)?;
            sheets += pages.len() as u32;
        }
        Ok(sheets)
    }
}

/// A class name as a file name on Windows, macOS and Linux alike: characters a file name cannot
/// hold become `_`, leading and trailing dots and spaces go (Windows drops them silently).
pub fn file_stem(class_name: &str) -> String {
    let s: String = class_name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let s = s.trim_matches(|c: char| c == '.' || c == ' ');
    if s.is_empty() {
        "class".to_string()
    } else {
        s.to_string()
    }
}

/// Two classes whose names only differ in characters a file name cannot hold get `-2`, `-3`.
fn unique(stem: String, used: &mut HashSet<String>) -> String {
    let mut name = stem.clone();
    let mut n = 1;
    while !used.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{stem}-{n}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_become_safe_distinct_file_names() {
        assert_eq!(file_stem("酒店管理2201"), "酒店管理2201");
        assert_eq!(file_stem("会计/审计 22:1"), "会计_审计 22_1");
        assert_eq!(file_stem(" ..\t"), "_");
        assert_eq!(file_stem(" .. "), "class");
        let mut used = HashSet::new();
        assert_eq!(unique("A_B".into(), &mut used), "A_B");
        assert_eq!(unique("A_B".into(), &mut used), "A_B-2");
        assert_eq!(unique("a_b".into(), &mut used), "a_b-3");
    }
}
