//! `--camera demo` on a fresh machine: with no open session, the station opens a demo session
//! (audited as the station) with a small demo roster, so anyone can walk the whole flow. The
//! first demo student's capture code is the one the demo camera's phone shows.

use crate::camera::DEMO_CAPTURE_CODE;
use crate::config::Config;
use crate::roster::RosterRow;
use crate::store::{NewAudit, SessionId, Store, StoreError};
use chrono::{DateTime, Utc};

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
            Some("TUCAI-DEMO-0002"),
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
