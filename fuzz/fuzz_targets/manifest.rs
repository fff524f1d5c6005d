//! A batch's `manifest.json`, its signature and the folder name, as the office checks them before
//! reading any photo (`office::verify::check_manifest`, the in-memory half of `verify_batch`).
//!
//! Input: one mode byte, then `manifest \0 signature \0 folder`. A random signature never
//! verifies, so with mode bit 0 set the target signs the fuzzed manifest with the trusted test key
//! itself: the checks after the signature (batch name, paths, students) are reached too.
#![no_main]
use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::LazyLock;
use tucai::export::key::fingerprint;
use tucai::export::manifest::{BatchName, is_safe_student_no};
use tucai::export::{TrustedKey, to_hex};
use tucai::office::verify::check_manifest;

/// Fixed so the seed corpus's signatures stay valid (`fuzz/make-seeds.py` signs with the same).
const SEED: [u8; 32] = [7; 32];

static KEY: LazyLock<(SigningKey, TrustedKey)> = LazyLock::new(|| {
    let signing = SigningKey::from_bytes(&SEED);
    let public = signing.verifying_key();
    let trusted = TrustedKey {
        format: "tucai-trust-v1".into(),
        station_id: "station-01".into(),
        public_key: to_hex(public.as_bytes()),
        fingerprint: fingerprint(public.as_bytes()),
    };
    (signing, trusted)
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let manifest = parts.next().unwrap_or_default();
    let given_sig = parts.next().unwrap_or_default();
    let folder = parts.next().map(String::from_utf8_lossy);
    let (signing, trusted) = &*KEY;
    let own_sig;
    let signature = if mode & 1 == 1 {
        own_sig = to_hex(&signing.sign(manifest).to_bytes());
        own_sig.as_bytes()
    } else {
        given_sig
    };
    // The folder name as `import` sees it: any name, parsed as a batch name or not.
    if let Some(name) = folder.as_deref()
        && let Some(parsed) = BatchName::parse(name)
    {
        assert!(!parsed.station.is_empty());
    }
    let lookup = |station: &str| Ok((station == trusted.station_id).then(|| trusted.clone()));
    let dir = Path::new("batches/x");
    match check_manifest(dir, folder.as_deref(), manifest, signature, &lookup) {
        Ok(m) => {
            // What the import then relies on: the names it turns into file names are plain.
            assert_eq!(m.station_id, trusted.station_id);
            for s in &m.students {
                assert!(is_safe_student_no(&s.student_no));
            }
            for f in &m.files {
                assert!(
                    Path::new(&f.path)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)))
                );
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
