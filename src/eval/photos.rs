//! `tucai eval photos DIR`: the standard photo against labels by eye, each made photo measured
//! again as a reviewer at the provincial system would.
//!
//! Every image with a `make` label goes through the same path as `tucai make` (the shared loader,
//! the face detector, [`PhotoMaker::make`]). A made photo is then measured **on the JPEG file
//! itself**, never from what the maker says it did: pixel size, file size, dpi and JPEG quality
//! from the file's headers; the face found again on the decoded photo (detector, then the face
//! mesh: eye line from the mesh's eye centres, face width between the cheeks, centring from the
//! cheeks' midpoint); the top of the hair as the first row, scanning down the centre of the head,
//! that is not the configured background colour; the background's colour and evenness over the
//! strips a reviewer looks at (above the head, beside it).
//!
//! Outcomes: **made to spec**, **made, off spec** (which measures), **refused correctly**
//! (`make: false`), **refused wrongly** (`make: true`), **made wrongly** (`make: false` but a photo
//! came out).

use super::{EvalError, labelled_sets};
use crate::config::{Config, PhotoConfig};
use crate::face::{FaceDetector, FaceMesh};
use crate::imageio::{LoadLimits, load_rgb};
use crate::photo::{PhotoMaker, jpeg, visible_head_top};
use image::RgbImage;
use std::fmt::Write as _;
use std::path::Path;

/// Largest distance (RGB, levels) of the background's mean from the configured colour. JPEG at
/// quality 60–100 moves a flat colour by a few levels; a visibly different blue is 10 or more.
pub const BACKGROUND_MAX_DELTA: f32 = 8.0;
/// Largest spread of the background: the standard deviation over its pixels and the difference
/// between its brightest and darkest blocks (a gradient or a shadow), levels.
pub const BACKGROUND_MAX_SPREAD: f32 = 4.0;
pub const BACKGROUND_MAX_GRADIENT: f32 = 6.0;
/// Largest distance of the head's centre from the photo's centre line, as a share of the width.
pub const CENTRE_MAX_OFFSET: f32 = 0.03;

