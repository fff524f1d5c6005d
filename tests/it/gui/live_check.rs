//! Issue 23: the live check on the framing screen, judged before the shutter. The demo person
//! through the real live check (the real models on the scripted camera's real photo), and the
//! list's timing with a scripted live worker so "ready", the automatic shutter and the teacher's
//! "keeps failing" are driven by the test's clock.

use super::*;
use tucai::live::{LiveWorker, live_results};

/// A scripted live worker: every frame is answered with every live check passing, or with
/// `failing` failing.
fn live_answer(failing: Option<CheckId>) -> LiveWorker {
    let report = match failing {
        Some(id) => tucai::lab::failing(id, "请闭上嘴唇，不要露出牙齿", "Close your lips"),
        None => all_passed(),
    };
    let results = live_results(&report);
    LiveWorker::start_with(std::time::Duration::ZERO, move |_| {
        Some(move |_: &image::RgbImage| Some(results.clone()))
    })
}

/// Framing with a scripted live worker in place of the real one.
fn framing_with(config: Config, failing: Option<CheckId>) -> Kiosk {
    let lab: Arc<dyn PhotoLab> =
        Arc::new(ScriptedLab::new(config.photo.clone(), vec![all_passed()]));
    let mut k = kiosk_with_lab(config, lab, Some(camera()), (1280.0, 800.0));
    k.harness.state_mut().live_check = Some(live_answer(failing));
    k.walk_to_framing();
    k
}

/// The judged walk: the smiling demo portrait shows the mouth rule failing, with the check's own
/// hint in large type, on the framing screen before any shot is taken.
#[test]
fn the_smiling_demo_portrait_fails_the_mouth_rule_before_any_shot() {
    let mut k = kiosk(vec![all_passed()]);
    k.walk_to_framing();
    k.wait_for("the live list", |k| k.has_text("嘴巴闭合，不露齿"));
    assert!(k.has("✖ 嘴巴闭合，不露齿"), "the mouth rule is crossed");
    // The real check's hint, the first thing on the list.
    let rows = k.harness.state().steady.rows();
    assert_eq!(rows[0].rule, tucai::live::Rule::Mouth, "{rows:?}");
    assert!(!rows[0].passed);
    let hint = rows[0].hint_zh.clone();
    assert!(hint.contains("嘴"), "{hint}");
    k.wait_for_text(&hint);
    assert!(!k.has_text("可以拍照"), "the shutter does not say ready");
    assert_eq!(k.step(), Step::Framing, "no shot was taken");
    k.harness.state_mut().lang = tucai::ui::i18n::Lang::En;
    k.settle();
    k.wait_for_label("✖ Lips closed, no teeth");
}

#[test]
fn the_shutter_says_ready_once_every_rule_held_for_a_second() {
    let mut k = framing_with(config(), None);
    k.wait_for("the ticks", |k| k.has("✔ 嘴巴闭合，不露齿"));
    assert!(k.has_text("全部合格，请保持不动"));
    assert!(!k.has_text("可以拍照"), "ready before the rules held");
    k.clock.advance(Duration::milliseconds(1100));
    // The next live result is taken at the new time.
    k.wait_for_text("可以拍照");
    assert_eq!(
        k.step(),
        Step::Framing,
        "the automatic shutter is off by default"
    );
    k.click("开始拍摄");
    assert_eq!(k.step(), Step::Shoot);
}

#[test]
fn a_failing_rule_keeps_the_shutter_from_saying_ready() {
    let mut k = framing_with(config(), Some(CheckId::MouthClosed));
    k.wait_for_text("请闭上嘴唇，不要露出牙齿");
    k.clock.advance(Duration::seconds(5));
    for _ in 0..20 {
        k.harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!k.has_text("可以拍照"));
    assert!(k.has("✖ 嘴巴闭合，不露齿"));
    // The shutter still works: the full check judges the shot either way.
    assert!(k.enabled("开始拍摄"));
}

#[test]
fn the_automatic_shutter_shoots_once_ready() {
    let mut cfg = config();
    cfg.live.auto_shutter = true;
    let mut k = framing_with(cfg, None);
    k.wait_for("the ticks", |k| k.has("✔ 嘴巴闭合，不露齿"));
    assert_eq!(k.step(), Step::Framing);
    k.clock.advance(Duration::milliseconds(1100));
    k.wait_for("the automatic shot", |k| k.step() == Step::Shoot);
}

#[test]
fn the_teacher_board_shows_the_rule_a_student_keeps_failing() {
    let mut k = framing_with(config(), Some(CheckId::MouthClosed));
    k.wait_for("a student stuck on the mouth rule", |k| {
        !k.harness.state().keeps_failing.is_empty()
    });
    k.click("退出");
    k.harness.state_mut().open_pin(PinPurpose::Teacher);
    k.settle();
    k.enter_pin(PIN);
    assert_eq!(k.page(), Page::Teacher);
    k.wait_for_label("总是不合格：嘴巴闭合，不露齿");
}
