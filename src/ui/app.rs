//! The root of the window: holds the station's parts (camera, scanner, the flow over the store,
//! the photo lab) and routes to one screen module per page. The student pages are whatever
//! [`Flow::screen`] says; the window adds only its own pages (no camera, PIN, teacher mode).
//!
//! `logic` polls workers and timers without drawing; `ui` draws. The GUI thread never waits on
//! the camera or the checks (threads), and writes to SQLite only through one small transaction
//! per action.

use super::i18n::{Lang, T, tr};
use super::{screens, theme};
use crate::camera::{CameraError, CameraStatus, CameraWorker, Frame};
use crate::config::Config;
use crate::flow::{Effect, Event, Flow, FlowError, Identification, Screen, SessionId, Step};
use crate::lab::{LabJob, LabPoll, PhotoLab};
use crate::scan::{MatchError, Matcher, ScanWorker, WedgeAccumulator, WedgeInput};
use crate::store::Store;
use eframe::egui;
use image::RgbImage;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// A page of the window: a student step (from the flow) or one of the window's own pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Student(Step),
    NoCamera,
    Pin,
    Teacher,
}

impl Page {
    pub fn slug(self) -> String {
        match self {
            Page::Student(s) => format!("{s:?}").to_lowercase(),
            Page::NoCamera => "no_camera".into(),
            Page::Pin => "pin".into(),
            Page::Teacher => "teacher".into(),
        }
    }
}

/// The window's own pages, shown over the student flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Pin(PinPurpose),
    Teacher,
}

/// How the app is put together (the window's `run` and the tests build it alike).
pub struct Parts {
    pub config: Config,
    pub camera: Option<CameraWorker>,
    pub flow: Flow,
    /// A second connection to the station database for what is not the student flow: opening a
    /// session, importing a roster, audit lines of refused scans, the PIN lockout.
    pub admin: Store,
    pub lab: Arc<dyn PhotoLab>,
    /// Create a demo session with a demo roster when none is open (`--camera demo`).
    pub demo_session: bool,
    /// The demo camera's scene, set from the screen the student is on (`--camera demo`).
    pub demo_camera: Option<crate::camera::DemoDirector>,
}

/// What the PIN prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinPurpose {
    Teacher,
    Leave,
}

/// A captured shot: the full-resolution picture and the liveness burst.
pub struct Shot {
    pub capture: Arc<RgbImage>,
    pub burst: Vec<Arc<RgbImage>>,
}

/// Screen-local view state (buffers, flags); the data lives in the flow and the store.
#[derive(Default)]
pub struct Views {
    pub phone: String,
    pub no_code_open: bool,
    /// Why the last scan was refused by the scanner's matching (zh, en).
    pub scan_message: Option<(String, String)>,
    pub notify: Option<(bool, bool)>,
    pub guide_started: Option<chrono::DateTime<chrono::Utc>>,
    pub countdown_started: Option<chrono::DateTime<chrono::Utc>>,
    pub pin: String,
    pub pin_message: Option<String>,
    pub lab_progress: f32,
    /// Why the last shot got no picture (the framing screen says so; the flow is back there).
    pub shot_failed: Option<String>,
    /// A store or file error to show (not a refusal: those come from the flow).
    pub error: Option<String>,
}