/// What a reviewer measures on a made photo.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Measures {
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
    pub dpi: Option<(u16, u16)>,
    /// Estimated from the file's luminance quantisation table.
    pub quality: Option<u8>,
    /// Mean distance of the background from the configured colour, its spread and its largest
    /// block-to-block difference; `None` when no background strip could be measured.
    pub background: Option<BackgroundStats>,
    /// `None` when no face is found on the photo.
    pub face: Option<FaceMeasures>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackgroundStats {
    pub delta: f32,
    pub spread: f32,
    pub gradient: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceMeasures {
    /// First row of the head that is not background; `None` when the head reaches the top edge.
    pub head_top: Option<f32>,
    pub eye_line: f32,
    pub face_width: f32,
    /// Head centre minus the photo's centre line, px.
    pub centre_offset: f32,
}

/// A measure outside the standard, as the report names it.
#[derive(Debug, Clone, PartialEq)]
pub struct OffSpec {
    pub measure: &'static str,
    pub detail: String,
}

impl Measures {
    /// Every measure outside `c`'s ranges.
    pub fn off_spec(&self, c: &PhotoConfig) -> Vec<OffSpec> {
        let mut off = Vec::new();
        let mut add = |measure: &'static str, detail: String| off.push(OffSpec { measure, detail });
        if (self.width, self.height) != (c.width, c.height) {
            add(
                "size",
                format!(
                    "{}×{}, expected {}×{}",
                    self.width, self.height, c.width, c.height
                ),
            );
        }
        let kb = self.bytes as f32 / jpeg::KB as f32;
        if self.bytes < c.min_kb as usize * jpeg::KB || self.bytes > c.max_kb as usize * jpeg::KB {
            add(
                "kb",
                format!("{kb:.1} KB, expected {}–{}", c.min_kb, c.max_kb),
            );
        }
        let dpi = c.dpi.min(u16::MAX as u32) as u16;
        if self.dpi != Some((dpi, dpi)) {
            add("dpi", format!("{:?}, expected {dpi}", self.dpi));
        }
        match self.quality {
            Some(q) if q >= c.min_quality => {}
            q => add("quality", format!("{q:?}, expected ≥ {}", c.min_quality)),
        }
        match self.background {
            None => add("background", "no background beside the head".into()),
            Some(b) => {
                if b.delta > BACKGROUND_MAX_DELTA {
                    add(
                        "background",
                        format!("colour {:.1} levels off {:?}", b.delta, c.background),
                    );
                }
                if b.spread > BACKGROUND_MAX_SPREAD || b.gradient > BACKGROUND_MAX_GRADIENT {
                    add(
                        "evenness",
                        format!("spread {:.1}, gradient {:.1} levels", b.spread, b.gradient),
                    );
                }
            }
        }
        let Some(f) = self.face else {
            add("face", "no face found on the photo".into());
            return off;
        };
        let within = |v: f32, lo: u32, hi: u32| v >= lo as f32 && v <= hi as f32;
        match f.head_top {
            Some(t) if within(t, c.head_top_min, c.head_top_max) => {}
            Some(t) => add(
                "head_top",
                format!("{t:.0} px, expected {}–{}", c.head_top_min, c.head_top_max),
            ),
            None => add("head_top", "the head reaches the top edge".into()),
        }
        if !within(f.eye_line, c.eye_line_min, c.eye_line_max) {
            add(
                "eye_line",
                format!(
                    "{:.0} px, expected {}–{}",
                    f.eye_line, c.eye_line_min, c.eye_line_max
                ),
            );
        }
        if !within(f.face_width, c.face_width_min, c.face_width_max) {
            add(
                "face_width",
                format!(
                    "{:.0} px, expected {}–{}",
                    f.face_width, c.face_width_min, c.face_width_max
                ),
            );
        }
        if f.centre_offset.abs() > CENTRE_MAX_OFFSET * c.width as f32 {
            add("centre", format!("{:+.0} px off centre", f.centre_offset));
        }
        off
    }

    /// The measures in one line.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}×{}, {:.1} KB, {} dpi, q{}",
            self.width,
            self.height,
            self.bytes as f32 / jpeg::KB as f32,
            self.dpi.map_or("?".to_string(), |d| d.0.to_string()),
            self.quality.map_or("?".to_string(), |q| q.to_string()),
        );
        if let Some(b) = self.background {
            let _ = write!(
                s,
                ", background Δ{:.1} σ{:.1} grad {:.1}",
                b.delta, b.spread, b.gradient
            );
        }
        if let Some(f) = self.face {
            let _ = write!(
                s,
                ", head top {}, eyes {:.0}, face {:.0}, centre {:+.0}",
                f.head_top.map_or("edge".to_string(), |t| format!("{t:.0}")),
                f.eye_line,
                f.face_width,
                f.centre_offset
            );
        }
        s
    }
}

/// The outcome of one labelled portrait.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    MadeToSpec(Measures),
    MadeOffSpec(Measures, Vec<OffSpec>),
    /// A photo came out of a portrait that should have been refused.
    MadeWrongly(Measures),
    RefusedCorrectly(String),
    RefusedWrongly(String),
    /// The file could not be read or the models failed.
    Error(String),
}

impl Outcome {
    /// Classifies a maker's result against the label `make`.
    pub fn classify(make: bool, made: Result<Measures, String>, config: &PhotoConfig) -> Outcome {
        match (make, made) {
            (true, Ok(m)) => {
                let off = m.off_spec(config);
                if off.is_empty() {
                    Outcome::MadeToSpec(m)
                } else {
                    Outcome::MadeOffSpec(m, off)
                }
            }
            (false, Ok(m)) => Outcome::MadeWrongly(m),
            (true, Err(why)) => Outcome::RefusedWrongly(why),
            (false, Err(why)) => Outcome::RefusedCorrectly(why),
        }
    }

