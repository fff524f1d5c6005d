//! A teacher adds a photo taken elsewhere: one test per rule of `teacher.rs`'s module doc, over a
//! real SQLite file in a temp dir.

use super::testkit::{Kit, fail, pass};
use super::*;
use crate::check::{CheckId, CheckReport};

const TEACHER: &str = "董老师";

/// What the lab makes of a good studio file: every check passed but liveness, which a single
/// file cannot have (not measured, so not passed).
fn studio() -> MadePhoto {
    let mut report = crate::lab::all_passed();
    for c in &mut report.checks {
        if c.id == CheckId::Liveness {
            c.passed = false;
            c.hint_en = "Not measured: liveness needs the burst".into();
        }
    }
    MadePhoto {
        report,
        original_jpeg: b"\xFF\xD8studio original".to_vec(),
        photo_jpeg: Some(b"\xFF\xD8studio photo".to_vec()),
        make_error: None,
    }
}

/// The studio file failing `id` as well.
fn studio_failing(id: CheckId) -> MadePhoto {
    let mut m = studio();
    for c in &mut m.report.checks {
        if c.id == id {
            c.passed = false;
            c.hint_en = format!("{id} hint");
        }
    }
    m
}

fn refused_photo(r: Result<DraftId>) -> (Vec<CheckId>, Option<String>) {
    match r {
        Err(FlowError::PhotoRefused { failed, make_error }) => {
            (failed.iter().map(|c| c.id).collect(), make_error)
        }
        other => panic!("expected the photo refused, got {other:?}"),
    }
}

fn refusal(r: Result<DraftId>) -> Refusal {
    match r {
        Err(FlowError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_passing_photo_becomes_a_draft_with_its_files_report_and_audit_line() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    let draft = k
        .flow
        .teacher_add_photo(TEACHER, student, studio())
        .unwrap();

    let drafts = k.flow.store().drafts(student).unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].id, draft);
    assert!(!drafts[0].confirmed);

    let attempts = k.flow.store().attempts(student).unwrap();
    assert_eq!(attempts.len(), 1);
    let a = &attempts[0];
    assert!(a.passed);
    assert_eq!(a.failure_kind, None);
    let dir = format!("captures/{}/{}", k.session, student);
    assert_eq!(
        a.original_path.as_deref(),
        Some(format!("{dir}/1-original.jpg").as_str())
    );
    assert_eq!(
        a.photo_path.as_deref(),
        Some(format!("{dir}/1-photo.jpg").as_str())
    );
    let data = k.dir.path();
    assert_eq!(
        std::fs::read(data.join(format!("{dir}/1-photo.jpg"))).unwrap(),
        b"\xFF\xD8studio photo"
    );
    assert_eq!(
        std::fs::read(data.join(format!("{dir}/1-original.jpg"))).unwrap(),
        b"\xFF\xD8studio original"
    );

    // The stored report says who stands in for liveness; every other entry is the lab's.
    let report: CheckReport = serde_json::from_str(&a.report_json).unwrap();
    assert!(report.passed());
    assert_eq!(report.checks.len(), CheckId::ALL.len());
    let live = report.get(CheckId::Liveness).unwrap();
    assert_eq!(live.value, None);
    assert!(live.hint_en.contains("teacher"), "{}", live.hint_en);
    assert!(live.hint_zh.contains("老师"), "{}", live.hint_zh);

    let actions = k.audit_actions();
    assert!(
        actions.contains(&("teacher:董老师".into(), "photo.add".into())),
        "{actions:?}"
    );
}

#[test]
fn a_failing_photo_is_refused_with_its_checks_and_is_no_failure_of_the_student() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    // More refusals than the failures lock needs, and a recapture that would lock at once.
    for _ in 0..k.flow.settings().flow.failure_lock_after + 1 {
        let (failed, not_made) = refused_photo(k.flow.teacher_add_photo(
            TEACHER,
            student,
            studio_failing(CheckId::ImageSharp),
        ));
        assert_eq!(failed, [CheckId::ImageSharp]);
        assert_eq!(not_made, None);
    }
    let (failed, _) = refused_photo(k.flow.teacher_add_photo(
        TEACHER,
        student,
        studio_failing(CheckId::Recapture),
    ));
    assert_eq!(failed, [CheckId::Recapture]);

    // Nothing stored but audit lines: no attempt, no file, no lock, no cool-down.
    let store = k.flow.store();
    assert!(store.attempts(student).unwrap().is_empty());
    assert!(store.locks(student).unwrap().is_empty());
    assert!(store.drafts(student).unwrap().is_empty());
    assert!(!k.dir.path().join("captures").exists());
    let refusals = k
        .audit_actions()
        .into_iter()
        .filter(|(who, what)| who == "teacher:董老师" && what == "photo.add_refused")
        .count();
    assert_eq!(refusals, 7);
    // The student walks up and shoots at once.
    k.walk_to_framing(0);
    assert_eq!(k.flow.screen(), &Screen::Framing(Gate { blocked: None }));
}

#[test]
fn the_refusal_names_the_failed_checks_with_their_hints() {
    let mut k = Kit::new(1);
    let mut made = studio_failing(CheckId::MouthClosed);
    for c in &mut made.report.checks {
        if c.id == CheckId::GlassesGlare {
            c.passed = false;
        }
    }
    let err = k
        .flow
        .teacher_add_photo(TEACHER, k.students[0], made)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("mouth.closed, glasses.glare"),
        "report order: {text}"
    );
    assert!(!text.contains("liveness"), "{text}");
    let FlowError::PhotoRefused { failed, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(failed[0].hint_en, "mouth.closed hint");
}

