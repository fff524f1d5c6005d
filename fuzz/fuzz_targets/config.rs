//! `kiosk.toml`: parse, deserialise and validate, as `Config::load` does after reading the file
//! as UTF-8.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tucai::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_toml(text, Path::new("kiosk.toml")) {
        // A config that loads is one the station starts with: validation must agree.
        Ok(config) => assert!(config.validate().is_empty()),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
