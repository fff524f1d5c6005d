//! The kiosk window driven by egui_kittest: the real app over a real SQLite file, a scripted
//! camera showing the demo person, a scripted photo lab, and a hand-set clock. Widgets are found
//! by their labels; asserts are on labels and on the flow's state, not on pixels.
//!
//! `TUCAI_WRITE_SCREENS=1 cargo test --test it gui::screens` also writes every screen in both
//! languages to `docs/screens/` (or `TUCAI_SCREENS_DIR`), at 1280×800 or, with
//! `TUCAI_SCREEN_SIZE=1920`, at 1920×1080.

use chrono::Duration;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::Arc;
use tucai::camera::{CameraWorker, ScriptStep, ScriptedSource};
use tucai::check::{CheckId, CheckReport};
use tucai::config::Config;
use tucai::flow::{Flow, ManualClock, Screen, Step};
use tucai::lab::{PhotoLab, ScriptedLab, all_passed, failing};
use tucai::store::Store;
use tucai::ui::{KioskApp, Overlay, Page, Parts, PinPurpose};

mod live_check;
mod office_window;
mod teacher_tabs;

const PERSON: &[u8] = include_bytes!("../../assets/demo/person.jpg");
const PIN: &str = "2468";
/// Bound for the condition waits: 3000 steps of at least 10 ms, 30 s and more; a wait that is met
/// returns at once. About 10 s was once enough, but under Wine the whole GUI suite runs its
/// kiosks' real live checks and labs side by side on two cores, and three labs' first shots
/// (models loading beside the other tests' live checks) went past it.
const WAIT_STEPS: usize = 3000;

/// Scrolls the one widget labelled `label` into view and clicks it once it has stood still for
/// a few frames: egui_kittest clicks at the centre of the rect of the last frame, so a widget
/// still scrolling (or pushed by something arriving from a worker) would take the click elsewhere.
fn click_when_still<S>(harness: &mut Harness<'static, S>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    // The scroll starts a frame or two after it is asked for.
    let (mut last, mut still) = (None, 0);
    for _ in 0..WAIT_STEPS {
        harness.step();
        let rect = harness.get_by_label(label).rect();
        still = if last == Some(rect) { still + 1 } else { 0 };
        if still == 5 {
            break;
        }
        last = Some(rect);
    }
    harness.get_by_label(label).click();
}
/// How long the camera may deliver nothing before the shot fails and the watchdog reconnects. A
/// real camera gets 2 s; a CI machine running several GUI tests on two cores once starved the
/// scripted camera thread past that, so a shot failed back to Framing. Only the test waits
/// longer: the product's rule is unchanged and tested in `camera_scan`.
const TEST_STALL: std::time::Duration = std::time::Duration::from_secs(15);

struct Kiosk {
    harness: Harness<'static, KioskApp>,
    clock: ManualClock,
    _dir: tempfile::TempDir,
}

fn config() -> Config {
    let mut c = Config::default();
    c.flow.burst_frames = 3;
    c.flow.burst_interval_ms = 10;
    c.teacher.pin_hash = tucai::pin::hash_pin(PIN).unwrap();
    // The wedge tells a scanner from a person by wall-clock key gaps. The scripted scan sends the
    // code and Enter in one frame, so this is only a hedge against a loaded machine; the scan
    // that once stayed on Welcome under load is not explained yet (see `Kiosk::scan`).
    c.scan.wedge_max_key_gap_ms = 1000;
    c.camera.stall_timeout_ms = TEST_STALL.as_millis() as u32;
    c
}

fn person() -> Arc<image::RgbImage> {
    Arc::new(image::load_from_memory(PERSON).unwrap().to_rgb8())
}

fn camera() -> CameraWorker {
    scripted_camera(vec![ScriptStep::Image(person())], TEST_STALL)
}

fn scripted_camera(script: Vec<ScriptStep>, stall: std::time::Duration) -> CameraWorker {
    let source = ScriptedSource::new(
        script,
        // A 30 fps camera: faster only loads the machine the other tests share.
        std::time::Duration::from_millis(33),
    );
    CameraWorker::start(
        Arc::new(move || Box::new(source.clone()) as Box<dyn tucai::camera::FrameSource>),
        stall,
    )
}

fn kiosk_with(reports: Vec<CheckReport>, with_camera: bool, size: (f32, f32)) -> Kiosk {
    kiosk_configured(config(), reports, with_camera.then(camera), size)
}

/// A kiosk on a scripted camera whose watchdog allows `camera_stall` and whose shot waits
/// `shot_stall_ms` for pictures (`[camera] stall_timeout_ms`).
fn kiosk_on_script(
    script: Vec<ScriptStep>,
    camera_stall: std::time::Duration,
    shot_stall_ms: u32,
) -> Kiosk {
    let mut cfg = config();
    cfg.camera.stall_timeout_ms = shot_stall_ms;
    let camera = scripted_camera(script, camera_stall);
    kiosk_configured(cfg, vec![all_passed()], Some(camera), (1280.0, 800.0))
}

