//! The QR decoder (zxing-cpp, C++, behind `scan::decode_file`) on any greyscale picture: every
//! step the command line and the burst run (zxing-cpp's own binarisers, half size, our
//! local-mean bitmaps). Its input is camera pixels, which anyone holding up a phone or a
//! printout controls. Meant for the AddressSanitizer build, which instruments the C++ too
//! (`FUZZ_SANITIZER=address .ci/fuzz qr_image`, see docs/FUZZING.md); libFuzzer's coverage
//! comes from the Rust side only, so inside zxing-cpp the search is blind and ASan is the point.
//!
//! Input: two bytes of width (little-endian, taken modulo 1024, at least 21: a QR code's
//! smallest size in modules), then the pixels row by row; the height is what the bytes fill.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tucai::scan::decode_file;

fuzz_target!(|data: &[u8]| {
    let Some((head, pixels)) = data.split_first_chunk::<2>() else {
        return;
    };
    let width = (u16::from_le_bytes(*head) as usize % 1024).max(21);
    let height = pixels.len() / width;
    if height < 21 {
        return;
    }
    let Some(grey) = image::GrayImage::from_raw(
        width as u32,
        height as u32,
        pixels[..width * height].to_vec(),
    ) else {
        return;
    };
    // A decoder panic is caught per step and reported as Err (what `tucai scan` and the burst
    // do with it); what this target looks for is memory misuse, a hang or an allocation.
    let _ = decode_file(&grey);
});
