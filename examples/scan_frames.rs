//! Writes the generated QR frames and measures the decoder on them.
//!
//! ```text
//! cargo run --release --example scan_frames -- demo [PORTRAIT]   # rewrites assets/demo/*.jpg
//! cargo run --release --example scan_frames -- hard DIR          # writes the hard set as PNG
//! cargo run --release --example scan_frames -- compare DIR       # tucai vs zbarimg, Markdown table
//! ```
//! `compare` runs `zbarimg` (Debian zbar-tools) on the same files; it is a measurement run by
//! hand, not a test.

#[path = "../tests/common/qr_frames.rs"]
mod qr_frames;

use image::{Rgb, RgbImage};
use qr_frames::{Shot, frame, hard_set};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tucai::camera::DEMO_CAPTURE_CODE;

const HARD_PAYLOAD: &str = "TUCAI-DEMO-0001";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => demo(args.get(1).map(PathBuf::from)),
        Some("hard") => hard(Path::new(args.get(1).map(String::as_str).unwrap_or("hard"))),
        Some("compare") => compare(Path::new(args.get(1).map(String::as_str).unwrap_or("hard"))),
        _ => eprintln!("usage: scan_frames demo [PORTRAIT] | hard DIR | compare DIR"),
    }
}

fn save_jpeg(img: &RgbImage, path: &Path, quality: u8) {
    let mut out = std::fs::File::create(path).expect("create file");
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    img.write_with_encoder(enc).expect("encode JPEG");
}

/// `portrait`: the person of the demo frame; default the repository's test portrait.
fn demo(portrait: Option<PathBuf>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    // A phone held up slightly turned, as a student does.
    let shot = Shot {
        size: 230.0,
        rotate_deg: -6.0,
        tilt_deg: 15.0,
        ..Shot::default()
    };
    save_jpeg(
        &frame(DEMO_CAPTURE_CODE.as_bytes(), &shot),
        &dir.join("phone_code.jpg"),
        85,
    );
    // The person: the test portrait centred on a 1280×720 frame with a plain light backdrop.
    let portrait = portrait.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faces/fr_obama.jpg")
    });
    let portrait = image::open(&portrait)
        .unwrap_or_else(|e| panic!("cannot read the portrait {}: {e}", portrait.display()))
        .to_rgb8();
    let scaled =
        image::imageops::resize(&portrait, 576, 720, image::imageops::FilterType::Triangle);
    let mut canvas = RgbImage::from_pixel(1280, 720, Rgb([214, 218, 222]));
    image::imageops::overlay(&mut canvas, &scaled, (1280 - 576) / 2, 0);
    save_jpeg(&canvas, &dir.join("person.jpg"), 85);
    println!("wrote {}", dir.display());
}

fn hard(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create dir");
    for (name, shot) in hard_set() {
        let img = frame(HARD_PAYLOAD.as_bytes(), &shot);
        img.save(dir.join(format!("{name}.png"))).expect("save PNG");
    }
    println!("wrote {} frames to {}", hard_set().len(), dir.display());
}

fn compare(dir: &Path) {
    println!("| frame | tucai (rqrr) | CPU ms | zbarimg |");
    println!("|---|---|---|---|");
    let (mut ours, mut zbar, mut n) = (0, 0, 0);
    let mut times = Vec::new();
    for (name, _) in hard_set() {
        let path: PathBuf = dir.join(format!("{name}.png"));
        let img = image::open(&path)
            .expect("hard set written by `hard`")
            .to_rgb8();
        // Warm once, then the median of 5. CPU time of this thread, not wall time: the machine is
        // shared, and wall time there measures the neighbours' load as much as the decoder.
        let _ = tucai::scan::decode_rgb(&img);
        let mut ts = Vec::new();
        let mut found = Vec::new();
        for _ in 0..5 {
            let (t, c) = (Instant::now(), thread_cpu_ns());
            found = tucai::scan::decode_rgb(&img);
            let wall = t.elapsed().as_secs_f64() * 1000.0;
            ts.push(match (c, thread_cpu_ns()) {
                (Some(a), Some(b)) => (b - a) as f64 / 1e6,
                _ => wall,
            });
        }
        ts.sort_by(f64::total_cmp);
        let ms = ts[2];
        times.push(ms);
        let ok = found.iter().any(|d| d.payload == HARD_PAYLOAD.as_bytes());
        let z = Command::new("zbarimg")
            .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(&path)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains(HARD_PAYLOAD))
            .unwrap_or(false);
        n += 1;
        ours += ok as u32;
        zbar += z as u32;
        let mark = |b: bool| if b { "yes" } else { "**no**" };
        println!("| {name} | {} | {ms:.1} | {} |", mark(ok), mark(z));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "| **total** | **{ours}/{n}** | median {:.1}, max {:.1} | **{zbar}/{n}** |",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

/// CPU time this thread has run (Linux `CLOCK_THREAD_CPUTIME_ID`, ns precision); `None` where
/// that clock is not there.
fn thread_cpu_ns() -> Option<u64> {
    if !cfg!(all(target_os = "linux", target_pointer_width = "64")) {
        return None;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid, writable timespec of the layout 64-bit Linux uses.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    (rc == 0).then(|| t.sec as u64 * 1_000_000_000 + t.nsec as u64)
}