fn kiosk_configured(
    config: Config,
    reports: Vec<CheckReport>,
    camera: Option<CameraWorker>,
    size: (f32, f32),
) -> Kiosk {
    let lab: Arc<dyn PhotoLab> = Arc::new(ScriptedLab::new(config.photo.clone(), reports));
    kiosk_with_lab(config, lab, camera, size)
}

fn kiosk_with_lab(
    config: Config,
    lab: Arc<dyn PhotoLab>,
    camera: Option<CameraWorker>,
    size: (f32, f32),
) -> Kiosk {
    kiosk_parts(config, lab, camera, None, size)
}

/// The kiosk as `tucai` starts it, with the demo camera told what to show by `demo_camera`.
fn kiosk_parts(
    config: Config,
    lab: Arc<dyn PhotoLab>,
    camera: Option<CameraWorker>,
    demo_camera: Option<tucai::camera::DemoDirector>,
    size: (f32, f32),
) -> Kiosk {
    kiosk_in(
        tempfile::tempdir().unwrap(),
        config,
        lab,
        camera,
        demo_camera,
        size,
    )
}

/// The kiosk over the data directory `dir` (a second kiosk over the same one is the window
/// started again after the first ended).
fn kiosk_in(
    dir: tempfile::TempDir,
    config: Config,
    lab: Arc<dyn PhotoLab>,
    camera: Option<CameraWorker>,
    demo_camera: Option<tucai::camera::DemoDirector>,
    size: (f32, f32),
) -> Kiosk {
    let store = Store::open(dir.path()).unwrap();
    let admin = Store::open_file(store.path()).unwrap();
    let clock = ManualClock::at_default();
    let flow = Flow::new(store, &config, Box::new(clock.clone()));
    let harness = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_accessibility_check(false)
        .with_theme(egui::Theme::Light)
        .build_eframe(move |cc| {
            KioskApp::new(
                &cc.egui_ctx,
                Parts {
                    config,
                    camera,
                    flow,
                    admin,
                    lab,
                    demo_session: true,
                    demo_camera,
                },
            )
        });
    let mut k = Kiosk {
        harness,
        clock,
        _dir: dir,
    };
    k.settle();
    k
}

fn kiosk(reports: Vec<CheckReport>) -> Kiosk {
    kiosk_with(reports, true, (1280.0, 800.0))
}

impl Kiosk {
    fn settle(&mut self) {
        self.harness.run_steps(3);
    }

    fn page(&self) -> Page {
        self.harness.state().page()
    }

    fn step(&self) -> Step {
        self.harness.state().flow.step()
    }

