//! The vocabulary between the flow and whoever drives it: screens (what to show), events (what
//! happened), effects (what the flow asks the station to do), refusals (why an event was not
//! taken). Everything a screen displays is in [`Screen`] and [`StudentCard`], already decided:
//! the GUI shows it and never applies a rule itself.

use crate::check::{CheckReport, CheckResult};
use crate::config::FeeState;
use crate::photo::MakeFailure;
use crate::store::{DraftId, LockKind, StudentId};
use chrono::{DateTime, NaiveDate, Utc};
use std::path::PathBuf;

/// Which screen the station shows; [`Screen::step`] of the current [`Screen`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Welcome,
    /// A confirmed student scanned again: their status, not a new flow.
    Status,
    Phone,
    Notice,
    Precautions,
    Notifications,
    Guide,
    Framing,
    Shoot,
    Preview,
    Making,
    Result,
    DraftBox,
    Confirm,
    Fee,
    Done,
}

impl Step {
    /// Steps with a student at the station: the idle timeout applies to them (except
    /// [`Step::Making`], where the station, not the student, is busy).
    pub fn is_student_step(self) -> bool {
        !matches!(self, Step::Welcome | Step::Making)
    }
}

/// The screen to show, with everything it displays.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Waiting for a capture code. [`crate::flow::Flow::last_refusal`] says why the last scan
    /// was refused, if it was.
    Welcome,
    Status(StatusView),
    Phone {
        /// The number stored from an earlier visit, masked.
        saved: Option<String>,
    },
    Notice {
        /// "Next" is enabled once the notice was scrolled to its end.
        read_to_end: bool,
    },
    Precautions {
        read_to_end: bool,
    },
    Notifications {
        /// The stored choice, if the student made one (on this visit or before).
        status: Option<bool>,
        fee: Option<bool>,
    },
    Guide {
        /// Played to the end once for this student (stored): "Next" enabled.
        watched: bool,
    },
    Framing(Gate),
    /// Countdown and burst under way (the station does them, then sends
    /// [`Event::Captured`] or [`Event::CaptureFailed`]).
    Shoot {
        countdown_seconds: u32,
        burst_frames: u32,
        burst_interval_ms: u32,
    },
    /// The student looks at the shot: [`Event::Retake`] or [`Event::MakePhoto`].
    Preview,
    /// Making and checking; waiting for [`Event::Made`].
    Making,
    Result(ResultView),
    DraftBox(BoxView),
    Confirm {
        draft: DraftView,
    },
    Fee {
        state: FeeState,
        yuan: u32,
    },
    Done {
        fee: FeeState,
    },
}

impl Screen {
    pub fn step(&self) -> Step {
        match self {
            Screen::Welcome => Step::Welcome,
            Screen::Status(_) => Step::Status,
            Screen::Phone { .. } => Step::Phone,
            Screen::Notice { .. } => Step::Notice,
            Screen::Precautions { .. } => Step::Precautions,
            Screen::Notifications { .. } => Step::Notifications,
            Screen::Guide { .. } => Step::Guide,
            Screen::Framing(_) => Step::Framing,
            Screen::Shoot { .. } => Step::Shoot,
            Screen::Preview => Step::Preview,
            Screen::Making => Step::Making,
            Screen::Result(_) => Step::Result,
            Screen::DraftBox(_) => Step::DraftBox,
            Screen::Confirm { .. } => Step::Confirm,
            Screen::Fee { .. } => Step::Fee,
            Screen::Done { .. } => Step::Done,
        }
    }
}

/// Whether shooting is open now, and if not, why (cool-down end, lock, full box).
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub blocked: Option<Refusal>,
}

impl Gate {
    pub fn open(&self) -> bool {
        self.blocked.is_none()
    }
}

