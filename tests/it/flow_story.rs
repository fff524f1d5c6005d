//! The capture flow's story through the public API on a real data directory: a teacher opens a
//! session and imports a roster, students go through the station (fail, cool down, pass,
//! confirm; get locked and unlocked), the process is killed and restarted in the middle, and the
//! board, the files and the audit log tell the truth at the end.

use chrono::Duration;
use tucai::check::{CheckId, CheckReport, CheckResult};
use tucai::config::{Config, FeeState};
use tucai::flow::{
    Clock, Effect, Event, Flow, FlowError, Gate, Identification, LockKind, MadePhoto, ManualClock,
    Progress, Refusal, Screen, Step,
};
use tucai::store::{Store, StudentId};

fn roster() -> String {
    let id = crate::support::id_number;
    format!(
        "学号,姓名,身份证号,院系,班级,采集码\n\
         2022000001,张三丰,{},旅游管理学院,酒店2201,CODE1\n\
         2022000002,李四,{},旅游管理学院,酒店2201,CODE2\n\
         2022000003,王五,{},旅游管理学院,酒店2201,CODE3\n",
        id(1),
        id(2),
        id(3)
    )
}

fn report(failing: Option<CheckId>) -> CheckReport {
    let mut checks: Vec<CheckResult> = [CheckId::FaceSingle, CheckId::Liveness]
        .into_iter()
        .map(|id| CheckResult {
            id,
            passed: true,
            value: Some(1.0),
            threshold: Some(0.5),
            hint_zh: String::new(),
            hint_en: String::new(),
        })
        .collect();
    if let Some(id) = failing {
        checks.retain(|c| c.id != id);
        checks.push(CheckResult {
            id,
            passed: false,
            value: Some(0.1),
            threshold: Some(0.5),
            hint_zh: "请调整".into(),
            hint_en: "please adjust".into(),
        });
    }
    CheckReport { checks }
}

fn made(failing: Option<CheckId>) -> Event {
    Event::Made(Box::new(MadePhoto {
        report: report(failing),
        original_jpeg: vec![0xFF, 0xD8, 1, 2, 3],
        photo_jpeg: Some(vec![0xFF, 0xD8, 4, 5, 6]),
        make_error: None,
    }))
}

struct Station {
    dir: tempfile::TempDir,
    clock: ManualClock,
    flow: Flow,
}

impl Station {
    fn ok(&mut self, e: Event) -> Vec<Effect> {
        let what = format!("{e:?}");
        match self.flow.handle(e) {
            Ok(fx) => fx,
            Err(err) => panic!("{what} on {:?}: {err}", self.flow.step()),
        }
    }

