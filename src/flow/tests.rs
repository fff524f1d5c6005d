//! Transition tables and rule boundaries over a real SQLite file in a temp dir.

use super::testkit::{Kit, fail, no_face, pass, settings, unmade};
use super::*;
use crate::check::CheckId;
use crate::store::LockKind;
use chrono::{Duration, NaiveDate};

#[test]
fn the_whole_journey_in_order_and_back_to_welcome() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    let table: Vec<(Event, Step)> = vec![
        (
            Event::Identify {
                student,
                by: Identification::Code,
            },
            Step::Phone,
        ),
        (Event::Phone("13912345678".into()), Step::Notice),
        (Event::ReadToEnd, Step::Notice),
        (Event::Next, Step::Precautions),
        (Event::ReadToEnd, Step::Precautions),
        (Event::Next, Step::Notifications),
        (
            Event::Notifications {
                status: true,
                fee: true,
            },
            Step::Notifications,
        ),
        (Event::Next, Step::Guide),
        (Event::GuidePlayed, Step::Guide),
        (Event::Next, Step::Framing),
        (Event::Shoot, Step::Shoot),
        (Event::Captured, Step::Preview),
        (Event::Retake, Step::Framing),
        (Event::Shoot, Step::Shoot),
        (Event::Captured, Step::Preview),
        (Event::MakePhoto, Step::Making),
        (Event::Made(Box::new(pass())), Step::Result),
        (Event::Next, Step::DraftBox),
    ];
    for (i, (e, step)) in table.into_iter().enumerate() {
        k.ok(e);
        assert_eq!(k.flow.step(), step, "row {i}");
    }
    let Screen::DraftBox(b) = k.flow.screen().clone() else {
        panic!()
    };
    assert_eq!(b.drafts.len(), 1);
    let draft = b.drafts[0].id;
    for (e, step) in [
        (Event::Choose(draft), Step::Confirm),
        (Event::Back, Step::DraftBox),
        (Event::Choose(draft), Step::Confirm),
        (Event::Confirm, Step::Fee),
        (Event::Next, Step::Done),
    ] {
        k.ok(e);
        assert_eq!(k.flow.step(), step);
    }
    let effects = k.ok(Event::Next);
    assert_eq!(k.flow.step(), Step::Welcome);
    assert!(effects.contains(&Effect::ForgetStudent));
    assert!(k.flow.student().is_none());
    let s = k.flow.store().student(student).unwrap();
    assert_eq!(s.phone.as_deref(), Some("13912345678"));
    assert_eq!((s.notify_status, s.notify_fee), (Some(true), Some(true)));
    assert!(k.flow.store().confirmation(student).unwrap().is_some());
}

#[test]
fn the_card_is_masked() {
    let mut k = Kit::new(1);
    k.identify(0);
    k.ok(Event::Phone("13812345678".into()));
    let card = k.flow.student().unwrap();
    assert_eq!(
        card.name, "学***",
        "a name with a digit is masked as a Latin one"
    );
    assert_eq!(card.id_number, "3210**********000X");
    assert_eq!(card.phone.as_deref(), Some("138****5678"));
}

#[test]
fn events_out_of_place_are_refused_with_the_screen() {
    let mut k = Kit::new(1);
    let table: Vec<(Step, Event)> = vec![
        (Step::Welcome, Event::Next),
        (Step::Welcome, Event::Shoot),
        (Step::Welcome, Event::Quit),
        (Step::Phone, Event::Next),
        (Step::Phone, Event::Shoot),
    ];
    for (step, e) in table {
        if step == Step::Phone && k.flow.step() == Step::Welcome {
            k.identify(0);
        }
        assert_eq!(k.flow.step(), step);
        assert_eq!(k.refused(e), Refusal::NotOnThisScreen { step });
        assert_eq!(k.flow.step(), step, "a refusal changes nothing");
    }
    k.ok(Event::Phone("13812345678".into()));
    for e in [
        Event::Confirm,
        Event::MakePhoto,
        Event::Captured,
        Event::Made(Box::new(pass())),
    ] {
        assert_eq!(
            k.refused(e),
            Refusal::NotOnThisScreen { step: Step::Notice }
        );
    }
}

#[test]
fn next_waits_for_the_notice_the_precautions_the_choice_and_the_guide() {
    let mut k = Kit::new(1);
    k.identify(0);
    k.ok(Event::Phone("13812345678".into()));
    assert_eq!(k.refused(Event::Next), Refusal::NotYet);
    k.ok(Event::ReadToEnd);
    k.ok(Event::Next);
    assert_eq!(k.refused(Event::Next), Refusal::NotYet);
    k.ok(Event::ReadToEnd);
    k.ok(Event::Next);
    assert_eq!(k.refused(Event::Next), Refusal::NotYet);
    k.ok(Event::Notifications {
        status: false,
        fee: false,
    });
    k.ok(Event::Next);
    assert_eq!(k.flow.screen(), &Screen::Guide { watched: false });
    assert_eq!(k.refused(Event::Next), Refusal::NotYet);
    k.ok(Event::GuidePlayed);
    k.ok(Event::Next);
    assert_eq!(k.flow.step(), Step::Framing);
}

