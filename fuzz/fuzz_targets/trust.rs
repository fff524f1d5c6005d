//! A station trust file (`tucai key show --out FILE`) as the office loads it with `--trust`,
//! then the signature check with the key it holds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tucai::export::TrustedKey;

fuzz_target!(|data: &[u8]| {
    match TrustedKey::from_json(data, Path::new("station.trust.json")) {
        Ok(key) => {
            // A loaded key is usable: it yields a verifying key, and it refuses a signature
            // that is no signature.
            assert!(key.verifying_key().is_some());
            assert!(!key.verifies(data, "00"));
            assert!(!key.verifies(data, &"0".repeat(128)));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
