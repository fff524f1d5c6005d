//! Print sheets: `copies` prints of one student's photo on one sheet of photo paper, with cut
//! marks and a caption (student number and name), as a PNG page or a PDF.
//!
//! Layout: 2 mm margins and 2 mm gaps between photos (cut marks sit in the gaps), one caption per
//! sheet in a strip along the bottom, or along the right edge (turned 90°) when the bottom strip
//! costs a row of photos (the default 152×102 mm sheet fits 2 rows of 33×48 mm photos only
//! without it). The photo fills its box; when the aspect ratios differ the excess is cut evenly
//! from the sides it has too much of (480×640 into 33×48 mm loses 20 px at each side, never the
//! head or the chin).

use super::PhotoError;
use crate::config::PrintConfig;
use image::{Rgb, RgbImage};

const MARGIN_MM: f32 = 2.0;
const GAP_MM: f32 = 2.0;
const CAPTION_MM: f32 = 3.0;
const STRIP_MM: f32 = 5.0;
const MARK_MM: f32 = 1.5;
const MARK_OFFSET_MM: f32 = 0.3;

/// What is printed under the photos.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub student_no: String,
    pub name: String,
}

/// Where things go on a sheet, in sheet pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    /// Top-left corners of the photo boxes, `copies` of them.
    pub photos: Vec<(u32, u32)>,
    pub photo_width: u32,
    pub photo_height: u32,
    /// Caption box (x, y, w, h) and whether the text runs upwards (right-edge strip).
    pub caption: (u32, u32, u32, u32),
    pub caption_turned: bool,
}

fn px(mm: f32, dpi: u32) -> f32 {
    mm / 25.4 * dpi as f32
}

/// The sheet layout for `config`, or why the copies do not fit.
pub fn layout(config: &PrintConfig) -> Result<Layout, PhotoError> {
    let dpi = config.dpi;
    let (sw, sh) = (config.sheet_width_mm, config.sheet_height_mm);
    let (pw, ph) = (config.photo_width_mm, config.photo_height_mm);
    let fit = |avail: f32, size: f32| ((avail + GAP_MM) / (size + GAP_MM)).floor().max(0.0) as u32;
    // (area width, area height, caption turned)
    let options = [
        (sw - 2.0 * MARGIN_MM, sh - 2.0 * MARGIN_MM - STRIP_MM, false),
        (sw - 2.0 * MARGIN_MM - STRIP_MM, sh - 2.0 * MARGIN_MM, true),
    ];
    for (aw, ah, turned) in options {
        let (cols, rows) = (fit(aw, pw), fit(ah, ph));
        if cols * rows < config.copies {
            continue;
        }
        // Fewest rows that hold the copies, then the columns they need: a compact block.
        let rows = config.copies.div_ceil(cols).min(rows);
        let cols = config.copies.div_ceil(rows).min(cols);
        let block_w = cols as f32 * pw + (cols - 1) as f32 * GAP_MM;
        let block_h = rows as f32 * ph + (rows - 1) as f32 * GAP_MM;
        let x0 = MARGIN_MM + (aw - block_w) / 2.0;
        let y0 = MARGIN_MM + (ah - block_h) / 2.0;
        let photos = (0..config.copies)
            .map(|i| {
                let (c, r) = (i % cols, i / cols);
                (
                    px(x0 + c as f32 * (pw + GAP_MM), dpi).round() as u32,
                    px(y0 + r as f32 * (ph + GAP_MM), dpi).round() as u32,
                )
            })
            .collect();
        let caption = if turned {
            (
                px(sw - MARGIN_MM - STRIP_MM, dpi),
                px(MARGIN_MM, dpi),
                px(STRIP_MM, dpi),
                px(ah, dpi),
            )
        } else {
            (
                px(MARGIN_MM, dpi),
                px(sh - MARGIN_MM - STRIP_MM, dpi),
                px(aw, dpi),
                px(STRIP_MM, dpi),
            )
        };
        return Ok(Layout {
            width: px(sw, dpi).round() as u32,
            height: px(sh, dpi).round() as u32,
            photos,
            photo_width: px(pw, dpi).round() as u32,
            photo_height: px(ph, dpi).round() as u32,
            caption: (
                caption.0.round() as u32,
                caption.1.round() as u32,
                caption.2.round() as u32,
                caption.3.round() as u32,
            ),
            caption_turned: turned,
        });
    }
    Err(PhotoError::Sheet(format!(
        "{} photos of {pw}×{ph} mm do not fit on a {sw}×{sh} mm sheet; lower print.copies or use a larger sheet",
        config.copies
    )))
}

