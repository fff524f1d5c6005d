//! A scanned code's data bytes to a student: the character-set guess for codes without an ECI
//! (`scan::text_without_eci`), then the capture-code matching (`Matcher::validate` and
//! `match_payload`) against a real (in-memory) station database with two sessions' rosters.
//!
//! Input: one mode byte, then the payload. Mode bit 0: the payload goes through the character-set
//! guess first (a code without ECI), else it is taken as the decoder's text bytes.
#![no_main]
use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::{LazyLock, Mutex};
use tucai::config::{FeeState, ScanConfig, SchoolConfig};
use tucai::scan::{MatchError, Matcher, text_without_eci};
use tucai::store::{SessionId, Store};

const ROSTER_A: &str = "学号,姓名,身份证号,院系,班级,采集码\n\
    2022001,张三,11010519491231002X,旅游,酒店2201,CAP2022001\n\
    2022002,李四,11010519491231002X,旅游,酒店2201,\n";
const ROSTER_B: &str = "学号,姓名,身份证号,院系,班级,采集码\n\
    2022101,王五,11010519491231002X,旅游,酒店2202,CAP2022101\n";

struct World {
    store: Store,
    session: SessionId,
    matcher: Matcher,
}

static WORLD: LazyLock<Mutex<World>> = LazyLock::new(|| {
    let mut store = Store::open_file(Path::new(":memory:")).expect("in-memory store");
    let now = Utc
        .with_ymd_and_hms(2026, 5, 6, 8, 0, 0)
        .single()
        .expect("fixed time");
    let mut session = None;
    for (class, roster) in [("酒店2202", ROSTER_B), ("酒店2201", ROSTER_A)] {
        let id = store
            .open_session(class, "图书馆", "董老师", now)
            .expect("session");
        let rows = tucai::roster::parse(roster.as_bytes())
            .expect("roster")
            .rows;
        store
            .import_roster(id, &rows, "董老师", FeeState::Paid, now)
            .expect("import");
        session = Some(id);
    }
    let scan = ScanConfig {
        student_no_pattern: r"^XJ(\d{7})$".into(),
        school_code_pattern: r"S(\d{5})".into(),
        ..ScanConfig::default()
    };
    let school = SchoolConfig {
        code: "12345".into(),
        ..SchoolConfig::default()
    };
    let matcher = Matcher::new(&scan, &school).expect("patterns compile");
    Mutex::new(World {
        store,
        session: session.expect("two sessions"),
        matcher,
    })
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, payload)) = data.split_first() else {
        return;
    };
    let text;
    let bytes = if mode & 1 == 1 {
        match text_without_eci(payload) {
            Some(t) => {
                text = t;
                text.as_bytes()
            }
            None => return,
        }
    } else {
        payload
    };
    let world = WORLD.lock().unwrap_or_else(|e| e.into_inner());
    if let Ok(code) = world.matcher.validate(bytes) {
        assert!(!code.is_empty() && !code.chars().any(char::is_control));
    }
    match world
        .matcher
        .match_payload(&world.store, world.session, bytes)
    {
        Ok(m) => assert!(m.student.student_no.starts_with("20220")),
        Err(MatchError::Refused(r)) => {
            assert!(!r.message_zh().is_empty() && !r.message_en().is_empty());
        }
        Err(e) => panic!("the store failed on a payload: {e}"),
    }
});