#[test]
fn the_guide_is_watched_once_per_student_and_the_choice_is_remembered() {
    let mut k = Kit::new(2);
    k.walk_to_framing(0);
    k.ok(Event::Quit);
    k.identify(0);
    k.ok(Event::Phone("13812345678".into()));
    k.ok(Event::ReadToEnd);
    k.ok(Event::Next);
    k.ok(Event::ReadToEnd);
    k.ok(Event::Next);
    assert_eq!(
        k.flow.screen(),
        &Screen::Notifications {
            status: Some(true),
            fee: Some(false)
        }
    );
    k.ok(Event::Next);
    assert_eq!(k.flow.screen(), &Screen::Guide { watched: true });
    k.ok(Event::Quit);
    // Another student has not seen it.
    k.identify(1);
    k.ok(Event::Phone("13812345678".into()));
    k.ok(Event::ReadToEnd);
    k.ok(Event::Next);
    k.ok(Event::ReadToEnd);
    k.ok(Event::Next);
    k.ok(Event::Notifications {
        status: true,
        fee: true,
    });
    k.ok(Event::Next);
    assert_eq!(k.flow.screen(), &Screen::Guide { watched: false });
}

#[test]
fn phone_numbers() {
    let mut k = Kit::new(1);
    k.identify(0);
    for bad in [
        "12812345678",
        "1381234567",
        "138123456789",
        "1381234567x",
        "+8613812345678",
        "",
    ] {
        assert_eq!(
            k.refused(Event::Phone(bad.into())),
            Refusal::InvalidPhone,
            "{bad}"
        );
        assert_eq!(k.flow.step(), Step::Phone);
    }
    assert_eq!(k.flow.store().student(k.students[0]).unwrap().phone, None);
    k.ok(Event::Phone(" 19912345678 ".into()));
    assert_eq!(k.flow.step(), Step::Notice);
}

#[test]
fn identification_refusals_and_teacher_override() {
    let window = |start: &str, end: &str| {
        let mut s = settings();
        s.capture_window = Some(crate::config::CaptureWindow {
            start: NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap(),
            end: NaiveDate::parse_from_str(end, "%Y-%m-%d").unwrap(),
        });
        s
    };
    // The clock says 2026-05-06 09:00 in China.
    let table = [
        (window("2026-05-06", "2026-05-06"), true),
        (window("2026-05-01", "2026-05-05"), false),
        (window("2026-05-07", "2026-05-20"), false),
    ];
    for (settings, open) in table {
        let mut k = Kit::with(1, settings);
        let student = k.students[0];
        let r = k.ev(Event::Identify {
            student,
            by: Identification::Code,
        });
        assert_eq!(r.is_ok(), open, "{r:?}");
        if !open {
            assert!(matches!(
                r.unwrap_err().refusal(),
                Some(Refusal::OutsideCaptureWindow { .. })
            ));
            assert_eq!(k.flow.step(), Step::Welcome);
            assert!(matches!(
                k.flow.last_refusal(),
                Some(Refusal::OutsideCaptureWindow { .. })
            ));
            k.ok(Event::Identify {
                student,
                by: Identification::Teacher {
                    operator: "董老师".into(),
                    override_rules: true,
                },
            });
            assert_eq!(k.flow.step(), Step::Phone);
            assert!(k.audit_actions().contains(&(
                "teacher:董老师".to_string(),
                "identify.override".to_string()
            )));
        }
    }
}

#[test]
fn not_eligible_closed_unknown_and_other_session() {
    let mut k = Kit::new(2);
    let (a, b) = (k.students[0], k.students[1]);
    k.flow
        .store()
        .conn()
        .execute("UPDATE students SET eligible = 0 WHERE id = ?1", [a.0])
        .unwrap();
    let code = |student| Event::Identify {
        student,
        by: Identification::Code,
    };
    assert_eq!(k.refused(code(a)), Refusal::NotEligible);
    // A teacher look-up without override is refused as well.
    assert_eq!(
        k.refused(Event::Identify {
            student: a,
            by: Identification::Teacher {
                operator: "董老师".into(),
                override_rules: false
            }
        }),
        Refusal::NotEligible
    );
    assert_eq!(k.refused(code(StudentId(999))), Refusal::UnknownStudent);
    k.flow.set_session(Some(SessionId(k.session.0 + 1)));
    assert_eq!(k.refused(code(b)), Refusal::OtherSession);
    k.flow.set_session(Some(k.session));
    k.flow.close_session("董老师", k.session).unwrap();
    // Closed is closed, even for a teacher.
    assert_eq!(
        k.refused(Event::Identify {
            student: b,
            by: Identification::Teacher {
                operator: "董老师".into(),
                override_rules: true
            }
        }),
        Refusal::SessionClosed
    );
    let refused = k
        .audit_actions()
        .iter()
        .filter(|(_, a)| a == "identify.refused")
        .count();
    assert_eq!(
        refused, 4,
        "every refused scan of this session is in the audit log"
    );
}