    /// Steps until a widget with this label is on screen. A screen that follows a worker (the
    /// shot, the checks, the hint detector) may arrive some frames later on a loaded machine, so
    /// helpers wait for what they need instead of counting frames; the bound keeps a real
    /// failure from hanging the run.
    fn wait_for_label(&mut self, label: &str) {
        for _ in 0..WAIT_STEPS {
            if self.has(label) {
                return;
            }
            self.harness.step();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!(
            "no widget labelled {label:?} after {WAIT_STEPS} steps; on {:?}, step {:?}",
            self.page(),
            self.step()
        );
    }

    fn click(&mut self, label: &str) {
        self.wait_for_label(label);
        self.harness.get_by_label(label).click();
        self.settle();
    }

    /// Clicks the one enabled widget among several with this label (a board row's button).
    fn click_enabled(&mut self, label: &str) {
        self.wait_for_label(label);
        let nodes: Vec<_> = self
            .harness
            .get_all_by_label(label)
            .filter(|n| !n.accesskit_node().is_disabled())
            .collect();
        assert_eq!(nodes.len(), 1, "enabled {label:?} buttons");
        nodes[0].click();
        self.settle();
    }

    /// Whether the camera has delivered a picture yet.
    fn has_camera_frame(&self) -> bool {
        self.harness
            .state()
            .camera
            .as_ref()
            .is_some_and(|c| c.latest().is_some())
    }

    /// Whether a widget with this label is on screen and enabled (no waiting).
    fn enabled(&self, label: &str) -> bool {
        self.harness
            .query_by_label(label)
            .is_some_and(|n| !n.accesskit_node().is_disabled())
    }

    fn has(&self, label: &str) -> bool {
        self.harness.query_by_label(label).is_some()
    }

    fn has_text(&self, part: &str) -> bool {
        self.harness
            .query_all_by_label_contains(part)
            .next()
            .is_some()
    }

    /// Like [`Kiosk::wait_for_label`], for a part of a label.
    fn wait_for_text(&mut self, part: &str) {
        self.wait_for(&format!("text containing {part:?}"), |k| k.has_text(part));
    }

    fn disabled(&mut self, label: &str) -> bool {
        self.wait_for_label(label);
        self.harness
            .get_by_label(label)
            .accesskit_node()
            .is_disabled()
    }

    /// Steps (with real time passing for the worker threads) until `done` or [`WAIT_STEPS`].
    fn wait_for(&mut self, what: &str, done: impl Fn(&Kiosk) -> bool) {
        for _ in 0..WAIT_STEPS {
            if done(self) {
                self.settle();
                return;
            }
            self.harness.step();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // A picture of what the screen showed instead, for the one reading the failure.
        let _ = self
            .harness
            .render()
            .map(|img| img.save(std::env::temp_dir().join("kiosk-timeout.png")));
        panic!(
            "timed out waiting for {what} (picture: kiosk-timeout.png in the temp dir); on {:?}, step {:?}",
            self.page(),
            self.step()
        );
    }

    /// A USB scanner types the code and presses Enter.
    fn scan(&mut self, code: &str) {
        self.harness.event(egui::Event::Text(code.into()));
        self.harness.key_press(egui::Key::Enter);
        self.settle();
        if self.step() == Step::Welcome {
            // Name what the kiosk made of it, for the next flake hunt.
            panic!(
                "scan of {code:?} left the kiosk on Welcome; message {:?}, error {:?}, \
                 overlay {}, flow refused {:?}",
                self.harness.state().views.scan_message,
                self.harness.state().views.error,
                self.harness.state().overlay.is_some(),
                self.harness.state().flow.last_refusal(),
            );
        }
    }

    fn type_digits(&mut self, digits: &str) {
        for d in digits.chars() {
            self.click(&d.to_string());
        }
    }

    /// From the welcome screen to framing, as a student would.
    fn walk_to_framing(&mut self) {
        self.scan(tucai::camera::DEMO_CAPTURE_CODE);
        self.walk_phone_to_framing();
    }

    /// From the phone number screen to framing.
    fn walk_phone_to_framing(&mut self) {
        assert_eq!(self.step(), Step::Phone);
        self.type_digits("13812345678");
        self.click("下一步");
        assert_eq!(self.step(), Step::Notice);
        self.read_to_end();
        self.click("下一步");
        assert_eq!(self.step(), Step::Precautions);
        self.read_to_end();
        self.click("下一步");
        assert_eq!(self.step(), Step::Notifications);
        self.click("下一步");
        assert_eq!(self.step(), Step::Guide);
        assert!(self.disabled("下一步"), "Next before the guide played");
        self.clock.advance(Duration::seconds(9));
        self.settle();
        assert!(!self.disabled("下一步"));
        self.click("下一步");
        assert_eq!(self.step(), Step::Framing);
    }

    /// Scrolls the page's text until Next is enabled.
    fn read_to_end(&mut self) {
        for _ in 0..40 {
            if !self.disabled("下一步") {
                return;
            }
            self.harness.hover_at(egui::pos2(300.0, 300.0));
            self.harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -200.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
                modifiers: Default::default(),
            });
            self.settle();
        }
        panic!("Next never enabled on {:?}", self.page());
    }

    /// Framing → countdown → shot → preview → make → result.
    fn shoot(&mut self) {
        // From the draft box, "take another" goes straight to the countdown.
        if self.step() == Step::Framing {
            // The button waits for live pictures, as the student does.
            self.wait_for("the camera to be live", |k| k.enabled("开始拍摄"));
            self.click("开始拍摄");
        }
        assert_eq!(self.step(), Step::Shoot);
        self.clock.advance(Duration::seconds(4));
        self.wait_for("the shot", |k| k.step() != Step::Shoot);
        assert_eq!(
            self.step(),
            Step::Preview,
            "the shot failed: {:?}",
            self.harness.state().views.shot_failed
        );
        self.click("制作照片");
        self.wait_for("the checks", |k| k.step() == Step::Result);
    }

    fn result(&self) -> tucai::flow::ResultView {
        match self.harness.state().flow.screen() {
            Screen::Result(r) => r.clone(),
            other => panic!("not on the result screen: {other:?}"),
        }
    }

    /// Waits out the cool-down shown on the result screen.
    fn wait_cooldown(&mut self) {
        if let Some(until) = self.result().cooldown_until {
            let now = self.harness.state().now();
            self.clock.advance(until - now + Duration::seconds(1));
            self.settle();
        }
    }

    fn enter_pin(&mut self, pin: &str) {
        self.type_digits(pin);
        self.click("确定");
    }
}

#[test]
fn a_student_from_scan_to_confirmed_photo() {
    let mut k = kiosk(vec![all_passed()]);
    assert_eq!(k.page(), Page::Student(Step::Welcome));
    k.wait_for_label("请出示学信网图像采集码");
    k.walk_to_framing();
    k.shoot();
    assert!(k.result().passed);
    k.wait_for_text("照片已存入草稿箱");
    k.click("去草稿箱");
    assert_eq!(k.step(), Step::DraftBox);
    k.wait_for_label("草稿 1/3");
    k.click("选择这张");
    assert_eq!(k.step(), Step::Confirm);
    k.click("确认上传");
    assert_eq!(k.step(), Step::Fee);
    k.click("下一步");
    assert_eq!(k.step(), Step::Done);
    k.click("完成");
    assert_eq!(k.step(), Step::Welcome);
    // Confirmed in the database, and nothing personal left on screen.
    let app = k.harness.state();
    let student = app
        .admin
        .students(app.session().unwrap())
        .unwrap()
        .into_iter()
        .find(|s| s.capture_code.as_deref() == Some(tucai::camera::DEMO_CAPTURE_CODE))
        .unwrap();
    assert!(app.flow.store().confirmation(student.id).unwrap().is_some());
    assert!(!k.has_text("张"));
}