pub struct KioskApp {
    pub config: Config,
    pub lang: Lang,
    pub overlay: Option<Overlay>,
    pub camera: Option<CameraWorker>,
    pub scan: Option<ScanWorker>,
    pub flow: Flow,
    pub admin: Store,
    pub matcher: Option<Matcher>,
    pub wedge: WedgeAccumulator,
    pub lab: Arc<dyn PhotoLab>,
    pub views: Views,
    pub teacher: screens::teacher::TeacherView,
    pub shot: Option<Shot>,
    pub capture_job: Option<Receiver<Result<Shot, CameraError>>>,
    pub lab_job: Option<LabJob>,
    pub live: Option<(u64, egui::TextureHandle)>,
    pub textures: std::collections::HashMap<String, egui::TextureHandle>,
    pub allow_close: bool,
    /// Started with the demo camera (a demo session with a demo roster was opened if none was).
    pub demo: bool,
    /// Tells the demo camera what to show; `None` with a real camera.
    pub demo_camera: Option<crate::camera::DemoDirector>,
    /// The demo's teacher PIN is in force (demo mode, no PIN configured): the PIN screen says it.
    pub demo_pin: bool,
    /// The live check of the framing screen; started the first time framing shows.
    pub live_check: Option<crate::live::LiveWorker>,
    /// The live list as shown: steady verdicts over the last results, and since when all held.
    pub steady: crate::live::Steady,
    /// The last live result taken into `steady` (each is taken once).
    pub live_seen: u64,
    /// The live rule each student of this run kept failing on the framing screen, for the
    /// teacher's board. Memory only: a check id per student, gone when the station stops.
    pub keeps_failing: std::collections::HashMap<crate::flow::StudentId, crate::live::Rule>,
    /// The capture code of the student who just left, and when: the phone still held up is not
    /// read again at once (the welcome screen would bounce straight back into their session).
    pub left: Option<(Vec<u8>, std::time::Instant)>,
    /// The payload of the code that identified the current student.
    pub identified_by: Option<Vec<u8>>,
    /// Frames left in which to stretch the window over the whole monitor (kiosk mode); see
    /// [`KioskApp::fill_monitor`].
    pub fill_screen_frames: u32,
}

impl KioskApp {
    pub fn new(ctx: &egui::Context, parts: Parts) -> KioskApp {
        super::fonts::install(ctx);
        theme::install(ctx);
        let Parts {
            config,
            camera,
            mut flow,
            mut admin,
            lab,
            demo_session,
            demo_camera,
        } = parts;
        let mut config = config;
        // A demo station with no PIN set gets the demo PIN, in memory only, so the teacher and
        // export steps can be shown; a configured PIN always stands.
        let demo_pin = demo_session && config.teacher.pin_hash.is_empty();
        if demo_pin {
            match crate::pin::hash_pin(super::demo::DEMO_PIN) {
                Ok(hash) => config.teacher.pin_hash = hash,
                Err(e) => log::warn!("demo PIN: {e}"),
            }
        }
        let now = flow.now();
        let mut error = None;
        let mut session = admin
            .sessions()
            .ok()
            .and_then(|all| all.into_iter().find(|s| s.is_open()))
            .map(|s| s.id);
        if session.is_none() && demo_session {
            match super::demo::open_demo_session(&mut admin, &config, now) {
                Ok(id) => session = Some(id),
                Err(e) => error = Some(e.to_string()),
            }
        }
        flow.set_session(session);
        // The window that ran before this one may have ended with a student mid-journey (a
        // crash, a kill, a power cut): they continue where they were (`flow::resume`).
        match flow.resume() {
            Ok(Some(back)) => log::warn!(
                "window restarted with a student at the station: back at {:?}",
                back.part
            ),
            Ok(None) => {}
            Err(e) => log::warn!("cannot resume the student at the station: {e}"),
        }
        let matcher = Matcher::new(&config.scan, &config.school).ok();
        let scan = camera.as_ref().map(|c| ScanWorker::start(c.handle()));
        let steady = crate::live::Steady::new(config.live.steady_results as usize);
        KioskApp {
            lang: config.station.language.into(),
            wedge: WedgeAccumulator::new(
                Duration::from_millis(u64::from(config.scan.wedge_max_key_gap_ms)),
                config.scan.wedge_min_len as usize,
            ),
            config,
            overlay: None,
            camera,
            scan,
            flow,
            admin,
            matcher,
            lab,
            views: Views {
                error,
                ..Views::default()
            },
            teacher: Default::default(),
            shot: None,
            capture_job: None,
            lab_job: None,
            live: None,
            textures: Default::default(),
            allow_close: false,
            demo: demo_session,
            demo_camera,
            demo_pin,
            steady,
            live_check: None,
            live_seen: 0,
            keeps_failing: Default::default(),
            left: None,
            identified_by: None,
            fill_screen_frames: 0,
        }
    }