    fn line(&self) -> String {
        match self {
            Outcome::MadeToSpec(m) => format!("made to spec: {}", m.summary()),
            Outcome::MadeOffSpec(m, off) => format!(
                "made, OFF SPEC ({}): {}",
                off.iter()
                    .map(|o| format!("{} {}", o.measure, o.detail))
                    .collect::<Vec<_>>()
                    .join("; "),
                m.summary()
            ),
            Outcome::MadeWrongly(m) => {
                format!("MADE, but a refusal was expected: {}", m.summary())
            }
            Outcome::RefusedCorrectly(why) => format!("refused correctly: {why}"),
            Outcome::RefusedWrongly(why) => format!("REFUSED WRONGLY: {why}"),
            Outcome::Error(e) => format!("ERROR: {e}"),
        }
    }
}

/// Counts of each outcome, and how often each measure was off spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub to_spec: usize,
    pub off_spec: usize,
    pub made_wrongly: usize,
    pub refused_correctly: usize,
    pub refused_wrongly: usize,
    pub errors: usize,
    /// Measure → photos off spec on it.
    pub off_by_measure: std::collections::BTreeMap<&'static str, usize>,
}

impl Totals {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::MadeToSpec(_) => self.to_spec += 1,
            Outcome::MadeOffSpec(_, off) => {
                self.off_spec += 1;
                for m in off {
                    *self.off_by_measure.entry(m.measure).or_default() += 1;
                }
            }
            Outcome::MadeWrongly(_) => self.made_wrongly += 1,
            Outcome::RefusedCorrectly(_) => self.refused_correctly += 1,
            Outcome::RefusedWrongly(_) => self.refused_wrongly += 1,
            Outcome::Error(_) => self.errors += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.to_spec
            + self.off_spec
            + self.made_wrongly
            + self.refused_correctly
            + self.refused_wrongly
            + self.errors
    }

    pub fn summary(&self) -> String {
        let makeable = self.to_spec + self.off_spec + self.refused_wrongly;
        let mut s = format!(
            "{} portraits: made to spec {} of {} makeable; made off spec {}; refused wrongly {}; refused correctly {} of {}; made wrongly {}",
            self.total(),
            self.to_spec,
            makeable,
            self.off_spec,
            self.refused_wrongly,
            self.refused_correctly,
            self.refused_correctly + self.made_wrongly,
            self.made_wrongly,
        );
        if self.errors > 0 {
            let _ = write!(s, "; errors {}", self.errors);
        }
        if !self.off_by_measure.is_empty() {
            let by: Vec<String> = self
                .off_by_measure
                .iter()
                .map(|(m, n)| format!("{m} {n}"))
                .collect();
            let _ = write!(s, " (off spec by measure: {})", by.join(", "));
        }
        s
    }
}

/// The models a run needs, loaded once.
struct Models {
    detector: FaceDetector,
    mesh: FaceMesh,
    maker: PhotoMaker,
}

/// Scores the labelled portraits under `dir` with `config`'s `[photo]` and returns the report.
pub fn run(dir: &Path, config: &Config) -> Result<String, EvalError> {
    let sets = labelled_sets(dir)?;
    let models = Models {
        detector: FaceDetector::new().map_err(|e| EvalError::Models(e.to_string()))?,
        mesh: FaceMesh::new().map_err(|e| EvalError::Models(e.to_string()))?,
        maker: PhotoMaker::new().map_err(|e| EvalError::Models(e.to_string()))?,
    };
    let mut out = String::new();
    let mut totals = Totals::default();
    for set in &sets {
        let mut set_totals = Totals::default();
        for (file, label) in &set.labels {
            let Some(make) = label.make else { continue };
            let outcome = match make_and_measure(&models, &set.path_of(file), config) {
                Ok(made) => Outcome::classify(make, made, &config.photo),
                Err(e) => Outcome::Error(e),
            };
            let _ = writeln!(out, "{}/{file}: {}", set.name, outcome.line());
            set_totals.add(&outcome);
            totals.add(&outcome);
        }
        if sets.len() > 1 {
            let _ = writeln!(out, "{}: {}", set.name, set_totals.summary());
        }
    }
    let _ = writeln!(out, "total: {}", totals.summary());
    Ok(out)
}

