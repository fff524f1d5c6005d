//! `tucai photo add`: a teacher adds a photo taken elsewhere, through the real binary, the real
//! face models and a real SQLite file. The photo is a real face on a station backdrop
//! (`photo::station_capture`); he smiles with parted lips, so it passes every check but
//! mouth.closed, which the station below relaxes (the same as `check_cli.rs` does).

use crate::photo::station_capture;
use crate::support::{Station, roster_zh, stderr, stdout};
use tucai::check::{CheckId, CheckReport};
use tucai::store::{SessionId, Store};

fn station_with_roster() -> (Station, i64) {
    let st = Station::new();
    let session = st.open_session("酒店2201");
    let out = st.import_roster(session, "roster.csv", roster_zh(2).as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    (st, session)
}

fn add(st: &Station, session: i64, student: &str, file: &std::path::Path) -> std::process::Output {
    st.run(&[
        "photo",
        "add",
        "--session",
        &session.to_string(),
        "--student",
        student,
        file.to_str().unwrap(),
        "--operator",
        "王老师",
    ])
}

#[test]
fn a_good_studio_photo_becomes_a_draft_a_blurred_one_is_refused_by_its_checks() {
    let (st, session) = station_with_roster();
    let capture = station_capture("fr_obama.jpg", 0.9, [128, 128, 128]);
    let good = st.path("studio.png");
    capture.save(&good).unwrap();

    // With the station's own thresholds the smile is refused: the checks are the real ones.
    let out = add(&st, session, "202200000", &good);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("mouth.closed"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("liveness"), "{}", stdout(&out));

    st.relax_mouth();
    let out = add(&st, session, "202200000", &good);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let draft: i64 = stdout(&out).trim().parse().expect("the draft id");

    let store = Store::open(&st.data()).unwrap();
    let student = store
        .student_by_no(SessionId(session), "202200000")
        .unwrap()
        .unwrap();
    let drafts = store.drafts(student.id).unwrap();
    assert_eq!(drafts.iter().map(|d| d.id.0).collect::<Vec<_>>(), [draft]);
    let attempts = store.attempts(student.id).unwrap();
    assert_eq!(attempts.len(), 1, "the refused try is no attempt");
    let photo = st.data().join(attempts[0].photo_path.as_deref().unwrap());
    let made = image::open(&photo).unwrap();
    assert_eq!((made.width(), made.height()), (480, 640));
    assert!(
        st.data()
            .join(attempts[0].original_path.as_deref().unwrap())
            .is_file()
    );
    let report: CheckReport = serde_json::from_str(&attempts[0].report_json).unwrap();
    assert!(report.passed());
    let live = report.get(CheckId::Liveness).unwrap();
    assert!(live.hint_en.contains("teacher"), "{}", live.hint_en);
    let log: Vec<(String, String)> = store
        .audit_log(Some(SessionId(session)))
        .unwrap()
        .into_iter()
        .map(|a| (a.actor, a.action))
        .collect();
    let by_teacher = |action: &str| {
        log.iter()
            .filter(|(who, what)| who == "teacher:王老师" && what == action)
            .count()
    };
    assert_eq!(by_teacher("photo.add"), 1, "{log:?}");
    assert_eq!(by_teacher("photo.add_refused"), 1, "{log:?}");

    // The same photo out of focus: refused by image.sharp, nothing stored for the student.
    let blurred = st.path("blurred.png");
    image::imageops::blur(&capture, 5.0).save(&blurred).unwrap();
    let out = add(&st, session, "202200001", &blurred);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("image.sharp"), "{}", stdout(&out));
    let other = store
        .student_by_no(SessionId(session), "202200001")
        .unwrap()
        .unwrap();
    assert!(store.attempts(other.id).unwrap().is_empty());
    assert!(store.locks(other.id).unwrap().is_empty());
}

#[test]
fn an_unreadable_file_an_unknown_student_or_a_closed_session_exit_2() {
    let (st, session) = station_with_roster();
    let text = st.write("notes.jpg", b"not a picture");
    let out = add(&st, session, "202200000", &text);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("notes.jpg"), "{}", stderr(&out));

    let out = add(&st, session, "209999999", &text);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("209999999"), "{}", stderr(&out));

    let photo = st.path("studio.png");
    station_capture("fr_obama.jpg", 0.9, [128, 128, 128])
        .save(&photo)
        .unwrap();
    let close = st.run(&["session", "close", &session.to_string()]);
    assert!(close.status.success(), "{}", stderr(&close));
    let out = add(&st, session, "202200000", &photo);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("closed"), "{}", stderr(&out));
}
