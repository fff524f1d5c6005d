//! The one way tucai reads an image file or buffer: the format is sniffed from the content (a PNG
//! named `.jpg` is read as PNG), the size is checked against a pixel limit *before* anything is
//! decoded (a 2 KB PNG that claims 40000×40000 is refused, not allocated), EXIF orientation is
//! applied, alpha is composited on white, greyscale and 16-bit become 8-bit RGB, and a very large
//! photo is scaled down to a long side no check or photo needs more than.
//!
//! Every loader goes through here: the CLI (`check`, `make`, `scan`, `photo add`, `eval`), the
//! teacher's studio photo, the office import. Errors name the file and say what to do; they never
//! carry image content.

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use std::io::{BufRead, Cursor, Seek};
use std::path::{Path, PathBuf};

/// Refused before decoding: more pixels than this is no photo a station or a studio makes
/// (a 50-megapixel camera is 8688×5792), and decoding it would take gigabytes.
pub const DEFAULT_MAX_PIXELS: u64 = 64_000_000;

/// Decoded images are scaled down to this long side: no check, photo or code needs more.
pub const MAX_LONG_SIDE: u32 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Width × height above which the file is refused unread.
    pub max_pixels: u64,
    /// Long side the decoded image is scaled down to (aspect kept); `u32::MAX` keeps it whole.
    pub max_long_side: u32,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_pixels: DEFAULT_MAX_PIXELS,
            max_long_side: MAX_LONG_SIDE,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageLoadError {
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not an image tucai can read (JPEG, PNG or WebP): {detail}", path.display())]
    Format { path: PathBuf, detail: String },
    #[error(
        "{}: {width}×{height} pixels is larger than the {max} pixels allowed; \
         give a smaller photo",
        path.display()
    )]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
        max: u64,
    },
    #[error("{}: the image is damaged and cannot be decoded: {detail}", path.display())]
    Damaged { path: PathBuf, detail: String },
}

/// Reads an image file to upright 8-bit RGB within `limits`.
pub fn load_rgb(path: &Path, limits: LoadLimits) -> Result<RgbImage, ImageLoadError> {
    let reader = ImageReader::open(path).map_err(|source| ImageLoadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    decode_reader(reader, path, limits)
}

/// Decodes an image held in memory (a camera's MJPEG frame, a photo inside a batch); `name` is
/// what errors call it.
pub fn decode_rgb(bytes: &[u8], name: &Path, limits: LoadLimits) -> Result<RgbImage, ImageLoadError> {
    decode_reader(ImageReader::new(Cursor::new(bytes)), name, limits)
}

fn decode_reader<R: BufRead + Seek>(
    reader: ImageReader<R>,
    path: &Path,
    limits: LoadLimits,
) -> Result<RgbImage, ImageLoadError> {
    let format_err = |detail: String| ImageLoadError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let damaged = |detail: String| ImageLoadError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let mut reader = reader
        .with_guessed_format()
        .map_err(|e| format_err(e.to_string()))?;
    if reader.format().is_none() {
        return Err(format_err("unknown file type".into()));
    }
    // The decoder's own allocation guard backs up the pixel check below (a frame inside an
    // animated or multi-part file could claim more than the header).
    let mut image_limits = image::Limits::default();
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(image_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format_err(e.to_string()))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageLoadError::TooLarge {
            path: path.to_path_buf(),
            width,
            height,
            max: limits.max_pixels,
        });
    }
    if width == 0 || height == 0 {
        return Err(damaged("the image has no pixels".into()));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| damaged(e.to_string()))?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > limits.max_long_side {
        img = img.resize(
            limits.max_long_side,
            limits.max_long_side,
            image::imageops::FilterType::Triangle,
        );
    }
    Ok(to_rgb_on_white(img))
}

/// Alpha over white (what a viewer shows for a transparent PNG), everything else to 8-bit RGB.
fn to_rgb_on_white(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u32::from(p[3]);
        let over = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([over(p[0]), over(p[1]), over(p[2])])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, Rgba, RgbaImage};

    fn png_bytes(img: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode png");
        out
    }

    #[test]
    fn a_png_named_jpg_is_read_by_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.jpg");
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(8, 6, Rgb([10, 20, 30])));
        std::fs::write(&path, png_bytes(&img)).unwrap();
        let got = load_rgb(&path, LoadLimits::default()).unwrap();
        assert_eq!(got.dimensions(), (8, 6));
        assert_eq!(got.get_pixel(3, 3).0, [10, 20, 30]);
    }

    #[test]
    fn alpha_is_composited_on_white_and_grey_16_bit_becomes_rgb() {
        let rgba = RgbaImage::from_pixel(4, 4, Rgba([0, 0, 0, 0]));
        let got = decode_rgb(
            &png_bytes(&DynamicImage::ImageRgba8(rgba)),
            Path::new("a.png"),
            LoadLimits::default(),
        )
        .unwrap();
        assert_eq!(got.get_pixel(0, 0).0, [255, 255, 255]);
        let grey = image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_pixel(
            4,
            4,
            image::Luma([65535]),
        );
        let got = decode_rgb(
            &png_bytes(&DynamicImage::ImageLuma16(grey)),
            Path::new("g.png"),
            LoadLimits::default(),
        )
        .unwrap();
        assert_eq!(got.get_pixel(1, 1).0, [255, 255, 255]);
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A real PNG header claiming 40000×40000 with almost no data behind it.
        let mut bytes = Vec::new();
        image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(&[0u8; 3], 1, 1, image::ExtendedColorType::Rgb8)
            .unwrap();
        // IHDR width/height live at bytes 16..24; the CRC no longer matches, which the size
        // check must not even reach.
        bytes[16..20].copy_from_slice(&40_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&40_000u32.to_be_bytes());
        let err = decode_rgb(&bytes, Path::new("bomb.png"), LoadLimits::default()).unwrap_err();
        assert!(
            matches!(err, ImageLoadError::TooLarge { .. } | ImageLoadError::Format { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("bomb.png"), "{err}");
    }

    #[test]
    fn large_images_are_scaled_to_the_long_side() {
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(400, 200, Rgb([1, 2, 3])));
        let limits = LoadLimits {
            max_pixels: DEFAULT_MAX_PIXELS,
            max_long_side: 100,
        };
        let got = decode_rgb(&png_bytes(&img), Path::new("big.png"), limits).unwrap();
        assert_eq!(got.dimensions(), (100, 50));
    }

    #[test]
    fn garbage_and_truncated_files_are_errors_not_panics() {
        let limits = LoadLimits::default();
        assert!(decode_rgb(b"not an image at all", Path::new("x.jpg"), limits).is_err());
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, Rgb([9, 9, 9])));
        let bytes = png_bytes(&img);
        for cut in [8, 30, bytes.len() / 2] {
            assert!(decode_rgb(&bytes[..cut], Path::new("cut.png"), limits).is_err());
        }
        let err = load_rgb(Path::new("/nonexistent/tucai/x.png"), limits).unwrap_err();
        assert!(matches!(err, ImageLoadError::Open { .. }));
    }
}