#[test]
fn cooldown_after_a_failure_grows_and_ends_to_the_millisecond() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    // (failure number, cool-down seconds) with the defaults 10 s × 2, max 120 s
    for (n, secs) in [(1, 10), (2, 20), (3, 40), (4, 80)] {
        let r = k.shoot(fail(CheckId::ImageSharp));
        assert!(!r.passed);
        assert_eq!(r.failed.len(), 1);
        assert_eq!(r.failed[0].id, CheckId::ImageSharp);
        let until = k.clock.now() + Duration::seconds(secs);
        assert_eq!(r.cooldown_until, Some(until), "failure {n}");
        k.ok(Event::Next);
        assert_eq!(
            k.flow.screen(),
            &Screen::Framing(Gate {
                blocked: Some(Refusal::CoolingDown { until })
            })
        );
        k.clock
            .advance(Duration::seconds(secs) - Duration::milliseconds(1));
        assert_eq!(k.refused(Event::Shoot), Refusal::CoolingDown { until });
        k.clock.advance(Duration::milliseconds(1));
        k.flow.tick();
        assert_eq!(k.flow.screen(), &Screen::Framing(Gate { blocked: None }));
    }
    // A pass ends the run: the next failure starts at 10 s again.
    let r = k.shoot(pass());
    assert!(r.passed && r.cooldown_until.is_none() && r.draft.is_some());
    k.ok(Event::Retake);
    let r = k.shoot(fail(CheckId::ImageSharp));
    assert_eq!(
        r.cooldown_until,
        Some(k.clock.now() + Duration::seconds(10))
    );
}

#[test]
fn cooldown_is_capped() {
    let mut s = settings();
    s.flow.failure_lock_after = 50;
    let mut k = Kit::with(1, s);
    k.walk_to_framing(0);
    let mut last = Duration::zero();
    for _ in 0..8 {
        let r = k.shoot(fail(CheckId::ImageSharp));
        last = r.cooldown_until.unwrap() - k.clock.now();
        k.ok(Event::Next);
        k.wait(121);
    }
    assert_eq!(last, Duration::seconds(120));
}

#[test]
fn the_third_liveness_failure_locks_until_a_teacher_unlocks() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    for n in 1..=3 {
        let r = k.shoot(fail(CheckId::Liveness));
        if n < 3 {
            assert_eq!(r.lock, None, "failure {n}");
            k.ok(Event::Next);
            k.wait(3600);
        } else {
            assert_eq!(
                r.lock,
                Some(LockView {
                    kind: LockKind::Liveness,
                    until: None
                })
            );
        }
    }
    // A week later, back at the station: still locked.
    k.ok(Event::Quit);
    k.secs(7 * 24 * 3600);
    k.walk_to_framing(0);
    let locked = Refusal::Locked {
        kind: LockKind::Liveness,
        until: None,
    };
    assert_eq!(k.refused(Event::Shoot), locked);
    // Lifting a timed lock does not lift this one.
    assert!(matches!(
        k.flow
            .lift_timed_lock("董老师", student)
            .unwrap_err()
            .refusal(),
        Some(Refusal::NotLocked)
    ));
    k.flow.unlock("董老师", student).unwrap();
    k.ok(Event::Shoot);
    assert!(
        k.audit_actions()
            .contains(&("teacher:董老师".to_string(), "student.unlock".to_string()))
    );
    // A new count starts after the unlock.
    k.ok(Event::Captured);
    k.ok(Event::MakePhoto);
    k.ok(Event::Made(Box::new(fail(CheckId::Liveness))));
    let Screen::Result(r) = k.flow.screen() else {
        panic!()
    };
    assert_eq!(r.lock, None);
}

#[test]
fn the_fifth_other_failure_in_a_row_locks_for_ten_minutes() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    for n in 1..=5 {
        let r = k.shoot(fail(CheckId::LightExposure));
        let expect = (n == 5).then(|| LockView {
            kind: LockKind::Failures,
            until: Some(k.clock.now() + Duration::minutes(10)),
        });
        assert_eq!(r.lock, expect, "failure {n}");
        k.ok(Event::Next);
        if n < 5 {
            k.wait(200);
        }
    }
    let until = k.clock.now() + Duration::minutes(10);
    k.ok(Event::Quit);
    k.clock
        .advance(Duration::minutes(10) - Duration::milliseconds(1));
    k.walk_to_framing(0);
    assert_eq!(
        k.refused(Event::Shoot),
        Refusal::Locked {
            kind: LockKind::Failures,
            until: Some(until)
        }
    );
    k.clock.advance(Duration::milliseconds(1));
    k.ok(Event::Shoot);
}

