//! The provincial review's reset list: a CSV of student numbers and reasons (UTF-8 or GBK, as
//! Excel writes it), applied to a session with [`crate::store::Store::apply_review_resets`].

use super::{ExportError, Result};
use crate::store::ReviewReset;
use std::path::Path;

const NO_HEADERS: [&str; 3] = ["student_no", "学号", "学生学号"];
const REASON_HEADERS: [&str; 4] = ["reason", "原因", "退回原因", "重置原因"];

/// Parses a reset list; `path` names the file in errors. Every row needs a student number and a
/// reason (the station shows the reason to the student, an empty one helps nobody).
pub fn parse_review_list(bytes: &[u8], path: &Path) -> Result<Vec<ReviewReset>> {
    let bad = |message: String| ExportError::Review {
        path: path.to_path_buf(),
        message,
    };
    let (text, _) = crate::roster::decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| bad(format!("cannot read the header line: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let (Some(no_col), Some(reason_col)) = (find(&NO_HEADERS), find(&REASON_HEADERS)) else {
        return Err(bad(
            "the header line needs the columns student_no,reason (or 学号,原因)".into(),
        ));
    };
    let mut resets = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| bad(format!("line {line}: {e}")))?;
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        let student_no = record.get(no_col).unwrap_or("").to_string();
        let reason = record.get(reason_col).unwrap_or("").to_string();
        if student_no.is_empty() || reason.is_empty() {
            return Err(bad(format!(
                "line {line}: needs both a student number and a reason"
            )));
        }
        resets.push(ReviewReset { student_no, reason });
    }
    if resets.is_empty() {
        return Err(bad("the list has no students".into()));
    }
    Ok(resets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chinese_headers_in_gbk() {
        let text = "学号,原因\n202200001,背景不符合要求\n\n202200002,面部不清晰\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let resets = parse_review_list(&gbk, Path::new("r.csv")).unwrap();
        assert_eq!(resets.len(), 2);
        assert_eq!(resets[1].student_no, "202200002");
        assert_eq!(resets[1].reason, "面部不清晰");
    }

    #[test]
    fn a_row_without_reason_names_its_line() {
        let err = parse_review_list(b"student_no,reason\n1,blurred\n2,\n", Path::new("r.csv"))
            .unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = parse_review_list(b"no,why\n1,x\n", Path::new("r.csv")).unwrap_err();
        assert!(err.to_string().contains("student_no,reason"), "{err}");
    }
}
