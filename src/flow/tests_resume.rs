//! A new `Flow` after a crash, a kill or a power cut takes the student who was at the station
//! back to where they were (see `resume.rs`).

use super::testkit::*;
use super::*;

fn resumed(k: &mut Kit) -> Option<AtStation> {
    k.restart();
    k.flow.resume().expect("the store answers")
}

#[test]
fn a_student_at_the_camera_comes_back_to_the_framing_screen() {
    let mut k = Kit::new(2);
    k.walk_to_framing(1);
    k.ok(Event::Shoot);
    k.ok(Event::Captured); // the preview: the shot was not recorded yet
    k.secs(20);
    let back = resumed(&mut k).expect("resumed");
    assert_eq!(back.student, k.students[1]);
    assert_eq!(back.part, ResumePart::Camera);
    assert_eq!(k.flow.step(), Step::Framing);
    assert_eq!(k.flow.student().map(|s| s.id), Some(k.students[1]));
    // The lost preview was never an attempt; the student may shoot at once.
    assert!(k.flow.store().attempts(k.students[1]).unwrap().is_empty());
    k.ok(Event::Shoot);
    let actions = k.audit_actions();
    assert!(
        actions.iter().any(|(_, a)| a == "station.resumed"),
        "{actions:?}"
    );
}

#[test]
fn a_student_with_a_result_comes_back_to_the_draft_box_with_the_draft() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    let result = k.shoot(pass());
    assert!(result.passed);
    k.secs(5);
    resumed(&mut k).expect("resumed");
    match k.flow.screen() {
        Screen::DraftBox(b) => assert_eq!(b.drafts.len(), 1),
        s => panic!("expected the draft box, got {s:?}"),
    }
}

#[test]
fn early_steps_start_again_at_the_phone_screen() {
    let mut k = Kit::new(1);
    k.identify(0);
    k.ok(Event::Phone("13812345678".into()));
    assert_eq!(k.flow.step(), Step::Notice);
    resumed(&mut k).expect("resumed");
    assert!(matches!(k.flow.screen(), Screen::Phone { saved: Some(_) }));
}

#[test]
fn nobody_is_resumed_after_a_student_left_or_finished() {
    let mut k = Kit::new(2);
    k.walk_to_framing(0);
    k.ok(Event::Quit);
    assert_eq!(resumed(&mut k), None);
    assert_eq!(k.flow.step(), Step::Welcome);

    // Timed out on the framing screen.
    k.walk_to_framing(1);
    k.secs(1000);
    assert!(!k.flow.tick().is_empty());
    assert_eq!(resumed(&mut k), None);
    assert_eq!(k.flow.step(), Step::Welcome);
}

#[test]
fn a_stale_record_is_not_resumed_and_a_record_is_used_once() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    k.restart();
    k.secs(3600); // the station stayed off for an hour
    assert_eq!(k.flow.resume().unwrap(), None);
    assert_eq!(k.flow.step(), Step::Welcome);
    let actions = k.audit_actions();
    assert!(
        actions.iter().any(|(_, a)| a == "station.resume_stale"),
        "{actions:?}"
    );

    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    assert!(resumed(&mut k).is_some());
    // A second crash before any step: the first resume wrote the record again, so the student
    // comes back again; but a resume on a flow already showing a student does nothing.
    assert_eq!(k.flow.resume().unwrap(), None);
    assert!(resumed(&mut k).is_some());
    assert_eq!(k.flow.step(), Step::Framing);
}

#[test]
fn a_student_whose_session_closed_meanwhile_is_not_resumed() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    k.restart();
    let session = k.session;
    k.flow
        .close_session("董老师", session)
        .expect("the teacher closes the session");
    assert_eq!(k.flow.resume().unwrap(), None);
    assert_eq!(k.flow.step(), Step::Welcome);
    assert!(k.flow.student().is_none());
}