/// Who is at the station, masked for the screen (SPEC §8).
#[derive(Debug, Clone, PartialEq)]
pub struct StudentCard {
    pub id: StudentId,
    /// `张*丰`
    pub name: String,
    /// `3201**********1234`
    pub id_number: String,
    pub class_name: String,
    /// `138****5678`, once given.
    pub phone: Option<String>,
    pub fee: FeeState,
}

/// A confirmed student's status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusView {
    pub confirmed_at: DateTime<Utc>,
    pub draft: DraftView,
    pub fee: FeeState,
    /// Why the provincial review reset the photo (the office imported it).
    pub retake_reason: Option<String>,
    /// A teacher allowed a retake, or the review reset the photo: [`Event::Next`] starts anew.
    pub can_retake: bool,
}

/// The outcome of one make + check.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultView {
    pub passed: bool,
    /// Failed checks with their hints, in report order.
    pub failed: Vec<CheckResult>,
    /// Why the photo could not be made at all, when it could not.
    pub make_error: Option<MakeFailure>,
    /// The passed photo, now in the draft box.
    pub draft: Option<DraftView>,
    /// Passed, but the box was full (cannot happen through the flow; kept for honesty).
    pub not_saved_box_full: bool,
    /// When the next shot opens (failed check); `None` when it is open now or a lock applies.
    pub cooldown_until: Option<DateTime<Utc>>,
    /// The lock this failure placed or that is in force.
    pub lock: Option<LockView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockView {
    pub kind: LockKind,
    /// `None`: until a teacher unlocks.
    pub until: Option<DateTime<Utc>>,
}

/// A draft as the box shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftView {
    pub id: DraftId,
    pub saved_at: DateTime<Utc>,
    /// The standard photo's file (absolute), for the thumbnail; see
    /// [`crate::flow::Flow::draft_photo`] to read it.
    pub photo: Option<PathBuf>,
    /// The student may delete it now ...
    pub deletable_now: bool,
    /// ... or from this time on (`draft_delete_after_hours` after saving).
    pub deletable_from: DateTime<Utc>,
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoxView {
    /// Unconfirmed drafts, oldest first.
    pub drafts: Vec<DraftView>,
    pub capacity: u32,
    pub full: bool,
    /// Whether "shoot again" is open.
    pub gate: Gate,
}

/// How the student was identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identification {
    /// Their capture code (camera QR or USB scanner), resolved by the scan module.
    Code,
    /// A teacher looked them up by number or name. `override_rules` lets a student in who is
    /// outside the capture window or marked not eligible; it is written to the audit log.
    Teacher {
        operator: String,
        override_rules: bool,
    },
}

/// The outcome of making the standard photo and checking it, from the station.
#[derive(Debug, Clone, PartialEq)]
pub struct MadePhoto {
    pub report: CheckReport,
    /// The full-resolution capture as JPEG (always kept, SPEC §5).
    pub original_jpeg: Vec<u8>,
    /// The standard photo; `None` when making failed.
    pub photo_jpeg: Option<Vec<u8>>,
    /// Why making failed (no personal data), when it did.
    pub make_error: Option<MakeFailure>,
}

/// Something that happened at the station.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A student was identified (Welcome).
    Identify {
        student: StudentId,
        by: Identification,
    },
    /// The number typed on the keypad (Phone).
    Phone(String),
    /// The notice / precautions were scrolled to their end (Notice / Precautions).
    ReadToEnd,
    /// The notification choice (Notifications).
    Notifications { status: bool, fee: bool },
    /// The guide played to its end (Guide).
    GuidePlayed,
    /// Forward: Status (retake), Notice, Precautions, Notifications, Guide, Result, Fee, Done.
    Next,
    /// Start countdown and burst (Framing, or DraftBox / Result to shoot again).
    Shoot,
    /// The burst is taken (Shoot).
    Captured,
    /// The camera failed during the shot (Shoot): back to Framing, nothing counted.
    CaptureFailed,
    /// Discard the shot or leave the box, back to Framing (Preview, Result, DraftBox).
    Retake,
    /// Make the photo and check it (Preview).
    MakePhoto,
    /// Make + check finished (Making).
    Made(Box<MadePhoto>),
    /// Open the draft box (Framing, Result).
    OpenDraftBox,
    /// The student deletes a draft (DraftBox).
    DeleteDraft(DraftId),
    /// Pick a draft to confirm (DraftBox).
    Choose(DraftId),
    /// Back to the box without confirming (Confirm).
    Back,
    /// Confirm the chosen draft (Confirm).
    Confirm,
    /// The student leaves (any student step but Making): back to Welcome, nothing kept.
    Quit,
    /// Any touch, key or scroll on a student screen: restarts the idle timeout, changes nothing
    /// else.
    Activity,
}

