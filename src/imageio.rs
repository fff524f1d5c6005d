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
pub fn decode_rgb(
    bytes: &[u8],
    name: &Path,
    limits: LoadLimits,
) -> Result<RgbImage, ImageLoadError> {
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
    let Some(format) = reader.format() else {
        return Err(format_err("unknown file type".into()));
    };
    if format == image::ImageFormat::WebP {
        let mut inner = reader.into_inner();
        let overrun = webp_chunk_overrun(&mut inner).map_err(|e| damaged(e.to_string()))?;
        if let Some(fourcc) = overrun {
            return Err(damaged(format!(
                "its {fourcc} part claims more bytes than the file holds"
            )));
        }
        reader = ImageReader::with_format(inner, format);
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

/// The first top-level chunk of a WebP (RIFF) stream whose declared size runs past the end of the
/// stream, by its four-character name; `None` when every chunk fits. The stream is left at its
/// start.
///
/// Why: image-webp reads a metadata chunk (the EXIF that [`ImageDecoder::orientation`] asks for)
/// into a zeroed buffer of the size the chunk's header declares before it finds out the file is
/// shorter, and image's limits do not reach that buffer. A 400-byte file could make it allocate
/// up to 4 GB, which on a machine that does not overcommit memory (Windows) aborts the process.
/// Found by the AddressSanitizer run of the `image` fuzz target (docs/FUZZING.md).
fn webp_chunk_overrun<R: std::io::Read + Seek>(r: &mut R) -> std::io::Result<Option<String>> {
    use std::io::SeekFrom;
    let len = r.seek(SeekFrom::End(0))?;
    let mut pos = 12; // "RIFF", the RIFF size, "WEBP"
    let mut found = None;
    while pos + 8 <= len {
        r.seek(SeekFrom::Start(pos))?;
        let mut head = [0u8; 8];
        r.read_exact(&mut head)?;
        let size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        let end = pos + 8 + size;
        if end > len {
            found = Some(String::from_utf8_lossy(&head[..4]).into_owned());
            break;
        }
        // Chunks are padded to an even size.
        pos = end + (size & 1);
    }
    r.seek(SeekFrom::Start(0))?;
    Ok(found)
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
            matches!(
                err,
                ImageLoadError::TooLarge { .. } | ImageLoadError::Format { .. }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("bomb.png"), "{err}");
    }

    /// A 3×2 lossless WebP in the extended format with an EXIF chunk saying "rotate 90° clockwise
    /// to display" (orientation 6), whose header declares `declared` bytes (its real length when
    /// `None`).
    fn webp_with_exif(declared: Option<u32>) -> Vec<u8> {
        let img = RgbImage::from_pixel(3, 2, Rgb([200, 10, 10]));
        let mut simple = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut simple)
            .write_image(img.as_raw(), 3, 2, image::ExtendedColorType::Rgb8)
            .unwrap();
        // A big-endian TIFF with one IFD entry: Orientation (0x0112), SHORT, 1 value, 6.
        let exif: Vec<u8> = [
            &b"MM\0\x2a\0\0\0\x08\0\x01"[..],
            &[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0],
            &[0, 0, 0, 0],
        ]
        .concat();
        let chunk = |name: &[u8], size: u32, data: &[u8]| {
            let mut c = [name, &size.to_le_bytes()[..], data].concat();
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        // VP8X: flags (EXIF = 0x08), 3 reserved bytes, canvas width − 1 and height − 1 (24 bits).
        let vp8x = chunk(b"VP8X", 10, &[0x08, 0, 0, 0, 2, 0, 0, 1, 0, 0]);
        let exif_chunk = chunk(b"EXIF", declared.unwrap_or(exif.len() as u32), &exif);
        // The simple file's own VP8L chunk, after its 12-byte RIFF header.
        let body = [&b"WEBP"[..], &vp8x, &simple[12..], &exif_chunk].concat();
        [&b"RIFF"[..], &(body.len() as u32).to_le_bytes(), &body].concat()
    }

    #[test]
    fn a_webp_is_read_upright_by_its_exif_orientation() {
        let got = decode_rgb(
            &webp_with_exif(None),
            Path::new("turned.webp"),
            LoadLimits::default(),
        )
        .unwrap();
        assert_eq!(got.dimensions(), (2, 3));
        assert_eq!(got.get_pixel(1, 2).0, [200, 10, 10]);
    }

    #[test]
    fn a_webp_part_claiming_more_bytes_than_the_file_is_refused_unread() {
        // The fuzzer's find: an EXIF chunk of a few bytes whose header says 4 GB, which the
        // decoder would allocate to read the orientation.
        let err = decode_rgb(
            &webp_with_exif(Some(0xFFFF_FFF0)),
            Path::new("liar.webp"),
            LoadLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(err, ImageLoadError::Damaged { .. }), "{err}");
        assert!(err.to_string().contains("EXIF"), "{err}");
        assert!(err.to_string().contains("liar.webp"), "{err}");
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
