//! Test helpers: a station on a real SQLite file in a temp dir, a hand-moved clock, reports
//! that pass or fail a chosen check.

use super::*;
use crate::check::{CheckId, CheckReport, CheckResult};
use crate::roster::RosterRow;

pub struct Kit {
    pub dir: tempfile::TempDir,
    pub clock: ManualClock,
    pub flow: Flow,
    pub session: SessionId,
    pub students: Vec<StudentId>,
}

pub fn settings() -> FlowSettings {
    FlowSettings::from_config(&Config::default())
}

impl Kit {
    pub fn new(n: u32) -> Kit {
        Kit::with(n, settings())
    }

    pub fn with(n: u32, settings: FlowSettings) -> Kit {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at_default();
        let mut store = Store::open(dir.path()).unwrap();
        let session = store
            .open_session("酒店2201", "图书馆", "董老师", clock.now())
            .unwrap();
        let rows: Vec<RosterRow> = (0..n)
            .map(|i| RosterRow {
                line: u64::from(i) + 2,
                student_no: format!("2022{i:05}"),
                name: format!("学生{i}号"),
                id_number: format!("32100220040101{i:03}X"),
                department: "旅游管理学院".into(),
                class_name: "酒店2201".into(),
                capture_code: Some(format!("CODE{i}")),
                eligible: true,
            })
            .collect();
        store
            .import_roster(session, &rows, "董老师", FeeState::Unpaid, clock.now())
            .unwrap();
        let students = store
            .students(session)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        let flow = Flow::with_settings(store, settings, Box::new(clock.clone()));
        Kit {
            dir,
            clock,
            flow,
            session,
            students,
        }
    }

    /// Drops the flow and the store and opens both again, as after a killed process.
    pub fn restart(&mut self) {
        let settings = self.flow.settings().clone();
        let session = self.flow.session();
        let placeholder = Flow::with_settings(
            Store::open_file(&self.dir.path().join("placeholder.sqlite3")).unwrap(),
            settings.clone(),
            Box::new(self.clock.clone()),
        );
        drop(std::mem::replace(&mut self.flow, placeholder));
        let store = Store::open(self.dir.path()).unwrap();
        self.flow = Flow::with_settings(store, settings, Box::new(self.clock.clone()));
        self.flow.set_session(session);
    }

    pub fn secs(&self, s: i64) {
        self.clock.advance(chrono::Duration::seconds(s));
    }

    /// A student standing at the station for `s` seconds, touching it now and then.
    pub fn wait(&mut self, s: i64) {
        let mut left = s;
        while left > 0 {
            let step = left.min(30);
            self.secs(step);
            self.ok(Event::Activity);
            left -= step;
        }
    }

    pub fn ev(&mut self, e: Event) -> Result<Vec<Effect>> {
        self.flow.handle(e)
    }

    pub fn ok(&mut self, e: Event) -> Vec<Effect> {
        let what = format!("{e:?}");
        self.flow
            .handle(e)
            .unwrap_or_else(|err| panic!("{what} on {:?}: {err}", self.flow.step()))
    }

    pub fn refused(&mut self, e: Event) -> Refusal {
        match self.flow.handle(e) {
            Err(FlowError::Refused(r)) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    pub fn identify(&mut self, i: usize) {
        let student = self.students[i];
        self.ok(Event::Identify {
            student,
            by: Identification::Code,
        });
    }

    /// From Welcome through every screen to Framing.
    pub fn walk_to_framing(&mut self, i: usize) {
        self.identify(i);
        if self.flow.step() == Step::Status {
            self.ok(Event::Next);
        }
        self.ok(Event::Phone("13812345678".into()));
        self.ok(Event::ReadToEnd);
        self.ok(Event::Next);
        self.ok(Event::ReadToEnd);
        self.ok(Event::Next);
        self.ok(Event::Notifications {
            status: true,
            fee: false,
        });
        self.ok(Event::Next);
        self.ok(Event::GuidePlayed);
        self.ok(Event::Next);
        assert_eq!(self.flow.step(), Step::Framing);
    }

    /// Shoot, preview, make; returns the result.
    pub fn shoot(&mut self, made: MadePhoto) -> ResultView {
        self.ok(Event::Shoot);
        self.ok(Event::Captured);
        self.ok(Event::MakePhoto);
        self.ok(Event::Made(Box::new(made)));
        match self.flow.screen() {
            Screen::Result(r) => r.clone(),
            s => panic!("expected a result, got {s:?}"),
        }
    }

    pub fn audit_actions(&self) -> Vec<(String, String)> {
        self.flow
            .store()
            .audit_log(Some(self.session))
            .unwrap()
            .into_iter()
            .map(|a| (a.actor, a.action))
            .collect()
    }
}

fn check(id: CheckId, passed: bool) -> CheckResult {
    CheckResult {
        id,
        passed,
        value: Some(1.0),
        threshold: Some(0.5),
        hint_zh: format!("{id} 提示"),
        hint_en: format!("{id} hint"),
    }
}

pub fn pass() -> MadePhoto {
    MadePhoto {
        report: CheckReport {
            checks: vec![
                check(CheckId::FaceSingle, true),
                check(CheckId::Liveness, true),
            ],
        },
        original_jpeg: b"\xFF\xD8original".to_vec(),
        photo_jpeg: Some(b"\xFF\xD8photo".to_vec()),
        make_error: None,
    }
}

/// A photo made but failing `id`.
pub fn fail(id: CheckId) -> MadePhoto {
    let mut m = pass();
    m.report.checks.push(check(id, false));
    m
}

/// Making failed altogether.
pub fn unmade() -> MadePhoto {
    MadePhoto {
        report: CheckReport {
            checks: vec![check(CheckId::FaceSingle, false)],
        },
        original_jpeg: b"\xFF\xD8original".to_vec(),
        photo_jpeg: None,
        make_error: Some(crate::photo::MakeFailure::other("no face found")),
    }
}

/// The shot of the phone, or of a student who leaned out: no face, so the checks that need one
/// (recapture, beautified, liveness among them) could not look.
pub fn no_face() -> MadePhoto {
    let unmeasured = |id| CheckResult {
        value: None,
        threshold: None,
        ..check(id, false)
    };
    MadePhoto {
        report: CheckReport {
            checks: vec![
                CheckResult {
                    value: Some(0.0),
                    ..check(CheckId::FaceSingle, false)
                },
                unmeasured(CheckId::EyesOpen),
                unmeasured(CheckId::Recapture),
                unmeasured(CheckId::Beautified),
                unmeasured(CheckId::Liveness),
            ],
        },
        original_jpeg: b"\xFF\xD8original".to_vec(),
        photo_jpeg: None,
        make_error: Some(crate::photo::MakeFailure::other("no face found")),
    }
}
