//! The root of the window: holds the station's parts (camera, scanner, store, photo lab), the
//! current student's journey, and routes to one screen module per [`Page`].
//!
//! `logic` polls workers and timers without drawing; `ui` draws the page. Nothing here blocks on
//! the camera, the checks or the disk for longer than one small SQLite write.

use super::i18n::{Lang, T, tr};
use super::lab::{LabJob, LabPoll, PhotoLab};
use super::walk::{Lock, Walk};
use super::{clock::Clock, screens, theme};
use crate::camera::{CameraStatus, CameraWorker, Frame};
use crate::config::Config;
use crate::scan::{MatchError, Matcher, ScanWorker, WedgeAccumulator, WedgeInput};
use crate::store::{NewAudit, SessionId, Store};
use eframe::egui;
use image::RgbImage;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// Every screen of the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Welcome,
    NoCamera,
    Phone,
    Notice,
    Precautions,
    Notifications,
    Guide,
    Framing,
    Countdown,
    Preview,
    Checking,
    Drafts,
    Confirm,
    Fee,
    Done,
    Locked,
    Pin,
    Teacher,
}

impl Page {
    /// Pages a student sees (the idle timeout applies there).
    pub fn is_student(self) -> bool {
        !matches!(
            self,
            Page::Welcome | Page::NoCamera | Page::Pin | Page::Teacher
        )
    }

    pub const ALL: [Page; 18] = [
        Page::Welcome,
        Page::NoCamera,
        Page::Phone,
        Page::Notice,
        Page::Precautions,
        Page::Notifications,
        Page::Guide,
        Page::Framing,
        Page::Countdown,
        Page::Preview,
        Page::Checking,
        Page::Drafts,
        Page::Confirm,
        Page::Fee,
        Page::Done,
        Page::Locked,
        Page::Pin,
        Page::Teacher,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Page::Welcome => "welcome",
            Page::NoCamera => "no_camera",
            Page::Phone => "phone",
            Page::Notice => "notice",
            Page::Precautions => "precautions",
            Page::Notifications => "notifications",
            Page::Guide => "guide",
            Page::Framing => "framing",
            Page::Countdown => "countdown",
            Page::Preview => "preview",
            Page::Checking => "checking",
            Page::Drafts => "drafts",
            Page::Confirm => "confirm",
            Page::Fee => "fee",
            Page::Done => "done",
            Page::Locked => "locked",
            Page::Pin => "pin",
            Page::Teacher => "teacher",
        }
    }
}

/// How the app is put together (the window's `run` and the tests build it alike).
pub struct Parts {
    pub config: Config,
    pub camera: Option<CameraWorker>,
    pub store: Option<Store>,
    pub lab: Arc<dyn PhotoLab>,
    pub clock: Clock,
    /// Create a demo session with a demo roster when none is open (`--camera demo`).
    pub demo_session: bool,
}

/// What the PIN prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinPurpose {
    Teacher,
    Leave,
}

/// A captured shot waiting for preview.
pub struct Shot {
    pub capture: Arc<RgbImage>,
    pub burst: Vec<Arc<RgbImage>>,
}

/// Screen-local view state (buffers, flags); the data lives in [`Walk`] and the store.
#[derive(Default)]
pub struct Views {
    pub phone: String,
    pub phone_error: bool,
    pub notice_read: bool,
    pub precautions_read: bool,
    pub no_code_open: bool,
    pub scan_message: Option<(String, String)>,
    pub guide_started: Option<chrono::DateTime<chrono::Utc>>,
    pub countdown_started: Option<chrono::DateTime<chrono::Utc>>,
    pub pin: String,
    pub pin_message: Option<String>,
    pub pin_purpose: Option<PinPurpose>,
    pub teacher: screens::teacher::TeacherView,
    pub lab_progress: f32,
    pub lab_error: Option<String>,
}

pub struct KioskApp {
    pub config: Config,
    pub lang: Lang,
    pub page: Page,
    pub clock: Clock,
    pub camera: Option<CameraWorker>,
    pub scan: Option<ScanWorker>,
    pub store: Option<Store>,
    pub session: Option<SessionId>,
    pub matcher: Option<Matcher>,
    pub wedge: WedgeAccumulator,
    pub lab: Arc<dyn PhotoLab>,
    pub walk: Option<Walk>,
    pub views: Views,
    pub shot: Option<Shot>,
    pub capture_job: Option<Receiver<Option<Shot>>>,
    pub lab_job: Option<LabJob>,
    pub live: Option<(u64, egui::TextureHandle)>,
    pub textures: std::collections::HashMap<String, egui::TextureHandle>,
    pub last_input: chrono::DateTime<chrono::Utc>,
    pub allow_close: bool,
    pub status: Option<String>,
}

