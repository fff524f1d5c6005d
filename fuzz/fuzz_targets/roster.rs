//! Class rosters as a teacher's USB stick brings them: UTF-8 (with or without BOM) or GBK CSV.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tucai::roster::{self, RosterError};

fuzz_target!(|data: &[u8]| {
    match roster::parse(data) {
        Ok(r) => {
            // What the importer relies on: no accepted row lacks the required fields.
            assert!(!r.rows.is_empty());
            for row in &r.rows {
                assert!(!row.student_no.is_empty() && !row.name.is_empty());
                assert!(roster::is_valid_id_number(&row.id_number));
            }
        }
        Err(e @ RosterError::BadRows(_)) => {
            // The messages shown to the teacher are built for every error; they must not panic.
            let _ = e.to_string();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