#[test]
fn a_photo_that_could_not_be_made_or_a_report_cut_short_is_refused() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    let mut unmade = studio();
    unmade.photo_jpeg = None;
    unmade.make_error = Some(crate::photo::MakeFailure::other(
        "the head touches the top edge",
    ));
    let (failed, why) = refused_photo(k.flow.teacher_add_photo(TEACHER, student, unmade));
    assert!(failed.is_empty());
    assert_eq!(why.as_deref(), Some("the head touches the top edge"));

    // The station's test report runs two checks only: the eighteen missing ones are no pass.
    let (failed, why) = refused_photo(k.flow.teacher_add_photo(TEACHER, student, pass()));
    assert_eq!(why, None);
    assert_eq!(failed.len(), CheckId::ALL.len() - 2);
    assert!(!failed.contains(&CheckId::FaceSingle));
    assert!(!failed.contains(&CheckId::Liveness));
    assert!(k.flow.store().attempts(student).unwrap().is_empty());
}

#[test]
fn a_full_draft_box_is_refused() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    for _ in 0..3 {
        k.flow
            .teacher_add_photo(TEACHER, student, studio())
            .unwrap();
    }
    assert_eq!(
        refusal(k.flow.teacher_add_photo(TEACHER, student, studio())),
        Refusal::DraftBoxFull { capacity: 3 }
    );
    assert_eq!(k.flow.store().drafts(student).unwrap().len(), 3);
    // The capture files of the three are numbered apart.
    let attempts = k.flow.store().attempts(student).unwrap();
    let photos: Vec<_> = attempts.iter().map(|a| a.photo_path.clone()).collect();
    assert!(photos[2].as_deref().unwrap().ends_with("/3-photo.jpg"));
}

#[test]
fn a_confirmed_student_is_refused_until_a_retake_is_allowed() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    let first = k
        .flow
        .teacher_add_photo(TEACHER, student, studio())
        .unwrap();
    // The student confirms the teacher's photo at the station like any draft.
    k.walk_to_framing(0);
    k.ok(Event::OpenDraftBox);
    k.ok(Event::Choose(first));
    k.ok(Event::Confirm);
    k.ok(Event::Next);
    k.ok(Event::Next);
    assert_eq!(
        refusal(k.flow.teacher_add_photo(TEACHER, student, studio())),
        Refusal::AlreadyConfirmed
    );
    k.flow.allow_retake(TEACHER, student).unwrap();
    let second = k
        .flow
        .teacher_add_photo(TEACHER, student, studio())
        .unwrap();
    assert_ne!(first, second);
    // The confirmation stays on the first until the student confirms the new one.
    assert_eq!(
        k.flow.store().confirmation(student).unwrap().unwrap().draft,
        first
    );
}

#[test]
fn a_closed_session_or_a_student_of_another_session_is_refused() {
    let mut k = Kit::new(2);
    k.flow.set_session(Some(SessionId(k.session.0 + 1)));
    assert_eq!(
        refusal(k.flow.teacher_add_photo(TEACHER, k.students[0], studio())),
        Refusal::OtherSession
    );
    k.flow.set_session(Some(k.session));
    k.flow
        .teacher_add_photo(TEACHER, k.students[0], studio())
        .unwrap();
    k.flow.close_session(TEACHER, k.session).unwrap();
    assert_eq!(
        refusal(k.flow.teacher_add_photo(TEACHER, k.students[1], studio())),
        Refusal::SessionClosed
    );
    assert!(matches!(
        k.flow.teacher_add_photo(TEACHER, StudentId(999), studio()),
        Err(FlowError::Store(StoreError::NotFound(_)))
    ));
}

#[test]
fn the_students_own_lock_does_not_block_the_teacher_but_stays() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    let r = k.shoot(fail(CheckId::Recapture));
    assert_eq!(r.lock.map(|l| l.kind), Some(LockKind::Fraud));
    k.ok(Event::Quit);

    let draft = k
        .flow
        .teacher_add_photo(TEACHER, student, studio())
        .unwrap();
    // Lifting the lock is its own decision: the student still cannot confirm.
    k.walk_to_framing(0);
    k.ok(Event::OpenDraftBox);
    assert!(matches!(
        k.refused(Event::Choose(draft)),
        Refusal::Locked {
            kind: LockKind::Fraud,
            ..
        }
    ));
    k.flow.unlock(TEACHER, student).unwrap();
    k.ok(Event::Choose(draft));
    k.ok(Event::Confirm);
    assert_eq!(k.flow.step(), Step::Fee);
}

#[test]
fn a_student_cooling_down_is_no_bar_and_their_open_box_shows_the_new_draft() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    let r = k.shoot(fail(CheckId::EyesOpen));
    assert!(r.cooldown_until.is_some());
    k.ok(Event::OpenDraftBox);
    let Screen::DraftBox(b) = k.flow.screen() else {
        panic!("{:?}", k.flow.step())
    };
    assert!(b.drafts.is_empty());
    let draft = k
        .flow
        .teacher_add_photo(TEACHER, student, studio())
        .unwrap();
    let Screen::DraftBox(b) = k.flow.screen() else {
        panic!("{:?}", k.flow.step())
    };
    assert_eq!(b.drafts.iter().map(|d| d.id).collect::<Vec<_>>(), [draft]);
    // A passed attempt ends the run of failures: the cool-down is over.
    assert!(b.gate.open(), "{:?}", b.gate);
}