#[test]
fn a_teacher_lifts_the_timed_lock_early() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    for _ in 0..5 {
        k.shoot(fail(CheckId::LightExposure));
        k.ok(Event::Next);
        k.wait(200);
    }
    assert!(matches!(
        k.flow.screen(),
        Screen::Framing(Gate {
            blocked: Some(Refusal::Locked { .. })
        })
    ));
    assert!(
        k.flow.unlock("董老师", student).is_err(),
        "not an until-unlock lock"
    );
    k.flow.lift_timed_lock("董老师", student).unwrap();
    // The station redraws at once, and the cool-down run restarts after the lift.
    assert_eq!(k.flow.screen(), &Screen::Framing(Gate { blocked: None }));
    let r = k.shoot(fail(CheckId::LightExposure));
    assert_eq!(r.lock, None);
    assert_eq!(
        r.cooldown_until,
        Some(k.clock.now() + Duration::seconds(10))
    );
}

#[test]
fn a_pass_breaks_the_other_failure_run() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    for _ in 0..4 {
        k.shoot(fail(CheckId::LightExposure));
        k.ok(Event::Next);
        k.wait(200);
    }
    k.shoot(pass());
    k.ok(Event::Retake);
    let r = k.shoot(fail(CheckId::LightExposure));
    assert_eq!(r.lock, None);
}

#[test]
fn recapture_and_beautified_lock_at_once() {
    for id in [CheckId::Recapture, CheckId::Beautified] {
        let mut k = Kit::new(1);
        k.walk_to_framing(0);
        let r = k.shoot(fail(id));
        assert_eq!(
            r.lock,
            Some(LockView {
                kind: LockKind::Fraud,
                until: None
            }),
            "{id}"
        );
        assert_eq!(
            r.cooldown_until, None,
            "the lock, not a cool-down, is shown"
        );
        k.ok(Event::Next);
        assert!(matches!(
            k.flow.screen(),
            Screen::Framing(Gate {
                blocked: Some(Refusal::Locked {
                    kind: LockKind::Fraud,
                    ..
                })
            })
        ));
        assert!(
            k.audit_actions()
                .contains(&("station".to_string(), "student.lock".to_string()))
        );
    }
}

#[test]
fn a_shot_without_a_face_is_a_retake_never_a_lock() {
    // More no-face shots than the liveness lock allows: none of them is a fraud case or a
    // liveness failure, because nothing was seen to judge.
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    for n in 1..=3 {
        let r = k.shoot(no_face());
        assert!(!r.passed);
        assert_eq!(r.lock, None, "shot {n} placed a lock");
        assert!(
            r.cooldown_until.is_some(),
            "an ordinary failure: a cool-down"
        );
        // The reason shown is the one that matters, not a list of checks that could not look.
        let ids: Vec<_> = r.failed.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![CheckId::FaceSingle]);
        k.ok(Event::Next);
        k.wait(600);
    }
    let attempts = k.flow.store().attempts(k.students[0]).unwrap();
    assert!(
        attempts
            .iter()
            .all(|a| a.failure_kind == Some(FailureKind::Other))
    );
    assert!(k.flow.store().locks(k.students[0]).unwrap().is_empty());
    let actions = k.audit_actions();
    let no_face_lines = actions
        .iter()
        .filter(|(_, a)| a == "attempt.no_face")
        .count();
    assert_eq!(no_face_lines, 3, "each unjudged shot is logged");
    assert!(!actions.iter().any(|(_, a)| a == "student.lock"));
    // The student goes on: a good shot passes.
    assert!(k.shoot(pass()).passed);
}

#[test]
fn the_teacher_sees_which_check_placed_a_lock() {
    let mut k = Kit::new(2);
    k.walk_to_framing(0);
    k.shoot(fail(CheckId::Recapture));
    k.ok(Event::Quit);
    let board = k.flow.progress(k.session).unwrap();
    assert_eq!(board.rows[0].progress, Progress::Locked);
    assert_eq!(board.rows[0].lock_cause, vec![CheckId::Recapture]);
    assert!(board.rows[1].lock_cause.is_empty());
    let lock_line = k
        .flow
        .store()
        .audit_log(Some(k.session))
        .unwrap()
        .into_iter()
        .find(|a| a.action == "student.lock")
        .expect("the lock is audited");
    assert_eq!(lock_line.detail, "kind=fraud checks=recapture=1");
    k.flow.unlock("董老师", k.students[0]).unwrap();
    let board = k.flow.progress(k.session).unwrap();
    assert!(board.rows[0].lock_cause.is_empty(), "no lock, no cause");
}

