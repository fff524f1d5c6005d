//! Capture codes: QR decoding of camera frames ([`decode_rgb`]) on a [`ScanWorker`] thread,
//! keyboard-wedge scanners ([`WedgeAccumulator`]), and matching a payload to the session's roster
//! ([`Matcher`]) with typed refusals.
//!
//! Owns: payload validation and the refusal texts. Must not touch: egui; the store only through
//! its typed queries (`student_by_code`, `student_by_no`, `sessions`) and one audit line per
//! refused scan. What happens to a matched student (eligibility, locks) is `flow`'s business.

mod decode;
mod file;
mod matching;
mod text;
mod wedge;
mod worker;
mod zx;

pub use decode::{Decoded, DecoderPanic, decode_file, decode_frame, decode_rgb, luma};
pub use file::{ScanFileError, scan_file};
pub use matching::{
    MatchError, Matched, MatchedBy, Matcher, PatternError, Refusal, record_refusal,
};
pub use text::text_without_eci;
pub use wedge::{WedgeAccumulator, WedgeInput};
pub use worker::{FrameDecoder, ScanEvent, ScanWorker};
