//! The full check of one 1920×1080 capture (what the station runs after every shot), and its
//! model stages alone (detector, mesh, the two anti-spoofing models). Figures:
//! `docs/PERFORMANCE.md`, "## Checks".
//!
//! `cargo bench --bench checks -- --quick`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use tucai::check::{Challenge, CheckInput, Checker};
use tucai::config::Config;
use tucai::face::{AntiSpoof, FaceDetector, FaceMesh, Point, antispoof_box};

#[path = "../tests/it/defects.rs"]
mod defects;

fn bench(c: &mut Criterion) {
    let config = Config::default();
    let t = std::time::Instant::now();
    let checker = Checker::new(&config.checks, &config.photo).unwrap();
    eprintln!(
        "Checker::new (both models, one plan) took {:?}",
        t.elapsed()
    );
    let detector = FaceDetector::new().unwrap();
    let mesh = FaceMesh::new().unwrap();
    let obama = defects::fixture("fr_obama.jpg");
    let capture = defects::studio(&detector, &obama, 1.3, Point::new(960.0, 430.0), 1);
    let img = &capture.img;
    assert_eq!(img.dimensions(), (1920, 1080));
    let face = detector.detect(img).unwrap()[0];
    let t = std::time::Instant::now();
    let spoof = AntiSpoof::new().unwrap();
    eprintln!(
        "AntiSpoof::new (both MiniFASNet models) took {:?}",
        t.elapsed()
    );
    let burst: Vec<_> = (0..4)
        .map(|i| defects::noise(&capture, 2.0, i).img)
        .collect();

    let mut g = c.benchmark_group("checks_1920x1080");
    g.sample_size(10);
    g.bench_function("detect", |b| {
        b.iter(|| detector.detect(black_box(img)).unwrap())
    });
    g.bench_function("mesh", |b| {
        b.iter(|| mesh.landmarks(black_box(img), &face).unwrap())
    });
    g.bench_function("antispoof", |b| {
        b.iter(|| {
            spoof
                .judge(black_box(img), &antispoof_box(&face.bbox))
                .unwrap()
                .expect("the bench frame has room around the face")
        })
    });
    g.bench_function("check_still", |b| {
        b.iter(|| checker.check_still(black_box(img), None).unwrap())
    });
    g.bench_function("check_still_with_mask", |b| {
        b.iter(|| {
            checker
                .check_still(black_box(img), Some(&capture.mask))
                .unwrap()
        })
    });
    g.bench_function("check_with_burst_of_4", |b| {
        b.iter(|| {
            checker
                .check(&CheckInput {
                    capture: black_box(img),
                    burst: &burst,
                    challenge: Challenge::Blink,
                    person_mask: None,
                })
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