/// What the flow asks the station to do after an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run the countdown, capture at full resolution, take the burst; then send
    /// [`Event::Captured`] (or [`Event::CaptureFailed`]).
    Capture {
        countdown_seconds: u32,
        burst_frames: u32,
        burst_interval_ms: u32,
    },
    /// Make the standard photo from the held capture and run the checks; then send
    /// [`Event::Made`].
    MakeAndCheck,
    /// Drop the held capture and burst.
    DiscardCapture,
    /// The student is gone: clear every view buffer (keypad, images) that could hold their data.
    ForgetStudent,
}

/// Why an event was not taken. The GUI shows it (in Chinese and English) and changes nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("this action is not available on the {step:?} screen")]
    NotOnThisScreen { step: Step },
    #[error("read or watch everything on this screen first")]
    NotYet,
    #[error("enter an 11-digit mobile number starting with 13-19")]
    InvalidPhone,
    #[error("this student is not on the roster")]
    UnknownStudent,
    #[error("this student belongs to another session; ask the teacher")]
    OtherSession,
    #[error("this session is closed; ask the teacher")]
    SessionClosed,
    #[error("the roster marks this student as not eligible; ask the teacher")]
    NotEligible,
    #[error("photos are taken from {start} to {end}; ask the teacher")]
    OutsideCaptureWindow { start: NaiveDate, end: NaiveDate },
    #[error("the next shot opens at {until}")]
    CoolingDown { until: DateTime<Utc> },
    #[error("locked ({kind:?}); ask the teacher")]
    Locked {
        kind: LockKind,
        until: Option<DateTime<Utc>>,
    },
    #[error("the draft box is full ({capacity}); confirm a photo or ask the teacher to delete one")]
    DraftBoxFull { capacity: u32 },
    #[error("there is no such draft")]
    NoSuchDraft,
    #[error("this draft can be deleted from {from}; ask the teacher to delete it now")]
    DraftNotDeletableYet { from: DateTime<Utc> },
    #[error("the confirmed photo cannot be deleted; ask the teacher to allow a retake")]
    DraftConfirmed,
    #[error("this student already confirmed a photo")]
    AlreadyConfirmed,
    #[error("this student has not confirmed a photo")]
    NotConfirmed,
    #[error("this student is not locked")]
    NotLocked,
}

/// The teacher board's reading of one student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Progress {
    NotStarted,
    InProgress,
    Drafted,
    Confirmed,
    Locked,
}

/// One row of the progress board (teacher mode: unmasked).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRow {
    pub student: StudentId,
    pub student_no: String,
    pub name: String,
    pub progress: Progress,
    pub attempts: u32,
    pub drafts: u32,
    pub lock: Option<LockView>,
    /// The checks that placed the lock in force (the teacher sees why a student is locked).
    pub lock_cause: Vec<crate::check::CheckId>,
    pub fee: FeeState,
    pub retake_allowed: bool,
    pub retake_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgressCounts {
    pub not_started: u32,
    pub in_progress: u32,
    pub drafted: u32,
    pub confirmed: u32,
    pub locked: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgressBoard {
    pub rows: Vec<ProgressRow>,
    pub counts: ProgressCounts,
}