    fn refused(&mut self, e: Event) -> Refusal {
        match self.flow.handle(e) {
            Err(FlowError::Refused(r)) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn walk_in(&mut self, student: StudentId) {
        self.ok(Event::Identify {
            student,
            by: Identification::Code,
        });
        for e in [
            Event::Phone("13812345678".into()),
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
            self.ok(e);
        }
        assert_eq!(self.flow.step(), Step::Framing);
    }

    fn shoot(&mut self, failing: Option<CheckId>) {
        assert!(matches!(
            self.ok(Event::Shoot)[..],
            [Effect::Capture { .. }]
        ));
        self.ok(Event::Captured);
        assert_eq!(self.ok(Event::MakePhoto), [Effect::MakeAndCheck]);
        self.ok(made(failing));
        assert_eq!(self.flow.step(), Step::Result);
    }

    fn confirm_first(&mut self) {
        self.ok(Event::OpenDraftBox);
        let Screen::DraftBox(b) = self.flow.screen().clone() else {
            panic!("{:?}", self.flow.screen())
        };
        self.ok(Event::Choose(b.drafts[0].id));
        self.ok(Event::Confirm);
        self.ok(Event::Next);
        assert!(matches!(self.flow.screen(), Screen::Done { .. }));
        assert!(self.ok(Event::Next).contains(&Effect::ForgetStudent));
    }
}

#[test]
fn a_class_at_the_station_with_a_restart_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_default();
    let config = Config::default();
    let mut store = Store::open(dir.path()).unwrap();
    let session = store
        .open_session("酒店2201", "图书馆一楼", "董老师", clock.now())
        .unwrap();
    let roster = tucai::roster::parse(roster().as_bytes()).unwrap();
    store
        .import_roster(
            session,
            &roster.rows,
            "董老师",
            FeeState::Unpaid,
            clock.now(),
        )
        .unwrap();
    let ids: Vec<StudentId> = store
        .students(session)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let (zhang, li, wang) = (ids[0], ids[1], ids[2]);
    let flow = Flow::new(store, &config, Box::new(clock.clone()));
    let mut st = Station { dir, clock, flow };
    st.flow.set_session(Some(session));

    // 张三丰: too dark, cool-down, then a good photo, confirmed.
    st.walk_in(zhang);
    assert_eq!(st.flow.student().unwrap().name, "张*丰");
    st.shoot(Some(CheckId::LightExposure));
    let Screen::Result(r) = st.flow.screen().clone() else {
        panic!()
    };
    assert_eq!(r.failed[0].id, CheckId::LightExposure);
    assert_eq!(r.failed[0].hint_en, "please adjust");
    let until = r.cooldown_until.unwrap();
    st.ok(Event::Next);
    assert_eq!(st.refused(Event::Shoot), Refusal::CoolingDown { until });
    st.clock.set(until);
    st.flow.tick();
    assert_eq!(st.flow.screen(), &Screen::Framing(Gate { blocked: None }));
    st.shoot(None);
    st.confirm_first();

    // 李四: three failed liveness checks, locked until a teacher unlocks.
    st.walk_in(li);
    for _ in 0..3 {
        st.shoot(Some(CheckId::Liveness));
        st.ok(Event::Next);
        st.clock.advance(Duration::seconds(60));
        st.ok(Event::Activity);
    }
    assert_eq!(
        st.refused(Event::Shoot),
        Refusal::Locked {
            kind: LockKind::Liveness,
            until: None
        }
    );
    let board = st.flow.progress(session).unwrap();
    assert_eq!((board.counts.confirmed, board.counts.locked), (1, 1));

    // The process is killed here (李四 still at the station) and started again.
    let Station { dir, clock, flow } = st;
    drop(flow);
    let store = Store::open(dir.path()).unwrap();
    let mut st = Station {
        flow: Flow::new(store, &config, Box::new(clock.clone())),
        dir,
        clock,
    };
    assert_eq!(st.flow.step(), Step::Welcome);
    st.walk_in(li);
    assert!(matches!(
        st.flow.screen(),
        Screen::Framing(Gate {
            blocked: Some(Refusal::Locked { .. })
        })
    ));
    st.flow.unlock("董老师", li).unwrap();
    st.shoot(None);
    st.confirm_first();

    // 张三丰 scans again: the status, not a new flow.
    st.ok(Event::Identify {
        student: zhang,
        by: Identification::Code,
    });
    assert_eq!(st.flow.step(), Step::Status);
    st.ok(Event::Quit);

    // The teacher records the fee and ends the session; 王五 is too late.
    st.flow
        .set_fee_state("董老师", zhang, FeeState::Paid)
        .unwrap();
    st.flow.close_session("董老师", session).unwrap();
    assert_eq!(
        st.refused(Event::Identify {
            student: wang,
            by: Identification::Code
        }),
        Refusal::SessionClosed
    );

    let board = st.flow.progress(session).unwrap();
    assert_eq!(
        (
            board.counts.confirmed,
            board.counts.locked,
            board.counts.not_started
        ),
        (2, 0, 1)
    );
    assert_eq!(board.rows[0].fee, FeeState::Paid);
    assert_eq!(board.rows[2].progress, Progress::NotStarted);

    // Files: every attempt's original, every made photo, relative paths under the data dir.
    for s in [zhang, li] {
        for a in st.flow.store().attempts(s).unwrap() {
            for p in [a.original_path.unwrap(), a.photo_path.unwrap()] {
                assert!(p.starts_with("captures/"), "{p}");
                assert!(st.dir.path().join(&p).is_file(), "{p}");
            }
        }
    }
    // Audit: each teacher action names the operator; nothing personal in the details.
    let log = st.flow.store().audit_log(Some(session)).unwrap();
    for action in ["student.unlock", "student.fee", "session.close"] {
        let line = log.iter().find(|a| a.action == action).unwrap();
        assert_eq!(line.actor, "teacher:董老师", "{action}");
    }
    for line in &log {
        for personal in [
            "张三丰",
            "李四",
            "13812345678",
            &crate::support::id_number(1),
        ] {
            assert!(!line.detail.contains(personal), "{line:?}");
        }
    }
}
