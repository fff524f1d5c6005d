//! Roster import into a real SQLite file: encodings, headers, bad rows, all-or-nothing.

use crate::support::{Station, id_number, roster_zh, stderr, stdout};
use tucai::store::{SessionId, Store};

fn roster_count(st: &Station, session: i64) -> usize {
    Store::open(&st.data())
        .unwrap()
        .students(SessionId(session))
        .unwrap()
        .len()
}

#[test]
fn utf8_chinese_headers() {
    let st = Station::new();
    let s = st.open_session("酒店2201");
    let out = st.import_roster(s, "r.csv", roster_zh(30).as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 30 students"),
        "{}",
        stdout(&out)
    );
    let store = Store::open(&st.data()).unwrap();
    let students = store.students(SessionId(s)).unwrap();
    assert_eq!(students.len(), 30);
    let first = &students[0];
    assert_eq!(first.student_no, "202200000");
    assert_eq!(first.name, "学生0");
    assert_eq!(first.class_name, "酒店2201");
    assert_eq!(first.capture_code.as_deref(), Some("CODE00000"));
    assert!(
        store
            .student_by_code(SessionId(s), "CODE00007")
            .unwrap()
            .is_some()
    );
}

#[test]
fn utf8_with_bom_and_crlf() {
    let st = Station::new();
    let s = st.open_session("C");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(roster_zh(3).replace('\n', "\r\n").bytes());
    let out = st.import_roster(s, "r.csv", &bytes);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = Store::open(&st.data()).unwrap();
    let students = store.students(SessionId(s)).unwrap();
    assert_eq!(students.len(), 3);
    // The BOM must not end up glued to the first header or value.
    assert_eq!(students[0].student_no, "202200000");
}

#[test]
fn gbk_as_excel_writes_it() {
    let st = Station::new();
    let s = st.open_session("C");
    let text = roster_zh(5);
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    let out = st.import_roster(s, "r.csv", &gbk);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = Store::open(&st.data()).unwrap();
    let students = store.students(SessionId(s)).unwrap();
    assert_eq!(students[4].name, "学生4");
    assert_eq!(students[4].department, "旅游管理学院");
}

#[test]
fn english_headers_without_optional_columns() {
    let st = Station::new();
    let s = st.open_session("C");
    let text = format!(
        "student_no,name,id_number\nA001,Li Lei,{}\nA002,Han Meimei,{}\n",
        id_number(1),
        id_number(2)
    );
    let out = st.import_roster(s, "r.csv", text.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let store = Store::open(&st.data()).unwrap();
    let s = store.student_by_no(SessionId(s), "A002").unwrap().unwrap();
    assert_eq!(s.name, "Han Meimei");
    assert_eq!(s.capture_code, None);
}

#[test]
fn any_bad_row_imports_nothing_and_lists_every_row() {
    let st = Station::new();
    let s = st.open_session("C");
    let good = id_number(1);
    let text = format!(
        "学号,姓名,身份证号,采集码\n\
         1001,甲,{good},K1\n\
         ,乙,{good},\n\
         1003,,{good},\n\
         1004,丁,{good}X,\n\
         1001,戊,{good},\n\
         1006,己,{good},K1\n\
         10 07,庚,{good},\n"
    );
    let out = st.import_roster(s, "bad.csv", text.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for expected in [
        "line 3: 学号/student_no is empty",
        "line 4: 姓名/name is empty",
        "line 5: ID number",
        "line 6: student number repeats line 2",
        "line 7: capture code repeats line 2",
        "line 8: student number must be",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(err.contains("bad.csv"), "{err}");
    assert_eq!(roster_count(&st, s), 0);
}

#[test]
fn missing_column_and_empty_file() {
    let st = Station::new();
    let s = st.open_session("C");
    let out = st.import_roster(s, "r.csv", "学号,姓名\n1,甲\n".as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("身份证号"), "{}", stderr(&out));
    let out = st.import_roster(s, "e.csv", b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    assert_eq!(roster_count(&st, s), 0);
}

#[test]
fn reimport_updates_and_keeps_students() {
    let st = Station::new();
    let s = st.open_session("C");
    assert!(
        st.import_roster(s, "r.csv", roster_zh(4).as_bytes())
            .status
            .success()
    );
    let corrected = roster_zh(5).replace("学生2,", "学生二,");
    let out = st.import_roster(s, "r2.csv", corrected.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1 new, 4 updated"),
        "{}",
        stdout(&out)
    );
    let store = Store::open(&st.data()).unwrap();
    let s2 = store
        .student_by_no(SessionId(s), "202200002")
        .unwrap()
        .unwrap();
    assert_eq!(s2.name, "学生二");
}

#[test]
fn into_a_closed_or_unknown_session_is_refused() {
    let st = Station::new();
    let s = st.open_session("C");
    assert!(
        st.run(&["session", "close", &s.to_string()])
            .status
            .success()
    );
    let out = st.import_roster(s, "r.csv", roster_zh(2).as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("closed"), "{}", stderr(&out));
    let out = st.import_roster(999, "r.csv", roster_zh(2).as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no session 999"), "{}", stderr(&out));
}

#[test]
fn same_capture_code_twice_in_a_session_is_refused_whole() {
    let st = Station::new();
    let s = st.open_session("C");
    assert!(
        st.import_roster(s, "a.csv", roster_zh(2).as_bytes())
            .status
            .success()
    );
    // A second file whose new student reuses CODE00000.
    let text = format!(
        "学号,姓名,身份证号,采集码\n3001,新,{},CODE00000\n",
        id_number(9)
    );
    let out = st.import_roster(s, "b.csv", text.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("capture code"), "{}", stderr(&out));
    assert_eq!(roster_count(&st, s), 2);
}
