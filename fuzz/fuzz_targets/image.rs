//! The one image loader (`imageio::decode_rgb`, what `load_rgb` calls after opening the file) with
//! the limits the station uses: format sniffed from the content (JPEG, PNG, WebP), the pixel limit
//! before decoding, EXIF orientation, alpha on white, the long side scaled down.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tucai::imageio::{LoadLimits, MAX_LONG_SIDE, decode_rgb};

fuzz_target!(|data: &[u8]| {
    let limits = LoadLimits::default();
    if let Ok(img) = decode_rgb(data, Path::new("photo.jpg"), limits) {
        let (w, h) = img.dimensions();
        assert!(w > 0 && h > 0);
        assert!(w.max(h) <= MAX_LONG_SIDE);
        assert!(u64::from(w) * u64::from(h) <= limits.max_pixels);
    }
});
