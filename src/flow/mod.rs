//! The student journey at the station as a state machine (SPEC §2), and the teacher actions that
//! change it (SPEC §3).
//!
//! Owns: which screen is shown, which events each screen accepts, every rule of the notice
//! (cool-downs, locks, draft box, confirmation, fee, idle timeout) with its numbers from
//! `[flow]`, and the capture files under `captures/` in the data directory.
//! Must not touch: egui, the camera, image work, SQL (queries live in [`crate::store`]).
//!
//! One [`Flow`] serves one station: one student at a time. The GUI sends an [`Event`], gets back
//! the [`Effect`]s to carry out, or a [`Refusal`] (inside [`FlowError::Refused`]) saying why the
//! event was not taken; then it draws [`Flow::screen`] and [`Flow::student`]. It calls
//! [`Flow::tick`] every frame for the idle timeout. Everything that must survive is written to
//! SQLite when it happens, so a new `Flow` over a reopened store starts at the welcome screen
//! with every draft, lock, cool-down and confirmation in place.
//!
//! ```no_run
//! use tucai::config::Config;
//! use tucai::flow::{Effect, Event, Flow, FlowError, Identification, Screen, SystemClock};
//! use tucai::store::{Store, StudentId};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = Store::open(std::path::Path::new("data"))?;
//! let mut flow = Flow::new(store, &Config::default(), Box::new(SystemClock));
//! let student = StudentId(1); // from the scan module
//! match flow.handle(Event::Identify { student, by: Identification::Code }) {
//!     Ok(effects) => assert!(effects.is_empty()),
//!     Err(FlowError::Refused(why)) => println!("show: {why}"),
//!     Err(e) => return Err(e.into()),
//! }
//! if let Screen::Phone { .. } = flow.screen() {
//!     flow.handle(Event::Phone("13812345678".into()))?; // → Notice
//! }
//! // ... Framing: Event::Shoot returns Effect::Capture; the station shoots and sends
//! // Event::Captured; Preview: Event::MakePhoto returns Effect::MakeAndCheck; the station sends
//! // Event::Made(outcome) and the flow records the attempt and applies the rules.
//! for effect in flow.tick() {
//!     if effect == Effect::ForgetStudent { /* clear keypad buffers, images */ }
//! }
//! # Ok(()) }
//! ```
//!
//! Teacher actions ([`Flow::unlock`], [`Flow::lift_timed_lock`], [`Flow::allow_retake`],
//! [`Flow::teacher_delete_draft`], [`Flow::set_fee_state`], [`Flow::close_session`],
//! [`Flow::teacher_add_photo`]) write their
//! audit line with the operator in the same transaction as the change;
//! [`Flow::progress`] is the teacher's board.

mod clock;
mod files;
mod resume;
mod rules;
mod state;
mod teacher;

pub use clock::{Clock, ManualClock, SystemClock};
pub use resume::{AtStation, Part as ResumePart};
pub use rules::valid_phone;
pub use state::{
    BoxView, DraftView, Effect, Event, Gate, Identification, LockView, MadePhoto, Progress,
    ProgressBoard, ProgressCounts, ProgressRow, Refusal, ResultView, Screen, StatusView, Step,
    StudentCard,
};

use crate::check::{CheckResult, FailureKind};
use crate::config::{CaptureWindow, Config, FlowConfig};
// Re-exported so a GUI driving the flow needs no other module's types for what it shows.
pub use crate::config::FeeState;
pub use crate::store::{DraftId, LockKind, SessionId, StudentId};

use crate::store::{Draft, NewAttempt, NewAudit, Store, StoreError, Student};
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;

/// Why the flow could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// A rule said no; nothing changed. Show the reason.
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write capture file {path}: {source}; check the disk and try again")]
    WriteFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read photo file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A photo a teacher brought ([`Flow::teacher_add_photo`]) failed the checks; nothing was
    /// stored but the audit line. Not a [`Refusal`]: no student stands at the station to be
    /// shown it, and it is not the student's failure.
    #[error(
        "the photo did not pass the checks ({}); bring a photo that does, or let the student shoot at the station",
        failed_ids(failed, make_error.as_deref())
    )]
    PhotoRefused {
        /// The failed checks with their hints, in report order (liveness never among them).
        failed: Vec<CheckResult>,
        /// Why no standard photo could be made from the file, when it could not.
        make_error: Option<String>,
    },
}