/// One sheet for one student.
pub fn render(
    photo: &RgbImage,
    caption: &Caption,
    config: &PrintConfig,
) -> Result<RgbImage, PhotoError> {
    let l = layout(config)?;
    let mut sheet = RgbImage::from_pixel(l.width, l.height, Rgb([255, 255, 255]));
    let print = cover(photo, l.photo_width, l.photo_height);
    for &(x, y) in &l.photos {
        image::imageops::replace(&mut sheet, &print, x as i64, y as i64);
        cut_marks(&mut sheet, x, y, l.photo_width, l.photo_height, config.dpi);
    }
    let text = format!("{}  {}", caption.student_no, caption.name);
    let mut glyphs = super::text::render(&text, px(CAPTION_MM, config.dpi))?;
    if l.caption_turned {
        glyphs = image::imageops::rotate270(&glyphs);
    }
    let (cx, cy, cw, ch) = l.caption;
    // Centred in the strip; a caption longer than the strip is cut at its end, never shrunk
    // to unreadable.
    let ox = cx as i64 + (cw as i64 - glyphs.width() as i64).max(0) / 2;
    let oy = cy as i64 + (ch as i64 - glyphs.height() as i64).max(0) / 2;
    for (gx, gy, v) in glyphs.enumerate_pixels() {
        let (x, y) = (ox + gx as i64, oy + gy as i64);
        let inside =
            x >= cx as i64 && y >= cy as i64 && x < (cx + cw) as i64 && y < (cy + ch) as i64;
        if inside && v[0] > 0 && (x as u32) < l.width && (y as u32) < l.height {
            let p = sheet.get_pixel_mut(x as u32, y as u32);
            let a = v[0] as f32 / 255.0;
            *p = Rgb(p.0.map(|c| (c as f32 * (1.0 - a)).round() as u8));
        }
    }
    Ok(sheet)
}

/// `photo` scaled to fill `w × h`, the excess cut evenly.
fn cover(photo: &RgbImage, w: u32, h: u32) -> RgbImage {
    let (pw, ph) = (photo.width() as f32, photo.height() as f32);
    let k = (w as f32 / pw).max(h as f32 / ph);
    let (cw, ch) = ((w as f32 / k).round() as u32, (h as f32 / k).round() as u32);
    let (cw, ch) = (cw.min(photo.width()), ch.min(photo.height()));
    let crop = image::imageops::crop_imm(
        photo,
        (photo.width() - cw) / 2,
        (photo.height() - ch) / 2,
        cw,
        ch,
    )
    .to_image();
    image::imageops::resize(&crop, w, h, image::imageops::FilterType::CatmullRom)
}

/// Short lines that continue each edge of the photo box outwards from its corners, not touching
/// the photo.
fn cut_marks(sheet: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, dpi: u32) {
    let off = px(MARK_OFFSET_MM, dpi).round() as i64;
    let len = px(MARK_MM, dpi).round() as i64;
    let thick = (dpi as i64 / 150).max(1);
    let (x0, y0, x1, y1) = (x as i64, y as i64, (x + w) as i64 - 1, (y + h) as i64 - 1);
    let mut line = |ax: i64, ay: i64, bx: i64, by: i64| {
        for yy in ay.min(by)..=ay.max(by) {
            for xx in ax.min(bx)..=ax.max(bx) {
                if xx >= 0 && yy >= 0 && (xx as u32) < sheet.width() && (yy as u32) < sheet.height()
                {
                    sheet.put_pixel(xx as u32, yy as u32, Rgb([0, 0, 0]));
                }
            }
        }
    };
    for (cx, sx) in [(x0, -1), (x1, 1)] {
        for (cy, sy) in [(y0, -1), (y1, 1)] {
            // Horizontal mark on the edge's row, vertical mark on the edge's column.
            line(
                cx + sx * off,
                cy,
                cx + sx * (off + len),
                cy + sy * (thick - 1),
            );
            line(
                cx,
                cy + sy * off,
                cx + sx * (thick - 1),
                cy + sy * (off + len),
            );
        }
    }
}

/// A PDF with one page per sheet, each page one JPEG image at the sheet's physical size.
pub fn to_pdf(pages: &[RgbImage], config: &PrintConfig) -> Result<Vec<u8>, PhotoError> {
    let encoded = pages
        .iter()
        .map(|p| PdfPage::encode(p, config))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(pdf_from_pages(&encoded, config))
}

/// One sheet, JPEG-encoded for a PDF page. A class's PDF is assembled from these, so only one
/// sheet at a time is held as pixels (a 300-dpi sheet is 6.5 MB raw, its JPEG a tenth of that).
#[derive(Debug, Clone)]
pub struct PdfPage {
    width: u32,
    height: u32,
    jpeg: Vec<u8>,
}

