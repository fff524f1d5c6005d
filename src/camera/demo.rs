//! The demo camera (`--camera demo`): shows the pictures bundled in `assets/demo/` as a station's
//! webcam would see them, following the flow, so the station can be shown and tested without a
//! webcam. While the welcome screen waits for a code it shows a phone held up with a demo
//! student's capture code (two phones in turn, one per demo student); from the moment a student
//! is identified it shows that student in front of the backdrop, with the small sway of a person
//! standing still; after the student leaves, the empty backdrop for a moment, then the phones
//! again, the next student's first. The window says which through a [`DemoDirector`]. The pictures are compiled into the binary: nothing is read at run
//! time.

use super::{CameraError, FrameSource, SourceInfo};
use image::RgbImage;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// The capture code the first demo phone shows; the demo roster gives it to the demo student
/// who passes every check.
pub const DEMO_CAPTURE_CODE: &str = "TUCAI-DEMO-0001";
/// The capture code of the second demo phone: the demo student who smiles with their teeth
/// showing, so the mouth rule fails and its hint shows.
pub const DEMO_SMILE_CODE: &str = "TUCAI-DEMO-0002";

const PHONES: [&[u8]; 2] = [
    include_bytes!("../../assets/demo/phone_code.jpg"),
    include_bytes!("../../assets/demo/phone_code_2.jpg"),
];
const PERSON_PASS: &[u8] = include_bytes!("../../assets/demo/person_pass.jpg");
const PERSON_SMILE: &[u8] = include_bytes!("../../assets/demo/person.jpg");

/// How long each phone is held up before the other one is.
const PHONE_TURN: Duration = Duration::from_secs(5);

/// Which demo student stands in front of the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoPerson {
    /// Closed lips, level head, bare head: passes every check and makes the standard photo.
    Passing,
    /// Smiles with the teeth showing: `mouth.closed` fails, before the shot and after it.
    Smiling,
}

/// What the demo camera shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoScene {
    /// The phones with the demo capture codes held up in turn, starting with phone `first` (0:
    /// the passing student's, 1: the smiling student's).
    Phones {
        first: u8,
    },
    /// The empty backdrop: the student has just left and the next one has not stepped up yet.
    Backdrop,
    Person(DemoPerson),
}

impl Default for DemoScene {
    fn default() -> DemoScene {
        DemoScene::Phones { first: 0 }
    }
}

impl DemoScene {
    fn to_u8(self) -> u8 {
        match self {
            DemoScene::Phones { first } => first.min(1),
            DemoScene::Backdrop => 2,
            DemoScene::Person(DemoPerson::Passing) => 3,
            DemoScene::Person(DemoPerson::Smiling) => 4,
        }
    }

    fn from_u8(v: u8) -> DemoScene {
        match v {
            1 => DemoScene::Phones { first: 1 },
            2 => DemoScene::Backdrop,
            3 => DemoScene::Person(DemoPerson::Passing),
            4 => DemoScene::Person(DemoPerson::Smiling),
            _ => DemoScene::Phones { first: 0 },
        }
    }
}

/// The window's hold on the demo camera: it sets the scene from the screen the student is on; the
/// camera thread reads it for every frame. Cloning shares the same scene.
#[derive(Debug, Clone, Default)]
pub struct DemoDirector(Arc<AtomicU8>);

impl DemoDirector {
    pub fn set(&self, scene: DemoScene) {
        self.0.store(scene.to_u8(), Ordering::Relaxed);
    }

    pub fn scene(&self) -> DemoScene {
        DemoScene::from_u8(self.0.load(Ordering::Relaxed))
    }
}

/// The decoded pictures.
struct Pictures {
    phones: Vec<RgbImage>,
    backdrop: RgbImage,
    passing: RgbImage,
    smiling: RgbImage,
}

pub struct DemoSource {
    period: Duration,
    director: DemoDirector,
    pictures: Option<Pictures>,
    next_at: Instant,
    /// The scene of the last frame and when it began: the phones start with the first one, and
    /// the sway starts at rest.
    shown: (DemoScene, Instant),
}

impl DemoSource {
    pub fn new(fps: u32, director: DemoDirector) -> DemoSource {
        let now = Instant::now();
        DemoSource {
            period: Duration::from_secs(1) / fps.clamp(1, 120),
            director,
            pictures: None,
            next_at: now,
            shown: (DemoScene::default(), now),
        }
    }
}

/// The station's backdrop with nobody in front of it: the plain mid-grey cloth and the lamp's
/// gentle falloff of the person pictures (assets/demo/README.md), without their noise.
fn backdrop(w: u32, h: u32) -> RgbImage {
    let cloth = [150.0f32, 153.0, 158.0];
    let (cx, fw, fh) = (
        w as f32 / 2.0,
        (w as f32 / 2.0).max(1.0),
        (h as f32).max(1.0),
    );
    RgbImage::from_fn(w, h, |x, y| {
        let light = 1.0 - 0.10 * ((x as f32 - cx) / fw).powi(2) - 0.05 * (y as f32 / fh);
        image::Rgb(cloth.map(|c| (c * light).round().clamp(0.0, 255.0) as u8))
    })
}

fn decode(bytes: &[u8]) -> Result<RgbImage, CameraError> {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .map(|i| i.to_rgb8())
        .map_err(|e| CameraError::Decode(format!("bundled demo picture: {e}")))
}

/// The person's sway at `t` seconds into the scene, in pixels: a few pixels side to side and
/// less up and down, slow, as someone standing still in front of a camera moves. Starts at 0.
pub fn sway(t: f32) -> (i32, i32) {
    use std::f32::consts::TAU;
    let dx = 5.0 * (TAU * t / 6.0).sin();
    let dy = 2.0 * (TAU * t / 4.3).sin();
    (dx.round() as i32, dy.round() as i32)
}