#[test]
fn a_failing_check_shows_its_hint_and_the_cooldown_then_retake_passes() {
    let mut k = kiosk(vec![
        failing(CheckId::EyesOpen, "请睁大眼睛", "Open your eyes"),
        all_passed(),
    ]);
    k.walk_to_framing();
    k.shoot();
    assert!(!k.result().passed);
    k.wait_for_text("请睁大眼睛");
    k.wait_for_label("10 秒后可重拍");
    assert!(k.disabled("重拍"), "retake is closed during the cool-down");
    k.clock.advance(Duration::seconds(4));
    k.settle();
    assert!(k.has("6 秒后可重拍"), "the cool-down counts down");
    k.wait_cooldown();
    assert!(!k.disabled("重拍"));
    k.click("重拍");
    assert_eq!(k.step(), Step::Framing);
    k.shoot();
    assert!(k.result().passed);
}

#[test]
fn three_liveness_failures_lock_until_the_teacher_unlocks_with_the_pin() {
    let mut k = kiosk(vec![
        failing(CheckId::Liveness, "请按提示眨眼", "Blink when asked"),
        failing(CheckId::Liveness, "请按提示眨眼", "Blink when asked"),
        failing(CheckId::Liveness, "请按提示眨眼", "Blink when asked"),
        all_passed(),
    ]);
    k.walk_to_framing();
    for attempt in 1..=3 {
        k.shoot();
        assert!(!k.result().passed, "attempt {attempt}");
        if attempt < 3 {
            k.wait_cooldown();
            k.click("重拍");
        }
    }
    assert!(k.result().lock.is_some(), "locked after the third failure");
    k.wait_for_text("请联系老师解锁");
    // The student leaves; the teacher unlocks from the board.
    k.wait_cooldown();
    k.click("重拍");
    assert_eq!(k.step(), Step::Framing);
    assert!(k.disabled("开始拍摄"));
    k.click("退出");
    assert_eq!(k.step(), Step::Welcome);
    k.click("教师");
    assert_eq!(k.page(), Page::Pin);
    k.enter_pin("1111");
    k.wait_for_text("PIN 错误");
    k.enter_pin(PIN);
    assert_eq!(k.page(), Page::Teacher);
    k.wait_for_label("已锁定 1");
    // The board says why: the check that placed the lock, on one line under the state.
    k.wait_for_label("原因：活体");
    k.wait_for_label("已锁定");
    k.click_enabled("解锁");
    k.wait_for_label("已锁定 0");
    k.click("返回学生界面");
    k.scan(tucai::camera::DEMO_CAPTURE_CODE);
    // Phone, notice and the rest were stored; the flow may skip or repeat them, so walk on.
    while k.step() != Step::Framing {
        match k.step() {
            Step::Phone => {
                k.type_digits("13812345678");
                k.click("下一步");
            }
            Step::Notice | Step::Precautions => {
                k.read_to_end();
                k.click("下一步");
            }
            Step::Guide => {
                k.clock.advance(Duration::seconds(9));
                k.settle();
                k.click("下一步");
            }
            _ => k.click("下一步"),
        }
    }
    // The lock is gone; the cool-down of the last failure still runs out as usual.
    if let Screen::Framing(tucai::flow::Gate {
        blocked: Some(tucai::flow::Refusal::CoolingDown { until }),
    }) = k.harness.state().flow.screen().clone()
    {
        k.wait_for_text("冷静期");
        let now = k.harness.state().now();
        k.clock.advance(until - now + Duration::seconds(1));
        k.settle();
    }
    assert!(
        !k.disabled("开始拍摄"),
        "unlocked, but {:?}",
        k.harness.state().flow.screen()
    );
    let audit = k.harness.state().admin.audit_log(None).unwrap();
    assert!(audit.iter().any(|a| a.action == "student.unlock"));
}

#[test]
fn a_full_draft_box_refuses_another_shot() {
    let mut k = kiosk(vec![all_passed()]);
    k.walk_to_framing();
    for n in 1..=3 {
        k.shoot();
        assert!(k.result().passed);
        k.click("去草稿箱");
        k.wait_for_label(&format!("草稿 {n}/3"));
        if n < 3 {
            k.click("再拍一张");
        }
    }
    assert!(k.disabled("再拍一张"));
    k.wait_for_text("草稿箱已满");
    // The 24 h rule: deleting is closed now and says when it opens.
    let deletes: Vec<_> = k.harness.get_all_by_label("删除").collect();
    assert_eq!(deletes.len(), 3);
    assert!(deletes.iter().all(|d| d.accesskit_node().is_disabled()));
    k.wait_for_text("小时");
}