/// The made photo's measures, or the maker's refusal (`Ok(Err(reason))`); `Err` when the file or
/// the models failed.
fn make_and_measure(
    models: &Models,
    path: &Path,
    config: &Config,
) -> Result<Result<Measures, String>, String> {
    let capture = load_rgb(path, LoadLimits::default()).map_err(|e| e.to_string())?;
    let faces = models
        .detector
        .detect(&capture)
        .map_err(|e| e.to_string())?;
    let Some(face) = faces
        .iter()
        .find(|f| f.score >= config.checks.face_min_score)
    else {
        return Ok(Err("no face found".into()));
    };
    match models.maker.make(&capture, face, &config.photo) {
        Ok(photo) => measure(models, &photo.jpeg, &config.photo).map(Ok),
        Err(crate::photo::PhotoError::Refused(r)) => Ok(Err(r.to_string())),
        Err(e) => Err(e.to_string()),
    }
}

/// Measures a made photo from its file, as a reviewer would.
fn measure(models: &Models, file: &[u8], c: &PhotoConfig) -> Result<Measures, String> {
    let img = image::load_from_memory(file)
        .map_err(|e| format!("the made photo does not decode: {e}"))?
        .to_rgb8();
    let mut m = Measures {
        width: img.width(),
        height: img.height(),
        bytes: file.len(),
        dpi: jpeg::jfif_dpi(file),
        quality: estimate_quality(file),
        ..Measures::default()
    };
    let faces = models.detector.detect(&img).map_err(|e| e.to_string())?;
    let Some(face) = faces
        .iter()
        .max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area()))
    else {
        m.background = background_stats(&img, c.background, None);
        return Ok(m);
    };
    let mesh = models
        .mesh
        .landmarks(&img, face)
        .map_err(|e| e.to_string())?;
    let (le, re) = mesh.eye_centres();
    // Cheek contour points of the mesh (left and right at the cheekbones): the face width as
    // "between the cheeks".
    let (lc, rc) = (mesh.point(234), mesh.point(454));
    let centre_x = (lc.x + rc.x) / 2.0;
    let face_width = lc.distance(rc);
    let eye_line = (le.y + re.y) / 2.0;
    let head_top = visible_head_top(&img, c.background, centre_x, face_width, eye_line);
    m.face = Some(FaceMeasures {
        head_top,
        eye_line,
        face_width,
        centre_offset: centre_x - img.width() as f32 / 2.0,
    });
    m.background = background_stats(&img, c.background, head_top);
    Ok(m)
}

/// The background's colour and evenness over what a reviewer looks at: the band above the head
/// (to 8 px above the hair) and the strips beside it (the outer 8 % of the width, from the top
/// down to the head's top plus 40 % of the height). `head_top` unknown: the top 8 % only.
pub fn background_stats(
    img: &RgbImage,
    background: [u8; 3],
    head_top: Option<f32>,
) -> Option<BackgroundStats> {
    let (w, h) = img.dimensions();
    let above = head_top.map_or(h * 8 / 100, |t| (t - 8.0).max(0.0) as u32);
    let side = (w * 8 / 100).max(1);
    let beside = head_top.map_or(0, |t| ((t + 0.4 * h as f32) as u32).min(h));
    let in_strips = |x: u32, y: u32| y < above || ((x < side || x >= w - side) && y < beside);
    // Blocks of 16×16: their means show a gradient or a shadow.
    const B: u32 = 16;
    let mut blocks: Vec<[f32; 3]> = Vec::new();
    let mut sum = [0f64; 3];
    let mut sum2 = [0f64; 3];
    let mut n = 0f64;
    for by in (0..h).step_by(B as usize) {
        for bx in (0..w).step_by(B as usize) {
            let mut bs = [0f64; 3];
            let mut bn = 0f64;
            for y in by..(by + B).min(h) {
                for x in bx..(bx + B).min(w) {
                    if !in_strips(x, y) {
                        continue;
                    }
                    let p = img.get_pixel(x, y).0;
                    for c in 0..3 {
                        let v = p[c] as f64;
                        sum[c] += v;
                        sum2[c] += v * v;
                        bs[c] += v;
                    }
                    n += 1.0;
                    bn += 1.0;
                }
            }
            // Only whole blocks: a sliver at a strip's end is a few pixels of JPEG ringing.
            if bn >= (B * B) as f64 * 0.9 {
                blocks.push(bs.map(|v| (v / bn) as f32));
            }
        }
    }
    if n < 64.0 {
        return None;
    }
    let mean = sum.map(|s| s / n);
    let delta = (0..3)
        .map(|c| (mean[c] - background[c] as f64).powi(2))
        .sum::<f64>()
        .sqrt() as f32;
    let spread = ((0..3)
        .map(|c| (sum2[c] / n - mean[c] * mean[c]).max(0.0))
        .sum::<f64>()
        / 3.0)
        .sqrt() as f32;
    let mut gradient = 0.0f32;
    for a in &blocks {
        for b in &blocks {
            let d = (0..3).map(|c| (a[c] - b[c]).abs()).fold(0.0, f32::max);
            gradient = gradient.max(d);
        }
    }
    Some(BackgroundStats {
        delta,
        spread,
        gradient,
    })
}