/// `img` moved by (dx, dy) pixels, the edge pixels repeated where the frame uncovers (the
/// backdrop's edge: the person stays whole; only the picture moves, nothing in it is changed).
pub fn shifted(img: &RgbImage, dx: i32, dy: i32) -> RgbImage {
    if (dx, dy) == (0, 0) || img.width() == 0 || img.height() == 0 {
        return img.clone();
    }
    let (w, h) = img.dimensions();
    let raw = img.as_raw();
    let row = w as usize * 3;
    // Whole rows at a time: the demo camera does this for every frame at 30 fps.
    let d = (dx.unsigned_abs() as usize).min(w as usize);
    let mut out = Vec::with_capacity(raw.len());
    for y in 0..i64::from(h) {
        let sy = (y - i64::from(dy)).clamp(0, i64::from(h) - 1) as usize;
        let src = &raw[sy * row..(sy + 1) * row];
        if dx >= 0 {
            for _ in 0..d {
                out.extend_from_slice(&src[..3]);
            }
            out.extend_from_slice(&src[..row - d * 3]);
        } else {
            out.extend_from_slice(&src[d * 3..]);
            for _ in 0..d {
                out.extend_from_slice(&src[row - 3..]);
            }
        }
    }
    RgbImage::from_raw(w, h, out).unwrap_or_else(|| img.clone())
}

impl FrameSource for DemoSource {
    fn open(&mut self) -> Result<SourceInfo, CameraError> {
        let passing = decode(PERSON_PASS)?;
        let pictures = Pictures {
            phones: PHONES.iter().map(|b| decode(b)).collect::<Result<_, _>>()?,
            backdrop: backdrop(passing.width(), passing.height()),
            passing,
            smiling: decode(PERSON_SMILE)?,
        };
        let (width, height) = pictures.passing.dimensions();
        self.pictures = Some(pictures);
        let now = Instant::now();
        self.next_at = now;
        self.shown = (self.director.scene(), now);
        Ok(SourceInfo {
            name: "demo".into(),
            width,
            height,
            format: "JPEG (bundled)".into(),
        })
    }

    fn next_frame(&mut self) -> Result<RgbImage, CameraError> {
        let Some(pictures) = &self.pictures else {
            return Err(CameraError::NotOpen);
        };
        let now = Instant::now();
        if self.next_at > now {
            std::thread::sleep(self.next_at - now);
        }
        self.next_at += self.period;
        let scene = self.director.scene();
        if scene != self.shown.0 {
            self.shown = (scene, Instant::now());
        }
        let t = self.shown.1.elapsed();
        Ok(match scene {
            DemoScene::Phones { first } => {
                let turn = (t.as_millis() / PHONE_TURN.as_millis()) as usize + usize::from(first);
                pictures.phones[turn % pictures.phones.len()].clone()
            }
            DemoScene::Backdrop => pictures.backdrop.clone(),
            DemoScene::Person(who) => {
                let img = match who {
                    DemoPerson::Passing => &pictures.passing,
                    DemoPerson::Smiling => &pictures.smiling,
                };
                let (dx, dy) = sway(t.as_secs_f32());
                shifted(img, dx, dy)
            }
        })
    }

    fn close(&mut self) {
        self.pictures = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_director_sets_what_the_camera_shows() {
        let director = DemoDirector::default();
        assert_eq!(
            director.scene(),
            DemoScene::Phones { first: 0 },
            "the phones first"
        );
        let mut cam = DemoSource::new(120, director.clone());
        cam.open().unwrap();
        let phone = cam.next_frame().unwrap();
        director.set(DemoScene::Person(DemoPerson::Smiling));
        let smiling = cam.next_frame().unwrap();
        director.set(DemoScene::Person(DemoPerson::Passing));
        let passing = cam.next_frame().unwrap();
        assert_eq!(phone.dimensions(), (1280, 720));
        assert_ne!(phone, smiling);
        assert_ne!(smiling, passing);
        director.set(DemoScene::Backdrop);
        let empty = cam.next_frame().unwrap();
        assert_ne!(empty, phone);
        assert_ne!(empty, passing);
        director.set(DemoScene::Phones { first: 1 });
        let second = cam.next_frame().unwrap();
        assert_ne!(second, phone, "the other phone first");
        director.set(DemoScene::Phones { first: 0 });
        assert_eq!(cam.next_frame().unwrap(), phone, "back to the first phone");
        cam.close();
        assert!(matches!(cam.next_frame(), Err(CameraError::NotOpen)));
    }

    #[test]
    fn the_sway_is_small_and_starts_at_rest() {
        assert_eq!(sway(0.0), (0, 0));
        for i in 0..200 {
            let (dx, dy) = sway(i as f32 * 0.1);
            assert!(dx.abs() <= 5 && dy.abs() <= 2, "{dx},{dy}");
        }
        assert!((0..60).any(|i| sway(i as f32 * 0.1).0 != 0), "it moves");
    }

    #[test]
    fn a_shift_moves_the_picture_and_repeats_its_edge() {
        let img = RgbImage::from_fn(4, 3, |x, y| image::Rgb([x as u8, y as u8, 9]));
        let s = shifted(&img, 1, -1);
        assert_eq!(s.dimensions(), (4, 3));
        // The pixel at (2,1) came from (1,2).
        assert_eq!(s.get_pixel(2, 1).0, [1, 2, 9]);
        // The uncovered left column repeats the edge, the bottom row too.
        assert_eq!(s.get_pixel(0, 0).0, [0, 1, 9]);
        assert_eq!(s.get_pixel(3, 2).0, [2, 2, 9]);
        assert_eq!(shifted(&img, 0, 0), img);
    }
}