#[test]
fn idle_timeout_clears_the_screen() {
    let mut k = kiosk(vec![all_passed()]);
    k.scan(tucai::camera::DEMO_CAPTURE_CODE);
    assert_eq!(k.step(), Step::Phone);
    k.wait_for_text("张*明");
    k.type_digits("138");
    k.clock.advance(Duration::seconds(91));
    k.settle();
    assert_eq!(k.step(), Step::Welcome);
    assert!(!k.has_text("张*明"));
    assert!(k.harness.state().views.phone.is_empty());
}

#[test]
fn language_switch_on_every_screen() {
    let mut k = kiosk(vec![all_passed()]);
    k.click("English");
    k.wait_for_label("Show your CHSI capture code");
    k.click("中文");
    k.wait_for_label("请出示学信网图像采集码");
    k.scan(tucai::camera::DEMO_CAPTURE_CODE);
    k.click("English");
    k.wait_for_label("Enter your mobile number");
    k.type_digits("13812345678");
    k.click("Next");
    k.wait_for_label("School notice");
    // A new student starts in the station's language again.
    k.click("Leave");
    k.wait_for_label("请出示学信网图像采集码");
}

#[test]
fn the_window_cannot_be_closed_without_the_pin() {
    let mut k = kiosk(vec![all_passed()]);
    k.harness.state_mut().open_pin(PinPurpose::Leave);
    k.settle();
    assert_eq!(k.page(), Page::Pin);
    k.click("取消");
    assert_eq!(k.page(), Page::Student(Step::Welcome));
    assert!(!k.harness.state().allow_close);
}

#[test]
fn no_camera_screen_explains_the_demo_camera() {
    let mut k = kiosk_with(vec![all_passed()], false, (1280.0, 800.0));
    assert_eq!(k.page(), Page::NoCamera);
    k.wait_for_label("未检测到摄像头");
    k.wait_for_text("--camera demo");
}

/// Renders every screen in both languages; missing glyphs fail the render (egui_kittest's
/// check), and with `TUCAI_WRITE_SCREENS=1` the images go to `docs/screens/`.
#[test]
fn screens_render_in_both_languages() {
    let write = std::env::var_os("TUCAI_WRITE_SCREENS").is_some();
    let out = match std::env::var_os("TUCAI_SCREENS_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screens"),
    };
    if write {
        std::fs::create_dir_all(&out).unwrap();
    }
    let (w, h) = match std::env::var("TUCAI_SCREEN_SIZE").ok().as_deref() {
        Some("1920") => (1920.0, 1080.0),
        _ => (1280.0, 800.0),
    };
    let mut shots = 0;
    let mut snap = |k: &mut Kiosk, name: &str| {
        for lang in [tucai::ui::i18n::Lang::Zh, tucai::ui::i18n::Lang::En] {
            k.harness.state_mut().lang = lang;
            k.harness.remove_cursor();
            k.settle();
            let img = k.harness.render().expect("render");
            assert_eq!(img.width(), w as u32);
            if write {
                let tag = if lang == tucai::ui::i18n::Lang::Zh {
                    "zh"
                } else {
                    "en"
                };
                img.save(out.join(format!("{name}-{tag}.png"))).unwrap();
            }
            shots += 1;
        }
        k.harness.state_mut().lang = tucai::ui::i18n::Lang::Zh;
        k.settle();
    };
    let mut nc = kiosk_with(vec![all_passed()], false, (w, h));
    snap(&mut nc, "00-no-camera");

    let mut k = kiosk_with(
        vec![
            failing(
                CheckId::EyesOpen,
                "眼睛没有完全睁开：请睁大眼睛，平视镜头",
                "Eyes not fully open: open them wide and look at the camera",
            ),
            all_passed(),
        ],
        true,
        (w, h),
    );
    k.wait_for("a camera frame", Kiosk::has_camera_frame);
    k.settle();
    snap(&mut k, "01-welcome");
    k.harness.state_mut().views.no_code_open = true;
    snap(&mut k, "02-no-code");
    k.harness.state_mut().views.no_code_open = false;
    k.scan(tucai::camera::DEMO_CAPTURE_CODE);
    k.type_digits("1381234");
    snap(&mut k, "03-phone");
    k.type_digits("5678");
    k.click("下一步");
    snap(&mut k, "04-notice");
    k.read_to_end();
    k.click("下一步");
    snap(&mut k, "05-precautions");
    k.read_to_end();
    k.click("下一步");
    snap(&mut k, "06-notifications");
    k.click("下一步");
    k.clock.advance(Duration::milliseconds(2500));
    snap(&mut k, "07-guide");
    k.clock.advance(Duration::seconds(7));
    k.settle();
    k.click("下一步");
    // The live list, not the placeholder shown while the models load: the demo person smiles,
    // which the list says before the shot (issue 23).
    k.wait_for("the live list", |k| k.has("✖ 嘴巴闭合，不露齿"));
    snap(&mut k, "08-framing");
    k.click("开始拍摄");
    k.clock.advance(Duration::milliseconds(1200));
    snap(&mut k, "09-countdown");
    k.clock.advance(Duration::seconds(3));
    k.wait_for("the shot", |k| k.step() == Step::Preview);
    snap(&mut k, "10-preview");
    k.click("制作照片");
    k.wait_for("the checks", |k| k.step() == Step::Result);
    snap(&mut k, "11-check-failed");
    k.wait_cooldown();
    k.click("重拍");
    k.shoot();
    snap(&mut k, "12-check-passed");
    k.click("去草稿箱");
    snap(&mut k, "13-draft-box");
    k.click("选择这张");
    snap(&mut k, "14-confirm");
    k.click("确认上传");
    snap(&mut k, "15-fee");
    k.click("下一步");
    snap(&mut k, "16-done");
    k.click("完成");
    k.harness.state_mut().open_pin(PinPurpose::Teacher);
    k.settle();
    k.type_digits("12");
    snap(&mut k, "17-pin");
    k.harness.state_mut().overlay = Some(Overlay::Teacher);
    k.settle();
    // The confirmed photo's thumbnail is decoded on a thread: the picture waits for it, so it
    // does not depend on how busy the machine was.
    k.wait_for("the board's thumbnail", |k| {
        k.harness.state().teacher.thumbs.count() == 1
    });
    snap(&mut k, "18-teacher-board");
    k.harness.state_mut().teacher.tab = tucai::ui::TeacherTab::Audit;
    snap(&mut k, "19-teacher-audit");
    k.harness.state_mut().teacher.tab = tucai::ui::TeacherTab::Session;
    snap(&mut k, "20-teacher-session");
    k.harness.state_mut().teacher.tab = tucai::ui::TeacherTab::Roster;
    // Fixed starting places, so the picture does not depend on what this machine has mounted.
    {
        use tucai::ui::roster_picker::{Background, Place};
        let data = k.data_dir();
        k.harness.state_mut().teacher.places = Some(Background::ready(vec![
            Place::Media("/media/teacher/KINGSTON".into()),
            Place::Home("/home/kiosk".into()),
            Place::Data(data.clone()),
        ]));
        std::fs::write(data.join("酒店2201.csv"), crate::support::roster_zh(30)).unwrap();
    }
    k.settle();
    k.click("数据目录");
    k.click("酒店2201.csv");
    k.click("导入");
    k.wait_for_label("已导入 30 名学生");
    snap(&mut k, "21-teacher-roster");
    assert_eq!(shots, 44);
}

