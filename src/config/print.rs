use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[print]`: the paper photos the notice promises (5 per student).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrintConfig {
    pub copies: u32,
    /// Sheet size in millimetres (default 6-inch photo paper, 152×102 mm).
    pub sheet_width_mm: f32,
    pub sheet_height_mm: f32,
    /// Printed photo size in millimetres (default 33×48 mm).
    pub photo_width_mm: f32,
    pub photo_height_mm: f32,
    pub dpi: u32,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            copies: 5,
            sheet_width_mm: 152.0,
            sheet_height_mm: 102.0,
            photo_width_mm: 33.0,
            photo_height_mm: 48.0,
            dpi: 300,
        }
    }
}

impl PrintConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("print");
        r.range("copies", self.copies, 1, 50);
        r.range("sheet_width_mm", self.sheet_width_mm, 50.0, 1000.0);
        r.range("sheet_height_mm", self.sheet_height_mm, 50.0, 1000.0);
        r.range(
            "photo_width_mm",
            self.photo_width_mm,
            10.0,
            self.sheet_width_mm,
        );
        r.range(
            "photo_height_mm",
            self.photo_height_mm,
            10.0,
            self.sheet_height_mm,
        );
        r.range("dpi", self.dpi, 72, 1200);
        r.finish()
    }
}
