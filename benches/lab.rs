//! The station's whole make+check step (`RealLab::make_and_check`) on one 1920×1080 capture with
//! a burst of 4 frames, and each of its stages alone. Figures and the 150 ms goal:
//! `docs/PERFORMANCE.md`, "## Checks and photo making".
//!
//! `cargo bench --bench lab -- --quick`; with `TUCAI_BENCH_CPU=1` it first prints the CPU time per
//! call of the main stages (the figure a loaded, shared machine disturbs least).

use criterion::{Criterion, criterion_group, criterion_main};
use image::RgbImage;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tucai::check::{Challenge, CheckInput, Checker};
use tucai::config::Config;
use tucai::face::FaceDetector;
use tucai::face::FaceMesh;
use tucai::lab::{PhotoLab, RealLab};
use tucai::photo::Segmenter;

/// A station-like capture as `tests/it/photo.rs` builds it: the person of a real photo, cut out
/// by the segmenter, on a grey backdrop lit from the middle, with a little sensor noise.
fn station_capture(segmenter: &Segmenter) -> RgbImage {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/faces/fr_obama.jpg"
    );
    let person = image::open(path).unwrap().to_rgb8();
    let mask = segmenter.mask(&person).unwrap();
    let k = 0.9;
    let (pw, ph) = (
        (person.width() as f32 * k) as u32,
        (person.height() as f32 * k) as u32,
    );
    let small = image::imageops::resize(&person, pw, ph, image::imageops::FilterType::CatmullRom);
    let (ox, oy) = ((1920 - pw) / 2, 120);
    RgbImage::from_fn(1920, 1080, |x, y| {
        let light = 1.0 - 0.15 * ((x as f32 - 960.0) / 960.0).powi(2);
        let noise = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 7) as f32 - 3.0;
        let b = 128.0 * light + noise;
        let (a, p) = if x >= ox && y >= oy && x < ox + pw && y < oy + ph {
            let m = mask.at((x - ox) as f32 / k, (y - oy) as f32 / k);
            let a = ((m - 0.3) / 0.4).clamp(0.0, 1.0);
            (a, small.get_pixel(x - ox, y - oy).0.map(|c| c as f32))
        } else {
            (0.0, [0.0; 3])
        };
        image::Rgb(p.map(|c| (a * c + (1.0 - a) * b).round().clamp(0.0, 255.0) as u8))
    })
}

/// A burst frame: the capture with fresh sensor noise (the same pose, as a still student).
fn burst_frame(capture: &RgbImage, seed: u32) -> RgbImage {
    RgbImage::from_fn(capture.width(), capture.height(), |x, y| {
        let n = ((x.wrapping_mul(31) ^ y.wrapping_mul(17) ^ seed.wrapping_mul(101)) % 5) as i16 - 2;
        image::Rgb(
            capture
                .get_pixel(x, y)
                .0
                .map(|c| (c as i16 + n).clamp(0, 255) as u8),
        )
    })
}

/// CPU time this process has used, all its threads (living and ended) together, from
/// `/proc/self/stat` (utime + stime, in clock ticks of 10 ms). The build box is shared: wall time
/// there grows with the neighbours' load, CPU time much less.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Some(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

/// Runs `f` until it has used at least 2 s of CPU (5 calls at least) and prints CPU and wall time
/// per call.
fn cpu_per_call(name: &str, mut f: impl FnMut()) {
    let (Some(cpu0), wall0) = (process_cpu(), Instant::now()) else {
        eprintln!("{name}: no /proc/self/stat, CPU time not measured");
        return;
    };
    let mut calls = 0u32;
    let mut cpu = Duration::ZERO;
    while calls < 5 || cpu < Duration::from_secs(2) {
        f();
        calls += 1;
        cpu = process_cpu().unwrap_or(cpu0).saturating_sub(cpu0);
    }
    eprintln!(
        "cpu/call {name}: {:.1} ms CPU, {:.1} ms wall ({calls} calls)",
        cpu.as_secs_f64() * 1000.0 / f64::from(calls),
        wall0.elapsed().as_secs_f64() * 1000.0 / f64::from(calls),
    );
}