/// Issue 7, now the live check (issue 23): the framing advice is measured on the live picture
/// (the real models on the scripted camera), not a constant "good position": the demo person
/// shrunk to half size in the middle of the frame is too small for the photo.
#[test]
fn the_live_check_tells_a_far_away_person_to_move_closer() {
    let p = person();
    let small = image::imageops::resize(
        &*p,
        p.width() / 2,
        p.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    let mut far = image::RgbImage::from_pixel(p.width(), p.height(), *p.get_pixel(4, 4));
    image::imageops::overlay(
        &mut far,
        &small,
        i64::from(p.width() / 4),
        i64::from(p.height() / 2),
    );
    let camera = scripted_camera(vec![ScriptStep::Image(Arc::new(far))], TEST_STALL);
    let lab: Arc<dyn PhotoLab> = Arc::new(ScriptedLab::new(config().photo, vec![all_passed()]));
    let mut k = kiosk_with_lab(config(), lab, Some(camera), (1280.0, 800.0));
    k.walk_to_framing();
    k.wait_for("the live list", |k| k.has("✖ 位置和大小"));
    let first = k.harness.state().steady.rows()[0].clone();
    assert_eq!(first.rule, tucai::live::Rule::Position, "{first:?}");
    assert!(first.hint_zh.contains("靠近"), "{first:?}");
    k.wait_for_text(&first.hint_zh);
    k.harness.state_mut().lang = tucai::ui::i18n::Lang::En;
    k.settle();
    k.wait_for_text("Move closer");
}

/// A camera still opening: the picture says so and Take photo waits for it. A Shoot that arrives
/// anyway before the first picture (the flow does not know the camera) waits for the picture
/// instead of failing back to framing: the board test below once raced a slow camera start on a
/// loaded CI machine that way.
#[test]
fn the_shot_waits_for_a_camera_that_is_still_opening() {
    let mut k = kiosk_on_script(
        vec![
            // Long enough that the walk to framing surely ends first, even on a loaded machine.
            ScriptStep::Stall(std::time::Duration::from_secs(8)),
            ScriptStep::Image(person()),
        ],
        TEST_STALL,
        TEST_STALL.as_millis() as u32,
    );
    k.walk_to_framing();
    assert!(
        !k.has_camera_frame(),
        "the camera delivered before the shot; the test proves nothing"
    );
    k.wait_for_text("正在打开摄像头");
    assert!(k.disabled("开始拍摄"), "no shooting without a picture");
    k.harness.state_mut().send(tucai::flow::Event::Shoot);
    k.settle();
    k.shoot();
    assert!(k.result().passed);
}

/// A camera that stops sending as the countdown ends: no photo, back to framing with a message
/// that says so (not a silent return), and the student can try again. The watchdog here allows
/// 15 s (the camera still counts as live), the shot only 300 ms.
#[test]
fn a_camera_that_stops_at_the_shot_says_no_photo_was_taken() {
    let mut k = kiosk_on_script(
        vec![
            ScriptStep::Image(person()),
            ScriptStep::Stall(std::time::Duration::from_secs(60)),
        ],
        TEST_STALL,
        300,
    );
    k.walk_to_framing();
    k.wait_for("the camera's one picture", Kiosk::has_camera_frame);
    k.click("开始拍摄");
    k.clock.advance(Duration::seconds(4));
    k.wait_for("the shot to fail", |k| k.step() != Step::Shoot);
    assert_eq!(k.step(), Step::Framing);
    k.wait_for_text("没有拍到照片");
    assert!(!k.disabled("开始拍摄"), "the student may try again");
    k.harness.state_mut().lang = tucai::ui::i18n::Lang::En;
    k.settle();
    k.wait_for_text("No photo was taken");
}

/// Issue 4: a camera unplugged mid-session. The live picture says so (a frozen last frame must
/// not look live), the student stays on their step, and the picture comes back by itself when
/// the camera does (the watchdog's backoff reopens it).
#[test]
fn an_unplugged_camera_is_shown_as_disconnected_and_comes_back_by_itself() {
    let mut k = kiosk_on_script(
        vec![
            ScriptStep::Image(person()),
            ScriptStep::Unplug(std::time::Duration::from_secs(5)),
        ],
        std::time::Duration::from_millis(300),
        300,
    );
    k.walk_to_framing();
    k.wait_for_text("摄像头已断开");
    assert_eq!(k.step(), Step::Framing, "the student keeps their place");
    assert!(k.disabled("开始拍摄"), "no shooting without a camera");
    k.harness.state_mut().lang = tucai::ui::i18n::Lang::En;
    k.settle();
    k.wait_for_text("Camera disconnected");
    k.wait_for("the camera to come back", |k| {
        !k.has_text("Camera disconnected")
    });
    assert_eq!(k.step(), Step::Framing);
    assert_eq!(
        k.harness.state().camera.as_ref().unwrap().status(),
        tucai::camera::CameraStatus::Live
    );
    assert!(!k.disabled("Take photo"));
}

/// The real checks and photo maker on the demo person with the picture's top 160 rows cut off,
/// so the hair touches the top edge: no standard photo, and the result says what to do in the
/// student's language, not the maker's English reason (which goes to the audit log).
#[test]
fn a_photo_that_cannot_be_made_says_what_to_do_in_chinese_then_english() {
    let config = config();
    let lab: Arc<dyn PhotoLab> = Arc::new(tucai::lab::RealLab::new(&config));
    let p = person();
    let cut =
        Arc::new(image::imageops::crop_imm(&*p, 0, 160, p.width(), p.height() - 160).to_image());
    let camera = scripted_camera(vec![ScriptStep::Image(cut)], TEST_STALL);
    let mut k = kiosk_with_lab(config, lab, Some(camera), (1280.0, 800.0));
    k.walk_to_framing();
    k.shoot();
    let why = k
        .result()
        .make_error
        .expect("hair cut by the top edge cannot make a standard photo");
    assert!(why.reason.contains("top edge"), "{}", why.reason);
    k.wait_for_text("头部太靠上");
    assert!(
        !k.has_text("top edge"),
        "the English reason is not the student's line"
    );
    k.harness.state_mut().lang = tucai::ui::i18n::Lang::En;
    k.settle();
    k.wait_for_text("Your head is too high");
}

/// The demo scene through the real lab, as `--camera demo` runs it: the standard photo is made,
/// and the smile fails mouth.closed with its hint on the result screen.
#[test]
fn the_demo_scene_runs_the_real_checks_and_makes_the_standard_photo() {
    let config = config();
    let lab: Arc<dyn PhotoLab> = Arc::new(tucai::lab::RealLab::new(&config));
    let mut k = kiosk_with_lab(config, lab, Some(camera()), (1280.0, 800.0));
    k.walk_to_framing();
    k.shoot();
    let r = k.result();
    assert_eq!(r.make_error, None, "the demo scene makes a standard photo");
    assert!(!r.passed);
    let smile = r
        .failed
        .iter()
        .find(|c| c.id == tucai::check::CheckId::MouthClosed)
        .expect("the smile fails mouth.closed");
    let hint = smile.hint_zh.clone();
    k.wait_for_text(&hint);
}

/// Issue 7: the board fits a 1280-wide screen by offering only the actions that apply, with the
/// fee in its own column.
#[test]
fn the_board_shows_only_the_actions_that_apply() {
    let mut k = kiosk(vec![all_passed()]);
    k.walk_to_framing();
    k.shoot();
    k.harness.state_mut().open_pin(PinPurpose::Teacher);
    k.settle();
    k.enter_pin(PIN);
    assert_eq!(k.page(), Page::Teacher);
    k.wait_for_label("缴费");
    // One student has a draft; nobody is locked or confirmed.
    assert_eq!(k.harness.get_all_by_label("删除草稿").count(), 1);
    assert!(!k.has("解锁"));
    assert!(!k.has("允许重拍"));
}

impl Kiosk {
    /// Teacher mode, roster tab, with the picker showing the data directory (where the test
    /// writes its CSV files).
    fn roster_tab_in_data_dir(&mut self) {
        self.harness.state_mut().open_pin(PinPurpose::Teacher);
        self.settle();
        self.enter_pin(PIN);
        assert_eq!(self.page(), Page::Teacher);
        self.click("导入名单");
        self.click("数据目录");
    }

    fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().to_path_buf()
    }
}

