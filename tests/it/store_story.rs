//! The store's story on a real file: created from nothing, used, closed, reopened.

use crate::support::roster_zh;
use chrono::{TimeZone, Utc};
use tucai::config::FeeState;
use tucai::store::{SessionId, Store, StoreError};

#[test]
fn from_empty_through_use_to_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let t0 = Utc.with_ymd_and_hms(2026, 5, 6, 8, 0, 0).unwrap();

    let mut store = Store::open(&data).expect("creates the directory and the schema");
    let version = store.schema_version().unwrap();
    assert!(version >= 1);
    let s = store
        .open_session("酒店2201", "图书馆", "董老师", t0)
        .unwrap();
    let roster = tucai::roster::parse(roster_zh(3).as_bytes()).unwrap();
    let summary = store
        .import_roster(s, &roster.rows, "董老师", FeeState::Unpaid, t0)
        .unwrap();
    assert_eq!(summary.added, 3);
    store.set_setting("k", "v").unwrap();
    drop(store);

    let mut store = Store::open(&data).expect("reopens without migrating again");
    assert_eq!(store.schema_version().unwrap(), version);
    assert_eq!(store.students(s).unwrap().len(), 3);
    assert_eq!(store.setting("k").unwrap().as_deref(), Some("v"));
    let session = store.session(s).unwrap();
    assert_eq!(session.opened_at, t0);
    assert_eq!(session.students, 3);
    assert!(session.is_open());
    store.close_session(s, "董老师", t0).unwrap();
    assert!(matches!(
        store.import_roster(s, &roster.rows, "董老师", FeeState::Unpaid, t0),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.session(SessionId(42)),
        Err(StoreError::NotFound(_))
    ));
    let found = store.search_students(s, "学生1").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].student_no, "202200001");
}

#[test]
fn pin_lockout_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let until = Utc.with_ymd_and_hms(2026, 5, 6, 8, 5, 0).unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.pin_lockout().unwrap(), tucai::pin::Lockout::default());
    let locked = tucai::pin::Lockout {
        failures: 0,
        locked_until: Some(until),
    };
    store.set_pin_lockout(&locked).unwrap();
    drop(store);
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.pin_lockout().unwrap(), locked);
    store
        .set_pin_lockout(&tucai::pin::Lockout::default())
        .unwrap();
    assert_eq!(store.pin_lockout().unwrap(), tucai::pin::Lockout::default());
}

#[test]
fn a_file_that_is_not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(tucai::store::DB_FILE),
        b"this is not sqlite at all, just text",
    )
    .unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("tucai.sqlite3"), "{err}");
}

/// A full disk fails the action with a message saying so and loses nothing that was there.
/// SQLite's `max_page_count` makes the database hit SQLITE_FULL exactly as a full disk does.
#[test]
fn a_full_disk_refuses_the_action_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 5, 6, 8, 0, 0).unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let s = store.open_session("C", "P", "O", t0).unwrap();
    let small = tucai::roster::parse(roster_zh(2).as_bytes()).unwrap();
    store
        .import_roster(s, &small.rows, "O", FeeState::Unpaid, t0)
        .unwrap();

    let pages: i64 = store
        .conn()
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .unwrap();
    store
        .conn()
        .pragma_update(None, "max_page_count", pages + 2)
        .unwrap();
    let big = tucai::roster::parse(roster_zh(5_000).as_bytes()).unwrap();
    let err = store
        .import_roster(s, &big.rows, "O", FeeState::Unpaid, t0)
        .unwrap_err();
    assert!(matches!(err, StoreError::DiskFull), "{err}");
    assert!(err.to_string().contains("disk is full"));
    assert_eq!(
        store.students(s).unwrap().len(),
        2,
        "the earlier roster is intact"
    );

    store
        .conn()
        .pragma_update(None, "max_page_count", 1_000_000_000i64)
        .unwrap();
    store
        .import_roster(s, &big.rows, "O", FeeState::Unpaid, t0)
        .unwrap();
    assert_eq!(store.students(s).unwrap().len(), 5_000);
}