    /// The page drawn now.
    pub fn page(&self) -> Page {
        match self.overlay {
            Some(Overlay::Pin(_)) => Page::Pin,
            Some(Overlay::Teacher) => Page::Teacher,
            None if self.flow.step() == Step::Welcome && self.camera_missing() => Page::NoCamera,
            None => Page::Student(self.flow.step()),
        }
    }

    /// Whether pictures arrive now. The shoot buttons wait for it: while the camera opens or
    /// reconnects the live picture says so, and a shot could only fail.
    pub fn camera_live(&self) -> bool {
        self.camera
            .as_ref()
            .is_some_and(|c| c.status() == CameraStatus::Live)
    }

    pub fn camera_missing(&self) -> bool {
        match &self.camera {
            None => true,
            Some(c) => c.status() == CameraStatus::NoCamera,
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.flow.now()
    }

    pub fn session(&self) -> Option<SessionId> {
        self.flow.session()
    }

    /// Sends an event to the flow and carries out the effects it asks for. A refusal is kept by
    /// the flow (`last_refusal`) and shown by the screen; other errors are shown as they are.
    pub fn send(&mut self, event: Event) {
        match self.flow.handle(event) {
            Ok(effects) => {
                self.views.error = None;
                self.apply(effects);
            }
            Err(FlowError::Refused(_)) => {}
            Err(e) => self.views.error = Some(e.to_string()),
        }
    }

    pub fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Capture { .. } => {
                    self.views.countdown_started = Some(self.now());
                    self.capture_job = None;
                }
                Effect::MakeAndCheck => self.start_lab(),
                Effect::DiscardCapture => {
                    self.shot = None;
                    self.textures.remove("student/shot");
                }
                Effect::ForgetStudent => self.forget_student(),
            }
        }
    }

    /// Nothing personal stays in memory or on screen.
    fn forget_student(&mut self) {
        self.shot = None;
        self.capture_job = None;
        self.lab_job = None;
        self.views = Views::default();
        self.lang = self.config.station.language.into();
        self.textures.retain(|k, _| !k.starts_with("student/"));
        self.clear_live();
        // Only the code is kept (no name, no number), and only for a few seconds.
        self.left = self
            .identified_by
            .take()
            .map(|code| (code, std::time::Instant::now()));
    }

    /// How long the code of a student who just left is not read again.
    const REREAD_PAUSE: Duration = Duration::from_secs(8);

    /// The live check on the newest frame: offers it to the checking thread (started here on
    /// first use, never waited on) and takes a new result into the steady list. Returns whether
    /// a current result exists; the screen draws [`KioskApp::steady`].
    pub fn live_check(&mut self) -> bool {
        let Some(frame) = self.camera.as_ref().and_then(|c| c.latest()) else {
            self.steady.clear();
            return false;
        };
        let live = &self.config.live;
        let worker = self.live_check.get_or_insert_with(|| {
            crate::live::LiveWorker::start(
                self.config.checks.clone(),
                self.config.photo.clone(),
                Duration::from_millis(u64::from(live.interval_ms)),
            )
        });
        worker.offer(&frame.image);
        match worker.latest() {
            // A stale list would tick a student who has left the picture: start again.
            None => {
                self.steady.clear();
                false
            }
            Some(r) => {
                if r.seq != self.live_seen {
                    self.live_seen = r.seq;
                    let now = self.now();
                    self.steady.push(&r.checks, now);
                    self.note_keeps_failing();
                }
                true
            }
        }
    }

    /// Every rule has held long enough for the shutter to say "ready".
    pub fn live_ready(&self) -> bool {
        let hold = chrono::Duration::milliseconds(i64::from(self.config.live.ready_after_ms));
        self.steady.ready(self.now(), hold)
    }

    /// Forgets the live list (a new student, or framing left: the shutter pressed among others).
    /// The picture the live check is judging skips its hair model, so the shot's check does not
    /// share the cores with it for long.
    pub fn clear_live(&mut self) {
        self.steady.clear();
        if let Some(w) = &self.live_check {
            w.hold();
            w.clear();
        }
    }

    /// Results a check must have been shown failing in before the board says the student keeps
    /// failing it: about 3 s of the live check, more than a moment of settling into the chair.
    const KEEPS_FAILING_RESULTS: u32 = 12;

    fn note_keeps_failing(&mut self) {
        let Some(student) = self.flow.student().map(|s| s.id) else {
            return;
        };
        if let Some((id, n)) = self.steady.most_failed()
            && n >= Self::KEEPS_FAILING_RESULTS
            && let Some(rule) = crate::live::rule_of(id)
        {
            self.keeps_failing.insert(student, rule);
        }
    }

    /// The refusal of the last event, in the screen's language.
    pub fn refusal_text(&self) -> Option<String> {
        self.flow
            .last_refusal()
            .map(|r| super::i18n::refusal(self.lang, r))
    }

    pub fn open_pin(&mut self, purpose: PinPurpose) {
        self.views.pin.clear();
        self.views.pin_message = None;
        self.overlay = Some(Overlay::Pin(purpose));
    }

    /// A capture code arrived (camera or USB scanner).
    pub fn code_scanned(&mut self, payload: &[u8]) {
        let now = self.now();
        let (Some(session), Some(matcher)) = (self.session(), self.matcher.as_ref()) else {
            self.views.scan_message = Some((
                tr(Lang::Zh, T::NoSession).into(),
                tr(Lang::En, T::NoSession).into(),
            ));
            return;
        };
        match matcher.match_payload(&self.admin, session, payload) {
            Ok(m) => {
                self.views.scan_message = None;
                self.identified_by = Some(payload.to_vec());
                self.send(Event::Identify {
                    student: m.student.id,
                    by: Identification::Code,
                });
            }
            Err(MatchError::Refused(r)) => {
                // A failed audit write must not hide the message from the student.
                let _ = crate::scan::record_refusal(&mut self.admin, session, payload, &r, now);
                self.views.scan_message = Some((r.message_zh().into(), r.message_en().into()));
            }
            Err(e) => self.views.error = Some(e.to_string()),
        }
    }

    /// Uploads an image as a texture under `key` (replacing what was there) and returns it.
    pub fn texture(
        &mut self,
        ctx: &egui::Context,
        key: &str,
        img: &RgbImage,
    ) -> egui::TextureHandle {
        let color =
            egui::ColorImage::from_rgb([img.width() as usize, img.height() as usize], img.as_raw());
        let tex = ctx.load_texture(key, color, egui::TextureOptions::LINEAR);
        self.textures.insert(key.to_string(), tex.clone());
        tex
    }

    /// A draft's photo as a texture, read once from its file.
    pub fn draft_texture(
        &mut self,
        ctx: &egui::Context,
        draft: &crate::flow::DraftView,
    ) -> Option<egui::TextureHandle> {
        let key = format!("student/draft{}", draft.id.0);
        if let Some(t) = self.textures.get(&key) {
            return Some(t.clone());
        }
        let bytes = self.flow.draft_photo(draft).ok()?;
        let name = std::path::Path::new("draft photo");
        let img = crate::imageio::decode_rgb(&bytes, name, self.config.station.image_limits())
            .map_err(|e| log::warn!("{e}"))
            .ok()?;
        Some(self.texture(ctx, &key, &img))
    }

    /// The newest camera frame as a texture (uploaded once per frame).
    pub fn live_texture(&mut self, ctx: &egui::Context) -> Option<(egui::TextureHandle, Frame)> {
        let frame = self.camera.as_ref()?.latest()?;
        let color = |f: &Frame| {
            egui::ColorImage::from_rgb(
                [f.image.width() as usize, f.image.height() as usize],
                f.image.as_raw(),
            )
        };
        if let Some((seq, tex)) = &mut self.live {
            if *seq != frame.seq {
                tex.set(color(&frame), egui::TextureOptions::LINEAR);
                *seq = frame.seq;
            }
            return Some((tex.clone(), frame));
        }
        let tex = ctx.load_texture("live", color(&frame), egui::TextureOptions::LINEAR);
        self.live = Some((frame.seq, tex.clone()));
        Some((tex, frame))
    }

    /// Takes the shot: the newest frame at full resolution plus the liveness burst of `count`
    /// frames `interval_ms` apart (the flow's Shoot screen says how many), on a thread. A camera
    /// that has not delivered its first picture yet (just reconnected) is waited for, as long as
    /// the stall bound allows, rather than failing the shot at once.
    pub fn start_capture(&mut self, count: u32, interval_ms: u32) {
        self.views.shot_failed = None;
        let Some(camera) = self.camera.as_ref().map(|c| c.handle()) else {
            self.shot_failed(&CameraError::NotFound);
            return;
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let interval = Duration::from_millis(u64::from(interval_ms));
        let stall = Duration::from_millis(u64::from(self.config.camera.stall_timeout_ms));
        std::thread::spawn(move || {
            let shot = crate::isolate::catch("shot", || {
                camera
                    .wait_newer(0, stall)
                    .ok_or_else(|| {
                        CameraError::Disconnected(format!(
                            "no picture within {} ms",
                            stall.as_millis()
                        ))
                    })
                    .and_then(|first| {
                        let burst = crate::camera::burst(&camera, count, interval, stall)?;
                        Ok(Shot {
                            capture: first.image,
                            burst: burst.into_iter().map(|f| f.image).collect(),
                        })
                    })
            })
            .unwrap_or_else(|p| Err(CameraError::Disconnected(p.to_string())));
            // The receiver is gone when the student left meanwhile.
            let _ = tx.send(shot);
        });
        self.capture_job = Some(rx);
    }

    /// The shot got no picture: back to framing, which says so.
    fn shot_failed(&mut self, why: &CameraError) {
        log::warn!("shot failed: {why}");
        self.views.shot_failed = Some(why.to_string());
        self.send(Event::CaptureFailed);
    }

    fn start_lab(&mut self) {
        match &self.shot {
            Some(shot) => {
                self.views.lab_progress = 0.0;
                self.lab_job = Some(LabJob::spawn(
                    self.lab.clone(),
                    shot.capture.clone(),
                    shot.burst.clone(),
                ));
            }
            None => self.send(Event::Made(Box::new(crate::flow::MadePhoto {
                report: Default::default(),
                original_jpeg: Vec::new(),
                photo_jpeg: None,
                make_error: Some(crate::photo::MakeFailure::other(
                    "no shot held; take the photo again",
                )),
            }))),
        }
    }

    fn poll_workers(&mut self, ctx: &egui::Context) {
        if self.flow.step() == Step::Welcome && self.overlay.is_none() {
            let ev = self.scan.as_ref().and_then(|s| s.poll());
            // The camera only: a code typed by the USB scanner is always a deliberate scan.
            let just_left = |p: &[u8]| {
                self.left
                    .as_ref()
                    .is_some_and(|(code, at)| at.elapsed() < Self::REREAD_PAUSE && code == p)
            };
            if let Some(ev) = ev
                && !just_left(&ev.payload)
            {
                self.code_scanned(&ev.payload);
            }
        }
        if let Some(scan) = &self.scan {
            scan.set_active(self.flow.step() == Step::Welcome);
        }
        let shot = self.capture_job.as_ref().map(|rx| rx.try_recv());
        match shot {
            None | Some(Err(std::sync::mpsc::TryRecvError::Empty)) => {}
            Some(Ok(shot)) => {
                self.capture_job = None;
                match shot {
                    Ok(shot) => {
                        self.textures.remove("student/shot");
                        self.shot = Some(shot);
                        self.send(Event::Captured);
                    }
                    Err(why) => self.shot_failed(&why),
                }
            }
            // The shot's thread died without an answer: the student was left on a frozen
            // countdown. Back to framing, which says no photo was taken.
            Some(Err(std::sync::mpsc::TryRecvError::Disconnected)) => {
                self.capture_job = None;
                self.shot_failed(&CameraError::Disconnected(
                    "the shot's thread stopped unexpectedly".into(),
                ));
            }
        }
        if let Some(job) = &self.lab_job {
            match job.poll() {
                LabPoll::Running(p) => self.views.lab_progress = p,
                LabPoll::Done(r) => {
                    self.lab_job = None;
                    // The flow drops the shot once it is recorded; the result screen still shows
                    // it beside the failed checks (a texture only, gone when the student leaves).
                    if let Some(tex) = self.textures.get("student/shot").cloned() {
                        self.textures.insert("student/checked".into(), tex);
                    }
                    let made = match r {
                        Ok(out) => crate::flow::MadePhoto {
                            report: out.report,
                            original_jpeg: out.original_jpeg,
                            photo_jpeg: out.photo_jpeg,
                            make_error: out.make_error,
                        },
                        Err(e) => crate::flow::MadePhoto {
                            report: Default::default(),
                            original_jpeg: Vec::new(),
                            photo_jpeg: None,
                            make_error: Some(e.to_make_failure()),
                        },
                    };
                    self.send(Event::Made(Box::new(made)));
                }
            }
        }
        // Any touch or key on a student screen restarts the idle timeout.
        let had_input = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::PointerButton { .. }
                        | egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::MouseWheel { .. }
                )
            })
        });
        if had_input && self.overlay.is_none() && self.flow.step().is_student_step() {
            // Activity is refused only off student steps; nothing to show then.
            let _ = self.flow.handle(Event::Activity);
        }
        let effects = self.flow.tick();
        self.apply(effects);
    }

    /// Fullscreen is a request to the window manager; a kiosk started straight on X without one
    /// (or under Xvfb) keeps the 1280×800 window in a corner of a 1920×1080 screen. So for the
    /// first frames the window is also moved to the corner and sized to the monitor, which X
    /// honours with or without a window manager.
    fn fill_monitor(&mut self, ctx: &egui::Context) {
        if self.fill_screen_frames == 0 {
            return;
        }
        self.fill_screen_frames -= 1;
        let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
        if let (Some(m), Some(r)) = (monitor, inner)
            && (r.width() + 1.0 < m.x || r.height() + 1.0 < m.y)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(m));
        }
    }

    /// The demo camera shows what a station's camera would see now (see [`super::demo::scene`]).
    fn direct_demo_camera(&self) {
        if let Some(director) = &self.demo_camera {
            director.set(super::demo::scene(
                self.flow.step(),
                self.identified_by.as_deref(),
                self.left
                    .as_ref()
                    .map(|(code, at)| (code.as_slice(), at.elapsed())),
            ));
        }
    }

    /// When the window must draw again without input (egui repaints on input and its own
    /// animations by itself). Issue 23: repainting every 33 ms on every screen cost 1.7 cores of
    /// software rendering on the phone keypad, which shows nothing that moves.
    fn repaint_after(&self) -> Duration {
        let running = self.capture_job.is_some() || self.lab_job.is_some();
        repaint_after(self.page(), self.camera_fps(), running)
    }

    /// The camera's frame rate, for the screens that show its picture.
    fn camera_fps(&self) -> u32 {
        self.config.camera.fps
    }

    fn wedge_input(&mut self, ctx: &egui::Context) {
        if self.flow.step() != Step::Welcome || self.overlay.is_some() {
            return;
        }
        let at = std::time::Instant::now();
        let mut done = None;
        ctx.input(|i| {
            for e in &i.events {
                match e {
                    egui::Event::Text(t) => t.chars().for_each(|c| self.wedge.push_char(c, at)),
                    egui::Event::Key {
                        key: egui::Key::Enter,
                        pressed: true,
                        ..
                    } => done = self.wedge.push_enter(at),
                    _ => {}
                }
            }
        });
        if let Some(WedgeInput::Scanned(code)) = done {
            self.code_scanned(code.as_bytes());
        }
    }
}