/// Issue 7: the teacher picks a roster CSV with the in-app picker and imports it off the GUI
/// thread.
#[test]
fn the_teacher_imports_a_roster_picked_in_the_kiosk() {
    let mut k = kiosk(vec![all_passed()]);
    std::fs::write(
        k.data_dir().join("class-2201.csv"),
        crate::support::roster_zh(3),
    )
    .unwrap();
    std::fs::create_dir(k.data_dir().join("stick")).unwrap();
    k.roster_tab_in_data_dir();
    k.wait_for_label("未选择文件");
    assert!(k.disabled("导入"), "Import before a file is chosen");
    k.wait_for_label("stick/");
    k.click("class-2201.csv");
    let chosen = k.harness.state().teacher.roster.picker.chosen.clone();
    assert_eq!(chosen, Some(k.data_dir().join("class-2201.csv")));
    k.wait_for_text("class-2201.csv");
    k.click("导入");
    k.wait_for_label("已导入 3 名学生");
    k.harness.state_mut().lang = tucai::ui::i18n::Lang::En;
    k.settle();
    k.wait_for_label("3 students imported");
    let app = k.harness.state();
    let students = app.admin.students(app.session().unwrap()).unwrap();
    assert!(students.iter().any(|s| s.student_no == "202200002"));
}