#[test]
fn a_masked_face_the_print_cues_refuse_gets_a_retake_not_a_fraud_lock() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    let mut masked = fail(CheckId::Recapture);
    masked
        .report
        .checks
        .extend(fail(CheckId::FaceOccluded).report.checks.pop());
    let r = k.shoot(masked);
    assert!(!r.passed);
    // The reason shown is the mask, not an accusation.
    let ids: Vec<_> = r.failed.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![CheckId::FaceOccluded]);
    assert!(
        r.cooldown_until.is_some(),
        "an ordinary failure's cool-down"
    );
    let a = &k.flow.store().attempts(k.students[0]).unwrap()[0];
    assert_eq!(a.failure_kind, Some(FailureKind::Other));
    assert!(k.flow.store().locks(k.students[0]).unwrap().is_empty());
    k.ok(Event::Quit);
    let board = k.flow.progress(k.session).unwrap();
    assert_ne!(board.rows[0].progress, Progress::Locked);
}

#[test]
fn a_photo_that_could_not_be_made_is_a_failure_with_its_reason() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    let r = k.shoot(unmade());
    assert!(!r.passed);
    assert_eq!(
        r.make_error.map(|m| m.reason).as_deref(),
        Some("no face found")
    );
    assert!(r.cooldown_until.is_some());
    let a = &k.flow.store().attempts(k.students[0]).unwrap()[0];
    assert!(a.photo_path.is_none() && a.original_path.is_some());
}

#[test]
fn the_box_holds_three_and_a_full_box_refuses_shooting() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    for n in 1..=3 {
        let r = k.shoot(pass());
        assert!(r.draft.is_some());
        k.ok(Event::Next);
        let Screen::DraftBox(b) = k.flow.screen() else {
            panic!()
        };
        assert_eq!(b.drafts.len(), n);
        assert_eq!(b.full, n == 3);
        if n < 3 {
            assert!(b.gate.open());
            k.ok(Event::Retake);
        }
    }
    assert_eq!(
        k.refused(Event::Shoot),
        Refusal::DraftBoxFull { capacity: 3 }
    );
    k.ok(Event::Retake);
    assert_eq!(
        k.flow.screen(),
        &Screen::Framing(Gate {
            blocked: Some(Refusal::DraftBoxFull { capacity: 3 })
        })
    );
    assert_eq!(
        k.refused(Event::Shoot),
        Refusal::DraftBoxFull { capacity: 3 }
    );
}

#[test]
fn a_student_deletes_a_draft_only_after_24_hours_a_teacher_at_once() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    k.shoot(pass());
    k.ok(Event::Next);
    k.ok(Event::Retake);
    k.wait(60);
    k.shoot(pass());
    k.ok(Event::Next);
    let Screen::DraftBox(b) = k.flow.screen().clone() else {
        panic!()
    };
    let (first, second) = (b.drafts[0].clone(), b.drafts[1].clone());
    assert!(!first.deletable_now);
    assert_eq!(first.deletable_from, first.saved_at + Duration::hours(24));
    // The student comes back the next day: one minute before, one millisecond before: refused.
    for before in [Duration::minutes(1), Duration::milliseconds(1)] {
        k.ok(Event::Quit);
        k.clock.set(first.deletable_from - before);
        k.walk_to_framing(0);
        k.ok(Event::OpenDraftBox);
        let Screen::DraftBox(b) = k.flow.screen() else {
            panic!()
        };
        assert!(!b.drafts[0].deletable_now);
        assert_eq!(
            k.refused(Event::DeleteDraft(first.id)),
            Refusal::DraftNotDeletableYet {
                from: first.deletable_from
            }
        );
    }
    k.clock.set(first.deletable_from);
    k.ok(Event::DeleteDraft(first.id));
    let Screen::DraftBox(b) = k.flow.screen() else {
        panic!()
    };
    assert_eq!(b.drafts.len(), 1);
    assert!(!b.drafts[0].deletable_now, "the second is younger");
    // The teacher deletes the younger one at once.
    k.flow.teacher_delete_draft("董老师", second.id).unwrap();
    let Screen::DraftBox(b) = k.flow.screen() else {
        panic!()
    };
    assert!(b.drafts.is_empty());
    assert_eq!(
        k.refused(Event::DeleteDraft(second.id)),
        Refusal::NoSuchDraft
    );
    let actors: Vec<_> = k
        .flow
        .store()
        .audit_log(None)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "draft.delete")
        .map(|a| a.actor)
        .collect();
    assert_eq!(actors, ["station", "teacher:董老师"]);
}

#[test]
fn a_full_box_opens_again_when_a_draft_is_deleted() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    for _ in 0..3 {
        k.shoot(pass());
        k.ok(Event::Next);
        k.ok(Event::Retake);
    }
    let Screen::Framing(g) = k.flow.screen() else {
        panic!()
    };
    assert_eq!(g.blocked, Some(Refusal::DraftBoxFull { capacity: 3 }));
    let drafts = k.flow.store().drafts(k.students[0]).unwrap();
    k.ok(Event::OpenDraftBox);
    k.flow.teacher_delete_draft("董老师", drafts[0].id).unwrap();
    k.ok(Event::Shoot);
}