fn bench(c: &mut Criterion) {
    let config = Config::default();
    let segmenter = Segmenter::new().unwrap();
    let checker = Checker::new(&config.checks, &config.photo).unwrap();
    let detector = FaceDetector::new().unwrap();
    let mesh = FaceMesh::new().unwrap();
    let capture = station_capture(&segmenter);
    assert_eq!(capture.dimensions(), (1920, 1080));
    let burst: Vec<RgbImage> = (1..=4).map(|i| burst_frame(&capture, i)).collect();
    let burst_arc: Vec<Arc<RgbImage>> = burst.iter().cloned().map(Arc::new).collect();

    let lab = RealLab::new(&config);
    // The first call loads the models; what the bench times is every call after it.
    let out = lab.make_and_check(&capture, &burst_arc, &|_| {}).unwrap();
    assert!(out.photo_jpeg.is_some(), "{:?}", out.make_error);
    assert!(
        out.report
            .get(tucai::check::CheckId::FaceSingle)
            .unwrap()
            .passed
    );

    let face = detector.detect(&capture).unwrap()[0];
    let coarse = segmenter.mask(&capture).unwrap();
    let gray = coarse.to_gray(480, 270);
    let checked = checker
        .check_capture(&CheckInput {
            capture: &capture,
            burst: &[],
            challenge: Challenge::Blink,
            person_mask: Some(&gray),
        })
        .unwrap();
    let photo_face = checked
        .face
        .unwrap()
        .with_mesh_eyes(checked.mesh.as_ref().unwrap());

    if std::env::var_os("TUCAI_BENCH_CPU").is_some() {
        cpu_per_call("make_and_check_burst_of_4", || {
            lab.make_and_check(&capture, &burst_arc, &|_| {}).unwrap();
        });
        cpu_per_call("original_jpeg", || {
            tucai::photo::jpeg::encode(&capture, 90, None).unwrap();
        });
        cpu_per_call("segment", || {
            segmenter.mask(&capture).unwrap();
        });
        cpu_per_call("detect", || {
            detector.detect(&capture).unwrap();
        });
        cpu_per_call("mesh_2_passes", || {
            mesh.landmarks(&capture, &face).unwrap();
        });
        cpu_per_call("check_still_with_mask", || {
            checker.check_still(&capture, Some(&gray)).unwrap();
        });
        cpu_per_call("check_capture_with_mask_burst_of_4", || {
            checker
                .check_capture(&CheckInput {
                    capture: &capture,
                    burst: &burst,
                    challenge: Challenge::Blink,
                    person_mask: Some(&gray),
                })
                .unwrap();
        });
        cpu_per_call("make_with_mask", || {
            tucai::photo::make_with_mask(&capture, &coarse, &photo_face, &config.photo).unwrap();
        });
    }

    let mut g = c.benchmark_group("lab_1920x1080");
    g.sample_size(10);
    g.bench_function("make_and_check_burst_of_4", |b| {
        b.iter(|| {
            lab.make_and_check(black_box(&capture), &burst_arc, &|_| {})
                .unwrap()
        })
    });
    // The same work one stage after the other on one thread, what `make_and_check` did before it
    // used the second core.
    let sequential = || {
        black_box(tucai::photo::jpeg::encode(&capture, 90, None).unwrap());
        let coarse = segmenter.mask(&capture).unwrap();
        let gray = coarse.to_gray(480, 270);
        let checked = checker
            .check_capture(&CheckInput {
                capture: &capture,
                burst: &burst,
                challenge: Challenge::Blink,
                person_mask: Some(&gray),
            })
            .unwrap();
        let face = checked
            .face
            .unwrap()
            .with_mesh_eyes(checked.mesh.as_ref().unwrap());
        tucai::photo::make_with_mask(&capture, &coarse, &face, &config.photo).unwrap()
    };
    g.bench_function("sequential_one_thread_burst_of_4", |b| {
        b.iter(|| black_box(sequential()))
    });
    g.bench_function("original_jpeg", |b| {
        b.iter(|| tucai::photo::jpeg::encode(black_box(&capture), 90, None).unwrap())
    });
    g.bench_function("segment", |b| {
        b.iter(|| segmenter.mask(black_box(&capture)).unwrap())
    });
    g.bench_function("mask_to_gray", |b| {
        b.iter(|| black_box(&coarse).to_gray(480, 270))
    });
    g.bench_function("detect", |b| {
        b.iter(|| detector.detect(black_box(&capture)).unwrap())
    });
    g.bench_function("mesh_2_passes", |b| {
        b.iter(|| mesh.landmarks(black_box(&capture), &face).unwrap())
    });
    g.bench_function("mesh_track_1_pass", |b| {
        let m = checked.mesh.as_ref().unwrap();
        b.iter(|| mesh.track(black_box(&burst[0]), m).unwrap())
    });
    g.bench_function("check_still_with_mask", |b| {
        b.iter(|| {
            checker
                .check_still(black_box(&capture), Some(&gray))
                .unwrap()
        })
    });
    g.bench_function("check_capture_with_mask_burst_of_4", |b| {
        b.iter(|| {
            checker
                .check_capture(&CheckInput {
                    capture: black_box(&capture),
                    burst: &burst,
                    challenge: Challenge::Blink,
                    person_mask: Some(&gray),
                })
                .unwrap()
        })
    });
    g.bench_function("make_with_mask", |b| {
        b.iter(|| {
            tucai::photo::make_with_mask(black_box(&capture), &coarse, &photo_face, &config.photo)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
