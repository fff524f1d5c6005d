//! The review's reset list (学号,原因 CSV, UTF-8 or GBK) that `tucai review import` reads: the
//! provincial review's, and the one the office's first review writes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    match tucai::export::parse_review_list(data, Path::new("review.csv")) {
        Ok(resets) => {
            assert!(!resets.is_empty());
            for r in &resets {
                assert!(!r.student_no.is_empty() && !r.reason.is_empty());
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