#[test]
fn confirm_exactly_one_then_a_rescan_shows_the_status() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    k.shoot(pass());
    k.ok(Event::Next);
    k.ok(Event::Retake);
    k.shoot(pass());
    k.ok(Event::Next);
    let Screen::DraftBox(b) = k.flow.screen().clone() else {
        panic!()
    };
    k.ok(Event::Choose(b.drafts[0].id));
    k.ok(Event::Back);
    k.ok(Event::Choose(b.drafts[1].id));
    k.ok(Event::Confirm);
    assert_eq!(
        k.flow.screen(),
        &Screen::Fee {
            state: FeeState::Unpaid,
            yuan: 15
        }
    );
    k.ok(Event::Next);
    k.ok(Event::Next);
    let c = k.flow.store().confirmation(student).unwrap().unwrap();
    assert_eq!(c.draft, b.drafts[1].id);
    // Scanning again: the status, not a new flow.
    k.identify(0);
    let Screen::Status(s) = k.flow.screen().clone() else {
        panic!("{:?}", k.flow.screen())
    };
    assert!(!s.can_retake);
    assert_eq!(s.draft.id, b.drafts[1].id);
    assert!(
        !s.draft.deletable_now,
        "a confirmed photo is never deletable"
    );
    assert_eq!(k.refused(Event::Next), Refusal::AlreadyConfirmed);
    assert_eq!(
        k.flow
            .teacher_delete_draft("董老师", s.draft.id)
            .unwrap_err()
            .refusal(),
        Some(&Refusal::DraftConfirmed)
    );
    k.ok(Event::Quit);
}

#[test]
fn a_retake_replaces_the_confirmation() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    k.shoot(pass());
    k.ok(Event::Next);
    let Screen::DraftBox(b) = k.flow.screen().clone() else {
        panic!()
    };
    let old = b.drafts[0].id;
    k.ok(Event::Choose(old));
    k.ok(Event::Confirm);
    k.ok(Event::Next);
    k.ok(Event::Next);
    assert!(matches!(
        k.flow.allow_retake("董老师", StudentId(999)),
        Err(FlowError::Store(_))
    ));
    k.flow.allow_retake("董老师", student).unwrap();
    k.identify(0);
    let Screen::Status(s) = k.flow.screen().clone() else {
        panic!()
    };
    assert!(s.can_retake);
    k.ok(Event::Next);
    assert_eq!(k.flow.step(), Step::Phone);
    k.ok(Event::Quit);
    k.walk_to_framing(0);
    // The old confirmation is live until the new one is made.
    assert_eq!(
        k.flow.store().confirmation(student).unwrap().unwrap().draft,
        old
    );
    k.shoot(pass());
    k.ok(Event::Next);
    let Screen::DraftBox(b) = k.flow.screen().clone() else {
        panic!()
    };
    assert_eq!(b.drafts.len(), 1, "the confirmed photo is not in the box");
    k.ok(Event::Choose(b.drafts[0].id));
    k.ok(Event::Confirm);
    let c = k.flow.store().confirmation(student).unwrap().unwrap();
    assert_eq!(c.draft, b.drafts[0].id);
    let live: i64 = k
        .flow
        .store()
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM confirmations WHERE student_id = ?1 AND superseded_at IS NULL",
            [student.0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(live, 1);
    assert!(!k.flow.store().student(student).unwrap().retake_allowed);
}

#[test]
fn the_office_reset_shows_its_reason_and_opens_a_retake() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    k.shoot(pass());
    k.ok(Event::Next);
    let Screen::DraftBox(b) = k.flow.screen().clone() else {
        panic!()
    };
    k.ok(Event::Choose(b.drafts[0].id));
    k.ok(Event::Confirm);
    k.ok(Event::Next);
    k.ok(Event::Next);
    k.flow
        .store()
        .conn()
        .execute(
            "UPDATE students SET retake_reason = '背景不均匀' WHERE id = ?1",
            [student.0],
        )
        .unwrap();
    k.identify(0);
    let Screen::Status(s) = k.flow.screen() else {
        panic!()
    };
    assert_eq!(s.retake_reason.as_deref(), Some("背景不均匀"));
    assert!(s.can_retake);
}

#[test]
fn idle_timeout_on_every_student_step() {
    // Drive to each step, wait 89 s (still there), then 1 s more (welcome, nothing kept).
    let steps = [
        Step::Phone,
        Step::Notice,
        Step::Precautions,
        Step::Notifications,
        Step::Guide,
        Step::Framing,
        Step::Shoot,
        Step::Preview,
        Step::Result,
        Step::DraftBox,
        Step::Confirm,
        Step::Fee,
        Step::Done,
    ];
    for target in steps {
        let mut k = Kit::new(1);
        drive_to(&mut k, target);
        assert_eq!(k.flow.step(), target);
        k.secs(89);
        assert!(k.flow.tick().is_empty());
        assert_eq!(k.flow.step(), target);
        k.secs(1);
        let effects = k.flow.tick();
        assert_eq!(k.flow.step(), Step::Welcome, "{target:?}");
        assert!(effects.contains(&Effect::ForgetStudent), "{target:?}");
        assert!(k.flow.student().is_none());
        assert!(k.flow.timed_out());
    }
}

