//! The office's receipt in a batch folder, read by the station's purge.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tucai::export::Receipt;
use tucai::export::receipt::FORMAT;

fuzz_target!(|data: &[u8]| {
    match Receipt::from_json(data, "station-01_s000001_b0001") {
        Ok(r) => {
            assert_eq!(r.format, FORMAT);
            // What the station writes back must read back the same.
            let again = Receipt::from_json(&r.to_json(), "x").expect("own receipt reads back");
            assert_eq!(again, r);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