/// The IJG quality factor of a JPEG, estimated from its first (luminance) quantisation table
/// against the standard table it is a scaling of. `None` when the file has no 8-bit table.
pub fn estimate_quality(file: &[u8]) -> Option<u8> {
    const STD: [u16; 64] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69,
        56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81,
        104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];
    let at = file.windows(2).position(|w| w == [0xFF, 0xDB])?;
    let body = file.get(at + 4..)?;
    // Precision in the high nibble: 0 = 8-bit entries. Entries are in zig-zag order, but a sum
    // does not care about order.
    if body.first()? >> 4 != 0 {
        return None;
    }
    let table = body.get(1..65)?;
    let sum: u32 = table.iter().map(|&v| v as u32).sum();
    let std: u32 = STD.iter().map(|&v| v as u32).sum();
    let scale = sum as f32 * 100.0 / std as f32;
    let q = if scale <= 100.0 {
        (200.0 - scale) / 2.0
    } else {
        5000.0 / scale
    };
    Some(q.round().clamp(1.0, 100.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo_like(bg: [u8; 3], top: i32) -> RgbImage {
        // A dark head (ellipse) whose hair starts at `top` (above the photo when negative), on a
        // flat background.
        RgbImage::from_fn(480, 640, |x, y| {
            let (dx, dy) = (
                (x as f32 - 240.0) / 130.0,
                (y as f32 - top as f32 - 170.0) / 170.0,
            );
            if dx * dx + dy * dy < 1.0 || y > 520 {
                image::Rgb([60, 40, 30])
            } else {
                image::Rgb(bg)
            }
        })
    }

    fn good() -> Measures {
        Measures {
            width: 480,
            height: 640,
            bytes: 30 * 1024,
            dpi: Some((300, 300)),
            quality: Some(80),
            background: Some(BackgroundStats {
                delta: 2.0,
                spread: 1.0,
                gradient: 2.0,
            }),
            face: Some(FaceMeasures {
                head_top: Some(80.0),
                eye_line: 250.0,
                face_width: 240.0,
                centre_offset: 3.0,
            }),
        }
    }

    #[test]
    fn the_hair_top_is_the_first_row_off_the_background() {
        let img = photo_like([100, 197, 255], 77);
        let top = visible_head_top(&img, [100, 197, 255], 240.0, 240.0, 250.0).unwrap();
        assert!((top - 77.0).abs() <= 1.0, "{top}");
        // Hair at the very top: the head reaches the edge.
        let cut = photo_like([100, 197, 255], -60);
        assert_eq!(
            visible_head_top(&cut, [100, 197, 255], 240.0, 240.0, 250.0),
            None
        );
    }

    #[test]
    fn the_background_is_measured_against_the_configured_colour() {
        let img = photo_like([100, 197, 255], 80);
        let b = background_stats(&img, [100, 197, 255], Some(80.0)).unwrap();
        assert!(b.delta < 0.5 && b.spread < 0.5 && b.gradient < 0.5, "{b:?}");
        // Another blue is off by its distance.
        let other = background_stats(&img, [67, 142, 219], Some(80.0)).unwrap();
        assert!(other.delta > 70.0, "{other:?}");
        // A gradient from left to right shows in the block differences.
        let mut graded = img.clone();
        for (x, _, p) in graded.enumerate_pixels_mut() {
            if p.0 == [100, 197, 255] {
                p.0[0] = 90 + (x / 24) as u8;
            }
        }
        let g = background_stats(&graded, [100, 197, 255], Some(80.0)).unwrap();
        assert!(g.gradient > BACKGROUND_MAX_GRADIENT, "{g:?}");
    }

    #[test]
    fn the_quality_of_a_file_is_read_from_its_tables() {
        let img = photo_like([100, 197, 255], 80);
        for q in [60u8, 75, 90] {
            let file = jpeg::encode(&img, q, Some(300)).unwrap();
            let est = estimate_quality(&file).unwrap();
            assert!((est as i32 - q as i32).abs() <= 2, "{q}: {est}");
        }
        assert_eq!(estimate_quality(b"not a jpeg"), None);
    }

    #[test]
    fn every_measure_outside_the_standard_is_named() {
        let c = PhotoConfig::default();
        assert_eq!(good().off_spec(&c), vec![]);
        let mut m = good();
        m.bytes = 50 * 1024;
        m.dpi = Some((72, 72));
        m.face = Some(FaceMeasures {
            head_top: Some(30.0),
            eye_line: 320.0,
            face_width: 170.0,
            centre_offset: -40.0,
        });
        m.background = Some(BackgroundStats {
            delta: 20.0,
            spread: 9.0,
            gradient: 1.0,
        });
        let names: Vec<_> = m.off_spec(&c).iter().map(|o| o.measure).collect();
        assert_eq!(
            names,
            [
                "kb",
                "dpi",
                "background",
                "evenness",
                "head_top",
                "eye_line",
                "face_width",
                "centre"
            ]
        );
        m.face = None;
        assert!(m.off_spec(&c).iter().any(|o| o.measure == "face"));
    }

    #[test]
    fn outcomes_are_classified_against_the_label_and_totalled() {
        let c = PhotoConfig::default();
        let mut off = good();
        off.face = None;
        let outcomes = [
            Outcome::classify(true, Ok(good()), &c),
            Outcome::classify(true, Ok(off), &c),
            Outcome::classify(true, Err("too small".into()), &c),
            Outcome::classify(false, Err("hair cut".into()), &c),
            Outcome::classify(false, Ok(good()), &c),
        ];
        assert!(matches!(outcomes[0], Outcome::MadeToSpec(_)));
        assert!(matches!(outcomes[1], Outcome::MadeOffSpec(_, _)));
        assert!(matches!(outcomes[2], Outcome::RefusedWrongly(_)));
        assert!(matches!(outcomes[3], Outcome::RefusedCorrectly(_)));
        assert!(matches!(outcomes[4], Outcome::MadeWrongly(_)));
        let mut t = Totals::default();
        for o in &outcomes {
            t.add(o);
        }
        assert_eq!(
            (
                t.to_spec,
                t.off_spec,
                t.refused_wrongly,
                t.refused_correctly,
                t.made_wrongly
            ),
            (1, 1, 1, 1, 1)
        );
        let s = t.summary();
        assert!(s.contains("made to spec 1 of 3 makeable"), "{s}");
        assert!(s.contains("refused correctly 1 of 2"), "{s}");
        assert!(s.contains("face 1"), "{s}");
    }

    #[test]
    fn a_folder_without_labels_is_an_error_not_an_empty_report() {
        let root = tempfile::tempdir().unwrap();
        let err = run(root.path(), &Config::default()).unwrap_err();
        assert!(matches!(err, EvalError::NoLabels(_)), "{err}");
    }
}
