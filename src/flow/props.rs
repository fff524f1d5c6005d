//! Property tests: random event sequences (with teacher actions, time jumps and restarts mixed
//! in) never break the invariants of SPEC §2.

use super::testkit::{Kit, fail, pass, unmade};
use super::*;
use crate::check::CheckId;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Identify(usize),
    WalkToFraming(usize),
    Ev(Event),
    /// Shoot, Captured, MakePhoto, Made(outcome).
    Cycle(u8),
    Made(u8),
    DeleteDraft(usize),
    Choose(usize),
    Advance(i64),
    Restart,
    Unlock,
    Lift,
    TeacherDelete(usize),
    AllowRetake,
}

fn outcome(k: u8) -> MadePhoto {
    match k % 6 {
        0 | 1 => pass(),
        2 => fail(CheckId::ImageSharp),
        3 => fail(CheckId::Liveness),
        4 => fail(CheckId::Recapture),
        _ => unmade(),
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0usize..2).prop_map(Op::Identify),
        3 => (0usize..2).prop_map(Op::WalkToFraming),
        6 => any::<u8>().prop_map(Op::Cycle),
        1 => any::<u8>().prop_map(Op::Made),
        1 => (0usize..4).prop_map(Op::DeleteDraft),
        2 => (0usize..4).prop_map(Op::Choose),
        2 => prop_oneof![
            Just(3i64),
            Just(15),
            Just(60),
            Just(95),
            Just(700),
            Just(24 * 3600)
        ]
        .prop_map(Op::Advance),
        1 => Just(Op::Restart),
        1 => Just(Op::Unlock),
        1 => Just(Op::Lift),
        1 => (0usize..4).prop_map(Op::TeacherDelete),
        1 => Just(Op::AllowRetake),
        4 => prop_oneof![
            Just(Event::Next),
            Just(Event::Shoot),
            Just(Event::Captured),
            Just(Event::CaptureFailed),
            Just(Event::Retake),
            Just(Event::MakePhoto),
            Just(Event::OpenDraftBox),
            Just(Event::Back),
            Just(Event::Confirm),
            Just(Event::Confirm),
            Just(Event::Quit),
            Just(Event::ReadToEnd),
            Just(Event::GuidePlayed),
            Just(Event::Activity),
            Just(Event::Phone("13812345678".into())),
            Just(Event::Phone("1234".into())),
        ]
        .prop_map(Op::Ev),
    ]
}

/// Everything that must survive a restart, per student.
#[derive(Debug, PartialEq)]
struct Snapshot {
    attempts: Vec<usize>,
    drafts: Vec<Vec<DraftId>>,
    locks: Vec<usize>,
    confirmations: Vec<Option<DraftId>>,
    audit: usize,
}

fn snapshot(k: &Kit) -> Snapshot {
    let st = k.flow.store();
    Snapshot {
        attempts: k
            .students
            .iter()
            .map(|s| st.attempts(*s).unwrap().len())
            .collect(),
        drafts: k
            .students
            .iter()
            .map(|s| st.drafts(*s).unwrap().iter().map(|d| d.id).collect())
            .collect(),
        locks: k
            .students
            .iter()
            .map(|s| st.locks(*s).unwrap().len())
            .collect(),
        confirmations: k
            .students
            .iter()
            .map(|s| st.confirmation(*s).unwrap().map(|c| c.draft))
            .collect(),
        audit: st.audit_log(None).unwrap().len(),
    }
}

fn draft_at(k: &Kit, i: usize) -> DraftId {
    let student = k.flow.student().map(|c| c.id).unwrap_or(k.students[0]);
    let drafts = k.flow.store().drafts(student).unwrap();
    drafts.get(i).map_or(DraftId(1000 + i as i64), |d| d.id)
}

fn any_draft(k: &Kit, i: usize) -> Option<DraftId> {
    let all: Vec<DraftId> = k
        .students
        .iter()
        .flat_map(|s| k.flow.store().drafts(*s).unwrap())
        .map(|d| d.id)
        .collect();
    all.get(i).copied()
}

