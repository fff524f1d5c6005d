//! Automatic photo checks of SPEC §4 → [`CheckReport`].
//!
//! Owns: every check id, its measurement and its hint. Must not touch: egui, the store.

mod report;

pub use report::{CheckId, CheckReport, CheckResult, FailureKind};
