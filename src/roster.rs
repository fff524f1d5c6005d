//! Class rosters from CSV, as schools have them: UTF-8 (with or without BOM) or GBK (what Excel
//! in China writes), headers in Chinese or English.
//!
//! Owns: decoding, header recognition and row validation. A file with any bad row yields every bad
//! row with its line number and no rows at all, so a teacher fixes the file once and nothing half
//! imported has to be cleaned up. Must not touch: the store (it only produces [`RosterRow`]s).

use std::collections::HashMap;

/// One validated roster row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// Line in the file (1-based, header is line 1), for messages.
    pub line: u64,
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub class_name: String,
    pub capture_code: Option<String>,
    /// A roster may mark a student not eligible (not a 2026 graduate, registration suspended).
    pub eligible: bool,
}

/// Which text encoding the file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gbk,
}

/// A parsed roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub encoding: Encoding,
    pub rows: Vec<RosterRow>,
}

/// Why one row was refused. The message never contains the row's personal fields, only the line
/// and the column, because it is printed to a terminal and may end up in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub problem: RowProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowProblem {
    MissingField(Column),
    DuplicateStudentNo {
        first_line: u64,
    },
    DuplicateCaptureCode {
        first_line: u64,
    },
    MalformedIdNumber,
    MalformedStudentNo,
    BadEligible,
    TooManyFields,
    /// Longer than a real value of the column can be (a 10 MB name was stored before).
    TooLong {
        column: Column,
        max: usize,
    },
    /// A newline, tab or other control character inside the field.
    ControlCharacter(Column),
}

/// Longest value each column may hold, in characters: generous for real data (the longest
/// Chinese names and department names are far shorter), small enough that a pasted document or a
/// runaway cell is refused. Capture codes follow `[scan] max_payload_len`'s default.
fn max_len(c: Column) -> usize {
    match c {
        Column::StudentNo => 32,
        Column::Name => 64,
        Column::IdNumber => 18,
        Column::Department | Column::Class => 100,
        Column::CaptureCode => 512,
        Column::Eligible => 8,
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.problem {
            RowProblem::MissingField(c) => write!(f, "{} is empty", c.header()),
            RowProblem::DuplicateStudentNo { first_line } => {
                write!(f, "student number repeats line {first_line}")
            }
            RowProblem::DuplicateCaptureCode { first_line } => {
                write!(f, "capture code repeats line {first_line}")
            }
            RowProblem::MalformedIdNumber => write!(
                f,
                "ID number is not an 18-character resident ID with a valid check digit"
            ),
            RowProblem::MalformedStudentNo => {
                write!(f, "student number must be letters and digits only")
            }
            RowProblem::BadEligible => {
                write!(f, "eligible must be 是/否, yes/no, true/false or 1/0")
            }
            RowProblem::TooManyFields => write!(f, "more fields than the header has"),
            RowProblem::TooLong { column, max } => {
                write!(f, "{} is longer than {max} characters", column.header())
            }
            RowProblem::ControlCharacter(c) => write!(
                f,
                "{} holds a line break, tab or other control character",
                c.header()
            ),
        }
    }
}

impl RowError {
    /// The same as the `Display` text, in Chinese, for the kiosk's teacher screen.
    pub fn message_zh(&self) -> String {
        let what = match &self.problem {
            RowProblem::MissingField(c) => format!("{}为空", c.header_zh()),
            RowProblem::DuplicateStudentNo { first_line } => {
                format!("学号与第 {first_line} 行重复")
            }
            RowProblem::DuplicateCaptureCode { first_line } => {
                format!("采集码与第 {first_line} 行重复")
            }
            RowProblem::MalformedIdNumber => "身份证号不是 18 位且校验位正确的居民身份证号".into(),
            RowProblem::MalformedStudentNo => "学号只能由字母和数字组成".into(),
            RowProblem::BadEligible => "可采集一栏须为 是/否、yes/no、true/false 或 1/0".into(),
            RowProblem::TooManyFields => "字段比表头多".into(),
            RowProblem::TooLong { column, max } => {
                format!("{}超过 {max} 个字符", column.header_zh())
            }
            RowProblem::ControlCharacter(c) => {
                format!("{}含有换行、制表符等控制字符", c.header_zh())
            }
        };
        format!("第 {} 行：{what}", self.line)
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RosterError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has no students: only a header, no rows below it")]
    NoStudents,
    #[error("the header has no column for {}; expected e.g. 学号,姓名,身份证号,院系,班级,采集码",
        .0.iter().map(|c| c.header()).collect::<Vec<_>>().join(", "))]
    MissingColumns(Vec<Column>),
    #[error("column {} appears twice in the header", .0.header())]
    DuplicateColumn(Column),
    #[error("the file is not valid CSV at line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("{} bad row(s), nothing imported:\n{}", bad_lines(.0),
        .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    BadRows(Vec<RowError>),
}