#[test]
fn an_event_after_the_timeout_is_not_applied() {
    let mut k = Kit::new(1);
    k.identify(0);
    k.secs(90);
    let effects = k.ok(Event::Phone("13812345678".into()));
    assert!(effects.contains(&Effect::ForgetStudent));
    assert_eq!(k.flow.step(), Step::Welcome);
    assert_eq!(k.flow.store().student(k.students[0]).unwrap().phone, None);
}

#[test]
fn making_is_not_cut_by_the_idle_timeout() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    k.ok(Event::Shoot);
    k.ok(Event::Captured);
    k.ok(Event::MakePhoto);
    k.secs(300);
    assert!(k.flow.tick().is_empty());
    k.ok(Event::Made(Box::new(pass())));
    assert_eq!(k.flow.step(), Step::Result);
}

fn drive_to(k: &mut Kit, target: Step) {
    k.identify(0);
    let path: Vec<(Step, Event)> = vec![
        (Step::Phone, Event::Phone("13812345678".into())),
        (Step::Notice, Event::ReadToEnd),
        (Step::Notice, Event::Next),
        (Step::Precautions, Event::ReadToEnd),
        (Step::Precautions, Event::Next),
        (
            Step::Notifications,
            Event::Notifications {
                status: true,
                fee: true,
            },
        ),
        (Step::Notifications, Event::Next),
        (Step::Guide, Event::GuidePlayed),
        (Step::Guide, Event::Next),
        (Step::Framing, Event::Shoot),
        (Step::Shoot, Event::Captured),
        (Step::Preview, Event::MakePhoto),
        (Step::Making, Event::Made(Box::new(pass()))),
        (Step::Result, Event::Next),
        (Step::DraftBox, Event::Choose(crate::store::DraftId(1))),
        (Step::Confirm, Event::Confirm),
        (Step::Fee, Event::Next),
    ];
    for (at, e) in path {
        if k.flow.step() == target {
            return;
        }
        assert_eq!(k.flow.step(), at);
        k.ok(e);
    }
}

#[test]
fn capture_files_are_under_the_data_dir_with_relative_paths() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.walk_to_framing(0);
    k.shoot(fail(CheckId::ImageSharp));
    k.ok(Event::Next);
    k.secs(10);
    k.shoot(pass());
    let attempts = k.flow.store().attempts(student).unwrap();
    assert_eq!(attempts.len(), 2);
    let dir = format!("captures/{}/{}", k.session, student);
    assert_eq!(
        attempts[1].original_path.as_deref(),
        Some(format!("{dir}/2-original.jpg").as_str())
    );
    assert_eq!(
        attempts[1].photo_path.as_deref(),
        Some(format!("{dir}/2-photo.jpg").as_str())
    );
    let bytes = std::fs::read(k.dir.path().join(attempts[1].photo_path.as_ref().unwrap())).unwrap();
    assert_eq!(bytes, pass().photo_jpeg.unwrap());
    let report: crate::check::CheckReport = serde_json::from_str(&attempts[0].report_json).unwrap();
    assert_eq!(report, fail(CheckId::ImageSharp).report);
    let leftovers: Vec<_> = std::fs::read_dir(k.dir.path().join(&dir))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let Screen::Result(r) = k.flow.screen().clone() else {
        panic!()
    };
    let draft = r.draft.unwrap();
    assert_eq!(
        k.flow.draft_photo(&draft).unwrap(),
        pass().photo_jpeg.unwrap()
    );
}

#[test]
fn a_restart_keeps_locks_cooldowns_drafts_and_confirmations() {
    let mut k = Kit::new(3);
    let (a, b, c) = (k.students[0], k.students[1], k.students[2]);
    // a: cooling down; b: fraud-locked; c: confirmed.
    k.walk_to_framing(0);
    k.shoot(fail(CheckId::ImageSharp));
    k.ok(Event::Quit);
    k.walk_to_framing(1);
    k.shoot(fail(CheckId::Recapture));
    k.ok(Event::Quit);
    k.walk_to_framing(2);
    k.shoot(pass());
    k.ok(Event::Next);
    k.ok(Event::Choose(k.flow.store().drafts(c).unwrap()[0].id));
    k.ok(Event::Confirm);
    // Killed on the fee screen.
    k.restart();
    assert_eq!(k.flow.step(), Step::Welcome);
    assert!(k.flow.student().is_none());
    k.walk_to_framing(0);
    assert!(matches!(
        k.flow.screen(),
        Screen::Framing(Gate {
            blocked: Some(Refusal::CoolingDown { .. })
        })
    ));
    k.ok(Event::Quit);
    k.walk_to_framing(1);
    assert!(matches!(
        k.refused(Event::Shoot),
        Refusal::Locked {
            kind: LockKind::Fraud,
            ..
        }
    ));
    k.ok(Event::Quit);
    k.identify(2);
    assert_eq!(k.flow.step(), Step::Status);
    assert_eq!(k.flow.store().drafts(c).unwrap().len(), 1);
    let board = k.flow.progress(k.session).unwrap();
    let by = |s: StudentId| board.rows.iter().find(|r| r.student == s).unwrap().progress;
    assert_eq!(
        (by(a), by(b), by(c)),
        (Progress::InProgress, Progress::Locked, Progress::Confirmed)
    );
}