impl PdfPage {
    pub fn encode(page: &RgbImage, config: &PrintConfig) -> Result<PdfPage, PhotoError> {
        Ok(PdfPage {
            width: page.width(),
            height: page.height(),
            jpeg: super::jpeg::encode(page, 92, Some(config.dpi))?,
        })
    }
}

/// The PDF of already encoded sheets (see [`to_pdf`]).
pub fn pdf_from_pages(pages: &[PdfPage], config: &PrintConfig) -> Vec<u8> {
    let pt = |mm: f32| mm / 25.4 * 72.0;
    let (pw, ph) = (pt(config.sheet_width_mm), pt(config.sheet_height_mm));
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let n = pages.len();
    // Objects: 1 catalog, 2 pages, then per page: page, contents, image.
    let page_id = |i: usize| 3 + 3 * i;
    let obj = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut out, &mut offsets, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", page_id(i))).collect();
    obj(
        &mut out,
        &mut offsets,
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).as_bytes(),
    );
    for (i, page) in pages.iter().enumerate() {
        let id = page_id(i);
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2} {ph:.2}] /Contents {} 0 R /Resources << /XObject << /Im0 {} 0 R >> >> >>",
                id + 1,
                id + 2
            )
            .as_bytes(),
        );
        let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q");
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            )
            .as_bytes(),
        );
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            page.width,
            page.height,
            page.jpeg.len()
        )
        .into_bytes();
        body.extend_from_slice(&page.jpeg);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, &mut offsets, &body);
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A sheet as PNG bytes.
pub fn to_png(page: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    page.write_to(&mut bytes, image::ImageFormat::Png)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> RgbImage {
        RgbImage::from_fn(480, 640, |x, y| Rgb([(x / 2) as u8, (y / 3) as u8, 150]))
    }

    fn caption() -> Caption {
        Caption {
            student_no: "2026010203".into(),
            name: "张三".into(),
        }
    }

    #[test]
    fn five_copies_fit_the_default_six_inch_sheet() {
        let c = PrintConfig::default();
        let l = layout(&c).unwrap();
        assert_eq!(l.photos.len(), 5);
        assert_eq!((l.width, l.height), (1795, 1205));
        // No two boxes overlap, every box is on the sheet.
        for (i, a) in l.photos.iter().enumerate() {
            assert!(a.0 + l.photo_width <= l.width && a.1 + l.photo_height <= l.height);
            for b in &l.photos[i + 1..] {
                let apart = a.0 + l.photo_width <= b.0
                    || b.0 + l.photo_width <= a.0
                    || a.1 + l.photo_height <= b.1
                    || b.1 + l.photo_height <= a.1;
                assert!(apart, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn too_many_copies_are_refused() {
        let c = PrintConfig {
            copies: 30,
            ..PrintConfig::default()
        };
        assert!(matches!(layout(&c), Err(PhotoError::Sheet(_))));
    }

    #[test]
    fn the_sheet_has_photos_marks_and_a_caption() {
        let c = PrintConfig::default();
        let sheet = render(&photo(), &caption(), &c).unwrap();
        let l = layout(&c).unwrap();
        let (x, y) = l.photos[0];
        // Photo pixels inside the box, a black cut mark just outside its top-left corner.
        assert_ne!(sheet.get_pixel(x + 50, y + 50).0, [255, 255, 255]);
        let off = px(MARK_OFFSET_MM + 0.5, c.dpi) as u32;
        assert_eq!(sheet.get_pixel(x - off, y).0, [0, 0, 0]);
        assert_eq!(sheet.get_pixel(x, y - off).0, [0, 0, 0]);
        // Ink in the caption strip.
        let (cx, cy, cw, ch) = l.caption;
        let ink = (cx..cx + cw)
            .flat_map(|x| (cy..cy + ch).map(move |y| (x, y)))
            .filter(|&(x, y)| sheet.get_pixel(x, y).0[0] < 100)
            .count();
        assert!(ink > 200, "{ink}");
    }

    #[test]
    fn the_pdf_is_well_formed_with_one_page_per_sheet() {
        let c = PrintConfig::default();
        let sheet = render(&photo(), &caption(), &c).unwrap();
        let pdf = to_pdf(&[sheet.clone(), sheet], &c).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.contains("/Count 2"));
        assert_eq!(text.matches("/Subtype /Image").count(), 2);
        // The xref offset points at the xref table.
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[start..].starts_with(b"xref"));
        // 152 mm = 430.87 pt.
        assert!(text.contains("/MediaBox [0 0 430.87 289.13]"));
    }
}
