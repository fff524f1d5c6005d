//! Decoding the codes in an image file: the one path `tucai scan` and `tucai eval qr` share, so
//! the evaluation measures what the command does.

use super::decode::{Decoded, DecoderPanic, decode_rgb};
use crate::imageio::{ImageLoadError, LoadLimits, load_rgb};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanFileError {
    #[error(transparent)]
    Load(#[from] ImageLoadError),
    #[error("{}: {source}", path.display())]
    Decoder {
        path: std::path::PathBuf,
        source: DecoderPanic,
    },
}

/// Loads `path` with the shared loader (format by content, EXIF orientation, pixel limit, long
/// side scaled to 4096 px: a code needs no more) and decodes every code in it.
pub fn scan_file(path: &Path) -> Result<Vec<Decoded>, ScanFileError> {
    let img = load_rgb(path, LoadLimits::default())?;
    decode_rgb(&img).map_err(|source| ScanFileError::Decoder {
        path: path.to_path_buf(),
        source,
    })
}