fn failed_ids(failed: &[CheckResult], make_error: Option<&str>) -> String {
    let mut ids: Vec<&str> = failed.iter().map(|c| c.id.as_str()).collect();
    if let Some(why) = make_error {
        ids.push(why);
    }
    ids.join(", ")
}

impl From<Refusal> for FlowError {
    fn from(r: Refusal) -> Self {
        FlowError::Refused(r)
    }
}

impl FlowError {
    /// The refusal, when this is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            FlowError::Refused(r) => Some(r),
            _ => None,
        }
    }
}

pub type Result<T, E = FlowError> = std::result::Result<T, E>;

/// The numbers the flow needs from `kiosk.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowSettings {
    pub flow: FlowConfig,
    pub capture_window: Option<CaptureWindow>,
    pub fee_yuan: u32,
}

impl FlowSettings {
    pub fn from_config(config: &Config) -> FlowSettings {
        FlowSettings {
            flow: config.flow.clone(),
            capture_window: config.school.capture_window,
            fee_yuan: config.teacher.fee_yuan,
        }
    }
}

/// The station's state machine. See the module doc.
pub struct Flow {
    store: Store,
    settings: FlowSettings,
    clock: Box<dyn Clock>,
    /// The session the teacher opened at this station; students of another one are refused.
    session: Option<SessionId>,
    screen: Screen,
    /// The student at the station (only while on a student step).
    student: Option<StudentCard>,
    last_input: DateTime<Utc>,
    last_refusal: Option<Refusal>,
    /// Whether the student left the welcome screen through a timeout (for the welcome message).
    timed_out: bool,
    /// What the store's at-station record says now (see [`resume`]), to write it only on change.
    remembered: Option<(StudentId, ResumePart)>,
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow")
            .field("step", &self.screen.step())
            .field("session", &self.session)
            .finish()
    }
}

impl Flow {
    pub fn new(store: Store, config: &Config, clock: Box<dyn Clock>) -> Flow {
        Flow::with_settings(store, FlowSettings::from_config(config), clock)
    }

    pub fn with_settings(store: Store, settings: FlowSettings, clock: Box<dyn Clock>) -> Flow {
        let now = clock.now();
        Flow {
            store,
            settings,
            clock,
            session: None,
            screen: Screen::Welcome,
            student: None,
            last_input: now,
            last_refusal: None,
            timed_out: false,
            remembered: None,
        }
    }

    // ---- what the GUI reads ----

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn step(&self) -> Step {
        self.screen.step()
    }

    /// The student at the station, masked; `None` on the welcome screen.
    pub fn student(&self) -> Option<&StudentCard> {
        self.student.as_ref()
    }

    /// The last refusal (cleared by the next accepted event).
    pub fn last_refusal(&self) -> Option<&Refusal> {
        self.last_refusal.as_ref()
    }

