//! The JPEG files the station writes: baseline, 24-bit colour, 4:2:0 with averaged chroma, the
//! dpi recorded in the JFIF header. The standard photo gets the highest quality whose file still
//! fits under `max_kb`, found by search (file size grows with quality, but by how much depends on
//! the photo).
//!
//! Encoded with `jpeg-encoder` rather than `image`'s encoder: it is about 4× faster here (AVX2
//! picked at run time), and the size search encodes the photo several times on the path between
//! the shot and the student seeing the result.

use super::{PhotoError, Refusal};
use image::RgbImage;
use jpeg_encoder::{
    ChromaSubsamplingMethod, ColorType, Encoder, PixelDensity, PixelDensityUnit, SamplingFactor,
};

/// One kilobyte as the register counts it.
pub const KB: usize = 1024;

/// An encoded photo and the quality it was encoded at.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub quality: u8,
}

/// `img` at `quality`, with `dpi` recorded when given.
pub fn encode(img: &RgbImage, quality: u8, dpi: Option<u32>) -> Result<Vec<u8>, PhotoError> {
    let (w, h) = img.dimensions();
    let too_big = || PhotoError::Encode(format!("{w}×{h} is beyond JPEG's 65535 px a side"));
    let w = u16::try_from(w).map_err(|_| too_big())?;
    let h = u16::try_from(h).map_err(|_| too_big())?;
    let mut bytes = Vec::with_capacity(64 * KB);
    let mut enc = Encoder::new(&mut bytes, quality.clamp(1, 100));
    // Fixed, not the crate's default (4:4:4 from quality 90): a subsampling that changes with the
    // quality makes the size jump there, and the size search needs size to grow with quality.
    enc.set_sampling_factor(SamplingFactor::F_2_2);
    // Averaged like libjpeg: the default takes one pixel of four, which frays coloured edges
    // such as hair against the new backdrop.
    enc.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    if let Some(dpi) = dpi {
        let d = dpi.clamp(1, u32::from(u16::MAX)) as u16;
        enc.set_density(PixelDensity {
            density: (d, d),
            unit: PixelDensityUnit::Inches,
        });
    }
    enc.encode(img.as_raw(), w, h, ColorType::Rgb)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(bytes)
}

/// The best quality in `min_quality..=100` whose file is at most `max_kb`. Refuses when even
/// `min_quality` is over `max_kb` (the photo is too busy for the limit) and when even quality 100
/// stays under `min_kb`: that only happens to a nearly empty image (a covered lens, a blank
/// frame), and padding the file to pass a size rule would hide that.
pub fn encode_to_size(
    img: &RgbImage,
    min_quality: u8,
    min_kb: u32,
    max_kb: u32,
    dpi: u32,
) -> Result<Encoded, PhotoError> {
    let max = max_kb as usize * KB;
    let min = min_kb as usize * KB;
    let min_quality = min_quality.clamp(1, 100);
    let lowest = encode(img, min_quality, Some(dpi))?;
    if lowest.len() > max {
        return Err(PhotoError::Refused(Refusal::FileTooLarge {
            kb_at_min_quality: lowest.len().div_ceil(KB) as u32,
        }));
    }
    let (mut lo, mut hi) = (min_quality, 100u8);
    let mut best = Encoded {
        bytes: lowest,
        quality: min_quality,
    };
    // Invariant: `lo` fits; search for the highest quality that fits.
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        let bytes = encode(img, mid, Some(dpi))?;
        if bytes.len() <= max {
            lo = mid;
            best = Encoded {
                bytes,
                quality: mid,
            };
        } else {
            hi = mid - 1;
        }
    }
    if best.bytes.len() < min {
        return Err(PhotoError::Refused(Refusal::FileTooSmall {
            kb_at_best_quality: (best.bytes.len() / KB) as u32,
        }));
    }
    Ok(best)
}

/// The dpi in a JFIF header, if it records one in dots per inch.
pub fn jfif_dpi(bytes: &[u8]) -> Option<(u16, u16)> {
    let app0 = bytes.windows(5).position(|w| w == b"JFIF\0")?;
    let h = bytes.get(app0 + 5..app0 + 12)?;
    (h[2] == 1).then(|| {
        (
            u16::from_be_bytes([h[3], h[4]]),
            u16::from_be_bytes([h[5], h[6]]),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let v = ((x * 31 + y * 17) ^ (x * y)) % 256;
            image::Rgb([v as u8, (v * 3 % 256) as u8, (255 - v) as u8])
        })
    }

    fn smooth(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb([(x / 4) as u8, (y / 4) as u8, 128]))
    }

    #[test]
    fn the_size_is_searched_into_range_and_dpi_recorded() {
        let img = RgbImage::from_fn(480, 640, |x, y| {
            let v = (((x as f32 / 9.0).sin() + (y as f32 / 7.0).cos()) * 60.0 + 128.0) as u8;
            let n = ((x * 7919 + y * 104729) % 23) as u8;
            image::Rgb([v.saturating_add(n), v / 2 + n, 200 - v / 3])
        });
        let e = encode_to_size(&img, 60, 20, 60, 300).unwrap();
        assert!(
            e.bytes.len() <= 60 * KB && e.bytes.len() >= 20 * KB,
            "{}",
            e.bytes.len()
        );
        assert!(e.quality >= 60);
        assert_eq!(jfif_dpi(&e.bytes), Some((300, 300)));
        if e.quality < 100 {
            // One step up would not have fitted: the search found the best quality.
            assert!(encode(&img, e.quality + 1, Some(300)).unwrap().len() > 60 * KB);
        }
        let decoded = image::load_from_memory(&e.bytes).unwrap();
        assert_eq!(decoded.color(), image::ColorType::Rgb8);
    }

    #[test]
    fn a_photo_too_busy_for_the_limit_is_refused() {
        let r = encode_to_size(&busy(480, 640), 95, 1, 20, 300);
        assert!(
            matches!(r, Err(PhotoError::Refused(Refusal::FileTooLarge { .. }))),
            "{r:?}"
        );
    }

    #[test]
    fn a_nearly_empty_photo_under_min_kb_is_refused_not_padded() {
        let r = encode_to_size(&smooth(480, 640), 60, 500, 600, 300);
        assert!(
            matches!(r, Err(PhotoError::Refused(Refusal::FileTooSmall { .. }))),
            "{r:?}"
        );
    }
}