/// How many lines the problems are on (one line can have several, e.g. an ID number both too
/// long and malformed): what "N bad rows" counts.
pub fn bad_lines(rows: &[RowError]) -> usize {
    let mut lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    lines.dedup();
    lines.len()
}

/// A roster column, with the header names it is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    StudentNo,
    Name,
    IdNumber,
    Department,
    Class,
    CaptureCode,
    Eligible,
}

impl Column {
    const ALL: [Column; 7] = [
        Column::StudentNo,
        Column::Name,
        Column::IdNumber,
        Column::Department,
        Column::Class,
        Column::CaptureCode,
        Column::Eligible,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::StudentNo => &["学号", "student_no", "studentno", "student number", "no"],
            Column::Name => &["姓名", "name", "student name"],
            Column::IdNumber => &[
                "身份证号",
                "身份证号码",
                "身份证",
                "id_number",
                "id number",
                "idno",
            ],
            Column::Department => &["院系", "学院", "二级院部", "department", "dept"],
            Column::Class => &["班级", "class", "class_name"],
            Column::CaptureCode => &[
                "采集码",
                "图像采集码",
                "capture_code",
                "capture code",
                "code",
            ],
            Column::Eligible => &["可采集", "是否可采集", "eligible"],
        }
    }

    /// The name used in messages: Chinese with the English key.
    pub fn header(self) -> &'static str {
        match self {
            Column::StudentNo => "学号/student_no",
            Column::Name => "姓名/name",
            Column::IdNumber => "身份证号/id_number",
            Column::Department => "院系/department",
            Column::Class => "班级/class",
            Column::CaptureCode => "采集码/capture_code",
            Column::Eligible => "可采集/eligible",
        }
    }

    /// The column's Chinese header alone, for Chinese messages.
    pub fn header_zh(self) -> &'static str {
        self.header().split('/').next().unwrap_or_default()
    }

    fn required(self) -> bool {
        matches!(self, Column::StudentNo | Column::Name | Column::IdNumber)
    }

    fn recognise(header: &str) -> Option<Column> {
        let h = header.trim().to_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.aliases().iter().any(|a| *a == h))
    }
}

/// Decodes and parses a roster file's bytes.
pub fn parse(bytes: &[u8]) -> Result<Roster, RosterError> {
    let (text, encoding) = decode(bytes);
    let rows = parse_text(&text)?;
    Ok(Roster { encoding, rows })
}

/// UTF-8 when it has a BOM or decodes cleanly; otherwise GBK. A GBK file is almost never valid
/// UTF-8 (its lead bytes 0x81-0xFE are followed by bytes UTF-8 forbids there), so the strict
/// UTF-8 attempt is a reliable test.
pub(crate) fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::GBK.decode(bytes);
            (text.into_owned(), Encoding::Gbk)
        }
    }
}