    /// The last student left through the idle timeout (shown on the welcome screen).
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    pub fn settings(&self) -> &FlowSettings {
        &self.settings
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// When the idle timeout will fire, on a student step. A student told to wait out a
    /// cool-down is not idle while waiting: the timeout then counts from the cool-down's end.
    pub fn idle_deadline(&self) -> Option<DateTime<Utc>> {
        if !self.step().is_student_step() {
            return None;
        }
        let waiting = match &self.screen {
            Screen::Framing(g) | Screen::DraftBox(BoxView { gate: g, .. }) => match g.blocked {
                Some(Refusal::CoolingDown { until }) => Some(until),
                _ => None,
            },
            Screen::Result(r) => r.cooldown_until,
            _ => None,
        };
        let from = waiting.map_or(self.last_input, |u| u.max(self.last_input));
        Some(from + self.idle_timeout())
    }

    pub fn session(&self) -> Option<SessionId> {
        self.session
    }

    /// The teacher chose the session photographed at this station (`None`: any open one).
    pub fn set_session(&mut self, session: Option<SessionId>) {
        self.session = session;
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Gives the store back (e.g. to simulate a restart in tests).
    pub fn into_store(self) -> Store {
        self.store
    }

    /// The JPEG bytes of a draft's standard photo, for the box thumbnails.
    pub fn draft_photo(&self, draft: &DraftView) -> Result<Vec<u8>> {
        let Some(path) = &draft.photo else {
            return Err(Refusal::NoSuchDraft.into());
        };
        std::fs::read(path).map_err(|source| FlowError::ReadFile {
            path: path.clone(),
            source,
        })
    }

    // ---- driving ----

    /// Handles one event. On a refusal nothing changed (and [`Flow::last_refusal`] says why).
    pub fn handle(&mut self, event: Event) -> Result<Vec<Effect>> {
        let now = self.clock.now();
        // An event after the idle timeout belongs to nobody: the timeout wins.
        let mut effects = self.tick();
        if !effects.is_empty() && !matches!(event, Event::Identify { .. }) {
            return Ok(effects);
        }
        match self.apply(event, now) {
            Ok(mut more) => {
                self.last_refusal = None;
                if self.step().is_student_step() || self.step() == Step::Making {
                    self.last_input = now;
                }
                self.remember_at_station(now);
                effects.append(&mut more);
                Ok(effects)
            }
            Err(FlowError::Refused(r)) => {
                self.last_input = now;
                self.last_refusal = Some(r.clone());
                Err(FlowError::Refused(r))
            }
            Err(e) => Err(e),
        }
    }

    /// The idle timeout and time-driven refreshes (a cool-down or timed lock running out).
    /// Call it every frame; cheap unless something is due.
    pub fn tick(&mut self) -> Vec<Effect> {
        let now = self.clock.now();
        if self.idle_deadline().is_some_and(|d| now >= d) {
            self.timed_out = true;
            let effects = self.reset();
            self.remember_at_station(now);
            return effects;
        }
        let due = match &self.screen {
            Screen::Framing(g) => gate_due(g, now),
            Screen::DraftBox(b) => gate_due(&b.gate, now),
            _ => false,
        };
        if due {
            // A store error here only delays reopening the gate until the next event.
            let _ = self.refresh_gate();
        }
        Vec::new()
    }

    fn idle_timeout(&self) -> Duration {
        Duration::seconds(i64::from(self.settings.flow.idle_timeout_seconds))
    }

    /// Back to welcome with nothing personal kept.
    fn reset(&mut self) -> Vec<Effect> {
        let had_capture = matches!(
            self.step(),
            Step::Shoot | Step::Preview | Step::Making | Step::Result
        );
        self.screen = Screen::Welcome;
        self.student = None;
        self.last_refusal = None;
        let mut effects = Vec::new();
        if had_capture {
            effects.push(Effect::DiscardCapture);
        }
        effects.push(Effect::ForgetStudent);
        effects
    }

    fn current(&self) -> Result<StudentId> {
        self.student
            .as_ref()
            .map(|s| s.id)
            .ok_or(FlowError::Refused(Refusal::NotOnThisScreen {
                step: self.step(),
            }))
    }

    fn apply(&mut self, event: Event, now: DateTime<Utc>) -> Result<Vec<Effect>> {
        let step = self.step();
        let wrong = || Err(FlowError::Refused(Refusal::NotOnThisScreen { step }));
        match (step, event) {
            (Step::Welcome, Event::Identify { student, by }) => self.identify(student, by, now),
            (_, Event::Quit) if step.is_student_step() => Ok(self.reset()),
            (_, Event::Activity) if step.is_student_step() || step == Step::Making => Ok(vec![]),
            (Step::Status, Event::Next) => {
                let Screen::Status(s) = &self.screen else {
                    return wrong();
                };
                if !s.can_retake {
                    return Err(Refusal::AlreadyConfirmed.into());
                }
                self.show_phone()?;
                Ok(vec![])
            }
            (Step::Phone, Event::Phone(p)) => {
                let p = p.trim().to_string();
                if !valid_phone(&p) {
                    return Err(Refusal::InvalidPhone.into());
                }
                let id = self.current()?;
                self.store.set_phone(id, &p, now)?;
                if let Some(card) = &mut self.student {
                    card.phone = Some(crate::mask::phone(&p));
                }
                self.screen = Screen::Notice { read_to_end: false };
                Ok(vec![])
            }
            (Step::Notice, Event::ReadToEnd) => {
                self.screen = Screen::Notice { read_to_end: true };
                Ok(vec![])
            }
            (Step::Notice, Event::Next) => {
                if self.screen != (Screen::Notice { read_to_end: true }) {
                    return Err(Refusal::NotYet.into());
                }
                self.screen = Screen::Precautions { read_to_end: false };
                Ok(vec![])
            }
            (Step::Precautions, Event::ReadToEnd) => {
                self.screen = Screen::Precautions { read_to_end: true };
                Ok(vec![])
            }
            (Step::Precautions, Event::Next) => {
                if self.screen != (Screen::Precautions { read_to_end: true }) {
                    return Err(Refusal::NotYet.into());
                }
                let s = self.store.student(self.current()?)?;
                self.screen = Screen::Notifications {
                    status: s.notify_status,
                    fee: s.notify_fee,
                };
                Ok(vec![])
            }
            (Step::Notifications, Event::Notifications { status, fee }) => {
                self.store
                    .set_notifications(self.current()?, status, fee, now)?;
                self.screen = Screen::Notifications {
                    status: Some(status),
                    fee: Some(fee),
                };
                Ok(vec![])
            }
            (Step::Notifications, Event::Next) => {
                let Screen::Notifications {
                    status: Some(_),
                    fee: Some(_),
                } = self.screen
                else {
                    return Err(Refusal::NotYet.into());
                };
                let watched = self.store.guide_watched_at(self.current()?)?.is_some();
                self.screen = Screen::Guide { watched };
                Ok(vec![])
            }
            (Step::Guide, Event::GuidePlayed) => {
                self.store.set_guide_watched(self.current()?, now)?;
                self.screen = Screen::Guide { watched: true };
                Ok(vec![])
            }
            (Step::Guide, Event::Next) => {
                if self.screen != (Screen::Guide { watched: true }) {
                    return Err(Refusal::NotYet.into());
                }
                self.show_framing()?;
                Ok(vec![])
            }
            (Step::Framing | Step::DraftBox | Step::Result, Event::Shoot) => {
                let gate = self.gate(self.current()?, now)?;
                if let Some(r) = gate.blocked {
                    // Keep the screen's reason current for the GUI.
                    self.refresh_gate()?;
                    return Err(r.into());
                }
                let f = &self.settings.flow;
                let (countdown_seconds, burst_frames, burst_interval_ms) =
                    (f.countdown_seconds, f.burst_frames, f.burst_interval_ms);
                self.screen = Screen::Shoot {
                    countdown_seconds,
                    burst_frames,
                    burst_interval_ms,
                };
                Ok(vec![Effect::Capture {
                    countdown_seconds,
                    burst_frames,
                    burst_interval_ms,
                }])
            }
            (Step::Shoot, Event::Captured) => {
                self.screen = Screen::Preview;
                Ok(vec![])
            }
            (Step::Shoot, Event::CaptureFailed) => {
                self.show_framing()?;
                Ok(vec![Effect::DiscardCapture])
            }
            (Step::Preview | Step::Result | Step::DraftBox, Event::Retake) => {
                let discard = step != Step::DraftBox;
                self.show_framing()?;
                Ok(if discard {
                    vec![Effect::DiscardCapture]
                } else {
                    vec![]
                })
            }
            (Step::Preview, Event::MakePhoto) => {
                self.screen = Screen::Making;
                Ok(vec![Effect::MakeAndCheck])
            }
            (Step::Making, Event::Made(made)) => {
                self.record(*made, now)?;
                Ok(vec![Effect::DiscardCapture])
            }
            (Step::Result, Event::Next) => {
                let Screen::Result(r) = &self.screen else {
                    return wrong();
                };
                if r.passed {
                    self.show_box()?;
                } else {
                    self.show_framing()?;
                }
                Ok(vec![])
            }
            (Step::Framing | Step::Result | Step::Confirm, Event::OpenDraftBox)
            | (Step::Confirm, Event::Back) => {
                self.show_box()?;
                Ok(vec![])
            }
            (Step::DraftBox, Event::DeleteDraft(id)) => {
                let student = self.current()?;
                let draft = self.own_draft(student, id)?;
                if draft.confirmed {
                    return Err(Refusal::DraftConfirmed.into());
                }
                let from = rules::deletable_from(&self.settings.flow, draft.saved_at);
                if now < from {
                    return Err(Refusal::DraftNotDeletableYet { from }.into());
                }
                let audit = NewAudit::station("draft.delete")
                    .student(student)
                    .detail(format!("draft={id} by=student"));
                self.store.delete_draft(id, "student", &audit, now)?;
                self.show_box()?;
                Ok(vec![])
            }
            (Step::DraftBox, Event::Choose(id)) => {
                let student = self.current()?;
                let draft = self.own_draft(student, id)?;
                self.refuse_if_in_doubt(student, now)?;
                self.screen = Screen::Confirm {
                    draft: self.draft_view(&draft, now),
                };
                Ok(vec![])
            }
            (Step::Confirm, Event::Confirm) => {
                let student = self.current()?;
                let Screen::Confirm { draft } = &self.screen else {
                    return wrong();
                };
                let id = draft.id;
                // The draft may have been deleted, or the student locked, by a teacher meanwhile.
                self.own_draft(student, id)?;
                self.refuse_if_in_doubt(student, now)?;
                let audit = NewAudit::station("draft.confirm")
                    .student(student)
                    .detail(format!("draft={id}"));
                self.store.confirm_draft(student, id, &audit, now)?;
                let fee = self.store.student(student)?.fee_state;
                self.screen = Screen::Fee {
                    state: fee,
                    yuan: self.settings.fee_yuan,
                };
                Ok(vec![])
            }
            (Step::Fee, Event::Next) => {
                let fee = self.store.student(self.current()?)?.fee_state;
                self.screen = Screen::Done { fee };
                Ok(vec![])
            }
            (Step::Done, Event::Next) => Ok(self.reset()),
            _ => wrong(),
        }
    }

    fn identify(
        &mut self,
        id: StudentId,
        by: Identification,
        now: DateTime<Utc>,
    ) -> Result<Vec<Effect>> {
        self.timed_out = false;
        let refuse = |flow: &mut Flow, session: Option<SessionId>, why: Refusal| {
            let mut line = NewAudit::station("identify.refused").detail(format!("{why:?}"));
            if let Some(s) = session {
                line = line.session(s).student(id);
            }
            flow.store.audit(&line, now)?;
            Err(FlowError::Refused(why))
        };
        let s = match self.store.student(id) {
            Ok(s) => s,
            Err(StoreError::NotFound(_)) => return refuse(self, None, Refusal::UnknownStudent),
            Err(e) => return Err(e.into()),
        };
        if self.session.is_some_and(|open| open != s.session) {
            return refuse(self, Some(s.session), Refusal::OtherSession);
        }
        if !self.store.session(s.session)?.is_open() {
            return refuse(self, Some(s.session), Refusal::SessionClosed);
        }
        let overridden = match &by {
            Identification::Teacher {
                operator,
                override_rules: true,
            } => Some(operator.clone()),
            _ => None,
        };
        let mut bent = Vec::new();
        if !s.eligible {
            bent.push(Refusal::NotEligible);
        }
        if let Some(w) = self.settings.capture_window
            && !w.contains(self.clock.today())
        {
            bent.push(Refusal::OutsideCaptureWindow {
                start: w.start,
                end: w.end,
            });
        }
        match (&overridden, bent.first()) {
            (None, Some(why)) => return refuse(self, Some(s.session), why.clone()),
            (Some(op), Some(_)) => {
                let line = NewAudit::teacher(op, "identify.override")
                    .session(s.session)
                    .student(id)
                    .detail(format!("{bent:?}"));
                self.store.audit(&line, now)?;
            }
            _ => {}
        }
        self.student = Some(card(&s));
        if let Some(c) = self.store.confirmation(id)? {
            let draft = self
                .store
                .drafts(id)?
                .into_iter()
                .find(|d| d.id == c.draft)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("confirmation {} has no live draft", c.id))
                })?;
            self.screen = Screen::Status(StatusView {
                confirmed_at: c.confirmed_at,
                draft: self.draft_view(&draft, now),
                fee: s.fee_state,
                can_retake: s.retake_allowed || s.retake_reason.is_some(),
                retake_reason: s.retake_reason,
            });
        } else {
            self.show_phone()?;
        }
        Ok(vec![])
    }

    fn show_phone(&mut self) -> Result<()> {
        let s = self.store.student(self.current()?)?;
        self.screen = Screen::Phone {
            saved: s.phone.as_deref().map(crate::mask::phone),
        };
        Ok(())
    }

    fn show_framing(&mut self) -> Result<()> {
        let gate = self.gate(self.current()?, self.clock.now())?;
        self.screen = Screen::Framing(gate);
        Ok(())
    }

    fn show_box(&mut self) -> Result<()> {
        let student = self.current()?;
        let now = self.clock.now();
        let drafts = self.store.drafts(student)?;
        let in_box: Vec<DraftView> = drafts
            .iter()
            .filter(|d| !d.confirmed)
            .map(|d| self.draft_view(d, now))
            .collect();
        let capacity = self.settings.flow.draft_box_size;
        self.screen = Screen::DraftBox(BoxView {
            full: in_box.len() as u32 >= capacity,
            drafts: in_box,
            capacity,
            gate: self.gate(student, now)?,
        });
        Ok(())
    }

    fn refresh_gate(&mut self) -> Result<()> {
        let student = self.current()?;
        let gate = self.gate(student, self.clock.now())?;
        match &mut self.screen {
            Screen::Framing(g) => *g = gate,
            Screen::DraftBox(b) => b.gate = gate,
            _ => {}
        }
        Ok(())
    }

    /// How many drafts wait in the student's box (a confirmed one has left it).
    fn drafts_in_box(&self, student: StudentId) -> Result<u32> {
        let drafts = self.store.drafts(student)?;
        Ok(drafts.iter().filter(|d| !d.confirmed).count() as u32)
    }

    /// Whether the student may shoot now: lock, then full box, then cool-down.
    fn gate(&self, student: StudentId, now: DateTime<Utc>) -> Result<Gate> {
        let locks = self.store.locks(student)?;
        if let Some(l) = rules::active_lock(&locks, now) {
            return Ok(Gate {
                blocked: Some(Refusal::Locked {
                    kind: l.kind,
                    until: l.until,
                }),
            });
        }
        let capacity = self.settings.flow.draft_box_size;
        if self.drafts_in_box(student)? >= capacity {
            return Ok(Gate {
                blocked: Some(Refusal::DraftBoxFull { capacity }),
            });
        }
        let attempts = self.store.attempts(student)?;
        if let Some(until) = rules::cooldown_until(&self.settings.flow, &attempts, &locks)
            && now < until
        {
            return Ok(Gate {
                blocked: Some(Refusal::CoolingDown { until }),
            });
        }
        Ok(Gate { blocked: None })
    }

    /// A liveness or fraud lock puts the student's identity or photos in doubt: they confirm
    /// nothing until a teacher has looked. A timed failures lock only means bad shots in a row,
    /// so an earlier good draft may still be confirmed.
    fn refuse_if_in_doubt(&self, student: StudentId, now: DateTime<Utc>) -> Result<()> {
        let locks = self.store.locks(student)?;
        match rules::active_lock(&locks, now) {
            Some(l) if l.kind != LockKind::Failures => Err(Refusal::Locked {
                kind: l.kind,
                until: l.until,
            }
            .into()),
            _ => Ok(()),
        }
    }

    fn own_draft(&self, student: StudentId, id: DraftId) -> Result<Draft> {
        self.store
            .drafts(student)?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(FlowError::Refused(Refusal::NoSuchDraft))
    }

    fn draft_view(&self, d: &Draft, now: DateTime<Utc>) -> DraftView {
        let from = rules::deletable_from(&self.settings.flow, d.saved_at);
        DraftView {
            id: d.id,
            saved_at: d.saved_at,
            photo: d.photo_path.as_ref().map(|p| self.store.data_dir().join(p)),
            deletable_now: !d.confirmed && now >= from,
            deletable_from: from,
            confirmed: d.confirmed,
        }
    }

    /// Persists a made + checked shot and applies the rules, then shows the result.
    fn record(&mut self, made: MadePhoto, now: DateTime<Utc>) -> Result<()> {
        let student = self.current()?;
        let s = self.store.student(student)?;
        let attempts = self.store.attempts(student)?;
        let locks = self.store.locks(student)?;
        let passed = made.report.passed() && made.photo_jpeg.is_some();
        let failure_kind = if passed {
            None
        } else {
            Some(made.report.failure_kind().unwrap_or(FailureKind::Other))
        };

        let n = attempts.len() + 1;
        let dir = format!("captures/{}/{}", s.session, student);
        let original = format!("{dir}/{n}-original.jpg");
        files::write_atomic(&self.store.data_dir().join(&original), &made.original_jpeg)?;
        let photo = match &made.photo_jpeg {
            Some(bytes) => {
                let rel = format!("{dir}/{n}-photo.jpg");
                files::write_atomic(&self.store.data_dir().join(&rel), bytes)?;
                Some(rel)
            }
            None => None,
        };

        let capacity = self.settings.flow.draft_box_size;
        let box_full = self.drafts_in_box(student)? >= capacity;
        let lock = failure_kind
            .and_then(|k| rules::lock_for_failure(&self.settings.flow, &attempts, &locks, k, now));
        let mut audit = Vec::new();
        // Why, in the audit: the checks behind the lock with their measured values, and the
        // checks that could not look when no face was seen (logged, never a fraud case).
        let causes = || {
            made.report
                .causes()
                .iter()
                .map(|c| match c.value {
                    Some(v) => format!("{}={v}", c.id),
                    None => c.id.to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        if let Some(l) = lock {
            audit.push(
                NewAudit::station("student.lock")
                    .session(s.session)
                    .student(student)
                    .detail(format!("kind={} checks={}", l.kind.as_str(), causes())),
            );
        }
        if !passed && !made.report.face_seen() {
            audit.push(
                NewAudit::station("attempt.no_face")
                    .session(s.session)
                    .student(student)
                    .detail(format!("not measured: {}", causes())),
            );
        }
        if let Some(failure) = &made.make_error {
            audit.push(
                NewAudit::station("attempt.make_failed")
                    .session(s.session)
                    .student(student)
                    .detail(failure.reason.clone()),
            );
        }
        let report_json = serde_json::to_string(&made.report)
            .map_err(|e| StoreError::Corrupt(format!("check report: {e}")))?;
        let recorded = self.store.record_attempt(&NewAttempt {
            student,
            taken_at: now,
            passed,
            failure_kind,
            report_json,
            original_path: Some(original),
            photo_path: photo,
            save_draft: passed && !box_full,
            lock,
            audit,
        })?;

        let attempts = self.store.attempts(student)?;
        let locks = self.store.locks(student)?;
        let lock_now = rules::active_lock(&locks, now);
        let cooldown_until = if passed || lock_now.is_some() {
            None
        } else {
            rules::cooldown_until(&self.settings.flow, &attempts, &locks).filter(|u| now < *u)
        };
        let draft = match recorded.draft {
            Some(id) => self
                .store
                .drafts(student)?
                .into_iter()
                .find(|d| d.id == id)
                .map(|d| self.draft_view(&d, now)),
            None => None,
        };
        self.screen = Screen::Result(ResultView {
            passed,
            failed: made.report.reasons().cloned().collect(),
            make_error: made.make_error,
            draft,
            not_saved_box_full: passed && box_full,
            cooldown_until,
            lock: lock_now,
        });
        Ok(())
    }
}

fn gate_due(g: &Gate, now: DateTime<Utc>) -> bool {
    match &g.blocked {
        Some(Refusal::CoolingDown { until }) => now >= *until,
        Some(Refusal::Locked { until: Some(u), .. }) => now >= *u,
        _ => false,
    }
}

fn card(s: &Student) -> StudentCard {
    StudentCard {
        id: s.id,
        name: crate::mask::name(&s.name),
        id_number: crate::mask::id_number(&s.id_number),
        class_name: s.class_name.clone(),
        phone: s.phone.as_deref().map(crate::mask::phone),
        fee: s.fee_state,
    }
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_resume;
#[cfg(test)]
mod tests_teacher_photo;