impl eframe::App for KioskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if !matches!(self.overlay, Some(Overlay::Pin(_))) {
                self.open_pin(PinPurpose::Leave);
            }
        }
        self.fill_monitor(ctx);
        fit_to_screen(ctx);
        self.wedge_input(ctx);
        self.poll_workers(ctx);
        self.direct_demo_camera();
        ctx.request_repaint_after(self.repaint_after());
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default()
            .frame(egui::Frame::central_panel(ui.style()).inner_margin(24.0))
            .show(ui, |ui| screens::show(self, ui));
    }
}

/// How soon `page` must be drawn again without input: camera screens at the camera's frame rate
/// (the scan and the live check read frames there too), the countdown and jobs in progress
/// briskly, every other screen once a second for its clocks (idle timeout, cool-down seconds,
/// the guide's animation asks for its own frames while it plays).
pub fn repaint_after(page: Page, camera_fps: u32, job_running: bool) -> Duration {
    let frame = Duration::from_millis(1000 / u64::from(camera_fps.clamp(1, 60)));
    let camera_page = matches!(
        page,
        Page::Student(Step::Welcome | Step::Framing | Step::Shoot)
    );
    if camera_page {
        frame
    } else if job_running || matches!(page, Page::Student(Step::Making)) {
        Duration::from_millis(50)
    } else {
        Duration::from_secs(1)
    }
}

