//! The demo camera (`--camera demo`): loops the pictures bundled in `assets/demo/` (a phone
//! showing the demo capture code, then a person), so the station can be shown and tested without
//! a webcam. The pictures are compiled into the binary: nothing is read at run time.

use super::{CameraError, FrameSource, SourceInfo};
use image::RgbImage;
use std::time::{Duration, Instant};

/// The capture code the demo phone shows; the demo roster gives it to a demo student.
pub const DEMO_CAPTURE_CODE: &str = "TUCAI-DEMO-0001";

const PHONE: &[u8] = include_bytes!("../../assets/demo/phone_code.jpg");
const PERSON: &[u8] = include_bytes!("../../assets/demo/person.jpg");

/// How long each picture stays in front of the "camera".
const SCENES: [(&[u8], Duration); 2] = [
    (PHONE, Duration::from_secs(4)),
    (PERSON, Duration::from_secs(8)),
];

pub struct DemoSource {
    period: Duration,
    scenes: Vec<(RgbImage, Duration)>,
    started: Instant,
    next_at: Instant,
}

impl DemoSource {
    pub fn new(fps: u32) -> DemoSource {
        DemoSource {
            period: Duration::from_secs(1) / fps.clamp(1, 120),
            scenes: Vec::new(),
            started: Instant::now(),
            next_at: Instant::now(),
        }
    }
}

impl FrameSource for DemoSource {
    fn open(&mut self) -> Result<SourceInfo, CameraError> {
        let mut scenes = Vec::new();
        for (bytes, shown) in SCENES {
            let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
                .map_err(|e| CameraError::Decode(format!("bundled demo picture: {e}")))?;
            scenes.push((img.to_rgb8(), shown));
        }
        let (width, height) = scenes[0].0.dimensions();
        self.scenes = scenes;
        self.started = Instant::now();
        self.next_at = self.started;
        Ok(SourceInfo {
            name: "demo".into(),
            width,
            height,
            format: "JPEG (bundled)".into(),
        })
    }

    fn next_frame(&mut self) -> Result<RgbImage, CameraError> {
        if self.scenes.is_empty() {
            return Err(CameraError::NotOpen);
        }
        let now = Instant::now();
        if self.next_at > now {
            std::thread::sleep(self.next_at - now);
        }
        self.next_at += self.period;
        let cycle: Duration = self.scenes.iter().map(|(_, d)| *d).sum();
        let mut t = Duration::from_nanos(
            (self.started.elapsed().as_nanos() % cycle.as_nanos().max(1)) as u64,
        );
        for (img, shown) in &self.scenes {
            if t < *shown {
                return Ok(img.clone());
            }
            t -= *shown;
        }
        Ok(self.scenes[0].0.clone())
    }

    fn close(&mut self) {
        self.scenes.clear();
    }
}
