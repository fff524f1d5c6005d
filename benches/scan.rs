//! Decode time per 1280×720 frame (`cargo bench --bench scan`): a ~150 px code as a student holds
//! a phone, the dark-mode and tilted variants, and an empty frame (what the scan worker sees most
//! of the time) on each of the scan worker's turns (`decode_frame`).

#[path = "../tests/common/qr_frames.rs"]
mod qr_frames;

use criterion::{Criterion, criterion_group, criterion_main};
use qr_frames::{Shot, frame};
use std::hint::black_box;
use tucai::scan::{decode_frame, decode_rgb, luma};

fn bench(c: &mut Criterion) {
    let payload = b"TUCAI-DEMO-0001";
    let d = Shot::default();
    let cases = [
        ("code_150", frame(payload, &d)),
        (
            "code_150_inverted",
            frame(
                payload,
                &Shot {
                    inverted: true,
                    ..d
                },
            ),
        ),
        (
            "code_150_tilt_55",
            frame(
                payload,
                &Shot {
                    tilt_deg: 55.0,
                    ..d
                },
            ),
        ),
        ("code_60_tiny", frame(payload, &Shot { size: 60.0, ..d })),
    ];
    for (name, img) in &cases {
        assert!(
            decode_rgb(img).is_ok_and(|f| !f.is_empty()),
            "{name} must decode"
        );
        c.bench_function(&format!("decode_720p/{name}"), |b| {
            b.iter(|| decode_rgb(black_box(img)))
        });
    }
    let empty = luma(&frame(b"x", &Shot { size: 1.0, ..d }));
    // The scan worker's four turns on a frame without a code (the usual frame).
    for turn in 0..4u64 {
        c.bench_function(&format!("live_720p/no_code_turn_{turn}"), |b| {
            b.iter(|| decode_frame(black_box(&empty), turn))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
