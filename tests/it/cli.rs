//! The command line as a teacher uses it, on a real data directory.

use crate::support::{Station, roster_zh, stderr, stdout};
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tucai::store::{SessionId, Store};

#[test]
fn session_open_list_close() {
    let st = Station::new();
    let a = st.open_session("酒店2201");
    let b = st.open_session("烹饪2202");
    assert_eq!(b, a + 1);
    let out = st.run(&["session", "list"]);
    assert!(out.status.success());
    let list = stdout(&out);
    assert!(
        list.contains("酒店2201") && list.contains("烹饪2202"),
        "{list}"
    );
    assert!(
        list.lines().next().unwrap().starts_with(&b.to_string()),
        "newest first: {list}"
    );

    let out = st.run(&["session", "close", &a.to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = st.run(&["session", "close", &a.to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already closed"));

    let store = Store::open(&st.data()).unwrap();
    assert!(!store.session(SessionId(a)).unwrap().is_open());
    let log = store.audit_log(Some(SessionId(a))).unwrap();
    let actions: Vec<&str> = log.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["session.open", "session.close"]);
    assert_eq!(log[0].actor, "teacher:董老师");
}

#[test]
fn session_open_refuses_blank_fields() {
    let st = Station::new();
    let out = st.run(&[
        "session",
        "open",
        "--class",
        " ",
        "--place",
        "P",
        "--operator",
        "O",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("class"), "{}", stderr(&out));
}

#[test]
fn set_pin_writes_an_argon2_hash_and_keeps_comments() {
    let st = Station::new();
    let mut child = st
        .command(&["set-pin", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"27049163\n27049163\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(st.config()).unwrap();
    assert!(
        text.contains("# Argon2 hash of the teacher PIN"),
        "comments kept"
    );
    let config = tucai::config::Config::load(&st.config()).unwrap();
    assert!(tucai::pin::verify_pin(&config.teacher.pin_hash, "27049163").unwrap());
    assert!(!tucai::pin::verify_pin(&config.teacher.pin_hash, "27049164").unwrap());
}

#[test]
fn set_pin_refuses_two_different_pins() {
    let st = Station::new();
    let before = std::fs::read_to_string(st.config()).unwrap();
    let mut child = st
        .command(&["set-pin", "--stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"1234\n4321\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("differ"));
    assert_eq!(std::fs::read_to_string(st.config()).unwrap(), before);
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let st = Station::new();
    let out = st.run(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A process killed in the middle of a roster import leaves the database as it was: the import is
/// one transaction, and WAL recovery on the next open drops the uncommitted pages.
#[test]
fn killed_roster_import_leaves_the_database_unchanged() {
    let st = Station::new();
    let s = st.open_session("C");
    // Big enough that the import is still writing when we kill it.
    let file = st.write("big.csv", roster_zh(200_000).as_bytes());
    let wal = st.data().join("tucai.sqlite3-wal");
    let before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);

    let mut child = st
        .command(&[
            "roster",
            "import",
            file.to_str().unwrap(),
            "--session",
            &s.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The transaction spills pages into the WAL as it goes; once the WAL has grown by a few
    // megabytes the import is surely inside its transaction.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > before + 4 * 1024 * 1024 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "import finished before it could be killed"
        );
        assert!(Instant::now() < deadline, "import never started writing");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let store = Store::open(&st.data()).unwrap();
    assert_eq!(store.students(SessionId(s)).unwrap().len(), 0);
    let actions: Vec<String> = store
        .audit_log(Some(SessionId(s)))
        .unwrap()
        .into_iter()
        .map(|l| l.action)
        .collect();
    assert_eq!(actions, ["session.open"]);
    // And the station keeps working: the same file imports completely afterwards.
    drop(store);
    let out = st.import_roster(s, "small.csv", roster_zh(10).as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
}