#[test]
fn progress_board_counts() {
    let mut k = Kit::new(5);
    // 0 not started, 1 in progress (phone only), 2 drafted, 3 confirmed, 4 locked.
    k.identify(1);
    k.ok(Event::Phone("13812345678".into()));
    k.ok(Event::Quit);
    k.walk_to_framing(2);
    k.shoot(pass());
    k.ok(Event::Quit);
    k.walk_to_framing(3);
    k.shoot(pass());
    k.ok(Event::Next);
    k.ok(Event::Choose(
        k.flow.store().drafts(k.students[3]).unwrap()[0].id,
    ));
    k.ok(Event::Confirm);
    k.ok(Event::Quit);
    k.walk_to_framing(4);
    k.shoot(fail(CheckId::Beautified));
    k.ok(Event::Quit);
    let board = k.flow.progress(k.session).unwrap();
    let got: Vec<_> = board.rows.iter().map(|r| r.progress).collect();
    assert_eq!(
        got,
        [
            Progress::NotStarted,
            Progress::InProgress,
            Progress::Drafted,
            Progress::Confirmed,
            Progress::Locked
        ]
    );
    assert_eq!(
        board.counts,
        ProgressCounts {
            not_started: 1,
            in_progress: 1,
            drafted: 1,
            confirmed: 1,
            locked: 1
        }
    );
    k.flow.unlock("董老师", k.students[4]).unwrap();
    let board = k.flow.progress(k.session).unwrap();
    assert_eq!(board.rows[4].progress, Progress::InProgress);
}

#[test]
fn fee_state_is_set_by_a_teacher_and_shown() {
    let mut k = Kit::new(1);
    let student = k.students[0];
    k.flow
        .set_fee_state("董老师", student, FeeState::Waived)
        .unwrap();
    k.walk_to_framing(0);
    assert_eq!(k.flow.student().unwrap().fee, FeeState::Waived);
    k.shoot(pass());
    k.ok(Event::Next);
    k.ok(Event::Choose(k.flow.store().drafts(student).unwrap()[0].id));
    k.ok(Event::Confirm);
    assert_eq!(
        k.flow.screen(),
        &Screen::Fee {
            state: FeeState::Waived,
            yuan: 15
        }
    );
    let log = k.flow.store().audit_log(Some(k.session)).unwrap();
    let line = log.iter().find(|a| a.action == "student.fee").unwrap();
    assert_eq!(line.actor, "teacher:董老师");
    assert_eq!(line.detail, "unpaid -> waived");
}

#[test]
fn closing_the_session_sends_its_student_home() {
    let mut k = Kit::new(1);
    k.walk_to_framing(0);
    let effects = k.flow.close_session("董老师", k.session).unwrap();
    assert!(effects.contains(&Effect::ForgetStudent));
    assert_eq!(k.flow.step(), Step::Welcome);
    assert!(k.flow.student().is_none());
}

#[test]
fn a_fraud_or_liveness_lock_blocks_confirming_a_timed_lock_does_not() {
    for (failing, times, confirmable) in [
        (CheckId::Recapture, 1, false),
        (CheckId::Liveness, 3, false),
        (CheckId::LightExposure, 5, true),
    ] {
        let mut k = Kit::new(1);
        k.walk_to_framing(0);
        k.shoot(pass());
        k.ok(Event::Retake);
        for _ in 0..times {
            k.wait(130);
            k.shoot(fail(failing));
            k.ok(Event::Next);
        }
        k.ok(Event::OpenDraftBox);
        let Screen::DraftBox(b) = k.flow.screen().clone() else {
            panic!()
        };
        let r = k.ev(Event::Choose(b.drafts[0].id));
        assert_eq!(r.is_ok(), confirmable, "{failing}: {r:?}");
        if !confirmable {
            assert!(matches!(
                r.unwrap_err().refusal(),
                Some(Refusal::Locked { until: None, .. })
            ));
            k.flow.unlock("董老师", k.students[0]).unwrap();
            k.ok(Event::Choose(b.drafts[0].id));
        }
        k.ok(Event::Confirm);
        assert_eq!(k.flow.step(), Step::Fee);
    }
}