impl KioskApp {
    pub fn new(ctx: &egui::Context, parts: Parts) -> KioskApp {
        super::fonts::install(ctx);
        theme::install(ctx);
        let Parts {
            config,
            camera,
            mut store,
            lab,
            clock,
            demo_session,
        } = parts;
        let now = clock.now();
        let mut status = None;
        let mut session = store
            .as_ref()
            .and_then(|s| s.sessions().ok())
            .and_then(|all| all.into_iter().find(|s| s.is_open()))
            .map(|s| s.id);
        if session.is_none()
            && demo_session
            && let Some(store) = store.as_mut()
        {
            match super::demo::open_demo_session(store, &config, now) {
                Ok(id) => session = Some(id),
                Err(e) => status = Some(format!("demo session: {e}")),
            }
        }
        let matcher = Matcher::new(&config.scan, &config.school).ok();
        let scan = camera.as_ref().map(|c| ScanWorker::start(c.handle()));
        let page = match camera.as_ref().map(|c| c.status()) {
            Some(CameraStatus::NoCamera) | None => Page::NoCamera,
            _ => Page::Welcome,
        };
        KioskApp {
            lang: config.station.language.into(),
            wedge: WedgeAccumulator::new(
                Duration::from_millis(u64::from(config.scan.wedge_max_key_gap_ms)),
                config.scan.wedge_min_len as usize,
            ),
            config,
            page,
            clock,
            camera,
            scan,
            store,
            session,
            matcher,
            lab,
            walk: None,
            views: Views::default(),
            shot: None,
            capture_job: None,
            lab_job: None,
            live: None,
            textures: Default::default(),
            last_input: now,
            allow_close: false,
            status,
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Goes to `page`, resetting the view state that belongs to a fresh visit.
    pub fn go(&mut self, page: Page) {
        match page {
            Page::Guide => self.views.guide_started = Some(self.now()),
            Page::Countdown => self.views.countdown_started = Some(self.now()),
            Page::Pin => {
                self.views.pin.clear();
                self.views.pin_message = None;
            }
            _ => {}
        }
        if let Some(scan) = &self.scan {
            scan.set_active(page == Page::Welcome);
        }
        self.page = page;
    }

    /// Back to the welcome screen with nothing personal left in memory or on screen.
    pub fn reset_student(&mut self) {
        self.walk = None;
        self.shot = None;
        self.capture_job = None;
        self.lab_job = None;
        let teacher = std::mem::take(&mut self.views.teacher);
        self.views = Views {
            teacher,
            ..Views::default()
        };
        self.lang = self.config.station.language.into();
        self.textures.retain(|k, _| !k.starts_with("student/"));
        self.go(Page::Welcome);
    }

    pub fn open_pin(&mut self, purpose: PinPurpose) {
        self.views.pin_purpose = Some(purpose);
        self.go(Page::Pin);
    }

    /// A capture code arrived (camera or USB scanner).
    pub fn code_scanned(&mut self, payload: &[u8]) {
        let now = self.now();
        let (Some(store), Some(session), Some(matcher)) =
            (self.store.as_mut(), self.session, self.matcher.as_ref())
        else {
            self.views.scan_message = Some((
                tr(Lang::Zh, T::NoSession).into(),
                tr(Lang::En, T::NoSession).into(),
            ));
            return;
        };
        match matcher.match_payload(store, session, payload) {
            Ok(m) => {
                let _ = store.audit(
                    &NewAudit::station("scan.matched")
                        .session(session)
                        .student(m.student.id),
                    now,
                );
                self.views.scan_message = None;
                self.walk = Some(Walk::new(m.student));
                self.last_input = now;
                self.go(Page::Phone);
            }
            Err(MatchError::Refused(r)) => {
                // The refusal is audited; a failed audit write must not hide the message.
                let _ = crate::scan::record_refusal(store, session, payload, &r, now);
                self.views.scan_message = Some((r.message_zh().into(), r.message_en().into()));
            }
            Err(e) => {
                self.views.scan_message = Some((format!("数据库错误：{e}"), e.to_string()));
            }
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

    /// The newest camera frame as a texture (uploaded once per frame).
    pub fn live_texture(&mut self, ctx: &egui::Context) -> Option<(egui::TextureHandle, Frame)> {
        let frame = self.camera.as_ref()?.latest()?;
        match &mut self.live {
            Some((seq, tex)) if *seq == frame.seq => return Some((tex.clone(), frame)),
            Some((seq, tex)) => {
                tex.set(
                    egui::ColorImage::from_rgb(
                        [frame.image.width() as usize, frame.image.height() as usize],
                        frame.image.as_raw(),
                    ),
                    egui::TextureOptions::LINEAR,
                );
                *seq = frame.seq;
                return Some((tex.clone(), frame));
            }
            None => {}
        }
        let tex = ctx.load_texture(
            "live",
            egui::ColorImage::from_rgb(
                [frame.image.width() as usize, frame.image.height() as usize],
                frame.image.as_raw(),
            ),
            egui::TextureOptions::LINEAR,
        );
        self.live = Some((frame.seq, tex.clone()));
        Some((tex, frame))
    }

    /// Starts the shot: the newest frame at full resolution plus the liveness burst, on a thread.
    pub fn start_capture(&mut self) {
        let Some(camera) = self.camera.as_ref().map(|c| c.handle()) else {
            return;
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let count = self.config.flow.burst_frames;
        let interval = Duration::from_millis(u64::from(self.config.flow.burst_interval_ms));
        let stall = Duration::from_millis(u64::from(self.config.camera.stall_timeout_ms));
        std::thread::spawn(move || {
            let shot = camera.latest().and_then(|first| {
                let burst = crate::camera::burst(&camera, count, interval, stall).ok()?;
                Some(Shot {
                    capture: first.image,
                    burst: burst.into_iter().map(|f| f.image).collect(),
                })
            });
            let _ = tx.send(shot);
        });
        self.capture_job = Some(rx);
    }

    pub fn start_lab(&mut self) {
        if let Some(shot) = &self.shot {
            self.views.lab_progress = 0.0;
            self.views.lab_error = None;
            self.lab_job = Some(LabJob::spawn(
                self.lab.clone(),
                shot.capture.clone(),
                shot.burst.clone(),
            ));
            self.go(Page::Checking);
        }
    }

    fn poll_workers(&mut self, ctx: &egui::Context) {
        let now = self.now();
        // Camera present or not.
        if let Some(cam) = &self.camera {
            let st = cam.status();
            match (self.page, st) {
                (Page::Welcome, CameraStatus::NoCamera) => self.go(Page::NoCamera),
                (Page::NoCamera, CameraStatus::Live) => self.go(Page::Welcome),
                _ => {}
            }
        }
        // Codes from the camera.
        if self.page == Page::Welcome {
            let ev = self.scan.as_ref().and_then(|s| s.poll());
            if let Some(ev) = ev {
                self.code_scanned(&ev.payload);
            }
        }
        // The shot.
        if let Some(rx) = &self.capture_job
            && let Ok(shot) = rx.try_recv()
        {
            self.capture_job = None;
            match shot {
                Some(shot) => {
                    self.textures.remove("student/shot");
                    self.shot = Some(shot);
                    self.go(Page::Preview);
                }
                None => self.go(Page::Framing),
            }
        }
        // Make + check.
        if let Some(job) = &self.lab_job {
            match job.poll() {
                LabPoll::Running(p) => self.views.lab_progress = p,
                LabPoll::Done(r) => {
                    self.lab_job = None;
                    self.views.lab_progress = 1.0;
                    match r {
                        Ok(out) => {
                            if let Some(w) = self.walk.as_mut() {
                                w.checked(out, &self.config.flow, now);
                            }
                        }
                        Err(e) => self.views.lab_error = Some(e.to_string()),
                    }
                }
            }
        }
        // Idle: nothing personal stays on screen.
        let had_input = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::PointerButton { .. }
                        | egui::Event::Key { .. }
                        | egui::Event::Text(_)
                )
            })
        });
        if had_input {
            self.last_input = now;
        }
        let idle = (now - self.last_input).num_seconds();
        if self.page.is_student()
            && self.lab_job.is_none()
            && idle >= i64::from(self.config.flow.idle_timeout_seconds)
        {
            self.reset_student();
        }
        // A locked student sees the lock screen.
        if let Some(w) = &self.walk
            && w.locked(now).is_some()
            && matches!(self.page, Page::Framing | Page::Drafts)
        {
            self.go(Page::Locked);
        }
    }

    fn wedge_input(&mut self, ctx: &egui::Context) {
        if self.page != Page::Welcome {
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
            if self.page != Page::Pin {
                self.open_pin(PinPurpose::Leave);
            }
        }
        self.wedge_input(ctx);
        self.poll_workers(ctx);
        // Live pictures and countdowns need frames even without input.
        ctx.request_repaint_after(Duration::from_millis(33));
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default()
            .frame(egui::Frame::central_panel(ui.style()).inner_margin(24.0))
            .show(ui, |ui| screens::show(self, ui));
    }
}

/// Text of `t` in the app's current language.
pub fn t(app: &KioskApp, t: T) -> &'static str {
    tr(app.lang, t)
}

/// The lock a student is under, for the lock screen.
pub fn lock_of(app: &KioskApp) -> Option<Lock> {
    app.walk.as_ref().and_then(|w| w.locked(app.now()))
}