#[test]
fn a_bad_roster_shows_every_bad_line_and_stores_nothing() {
    let mut k = kiosk(vec![all_passed()]);
    let good = crate::support::id_number(1);
    std::fs::write(
        k.data_dir().join("bad.csv"),
        format!("学号,姓名,身份证号\n1001,甲,{good}\n,乙,{good}\n1003,丙,{good}X\n"),
    )
    .unwrap();
    let before = {
        let app = k.harness.state();
        app.admin.students(app.session().unwrap()).unwrap().len()
    };
    k.roster_tab_in_data_dir();
    k.click("bad.csv");
    k.click("导入");
    k.wait_for_text("2 行有误，未导入任何学生");
    k.wait_for_text("第 3 行：学号为空");
    k.wait_for_text("第 4 行：身份证号");
    k.click("English");
    k.wait_for_text("line 3: 学号/student_no is empty");
    k.wait_for_text("line 4: ID number");
    let app = k.harness.state();
    assert_eq!(
        app.admin.students(app.session().unwrap()).unwrap().len(),
        before
    );
}

/// Issue 20: at 150 % display scaling on a 1080p screen (1280×720 points) and on a 1366×768
/// laptop, the layout zooms down so the framing screen's shutter stays on screen; on a 5:4
/// monitor (1280×1024, common on school PCs) the zoom by height must not push it off the side.
#[test]
fn the_bottom_bar_stays_on_screen_at_150_percent_scaling() {
    for (w, h) in [(1280.0, 720.0), (1366.0, 768.0), (1280.0, 1024.0)] {
        let mut k = kiosk_with(vec![all_passed()], true, (w, h));
        k.settle();
        k.walk_to_framing();
        k.wait_for("the camera to be live", |k| k.enabled("开始拍摄"));
        // Widget rects are in egui points; the window's pixels are points × zoom.
        let zoom = k.harness.ctx.zoom_factor();
        let shutter = k.harness.get_by_label("开始拍摄").rect();
        assert!(
            shutter.max.y * zoom <= h && shutter.max.x * zoom <= w,
            "{w}x{h}: the shutter ends at {:?} × {zoom}",
            shutter.max
        );
    }
}

#[test]
fn a_window_that_died_with_a_student_at_the_camera_starts_again_at_their_framing_screen() {
    let mut k = kiosk(vec![all_passed()]);
    k.wait_for_label("请出示学信网图像采集码");
    k.walk_to_framing();
    let student = k.harness.state().flow.student().unwrap().id;
    // The process ends without the student leaving: no Quit, nothing written on the way out.
    let Kiosk {
        harness, _dir: dir, ..
    } = k;
    drop(harness);
    let cfg = config();
    let lab: Arc<dyn PhotoLab> = Arc::new(ScriptedLab::new(cfg.photo.clone(), vec![all_passed()]));
    let mut k = kiosk_in(dir, cfg, lab, Some(camera()), None, (1280.0, 800.0));
    assert_eq!(k.step(), Step::Framing);
    assert_eq!(
        k.harness.state().flow.student().map(|s| s.id),
        Some(student)
    );
    assert!(k.has_text("开始拍摄"));
    // And the journey goes on from there.
    k.shoot();
    assert!(k.result().passed);
}
