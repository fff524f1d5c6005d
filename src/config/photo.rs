use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[photo]`: the standard photo of SPEC §5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhotoConfig {
    pub width: u32,
    pub height: u32,
    /// Background colour the backdrop is replaced with, RGB. In the file either a name the
    /// standard lists (`"blue"` (100, 197, 255), `"white"` (255, 255, 255), `"grey"` (240, 240,
    /// 240)) or an RGB triple `[r, g, b]`.
    #[serde(deserialize_with = "background_colour")]
    pub background: [u8; 3],
    pub dpi: u32,
    pub min_quality: u8,
    pub min_kb: u32,
    pub max_kb: u32,
    /// Head top, eye line and face width in output pixels.
    pub head_top_min: u32,
    pub head_top_max: u32,
    pub eye_line_min: u32,
    pub eye_line_max: u32,
    pub face_width_min: u32,
    pub face_width_max: u32,
    /// Largest enlargement of the capture allowed to reach the face width (more is blur).
    pub max_upscale: f32,
    /// Largest head roll (degrees) of a photo that is made; more is refused (a retake). The
    /// photo is never turned: the standard forbids rotating the image or a part of it.
    pub max_roll_deg: f32,
}

/// The standard's light blue, its reference colour.
pub const BLUE: [u8; 3] = [100, 197, 255];
/// The standard's white.
pub const WHITE: [u8; 3] = [255, 255, 255];
/// The standard's light grey.
pub const GREY: [u8; 3] = [240, 240, 240];

/// The background colours the standard names, as the file may spell them.
const NAMED: [(&str, [u8; 3]); 5] = [
    ("blue", BLUE),
    ("white", WHITE),
    ("grey", GREY),
    ("gray", GREY),
    ("light-blue", BLUE),
];

/// `background = "blue"` or `background = [100, 197, 255]`.
fn background_colour<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[u8; 3], D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Colour {
        Name(String),
        Rgb([u8; 3]),
    }
    match Colour::deserialize(d).map_err(|_| {
        serde::de::Error::custom(
            "expected \"blue\", \"white\", \"grey\" or an RGB triple like [100, 197, 255]",
        )
    })? {
        Colour::Rgb(rgb) => Ok(rgb),
        Colour::Name(name) => NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, rgb)| *rgb)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown colour {name:?}: expected \"blue\", \"white\", \"grey\" or an RGB triple"
                ))
            }),
    }
}

impl Default for PhotoConfig {
    fn default() -> Self {
        PhotoConfig {
            width: 480,
            height: 640,
            background: BLUE,
            dpi: 300,
            min_quality: 60,
            min_kb: 20,
            max_kb: 40,
            head_top_min: 50,
            head_top_max: 110,
            eye_line_min: 200,
            eye_line_max: 300,
            face_width_min: 180,
            face_width_max: 300,
            max_upscale: 1.5,
            max_roll_deg: 10.0,
        }
    }
}

impl PhotoConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("photo");
        r.range("width", self.width, 120, 4000);
        r.range("height", self.height, 160, 6000);
        r.range("dpi", self.dpi, 72, 1200);
        // The standard: JPEG quality factor at least 60. A file may ask for more, never less.
        r.range("min_quality", self.min_quality, 60, 100);
        r.range("min_kb", self.min_kb, 1, 10_000);
        r.ordered("min_kb", self.min_kb, "max_kb", self.max_kb);
        r.ordered(
            "head_top_min",
            self.head_top_min,
            "head_top_max",
            self.head_top_max,
        );
        r.ordered(
            "eye_line_min",
            self.eye_line_min,
            "eye_line_max",
            self.eye_line_max,
        );
        r.ordered(
            "face_width_min",
            self.face_width_min,
            "face_width_max",
            self.face_width_max,
        );
        r.range("max_upscale", self.max_upscale, 0.1, 4.0);
        r.range("max_roll_deg", self.max_roll_deg, 0.0, 45.0);
        r.require(
            self.eye_line_max < self.height,
            "eye_line_max",
            "must be inside the photo height",
        );
        r.require(
            self.face_width_max <= self.width,
            "face_width_max",
            "must not exceed the photo width",
        );
        r.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;
    use std::path::Path;

    fn photo(text: &str) -> Result<PhotoConfig, super::super::ConfigError> {
        Config::from_toml(text, Path::new("test.toml")).map(|c| c.photo)
    }

    #[test]
    fn the_defaults_are_the_standards() {
        let c = PhotoConfig::default();
        assert_eq!((c.width, c.height, c.dpi), (480, 640, 300));
        assert_eq!(c.background, [100, 197, 255]);
        assert_eq!((c.min_kb, c.max_kb, c.min_quality), (20, 40, 60));
        assert_eq!((c.head_top_min, c.head_top_max), (50, 110));
        assert_eq!((c.eye_line_min, c.eye_line_max), (200, 300));
        assert_eq!((c.face_width_min, c.face_width_max), (180, 300));
    }

    #[test]
    fn the_background_is_a_name_the_standard_lists_or_an_rgb_triple() {
        for (text, rgb) in [
            ("\"blue\"", BLUE),
            ("\"White\"", WHITE),
            ("\"grey\"", GREY),
            ("\"gray\"", GREY),
            ("[12, 34, 56]", [12, 34, 56]),
        ] {
            let c = photo(&format!("[photo]\nbackground = {text}\n")).unwrap();
            assert_eq!(c.background, rgb, "{text}");
        }
        for bad in ["\"pink\"", "[1, 2]", "[300, 0, 0]", "7"] {
            let err = photo(&format!("[photo]\nbackground = {bad}\n")).unwrap_err();
            assert_eq!(err.key(), "photo.background", "{bad}: {err}");
        }
        let err = photo("[photo]\nbackground = \"pink\"\n").unwrap_err();
        assert!(err.to_string().contains("\"blue\""), "{err}");
    }

    #[test]
    fn a_jpeg_quality_under_the_standards_60_is_refused() {
        let err = photo("[photo]\nmin_quality = 50\n").unwrap_err();
        assert_eq!(err.key(), "photo.min_quality", "{err}");
        assert_eq!(
            photo("[photo]\nmin_quality = 75\n").unwrap().min_quality,
            75
        );
    }
}
