//! `--camera demo` on a fresh machine: with no open session, the station opens a demo session
//! (audited as the station) with a small demo roster, so anyone can walk the whole flow. The
//! demo camera's two phones show the first two demo students' capture codes: the first passes
//! every check, the second smiles with the teeth showing. [`scene`] says what the demo camera
//! shows for the screen the student is on. With no teacher PIN configured, the demo's teacher
//! PIN is [`DEMO_PIN`], said on the PIN screen in demo mode only.

use crate::camera::{DEMO_CAPTURE_CODE, DEMO_SMILE_CODE, DemoPerson, DemoScene};
use crate::config::Config;
use crate::flow::Step;
use crate::roster::RosterRow;
use crate::store::{NewAudit, SessionId, Store, StoreError};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The teacher PIN of a demo station that has none configured (held in memory only, never
/// written to kiosk.toml).
pub const DEMO_PIN: &str = "2580";

/// How long the demo camera shows the empty backdrop after a student leaves, before the next
/// phone is held up: time to open teacher mode before the next student walks up.
pub const NEXT_STUDENT_AFTER: Duration = Duration::from_secs(10);

/// What the demo camera shows: the phones while the welcome screen waits (the next student's
/// first, after the empty backdrop for [`NEXT_STUDENT_AFTER`] once a student left), and the
/// identified student from then on. `identified` is the code the current student showed, `left`
/// the code of the student who left and how long ago.
pub fn scene(step: Step, identified: Option<&[u8]>, left: Option<(&[u8], Duration)>) -> DemoScene {
    let smiling = |code: &[u8]| code == DEMO_SMILE_CODE.as_bytes();
    match step {
        Step::Welcome => match left {
            Some((_, ago)) if ago < NEXT_STUDENT_AFTER => DemoScene::Backdrop,
            Some((code, _)) if code == DEMO_CAPTURE_CODE.as_bytes() => {
                DemoScene::Phones { first: 1 }
            }
            _ => DemoScene::Phones { first: 0 },
        },
        _ if identified.is_some_and(smiling) => DemoScene::Person(DemoPerson::Smiling),
        _ => DemoScene::Person(DemoPerson::Passing),
    }
}

/// Opens the office window (`tucai office`) as a second program over `<data_dir>/office`, for the
/// demo, where the station and the office share one PC. The kiosk does not wait for it.
pub fn open_office_window(data_dir: &std::path::Path) -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    std::process::Command::new(exe)
        .arg("--data")
        .arg(data_dir)
        .arg("office")
        .spawn()
        .map(|mut child| {
            // Reaped when it closes, so no finished process lingers beside the kiosk.
            std::thread::spawn(move || child.wait());
        })
}

/// The operator name the demo session is opened under.
pub const DEMO_OPERATOR: &str = "station";

/// Opens the demo session and imports the demo roster; returns the session.
pub fn open_demo_session(
    store: &mut Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<SessionId, StoreError> {
    let id = store.open_session("演示班级 Demo", "演示 Demo", DEMO_OPERATOR, now)?;
    let rows = [
        (
            "2026000001",
            "张小明",
            "11010519491231002X",
            Some(DEMO_CAPTURE_CODE),
        ),
        (
            "2026000002",
            "李华",
            "110105194912310038",
            Some(DEMO_SMILE_CODE),
        ),
        (
            "2026000003",
            "王芳",
            "110105194912310046",
            Some("TUCAI-DEMO-0003"),
        ),
    ]
    .iter()
    .enumerate()
    .map(|(i, (no, name, idn, code))| RosterRow {
        line: i as u64 + 2,
        student_no: (*no).into(),
        name: (*name).into(),
        id_number: (*idn).into(),
        department: "演示学院".into(),
        class_name: "演示班级 Demo".into(),
        capture_code: code.map(Into::into),
        eligible: true,
    })
    .collect::<Vec<_>>();
    store.import_roster(id, &rows, DEMO_OPERATOR, config.teacher.fee_default, now)?;
    store.audit(
        &NewAudit::station("session.demo")
            .session(id)
            .detail("demo session for --camera demo"),
        now,
    )?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_camera_follows_the_student() {
        let first = DEMO_CAPTURE_CODE.as_bytes();
        let second = DEMO_SMILE_CODE.as_bytes();
        let long = NEXT_STUDENT_AFTER + Duration::from_secs(1);
        // Nobody yet: the first phone first.
        assert_eq!(
            scene(Step::Welcome, None, None),
            DemoScene::Phones { first: 0 }
        );
        // Identified: the person stands there on every screen from the phone keypad on.
        for step in [
            Step::Phone,
            Step::Framing,
            Step::Shoot,
            Step::Result,
            Step::Done,
        ] {
            assert_eq!(
                scene(step, Some(first), None),
                DemoScene::Person(DemoPerson::Passing)
            );
            assert_eq!(
                scene(step, Some(second), None),
                DemoScene::Person(DemoPerson::Smiling)
            );
        }
        // A student looked up by the teacher (no code): the passing person.
        assert_eq!(
            scene(Step::Framing, None, None),
            DemoScene::Person(DemoPerson::Passing)
        );
        // Just left: the empty backdrop, then the other student's phone first.
        let just = Duration::from_secs(2);
        assert_eq!(
            scene(Step::Welcome, None, Some((first, just))),
            DemoScene::Backdrop
        );
        assert_eq!(
            scene(Step::Welcome, None, Some((first, long))),
            DemoScene::Phones { first: 1 }
        );
        assert_eq!(
            scene(Step::Welcome, None, Some((second, long))),
            DemoScene::Phones { first: 0 }
        );
    }
}
