//! The live check (issue 23) on real photos in the project: the demo person as the framing
//! screen judges it, the same picture through the full check, and a 1080p frame scaled to the
//! live size. The timed run of the live check's cost is ignored by default (no timing asserts).

use crate::defects::{Capture, beanie, fixture, studio};
use image::RgbImage;
use std::sync::OnceLock;
use tucai::check::{CheckId, CheckReport};
use tucai::config::Config;
use tucai::live::{LIVE, LiveChecker, live_results};

const PERSON: &[u8] = include_bytes!("../../assets/demo/person.jpg");

fn live() -> &'static LiveChecker {
    static L: OnceLock<LiveChecker> = OnceLock::new();
    L.get_or_init(|| {
        let c = Config::default();
        LiveChecker::new(&c.checks, &c.photo).unwrap()
    })
}

fn person() -> RgbImage {
    image::load_from_memory(PERSON).unwrap().to_rgb8()
}

fn verdicts(r: &CheckReport) -> Vec<(CheckId, bool)> {
    live_results(r).iter().map(|c| (c.id, c.passed)).collect()
}

fn head(r: &CheckReport) -> tucai::check::CheckResult {
    r.get(CheckId::HeadCovered).unwrap().clone()
}

/// A real face placed as a station frames it, and the same capture under a plain off-white
/// beanie (no vivid colour: only the hair model sees it).
fn bare_and_pale_beanie() -> (Capture, Capture) {
    let detector = tucai::face::FaceDetector::new().unwrap();
    let bare = studio(
        &detector,
        &fixture("fr_obama.jpg"),
        1.3,
        tucai::face::Point::new(960.0, 430.0),
        1,
    );
    let capped = beanie(&bare, [232.0, 230.0, 224.0]);
    (bare, capped)
}

/// The demo portrait smiles: the live check says so before any shot, and agrees with the full
/// check on every live rule.
#[test]
fn the_live_check_sees_the_demo_smile_and_agrees_with_the_full_check() {
    let img = person();
    let seen = live().check(&img).unwrap();
    let full = live().full_still(&img).unwrap();
    let mouth = seen.get(CheckId::MouthClosed).unwrap();
    assert!(!mouth.passed, "{mouth:?}");
    assert!(mouth.hint_zh.contains("嘴"), "{mouth:?}");
    assert_eq!(verdicts(&seen).len(), LIVE.len());
    assert_eq!(verdicts(&seen), verdicts(&full));
    // Placed and lit as a station's: position and light hold.
    for id in [
        CheckId::FaceSingle,
        CheckId::FaceSize,
        CheckId::LightExposure,
    ] {
        assert!(seen.get(id).unwrap().passed, "{id}: {:?}", seen.get(id));
    }
}

/// A 1920×1080 camera's frame is judged on a 1280×720 copy; face.size is judged in the capture's
/// pixels all the same, so the live verdicts are the full check's on the 1080p frame.
#[test]
fn a_1080p_frame_is_judged_small_with_the_capture_s_verdicts() {
    let p = person();
    let big = image::imageops::resize(&p, 1920, 1080, image::imageops::FilterType::Triangle);
    let seen = live().check(&big).unwrap();
    let full = live().full_still(&big).unwrap();
    assert_eq!(verdicts(&seen), verdicts(&full));
    let size = |r: &CheckReport| r.get(CheckId::FaceSize).unwrap().clone();
    // The value is measured on the smaller copy; the threshold moves with it.
    let (s, f) = (size(&seen), size(&full));
    assert!(s.value.unwrap() < f.value.unwrap(), "{s:?} {f:?}");
    assert_eq!(s.passed, f.passed);
}

/// A plain off-white beanie (no vivid colour: only the hair model sees it) is told on the live
/// list, before any shot, as the full check will judge it; the same capture's bare head is not.
/// With the worker's hold down (the shutter pressed) the picture skips the model: the colour
/// look alone, which this cap passes.
#[test]
fn a_pale_beanie_only_the_hair_model_sees_is_told_before_the_shot() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (bare, capped) = bare_and_pale_beanie();
    let c = Config::default();
    let judging = Arc::new(AtomicBool::new(true));
    let gated = LiveChecker::new(&c.checks, &c.photo)
        .unwrap()
        .with_model_gate(judging.clone());
    let seen = head(&gated.check(&capped.img).unwrap());
    assert!(!seen.passed, "{seen:?}");
    assert!(seen.hint_zh.contains("帽"), "{seen:?}");
    assert!(!head(&live().full_still(&capped.img).unwrap()).passed);
    let bare_seen = head(&gated.check(&bare.img).unwrap());
    assert!(bare_seen.passed, "{bare_seen:?}");
    judging.store(false, Ordering::Release);
    let held = head(&gated.check(&capped.img).unwrap());
    assert!(
        held.passed,
        "the held picture still ran the hair model: {held:?}"
    );
}