fn parse_text(text: &str) -> Result<Vec<RosterRow>, RosterError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let header = loop {
        match records.next() {
            None => return Err(RosterError::Empty),
            Some(Err(e)) => return Err(csv_error(e)),
            Some(Ok(r)) if is_blank(&r) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        if let Some(col) = Column::recognise(name)
            && columns.insert(col, index).is_some()
        {
            return Err(RosterError::DuplicateColumn(col));
        }
    }
    let missing: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| c.required() && !columns.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(RosterError::MissingColumns(missing));
    }

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen_no: HashMap<String, u64> = HashMap::new();
    let mut seen_code: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = record.map_err(csv_error)?;
        if is_blank(&record) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let field = |c: Column| -> String {
            columns
                .get(&c)
                .and_then(|&i| record.get(i))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let mut bad = |problem| errors.push(RowError { line, problem });
        for (&col, &i) in &columns {
            let value = record.get(i).unwrap_or_default().trim();
            if value.chars().any(char::is_control) {
                bad(RowProblem::ControlCharacter(col));
            } else if value.chars().count() > max_len(col) {
                bad(RowProblem::TooLong {
                    column: col,
                    max: max_len(col),
                });
            }
        }

        if record.len() > header.len()
            && record
                .iter()
                .skip(header.len())
                .any(|f| !f.trim().is_empty())
        {
            bad(RowProblem::TooManyFields);
        }
        let student_no = field(Column::StudentNo);
        let name = field(Column::Name);
        let id_number = field(Column::IdNumber).to_uppercase();
        for (col, value) in [
            (Column::StudentNo, &student_no),
            (Column::Name, &name),
            (Column::IdNumber, &id_number),
        ] {
            if value.is_empty() {
                bad(RowProblem::MissingField(col));
            }
        }
        if !student_no.is_empty() {
            if !student_no.chars().all(|c| c.is_ascii_alphanumeric()) {
                bad(RowProblem::MalformedStudentNo);
            } else if let Some(&first_line) = seen_no.get(&student_no) {
                bad(RowProblem::DuplicateStudentNo { first_line });
            } else {
                seen_no.insert(student_no.clone(), line);
            }
        }
        if !id_number.is_empty() && !is_valid_id_number(&id_number) {
            bad(RowProblem::MalformedIdNumber);
        }
        let code = field(Column::CaptureCode);
        let capture_code = if code.is_empty() {
            None
        } else {
            if let Some(&first_line) = seen_code.get(&code) {
                bad(RowProblem::DuplicateCaptureCode { first_line });
            } else {
                seen_code.insert(code.clone(), line);
            }
            Some(code)
        };
        let eligible = match parse_eligible(&field(Column::Eligible)) {
            Some(e) => e,
            None => {
                bad(RowProblem::BadEligible);
                true
            }
        };
        rows.push(RosterRow {
            line,
            student_no,
            name,
            id_number,
            department: field(Column::Department),
            class_name: field(Column::Class),
            capture_code,
            eligible,
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(RosterError::BadRows(errors));
    }
    if rows.is_empty() {
        return Err(RosterError::NoStudents);
    }
    Ok(rows)
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

fn csv_error(e: csv::Error) -> RosterError {
    let line = e.position().map_or(0, |p| p.line());
    RosterError::Csv {
        line,
        message: e.to_string(),
    }
}

/// An empty cell means eligible: most rosters have no such column at all.
fn parse_eligible(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "是" | "y" | "yes" | "true" | "1" => Some(true),
        "否" | "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A mainland resident ID number (GB 11643-1999): 17 digits and a check character computed with
/// the ISO 7064 MOD 11-2 weights. Also valid for the 18-character residence permits of Hong Kong,
/// Macao and Taiwan residents, which use the same scheme.
pub fn is_valid_id_number(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [u8; 11] = *b"10X98765432";
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    bytes[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_and_control_characters_are_refused_naming_the_line_not_the_value() {
        let long_name = "王".repeat(65);
        let text = format!(
            "学号,姓名,身份证号,院系,班级\n\
             2022001,{long_name},11010519491231002X,旅游,酒店2201\n\
             2022002,\"李\n四\",11010519491231002X,旅游,酒店2201\n\
             2022003,赵六,11010519491231002X,\"旅\t游\",酒店2201\n"
        );
        let Err(RosterError::BadRows(rows)) = parse(text.as_bytes()) else {
            panic!("accepted");
        };
        let msgs: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        assert!(
            msgs.contains(&"line 2: 姓名/name is longer than 64 characters".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("line 3: 姓名/name holds a line break")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("line 5: 院系/department holds")),
            "{msgs:?}"
        );
        for m in msgs.iter().chain(
            rows.iter()
                .map(|r| r.message_zh())
                .collect::<Vec<_>>()
                .iter(),
        ) {
            assert!(
                !m.contains("王王") && !m.contains('李') && !m.contains("旅"),
                "{m}"
            );
        }
        // 64 characters is a name still.
        let ok = format!(
            "学号,姓名,身份证号\n2022001,{},11010519491231002X\n",
            "王".repeat(64)
        );
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn a_header_without_rows_has_no_students() {
        let err = parse("学号,姓名,身份证号,院系,班级\n\n".as_bytes()).unwrap_err();
        assert!(matches!(err, RosterError::NoStudents), "{err}");
        assert!(err.to_string().contains("no students"));
    }

    #[test]
    fn id_check_digit() {
        // The example number of GB 11643-1999.
        assert!(is_valid_id_number("11010519491231002X"));
        assert!(is_valid_id_number(
            "11010519491231002x".to_uppercase().as_str()
        ));
        assert!(!is_valid_id_number("110105194912310021"));
        assert!(!is_valid_id_number("11010519491231002"));
        assert!(!is_valid_id_number("1101051949123100AX"));
    }

    #[test]
    fn english_headers_in_any_order_and_case() {
        let text = "Name,STUDENT_NO,id_number\n张三,2022001,11010519491231002X\n";
        let rows = parse_text(text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].student_no, "2022001");
        assert_eq!(rows[0].name, "张三");
        assert_eq!(rows[0].line, 2);
        assert!(rows[0].eligible);
        assert_eq!(rows[0].capture_code, None);
    }

    #[test]
    fn missing_required_column_is_named() {
        let err = parse_text("学号,姓名\n1,张三\n").unwrap_err();
        assert!(matches!(&err, RosterError::MissingColumns(c) if c == &[Column::IdNumber]));
        assert!(err.to_string().contains("身份证号"), "{err}");
    }

    /// Line 3 has no number, line 4 repeats line 2's, line 5 a bad ID number and line 2's code.
    const BAD_ROWS: &str = "学号,姓名,身份证号,采集码\n\
                            2022001,张三,11010519491231002X,A1\n\
                            ,李四,11010519491231002X,\n\
                            2022001,王五,11010519491231002X,\n\
                            2022004,赵六,110105194912310021,A1\n";

    #[test]
    fn every_bad_row_is_listed_with_its_line() {
        let RosterError::BadRows(errors) = parse_text(BAD_ROWS).unwrap_err() else {
            panic!("expected bad rows");
        };
        let found: Vec<(u64, RowProblem)> =
            errors.into_iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            found,
            vec![
                (3, RowProblem::MissingField(Column::StudentNo)),
                (4, RowProblem::DuplicateStudentNo { first_line: 2 }),
                (5, RowProblem::MalformedIdNumber),
                (5, RowProblem::DuplicateCaptureCode { first_line: 2 }),
            ]
        );
    }

    #[test]
    fn bad_rows_read_in_chinese_with_line_and_column_and_no_personal_field() {
        let RosterError::BadRows(errors) = parse_text(BAD_ROWS).unwrap_err() else {
            panic!("expected bad rows");
        };
        let zh: Vec<String> = errors.iter().map(RowError::message_zh).collect();
        assert_eq!(
            zh,
            vec![
                "第 3 行：学号为空",
                "第 4 行：学号与第 2 行重复",
                "第 5 行：身份证号不是 18 位且校验位正确的居民身份证号",
                "第 5 行：采集码与第 2 行重复",
            ]
        );
        for m in &zh {
            for personal in ["李四", "王五", "赵六", "2022001", "110105"] {
                assert!(!m.contains(personal), "{m}");
            }
        }
    }

    #[test]
    fn blank_lines_and_excel_trailing_commas_are_skipped() {
        let text = "学号,姓名,身份证号\n\n2022001,张三,11010519491231002X\n,,\n";
        assert_eq!(parse_text(text).unwrap().len(), 1);
    }

    #[test]
    fn eligibility_column() {
        let text = "学号,姓名,身份证号,可采集\n1,甲,11010519491231002X,否\n2,乙,11010519491231002X,是\n3,丙,11010519491231002X,maybe\n";
        let RosterError::BadRows(errors) = parse_text(text).unwrap_err() else {
            panic!("expected bad rows");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, RowProblem::BadEligible);
        let ok = parse_text(&text.replace("maybe", "no")).unwrap();
        assert_eq!(
            ok.iter().map(|r| r.eligible).collect::<Vec<_>>(),
            [false, true, false]
        );
    }

    #[test]
    fn decodes_bom_and_gbk() {
        let text = "学号,姓名,身份证号\n1,张三,11010519491231002X\n";
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let r = parse(&bom).unwrap();
        assert_eq!(r.encoding, Encoding::Utf8Bom);
        assert_eq!(r.rows[0].student_no, "1");

        let (gbk, _, had_errors) = encoding_rs::GBK.encode(text);
        assert!(!had_errors);
        let r = parse(&gbk).unwrap();
        assert_eq!(r.encoding, Encoding::Gbk);
        assert_eq!(r.rows[0].name, "张三");
    }

    #[test]
    fn row_errors_do_not_print_personal_fields() {
        let text = "学号,姓名,身份证号\n1,张三,110105194912310021\n";
        let err = parse_text(text).unwrap_err().to_string();
        assert!(
            !err.contains("张三") && !err.contains("110105194912310021"),
            "{err}"
        );
    }

    #[test]
    fn a_line_with_two_problems_is_one_bad_row() {
        let row = |line, problem| RowError { line, problem };
        let rows = [
            row(3, RowProblem::MissingField(Column::StudentNo)),
            row(4, RowProblem::MissingField(Column::Name)),
            row(4, RowProblem::MissingField(Column::IdNumber)),
        ];
        assert_eq!(bad_lines(&rows), 2);
        let text = RosterError::BadRows(rows.to_vec()).to_string();
        assert!(text.starts_with("2 bad row(s)"), "{text}");
    }
}