/// The screens are laid out for 800 points of height (1280×800); a taller screen (1920×1080)
/// zooms everything up so text and buttons keep their share of the screen.
fn fit_to_screen(ctx: &egui::Context) {
    let unzoomed = ctx.viewport_rect().height() * ctx.zoom_factor();
    let target = zoom_for(unzoomed);
    if (target - ctx.zoom_factor()).abs() > 0.01 {
        ctx.set_zoom_factor(target);
    }
}

/// The zoom that fits the 800-point layout into a window `height` points tall (after the
/// system's display scaling). Down to 0.75 too: a 1080p screen at 150 % scaling, or a 1366×768
/// laptop at 100 %, is 720–768 points tall, and the bottom bar (Next, Take photo) would fall off
/// the screen at 1.0. Text stays at least three quarters of its size.
pub fn zoom_for(height: f32) -> f32 {
    (height / 800.0).clamp(0.75, 2.5)
}

/// Text of `key` in the app's current language.
pub fn t(app: &KioskApp, key: T) -> &'static str {
    tr(app.lang, key)
}

/// The current screen, cloned so a screen can draw it while sending events.
pub fn screen(app: &KioskApp) -> Screen {
    app.flow.screen().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_zooms_to_fit_scaled_and_small_screens() {
        assert_eq!(zoom_for(800.0), 1.0);
        // 1920×1080 at 100 %: zoomed up.
        assert_eq!(zoom_for(1080.0), 1.35);
        // 1920×1080 at 125 % (864 points): a little up.
        assert_eq!(zoom_for(864.0), 1.08);
        // 1920×1080 at 150 % (720 points) and 1366×768 at 100 %: zoomed down to fit.
        assert_eq!(zoom_for(720.0), 0.9);
        assert_eq!(zoom_for(768.0), 0.96);
        // Never below three quarters, never above 2.5.
        assert_eq!(zoom_for(400.0), 0.75);
        assert_eq!(zoom_for(4000.0), 2.5);
    }

    #[test]
    fn only_camera_screens_repaint_at_the_camera_s_rate() {
        let camera = Duration::from_millis(33);
        for step in [Step::Welcome, Step::Framing, Step::Shoot] {
            assert_eq!(
                repaint_after(Page::Student(step), 30, false),
                camera,
                "{step:?}"
            );
        }
        // The keypad, the reading pages, teacher mode: once a second for their clocks.
        for page in [
            Page::Student(Step::Phone),
            Page::Student(Step::Notice),
            Page::Student(Step::Result),
            Page::Teacher,
            Page::Pin,
            Page::NoCamera,
        ] {
            assert_eq!(
                repaint_after(page, 30, false),
                Duration::from_secs(1),
                "{page:?}"
            );
        }
        // A job in progress is polled briskly wherever it runs.
        assert_eq!(
            repaint_after(Page::Student(Step::Preview), 30, true),
            Duration::from_millis(50)
        );
        assert_eq!(
            repaint_after(Page::Student(Step::Making), 30, false),
            Duration::from_millis(50)
        );
        // A 15 fps camera is not drawn 30 times a second.
        assert_eq!(
            repaint_after(Page::Student(Step::Framing), 15, false),
            Duration::from_millis(66)
        );
    }
}