/// Right after a Shoot event: if the station is now at Shoot, the student there has no lock in
/// force. (A Shoot that arrives after the idle timeout is answered by the timeout: back to
/// Welcome, which is why the step is looked at, not whether the event was accepted.)
fn locked_at_shoot(k: &Kit) -> Result<(), TestCaseError> {
    if k.flow.step() == Step::Shoot {
        let student = k.flow.student().map(|c| c.id).unwrap_or(k.students[0]);
        let locks = k.flow.store().locks(student).unwrap();
        prop_assert!(
            rules::active_lock(&locks, k.clock.now()).is_none(),
            "a locked student reached Shoot"
        );
    }
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut k = Kit::new(2);
    let cap = k.flow.settings().flow.draft_box_size as usize;
    let mut ever_confirmed = std::collections::HashSet::new();
    let mut attempts_seen = 0usize;
    for op in ops {
        let target = k.flow.student().map(|c| c.id).unwrap_or(k.students[0]);
        match op {
            Op::Identify(i) => {
                let _ = k.ev(Event::Identify {
                    student: k.students[i],
                    by: Identification::Code,
                });
            }
            Op::WalkToFraming(i) => {
                if k.flow.step() != Step::Welcome {
                    let _ = k.ev(Event::Quit);
                }
                if k.flow.step() == Step::Welcome {
                    let _ = k.ev(Event::Identify {
                        student: k.students[i],
                        by: Identification::Code,
                    });
                    for e in [
                        Event::Next,
                        Event::Phone("13912345678".into()),
                        Event::ReadToEnd,
                        Event::Next,
                        Event::ReadToEnd,
                        Event::Next,
                        Event::Notifications {
                            status: true,
                            fee: true,
                        },
                        Event::Next,
                        Event::GuidePlayed,
                        Event::Next,
                    ] {
                        let _ = k.ev(e);
                    }
                }
            }
            Op::Ev(e) => {
                let is_shoot = e == Event::Shoot;
                let _ = k.ev(e);
                if is_shoot {
                    locked_at_shoot(&k)?;
                }
            }
            Op::Cycle(o) => {
                let _ = k.ev(Event::Shoot);
                locked_at_shoot(&k)?;
                let _ = k.ev(Event::Captured);
                let _ = k.ev(Event::MakePhoto);
                let _ = k.ev(Event::Made(Box::new(outcome(o))));
            }
            Op::Made(o) => {
                let _ = k.ev(Event::Made(Box::new(outcome(o))));
            }
            Op::DeleteDraft(i) => {
                let d = draft_at(&k, i);
                let _ = k.ev(Event::DeleteDraft(d));
            }
            Op::Choose(i) => {
                let d = draft_at(&k, i);
                let _ = k.ev(Event::Choose(d));
            }
            Op::Advance(s) => k.secs(s),
            Op::Restart => {
                let before = snapshot(&k);
                k.restart();
                prop_assert_eq!(k.flow.step(), Step::Welcome);
                prop_assert!(k.flow.student().is_none());
                prop_assert_eq!(snapshot(&k), before, "lost across a restart");
            }
            Op::Unlock => {
                let _ = k.flow.unlock("董老师", target);
            }
            Op::Lift => {
                let _ = k.flow.lift_timed_lock("董老师", target);
            }
            Op::TeacherDelete(i) => {
                if let Some(d) = any_draft(&k, i) {
                    let _ = k.flow.teacher_delete_draft("董老师", d);
                }
            }
            Op::AllowRetake => {
                let _ = k.flow.allow_retake("董老师", target);
            }
        }
        k.flow.tick();
        let snap = snapshot(&k);
        for (i, s) in k.students.iter().enumerate() {
            let in_box = k
                .flow
                .store()
                .drafts(*s)
                .unwrap()
                .iter()
                .filter(|d| !d.confirmed)
                .count();
            prop_assert!(in_box <= cap, "{} drafts in a box of {}", in_box, cap);
            let live: i64 = k
                .flow
                .store()
                .conn()
                .query_row(
                    "SELECT COUNT(*) FROM confirmations WHERE student_id = ?1
                     AND superseded_at IS NULL",
                    [s.0],
                    |r| r.get(0),
                )
                .unwrap();
            if live > 0 {
                ever_confirmed.insert(*s);
            }
            if ever_confirmed.contains(s) {
                prop_assert_eq!(live, 1, "a confirmed student has exactly one confirmation");
                let c = snap.confirmations[i].unwrap();
                prop_assert!(snap.drafts[i].contains(&c), "the confirmed draft is kept");
            }
        }
        let total: usize = snap.attempts.iter().sum();
        prop_assert!(total >= attempts_seen, "attempts never disappear");
        attempts_seen = total;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 1..60)) {
        run(ops)?;
    }
}
