//! Caption text for the print sheets, drawn with the shipped CJK font (WenQuanYi Micro Hei, in
//! `assets/fonts/`). Glyph outlines come from `skrifa` (already in the tree through egui); this
//! file only fills them: curves flattened to lines, non-zero winding, 4 sub-rows per pixel and
//! exact horizontal coverage, which is plenty for a 3 mm caption at 300 dpi.

use super::PhotoError;
use image::GrayImage;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, MetadataProvider};

/// The font file, embedded. (`ui::fonts` embeds the same file for the screens.)
pub static WQY_MICROHEI: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

/// Coverage (255 = ink) of `text` set in one line at `px` pixels per em; characters the font
/// lacks are left out.
pub fn render(text: &str, px: f32) -> Result<GrayImage, PhotoError> {
    let font = FontRef::from_index(WQY_MICROHEI, 0)
        .map_err(|e| PhotoError::Sheet(format!("caption font unreadable: {e}")))?;
    let size = Size::new(px);
    let loc = LocationRef::default();
    let metrics = font.metrics(size, loc);
    let advances = font.glyph_metrics(size, loc);
    let outlines = font.outline_glyphs();
    let charmap = font.charmap();
    let ascent = metrics.ascent.ceil();
    let height = (metrics.ascent - metrics.descent).ceil().max(1.0) as u32 + 1;
    let mut pen = Lines::default();
    let mut x = 0.0f32;
    for ch in text.chars() {
        let Some(gid) = charmap.map(ch) else { continue };
        if let Some(glyph) = outlines.get(gid) {
            pen.offset = (x, ascent);
            glyph
                .draw(DrawSettings::unhinted(size, loc), &mut pen)
                .map_err(|e| PhotoError::Sheet(format!("caption glyph: {e}")))?;
            pen.close();
        }
        x += advances.advance_width(gid).unwrap_or(px * 0.5);
    }
    let width = x.ceil().max(1.0) as u32 + 1;
    Ok(fill(&pen.segments, width, height))
}

/// Line segments in image pixels (y down), each with its winding direction.
#[derive(Default)]
struct Lines {
    segments: Vec<(f32, f32, f32, f32)>,
    start: (f32, f32),
    at: (f32, f32),
    offset: (f32, f32),
}

impl Lines {
    fn map(&self, x: f32, y: f32) -> (f32, f32) {
        (self.offset.0 + x, self.offset.1 - y)
    }
    fn push(&mut self, to: (f32, f32)) {
        if to != self.at {
            self.segments.push((self.at.0, self.at.1, to.0, to.1));
        }
        self.at = to;
    }
}

impl OutlinePen for Lines {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.at = self.map(x, y);
        self.start = self.at;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.map(x, y);
        self.push(p);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let (p0, c, p1) = (self.at, self.map(cx0, cy0), self.map(x, y));
        for i in 1..=8 {
            let t = i as f32 / 8.0;
            let u = 1.0 - t;
            self.push((
                u * u * p0.0 + 2.0 * u * t * c.0 + t * t * p1.0,
                u * u * p0.1 + 2.0 * u * t * c.1 + t * t * p1.1,
            ));
        }
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (p0, c0, c1, p1) = (
            self.at,
            self.map(cx0, cy0),
            self.map(cx1, cy1),
            self.map(x, y),
        );
        for i in 1..=12 {
            let t = i as f32 / 12.0;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.push((
                a * p0.0 + b * c0.0 + c * c1.0 + d * p1.0,
                a * p0.1 + b * c0.1 + c * c1.1 + d * p1.1,
            ));
        }
    }
    fn close(&mut self) {
        let s = self.start;
        self.push(s);
    }
}

fn fill(segments: &[(f32, f32, f32, f32)], w: u32, h: u32) -> GrayImage {
    const SUB: u32 = 4;
    let mut cover = vec![0.0f32; (w * h) as usize];
    let mut crossings: Vec<(f32, i32)> = Vec::new();
    for row in 0..h * SUB {
        let sy = (row as f32 + 0.5) / SUB as f32;
        crossings.clear();
        for &(x0, y0, x1, y1) in segments {
            if (y0 <= sy && y1 > sy) || (y1 <= sy && y0 > sy) {
                let x = x0 + (sy - y0) / (y1 - y0) * (x1 - x0);
                crossings.push((x, if y1 > y0 { 1 } else { -1 }));
            }
        }
        crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
        let y = (row / SUB) as usize;
        let mut winding = 0;
        for pair in crossings.windows(2) {
            winding += pair[0].1;
            if winding == 0 {
                continue;
            }
            let (a, b) = (
                pair[0].0.clamp(0.0, w as f32),
                pair[1].0.clamp(0.0, w as f32),
            );
            let mut x = a;
            while x < b {
                let px = x.floor();
                let end = (px + 1.0).min(b);
                let i = y * w as usize + px as usize;
                if let Some(c) = cover.get_mut(i) {
                    *c += (end - x) / SUB as f32;
                }
                x = end;
            }
        }
    }
    GrayImage::from_fn(w, h, |x, y| {
        image::Luma([(cover[(y * w + x) as usize].min(1.0) * 255.0).round() as u8])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_digits_leave_ink_in_their_own_boxes() {
        let img = render("2026 张三", 40.0).unwrap();
        assert!(
            img.width() > 100 && img.height() >= 40,
            "{:?}",
            img.dimensions()
        );
        let ink = |x0: u32, x1: u32| {
            (x0..x1)
                .flat_map(|x| (0..img.height()).map(move |y| (x, y)))
                .filter(|&(x, y)| img.get_pixel(x, y)[0] > 128)
                .count()
        };
        let w = img.width();
        // Digits on the left, two CJK glyphs (dense) on the right, and not everything is ink.
        assert!(ink(0, w / 3) > 50);
        assert!(ink(w * 2 / 3, w) > 100);
        assert!(ink(0, w) < (w * img.height()) as usize / 2);
    }
}