/// While the head stays in place the live worker asks the two heaviest models in turn (hair,
/// face mask), the other's reading carried from the picture before: the verdicts are the fresh
/// check's, a cap taken off is told by the next picture that asks the hair model, and a head in
/// another place has both asked again.
#[test]
fn a_still_head_asks_the_heavy_models_in_turn_with_the_same_verdicts() {
    use std::time::{Duration, Instant};
    use tucai::check::{Asked, Memo};
    let (bare, capped) = bare_and_pale_beanie();
    let both = Asked {
        mask: true,
        hair: true,
    };
    let mut memo = Memo::default();
    let t0 = Instant::now();
    let at = |n: u64| t0 + Duration::from_millis(250 * n);

    let first = live()
        .check_with_memo(&capped.img, &mut memo, at(0))
        .unwrap();
    assert_eq!(memo.last_asked(), Some(both));
    assert!(!head(&first).passed, "{:?}", head(&first));
    assert_eq!(
        verdicts(&first),
        verdicts(&live().check(&capped.img).unwrap())
    );

    // The same picture again: the mask model asked, the hair reading carried, same verdicts.
    let second = live()
        .check_with_memo(&capped.img, &mut memo, at(1))
        .unwrap();
    assert_eq!(
        memo.last_asked(),
        Some(Asked {
            mask: true,
            hair: false
        })
    );
    assert_eq!(verdicts(&second), verdicts(&first));
    assert_eq!(head(&second).value, head(&first).value);

    // The cap taken off in place: this picture asks the hair model and says so.
    let third = live().check_with_memo(&bare.img, &mut memo, at(2)).unwrap();
    assert_eq!(
        memo.last_asked(),
        Some(Asked {
            mask: false,
            hair: true
        })
    );
    assert!(head(&third).passed, "{:?}", head(&third));
    assert_eq!(
        verdicts(&third),
        verdicts(&live().check(&bare.img).unwrap())
    );

    // Another head in another place: both asked at once.
    let elsewhere = live().check_with_memo(&person(), &mut memo, at(3)).unwrap();
    assert_eq!(memo.last_asked(), Some(both));
    assert_eq!(
        verdicts(&elsewhere),
        verdicts(&live().check(&person()).unwrap())
    );
}

/// CPU time of this thread so far, in ms (Linux; 10 ms ticks, so only sums over many calls
/// mean anything). Wall time on a shared machine counts the other processes' turns too.
fn thread_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// What the live check costs per frame on this machine: wall time (median and range of 10) and
/// CPU time of the checking thread (mean of the 10), at 1280×720 and 1920×1080, each picture
/// judged afresh and as the worker judges a still head (the heavy models asked in turn).
/// `cargo test --test it live_check_cost -- --ignored --nocapture` (add `--release` for the
/// station's build).
#[test]
#[ignore]
fn live_check_cost_timed() {
    use tucai::check::Memo;
    let p = person();
    let big = image::imageops::resize(&p, 1920, 1080, image::imageops::FilterType::Triangle);
    let _ = live().check(&p).unwrap(); // warm up
    for (name, img) in [("1280x720", &p), ("1920x1080", &big)] {
        for steady in [false, true] {
            let mut memo = Memo::default();
            let cpu0 = thread_cpu_ms();
            let mut ms: Vec<f64> = (0..10)
                .map(|_| {
                    let t = std::time::Instant::now();
                    let r = if steady {
                        live().check_with_memo(img, &mut memo, t).unwrap()
                    } else {
                        live().check(img).unwrap()
                    };
                    assert!(!r.checks.is_empty());
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            let cpu = cpu0
                .zip(thread_cpu_ms())
                .map_or("?".to_string(), |(a, b)| format!("{:.0}", (b - a) / 10.0));
            ms.sort_by(f64::total_cmp);
            let how = if steady { "still head, memo" } else { "afresh" };
            println!(
                "live check {name} {how}: CPU {cpu} ms; wall median {:.0} ms, min {:.0}, max {:.0}",
                ms[5], ms[0], ms[9]
            );
        }
    }
}
