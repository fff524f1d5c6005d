//! Per class: who has a confirmed photo at the office, who is still missing. "Everyone" is every
//! student any imported batch listed (a station exports its whole roster, confirmed or not).

use super::{Office, OfficeError, Result, db};

/// A student on a report line. Personal data (a name): for the office's eyes, not for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportStudent {
    pub student_no: String,
    pub name: String,
    /// The confirmed photo's digest (its file is [`Office::photo_path`]); `None` when missing.
    pub photo_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassReport {
    pub class_name: String,
    pub confirmed: Vec<ReportStudent>,
    pub missing: Vec<ReportStudent>,
}

/// The report, classes in name order, students by number.
pub fn class_report(office: &Office) -> Result<Vec<ClassReport>> {
    let lines = db::roster_lines(&office.conn).map_err(|e| OfficeError::Database {
        path: office.dir.join(super::DB_FILE),
        message: e.to_string(),
    })?;
    let mut classes: Vec<ClassReport> = Vec::new();
    for line in lines {
        if classes
            .last()
            .is_none_or(|c| c.class_name != line.class_name)
        {
            classes.push(ClassReport {
                class_name: line.class_name.clone(),
                confirmed: Vec::new(),
                missing: Vec::new(),
            });
        }
        let Some(class) = classes.last_mut() else {
            continue;
        };
        let confirmed = line.photo_sha256.is_some();
        let student = ReportStudent {
            student_no: line.student_no,
            name: line.name,
            photo_sha256: line.photo_sha256,
        };
        if confirmed {
            class.confirmed.push(student);
        } else {
            class.missing.push(student);
        }
    }
    Ok(classes)
}
